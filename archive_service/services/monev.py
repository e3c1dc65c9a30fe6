"""Monev figures (SOP steps 10-14): what was collected, how the SOP's time limits were kept, what is overdue.

Every figure is one set-based query (``GROUP BY`` / ``count(DISTINCT …)``) over what the actor may see
(``records.visibility_filter``: unit scope for a pendukung, security clearance for the others), optionally narrowed
to one unit; only the summary rows (and the short lists the reports print) cross into Python. Definitions, used
the same way by the dashboard, the API and every report (docs/monev.md):

* **collected in the period**: records whose ``created_at``, read in the office's time zone, falls in the period;
  the month of a record is the month of that local ``created_at``. Destroyed records (tombstones) are left out of
  every inventory figure.
* **SLA**: one completed step = one control-card line whose ``at`` falls in the period; its step is the SOP step
  that was open in the line's ``from_state`` (``workflow.table.STEPS``, the same numbers as the SLA table), it is
  late when the line's ``late`` flag is set (done after the step's due time). Compliance = on time / completed.
  Control-card lines are history: they count even when the record was destroyed later.
* **open overdue**: records still in a step whose ``step_due_at`` is before now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, true

from schemas.enums import KipCategory, PublicationState, Role

from ..db import ControlCardEntry, DipRow, DipVersion, Record, WorkUnit
from ..db.types import utcnow
from ..errors import PermissionDenied
from ..permissions import role_may
from ..reports.period import MONTHS_ID, Period
from ..runtime import Runtime
from ..workflow.table import STEPS
from .access import visibility_filter
from .actor import Actor
from .auth import authorize
from .request_figures import RequestFigures
from .request_figures import figures as request_figures
from .retention_due import DueRow, due_summary

UNSET = "belum_ditetapkan"  # no KIP category determined yet
CATEGORIES = (*(str(c) for c in KipCategory), UNSET)
CATEGORY_LABELS = {
    "berkala": "Berkala",
    "serta_merta": "Serta merta",
    "setiap_saat": "Setiap saat",
    "dikecualikan": "Dikecualikan",
    UNSET: "Belum ditetapkan",
}
# States after SOP step 4 (documentation done, UU Kearsipan).
DOCUMENTED_STATES = tuple(
    str(s)
    for s in (
        PublicationState.DIDOKUMENTASIKAN,
        PublicationState.DITERIMA,
        PublicationState.PERLU_PERBAIKAN,
        PublicationState.DIVERIFIKASI,
        PublicationState.DILAPORKAN,
        PublicationState.DITETAPKAN_TERBUKA,
        PublicationState.DIKECUALIKAN,
        PublicationState.DIPUBLIKASIKAN,
    )
)
WITHDRAW_ACTIONS = ("batalkan_publikasi", "tarik", "tinjau_semester")
DETERMINE_OPEN_ACTIONS = ("tetapkan_terbuka", "tambahkan_ke_dip")


def _step_key(no: str) -> tuple[int, str]:
    return (int(no.split("-")[0]), no)


STEP_NOS: tuple[str, ...] = tuple(sorted({step.no for step in STEPS.values()}, key=_step_key))
STEP_OF_STATE: dict[str, str] = {str(state): step.no for state, step in STEPS.items()}
STEP_INFO: dict[str, tuple[str, str, str]] = {}  # step no -> (name_id, name_en, SLA text); first state wins
for _state, _step in STEPS.items():
    STEP_INFO.setdefault(_step.no, (_step.name_id, _step.name_en, str(_step.sla)))


# ---- result types ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaRow:
    """Steps completed in the period (on time / late) and steps open now past their due time, for one key."""

    key: str  # a step number ("1-2", "6", "12-14") or a unit code
    label: str
    completed: int
    late: int
    open_overdue: int
    sla: str | None = None  # the SOP's time limit (step rows only)

    @property
    def on_time(self) -> int:
        return self.completed - self.late

    @property
    def compliance(self) -> float | None:
        """Percentage of completed steps done on time (one decimal); None when nothing was completed."""
        return round(100 * self.on_time / self.completed, 1) if self.completed else None


@dataclass(frozen=True)
class OverdueItem:
    record_id: int
    record_no: str
    title: str
    unit: str
    state: str
    step: str
    step_name: str
    due_at: datetime
    late_by: timedelta

    @property
    def late_text(self) -> str:
        """``3 hari 4 jam`` (calendar time since the due moment)."""
        days, hours = self.late_by.days, self.late_by.seconds // 3600
        minutes = (self.late_by.seconds % 3600) // 60
        parts = [f"{days} hari"] if days else []
        if hours or days:
            parts.append(f"{hours} jam")
        if not days:
            parts.append(f"{minutes} menit")
        return " ".join(parts)


@dataclass(frozen=True)
class ExemptionItem:
    record_id: int
    record_no: str
    title: str
    unit: str
    ground: str | None
    until: date
    days_left: int  # negative: expired that many days ago
    decree_no: str | None


@dataclass
class Figures:
    """Everything the dashboard shows and the monev report prints, for one period, unit and moment."""

    period: Period
    unit: str | None
    now: datetime
    today: date
    unit_names: dict[str, str]
    total: int
    by_category: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    by_state: list[tuple[str, int]]
    sla_by_step: list[SlaRow]
    sla_by_unit: list[SlaRow]
    overdue: list[OverdueItem]
    exemptions_expiring: list[ExemptionItem]
    exemptions_expired: list[ExemptionItem]
    exemption_days: int
    retention_due: list[DueRow] | None = None  # None: the role may not see due lists (retention.due)
    sla_total: SlaRow | None = None
    requests: RequestFigures | None = None  # the information service's figures (issue 18), aggregates only

    def unit_label(self, code: str) -> str:
        """``Bappeda (bappeda)``: two units may share a name, their codes differ."""
        name = self.unit_names.get(code)
        return f"{name} ({code})" if name and name != code else code


# ---- scope -----------------------------------------------------------------------------------------------------------
def scope_unit(actor: Actor, unit: str | None) -> str | None:
    """The unit the figures cover: a pendukung always its own unit (403 when it asks for another)."""
    unit = (unit or "").strip() or None
    if not actor.is_system and actor.role == Role.PENDUKUNG:
        if unit is not None and unit != actor.unit_code:
            raise PermissionDenied(
                "Tim Pendukung hanya dapat melihat laporan unitnya sendiri.",
                "A Tim Pendukung member may only see its own unit's reports.",
            )
        return actor.unit_code or ""
    return unit


def bounds(rt: Runtime, period: Period) -> tuple[datetime, datetime]:
    """The period as UTC instants ``[start, end)``: its days run from local midnight to local midnight."""
    tz = rt.calendar.tz
    start = datetime.combine(period.start, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(period.end_exclusive, time.min, tzinfo=tz).astimezone(UTC)
    return start, end


def months(period: Period) -> list[tuple[str, date, date]]:
    """``(YYYY-MM, first day, day after)`` for every month the period touches, clipped to the period."""
    out = []
    cursor = period.start
    while cursor <= period.end:
        nxt = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        out.append((f"{cursor.year}-{cursor.month:02d}", cursor, min(nxt, period.end_exclusive)))
        cursor = nxt
    return out


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS_ID[int(month) - 1][:3]} {year}"


def _record_scope(actor: Actor, unit: str | None, *, live: bool = True) -> list[ColumnElement[bool]]:
    conds = [visibility_filter(actor), Record.processing_unit == unit if unit is not None else true()]
    if live:
        conds.append(Record.destroyed_at.is_(None))
    return conds


def _created_in(rt: Runtime, period: Period) -> ColumnElement[bool]:
    start, end = bounds(rt, period)
    return and_(Record.created_at >= start, Record.created_at < end)


def _entry_in(rt: Runtime, period: Period) -> ColumnElement[bool]:
    start, end = bounds(rt, period)
    return and_(ControlCardEntry.at >= start, ControlCardEntry.at < end)


# ---- inventory counts ------------------------------------------------------------------------------------------------
def _grouped(rt: Runtime, key: Any, conds: Sequence[ColumnElement[bool]]) -> dict[str, int]:
    with rt.db.read() as session:
        rows = session.execute(select(key, func.count()).select_from(Record).where(*conds).group_by(key)).all()
    return {str(k): int(n) for k, n in rows}


def collected_counts(
    rt: Runtime, actor: Actor, period: Period, unit: str | None = None
) -> dict[str, list[tuple[str, int]]]:
    """Records collected in the period by KIP category, unit, month and publication state (zeros included)."""
    conds = [*_record_scope(actor, unit), _created_in(rt, period)]
    category = _grouped(rt, func.coalesce(Record.kip_category, UNSET), conds)
    by_unit = _grouped(rt, Record.processing_unit, conds)
    state = _grouped(rt, Record.publication_state, conds)
    tz = rt.calendar.tz
    spans = months(period)
    month_key = case(
        *[
            (Record.created_at < datetime.combine(end, time.min, tzinfo=tz).astimezone(UTC), key)
            for key, _start, end in spans
        ],
        else_=None,
    )
    month = _grouped(rt, month_key, conds)
    return {
        "by_category": [(c, category.get(c, 0)) for c in CATEGORIES],
        "by_unit": sorted(by_unit.items()),
        "by_month": [(key, month.get(key, 0)) for key, _s, _e in spans],
        "by_state": [(str(s), state.get(str(s), 0)) for s in PublicationState],
    }


def unit_names(rt: Runtime) -> dict[str, str]:
    with rt.db.read() as session:
        return {code: name for code, name in session.execute(select(WorkUnit.code, WorkUnit.name))}


# ---- SLA ------------------------------------------------------------------------------------------------------------
def sla_rows(
    rt: Runtime, actor: Actor, period: Period, unit: str | None = None, *, now: datetime | None = None
) -> tuple[list[SlaRow], list[SlaRow], SlaRow]:
    """SLA compliance per SOP step and per unit, and the overall row."""
    now = now or utcnow()
    late = func.coalesce(func.sum(case((ControlCardEntry.late.is_(True), 1), else_=0)), 0)
    entry_conds = [*_record_scope(actor, unit, live=False), _entry_in(rt, period)]
    open_conds = [
        *_record_scope(actor, unit),
        Record.step_due_at.is_not(None),
        Record.step_due_at < now,
        Record.publication_state.in_(list(STEP_OF_STATE)),
    ]
    with rt.db.read() as session:
        done_state = session.execute(
            select(ControlCardEntry.from_state, func.count(), late)
            .join(Record, Record.id == ControlCardEntry.record_id)
            .where(*entry_conds)
            .group_by(ControlCardEntry.from_state)
        ).all()
        done_unit = session.execute(
            select(Record.processing_unit, func.count(), late)
            .join(Record, Record.id == ControlCardEntry.record_id)
            .where(*entry_conds)
            .group_by(Record.processing_unit)
        ).all()
        open_state = session.execute(
            select(Record.publication_state, func.count()).where(*open_conds).group_by(Record.publication_state)
        ).all()
        open_unit = session.execute(
            select(Record.processing_unit, func.count()).where(*open_conds).group_by(Record.processing_unit)
        ).all()
    steps: dict[str, list[int]] = {no: [0, 0, 0] for no in STEP_NOS}
    for state, n, n_late in done_state:
        row = steps.setdefault(STEP_OF_STATE.get(str(state), str(state)), [0, 0, 0])
        row[0] += int(n)
        row[1] += int(n_late)
    for state, n in open_state:
        steps[STEP_OF_STATE[str(state)]][2] += int(n)
    units: dict[str, list[int]] = {}
    for code, n, n_late in done_unit:
        units.setdefault(str(code), [0, 0, 0])[:2] = [int(n), int(n_late)]
    for code, n in open_unit:
        units.setdefault(str(code), [0, 0, 0])[2] = int(n)
    names = unit_names(rt)
    by_step = [
        SlaRow(no, STEP_INFO.get(no, (no, no, ""))[0], c, lt, o, STEP_INFO.get(no, ("", "", None))[2])
        for no, (c, lt, o) in sorted(steps.items(), key=lambda item: _step_key(item[0]))
    ]
    by_unit = [
        SlaRow(code, f"{names[code]} ({code})" if code in names else code, c, lt, o)
        for code, (c, lt, o) in sorted(units.items())
    ]
    total = SlaRow(
        "total",
        "Jumlah",
        sum(r.completed for r in by_step),
        sum(r.late for r in by_step),
        sum(r.open_overdue for r in by_step),
    )
    return by_step, by_unit, total


def overdue_items(
    rt: Runtime, actor: Actor, unit: str | None = None, *, now: datetime | None = None, limit: int = 200
) -> list[OverdueItem]:
    """Records whose open step is past its due time, most overdue first."""
    now = now or utcnow()
    with rt.db.read() as session:
        rows = session.execute(
            select(
                Record.id,
                Record.record_no,
                Record.title,
                Record.processing_unit,
                Record.publication_state,
                Record.step_due_at,
            )
            .where(
                *_record_scope(actor, unit),
                Record.step_due_at.is_not(None),
                Record.step_due_at < now,
                Record.publication_state.in_(list(STEP_OF_STATE)),
            )
            .order_by(Record.step_due_at, Record.id)
            .limit(limit)
        ).all()
    return [
        OverdueItem(
            rid, no, title, code, state, STEP_OF_STATE[state], STEP_INFO[STEP_OF_STATE[state]][0], due, now - due
        )
        for rid, no, title, code, state, due in rows
    ]


# ---- exemptions ------------------------------------------------------------------------------------------------------
def exemptions(
    rt: Runtime, actor: Actor, unit: str | None = None, *, today: date | None = None, days: int | None = None
) -> tuple[list[ExemptionItem], list[ExemptionItem]]:
    """Exemptions ending within ``days`` (default ``exemption_reminder_days``) and those already ended but still
    exempted (not reviewed yet: ``arsip cron`` or the PPID has not re-decided them)."""
    today = today or rt.calendar.today()
    days = rt.settings.exemption_reminder_days if days is None else days
    with rt.db.read() as session:
        rows = session.execute(
            select(
                Record.id,
                Record.record_no,
                Record.title,
                Record.processing_unit,
                Record.exemption_ground,
                Record.exemption_until,
                Record.exemption_decree_no,
            )
            .where(
                *_record_scope(actor, unit),
                Record.publication_state == str(PublicationState.DIKECUALIKAN),
                Record.exemption_no_expiry.is_(False),
                Record.exemption_until.is_not(None),
                Record.exemption_until <= today + timedelta(days=days),
            )
            .order_by(Record.exemption_until, Record.id)
        ).all()
    items = [ExemptionItem(r, no, t, u, g, until, (until - today).days, d) for r, no, t, u, g, until, d in rows]
    return [i for i in items if i.days_left > 0], [i for i in items if i.days_left <= 0]


# ---- records behind the periodic reports -----------------------------------------------------------------------------
def collected_records(rt: Runtime, actor: Actor, period: Period, unit: str | None = None) -> list[Record]:
    """The records collected in the period (the rows of laporan pengumpulan and klasifikasi), by unit then number."""
    with rt.db.read() as session:
        return list(
            session.execute(
                select(Record)
                .where(*_record_scope(actor, unit), _created_in(rt, period))
                .order_by(Record.processing_unit, Record.record_no)
            ).scalars()
        )


def classification_by_unit(rt: Runtime, actor: Actor, period: Period, unit: str | None = None) -> list[dict[str, Any]]:
    """Per unit (records collected in the period): proposed and determined categories, documentation done,
    verification rounds. One grouped query; each column a ``SUM(CASE …)``."""

    def count_if(cond: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    columns = {
        "collected": func.count(),
        **{f"proposed_{c}": count_if(Record.proposed_kip_category == c) for c in CATEGORIES[:-1]},
        "proposed_none": count_if(Record.proposed_kip_category.is_(None)),
        **{f"determined_{c}": count_if(Record.kip_category == c) for c in CATEGORIES[:-1]},
        "determined_none": count_if(Record.kip_category.is_(None)),
        "documented": count_if(Record.publication_state.in_(DOCUMENTED_STATES)),
        "with_jra": count_if(Record.jra_class_id.is_not(None)),
        "returned": count_if(Record.verification_round > 0),
        "rounds": func.coalesce(func.sum(Record.verification_round), 0),
    }
    with rt.db.read() as session:
        rows = session.execute(
            select(Record.processing_unit, *[col.label(name) for name, col in columns.items()])
            .where(*_record_scope(actor, unit), _created_in(rt, period))
            .group_by(Record.processing_unit)
            .order_by(Record.processing_unit)
        ).all()
    return [{"unit": row[0], **{name: int(row[i + 1]) for i, name in enumerate(columns)}} for row in rows]


def records_with_action(
    rt: Runtime, actor: Actor, period: Period, actions: Sequence[str], unit: str | None = None
) -> int:
    """How many distinct records had one of ``actions`` done in the period (control card)."""
    with rt.db.read() as session:
        return int(
            session.execute(
                select(func.count(func.distinct(ControlCardEntry.record_id)))
                .join(Record, Record.id == ControlCardEntry.record_id)
                .where(*_record_scope(actor, unit), _entry_in(rt, period), ControlCardEntry.action.in_(actions))
            ).scalar_one()
        )


def exempted_by_ground(rt: Runtime, actor: Actor, period: Period, unit: str | None = None) -> list[tuple[str, int]]:
    """Records exempted in the period (``kecualikan`` on the control card), by their Pasal 17 ground now."""
    with rt.db.read() as session:
        rows = session.execute(
            select(Record.exemption_ground, func.count(func.distinct(Record.id)))
            .join(ControlCardEntry, Record.id == ControlCardEntry.record_id)
            .where(*_record_scope(actor, unit), _entry_in(rt, period), ControlCardEntry.action == "kecualikan")
            .group_by(Record.exemption_ground)
        ).all()
    return sorted((str(g or "-"), int(n)) for g, n in rows)


def published_by_category(rt: Runtime, actor: Actor, unit: str | None = None) -> list[tuple[str, int]]:
    """Information available now (published) by KIP category."""
    conds = [*_record_scope(actor, unit), Record.publication_state == str(PublicationState.DIPUBLIKASIKAN)]
    counts = _grouped(rt, func.coalesce(Record.kip_category, UNSET), conds)
    return [(c, counts.get(c, 0)) for c in CATEGORIES[:3]]


def published_in(rt: Runtime, actor: Actor, period: Period, unit: str | None = None) -> list[Record]:
    """Records published now whose publication date falls in the period, in order of publication."""
    start, end = bounds(rt, period)
    with rt.db.read() as session:
        return list(
            session.execute(
                select(Record)
                .where(
                    *_record_scope(actor, unit),
                    Record.publication_state == str(PublicationState.DIPUBLIKASIKAN),
                    Record.published_at >= start,
                    Record.published_at < end,
                )
                .order_by(Record.published_at, Record.id)
            ).scalars()
        )


def dip_versions_in(rt: Runtime, period: Period) -> list[DipVersion]:
    """DIP versions fixed (``fixed_at``) in the period, oldest first. The DIP is public: no record filter."""
    start, end = bounds(rt, period)
    with rt.db.read() as session:
        return list(
            session.execute(
                select(DipVersion)
                .where(DipVersion.fixed_at >= start, DipVersion.fixed_at < end)
                .order_by(DipVersion.version_no)
            ).scalars()
        )


def not_in_latest_dip(rt: Runtime, actor: Actor, unit: str | None = None) -> tuple[int | None, list[Record]]:
    """Step 14: published open information missing from the latest fixed DIP version (all of it when none is
    fixed yet). Returns the version number compared against and the records."""
    with rt.db.read() as session:
        latest = session.execute(select(DipVersion.id, DipVersion.version_no).order_by(DipVersion.version_no.desc()))
        found = latest.first()
        conds = [*_record_scope(actor, unit), Record.publication_state == str(PublicationState.DIPUBLIKASIKAN)]
        if found is not None:
            listed = select(DipRow.record_id).where(DipRow.version_id == found[0])
            conds.append(Record.id.not_in(listed))
        rows = list(session.execute(select(Record).where(*conds).order_by(Record.record_no)).scalars())
    return (found[1] if found else None), rows


# ---- everything at once ----------------------------------------------------------------------------------------------
def figures(
    rt: Runtime,
    actor: Actor,
    period: Period,
    *,
    unit: str | None = None,
    now: datetime | None = None,
    exemption_days: int | None = None,
    action: str = "monev.read",
) -> Figures:
    """The dashboard's and the monev report's figures (``action``: the permission the caller needs)."""
    authorize(actor, action)
    unit = scope_unit(actor, unit)
    now = now or utcnow()
    today = now.astimezone(rt.calendar.tz).date()
    counts = collected_counts(rt, actor, period, unit)
    by_step, by_unit, total = sla_rows(rt, actor, period, unit, now=now)
    days = rt.settings.exemption_reminder_days if exemption_days is None else exemption_days
    expiring, expired = exemptions(rt, actor, unit, today=today, days=days)
    due = None
    if actor.is_system or role_may(actor.role, "retention.due"):
        due = due_summary(rt, actor, as_of=today, unit=unit)
    return Figures(
        period=period,
        unit=unit,
        now=now,
        today=today,
        unit_names=unit_names(rt),
        total=sum(n for _c, n in counts["by_category"]),
        by_category=counts["by_category"],
        by_unit=counts["by_unit"],
        by_month=counts["by_month"],
        by_state=counts["by_state"],
        sla_by_step=by_step,
        sla_by_unit=by_unit,
        overdue=overdue_items(rt, actor, unit, now=now),
        exemptions_expiring=expiring,
        exemptions_expired=expired,
        exemption_days=days,
        retention_due=due,
        sla_total=total,
        requests=request_figures(rt, actor, *bounds(rt, period), unit=unit, now=now),
    )
