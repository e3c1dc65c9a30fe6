"""A record's retention class and clock: assignment from the JRA, override, trigger events, re-appraisal.

Why the dates are stored on the record and not computed on read: the due lists of a whole archive are then one
SQL scan (``retention_due``), and what an archivist saw on a given day is what the audit trail says. They are
recomputed whenever something they depend on changes: the class, the record's dates, the trigger event.

* **Assignment:** a record gets the class of the *current* JRA version whose code is the longest whole-level prefix
  of its classification code (``000.5.6`` covers ``000.5.6.2``). Where one code has several rows (one per record
  type), the first row of the schedule is taken and the arsiparis may pick another: an override, with a reason,
  audited. A record keeps the version it was classified under when a new JRA is imported.
* **Clock:** a period without a trigger runs from the record's own date (end of its period, else its date, else
  the day it was created). A period "2 tahun setelah pemeriksaan" waits: the record shows ``retention_waiting_for``
  until someone records the event's date, and its clock starts then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from retention.lifecycle import FINAL_STATES, REAPPRAISAL_DONE, REAPPRAISAL_FROM, REAPPRAISAL_STATE
from retention.periods import RetentionPeriod
from retention.rules import add_years, compute_dates, total_years
from schemas.enums import ArchivalState, FinalDisposition
from schemas.validators import classification_ancestors

from ..db import JraClass, JraSchedule, OutboxEvent, Record
from ..db.types import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..runtime import Runtime
from . import audit
from .actor import Actor
from .auth import authorize
from .records import _check_version, _stale, get_record, load_visible

RETENTION_FIELDS = (
    "jra_class_id",
    "jra_ref",
    "final_disposition",
    "retention_total_years",
    "retention_trigger_date",
    "retention_waiting_for",
    "active_until",
    "inactive_until",
    "retention_override_reason",
    "archival_state",
)


@dataclass(frozen=True)
class ClassTerms:
    """What the clock needs from a JRA class."""

    id: int
    ref: str
    active: RetentionPeriod
    inactive: RetentionPeriod
    disposition: str

    @classmethod
    def of(cls, row: JraClass) -> ClassTerms:
        return cls(
            id=row.id,
            ref=f"JRA v{row.schedule.version_no} {row.code}"[:64],
            active=RetentionPeriod.from_dict(row.active),
            inactive=RetentionPeriod.from_dict(row.inactive),
            disposition=row.final_disposition,
        )


class ClassIndex:
    """The current JRA version's classes by code, for longest-prefix lookups (one query per use case).

    Same rule as ``retention.rules.longest_prefix``, done as at most four dict lookups per record (one per level of
    the code) because a batch ingest classifies thousands of records against a JRA of thousands of rows."""

    def __init__(self, session: Session) -> None:
        self.session = session
        current = session.execute(select(func.max(JraSchedule.version_no))).scalar_one_or_none()
        self.by_code: dict[str, int] = {}
        self._terms: dict[int, ClassTerms] = {}
        if current is None:
            return
        rows = session.execute(
            select(JraClass.id, JraClass.code)
            .join(JraSchedule, JraClass.schedule_id == JraSchedule.id)
            .where(JraSchedule.version_no == current)
            .order_by(JraClass.position)
        ).all()
        for class_id, code in rows:
            self.by_code.setdefault(code, class_id)  # the first row of a code is the default class

    def class_for(self, code: str) -> int | None:
        """The class of the longest whole-level prefix of ``code`` in the current JRA, or None."""
        for prefix in reversed(classification_ancestors(code)):
            if prefix in self.by_code:
                return self.by_code[prefix]
        return None

    def terms(self, class_id: int) -> ClassTerms:
        if class_id not in self._terms:
            row = self.session.get(JraClass, class_id)
            if row is None:
                raise NotFound(f"Kelas JRA {class_id} tidak ada.", f"JRA class {class_id} does not exist.")
            self._terms[class_id] = ClassTerms.of(row)
        return self._terms[class_id]


def base_date(values: dict[str, Any] | Record, created: datetime | None = None) -> date:
    """The date a period without a trigger runs from: the end of the record's period, else its date."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    for name in ("period_end", "doc_date", "period_start"):
        if get(name) is not None:
            return get(name)
    when = created or get("created_at") or utcnow()
    return when.date()


def clock_fields(terms: ClassTerms | None, base: date, trigger_date: date | None) -> dict[str, Any]:
    """The record columns that follow from a class, the record's date and the trigger event."""
    if terms is None:
        return {
            "jra_class_id": None,
            "jra_ref": None,
            "final_disposition": None,
            "retention_total_years": None,
            "retention_waiting_for": None,
            "active_until": None,
            "inactive_until": None,
        }
    dates = compute_dates(terms.active, terms.inactive, base, trigger_date)
    return {
        "jra_class_id": terms.id,
        "jra_ref": terms.ref,
        "final_disposition": terms.disposition,
        "retention_total_years": total_years(terms.active, terms.inactive),
        "retention_waiting_for": dates.waiting_for,
        "active_until": dates.active_until,
        "inactive_until": dates.inactive_until,
    }


def assign_to_rows(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    """Fill the retention columns of records about to be inserted (batch ingest: one class lookup for all)."""
    index = ClassIndex(session)
    for row in rows:
        class_id = index.class_for(row["classification_code"])
        terms = index.terms(class_id) if class_id is not None else None
        row.update(clock_fields(terms, base_date(row, now), None))


def refresh(session: Session, record: Record, *, reclassify: bool) -> None:
    """Recompute a record's clock after an edit; with ``reclassify`` (its code changed) pick its class again from
    the current JRA, unless an arsiparis fixed the class by an override."""
    if record.archival_state in FINAL_STATES:
        return
    index = ClassIndex(session)
    class_id = record.jra_class_id
    if reclassify and record.retention_override_reason is None:
        class_id = index.class_for(record.classification_code)
    terms = index.terms(class_id) if class_id is not None else None
    for name, value in clock_fields(terms, base_date(record), record.retention_trigger_date).items():
        setattr(record, name, value)


# While a record is on a disposition list its class and clock are frozen: the list, the panel's appraisal and the
# approval were about the record as proposed. Take it out of the batch first.
IN_BATCH_STATES = frozenset(
    {
        ArchivalState.USUL_PINDAH,
        ArchivalState.USUL_MUSNAH,
        ArchivalState.DINILAI_PANITIA,
        ArchivalState.DISETUJUI_MUSNAH,
        ArchivalState.USUL_SERAH,
    }
)


def check_not_in_batch(record: Record) -> None:
    if record.archival_state in IN_BATCH_STATES:
        raise Conflict(
            f"Arsip {record.id} ada dalam daftar penyusutan ({record.archival_state}); keluarkan dahulu.",
            f"Record {record.id} is on a disposition list ({record.archival_state}); take it out first.",
        )


def retention_snapshot(record: Record) -> dict[str, Any]:
    return {name: getattr(record, name) for name in RETENTION_FIELDS}


def _change(
    rt: Runtime,
    actor: Actor,
    record_id: int,
    expected_version: int | None,
    action: str,
    apply: Any,
) -> Record:
    """One retention change of one record: load, check version, apply, bump, audit, outbox, commit."""
    try:
        with rt.db.write() as session:
            record = load_visible(session, actor, record_id)
            _check_version(record, expected_version)
            if record.archival_state in FINAL_STATES:
                raise Conflict(
                    f"Arsip berstatus '{record.archival_state}' sudah final.",
                    f"A record in state '{record.archival_state}' is final.",
                )
            check_not_in_batch(record)
            before = retention_snapshot(record)
            note = apply(session, record)
            record.updated_at = utcnow()
            session.flush()
            changes = audit.diff(before, retention_snapshot(record))
            if note:
                changes["reason"] = {"before": None, "after": note}
            audit.append(
                session,
                actor,
                f"retention.{action}",
                entity_type="record",
                entity_id=record.id,
                record_id=record.id,
                changes=changes,
            )
            session.add(
                OutboxEvent(topic="record.updated", record_id=record.id, record_version=record.version, payload={})
            )
    except StaleDataError as exc:
        raise _stale(record_id) from exc
    return get_record(rt, actor, record_id)


def record_trigger(
    rt: Runtime, actor: Actor, record_id: int, expected_version: int | None, event_date: date, note: str | None = None
) -> Record:
    """Record the event a waiting period counts from ("setelah pemeriksaan"): the clock starts on that date. Recording
    it again corrects the date (the audit trail keeps both)."""
    authorize(actor, "retention.trigger")
    if event_date > rt.calendar.today():
        raise ValidationFailed(
            errors={"event_date": ["Tanggal peristiwa tidak boleh di masa depan. / The event date may not be ahead."]}
        )

    def apply(session: Session, record: Record) -> str | None:
        terms = ClassIndex(session).terms(record.jra_class_id) if record.jra_class_id else None
        if terms is None or (terms.active.trigger is None and terms.inactive.trigger is None):
            raise Conflict(
                "Retensi arsip ini tidak bergantung pada peristiwa pemicu.",
                "This record's retention does not depend on a trigger event.",
            )
        record.retention_trigger_date = event_date
        refresh(session, record, reclassify=False)
        return note

    return _change(rt, actor, record_id, expected_version, "trigger", apply)


def override_class(
    rt: Runtime, actor: Actor, record_id: int, expected_version: int | None, class_id: int, reason: str
) -> Record:
    """Give a record another JRA class (any version), with a reason; re-appraisal decisions use this too."""
    authorize(actor, "retention.override")
    if not reason or not reason.strip():
        raise ValidationFailed(errors={"reason": ["Alasan wajib diisi. / A reason is required."]})

    def apply(session: Session, record: Record) -> str:
        row = session.get(JraClass, class_id)
        if row is None:
            raise ValidationFailed(errors={"class_id": ["Kelas JRA tidak dikenal. / Unknown JRA class."]})
        terms = ClassTerms.of(row)
        if record.archival_state == REAPPRAISAL_STATE and record.legal_hold:
            raise Conflict("Arsip sedang ditahan (legal hold).", "The record is under a hold.")
        if record.archival_state == REAPPRAISAL_STATE:
            # The decision of a re-appraisal: the new class's inactive period runs from the day of the decision.
            today = rt.calendar.today()
            fields = clock_fields(terms, base_date(record), record.retention_trigger_date)
            fields["inactive_until"] = add_years(today, terms.inactive.years)
            fields["retention_waiting_for"] = None
            record.archival_state = str(REAPPRAISAL_DONE)
        else:
            fields = clock_fields(terms, base_date(record), record.retention_trigger_date)
        for name, value in fields.items():
            setattr(record, name, value)
        record.retention_override_reason = reason.strip()
        return reason.strip()

    return _change(rt, actor, record_id, expected_version, "override", apply)


def open_reappraisal(rt: Runtime, actor: Actor, record_id: int, expected_version: int | None) -> Record:
    """A record whose JRA says *dinilai kembali* and whose retention has ended goes back to an arsiparis."""
    authorize(actor, "retention.reappraise")
    today = rt.calendar.today()

    def apply(session: Session, record: Record) -> None:
        problems = reappraisal_problems(record, today)
        if problems:
            raise Conflict(problems[0][0], problems[0][1])
        record.archival_state = str(REAPPRAISAL_STATE)
        return None

    return _change(rt, actor, record_id, expected_version, "reappraise", apply)


def reappraisal_problems(record: Record, today: date) -> list[tuple[str, str]]:
    problems = []
    if record.archival_state != REAPPRAISAL_FROM:
        problems.append(("Arsip harus berstatus inaktif.", "The record must be inactive."))
    if record.final_disposition != FinalDisposition.DINILAI_KEMBALI:
        problems.append(("JRA arsip ini tidak menyatakan dinilai kembali.", "Its JRA does not say re-appraise."))
    if record.inactive_until is None or record.inactive_until > today:
        problems.append(("Masa retensi inaktif belum berakhir.", "Its inactive retention has not ended."))
    if record.legal_hold:
        problems.append(("Arsip sedang ditahan (legal hold).", "The record is under a hold."))
    return problems


def classify_unassigned(rt: Runtime, actor: Actor, *, chunk: int = 500) -> int:
    """Give every record without a class one from the current JRA (after the first import); returns how many."""
    done, after = 0, 0
    while True:
        with rt.db.write() as session:
            index = ClassIndex(session)
            records = list(
                session.execute(
                    select(Record)
                    .where(
                        Record.id > after,
                        Record.jra_class_id.is_(None),
                        Record.archival_state.not_in([str(s) for s in FINAL_STATES]),
                    )
                    .order_by(Record.id)
                    .limit(chunk)
                ).scalars()
            )
            if not records:
                return done
            after = records[-1].id
            for record in records:
                class_id = index.class_for(record.classification_code)
                if class_id is None:
                    continue
                before = retention_snapshot(record)
                fields = clock_fields(index.terms(class_id), base_date(record), record.retention_trigger_date)
                for name, value in fields.items():
                    setattr(record, name, value)
                session.flush()
                audit.append(
                    session,
                    actor,
                    "retention.assign",
                    entity_type="record",
                    entity_id=record.id,
                    record_id=record.id,
                    changes=audit.diff(before, retention_snapshot(record)),
                )
                done += 1


def retention_view(rt: Runtime, actor: Actor, record_id: int) -> dict[str, Any]:
    """The record's class, periods, dates and holds, as the record page shows them."""
    authorize(actor, "retention.read")
    from .holds import holds_of

    with rt.db.read() as session:
        record = load_visible(session, actor, record_id)
        row = session.get(JraClass, record.jra_class_id) if record.jra_class_id else None
        return {
            "record_id": record.id,
            "version": record.version,
            "archival_state": record.archival_state,
            "jra_class": row,
            "jra_ref": record.jra_ref,
            "final_disposition": record.final_disposition,
            "retention_total_years": record.retention_total_years,
            "retention_trigger_date": record.retention_trigger_date,
            "waiting_for_trigger": record.retention_waiting_for,
            "active_until": record.active_until,
            "inactive_until": record.inactive_until,
            "override_reason": record.retention_override_reason,
            "legal_hold": record.legal_hold,
            "is_vital": record.is_vital,
            "location": record.location,
            "destroyed_at": record.destroyed_at,
            "transferred_at": record.transferred_at,
            "holds": holds_of(session, record.id),
        }
