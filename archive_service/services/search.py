"""Search for staff (internal index, the caller's access inside the query) and for the public (public index,
every hit re-checked against the database before it is shown).

Why the access filter goes into the engine query and not after it: totals and facet counts are computed by the
engine, so filtering hits afterwards would still leak how many restricted records match a word.

**No oracle** (docs/search.md): nothing a caller sees may depend on records the caller may not see. The indexes lag
the database by the outbox: a record reclassified or withdrawn a moment ago is still in them as it was. So before
asking the engine, the records with unapplied changes that the caller may *not* see now are looked up and excluded
inside the engine query (hits, totals and facets then come from the checked set); a hit that still fails the
re-check (an index that lags without an outbox row) is dropped, its correction queued for the worker — never
re-synced inside the request, which would block it behind the index writer — and the page asked again without it.
Raw engine scores depend on collection-wide statistics (hidden records included), so they leave only through the
CLI, whose system actor sees everything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, and_, select

from indexer.backends import engine_errors
from indexer.model import AccessFilter, FacetValue, SearchRequest, SearchResult, Sort
from schemas.enums import PublicationState, Role
from schemas.search import SearchQuerySchema

from ..db import OutboxEvent, Record
from ..errors import SearchUnavailable
from ..permissions import classes_visible_to
from ..runtime import Runtime
from . import indexing
from .access import visibility_filter
from .actor import Actor
from .auth import authorize, validation_failed
from .public_versions import public_fields

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
    suggestion: str | None = None
    relaxed: list[str] = field(default_factory=list)

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


def _request(params: dict[str, Any], access: AccessFilter | None, exclude: tuple[int, ...] = ()) -> SearchRequest:
    return SearchRequest(
        query=params["q"] or "",
        filters={name: [str(v) for v in params[name]] for name in FILTER_FIELDS if params.get(name)},
        access=access,
        sort=Sort(params["sort"]),
        offset=(params["page"] - 1) * params["per_page"],
        limit=params["per_page"],
        facets=params["facets"],
        highlight=params["highlight"],
        exclude_ids=exclude,
        relax=True,
    )


def internal_search(rt: Runtime, actor: Actor, raw_params: dict[str, Any]) -> SearchPage:
    """Staff search over every record the caller may see."""
    authorize(actor, "search.internal")
    params = parse_params(raw_params)
    allowed = and_(visibility_filter(actor), indexing.indexed_condition())
    result, rows = _checked_search(rt, indexing.INTERNAL, params, access_for(actor), allowed)
    return _page(result, params, rows, url="/api/v1/records/{id}", scores=actor.is_system)


def public_search(rt: Runtime, raw_params: dict[str, Any]) -> SearchPage:
    """Anonymous search over published open records only."""
    params = parse_params(raw_params)
    result, rows = _checked_search(rt, indexing.PUBLIC, params, None, indexing.public_condition())
    return _page(result, params, _approved(rt, rows), url="/informasi/{id}", scores=False)


def _approved(rt: Runtime, rows: dict[int, Any]) -> dict[int, Any]:
    """Hits of records under revision show their approved version's values (services/public_versions.py)."""
    revising = [rid for rid, row in rows.items() if row.publication_state != PublicationState.DIPUBLIKASIKAN]
    if not revising:
        return rows
    with rt.db.read() as session:
        query = select(Record.id, Record.public_snapshot).where(Record.id.in_(revising))
        snapshots: dict[int, Any] = {rid: snap for rid, snap in session.execute(query)}
    out = dict(rows)
    for rid in revising:
        values = {name: getattr(rows[rid], name) for name in rows[rid]._fields}
        values.update(
            (k, v) for k, v in public_fields(rows[rid].publication_state, snapshots.get(rid)).items() if k in values
        )
        out[rid] = SimpleNamespace(**values)
    return out


def _checked_search(
    rt: Runtime, index: str, params: dict[str, Any], access: AccessFilter | None, allowed: ColumnElement[bool]
) -> tuple[SearchResult, dict[int, Any]]:
    """Search with the lagging records excluded, re-check the hits, and ask once more without any that fail."""
    with rt.db.read() as session:
        excluded = _lagging_hidden(session, allowed)
    result = _search(rt, index, _request(params, access, excluded))
    with rt.db.read() as session:
        rows = _records(session, [h.id for h in result.hits], allowed)
    stale = [h.id for h in result.hits if h.id not in rows]
    if stale:
        log.warning("the %s index held records the caller may not see: %s; correction queued", index, stale)
        indexing.queue_resync(rt, stale)
        result = _search(rt, index, _request(params, access, (*excluded, *stale)))
        with rt.db.read() as session:
            rows = _records(session, [h.id for h in result.hits], allowed)
    return result, rows


MAX_LAGGING = 10_000  # beyond this backlog (a bulk ingest), the per-hit re-check still guards every shown hit


def _lagging_hidden(session: Any, allowed: ColumnElement[bool]) -> tuple[int, ...]:
    """Records with an unapplied index change that fail ``allowed`` now: the index may still show them."""
    pending = (
        select(OutboxEvent.record_id)
        .where(OutboxEvent.processed_at.is_(None), OutboxEvent.record_id.is_not(None))
        .distinct()
        .limit(MAX_LAGGING)
    )
    ids = set(session.execute(pending).scalars())
    if not ids:
        return ()
    fine = set(session.execute(select(Record.id).where(Record.id.in_(ids), allowed)).scalars())
    return tuple(sorted(ids - fine))


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


def _page(result: SearchResult, params: dict[str, Any], rows: dict[int, Any], url: str, *, scores: bool) -> SearchPage:
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
                "score": hit.score if scores else None,
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
        suggestion=result.suggestion,
        relaxed=list(result.relaxed),
    )
