"""Holds: a named legal hold or a pending KIP dispute on one record or a set, blocking every disposition.

While any hold on a record is in force, the record cannot be proposed for, approved for or executed for
pemindahan, pemusnahan, penyerahan or re-appraisal (UU 43/2009 Pasal 51: no destruction while a case is pending).
``records.legal_hold`` mirrors "under at least one hold in force" so that the due lists and the disposition guards
are plain column reads; it is recomputed in the same transaction whenever a hold is placed or released.
Holds are never deleted: releasing one records who, when and why, and both events are in the audit trail.

Reading a hold follows the access rule (``services.access``): a reader sees only the ids (and the number) of the
records it may read, and a hold that covers none of them does not exist for it (absent from lists, 404 on detail
and on release, with the message of a hold that does not exist), unless the reader placed it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from schemas.retention import HoldCreateSchema

from ..db import LegalHold, LegalHoldItem, OutboxEvent, Record
from ..db.types import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..runtime import Runtime
from . import audit
from .access import load_visible, visible_ids
from .actor import Actor
from .auth import authorize, validation_failed


def _active_hold_exists(record_id: int) -> Any:
    return exists().where(
        and_(
            LegalHoldItem.record_id == record_id,
            LegalHoldItem.hold_id == LegalHold.id,
            LegalHold.released_at.is_(None),
        )
    )


def _set_flag(session: Session, actor: Actor, record: Record, held: bool, hold: LegalHold, action: str) -> None:
    before = record.legal_hold
    record.legal_hold = held
    record.updated_at = utcnow()
    session.flush()
    audit.append(
        session,
        actor,
        f"retention.{action}",
        entity_type="record",
        entity_id=record.id,
        record_id=record.id,
        changes={
            "hold": {"before": None, "after": {"id": hold.id, "name": hold.name, "kind": hold.kind}},
            **({"legal_hold": {"before": before, "after": held}} if before != held else {}),
        },
    )
    session.add(OutboxEvent(topic="record.updated", record_id=record.id, record_version=record.version, payload={}))


def place_hold(rt: Runtime, actor: Actor, data: dict[str, Any]) -> LegalHold:
    """Place a hold (name, kind, reason, optional case reference) on the records given."""
    authorize(actor, "hold.place")
    try:
        loaded = HoldCreateSchema().load(data)
    except ValidationError as err:
        raise validation_failed(err) from err
    with rt.db.write() as session:
        records = [load_visible(session, actor, rid) for rid in sorted(set(loaded["record_ids"]))]
        hold = LegalHold(
            name=loaded["name"],
            kind=str(loaded["kind"]),
            reason=loaded["reason"],
            reference=loaded.get("reference"),
            placed_by=actor.username,
            placed_at=utcnow(),
        )
        session.add(hold)
        session.flush()
        session.add_all(LegalHoldItem(hold_id=hold.id, record_id=r.id) for r in records)
        audit.append(
            session,
            actor,
            "hold.place",
            entity_type="hold",
            entity_id=hold.id,
            changes={
                "name": {"before": None, "after": hold.name},
                "kind": {"before": None, "after": hold.kind},
                "reason": {"before": None, "after": hold.reason},
                "records": {"before": None, "after": [r.id for r in records]},
            },
        )
        for record in records:
            _set_flag(session, actor, record, True, hold, "hold_placed")
        hold_id = hold.id
    return get_hold(rt, actor, hold_id)


def release_hold(rt: Runtime, actor: Actor, hold_id: int, reason: str) -> LegalHold:
    """Release a hold; each record stays held if another hold on it is still in force."""
    authorize(actor, "hold.release")
    if not reason or not reason.strip():
        raise ValidationFailed(errors={"reason": ["Alasan wajib diisi. / A reason is required."]})
    with rt.db.write() as session:
        hold = session.execute(select(LegalHold).where(LegalHold.id == hold_id).with_for_update()).scalar_one_or_none()
        if hold is None or not _visible_holds(session, actor, [hold]):  # one it may not see: as if none
            raise _not_found(hold_id)
        if hold.released_at is not None:
            raise Conflict("Penahanan ini sudah dilepas.", "This hold was already released.")
        hold.released_at = utcnow()
        hold.released_by = actor.username
        hold.release_reason = reason.strip()
        session.flush()
        audit.append(
            session,
            actor,
            "hold.release",
            entity_type="hold",
            entity_id=hold.id,
            changes={
                "released_at": {"before": None, "after": hold.released_at},
                "reason": {"before": None, "after": reason},
            },
        )
        record_ids = session.execute(select(LegalHoldItem.record_id).where(LegalHoldItem.hold_id == hold.id)).scalars()
        for rid in sorted(record_ids):
            record = session.get(Record, rid)
            assert record is not None
            still = bool(session.execute(select(_active_hold_exists(rid))).scalar())
            _set_flag(session, actor, record, still, hold, "hold_released")
    return get_hold(rt, actor, hold_id)


def _not_found(hold_id: int) -> NotFound:
    return NotFound(f"Penahanan {hold_id} tidak ada.", f"Hold {hold_id} does not exist.")


def _record_ids(session: Session, hold_ids: list[int]) -> dict[int, list[int]]:
    """The ids of the records each hold names, in id order."""
    out: dict[int, list[int]] = {hid: [] for hid in hold_ids}
    for start in range(0, len(hold_ids), 500):
        chunk = hold_ids[start : start + 500]
        rows = session.execute(
            select(LegalHoldItem.hold_id, LegalHoldItem.record_id)
            .where(LegalHoldItem.hold_id.in_(chunk))
            .order_by(LegalHoldItem.hold_id, LegalHoldItem.record_id)
        ).all()
        for hid, rid in rows:
            out[hid].append(rid)
    return out


def _hold_dict(hold: LegalHold, ids: list[int]) -> dict[str, Any]:
    """A hold with the records the reader may read (``ids`` is already filtered)."""
    return {
        "id": hold.id,
        "name": hold.name,
        "kind": hold.kind,
        "reason": hold.reason,
        "reference": hold.reference,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "released_by": hold.released_by,
        "released_at": hold.released_at,
        "release_reason": hold.release_reason,
        "in_force": hold.released_at is None,
        "record_ids": ids,
        "record_count": len(ids),  # the records the reader may read, never the total
    }


def _visible_holds(session: Session, actor: Actor, holds: list[LegalHold]) -> list[dict[str, Any]]:
    """The holds that exist for ``actor`` (it placed them or may read at least one of their records), each with only
    the records it may read (one query per 500 ids)."""
    named = _record_ids(session, [h.id for h in holds])
    readable = visible_ids(session, actor, (rid for ids in named.values() for rid in ids))
    out = []
    for hold in holds:
        shown = [rid for rid in named[hold.id] if rid in readable]
        if shown or actor.is_system or hold.placed_by == actor.username:
            out.append(_hold_dict(hold, shown))
    return out


def get_hold(rt: Runtime, actor: Actor, hold_id: int) -> dict[str, Any]:
    authorize(actor, "hold.read")
    with rt.db.read() as session:
        hold = session.get(LegalHold, hold_id)
        found = _visible_holds(session, actor, [hold]) if hold is not None else []
        if not found:
            raise _not_found(hold_id)
        return found[0]


def list_holds(rt: Runtime, actor: Actor, *, in_force: bool | None = None) -> list[dict[str, Any]]:
    authorize(actor, "hold.read")
    with rt.db.read() as session:
        q = select(LegalHold).order_by(LegalHold.id.desc())
        if in_force is True:
            q = q.where(LegalHold.released_at.is_(None))
        elif in_force is False:
            q = q.where(LegalHold.released_at.is_not(None))
        return _visible_holds(session, actor, list(session.execute(q).scalars()))


def holds_of(session: Session, record_id: int) -> list[dict[str, Any]]:
    """The holds (in force or released) that name a record, newest first. For a record the caller has already
    loaded through the access rule: every hold naming a readable record exists for its reader."""
    holds = session.execute(
        select(LegalHold)
        .join(LegalHoldItem, LegalHoldItem.hold_id == LegalHold.id)
        .where(LegalHoldItem.record_id == record_id)
        .order_by(LegalHold.id.desc())
    ).scalars()
    return [
        {
            "id": h.id,
            "name": h.name,
            "kind": h.kind,
            "reason": h.reason,
            "placed_by": h.placed_by,
            "placed_at": h.placed_at,
            "in_force": h.released_at is None,
            "released_at": h.released_at,
        }
        for h in holds
    ]
