"""The SOP workflow: one function applies any transition of ``workflow.table`` (DESIGN.md §2 "State changes").

``apply_transition`` loads the record with its version, checks the role, the state and the guards, applies the
effects, starts the next step's clock (working time, ``Runtime.calendar``), bumps the version (409 when stale),
writes a control-card line, an audit event and outbox events — all in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import and_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from schemas.enums import OPEN_KIP_CATEGORIES, ExemptionGround, KipCategory, SecurityClass
from schemas.enums import PublicationState as S
from schemas.workflow import TransitionRequestSchema

from ..db import ConsequenceTest, ControlCardEntry, OutboxEvent, Receipt, Record
from ..db.types import utcnow
from ..errors import Conflict, PermissionDenied, ValidationFailed
from ..permissions import acting_roles
from ..runtime import Runtime
from ..workcalendar import Sla
from ..workflow.table import ARCHIVAL_FIELDS, BY_ACTION, DIP_FIELDS, STEPS, TRANSITIONS, Transition
from . import audit, indexing, public_versions
from .acting import actions_for, waiting_for
from .actor import Actor
from .auth import authorize, validation_failed
from .records import (
    _check_version,
    _stale,
    check_not_destroyed,
    get_record,
    load_visible,
    next_counter,
    visibility_filter,
)

log = logging.getLogger(__name__)

NO_EXPIRY_GROUNDS = {ExemptionGround.G, ExemptionGround.H}
EXEMPTION_REVIEW_LEAD = timedelta(days=30)  # the PPID is asked to review this long before an exemption ends
WORKFLOW_FIELDS = (
    "publication_state",
    "kip_category",
    "proposed_kip_category",
    "exemption_ground",
    "exemption_basis",
    "exemption_until",
    "exemption_no_expiry",
    "exemption_decree_no",
    "receipt_no",
    "control_card_no",
    "verification_round",
    "published_url",
    "state_reason",
)


@dataclass
class Context:
    """What guards and effects see: the session, the record, the request payload, who acts and when."""

    rt: Runtime
    session: Session
    record: Record
    payload: dict[str, Any]
    actor: Actor
    now: datetime
    transition: Transition


def _missing(names: list[str]) -> ValidationFailed:
    return ValidationFailed(
        "Isian wajib untuk langkah ini belum lengkap: " + ", ".join(names),
        "Required fields for this step are missing: " + ", ".join(names),
        errors={name: ["Wajib diisi untuk langkah ini. / Required for this step."] for name in names},
    )


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


# ---- guards: raise ValidationFailed (422) naming what is missing --------------------------------------------------
def guard_dip_fields(ctx: Context) -> None:
    missing = [name for name in DIP_FIELDS if _empty(getattr(ctx.record, name))]
    if missing:
        raise _missing(missing)


def guard_has_file(ctx: Context) -> None:
    if not ctx.record.files:
        raise _missing(["files"])


def guard_archival_fields(ctx: Context) -> None:
    missing = [name for name in ARCHIVAL_FIELDS if _empty(getattr(ctx.record, name))]
    if ctx.record.doc_date is None and ctx.record.period_start is None:
        missing.append("doc_date")
    if missing:
        raise _missing(missing)


def guard_proposed_category(ctx: Context) -> None:
    if not ctx.payload.get("kip_category"):
        raise _missing(["kip_category"])


def guard_reason(ctx: Context) -> None:
    if not ctx.payload.get("reason"):
        raise _missing(["reason"])


def guard_open_category(ctx: Context) -> None:
    category = ctx.payload.get("kip_category")
    if category not in OPEN_KIP_CATEGORIES:
        raise ValidationFailed(
            errors={
                "kip_category": [
                    "Pilih berkala, serta_merta atau setiap_saat. / Choose berkala, serta_merta or setiap_saat."
                ]
            }
        )


def guard_security_biasa(ctx: Context) -> None:
    if ctx.record.security_class != "biasa_terbuka":
        raise Conflict(
            f"Arsip berklasifikasi keamanan '{ctx.record.security_class}' tidak dapat ditetapkan terbuka.",
            f"A record classified '{ctx.record.security_class}' cannot be determined open.",
        )


def guard_exemption(ctx: Context) -> None:
    """Pasal 17 ground, legal basis, signed consequence test, decree, and an end date in the future (or no expiry,
    which only grounds g and h allow: PP 61/2010, UU KIP Pasal 20)."""
    p = ctx.payload
    missing = [
        name
        for name in ("exemption_ground", "exemption_basis", "exemption_decree_no", "consequence_test")
        if _empty(p.get(name))
    ]
    if not p.get("exemption_no_expiry") and not p.get("exemption_until"):
        missing.append("exemption_until")
    if missing:
        raise _missing(missing)
    errors: dict[str, list[str]] = {}
    if p.get("exemption_no_expiry") and p["exemption_ground"] not in NO_EXPIRY_GROUNDS:
        errors["exemption_no_expiry"] = [
            "Tanpa batas waktu hanya untuk huruf g dan h. / No expiry is allowed only for grounds g and h."
        ]
    until = p.get("exemption_until")
    if until is not None and until <= ctx.now.date():
        errors["exemption_until"] = ["Tanggal berakhir harus di masa depan. / The end date must be in the future."]
    sheet = p["consequence_test"]["signed_sheet_file_id"]
    if not any(f.id == sheet for f in ctx.record.files):
        errors["consequence_test.signed_sheet_file_id"] = [
            "Lembar uji konsekuensi bertanda tangan harus dilampirkan pada arsip ini. / "
            "The signed consequence-test sheet must be a file of this record."
        ]
    if errors:
        raise ValidationFailed("Penetapan pengecualian tidak sah.", "The exemption is not valid.", errors=errors)


# ---- effects ---------------------------------------------------------------------------------------------------------
def _numbered(ctx: Context, pattern: str, counter: str) -> str:
    local = ctx.now.astimezone(ctx.rt.calendar.tz)
    seq = next_counter(ctx.session, f"{counter}:{local.year}")
    return pattern.format(year=local.year, month=local.month, day=local.day, seq=seq)


def effect_issue_receipt(ctx: Context) -> None:
    """*Tanda terima* with a gapless number, and the *kartu kontrol* opened on the first submission."""
    settings = ctx.rt.settings
    if ctx.record.control_card_no is None:
        ctx.record.control_card_no = _numbered(ctx, settings.control_card_pattern, "control_card")
    number = _numbered(ctx, settings.receipt_pattern, "receipt")
    ctx.record.receipt_no = number
    ctx.session.add(
        Receipt(
            no=number,
            record_id=ctx.record.id,
            round=ctx.record.verification_round + 1,
            issued_at=ctx.now,
            issued_by=ctx.actor.username,
        )
    )


def effect_countersign_receipt(ctx: Context) -> None:
    receipt = (
        ctx.session.execute(
            select(Receipt)
            .where(Receipt.record_id == ctx.record.id, Receipt.countersigned_at.is_(None))
            .order_by(Receipt.id.desc())
        )
        .scalars()
        .first()
    )
    if receipt is not None:
        receipt.countersigned_at = ctx.now
        receipt.countersigned_by = ctx.actor.username


def effect_set_proposed_category(ctx: Context) -> None:
    ctx.record.proposed_kip_category = str(ctx.payload["kip_category"])


def effect_next_round(ctx: Context) -> None:
    ctx.record.verification_round += 1


def effect_set_category(ctx: Context) -> None:
    ctx.record.kip_category = str(ctx.payload["kip_category"])


def effect_clear_exemption(ctx: Context) -> None:
    for name in ("exemption_ground", "exemption_basis", "exemption_until", "exemption_decree_no"):
        setattr(ctx.record, name, None)
    ctx.record.exemption_no_expiry = False


def effect_record_exemption(ctx: Context) -> None:
    p = ctx.payload
    ctx.record.kip_category = str(KipCategory.DIKECUALIKAN)
    ctx.record.exemption_ground = str(p["exemption_ground"])
    ctx.record.exemption_basis = p["exemption_basis"]
    ctx.record.exemption_until = p.get("exemption_until")
    ctx.record.exemption_no_expiry = bool(p.get("exemption_no_expiry"))
    ctx.record.exemption_decree_no = p["exemption_decree_no"]
    test = p["consequence_test"]
    ctx.session.add(
        ConsequenceTest(
            record_id=ctx.record.id,
            summary=test["summary"],
            harm=test["harm"],
            public_interest=test["public_interest"],
            participants=test["participants"],
            signed_sheet_file_id=test["signed_sheet_file_id"],
            created_at=ctx.now,
            created_by=ctx.actor.username,
        )
    )


def effect_end_exemption(ctx: Context) -> None:
    """Information whose exemption ended (or that a KI ruling opened) is proposed as *setiap saat* (UU KIP Pasal
    11(2)); the PPID decides again. The exemption stays in the audit trail and its consequence test is kept."""
    effect_clear_exemption(ctx)
    ctx.record.kip_category = None
    ctx.record.proposed_kip_category = str(KipCategory.SETIAP_SAAT)


def effect_publish(ctx: Context) -> None:
    """What was verified and determined becomes the public version (a revision replaces the previous one)."""
    ctx.record.published_at = ctx.now
    ctx.record.published_url = f"{ctx.rt.settings.public_base_url.rstrip('/')}/informasi/{ctx.record.id}"
    public_versions.approve(ctx.record)


def effect_unpublish(ctx: Context) -> None:
    """Off the public at once, including a previous version kept during a revision."""
    ctx.record.published_at = None
    ctx.record.published_url = None
    public_versions.withdraw(ctx.record)


GUARDS: dict[str, Callable[[Context], None]] = {
    name.removeprefix("guard_"): fn for name, fn in globals().items() if name.startswith("guard_")
}
EFFECTS: dict[str, Callable[[Context], None]] = {
    name.removeprefix("effect_"): fn for name, fn in globals().items() if name.startswith("effect_")
}
# Outbox topics the search issue listens to: a published record enters the public index, the rest leave it.
PUBLIC_INDEX_TOPICS = {
    "publish": "publication.published",
    "unpublish": "publication.withdrawn",
    "record_exemption": "publication.withdrawn",
}


def due_time(rt: Runtime, record: Record, state: S, now: datetime) -> datetime | None:
    """When the step that opens in ``state`` is due, in working time.

    Serta-merta information must go out *tanpa penundaan* (UU KIP Pasal 10; PerKI 1/2021 Pasal 25): its
    determination and publication are due within ``serta_merta_sla`` (default one working day) instead of the
    ordinary SLA, and skip the monthly determination cycle. "Immediately" is not a deadline anyone can meet, so a
    step is never due at the moment it opens: the serta-merta window is also the floor of every deadline (an
    exemption whose review lead has already begun is due within it, not in the past)."""
    step = STEPS.get(state)
    if step is None:
        return None
    urgent = Sla.parse(rt.settings.serta_merta_sla)
    if state == S.DITETAPKAN_TERBUKA and record.kip_category == KipCategory.SERTA_MERTA:
        return rt.calendar.add(now, urgent)
    if state == S.DILAPORKAN and record.proposed_kip_category == KipCategory.SERTA_MERTA:
        return rt.calendar.add(now, urgent)
    due = rt.calendar.add(now, step.sla)
    if state == S.DIKECUALIKAN and record.exemption_until is not None:
        review = datetime.combine(record.exemption_until, datetime.min.time(), tzinfo=rt.calendar.tz)
        due = min(due, review - EXEMPTION_REVIEW_LEAD)
    if due <= now:
        due = rt.calendar.add(now, urgent)
    return due


def workflow_snapshot(record: Record) -> dict[str, Any]:
    return {name: getattr(record, name) for name in WORKFLOW_FIELDS}


def apply_transition(
    rt: Runtime,
    actor: Actor,
    record_id: int,
    expected_version: int | None,
    request: dict[str, Any],
    now: datetime | None = None,
) -> Record:
    """Carry out one action of the transition table on one record."""
    authorize(actor, "workflow.transition")
    try:
        payload = TransitionRequestSchema().load(request)
    except ValidationError as err:
        raise validation_failed(err) from err
    transition = BY_ACTION.get(payload["action"])
    if transition is None:
        raise ValidationFailed(errors={"action": [f"Aksi tidak dikenal. / Unknown action. ({', '.join(BY_ACTION)})"]})
    if not actor.is_system and actor.role not in transition.roles and not _may_fall_to(actor, transition):
        raise _refused(actor, transition)
    now = now or utcnow()
    try:
        with rt.db.write() as session:
            record = load_visible(session, actor, record_id)
            if not actor.is_system and actor.role not in acting_roles(transition.roles, record.security_class):
                raise _refused(actor, transition)  # (a classified record's step falls to the PPID)
            check_not_destroyed(record)
            _check_version(record, expected_version)
            if record.publication_state not in transition.from_states:
                raise Conflict(
                    f"Aksi '{transition.action}' tidak berlaku pada status '{record.publication_state}'.",
                    f"Action '{transition.action}' does not apply in state '{record.publication_state}'.",
                )
            ctx = Context(rt, session, record, payload, actor, now, transition)
            for guard in transition.guards:
                GUARDS[guard](ctx)
            before = workflow_snapshot(record)
            was_public = record.public_version is not None
            entry = card_line(record, actor, transition, now, payload.get("reason"))
            for effect in transition.effects:
                EFFECTS[effect](ctx)
            if payload.get("reason"):
                record.state_reason = payload["reason"]
            record.publication_state = str(transition.to_state)
            record.step_started_at = now
            record.step_due_at = due_time(rt, record, transition.to_state, now)
            record.updated_at = now
            session.flush()  # version bump with "WHERE version = :old": the record row is locked from here
            session.add(entry)
            changes = audit.diff(before, workflow_snapshot(record))
            audit.append(
                session,
                actor,
                f"workflow.{transition.action}",
                entity_type="record",
                entity_id=record.id,
                record_id=record.id,
                changes=changes,
            )
            topics = [f"workflow.{transition.action}"] + [
                PUBLIC_INDEX_TOPICS[e] for e in transition.effects if e in PUBLIC_INDEX_TOPICS
            ]
            for topic in topics:
                session.add(
                    OutboxEvent(
                        topic=topic,
                        record_id=record.id,
                        record_version=record.version,
                        payload={"action": transition.action},
                    )
                )
    except StaleDataError as exc:
        raise _stale(record_id) from exc
    if was_public or transition.to_state == S.DIPUBLIKASIKAN:
        indexing.sync_now(rt, record_id)  # publish / withdraw reach the public index before we return
    return get_record(rt, actor, record_id)


# ---- reading: the table, control cards, worklists ------------------------------------------------------------------
def workflow_table() -> dict[str, Any]:
    return {
        "steps": [
            {
                "state": state,
                "no": step.no,
                "name_id": step.name_id,
                "name_en": step.name_en,
                "roles": sorted(step.roles),
                "sla": str(step.sla),
                "sla_en": step.sla.label_en(),
                "output_id": step.output_id,
            }
            for state, step in STEPS.items()
        ],
        "transitions": [
            {
                "action": t.action,
                "step": t.step,
                "from_states": sorted(t.from_states),
                "to_state": t.to_state,
                "roles": sorted(t.roles),
                "label_id": t.label_id,
                "label_en": t.label_en,
                "guards": list(t.guards),
                "effects": list(t.effects),
                "payload": list(t.payload),
            }
            for t in TRANSITIONS
        ],
    }


def control_card(rt: Runtime, actor: Actor, record_id: int) -> dict[str, Any]:
    authorize(actor, "record.read")
    with rt.db.read() as session:
        record = load_visible(session, actor, record_id)
        receipts = list(
            session.execute(select(Receipt).where(Receipt.record_id == record_id).order_by(Receipt.id)).scalars()
        )
        entries = list(
            session.execute(
                select(ControlCardEntry).where(ControlCardEntry.record_id == record_id).order_by(ControlCardEntry.id)
            ).scalars()
        )
    return {
        "record_id": record.id,
        "control_card_no": record.control_card_no,
        "publication_state": record.publication_state,
        "verification_round": record.verification_round,
        "step_due_at": record.step_due_at,
        "receipts": receipts,
        "entries": entries,
    }


def consequence_tests(rt: Runtime, actor: Actor, record_id: int) -> list[ConsequenceTest]:
    authorize(actor, "record.read")
    with rt.db.read() as session:
        load_visible(session, actor, record_id)
        return list(session.execute(select(ConsequenceTest).where(ConsequenceTest.record_id == record_id)).scalars())


def card_line(
    record: Record, actor: Actor, transition: Transition, now: datetime, note: str | None
) -> ControlCardEntry:
    """The control-card line of ``transition`` on ``record`` as it stands before the move (its round, step times)."""
    return ControlCardEntry(
        record_id=record.id,
        round=record.verification_round + 1,
        step=transition.step,
        action=transition.action,
        from_state=record.publication_state,
        to_state=str(transition.to_state),
        actor_name=actor.username,
        actor_role=actor.role,
        at=now,
        started_at=record.step_started_at,
        due_at=record.step_due_at,
        late=record.step_due_at is not None and now > record.step_due_at,
        note=note,
    )


def _refused(actor: Actor, transition: Transition) -> PermissionDenied:
    return PermissionDenied(
        f"Peran '{actor.role}' tidak boleh melakukan '{transition.action}'.",
        f"Role '{actor.role}' may not perform '{transition.action}'.",
    )


def _may_fall_to(actor: Actor, transition: Transition) -> bool:
    """Whether a step of ``transition`` can fall to the actor's role on some classified record."""
    return any(actor.role in acting_roles(transition.roles, str(cls)) for cls in SecurityClass)


def worklist(rt: Runtime, actor: Actor, now: datetime | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """What waits for the actor, grouped by SOP step, soonest due first."""
    authorize(actor, "worklist.read")
    now = now or utcnow()
    with rt.db.read() as session:
        rows = (
            session.execute(
                select(Record)
                .where(and_(waiting_for(actor.role), Record.destroyed_at.is_(None), visibility_filter(actor)))
                .order_by(Record.step_due_at.asc().nulls_last(), Record.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    groups: dict[str, dict[str, Any]] = {}
    for record in rows:
        step = STEPS[S(record.publication_state)]
        group = groups.setdefault(
            record.publication_state,
            {"step": step.no, "step_name": step.name_id, "step_name_en": step.name_en, "items": []},
        )
        group["items"].append(_work_item(record, actor.role, now))
    return list(groups.values())


def _work_item(record: Record, role: str, now: datetime) -> dict[str, Any]:
    step = STEPS[S(record.publication_state)]
    return {
        "record_id": record.id,
        "record_no": record.record_no,
        "title": record.title,
        "processing_unit": record.processing_unit,
        "publication_state": record.publication_state,
        "step": step.no,
        "step_name": step.name_id,
        "due_at": record.step_due_at,
        "overdue": record.step_due_at is not None and record.step_due_at < now,
        "actions": actions_for(role, record.publication_state, record.security_class),
    }


def due_items(
    rt: Runtime,
    actor: Actor,
    *,
    within: timedelta = timedelta(hours=4),
    role: str | None = None,
    unit: str | None = None,
    now: datetime | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Overdue and due-soon items (``due_at`` before now + ``within``), optionally for one role's steps and one
    unit; each says whether it is already overdue."""
    authorize(actor, "worklist.read")
    now = now or utcnow()
    conds = [
        waiting_for(role) if role is not None else Record.publication_state.in_([str(s) for s in STEPS]),
        Record.step_due_at.is_not(None),
        Record.step_due_at <= now + within,
        Record.destroyed_at.is_(None),  # a tombstone has no SOP step left
        visibility_filter(actor),
    ]
    if unit:
        conds.append(Record.processing_unit == unit)
    with rt.db.read() as session:
        rows = session.execute(
            select(Record).where(and_(*conds)).order_by(Record.step_due_at, Record.id).limit(limit)
        ).scalars()
        return [_work_item(r, role or actor.role, now) for r in rows]


def expire_exemptions(rt: Runtime, actor: Actor, today: date | None = None) -> list[int]:
    """Return every record whose exemption has ended to PPID determination (UU KIP Pasal 20; DOMAIN.md §2.3)."""
    today = today or rt.calendar.today()
    with rt.db.read() as session:
        due = list(
            session.execute(
                select(Record.id, Record.version).where(
                    Record.publication_state == S.DIKECUALIKAN,
                    Record.exemption_no_expiry.is_(False),
                    Record.exemption_until.is_not(None),
                    Record.exemption_until <= today,
                    Record.destroyed_at.is_(None),
                )
            ).all()
        )
    done = []
    for record_id, version in due:
        try:
            apply_transition(
                rt,
                actor,
                record_id,
                version,
                {
                    "action": "buka_pengecualian",
                    "reason": f"Jangka waktu pengecualian berakhir / exemption period ended ({today.isoformat()})",
                },
            )
        except Conflict:  # changed meanwhile (409): the next run picks it up again; the others still go
            log.warning("exemption of record %s not ended this run: it changed meanwhile", record_id)
            continue
        done.append(record_id)
    return done
