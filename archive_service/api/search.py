"""``/api/v1/search`` (staff, authenticated) and ``/api/v1/public/search`` (anonymous, rate limited)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.search import SearchQuerySchema, SearchResultSchema

from ..ratelimit import RateLimiter, app_limiter
from ..services import search as svc
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "search",
    __name__,
    url_prefix="/api/v1",
    description="Pencarian teks lengkap / Full-text search",
)

QUERY = {"in": "query", "schema": SearchQuerySchema}
"""The query parameters, for the document only: the views read them themselves (``_params``: repeated filters)."""


def _params() -> dict[str, Any]:
    """Query-string parameters; repeated facet filters become lists (the schema validates everything)."""
    lists = set(svc.FILTER_FIELDS)
    return {key: request.args.getlist(key) if key in lists else request.args[key] for key in request.args}


def _json(page: svc.SearchPage) -> Response:
    """The result as ``SearchResultSchema`` documents it, serialised directly: search is the hottest endpoint and
    a schema dump of every hit and facet value cost more than the database re-check (benchmarks/search_latency)."""
    body = {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "hits": [{**hit, "doc_date": hit["doc_date"].isoformat() if hit["doc_date"] else None} for hit in page.hits],
        "facets": {
            name: [{"value": v.value, "count": v.count} for v in values] for name, values in page.facets.items()
        },
        "took_ms": round(page.took_ms, 2),
        "fallback": page.fallback,
        "suggestion": page.suggestion,
        "relaxed": page.relaxed,
    }
    return current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/json")


def _limiter() -> RateLimiter:
    return app_limiter("public_search", runtime().settings.public_search_rate_per_minute)


@blp.route("/search")
class Search(MethodView):
    @endpoint_action("search.internal")
    @blp.doc(parameters=[QUERY])
    @blp.response(200, SearchResultSchema)
    def get(self) -> Any:
        """Cari arsip yang boleh Anda lihat / Search the records you may see.

        Sintaks / syntax: kata (AND), `OR`, `-kata`/`NOT`, `"frasa"`, `awalan*`, `kolom:nilai`
        (judul, isi, kode, kategori, tahun, unit, jenis). Filter: kip_category, year, unit, class_top, file_type
        (ulangi untuk OR / repeat for OR). Urutan / sort: relevance, date_desc, date_asc.
        """
        return _json(svc.internal_search(runtime(), current_actor(), _params()))


@blp.route("/public/search")
class PublicSearch(MethodView):
    @blp.response(200, SearchResultSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.doc(security=[], parameters=[QUERY])
    def get(self) -> Any:
        """Cari informasi publik yang diumumkan / Search published public information (no login; rate limited)."""
        _limiter().check(request.remote_addr or "-")
        return _json(svc.public_search(runtime(), _params()))
