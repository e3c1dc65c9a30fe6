"""What the public portal may show: published, open, *biasa* records only — and nothing else, ever.

Every function here filters by ``indexing.public_condition()`` inside its SQL, so a record that is not public is
indistinguishable from one that does not exist (404, no title, no count). The search index is never trusted alone:
``search.public_search`` re-checks its hits against the same condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import func, select

from schemas.enums import KipCategory

from ..db import DipVersion, JraClass, JraSchedule, Record, RecordFile, WorkUnit
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
        rows = numbered_rows([public_view(r) for r in records if r.kip_category in CATEGORY_ORDER], session)
        latest_version = session.execute(
            select(DipVersion).order_by(DipVersion.version_no.desc()).limit(1)
        ).scalar_one_or_none()
    groups = [(str(c), [r for r in rows if r["category"] == c]) for c in CATEGORY_ORDER]
    return PublicDip(
        latest_version.decree_no if latest_version else None,
        latest_version.decree_date if latest_version else None,
        groups,
    )


# ---- names for codes ------------------------------------------------------------------------------------------------
# The portal prints names, not the codes the database keys on. These look names up only for codes a public page
# already shows (a facet value of the public index, a public record's own code), so a name can never tell of a
# record that is not public: the units table and the JRA are the office's own lists, not records.


def unit_names(rt: Runtime, codes: Iterable[str]) -> dict[str, str]:
    """``{code: name}`` of the work units among ``codes`` (``diskominfo`` → "Dinas Komunikasi dan Informatika")."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    with rt.db.read() as session:
        return dict(session.execute(select(WorkUnit.code, WorkUnit.name).where(WorkUnit.code.in_(wanted))).all())


def class_names(rt: Runtime, codes: Iterable[str]) -> dict[str, str]:
    """``{code: name}`` from the current JRA for the codes it has a row of its own for (the first row of a code,
    the one a record gets by default). Codes it does not list are left out (the caller may name primary classes)."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    with rt.db.read() as session:
        current = session.execute(select(func.max(JraSchedule.version_no))).scalar_one_or_none()
        if current is None:
            return {}
        query = (
            select(JraClass.code, JraClass.record_type)
            .join(JraSchedule, JraClass.schedule_id == JraSchedule.id)
            .where(JraSchedule.version_no == current, JraClass.code.in_(wanted))
            .order_by(JraClass.position)
        )
        names: dict[str, str] = {}
        for code, record_type in session.execute(query):
            names.setdefault(code, record_type)
        return names


def record_class_name(rt: Runtime, record: Record) -> str | None:
    """The name of a public record's classification: its JRA class's record type (the class it was classified
    under, by the longest prefix of its code), else the current JRA's row for its exact code."""
    with rt.db.read() as session:
        if record.jra_class_id is not None:
            row = session.get(JraClass, record.jra_class_id)
            if row is not None:
                return row.record_type
    return class_names(rt, [record.classification_code]).get(record.classification_code)


def sitemap_entries(rt: Runtime, *, batch: int = 5000) -> Iterator[tuple[int, Any]]:
    """(id, last change) of every public record, streamed in id order."""
    with rt.db.read() as session:
        q = select(Record.id, Record.updated_at).where(public_condition()).order_by(Record.id)
        yield from session.execute(q.execution_options(yield_per=batch))
