"""Monev figures of the information service (issue 18): what the Komisi Informasi's annual e-monev asks for.

Aggregates only, and read from ``information_requests``, ``information_objections``, ``ki_disputes`` and the
links: never a column of ``request_applicants`` and never the request's own text (applicants write personal data
into it), so everyone who may see the monev (``monev.read``, ``report.management``) may see these counts. The one
list, *informasi yang paling banyak diminta*, names records, and only records the actor may read
(``access.visibility_filter``), so it tells nobody a title they could not open anyway.

Definitions (docs/requests.md "Monev"):

* the requests counted are those **received in the period** (``received_at`` in the office's days); their decision
  is the one they have now;
* **working days to answer**: working days of the office's calendar after the day of receipt up to and including
  the day of the written answer (an answer on the day of receipt is 0), average and longest over the answered ones;
* **on time**: answered no later than the due time in force (10 working days, 17 after the extension); **late**:
  answered after it; **open overdue**: still unanswered past it now;
* refusals and partial grants by the **Pasal 17 ground** of the record cited for them (its ground now);
* objections **filed in the period** by state and by Pasal 35 ground; disputes **filed in the period** by outcome;
* the most-asked information: linked records by how many of the period's requests they answer, with how many of
  those links were marked *belum di DIP* (step-14 feedback).

The request counts are the whole body's: a request is not a unit's. A ``unit`` narrows the most-asked list only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Row, and_, case, func, select, true
from sqlalchemy.orm import Session

from schemas.requests import ANSWERED_STATES, OPEN_STATES, DisputeOutcome, ObjectionGround, ObjectionState
from schemas.requests import RequestState as R

from ..db import InformationObjection, InformationRequest, KiDispute, Record, RequestRecordLink
from ..runtime import Runtime
from ..workcalendar import WorkCalendar
from .access import visibility_filter
from .actor import Actor

DECISIONS = tuple(str(s) for s in R if s in ANSWERED_STATES)  # in the enum's order: granted first
CITED = (str(R.DITOLAK_PASAL17), str(R.DIKABULKAN_SEBAGIAN))  # the decisions that cite a Pasal 17 ground
MOST_ASKED_LIMIT = 10


@dataclass(frozen=True)
class AskedItem:
    """A record that answered requests of the period: how many, and how many found it missing from the DIP."""

    record_id: int
    record_no: str
    title: str
    requests: int
    not_in_dip: int


@dataclass
class RequestFigures:
    received: int = 0
    answered: int = 0
    open: int = 0
    by_decision: list[tuple[str, int]] = field(default_factory=list)  # every decision kind, zeros included
    by_ground: list[tuple[str, int, int]] = field(default_factory=list)  # (Pasal 17 ground, refused, partly)
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0
    extended: int = 0
    days_average: float | None = None  # working days to answer, one decimal; None when nothing was answered
    days_longest: int | None = None
    objections: int = 0
    objections_by_state: list[tuple[str, int]] = field(default_factory=list)
    objections_by_ground: list[tuple[str, int]] = field(default_factory=list)
    disputes: int = 0
    disputes_by_outcome: list[tuple[str, int]] = field(default_factory=list)
    most_asked: list[AskedItem] = field(default_factory=list)

    def decision_count(self, decision: str) -> int:
        return dict(self.by_decision).get(decision, 0)


class AnswerDays:
    """Working days from receipt to answer for requests within one span of dates: the calendar is walked once
    (an index of working days per date), so each request costs one subtraction, not a walk of its own."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.index: dict[date, int] = {}
        count, day = 0, first
        while day <= max(first, last):
            count += calendar.is_working_day(day)
            self.index[day] = count
            day += timedelta(days=1)

    def __call__(self, received: datetime, answered: datetime) -> int:
        """Working days after the day of receipt up to and including the day of the answer (same day: 0)."""
        tz = self.calendar.tz
        start, end = received.astimezone(tz).date(), answered.astimezone(tz).date()
        if end <= start:
            return 0
        return self.index[end] - self.index[start]

    @classmethod
    def spanning(cls, calendar: WorkCalendar, first: datetime | None, last: datetime | None) -> AnswerDays | None:
        """For receipts from ``first`` and answers up to ``last`` (None when there is no answer at all)."""
        if first is None or last is None:
            return None
        return cls(calendar, first.astimezone(calendar.tz).date(), last.astimezone(calendar.tz).date())


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def figures(
    rt: Runtime, actor: Actor, start: datetime, end: datetime, *, unit: str | None = None, now: datetime
) -> RequestFigures:
    """The figures for requests received in ``[start, end)`` (UTC instants); the caller checked the permission."""
    fig = RequestFigures()
    in_period = and_(InformationRequest.received_at >= start, InformationRequest.received_at < end)
    answered = InformationRequest.answered_at.is_not(None)
    is_open = InformationRequest.state.in_([str(s) for s in OPEN_STATES])
    with rt.db.read() as session:
        totals = session.execute(
            select(
                func.count(),
                _count_if(answered & (InformationRequest.answered_at <= InformationRequest.due_at)),
                _count_if(answered & (InformationRequest.answered_at > InformationRequest.due_at)),
                _count_if(is_open & (InformationRequest.due_at < now)),
                _count_if(InformationRequest.extended_at.is_not(None)),
            ).where(in_period)
        ).one()
        fig.received, fig.on_time, fig.late, fig.open_overdue, fig.extended = (int(n) for n in totals)
        states = dict(
            session.execute(
                select(InformationRequest.state, func.count()).where(in_period).group_by(InformationRequest.state)
            ).all()
        )
        fig.by_decision = [(d, int(states.get(d, 0))) for d in DECISIONS]
        fig.answered = sum(n for _d, n in fig.by_decision)
        fig.open = fig.received - fig.answered
        grounds = session.execute(
            select(Record.exemption_ground, InformationRequest.state, func.count())
            .join(Record, Record.id == InformationRequest.exemption_record_id)
            .where(in_period, InformationRequest.state.in_(CITED))
            .group_by(Record.exemption_ground, InformationRequest.state)
        ).all()
        fig.by_ground = _by_ground(grounds)
        fig.days_average, fig.days_longest = _answer_days(
            rt.calendar,
            session.execute(
                select(InformationRequest.received_at, InformationRequest.answered_at).where(in_period, answered)
            ).yield_per(5000),
        )
        _objections(session, fig, start, end, rt.calendar)
        fig.most_asked = _most_asked(session, actor, in_period, unit)
    return fig


def _by_ground(rows: Iterable[Row[tuple[str | None, str, int]]]) -> list[tuple[str, int, int]]:
    table: dict[str, list[int]] = {}
    for ground, state, n in rows:
        cell = table.setdefault(str(ground or "-"), [0, 0])
        cell[0 if state == str(R.DITOLAK_PASAL17) else 1] += int(n)
    return [(g, refused, partly) for g, (refused, partly) in sorted(table.items())]


def _answer_days(
    calendar: WorkCalendar, rows: Iterable[Row[tuple[datetime, datetime]]]
) -> tuple[float | None, int | None]:
    """Average (one decimal) and longest working days from receipt to answer."""
    pairs = list(rows)
    count = AnswerDays.spanning(
        calendar, min((r for r, _a in pairs), default=None), max((a for _r, a in pairs), default=None)
    )
    if count is None:
        return None, None
    days = [count(received, answered) for received, answered in pairs]
    return round(sum(days) / len(days), 1), max(days)


def _objections(session: Session, fig: RequestFigures, start: datetime, end: datetime, calendar: WorkCalendar) -> None:
    filed = and_(InformationObjection.filed_at >= start, InformationObjection.filed_at < end)
    states: Counter[str] = Counter()
    grounds: Counter[str] = Counter()
    rows = session.execute(select(InformationObjection.state, InformationObjection.grounds).where(filed))
    for state, claimed in rows:
        states[str(state)] += 1
        grounds.update(str(g) for g in claimed or ())
    fig.objections = sum(states.values())
    fig.objections_by_state = [(str(s), states.get(str(s), 0)) for s in ObjectionState]
    fig.objections_by_ground = [(str(g), grounds.get(str(g), 0)) for g in ObjectionGround]
    # Disputes are dated (the Commission's register), not timed: the period's local days.
    start_day, end_day = start.astimezone(calendar.tz).date(), end.astimezone(calendar.tz).date()
    outcomes = dict(
        session.execute(
            select(KiDispute.outcome, func.count())
            .where(KiDispute.filed_on >= start_day, KiDispute.filed_on < end_day)
            .group_by(KiDispute.outcome)
        ).all()
    )
    fig.disputes_by_outcome = [(str(o), int(outcomes.get(str(o), 0))) for o in DisputeOutcome]
    fig.disputes = sum(int(n) for n in outcomes.values())


def _most_asked(session: Session, actor: Actor, in_period: ColumnElement[bool], unit: str | None) -> list[AskedItem]:
    """Linked records the actor may read, by the number of the period's requests they answer (most first)."""
    asked = func.count(func.distinct(RequestRecordLink.request_id))
    rows = session.execute(
        select(
            Record.id,
            Record.record_no,
            Record.title,
            asked,
            _count_if(RequestRecordLink.not_in_dip.is_(True)),
        )
        .join(RequestRecordLink, RequestRecordLink.record_id == Record.id)
        .join(InformationRequest, InformationRequest.id == RequestRecordLink.request_id)
        .where(
            in_period,
            visibility_filter(actor),
            Record.destroyed_at.is_(None),
            Record.processing_unit == unit if unit is not None else true(),
        )
        .group_by(Record.id, Record.record_no, Record.title)
        .order_by(asked.desc(), Record.record_no)
        .limit(MOST_ASKED_LIMIT)
    ).all()
    return [AskedItem(int(i), no, title, int(n), int(missing)) for i, no, title, n, missing in rows]
