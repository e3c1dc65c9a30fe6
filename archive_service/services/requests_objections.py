"""Objections (*keberatan*, UU 14/2008 Pasal 35-36) and disputes with the Komisi Informasi (Pasal 37-38).

An objection is filed by the applicant from the tracking page (number + secret) or registered at the desk, for the
grounds of Pasal 35(1) only, each within 30 working days of the day it arose (``GROUND_RULES``): the written
answer for a refusal or an answer the applicant disputes, the due day for no answer or a late one. The Atasan PPID
decides within 30 working days; a dispute the applicant then takes to the Komisi Informasi is recorded with its
dates, registry number and outcome. Every step is a line on the request's control card, an audit event and an
outbox event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from schemas.requests import (
    DisputeSchema,
    ObjectionCreateSchema,
    ObjectionDecideSchema,
    ObjectionGround,
    ObjectionState,
    RequestChannel,
    RequestState,
)

from ..db import InformationObjection, InformationRequest, KiDispute
from ..db.types import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from ..runtime import Runtime
from ..workcalendar import Sla
from ..workflow.requests_table import (
    DUE_SOON_DAYS,
    GROUND_LABELS,
    GROUND_RULES,
    OBJECTION_ANSWER_SLA,
    OBJECTION_DECISIONS,
    OBJECTION_WINDOW,
)
from . import audit
from .actor import Actor
from .auth import authorize
from .requests import APPLICANT, _by_secret, _load, _load_request, card, number_for, outbox


# ---- when a ground arises --------------------------------------------------------------------------------------------
def ground_arose(req: InformationRequest, ground: ObjectionGround, now: datetime) -> datetime | None:
    """When ``ground`` arose for ``req``, or None when it has not (cannot be claimed now)."""
    kind = GROUND_RULES[ground][0]
    if kind == "received":
        return req.received_at
    if kind == "answered":
        if req.answered_at is None:
            return None
        if ground == ObjectionGround.PENOLAKAN_PASAL17 and req.state not in {
            RequestState.DITOLAK_PASAL17,
            RequestState.DIKABULKAN_SEBAGIAN,
        }:
            return None
        return req.answered_at
    # "due": no answer by the due time, or an answer after it
    if ground == ObjectionGround.TIDAK_DITANGGAPI:
        return req.due_at if req.answered_at is None and now > req.due_at else None
    if req.answered_at is not None:
        return req.answered_at if req.answered_at > req.due_at else None
    return req.due_at if now > req.due_at else None


def window_end(rt: Runtime, arose: datetime) -> datetime:
    return rt.calendar.add(arose, OBJECTION_WINDOW)


def open_grounds(rt: Runtime, req: InformationRequest, now: datetime) -> list[str]:
    """The grounds the applicant may claim now (arisen, within 30 working days)."""
    out = []
    for ground in ObjectionGround:
        arose = ground_arose(req, ground, now)
        if arose is not None and now <= window_end(rt, arose):
            out.append(str(ground))
    return out


def _check_grounds(rt: Runtime, req: InformationRequest, grounds: list[ObjectionGround], now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    for ground in grounds:
        arose = ground_arose(req, ground, now)
        label_id, label_en = GROUND_LABELS[ground]
        if arose is None:
            _kind, need_id, need_en = GROUND_RULES[ground]
            errors[f"grounds.{ground}"] = [
                f"{label_id}: alasan ini belum ada. {need_id} / {label_en}: not (yet) a ground. {need_en}".strip()
            ]
        elif now > window_end(rt, arose):
            day = f"{arose.astimezone(rt.calendar.tz):%Y-%m-%d}"
            errors[f"grounds.{ground}"] = [
                f"{label_id}: lewat 30 hari kerja sejak {day} (Pasal 36 ayat 1). / "
                f"{label_en}: more than 30 working days since {day} (Pasal 36(1))."
            ]
    if errors:
        raise ValidationFailed("Keberatan tidak dapat diajukan.", "The objection cannot be filed.", errors=errors)


# ---- filing ----------------------------------------------------------------------------------------------------------
def file_objection(
    rt: Runtime, number: str, data: Any, *, actor: Actor | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """File a *keberatan*: by the applicant with the tracking secret (``actor`` None), or at the desk by staff."""
    payload = _load(ObjectionCreateSchema(), data)
    if actor is not None:
        authorize(actor, "objection.register")
    now = now or utcnow()
    with rt.db.write() as session:
        if actor is None:
            req = _by_secret(session, number, payload.get("secret") or "")
            by = APPLICANT
            channel = str(RequestChannel.PORTAL)
        else:
            req = _load_request(session, actor, number, lock=True)
            by = actor
            channel = str(payload["channel"])
        open_ = session.execute(
            select(InformationObjection.id).where(
                InformationObjection.request_id == req.id, InformationObjection.state == str(ObjectionState.DIAJUKAN)
            )
        ).first()
        if open_ is not None:
            raise Conflict("Sudah ada keberatan yang belum diputus.", "An objection is already pending.")
        _check_grounds(rt, req, payload["grounds"], now)
        objection_no, _year = number_for(rt, session, rt.settings.objection_number_pattern, "objection", now)
        due = rt.calendar.add(now, OBJECTION_ANSWER_SLA)
        objection = InformationObjection(
            number=objection_no,
            request_id=req.id,
            grounds=[str(g) for g in payload["grounds"]],
            reasons=payload["reasons"],
            channel=channel,
            state=str(ObjectionState.DIAJUKAN),
            filed_at=now,
            due_at=due,
            created_by=by.username,
        )
        session.add(objection)
        session.flush()
        card(
            session,
            req,
            by,
            "keberatan",
            now,
            subject="keberatan",
            to_state=objection.state,
            due_at=due,
            note=objection_no,
        )
        audit.append(
            session,
            by,
            "objection.file",
            entity_type="information_objection",
            entity_id=objection_no,
            changes={
                "request": {"before": None, "after": req.number},
                "grounds": {"before": None, "after": objection.grounds},
            },
        )
        outbox(session, "objection.filed", objection=objection_no, request=req.number, due_at=due)
        return objection_view(rt, objection, now)


def objection_view(rt: Runtime, o: InformationObjection, now: datetime) -> dict[str, Any]:
    return {
        "id": o.id,
        "number": o.number,
        "version": o.version,
        "request_number": o.request.number,
        "grounds": list(o.grounds),
        "reasons": o.reasons,
        "channel": o.channel,
        "state": o.state,
        "filed_at": o.filed_at,
        "due_at": o.due_at,
        "decided_at": o.decided_at,
        "decided_by": o.decided_by,
        "decision_reasons": o.decision_reasons,
        "overdue": o.state == ObjectionState.DIAJUKAN and o.due_at < now,
        "disputes": list(o.disputes),
    }


# ---- the Atasan PPID -------------------------------------------------------------------------------------------------
def _load_objection(session: Session, number: str, *, lock: bool = False) -> InformationObjection:
    query = select(InformationObjection).where(InformationObjection.number == number)
    if lock:
        query = query.with_for_update(of=InformationObjection)
    found = session.execute(query).unique().scalar_one_or_none()
    if found is None:
        raise NotFound(f"Keberatan {number} tidak ditemukan.", f"Objection {number} not found.")
    return found


def worklist(rt: Runtime, actor: Actor, *, now: datetime | None = None, open_only: bool = True) -> list[dict[str, Any]]:
    """Objections soonest due first (the Atasan PPID's worklist; the PPID and the secretariat see it too)."""
    authorize(actor, "objection.read")
    now = now or utcnow()
    soon = rt.calendar.add(now, Sla.parse(f"{DUE_SOON_DAYS} hari"))
    query = select(InformationObjection).order_by(InformationObjection.due_at, InformationObjection.id)
    if open_only:
        query = query.where(InformationObjection.state == str(ObjectionState.DIAJUKAN))
    with rt.db.read() as session:
        return [
            {
                "kind": "keberatan",
                "number": o.number,
                "state": o.state,
                "received_at": o.filed_at,
                "due_at": o.due_at,
                "overdue": o.state == ObjectionState.DIAJUKAN and o.due_at < now,
                "due_soon": o.state == ObjectionState.DIAJUKAN and now <= o.due_at <= soon,
                "summary": f"{o.request.number}: " + ", ".join(o.grounds),
            }
            for o in session.execute(query.limit(1000)).unique().scalars()
        ]


def get_objection(rt: Runtime, actor: Actor, number: str, *, now: datetime | None = None) -> dict[str, Any]:
    authorize(actor, "objection.read")
    with rt.db.read() as session:
        return objection_view(rt, _load_objection(session, number), now or utcnow())


def decide(
    rt: Runtime, actor: Actor, number: str, version: int | None, data: Any, *, now: datetime | None = None
) -> dict[str, Any]:
    """The Atasan PPID's written decision: upheld or rejected, with reasons (Pasal 36(2))."""
    authorize(actor, "objection.decide")
    payload = _load(ObjectionDecideSchema(), data)
    row = OBJECTION_DECISIONS.get(payload["decision"])
    if row is None:
        raise ValidationFailed(errors={"decision": ["Pilih dikabulkan atau ditolak. / Choose dikabulkan or ditolak."]})
    if not actor.is_system and actor.role not in row.roles:
        raise PermissionDenied(
            f"Peran '{actor.role}' tidak boleh memutus keberatan.", f"Role '{actor.role}' may not decide objections."
        )
    now = now or utcnow()
    try:
        with rt.db.write() as session:
            o = _load_objection(session, number, lock=True)
            if version is not None and o.version != version:
                raise _stale(number)
            if o.state != ObjectionState.DIAJUKAN:
                raise Conflict("Keberatan sudah diputus.", "The objection has been decided.")
            before = o.state
            o.state = str(row.to_state)
            o.decided_at = now
            o.decided_by = actor.username
            o.decision_reasons = payload["reasons"]
            session.flush()
            card(
                session,
                o.request,
                actor,
                row.action,
                now,
                subject="keberatan",
                from_state=before,
                to_state=o.state,
                due_at=o.due_at,
                note=o.number,
            )
            audit.append(
                session,
                actor,
                f"objection.{row.action}",
                entity_type="information_objection",
                entity_id=o.number,
                changes={"state": {"before": before, "after": o.state}},
            )
            outbox(session, "objection.decided", objection=o.number, request=o.request.number, state=o.state)
            return objection_view(rt, o, now)
    except StaleDataError as exc:
        raise _stale(number) from exc


def _stale(number: str) -> StaleVersion:
    return StaleVersion(
        f"Keberatan {number} sudah berubah; muat ulang.", f"Objection {number} changed meanwhile; reload."
    )


def record_dispute(rt: Runtime, actor: Actor, number: str, data: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """Record (or update, by registry number) a dispute the applicant filed with the Komisi Informasi after the
    objection was decided or its 30 working days passed without a decision (Pasal 37)."""
    authorize(actor, "dispute.record")
    payload = _load(DisputeSchema(), data)
    now = now or utcnow()
    with rt.db.write() as session:
        o = _load_objection(session, number, lock=True)
        if o.state == ObjectionState.DIAJUKAN and now <= o.due_at:
            raise Conflict(
                "Sengketa baru dapat diajukan setelah keberatan diputus atau jangka waktunya lewat.",
                "A dispute follows the objection's decision or the end of its time limit.",
            )
        dispute = next((d for d in o.disputes if d.registry_no == payload["registry_no"]), None)
        before = {} if dispute is None else {k: getattr(dispute, k) for k in payload}
        if dispute is None:
            dispute = KiDispute(
                objection_id=o.id,
                recorded_by=actor.username,
                recorded_at=now,
                **{k: str(v) if k == "outcome" else v for k, v in payload.items()},
            )
            session.add(dispute)
            o.disputes.append(dispute)
        else:
            for k, v in payload.items():
                setattr(dispute, k, str(v) if k == "outcome" else v)
        session.flush()
        card(
            session,
            o.request,
            actor,
            "sengketa",
            now,
            subject="sengketa",
            note=f"{payload['registry_no']}: {payload['outcome']}",
        )
        audit.append(
            session,
            actor,
            "objection.dispute",
            entity_type="information_objection",
            entity_id=o.number,
            changes=audit.diff(before, {k: getattr(dispute, k) for k in payload}),
        )
        outbox(session, "objection.dispute", objection=o.number, registry_no=payload["registry_no"])
        return objection_view(rt, o, now)
