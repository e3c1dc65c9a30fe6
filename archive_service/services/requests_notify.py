"""E-mail about requests for information and objections (issue 18), composed for ``arsip cron`` (job ``requests``).

The same pattern as ``services.notifications``: each function returns ``Draft`` messages whose ``dedupe_key`` names
the event and the recipient, and ``services.cron`` records each key once and delivers it through the mailer.

* To the **applicant** (an address without an account: ``user_id`` NULL): received (with the number and the due
  day), extended (with the reasons and the new due day), answered, objection decided. The body names the request
  number and tells them to open the tracking page with the secret they were given; it never repeats the secret.
* To the **handlers** (PPID and Tim Sekretariat; the Atasan PPID for objections): new, due within two working days,
  overdue. Handler mail names the number and the due time, never the applicant.

Events older than ``LOOKBACK`` are not announced, so the first run after installing does not mail the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from schemas.requests import OPEN_STATES, ObjectionState

from ..db import InformationObjection, InformationRequest, User
from ..runtime import Runtime
from ..workcalendar import Sla
from ..workflow.requests_table import DUE_SOON_DAYS
from .notifications import FOOTER, Draft, _compose, _key_time, _local, mail_recipients

KIND_APPLICANT = "request_applicant"
KIND_HANDLER = "request_handler"
LOOKBACK = timedelta(days=3)


def _applicant_body(lines_id: list[str], lines_en: list[str]) -> str:
    return "\n".join(
        ["Yth. Pemohon,", "", *lines_id, "", "-" * 60, "", "Dear applicant,", "", *lines_en, "", "-- ", FOOTER, ""]
    )


def compose(rt: Runtime, now: datetime) -> list[Draft]:
    drafts: list[Draft] = []
    since = now - LOOKBACK
    soon = rt.calendar.add(now, Sla.parse(f"{DUE_SOON_DAYS} hari"))
    base = rt.settings.public_base_url.rstrip("/")
    with rt.db.read() as session:
        reqs = list(
            session.execute(
                select(InformationRequest).where(
                    InformationRequest.state.in_([str(s) for s in OPEN_STATES])
                    | (InformationRequest.updated_at >= since)
                )
            )
            .unique()
            .scalars()
        )
        handlers = mail_recipients(session, ["ppid", "sekretariat"])
        atasan = mail_recipients(session, ["atasan_ppid"])
        objections = list(
            session.execute(
                select(InformationObjection).where(
                    (InformationObjection.state == str(ObjectionState.DIAJUKAN))
                    | (InformationObjection.decided_at >= since)
                )
            )
            .unique()
            .scalars()
        )
        for req in reqs:
            email = req.applicant.email if req.applicant.erased_at is None else None
            track = f"{base}/permohonan/{req.number}"
            if email:
                drafts.extend(_applicant_drafts(rt, req, email, track, since))
            drafts.extend(_handler_drafts(rt, req, handlers, now, since, soon))
        for o in objections:
            drafts.extend(_objection_drafts(rt, o, atasan, now, since, soon, base))
    return drafts


def _applicant_drafts(rt: Runtime, req: InformationRequest, email: str, track: str, since: datetime) -> list[Draft]:
    out = []
    events = [
        (
            "received",
            req.created_at,
            f"Permohonan informasi {req.number} diterima",
            f"Request for information {req.number} received",
            [
                f"Permohonan Anda tercatat dengan nomor {req.number}.",
                f"Jawaban tertulis paling lambat {_local(rt, req.due_at)}.",
            ],
            [f"Your request is registered as {req.number}.", f"The written answer is due by {_local(rt, req.due_at)}."],
        ),
        (
            "extended",
            req.extended_at,
            f"Perpanjangan waktu permohonan {req.number}",
            f"Time limit of request {req.number} extended",
            [f"Jangka waktu diperpanjang sampai {_local(rt, req.due_at)}.", f"Alasan: {req.extension_reasons}"],
            [f"The time limit is extended until {_local(rt, req.due_at)}.", f"Reasons: {req.extension_reasons}"],
        ),
        (
            "answered",
            req.answered_at,
            f"Jawaban atas permohonan {req.number}",
            f"Answer to request {req.number}",
            [f"Permohonan Anda telah dijawab ({req.state})."],
            [f"Your request has been answered ({req.state})."],
        ),
    ]
    for event, at, subject_id, subject_en, lines_id, lines_en in events:
        if at is None or at < since:
            continue
        lines_id = [*lines_id, f"Lihat status dan surat: {track} (dengan kode rahasia Anda)."]
        lines_en = [*lines_en, f"Status and letters: {track} (with your secret code)."]
        out.append(
            Draft(
                kind=KIND_APPLICANT,
                dedupe_key=f"request_{event}:{req.id}:{_key_time(at)}",
                user_id=None,
                recipient=email,
                subject=f"{subject_id} / {subject_en}",
                body=_applicant_body(lines_id, lines_en),
            )
        )
    return out


def _handler_drafts(
    rt: Runtime, req: InformationRequest, handlers: list[User], now: datetime, since: datetime, soon: datetime
) -> list[Draft]:
    out = []
    events = []
    if req.created_at >= since:
        events.append(("new", "Permohonan informasi baru", "New request for information", req.created_at))
    if req.state in OPEN_STATES and now <= req.due_at <= soon:
        events.append(("due_soon", "Permohonan segera jatuh tempo", "Request due soon", req.due_at))
    if req.state in OPEN_STATES and req.due_at < now:
        events.append(("overdue", "Permohonan melewati batas waktu", "Request overdue", req.due_at))
    for event, subject_id, subject_en, at in events:
        for user in handlers:
            out.append(
                Draft(
                    kind=KIND_HANDLER,
                    dedupe_key=f"request_{event}:{req.id}:{_key_time(at)}:{user.id}",
                    user_id=user.id,
                    recipient=user.email or "",
                    subject=f"{subject_id} {req.number} / {subject_en} {req.number}",
                    body=_compose(
                        user,
                        [f"Permohonan {req.number} ({req.state}), batas waktu {_local(rt, req.due_at)}."],
                        [f"Request {req.number} ({req.state}), due {_local(rt, req.due_at)}."],
                    ),
                )
            )
    return out


def _objection_drafts(
    rt: Runtime,
    o: InformationObjection,
    atasan: list[User],
    now: datetime,
    since: datetime,
    soon: datetime,
    base: str,
) -> list[Draft]:
    out = []
    if o.decided_at is not None and o.decided_at >= since:
        applicant = o.request.applicant
        if applicant.email and applicant.erased_at is None:
            out.append(
                Draft(
                    kind=KIND_APPLICANT,
                    dedupe_key=f"objection_decided:{o.id}",
                    user_id=None,
                    recipient=applicant.email,
                    subject=f"Putusan keberatan {o.number} / Decision on objection {o.number}",
                    body=_applicant_body(
                        [f"Keberatan Anda telah diputus ({o.state}).", f"Lihat: {base}/permohonan/{o.request.number}"],
                        [f"Your objection has been decided ({o.state}).", f"See: {base}/permohonan/{o.request.number}"],
                    ),
                )
            )
    if o.state != ObjectionState.DIAJUKAN:
        return out
    events = []
    if o.filed_at >= since:
        events.append(("new", "Keberatan baru", "New objection", o.filed_at))
    if now <= o.due_at <= soon:
        events.append(("due_soon", "Keberatan segera jatuh tempo", "Objection due soon", o.due_at))
    if o.due_at < now:
        events.append(("overdue", "Keberatan melewati batas waktu", "Objection overdue", o.due_at))
    for event, subject_id, subject_en, at in events:
        for user in atasan:
            out.append(
                Draft(
                    kind=KIND_HANDLER,
                    dedupe_key=f"objection_{event}:{o.id}:{_key_time(at)}:{user.id}",
                    user_id=user.id,
                    recipient=user.email or "",
                    subject=f"{subject_id} {o.number} / {subject_en} {o.number}",
                    body=_compose(
                        user,
                        [f"Keberatan {o.number} atas permohonan {o.request.number}, batas {_local(rt, o.due_at)}."],
                        [f"Objection {o.number} to request {o.request.number}, due {_local(rt, o.due_at)}."],
                    ),
                )
            )
    return out
