"""The public information portal (``/``, no login): home, DIP, search, record pages, downloads, feeds, sitemap.

Thin views over ``services.public`` and ``services.search.public_search``: nothing here decides what is public.
Every URL that names a record answers 404 unless the record is published, open and *biasa* — the same answer as
for an id that never existed, so the portal leaks neither content nor existence.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _

from schemas.enums import KipCategory

from ..downloads import file_response
from ..errors import NotFound, SearchUnavailable, TooManyRequests, ValidationFailed
from ..ratelimit import RateLimiter, app_limiter
from ..runtime import Runtime
from ..services import public, search
from ..services.dip import CATEGORY_ORDER
from ..services.dip import retention_text as jra_retention_text
from . import feeds, i18n, labels
from .search_labels import FACET_LABELS, SORT_LABELS

bp = Blueprint("public", __name__)
# One date style per language on every page that uses them (labels.py); ISO stays in <time datetime>.
bp.add_app_template_filter(labels.date_text, "date_text")
bp.add_app_template_global(labels.time_tag, "time_tag")


def _rt() -> Runtime:
    return current_app.extensions["arsip"]


def _limiter() -> RateLimiter:
    return app_limiter("public_search", _rt().settings.public_search_rate_per_minute)


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"institution": _rt().settings.institution_name, "facet_labels": FACET_LABELS, "sort_labels": SORT_LABELS}


def _words() -> dict[str, Any]:
    """What the portal's templates print codes with: labels of the controlled terms, in the page language."""
    return {"enum_text": labels.enum_text, "class_text": labels.class_text}


def _facet_namer(results: search.SearchPage | None) -> Any:
    """``facet_text(name, value)`` for this page: unit names from the units table, classification codes with
    their names (the JRA's, else the primary class's), category labels, file types as people write them. Only
    the values the public index returned are looked up."""
    facets = results.facets if results is not None else {}
    units = public.unit_names(_rt(), [f.value for f in facets.get("unit", [])])
    classes = public.class_names(_rt(), [f.value for f in facets.get("class_top", [])])

    def facet_text(name: str, value: str) -> str:
        if name == "kip_category":
            return labels.enum_text("kip_category", value)
        if name == "unit":
            return units.get(value, value)
        if name == "class_top":
            return labels.class_text(value, classes.get(value))
        if name == "file_type":
            return labels.file_type_text(value)
        return str(value)

    return facet_text


@bp.get("/")
def home() -> str:
    rt = _rt()
    return render_template(
        "public/home.html",
        latest=public.latest(rt, limit=8),
        serta_merta=public.latest(rt, limit=5, category=KipCategory.SERTA_MERTA),
        **_words(),
    )


@bp.get("/dip")
def dip() -> str:
    category = request.args.get("kategori") or None
    listing = public.public_dip(_rt())
    groups = [(c, rows) for c, rows in listing.groups if category in (None, c)]
    return render_template(
        "public/dip.html",
        listing=listing,
        groups=groups,
        category=category,
        categories=[str(c) for c in CATEGORY_ORDER],
        retention_text=_retention_text,
        **_words(),
    )


def _retention_text(row: dict[str, Any]) -> str:
    """Column 7 in the page language: a text the record gives is shown as written; one made from the JRA class is
    said again in English on an English page."""
    if row.get("retention_terms") and not labels.in_indonesian():
        return jra_retention_text(row["retention_terms"], english=True) or row["retention_text"] or ""
    return row.get("retention_text") or ""


def _search_args() -> dict[str, Any]:
    """Query-string parameters in the search schema's terms (repeatable filters stay lists)."""
    params: dict[str, Any] = {"q": request.args.get("q", ""), "facets": True, "highlight": True}
    for name in ("page", "sort"):
        if request.args.get(name):
            params[name] = request.args[name]
    for name in search.FILTER_FIELDS:
        values = [v for v in request.args.getlist(name) if v]
        if values:
            params[name] = values
    return params


def _url_with(**changes: Any) -> str:
    """This search's URL with some parameters changed (facet links, paging, sort): shareable, JS-free."""
    items = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        items.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return url_for("public.search_page") + ("?" + urlencode(items) if items else "")


@bp.get("/cari")
def search_page() -> tuple[str, int] | str:
    params = _search_args()
    results, error, status = None, None, 200
    try:
        if params["q"] or any(params.get(n) for n in search.FILTER_FIELDS):
            _limiter().check(request.remote_addr or "-")
            results = search.public_search(_rt(), params)
    except TooManyRequests:
        error, status = _("Terlalu banyak pencarian; coba lagi sebentar lagi."), 429
    except SearchUnavailable:
        error, status = _("Pencarian sedang tidak tersedia; coba lagi sebentar lagi."), 503
    except ValidationFailed:
        error, status = _("Periksa kata kunci dan saringan pencarian."), 400
    selected = {name: request.args.getlist(name) for name in search.FILTER_FIELDS}
    page = render_template(
        "public/search.html",
        params=params,
        results=results,
        error=error,
        selected=selected,
        url_with=_url_with,
        facet_text=_facet_namer(results),
        **_words(),
    )
    return page, status


@bp.get("/informasi/<int:record_id>")
def record(record_id: int) -> str:
    try:
        item = public.get_public_record(_rt(), record_id)
    except NotFound:
        abort(404)
    return render_template(
        "public/record.html", record=item, class_name=public.record_class_name(_rt(), item), **_words()
    )


def _file(record_id: int, file_id: int, *, preview: bool) -> Response:
    try:
        row, stream = public.open_public_file(_rt(), record_id, file_id)
    except NotFound:
        abort(404)
    return file_response(
        stream,
        filename=row.filename,
        mime=row.mime,
        size=row.size,
        cache_control="public, max-age=300",
        preview=preview,
    )


@bp.get("/informasi/<int:record_id>/berkas/<int:file_id>")
def download(record_id: int, file_id: int) -> Response:
    return _file(record_id, file_id, preview=False)


@bp.get("/informasi/<int:record_id>/berkas/<int:file_id>/pratinjau")
def preview(record_id: int, file_id: int) -> Response:
    """Inline, for the record page's preview; only PDF and images are ever shown inline."""
    return _file(record_id, file_id, preview=True)


@bp.get("/feed/informasi.atom")
def feed_latest() -> Response:
    items = public.latest(_rt(), limit=50)
    return feeds.atom(_("Informasi publik terbaru"), url_for("public.feed_latest", _external=True), items)


@bp.get("/feed/serta-merta.atom")
def feed_serta_merta() -> Response:
    items = public.latest(_rt(), limit=50, category=KipCategory.SERTA_MERTA)
    return feeds.atom(_("Pengumuman informasi serta merta"), url_for("public.feed_serta_merta", _external=True), items)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    return Response(stream_with_context(feeds.sitemap(public.sitemap_entries(_rt()))), mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /staf/",
            "Disallow: /api/",
            "Disallow: /cari",
            "Allow: /",
            f"Sitemap: {url_for('public.sitemap', _external=True)}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on their own; send them to the SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/bahasa/<code>")
def language(code: str) -> Response:
    """Switch the language (a cookie) and go back to where the visitor was (same site only)."""
    if code not in i18n.LANGUAGES:
        abort(404)
    target = request.args.get("next") or url_for("public.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("public.home")
    response = redirect(target)
    response.set_cookie(i18n.COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.app_errorhandler(404)
def not_found(error: Any) -> Any:
    if request.path.startswith("/api/"):
        from ..api.problems import from_http_exception

        return from_http_exception(error)
    return render_template("public/error.html", code=404, message=_("Halaman tidak ditemukan.")), 404


# The request form, the tracking page and the public register register themselves on ``bp`` (issue 18).
from . import public_register, public_requests  # noqa: E402, F401
