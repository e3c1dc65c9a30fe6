"""Search for staff (internal index, the caller's access inside the query) and for the public (public index,
every hit re-checked against the database before it is shown).

Why the access filter goes into the engine query and not after it: totals and facet counts are computed by the
engine, so filtering hits afterwards would still leak how many restricted records match a word. Why the public
re-check although the public index only ever receives published open records: it is the last line of defence
should an index ever lag behind a withdrawal (a crash between commit and index update); a hit that fails it is
dropped and its record re-synced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, select

from indexer.backends import engine_errors
from indexer.model import AccessFilter, FacetValue, SearchRequest, SearchResult, Sort
from schemas.enums import Role
from schemas.search import SearchQuerySchema

from ..db import Record
from ..errors import SearchUnavailable
from ..permissions import classes_visible_to
from ..runtime import Runtime
from . import indexing
from .actor import Actor
from .auth import authorize, validation_failed
from .records import visibility_filter

log = logging.getLogger(__name__)

FILTER_FIELDS = ("kip_category", "year", "unit", "class_top", "file_type")


@dataclass
class SearchPage:
    """A page of results as the API and the web pages render it."""

    total: int
    page: int
    per_page: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    took_ms: float = 0.0
    fallback: bool = False

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page


def parse_params(params: dict[str, Any]) -> dict[str, Any]:
    try:
        return SearchQuerySchema().load(params)
    except ValidationError as err:
        raise validation_failed(err) from err


def access_for(actor: Actor) -> AccessFilter | None:
    """The same rule as ``records.visibility_filter``, in the index's terms."""
    if actor.is_system:
        return None
    if actor.role == Role.PENDUKUNG:
        return AccessFilter(units=(actor.unit_code or "",))
    return AccessFilter(security_classes=tuple(classes_visible_to(actor.role)))


def _request(params: dict[str, Any], access: AccessFilter | None) -> SearchRequest:
    return SearchRequest(
        query=params["q"] or "",
        filters={name: [str(v) for v in params[name]] for name in FILTER_FIELDS if params.get(name)},
        access=access,
        sort=Sort(params["sort"]),
        offset=(params["page"] - 1) * params["per_page"],
        limit=params["per_page"],
        facets=params["facets"],
        highlight=params["highlight"],
    )


def internal_search(rt: Runtime, actor: Actor, raw_params: dict[str, Any]) -> SearchPage:
    """Staff search over every record the caller may see."""
    authorize(actor, "search.internal")
    params = parse_params(raw_params)
    result = _search(rt, indexing.INTERNAL, _request(params, access_for(actor)))
    with rt.db.read() as session:  # a lagging index must not show a record the caller may no longer see
        rows = _records(session, [h.id for h in result.hits], visibility_filter(actor))
    return _page(result, params, rows, url="/api/v1/records/{id}")


def public_search(rt: Runtime, raw_params: dict[str, Any]) -> SearchPage:
    """Anonymous search over published open records only."""
    params = parse_params(raw_params)
    result = _search(rt, indexing.PUBLIC, _request(params, None))
    ids = [h.id for h in result.hits]
    with rt.db.read() as session:
        rows = _records(session, ids, indexing.public_condition())
    stale = [i for i in ids if i not in rows]
    if stale:
        log.error("public index held records that are not public: %s; re-syncing", stale)
        for record_id in stale:
            indexing.sync_now(rt, record_id)
        result.total = max(0, result.total - len(stale))
    return _page(result, params, rows, url="/informasi/{id}")


def _search(rt: Runtime, index: str, request: SearchRequest) -> SearchResult:
    try:
        return rt.search.index(index).search(request)
    except engine_errors() as exc:
        log.exception("search engine failed on the %s index", index)
        raise SearchUnavailable(
            "Pencarian sedang tidak tersedia; coba lagi sebentar lagi.",
            "Search is unavailable at the moment; try again shortly.",
        ) from exc


_HIT_COLUMNS = (
    Record.id,
    Record.record_no,
    Record.title,
    Record.kip_category,
    Record.classification_code,
    Record.processing_unit,
    Record.doc_date,
    Record.publication_state,
)


def _records(session: Any, ids: list[int], allowed: ColumnElement[bool]) -> dict[int, Any]:
    """The current database row (only the columns a hit shows) of each hit that still satisfies ``allowed`` (the
    caller's visibility, or "published and open"). Rows, not ORM objects: this runs on every search."""
    if not ids:
        return {}
    return {row.id: row for row in session.execute(select(*_HIT_COLUMNS).where(Record.id.in_(ids), allowed))}


def _page(result: SearchResult, params: dict[str, Any], rows: dict[int, Any], url: str) -> SearchPage:
    hits = []
    for hit in result.hits:
        record = rows.get(hit.id)
        if record is None:  # deleted or no longer visible since it was indexed
            continue
        hits.append(
            {
                "id": record.id,
                "record_no": record.record_no,
                "title": record.title,
                "title_highlighted": hit.title_highlighted,
                "snippet": hit.snippet,
                "score": hit.score,
                "kip_category": record.kip_category,
                "classification_code": record.classification_code,
                "processing_unit": record.processing_unit,
                "doc_date": record.doc_date,
                "publication_state": record.publication_state,
                "url": url.format(id=record.id),
            }
        )
    return SearchPage(
        total=result.total,
        page=params["page"],
        per_page=params["per_page"],
        hits=hits,
        facets=result.facets,
        took_ms=result.took_ms,
        fallback=result.fallback,
    )
