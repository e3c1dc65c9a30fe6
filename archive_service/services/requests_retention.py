"""Retention of the request register's personal data: what is due for erasure, the approval, the erasure.

The register of requests (``information_requests``) is kept; what the JRA's period ends is the applicant's personal
data (``request_applicants`` and the identity document). The period is the total (aktif + inaktif) of the JRA class
the register is filed under (``ARSIP_REQUEST_JRA_CLASS``, the row whose *jenis arsip* contains
``ARSIP_REQUEST_JRA_TYPE``; the demo's ``500.12.18.1`` *Register permohonan & keberatan PPID*, 2 + 3 years), counted
from the day the request was closed: the latest of its written answer, its objections' decisions and its Komisi
Informasi disputes' outcomes. An unanswered request is never due (it is still open).

Why not a disposition batch: batches list *records* (``disposition_items.record_id``), and nothing of a record is
destroyed here — the register line stays (number, dates, information requested, decision). So the erasure follows
the same rules with the same people, per request, without a second batch machinery:

* it is listed for the archivist with the due dispositions (``due_erasures``: ``retention.due``; no personal data,
  the number and dates only), held ones with their reason; the staff page reads ``erasure_register`` (the same
  list, the register's term and the latest erasures, or one request's);
* it needs the authority's approval letter, recorded by ``disposition.approve`` (``approve_erasure``), and then
  the erasure with its *berita acara*, by ``disposition.execute`` and never by the one who recorded the approval
  (``erase``: four eyes);
* holds are checked at both steps: an objection not decided, a Komisi Informasi dispute still running, or a record
  linked to (or cited by) the request under a legal hold (``holds``) keeps the data;
* every step is a line of the request's control card, an audit event and an outbox event (no personal data).

Erasure blanks every personal field, sets ``erased_at``, blanks the applicant's address on the request's
notifications, and deletes the identity document's bytes through ``destruction.purge_blob`` — which keeps them while
anything else still needs them (``blob_references``). The SHA-256 stays, as a destroyed record's files keep theirs;
``purge_pending`` (run by ``arsip requests erase-due`` and ``arsip retention purge``) finishes a deletion a crash
interrupted. Redacted copies stay: they are not personal data, and the register keeps what was delivered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import and_, func, select

from retention.rules import destruction_authority
from schemas.retention import ApprovalSchema, ExecutionSchema

from ..db import (
    Blob,
    InformationObjection,
    InformationRequest,
    JraClass,
    JraSchedule,
    Notification,
    Record,
    RequestApplicant,
    RequestCardLine,
)
from ..db.types import utcnow
from ..errors import Conflict, NotFound, PermissionDenied
from ..runtime import Runtime
from . import audit
from .actor import Actor
from .auth import authorize, validation_failed
from .blob_references import held_elsewhere
from .destruction import PurgeReport, purge_blob
from .requests import card, outbox
from .requests_notify import KIND_APPLICANT

SUBJECT = "retensi"
APPROVED = "setuju_hapus_data"
ERASED = "hapus_data_pemohon"
_REQUEST_KEY = re.compile(r"^request_[a-z_]+:(\d+):")
_OBJECTION_KEY = re.compile(r"^objection_decided:(\d+)$")


@dataclass(frozen=True)
class RegisterTerm:
    """The JRA class of the request register and its total retention."""

    code: str
    record_type: str
    years: int
    ref: str


@dataclass(frozen=True)
class ErasureDue:
    """A request whose applicant data is due for erasure (no personal data: the archivist reads this)."""

    number: str
    received_at: datetime
    closed_on: date
    erase_from: date
    holds: list[str]
    approval: dict[str, Any] | None


def _load(schema: Schema, data: Any) -> dict[str, Any]:
    try:
        return schema.load(data or {})
    except ValidationError as err:
        raise validation_failed(err) from err


def register_term(rt: Runtime, session: Any) -> RegisterTerm:
    """The register's class in the current JRA; 409 when there is no JRA or no such class (nothing is ever due
    by guesswork)."""
    code, wanted = rt.settings.request_jra_class, rt.settings.request_jra_type.casefold()
    current = session.execute(select(func.max(JraSchedule.version_no))).scalar_one_or_none()
    rows = list(
        session.execute(
            select(JraClass)
            .join(JraSchedule, JraClass.schedule_id == JraSchedule.id)
            .where(JraSchedule.version_no == current, JraClass.code == code)
            .order_by(JraClass.position)
        ).scalars()
    )
    if not rows:
        raise Conflict(
            f"JRA yang berlaku tidak memuat kelas register permohonan {code} (ARSIP_REQUEST_JRA_CLASS).",
            f"The current JRA has no class {code} for the request register (ARSIP_REQUEST_JRA_CLASS).",
        )
    row = next((r for r in rows if wanted and wanted in r.record_type.casefold()), rows[0])
    return RegisterTerm(row.code, row.record_type, row.total_years, f"JRA v{row.schedule.version_no} {row.code}")


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _closed_on(rt: Runtime, req: InformationRequest, objections: list[InformationObjection]) -> date | None:
    """The day the request was closed (answer, objection decisions, dispute outcomes: the latest); None while open
    or while an objection or a dispute is still running."""
    if req.answered_at is None:
        return None
    days = [req.answered_at.astimezone(rt.calendar.tz).date()]
    for o in objections:
        if o.decided_at is not None:
            days.append(o.decided_at.astimezone(rt.calendar.tz).date())
        days += [d.outcome_on for d in o.disputes if d.outcome_on is not None]
    return max(days)


def _holds(session: Any, req: InformationRequest, objections: list[InformationObjection]) -> list[str]:
    """Why the data of this request must be kept now, whatever its date (empty: nothing holds it)."""
    out = []
    if any(o.state == "diajukan" for o in objections):
        out.append("keberatan belum diputus / an objection is not decided")
    if any(d.outcome == "berjalan" for o in objections for d in o.disputes):
        out.append("sengketa Komisi Informasi berjalan / a Komisi Informasi dispute is running")
    linked = {link.record_id for link in req.links} | ({req.exemption_record_id} - {None})
    if (
        linked
        and session.execute(
            select(Record.id).where(Record.id.in_(linked), Record.legal_hold.is_(True)).limit(1)
        ).first()
    ):
        out.append("arsip terkait ditahan (legal hold) / a linked record is under a hold")
    return out


def _approval(session: Any, req: InformationRequest) -> RequestCardLine | None:
    return (
        session.execute(
            select(RequestCardLine)
            .where(RequestCardLine.request_id == req.id, RequestCardLine.action == APPROVED)
            .order_by(RequestCardLine.id.desc())
        )
        .scalars()
        .first()
    )


def _objections(session: Any, req: InformationRequest) -> list[InformationObjection]:
    return list(
        session.execute(select(InformationObjection).where(InformationObjection.request_id == req.id)).scalars()
    )


def _due(rt: Runtime, session: Any, req: InformationRequest, years: int, today: date) -> ErasureDue | None:
    objections = _objections(session, req)
    closed = _closed_on(rt, req, objections)
    if closed is None or req.applicant.erased_at is not None:
        return None
    erase_from = _add_years(closed, years)
    if erase_from > today:
        return None
    line = _approval(session, req)
    return ErasureDue(
        req.number,
        req.received_at,
        closed,
        erase_from,
        _holds(session, req, objections),
        {"by": line.actor_name, "at": line.at, "note": line.note} if line else None,
    )


def _due_list(rt: Runtime, session: Any, years: int, today: date, number: str | None = None) -> list[ErasureDue]:
    query = (
        select(InformationRequest)
        .join(RequestApplicant, RequestApplicant.id == InformationRequest.applicant_id)
        .where(InformationRequest.answered_at.is_not(None), RequestApplicant.erased_at.is_(None))
        .order_by(InformationRequest.answered_at, InformationRequest.id)
    )
    if number is not None:
        query = query.where(InformationRequest.number == number)
    out = [d for req in session.execute(query).unique().scalars() if (d := _due(rt, session, req, years, today))]
    return sorted(out, key=lambda d: (d.erase_from, d.number))


def due_erasures(rt: Runtime, actor: Actor, *, as_of: date | None = None) -> list[ErasureDue]:
    """Requests whose applicant data has outlived the register's retention, oldest first (held ones included,
    with the reason, as the records' due list counts held records)."""
    authorize(actor, "retention.due")
    today = as_of or rt.calendar.today()
    with rt.db.read() as session:
        try:
            years = register_term(rt, session).years
        except Conflict:  # no register class in the JRA: nothing is due by guesswork (the steps say why: 409)
            return []
        return _due_list(rt, session, years, today)


@dataclass(frozen=True)
class ErasedLine:
    """A request whose applicant data is erased: the register line stays, with when, by whom and the control
    card's note (which names the berita acara). No personal data: there is none left."""

    number: str
    received_at: datetime
    erased_at: datetime
    by: str | None
    note: str | None


@dataclass(frozen=True)
class ErasureRegister:
    """The archivist's page: the register's JRA term (None when the JRA has no register class), what is due on
    ``as_of`` and the latest erasures."""

    as_of: date
    term: RegisterTerm | None
    due: list[ErasureDue]
    erased: list[ErasedLine]


def _erased(session: Any, number: str | None, limit: int) -> list[ErasedLine]:
    query = (
        select(InformationRequest.id, InformationRequest.number, InformationRequest.received_at)
        .add_columns(RequestApplicant.erased_at)
        .join(RequestApplicant, RequestApplicant.id == InformationRequest.applicant_id)
        .where(RequestApplicant.erased_at.is_not(None))
        .order_by(RequestApplicant.erased_at.desc(), InformationRequest.id.desc())
        .limit(limit)
    )
    if number is not None:
        query = query.where(InformationRequest.number == number)
    rows = session.execute(query).all()
    lines = {
        line.request_id: line
        for line in session.execute(
            select(RequestCardLine)
            .where(RequestCardLine.request_id.in_([r.id for r in rows]), RequestCardLine.action == ERASED)
            .order_by(RequestCardLine.id)
        ).scalars()
    }
    return [
        ErasedLine(
            r.number,
            r.received_at,
            r.erased_at,
            lines[r.id].actor_name if r.id in lines else None,
            lines[r.id].note if r.id in lines else None,
        )
        for r in rows
    ]


def erasure_register(
    rt: Runtime, actor: Actor, *, as_of: date | None = None, number: str | None = None, erased_limit: int = 50
) -> ErasureRegister:
    """What the archivists' page shows: the register's term, the due erasures (as ``due_erasures``) and the latest
    ``erased_limit`` erasures. With ``number``, that one request only: 404 for an unknown number, 409 (with the
    reason) when its data is neither due nor erased."""
    authorize(actor, "retention.due")
    today = as_of or rt.calendar.today()
    with rt.db.read() as session:
        if (
            number is not None
            and not session.execute(select(InformationRequest.id).where(InformationRequest.number == number)).first()
        ):
            raise NotFound(f"Permohonan {number} tidak ditemukan.", f"Request {number} not found.")
        try:
            term: RegisterTerm | None = register_term(rt, session)
        except Conflict:
            if number is not None:
                raise
            term = None
        due = _due_list(rt, session, term.years, today, number) if term else []
        erased = _erased(session, number, erased_limit)
    if number is not None and term is not None and not due and not erased:
        raise _not_due(number, term)
    return ErasureRegister(today, term, due, erased)


def _not_due(number: str, term: RegisterTerm) -> Conflict:
    return Conflict(
        f"Data pemohon {number} belum jatuh tempo dihapus (retensi {term.ref}: {term.years} tahun sejak "
        "permohonan selesai) atau sudah dihapus.",
        f"The applicant data of {number} is not due for erasure (retention {term.ref}: {term.years} years from "
        "the request's close) or is erased already.",
    )


def _due_request(rt: Runtime, session: Any, number: str, today: date) -> tuple[InformationRequest, ErasureDue]:
    req = session.execute(select(InformationRequest).where(InformationRequest.number == number)).unique()
    req = req.scalar_one_or_none()
    if req is None:
        raise NotFound(f"Permohonan {number} tidak ditemukan.", f"Request {number} not found.")
    term = register_term(rt, session)
    due = _due(rt, session, req, term.years, today)
    if due is None:
        raise _not_due(number, term)
    if due.holds:
        raise Conflict(
            f"Data pemohon {number} ditahan: {'; '.join(due.holds)}.",
            f"The applicant data of {number} is held: {'; '.join(due.holds)}.",
            holds=due.holds,
        )
    return req, due


def approve_erasure(rt: Runtime, actor: Actor, number: str, data: Any, *, today: date | None = None) -> ErasureDue:
    """Record the authority's approval letter for erasing the applicant data of one due request."""
    authorize(actor, "disposition.approve")
    letter = _load(ApprovalSchema(), data)
    today, now = today or rt.calendar.today(), utcnow()
    if letter["letter_date"] > today:
        raise validation_failed(
            ValidationError({"letter_date": ["Tanggal surat di masa depan. / The letter date is ahead."]})
        )
    with rt.db.write() as session:
        req, due = _due_request(rt, session, number, today)
        years = register_term(rt, session).years
        approval = {
            "authority": destruction_authority(years),
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in letter.items()},
        }
        note = f"{approval['letter_no']} ({approval['letter_date']}), {approval['signer_name']}"
        card(session, req, actor, APPROVED, now, subject=SUBJECT, note=note)
        audit.append(
            session,
            actor,
            "request.erasure_approved",
            entity_type="information_request",
            entity_id=req.number,
            changes={"approval": {"before": None, "after": approval}},
        )
        outbox(session, "request.erasure_approved", request=req.number)
        session.flush()
        return ErasureDue(
            due.number,
            due.received_at,
            due.closed_on,
            due.erase_from,
            [],
            {"by": actor.username, "at": now, "note": note},
        )


def erase(rt: Runtime, actor: Actor, number: str, data: Any, *, today: date | None = None) -> dict[str, Any]:
    """Erase the applicant data of one approved, due, unheld request, with its *berita acara*; the register line
    stays. Four eyes: whoever recorded the approval may not carry it out."""
    authorize(actor, "disposition.execute")
    ba = _load(ExecutionSchema(), data)
    today, now = today or rt.calendar.today(), utcnow()
    if ba["date"] > today:
        raise validation_failed(ValidationError({"date": ["Tanggal di masa depan. / The date is ahead."]}))
    with rt.db.write() as session:
        req, _due_now = _due_request(rt, session, number, today)
        approval = _approval(session, req)
        if approval is None:
            raise Conflict(
                f"Penghapusan data pemohon {number} belum disetujui.",
                f"The erasure of the applicant data of {number} is not approved yet.",
            )
        if approval.actor_name == actor.username:
            raise PermissionDenied(
                "Yang mencatat persetujuan tidak boleh melaksanakannya sendiri (empat mata).",
                "Whoever recorded the approval may not carry it out (four eyes).",
            )
        applicant = req.applicant
        sha = applicant.identity_blob_sha256
        berita_acara = {
            "title": "Berita Acara Penghapusan Data Pribadi Pemohon Informasi",
            "no": ba.get("ba_no") or f"BA-HAPUS-{req.number}",
            **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in ba.items() if k != "ba_no"},
            "approval": approval.note,
            "institution": rt.settings.institution_name,
        }
        _blank(applicant, now)
        blanked = _blank_notifications(session, req)
        # The note says it in words: the request page shows the control card, so the handlers read there that
        # the data is gone and when (the berita acara's number names the document).
        erased_on = now.astimezone(rt.calendar.tz).strftime("%d-%m-%Y")
        note = f"Data pribadi pemohon telah dimusnahkan pada {erased_on} (berita acara {berita_acara['no']})."
        card(session, req, actor, ERASED, now, subject=SUBJECT, note=note)
        audit.append(
            session,
            actor,
            "request.erased",
            entity_type="information_request",
            entity_id=req.number,
            changes={
                "erased_at": {"before": None, "after": now.isoformat()},
                "berita_acara": {"before": None, "after": berita_acara},
                "notifications_blanked": {"before": None, "after": blanked},
            },
        )
        outbox(session, "request.erased", request=req.number)
    report = PurgeReport()
    if sha is not None:
        purge_blob(rt, sha, report)
    return {
        "number": number,
        "erased_at": now,
        "berita_acara": berita_acara,
        "identity_deleted": bool(report.deleted),
        "identity_kept_shared": bool(report.shared),
    }


def _blank(applicant: RequestApplicant, now: datetime) -> None:
    """Every personal field goes; the identity document's SHA-256 stays as the tombstone (its bytes are deleted)."""
    applicant.name = ""
    applicant.address = ""
    for name in ("nik", "organisation", "legal_basis", "email", "phone", "identity_filename", "identity_mime"):
        setattr(applicant, name, None)
    applicant.erased_at = now


def _blank_notifications(session: Any, req: InformationRequest) -> int:
    """Blank the applicant's address on the mail about this request and its objections; returns how many."""
    objection_ids = {o.id for o in _objections(session, req)}
    count = 0
    for note in session.execute(
        select(Notification).where(Notification.kind == KIND_APPLICANT, Notification.recipient != "")
    ).scalars():
        by_request = _REQUEST_KEY.match(note.dedupe_key)
        by_objection = _OBJECTION_KEY.match(note.dedupe_key)
        if (by_request and int(by_request.group(1)) == req.id) or (
            by_objection and int(by_objection.group(1)) in objection_ids
        ):
            note.recipient = ""
            count += 1
    return count


def purge_pending(rt: Runtime) -> PurgeReport:
    """Delete the identity documents of erased applicants still stored (a crash between the erasure and the
    deletion), unless something else needs the bytes."""
    report = PurgeReport()
    with rt.db.read() as session:
        shas = sorted(
            set(
                session.execute(
                    select(RequestApplicant.identity_blob_sha256)
                    .join(Blob, Blob.sha256 == RequestApplicant.identity_blob_sha256)
                    .where(
                        and_(
                            RequestApplicant.erased_at.is_not(None),
                            Blob.destroyed_at.is_(None),
                            ~held_elsewhere(Blob.sha256),
                        )
                    )
                ).scalars()
            )
        )
    for sha in shas:
        purge_blob(rt, sha, report)
    return report


__all__ = [
    "ErasedLine",
    "ErasureDue",
    "ErasureRegister",
    "RegisterTerm",
    "approve_erasure",
    "due_erasures",
    "erase",
    "erasure_register",
    "purge_pending",
    "register_term",
]
