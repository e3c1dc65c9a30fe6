"""Figures computed independently of ``services.monev``: plain Python over every row, visibility re-stated here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from archive_service.db import ControlCardEntry, Record
from archive_service.reports.period import Period

# The open SOP step per state (DOMAIN.md §5), written out again on purpose.
STEP_OF = {
    "dihimpun": "1-2",
    "diserahkan": "3",
    "diklasifikasi_usulan": "4",
    "didokumentasikan": "5",
    "diterima": "6",
    "perlu_perbaikan": "6",
    "diverifikasi": "7",
    "dilaporkan": "8",
    "ditetapkan_terbuka": "9",
    "dikecualikan": "12-14",
    "dipublikasikan": "12-14",
}
CLEARED = {
    "ppid": {"biasa_terbuka", "terbatas", "rahasia", "sangat_rahasia"},
    "atasan_ppid": {"biasa_terbuka", "terbatas", "rahasia", "sangat_rahasia"},
    "admin": {"biasa_terbuka", "terbatas", "rahasia"},
    "sekretariat": {"biasa_terbuka", "terbatas"},
}


@dataclass
class Rows:
    records: list[Record]
    entries: list[ControlCardEntry]


def load(rt: Any) -> Rows:
    with rt.db.read() as session:
        return Rows(
            list(session.execute(select(Record)).scalars()),
            list(session.execute(select(ControlCardEntry)).scalars()),
        )


def sees(actor: Any, record: Record) -> bool:
    if actor.role == "pendukung":
        return record.processing_unit == actor.unit_code
    return record.security_class in CLEARED[actor.role]


def local_day(rt: Any, moment: datetime) -> Any:
    return moment.astimezone(rt.calendar.tz).date()


def collected(rt: Any, rows: Rows, actor: Any, period: Period, unit: str | None = None) -> list[Record]:
    return [
        r
        for r in rows.records
        if sees(actor, r)
        and r.destroyed_at is None
        and (unit is None or r.processing_unit == unit)
        and period.contains(local_day(rt, r.created_at))
    ]


def by(records: list[Record], key: Any) -> dict[str, int]:
    return dict(Counter(key(r) for r in records))


def sla(rt: Any, rows: Rows, actor: Any, period: Period, now: datetime, unit: str | None = None) -> dict[str, Any]:
    """Per step: [completed, late, open overdue]."""
    by_id = {r.id: r for r in rows.records}
    out: dict[str, list[int]] = {}
    for e in rows.entries:
        r = by_id[e.record_id]
        if sees(actor, r) and (unit is None or r.processing_unit == unit) and period.contains(local_day(rt, e.at)):
            row = out.setdefault(STEP_OF[e.from_state], [0, 0, 0])
            row[0] += 1
            row[1] += int(bool(e.late))
    for r in rows.records:
        if (
            sees(actor, r)
            and r.destroyed_at is None
            and (unit is None or r.processing_unit == unit)
            and r.step_due_at is not None
            and r.step_due_at < now
        ):
            out.setdefault(STEP_OF[r.publication_state], [0, 0, 0])[2] += 1
    return out


def entries_with(rt: Any, rows: Rows, actor: Any, period: Period, actions: set[str]) -> set[int]:
    by_id = {r.id: r for r in rows.records}
    return {
        e.record_id
        for e in rows.entries
        if e.action in actions and sees(actor, by_id[e.record_id]) and period.contains(local_day(rt, e.at))
    }
