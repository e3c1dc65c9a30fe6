"""What the public portal may show: published, open, *biasa* records only — and nothing else, ever.

Every function here filters by ``indexing.public_condition()`` inside its SQL, so a record that is not public is
indistinguishable from one that does not exist (404, no title, no count). The search index is never trusted alone:
``search.public_search`` re-checks its hits against the same condition.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import select

from schemas.enums import KipCategory

from ..db import DipVersion, Record, RecordFile
from ..errors import NotFound
from ..runtime import Runtime
from .dip import CATEGORY_ORDER, numbered_rows
from .indexing import public_condition
from .public_versions import public_view


def _not_found(record_id: int) -> NotFound:
    return NotFound(f"Informasi {record_id} tidak ditemukan.", f"Information {record_id} not found.")


def get_public_record(rt: Runtime, record_id: int) -> Record:
    with rt.db.read() as session:
        record = session.execute(select(Record).where(Record.id == record_id, public_condition())).scalar_one_or_none()
        if record is None:
            raise _not_found(record_id)
        return public_view(record)


def open_public_file(rt: Runtime, record_id: int, file_id: int) -> tuple[RecordFile, BinaryIO]:
    """A file of the record's approved version (a file added by a revision under review is not public yet)."""
    record = get_public_record(rt, record_id)
    row = next((f for f in record.files if f.id == file_id), None)
    if row is None:
        raise _not_found(record_id)
    return row, rt.blobs.open(row.blob_sha256)


def latest(rt: Runtime, *, limit: int = 20, category: KipCategory | None = None) -> list[Record]:
    """Newest published information first (home page, Atom feeds)."""
    with rt.db.read() as session:
        q = select(Record).where(public_condition()).order_by(Record.published_at.desc(), Record.id.desc())
        if category is not None:
            q = q.where(Record.kip_category == str(category))
        return [public_view(r) for r in session.execute(q.limit(limit)).scalars()]


@dataclass(frozen=True)
class PublicDip:
    decree_no: str | None
    decree_date: Any
    groups: list[tuple[str, list[dict[str, Any]]]]


def public_dip(rt: Runtime) -> PublicDip:
    """The DIP in the PerKI columns, grouped berkala · serta merta · setiap saat, limited to published records in
    their approved versions and numbered among them (a row determined open but not yet published waits until it
    is; no gap in the numbering tells that it exists)."""
    with rt.db.read() as session:
        records = session.execute(select(Record).where(public_condition())).scalars().all()
        rows = numbered_rows([public_view(r) for r in records if r.kip_category in CATEGORY_ORDER])
        latest_version = session.execute(
            select(DipVersion).order_by(DipVersion.version_no.desc()).limit(1)
        ).scalar_one_or_none()
    groups = [(str(c), [r for r in rows if r["category"] == c]) for c in CATEGORY_ORDER]
    return PublicDip(
        latest_version.decree_no if latest_version else None,
        latest_version.decree_date if latest_version else None,
        groups,
    )


def sitemap_entries(rt: Runtime, *, batch: int = 5000) -> Iterator[tuple[int, Any]]:
    """(id, last change) of every public record, streamed in id order."""
    with rt.db.read() as session:
        q = select(Record.id, Record.updated_at).where(public_condition()).order_by(Record.id)
        yield from session.execute(q.execution_options(yield_per=batch))
