"""Due lists: what is due for pemindahan, pemusnahan, penyerahan and re-appraisal, by unit and month — in SQL.

The clock's dates live on the record (``active_until``, ``inactive_until``), so "what is due" is one scan with a
``CASE`` that names the procedure and a ``GROUP BY`` unit and month of the due date: the database does the work
and nothing but the summary rows crosses into Python, whatever the size of the archive (benchmark:
``benchmarks/retention_due.py``). Held and vital records are counted in their rows so the archivist sees why a
due record cannot be proposed yet. Records waiting for a trigger event have no dates and are never due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, select, true
from sqlalchemy.orm import Session

from schemas.enums import ArchivalState, FinalDisposition

from ..db import Record
from ..runtime import Runtime
from .access import visibility_filter
from .actor import Actor
from .auth import authorize

# kind → (archival state, the date that must have passed, the JRA disposition required)
DUE_RULES: dict[str, tuple[ArchivalState, str, FinalDisposition | None]] = {
    "pemindahan": (ArchivalState.AKTIF, "active_until", None),
    "pemusnahan": (ArchivalState.INAKTIF, "inactive_until", FinalDisposition.MUSNAH),
    "penyerahan": (ArchivalState.INAKTIF, "inactive_until", FinalDisposition.PERMANEN),
    "penilaian_kembali": (ArchivalState.INAKTIF, "inactive_until", FinalDisposition.DINILAI_KEMBALI),
}


@dataclass(frozen=True)
class DueRow:
    kind: str
    processing_unit: str
    month: str
    count: int
    held: int
    vital: int


def _condition(kind: str, as_of: date) -> ColumnElement[bool]:
    state, field, disposition = DUE_RULES[kind]
    column = getattr(Record, field)
    conds = [Record.archival_state == str(state), column.is_not(None), column <= as_of]
    if disposition is not None:
        conds.append(Record.final_disposition == str(disposition))
    return and_(*conds)


def _month(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def due_summary(
    rt: Runtime,
    actor: Actor,
    *,
    as_of: date | None = None,
    kind: str | None = None,
    unit: str | None = None,
) -> list[DueRow]:
    """Counts of due records per procedure, unit and month of the due date (one scan, grouped in SQL)."""
    authorize(actor, "retention.due")
    as_of = as_of or rt.calendar.today()
    kinds = [kind] if kind else list(DUE_RULES)
    kind_expr = case(*[(_condition(k, as_of), k) for k in kinds], else_=None)
    due_date = case(
        (Record.archival_state == str(ArchivalState.AKTIF), Record.active_until), else_=Record.inactive_until
    )
    states = sorted({str(DUE_RULES[k][0]) for k in kinds})
    with rt.db.read() as session:
        month = _month(session, due_date)
        inner = (
            select(
                kind_expr.label("kind"),
                Record.processing_unit.label("unit"),
                month.label("month"),
                cast(Record.legal_hold, Integer).label("held"),
                cast(Record.is_vital, Integer).label("vital"),
            )
            .where(Record.archival_state.in_(states), visibility_filter(actor))
            .where(Record.processing_unit == unit if unit else true())
            .subquery()
        )
        rows = session.execute(
            select(
                inner.c.kind,
                inner.c.unit,
                inner.c.month,
                func.count(),
                func.coalesce(func.sum(inner.c.held), 0),
                func.coalesce(func.sum(inner.c.vital), 0),
            )
            .where(inner.c.kind.is_not(None))
            .group_by(inner.c.kind, inner.c.unit, inner.c.month)
            .order_by(inner.c.kind, inner.c.unit, inner.c.month)
        ).all()
    return [DueRow(k, u, m, int(n), int(h), int(v)) for k, u, m, n, h, v in rows]


@dataclass(frozen=True)
class DuePage:
    items: list[Record]
    total: int


def due_records(
    rt: Runtime,
    actor: Actor,
    kind: str,
    *,
    as_of: date | None = None,
    unit: str | None = None,
    month: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> DuePage:
    """The records behind one row of the summary (paged, oldest due first): what the archivist proposes."""
    authorize(actor, "retention.due")
    as_of = as_of or rt.calendar.today()
    field = getattr(Record, DUE_RULES[kind][1])
    with rt.db.read() as session:
        conds = [_condition(kind, as_of), visibility_filter(actor)]
        if unit:
            conds.append(Record.processing_unit == unit)
        if month:
            conds.append(_month(session, field) == month)
        where = and_(*conds)
        total = session.execute(select(func.count()).select_from(Record).where(where)).scalar_one()
        items = list(
            session.execute(
                select(Record).where(where).order_by(field, Record.id).offset((page - 1) * per_page).limit(per_page)
            ).scalars()
        )
    return DuePage(items, int(total))
