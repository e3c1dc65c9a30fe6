"""Requests for information under UU 14/2008 Pasal 21-22 and PerKI 1/2021 (issue 18; docs/requests.md).

Every use case is one function in the house style: check permission, validate with a schema, open one transaction,
change state, write the request's control-card line, the audit event and the outbox event in that transaction.
The handler's moves are rows of ``workflow/requests_table.py`` carried out by one function (``act``).

Privacy: the applicant's personal data (``RequestApplicant``) is read only here, only for the handlers of requests
(``request.read``: the PPID and the Tim Sekretariat; the Atasan PPID for a request under objection). Audit events
and outbox payloads carry the request number and states, never personal data. Nothing of a request is indexed,
harvested or exported (docs/requests.md "Privacy").

The tracking secret is 256-bit random and stored as its SHA-256; tracking compares in constant time and answers
an unknown number exactly as a wrong secret (``_not_found``), so the number alone tells nobody anything.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from schemas.enums import KipCategory, SecurityClass
from schemas.requests import (
    ANSWERED_STATES,
    GRANTED_STATES,
    OPEN_STATES,
    DecideSchema,
    DeliveryLinkSchema,
    DeliveryRevokeSchema,
    ExtendSchema,
    LinkSchema,
    PublicRequestFormSchema,
    RequestChannel,
    RequestCreateSchema,
    RequestState,
)

from ..db import (
    ConsequenceTest,
    DipRow,
    DipVersion,
    InformationObjection,
    InformationRequest,
    OutboxEvent,
    Record,
    RecordFile,
    RequestApplicant,
    RequestCardLine,
    RequestDeliveryToken,
    RequestRecordLink,
)
from ..db.types import utcnow
from ..errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    StaleVersion,
    UnsupportedMediaType,
    ValidationFailed,
)
from ..runtime import Runtime
from ..workcalendar import Sla
from ..workflow.requests_table import (
    ANSWER_SLA,
    DECISIONS,
    DUE_SOON_DAYS,
    EXTENSION_SLA,
    REQUEST_BY_ACTION,
    RequestAction,
)
from . import audit
from .access import load_visible, may_read_record, visible_ids
from .actor import Actor
from .auth import authorize, validation_failed
from .records import next_counter
from .uploads import Upload, discard_all, ensure_blob_rows, release_created, store_uploads

# The applicant as the audit trail names them: never their name (personal data stays in request_applicants).
APPLICANT = Actor(user_id=None, username="pemohon", role="pemohon")
IDENTITY_MIME = frozenset({"application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp"})
_DUMMY_HASH = hashlib.sha256(b"no such request").hexdigest()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _not_found() -> NotFound:
    """The one answer to an unknown number, a wrong secret and an expired link."""
    return NotFound(
        "Nomor permohonan atau kode rahasia tidak cocok.",
        "The request number or the secret code does not match.",
    )


def _load(schema: Schema, data: Any) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as err:
        raise validation_failed(err) from err


def number_for(rt: Runtime, session: Session, pattern: str, counter: str, now: datetime) -> tuple[str, int]:
    """The next gapless number of ``counter`` for the year of ``now`` (office time), formatted by ``pattern``."""
    local = now.astimezone(rt.calendar.tz)
    seq = next_counter(session, f"{counter}:{local.year}")
    return pattern.format(year=local.year, month=local.month, day=local.day, seq=seq), local.year


def card(
    session: Session,
    req: InformationRequest,
    actor: Actor,
    action: str,
    now: datetime,
    *,
    subject: str = "permohonan",
    from_state: str | None = None,
    to_state: str | None = None,
    due_at: datetime | None = None,
    note: str | None = None,
) -> None:
    session.add(
        RequestCardLine(
            request_id=req.id,
            subject=subject,
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor_name=actor.username,
            actor_role=actor.role,
            at=now,
            due_at=due_at,
            late=due_at is not None and now > due_at,
            note=note,
        )
    )


def outbox(session: Session, topic: str, **payload: Any) -> None:
    """An event for the cron's mail composer and for integrations; no record, so the index worker skips it."""
    session.add(OutboxEvent(topic=topic, record_id=None, payload={k: audit.jsonable(v) for k, v in payload.items()}))


# ---- registration ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Registered:
    number: str
    state: str
    received_at: datetime
    due_at: datetime
    secret: str
    tracking_url: str


def register_public(
    rt: Runtime,
    form: dict[str, Any],
    identity: list[Upload],
    *,
    now: datetime | None = None,
    verify_challenge: Callable[[str, str], str] | None = None,
) -> Registered:
    """A request from the portal. The form is validated, the honeypot and the challenge checked and the identity
    document required before anything is stored; on any error nothing remains (no row, no blob)."""
    now = now or utcnow()
    try:
        data = _load(PublicRequestFormSchema(), form)
        if data.pop("website", None):  # the honeypot: a person never sees it, a bot fills it in
            raise ValidationFailed("Formulir tidak dapat diterima.", "The form cannot be accepted.")
        token, answer = data.pop("challenge_token"), data.pop("challenge_answer")
        from . import requests_challenge

        nonce = (verify_challenge or (lambda t, a: requests_challenge.verify(rt, t, a, now=now)))(token, answer)
        data["channel"] = RequestChannel.PORTAL
        data["received_at"] = now
        if not identity:
            raise ValidationFailed(
                "Unggah dokumen identitas (KTP, atau akta/SK badan hukum) sebagai gambar atau PDF.",
                "Upload the identity document (ID card, or the legal entity's deed) as an image or a PDF.",
                errors={"identity_file": ["Wajib diunggah. / Required."]},
            )
    except Exception:
        discard_all(identity)
        raise
    return _register(rt, APPLICANT, data, identity, now, challenge_nonce=nonce)


def register_desk(
    rt: Runtime, actor: Actor, form: dict[str, Any], identity: list[Upload], *, now: datetime | None = None
) -> Registered:
    """A request that arrived at the desk, by letter or by e-mail, registered by staff (identity file optional:
    the desk may have seen the card)."""
    try:
        authorize(actor, "request.register")
        data = _load(RequestCreateSchema(), form)
    except Exception:
        discard_all(identity)
        raise
    now = now or utcnow()
    received = data.get("received_at") or now
    if received > now:
        discard_all(identity)
        raise ValidationFailed(errors={"received_at": ["Tidak boleh di masa depan. / Must not be in the future."]})
    data["received_at"] = received
    return _register(rt, actor, data, identity, now)


def _check_identity(rt: Runtime, identity: list[Upload]) -> None:
    if len(identity) > 1:
        raise ValidationFailed(errors={"identity_file": ["Satu berkas saja. / One file only."]})
    for upload in identity:
        if upload.staged.size > rt.settings.request_identity_max_size:
            raise PayloadTooLarge(
                f"Dokumen identitas paling besar {rt.settings.request_identity_max_size} bita.",
                f"The identity document may be at most {rt.settings.request_identity_max_size} bytes.",
            )
        from indexer.mime import sniff_path

        mime = sniff_path(upload.staged.path)
        if mime not in IDENTITY_MIME:
            raise UnsupportedMediaType(
                "Dokumen identitas harus berupa gambar (JPEG, PNG, TIFF, WebP) atau PDF.",
                "The identity document must be an image (JPEG, PNG, TIFF, WebP) or a PDF.",
                errors={"identity_file": [f"{mime}"]},
            )


def _register(
    rt: Runtime,
    actor: Actor,
    data: dict[str, Any],
    identity: list[Upload],
    now: datetime,
    *,
    challenge_nonce: str | None = None,
) -> Registered:
    try:
        _check_identity(rt, identity)
        stored = store_uploads(rt, identity) if identity else []
    except Exception:
        discard_all(identity)
        raise
    secret = secrets.token_urlsafe(32)
    applicant_data = dict(data.pop("applicant"))
    try:
        with rt.db.write() as session:
            ensure_blob_rows(rt, session, stored)
            if (
                challenge_nonce is not None
                and session.execute(
                    select(InformationRequest.id).where(InformationRequest.challenge_nonce == challenge_nonce)
                ).first()
            ):
                raise ValidationFailed(
                    "Tantangan ini sudah dipakai; muat ulang formulir.",
                    "This challenge was used already; reload the form.",
                    errors={"challenge_token": ["Sudah dipakai. / Already used."]},
                )
            applicant = RequestApplicant(
                **{k: str(v) if k == "kind" else v for k, v in applicant_data.items()},
                identity_blob_sha256=stored[0].sha256 if stored else None,
                identity_filename=stored[0].filename if stored else None,
                identity_mime=stored[0].mime if stored else None,
                created_at=now,
            )
            session.add(applicant)
            session.flush()
            number, year = number_for(rt, session, rt.settings.request_number_pattern, "request", data["received_at"])
            due = rt.calendar.add(data["received_at"], ANSWER_SLA)
            req = InformationRequest(
                number=number,
                year=year,
                channel=str(data["channel"]),
                applicant_id=applicant.id,
                information=data["information"],
                purpose=data["purpose"],
                receipt_forms=[str(v) for v in data["receipt_forms"]],
                delivery_methods=[str(v) for v in data["delivery_methods"]],
                state=str(RequestState.DITERIMA),
                received_at=data["received_at"],
                due_at=due,
                tracking_secret_hash=hash_secret(secret),
                challenge_nonce=challenge_nonce,
                created_at=now,
                updated_at=now,
                created_by=actor.username,
            )
            session.add(req)
            session.flush()
            card(session, req, actor, "registrasi", now, to_state=req.state, due_at=due, note=req.channel)
            audit.append(
                session,
                actor,
                "request.register",
                entity_type="information_request",
                entity_id=number,
                changes={
                    "state": {"before": None, "after": req.state},
                    "channel": {"before": None, "after": req.channel},
                },
            )
            outbox(session, "request.received", request=number, due_at=due)
    except Exception:
        release_created(rt, stored)
        raise
    base = rt.settings.public_base_url.rstrip("/")
    return Registered(number, req.state, req.received_at, due, secret, f"{base}/permohonan/{number}?kode={secret}")


# ---- tracking (public) -----------------------------------------------------------------------------------------------
def _by_secret(session: Session, number: str, secret: str) -> InformationRequest:
    req = session.execute(select(InformationRequest).where(InformationRequest.number == number)).scalar_one_or_none()
    expected = req.tracking_secret_hash if req is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_secret(secret or ""), expected)
    if req is None or not matches:
        raise _not_found()
    return req


def letters_of(req: InformationRequest) -> list[str]:
    """The letters a request has at this point (each a PDF/A in ``reports/request_letters.py``)."""
    out = ["tanda_bukti_penerimaan"]
    if req.extended_at is not None:
        out.append("pemberitahuan_perpanjangan")
    if req.answered_at is not None:
        out.append("surat_pemberitahuan_tertulis")
    return out


def track(rt: Runtime, number: str, secret: str, *, now: datetime | None = None) -> dict[str, Any]:
    """What the applicant sees with the number and the secret: the status, the letters, the objections."""
    from . import requests_objections

    now = now or utcnow()
    with rt.db.read() as session:
        req = _by_secret(session, number, secret)
        objections = list(
            session.execute(
                select(InformationObjection)
                .where(InformationObjection.request_id == req.id)
                .order_by(InformationObjection.id)
            ).scalars()
        )
        letters = letters_of(req) + [f"putusan_keberatan:{o.number}" for o in objections if o.decided_at]
        return {
            **{
                name: getattr(req, name)
                for name in (
                    "number",
                    "state",
                    "received_at",
                    "due_at",
                    "extended_at",
                    "extension_reasons",
                    "answered_at",
                    "decision_reasons",
                    "not_held_holder",
                    "cost_amount",
                    "cost_note",
                )
            },
            "letters": letters,
            "delivery": tracked_delivery(session, req, now),
            "objections": [requests_objections.objection_view(rt, o, now) for o in objections],
            "objection_grounds_open": requests_objections.open_grounds(rt, req, now),
        }


# ---- staff: reading --------------------------------------------------------------------------------------------------
def _load_request(session: Session, actor: Actor, number: str, *, lock: bool = False) -> InformationRequest:
    """The request, or 404 when there is none or the actor is not one of its handlers (no existence leak)."""
    query = select(InformationRequest).where(InformationRequest.number == number)
    if lock:
        query = query.with_for_update(of=InformationRequest)
    req = session.execute(query).unique().scalar_one_or_none()
    if req is None or not _handles(session, actor, req):
        raise NotFound(f"Permohonan {number} tidak ditemukan.", f"Request {number} not found.")
    return req


def _handles(session: Session, actor: Actor, req: InformationRequest) -> bool:
    """The PPID and the Tim Sekretariat handle every request; the Atasan PPID sees a request under objection."""
    if actor.is_system or actor.role in {"ppid", "sekretariat"}:
        return True
    if actor.role == "atasan_ppid":
        return (
            session.execute(select(InformationObjection.id).where(InformationObjection.request_id == req.id)).first()
            is not None
        )
    return False


def _overdue(req: InformationRequest, now: datetime) -> bool:
    return req.state in OPEN_STATES and req.due_at < now


def request_view(
    session: Session, actor: Actor, req: InformationRequest, now: datetime, *, personal: bool = True
) -> dict[str, Any]:
    """The request as its handlers see it: a linked (or cited) record they may not read shows that there is a link,
    not which record (no title, no number, no id: the one rule of DESIGN.md §6 covers ids too)."""
    cited = [req.exemption_record_id] if req.exemption_record_id else []
    readable = visible_ids(session, actor, [link.record_id for link in req.links] + cited)
    records = (
        {r.id: r for r in session.execute(select(Record).where(Record.id.in_(sorted(readable)))).scalars()}
        if readable
        else {}
    )
    links = []
    for link in req.links:
        record = records.get(link.record_id)
        links.append(
            {
                "id": link.id,
                "record_id": link.record_id if record else None,
                "record_no": record.record_no if record else "-",
                "title": record.title if record else "uraian tidak ditampilkan / description withheld",
                "note": link.note,
                "partly_exempted": link.partly_exempted,
                "redacted_filename": link.redacted_filename,
                "not_in_dip": link.not_in_dip,
                "linked_by": link.linked_by,
                "linked_at": link.linked_at,
            }
        )
    lines = session.execute(
        select(RequestCardLine).where(RequestCardLine.request_id == req.id).order_by(RequestCardLine.id)
    ).scalars()
    applicant = req.applicant if personal and req.applicant.erased_at is None else None
    return {
        **{c.key: getattr(req, c.key) for c in InformationRequest.__table__.columns if c.key != "tracking_secret_hash"},
        "exemption_record_id": req.exemption_record_id if req.exemption_record_id in readable else None,
        "overdue": _overdue(req, now),
        "applicant": applicant,
        "links": links,
        "card": list(lines),
        "deliveries": deliveries_of(session, req, now),
        "letters": letters_of(req),
        "objections": [
            {"number": o.number, "state": o.state, "decided": o.decided_at is not None}
            for o in session.execute(
                select(InformationObjection)
                .where(InformationObjection.request_id == req.id)
                .order_by(InformationObjection.id)
            ).scalars()
        ],
    }


def get_request(rt: Runtime, actor: Actor, number: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The request for its handlers, with the objection grounds open now (for an objection filed at the desk)."""
    from . import requests_objections

    authorize(actor, "request.read")
    now = now or utcnow()
    with rt.db.read() as session:
        req = _load_request(session, actor, number)
        return {
            **request_view(session, actor, req, now),
            "objection_grounds_open": requests_objections.open_grounds(rt, req, now),
        }


def worklist(rt: Runtime, actor: Actor, *, now: datetime | None = None, open_only: bool = True) -> list[dict[str, Any]]:
    """The handlers' worklist: open requests soonest due first, each with whether it is overdue or due within
    ``DUE_SOON_DAYS`` working days (the Atasan PPID's is in ``requests_objections.worklist``)."""
    authorize(actor, "request.read")
    if actor.role not in {"ppid", "sekretariat"} and not actor.is_system:
        return []
    now = now or utcnow()
    soon = rt.calendar.add(now, Sla.parse(f"{DUE_SOON_DAYS} hari"))
    query = select(InformationRequest).order_by(InformationRequest.due_at, InformationRequest.id)
    if open_only:
        query = query.where(InformationRequest.state.in_([str(s) for s in OPEN_STATES]))
    with rt.db.read() as session:
        rows = session.execute(query.limit(1000)).unique().scalars().all()
        return [
            {
                "kind": "permohonan",
                "number": r.number,
                "state": r.state,
                "received_at": r.received_at,
                "due_at": r.due_at,
                "overdue": _overdue(r, now),
                "due_soon": r.state in OPEN_STATES and now <= r.due_at <= soon,
                "summary": _summary(r.information),
            }
            for r in rows
        ]


def _summary(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---- the handler's moves (the table) ---------------------------------------------------------------------------------
@dataclass
class Ctx:
    rt: Runtime
    session: Session
    actor: Actor
    req: InformationRequest
    payload: dict[str, Any]
    now: datetime
    action: RequestAction
    notes: list[str]


def _missing(name: str, id_text: str, en_text: str) -> ValidationFailed:
    return ValidationFailed(id_text, en_text, errors={name: [f"{id_text} / {en_text}"]})


def guard_reasons(ctx: Ctx) -> None:
    if not (ctx.payload.get("reasons") or "").strip():
        raise _missing("reasons", "Alasan tertulis wajib diisi.", "Written reasons are required.")


def guard_not_extended(ctx: Ctx) -> None:
    if ctx.req.extended_at is not None:
        raise Conflict(
            "Jangka waktu hanya dapat diperpanjang satu kali (Pasal 22 ayat 8).",
            "The time limit may be extended once only (Pasal 22(8)).",
        )


def guard_has_links(ctx: Ctx) -> None:
    if not ctx.req.links:
        raise _missing(
            "links",
            "Tautkan arsip yang menjawab permohonan sebelum mengabulkan.",
            "Link the records that answer the request before granting it.",
        )
    if ctx.action.to_state == RequestState.DIKABULKAN:
        exempted = [
            link.record_id for link in ctx.req.links if link.partly_exempted or _closed(_record(ctx, link.record_id))
        ]
        if exempted:
            raise ValidationFailed(
                "Arsip tertaut memuat informasi yang dikecualikan atau berklasifikasi keamanan terbatas/rahasia; "
                "kabulkan sebagian dengan salinan yang dihitamkan.",
                "A linked record holds exempted information or has a restricted/secret security class; grant in "
                "part with a redacted copy.",
                errors={"links": [f"{rid}" for rid in exempted]},
            )


def _closed(record: Record) -> bool:
    """A record whose own files may never go out whole: exempted under Pasal 17, or classified above *biasa* under
    the archives' security classification (Perka ANRI 17/2011); only a redacted copy of it may be given."""
    return record.kip_category == KipCategory.DIKECUALIKAN or record.security_class != SecurityClass.BIASA_TERBUKA


def _record(ctx: Ctx, record_id: int) -> Record:
    return load_visible(ctx.session, ctx.actor, record_id)


def _determination(ctx: Ctx, record_id: int) -> ConsequenceTest | None:
    """The record's exemption determination in force: ``kecualikan`` (workflow step 8) with its consequence test."""
    record = load_visible(ctx.session, ctx.actor, record_id)
    if record.kip_category != KipCategory.DIKECUALIKAN or not record.exemption_ground:
        return None
    return (
        ctx.session.execute(
            select(ConsequenceTest).where(ConsequenceTest.record_id == record.id).order_by(ConsequenceTest.id.desc())
        )
        .scalars()
        .first()
    )


def guard_exemption_cited(ctx: Ctx) -> None:
    """A refusal (or a partial grant) under Pasal 17 only by citing an exemption determination in force on a linked
    record: one made earlier, or one the PPID makes now through the workflow's ``kecualikan`` (with its consequence
    test) before deciding."""
    cited = ctx.payload.get("exemption_record_id")
    if cited is None:
        raise _missing(
            "exemption_record_id",
            "Sebutkan arsip tertaut yang memuat penetapan pengecualian (Pasal 17) beserta uji konsekuensinya.",
            "Cite the linked record holding the exemption determination (Pasal 17) with its consequence test.",
        )
    if cited not in {link.record_id for link in ctx.req.links}:
        raise ValidationFailed(
            errors={
                "exemption_record_id": [
                    "Arsip ini tidak tertaut pada permohonan. / This record is not linked to the request."
                ]
            }
        )
    if _determination(ctx, cited) is None:
        raise ValidationFailed(
            "Arsip yang disebut belum ditetapkan dikecualikan dengan uji konsekuensi; tetapkan dahulu (aksi "
            "'kecualikan').",
            "The cited record has no exemption determination with a consequence test; determine it first (action "
            "'kecualikan').",
            errors={"exemption_record_id": ["Tanpa penetapan pengecualian. / No exemption determination."]},
        )


def guard_redacted_copies(ctx: Ctx) -> None:
    if not any(_deliverable(ctx.req, link, _record(ctx, link.record_id)) for link in ctx.req.links):
        raise _missing(
            "links",
            "Tidak ada yang dapat diberikan: unggah salinan yang dihitamkan atau tautkan arsip yang terbuka.",
            "Nothing can be given: upload a redacted copy or link an open record.",
        )


def guard_holder_named(ctx: Ctx) -> None:
    if not (ctx.payload.get("not_held_holder") or "").strip():
        raise _missing(
            "not_held_holder",
            "Sebutkan badan publik yang mungkin menguasai informasi (Pasal 22 ayat 7 huruf d).",
            "Name the public body that may hold the information (Pasal 22(7)(d)).",
        )


def effect_extend(ctx: Ctx) -> None:
    ctx.req.original_due_at = ctx.req.due_at
    ctx.req.due_at = ctx.rt.calendar.add(ctx.req.due_at, EXTENSION_SLA)
    ctx.req.extended_at = ctx.now
    ctx.req.extension_reasons = ctx.payload["reasons"]


def effect_answer(ctx: Ctx) -> None:
    ctx.req.answered_at = ctx.now
    ctx.req.decision_reasons = ctx.payload["reasons"]
    ctx.req.decided_by = ctx.actor.username
    ctx.req.not_held_holder = ctx.payload.get("not_held_holder")
    ctx.req.cost_amount = ctx.payload.get("cost_amount")
    ctx.req.cost_note = ctx.payload.get("cost_note")
    ctx.req.public_text = bool(ctx.payload.get("public_text"))


def effect_cite_exemption(ctx: Ctx) -> None:
    test = _determination(ctx, ctx.payload["exemption_record_id"])
    ctx.req.exemption_record_id = ctx.payload["exemption_record_id"]
    ctx.req.exemption_test_id = test.id if test is not None else None


def effect_dip_feedback(ctx: Ctx) -> None:
    """SOP step 14: information given on request that the latest fixed DIP does not list is marked on the link, so
    the PPID's step-14 list (``dip_followups``) asks to determine and publish it."""
    latest = ctx.session.execute(select(DipVersion.id).order_by(DipVersion.version_no.desc())).scalars().first()
    listed: set[int] = set()
    if latest is not None:
        listed = set(ctx.session.execute(select(DipRow.record_id).where(DipRow.version_id == latest)).scalars())
    missing = []
    for link in ctx.req.links:
        if link.record_id not in listed and link.record_id != ctx.payload.get("exemption_record_id"):
            link.not_in_dip = True
            missing.append(link.record_id)
    if missing:
        ctx.notes.append(f"belum di DIP / not in the DIP: {', '.join(map(str, missing))}")
        outbox(ctx.session, "request.dip_followup", request=ctx.req.number, records=missing)


def effect_notify_applicant(ctx: Ctx) -> None:
    topic = "request.extended" if ctx.action.action == "perpanjang" else "request.answered"
    outbox(ctx.session, topic, request=ctx.req.number, state=str(ctx.action.to_state))


GUARDS: dict[str, Callable[[Ctx], None]] = {
    n.removeprefix("guard_"): f for n, f in globals().items() if n.startswith("guard_")
}
EFFECTS: dict[str, Callable[[Ctx], None]] = {
    n.removeprefix("effect_"): f for n, f in globals().items() if n.startswith("effect_")
}
ACTION_PERMISSION = {"proses": "request.handle"}  # every other row is the PPID's decision ("request.decide")


def act(
    rt: Runtime,
    actor: Actor,
    number: str,
    expected_version: int | None,
    action: str,
    payload: dict[str, Any],
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Carry out one row of ``REQUEST_ACTIONS`` on one request."""
    row = REQUEST_BY_ACTION.get(action)
    if row is None:
        raise ValidationFailed(errors={"action": [f"Aksi tidak dikenal. / Unknown action. ({action})"]})
    authorize(actor, ACTION_PERMISSION.get(action, "request.decide"))
    if not actor.is_system and actor.role not in row.roles:
        raise PermissionDenied(
            f"Peran '{actor.role}' tidak boleh melakukan '{action}'.",
            f"Role '{actor.role}' may not perform '{action}'.",
        )
    now = now or utcnow()
    try:
        with rt.db.write() as session:
            req = _load_request(session, actor, number, lock=True)
            if expected_version is not None and req.version != expected_version:
                raise _stale(number)
            if req.state not in row.from_states:
                raise Conflict(
                    f"Aksi '{action}' tidak berlaku pada status '{req.state}'.",
                    f"Action '{action}' does not apply in state '{req.state}'.",
                )
            ctx = Ctx(rt, session, actor, req, payload, now, row, [])
            for guard in row.guards:
                GUARDS[guard](ctx)
            before = {"state": req.state, "due_at": req.due_at}
            due_before = req.due_at
            for effect in row.effects:
                EFFECTS[effect](ctx)
            req.state = str(row.to_state)
            req.updated_at = now
            session.flush()
            note = "; ".join([payload.get("reasons") or "", *ctx.notes]).strip("; ") or None
            card(
                session,
                req,
                actor,
                action,
                now,
                from_state=before["state"],
                to_state=req.state,
                due_at=due_before,
                note=note,
            )
            audit.append(
                session,
                actor,
                f"request.{action}",
                entity_type="information_request",
                entity_id=req.number,
                changes=audit.diff(before, {"state": req.state, "due_at": req.due_at}),
            )
            outbox(session, f"request.{action}", request=req.number, state=req.state)
            return request_view(session, actor, req, now)
    except StaleDataError as exc:
        raise _stale(number) from exc


def _stale(number: str) -> StaleVersion:
    return StaleVersion(
        f"Permohonan {number} sudah diubah orang lain; muat ulang.", f"Request {number} was changed meanwhile; reload."
    )


def extend(rt: Runtime, actor: Actor, number: str, version: int | None, data: Any, **kw: Any) -> dict[str, Any]:
    return act(rt, actor, number, version, "perpanjang", _load(ExtendSchema(), data), **kw)


def decide(rt: Runtime, actor: Actor, number: str, version: int | None, data: Any, **kw: Any) -> dict[str, Any]:
    payload = _load(DecideSchema(), data)
    row = DECISIONS.get(payload["decision"])
    if row is None:
        raise ValidationFailed(
            errors={"decision": [f"Pilih salah satu / choose one of: {', '.join(sorted(DECISIONS))}"]}
        )
    return act(rt, actor, number, version, row.action, payload, **kw)


def take_up(rt: Runtime, actor: Actor, number: str, version: int | None = None, **kw: Any) -> dict[str, Any]:
    return act(rt, actor, number, version, "proses", {}, **kw)


# ---- linking records -------------------------------------------------------------------------------------------------
def link_record(
    rt: Runtime,
    actor: Actor,
    number: str,
    data: Any,
    redacted: list[Upload] | None = None,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Link a record that answers the request (only one the handler may read: 404 otherwise), optionally with an
    uploaded redacted copy for the part that may be given."""
    redacted = redacted or []
    try:
        authorize(actor, "request.handle")
        payload = _load(LinkSchema(), data)
        if len(redacted) > 1:
            raise ValidationFailed(errors={"redacted_file": ["Satu berkas saja. / One file only."]})
        stored = store_uploads(rt, redacted) if redacted else []
    except Exception:
        discard_all(redacted)
        raise
    now = now or utcnow()
    try:
        with rt.db.write() as session:
            ensure_blob_rows(rt, session, stored)
            req = _load_request(session, actor, number, lock=True)
            if req.state not in OPEN_STATES:
                raise Conflict("Permohonan sudah dijawab.", "The request has been answered.")
            record = load_visible(session, actor, payload["record_id"])
            if record.destroyed_at is not None:
                raise Conflict("Arsip sudah dimusnahkan.", "The record has been destroyed.")
            if any(link.record_id == record.id for link in req.links):
                raise Conflict("Arsip sudah tertaut.", "The record is linked already.")
            link = RequestRecordLink(
                request_id=req.id,
                record_id=record.id,
                note=payload.get("note"),
                partly_exempted=payload["partly_exempted"] or bool(stored),
                redacted_blob_sha256=stored[0].sha256 if stored else None,
                redacted_filename=stored[0].filename if stored else None,
                redacted_mime=stored[0].mime if stored else None,
                linked_by=actor.username,
                linked_at=now,
            )
            session.add(link)
            req.links.append(link)
            req.updated_at = now
            session.flush()
            card(session, req, actor, "tautkan", now, note=f"{record.record_no}" + (" (dihitamkan)" if stored else ""))
            audit.append(
                session,
                actor,
                "request.link",
                entity_type="information_request",
                entity_id=req.number,
                record_id=record.id,
                changes={
                    "record_id": {"before": None, "after": record.id},
                    "redacted": {"before": None, "after": bool(stored)},
                },
            )
            outbox(session, "request.link", request=req.number, record=record.id)
            return request_view(session, actor, req, now)
    except Exception:
        release_created(rt, stored)
        raise


def search_for(rt: Runtime, actor: Actor, number: str, query: dict[str, Any] | None = None) -> Any:
    """Search the archive from the request: its text is the first query (the handler refines it), as the handler,
    so only records the handler may read come back."""
    from . import search

    authorize(actor, "request.handle")
    with rt.db.read() as session:
        req = _load_request(session, actor, number)
        text = " ".join(req.information.split())[:2000]
    query = dict(query or {})
    if " ".join(str(query.get("q") or "").split()) in {"", text}:
        query["q"] = any_word_query(text)
    return search.internal_search(rt, actor, query)


def any_word_query(text: str) -> str:
    """The request's text as a search that needs *any* of its content words, ranked by how many match.

    A citizen describes what they want in a sentence ("laporan anggaran jaringan internet desa 2026 dan kontrak
    menara") that often spans several records; the search box ANDs its words, so the sentence as typed found
    nothing. Function words are left out (as OR clauses they would match everything); at most 32 words, the
    longest first, as the query parser keeps of a pasted paragraph."""
    from indexer.analysis import STOP_WORDS, normalize

    words: dict[str, None] = {}
    for raw in re.findall(r"[^\W_][\w./-]*", text):
        word = raw.strip("./-")
        if len(word) > 1 and normalize(word) not in STOP_WORDS and word.upper() not in {"OR", "ATAU"}:
            words.setdefault(word, None)
    kept = sorted(words, key=lambda w: -len(w))[:32]
    return " OR ".join(w for w in words if w in kept)


# ---- delivery --------------------------------------------------------------------------------------------------------
def _deliverable(req: InformationRequest, link: RequestRecordLink, record: Record | None) -> bool:
    """Whether a link's files may go to the applicant: its redacted copy when there is one; otherwise the record's
    own files only when nothing of it is exempted or classified (``_closed``) and it is not the record cited for a
    refusal."""
    if link.redacted_blob_sha256:
        return True
    if record is None or record.destroyed_at is not None or link.partly_exempted:
        return False
    return not _closed(record) and record.id != req.exemption_record_id


def issue_delivery(
    rt: Runtime, actor: Actor, number: str, data: Any = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """A time-limited download link for the granted files (only the linked records' files or redacted copies)."""
    authorize(actor, "request.deliver")
    payload = _load(DeliveryLinkSchema(), data or {})
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=payload["days"])
    with rt.db.write() as session:
        req = _load_request(session, actor, number, lock=True)
        if req.state not in GRANTED_STATES:
            raise Conflict(
                "Hanya permohonan yang dikabulkan yang dapat dikirimi tautan unduhan.",
                "Only a granted request gets a download link.",
            )
        files = _delivery_files(session, req)
        if not files:
            raise Conflict("Tidak ada berkas yang dapat diberikan.", "There is no file that may be given.")
        session.add(
            RequestDeliveryToken(
                request_id=req.id,
                token_hash=hash_secret(token),
                expires_at=expires,
                created_by=actor.username,
                created_at=now,
            )
        )
        card(session, req, actor, "tautan_unduhan", now, note=f"berlaku s.d. / valid until {expires.isoformat()}")
        audit.append(
            session,
            actor,
            "request.delivery",
            entity_type="information_request",
            entity_id=req.number,
            changes={
                "expires_at": {"before": None, "after": expires.isoformat()},
                "files": {"before": None, "after": len(files)},
            },
        )
        outbox(session, "request.delivery", request=req.number, expires_at=expires)
    base = rt.settings.public_base_url.rstrip("/")
    return {
        "token": token,
        "url": f"{base}/api/v1/public/deliveries/{token}",
        "expires_at": expires,
        "files": [f["filename"] for f in files],
    }


def _delivery_files(session: Session, req: InformationRequest) -> list[dict[str, Any]]:
    """``key``/filename/mime/size/sha256 of every file the applicant may download. The request's own links decide;
    a file is reached only through a link (a redacted copy, or a file of a deliverable linked record)."""
    out: list[dict[str, Any]] = []
    for link in req.links:
        if link.redacted_blob_sha256:
            out.append(
                {
                    "key": f"r{link.id}",
                    "filename": link.redacted_filename or "salinan.pdf",
                    "mime": link.redacted_mime or "application/octet-stream",
                    "sha256": link.redacted_blob_sha256,
                }
            )
            continue
        record = session.get(Record, link.record_id)
        if not _deliverable(req, link, record):
            continue
        for f in session.execute(
            select(RecordFile).where(RecordFile.record_id == link.record_id).order_by(RecordFile.id)
        ).scalars():
            out.append({"key": f"f{f.id}", "filename": f.filename, "mime": f.mime, "sha256": f.blob_sha256})
    return out


def _by_delivery_token(session: Session, token: str, now: datetime) -> InformationRequest:
    row = session.execute(
        select(RequestDeliveryToken).where(RequestDeliveryToken.token_hash == hash_secret(token or ""))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise NotFound("Tautan unduhan tidak berlaku.", "The download link is not valid (expired or unknown).")
    req = session.get(InformationRequest, row.request_id)
    if req is None or req.state not in GRANTED_STATES:
        raise NotFound("Tautan unduhan tidak berlaku.", "The download link is not valid (expired or unknown).")
    return req


def delivery_listing(rt: Runtime, token: str, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    with rt.db.read() as session:
        req = _by_delivery_token(session, token, now)
        files = _delivery_files(session, req)
        return {"number": req.number, "files": [{k: f[k] for k in ("key", "filename", "mime")} for f in files]}


def open_delivery_file(
    rt: Runtime, token: str, key: str, *, now: datetime | None = None
) -> tuple[str, str, int, BinaryIO]:
    """``(filename, mime, size, stream)`` of one delivered file; any other key is 404 like a bad token."""
    now = now or utcnow()
    with rt.db.read() as session:
        req = _by_delivery_token(session, token, now)
        chosen = next((f for f in _delivery_files(session, req) if f["key"] == key), None)
    if chosen is None:
        raise NotFound("Berkas tidak ada pada tautan ini.", "No such file on this link.")
    return _opened(rt, chosen)


def _opened(rt: Runtime, chosen: dict[str, Any]) -> tuple[str, str, int, BinaryIO]:
    return chosen["filename"], chosen["mime"], rt.blobs.size(chosen["sha256"]), rt.blobs.open(chosen["sha256"])


def revoke_delivery(
    rt: Runtime, actor: Actor, number: str, data: Any = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """Revoke one delivery link (by its token) or every link of the request still in force, e.g. a link sent to a
    wrong address. A revoked link then answers exactly like an unknown one (``_by_delivery_token``)."""
    authorize(actor, "request.deliver")
    payload = _load(DeliveryRevokeSchema(), data or {})
    now = now or utcnow()
    with rt.db.write() as session:
        req = _load_request(session, actor, number, lock=True)
        query = select(RequestDeliveryToken).where(
            RequestDeliveryToken.request_id == req.id,
            RequestDeliveryToken.revoked_at.is_(None),
            RequestDeliveryToken.expires_at > now,
        )
        if payload["token"] is not None:
            query = query.where(RequestDeliveryToken.token_hash == hash_secret(payload["token"]))
        rows = list(session.execute(query).scalars())
        if not rows:
            if payload["token"] is not None:
                raise NotFound(
                    "Tautan unduhan itu tidak ada atau sudah tidak berlaku pada permohonan ini.",
                    "That download link does not exist or is no longer valid on this request.",
                )
            raise Conflict(
                "Permohonan ini tidak memiliki tautan unduhan yang masih berlaku.",
                "This request has no download link still in force.",
            )
        for row in rows:
            row.revoked_at = now
        card(session, req, actor, "cabut_tautan", now, note=payload["reason"])
        audit.append(
            session,
            actor,
            "request.delivery_revoked",
            entity_type="information_request",
            entity_id=req.number,
            changes={"revoked": {"before": None, "after": [row.id for row in rows]}},
        )
        outbox(session, "request.delivery_revoked", request=req.number, revoked=len(rows))
    return {"number": number, "revoked": len(rows)}


def _valid_deliveries(session: Session, req: InformationRequest, now: datetime) -> list[RequestDeliveryToken]:
    """The request's delivery links that still work (not expired, not revoked), the longest-lived last."""
    if req.state not in GRANTED_STATES:
        return []
    return list(
        session.execute(
            select(RequestDeliveryToken)
            .where(
                RequestDeliveryToken.request_id == req.id,
                RequestDeliveryToken.revoked_at.is_(None),
                RequestDeliveryToken.expires_at > now,
            )
            .order_by(RequestDeliveryToken.expires_at, RequestDeliveryToken.id)
        ).scalars()
    )


def deliveries_of(session: Session, req: InformationRequest, now: datetime) -> list[dict[str, Any]]:
    """Every delivery link issued for the request, for its handlers: when, by whom, until when, whether it works.
    The token itself is never shown again (only its hash is kept)."""
    rows = session.execute(
        select(RequestDeliveryToken).where(RequestDeliveryToken.request_id == req.id).order_by(RequestDeliveryToken.id)
    ).scalars()
    return [
        {
            "id": row.id,
            "created_at": row.created_at,
            "created_by": row.created_by,
            "expires_at": row.expires_at,
            "revoked_at": row.revoked_at,
            "valid": row.revoked_at is None and row.expires_at > now and req.state in GRANTED_STATES,
        }
        for row in rows
    ]


def tracked_delivery(session: Session, req: InformationRequest, now: datetime) -> dict[str, Any] | None:
    """What the tracking page offers while a delivery link works: its expiry and the files (key and name).

    The link's token is stored hashed and cannot be shown again, so the tracking secret stands in for it: the
    applicant downloads the same files (``open_tracked_file``) for as long as a link issued by the PPID is valid.
    An expired or revoked link closes this door too."""
    valid = _valid_deliveries(session, req, now)
    if not valid:
        return None
    files = [{"key": f["key"], "filename": f["filename"]} for f in _delivery_files(session, req)]
    return {"expires_at": valid[-1].expires_at, "files": files} if files else None


def open_tracked_file(
    rt: Runtime, number: str, secret: str, key: str, *, now: datetime | None = None
) -> tuple[str, str, int, BinaryIO]:
    """One file of the delivery, from the tracking page with the secret; only while a delivery link is valid and
    only a file that link reaches. Anything else (number, secret, no valid link, another key) is the tracking 404."""
    now = now or utcnow()
    with rt.db.read() as session:
        req = _by_secret(session, number, secret)
        chosen = None
        if _valid_deliveries(session, req, now):
            chosen = next((f for f in _delivery_files(session, req) if f["key"] == key), None)
    if chosen is None:
        raise _not_found()
    return _opened(rt, chosen)


# ---- SOP step 14 -----------------------------------------------------------------------------------------------------
def dip_followups(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    """Step 14 from requests: records given on request while missing from the latest fixed DIP and still missing
    from it; each names the requests (numbers) that asked for it. Only records the actor may read."""
    authorize(actor, "request.read")
    with rt.db.read() as session:
        latest = session.execute(select(DipVersion.id).order_by(DipVersion.version_no.desc())).scalars().first()
        listed: set[int] = set()
        if latest is not None:
            listed = set(session.execute(select(DipRow.record_id).where(DipRow.version_id == latest)).scalars())
        rows = session.execute(
            select(RequestRecordLink.record_id, InformationRequest.number)
            .join(InformationRequest, InformationRequest.id == RequestRecordLink.request_id)
            .where(
                RequestRecordLink.not_in_dip.is_(True), InformationRequest.state.in_([str(s) for s in ANSWERED_STATES])
            )
            .order_by(RequestRecordLink.record_id)
        ).all()
        readable = visible_ids(session, actor, [rid for rid, _n in rows])
        out: dict[int, dict[str, Any]] = {}
        for rid, number in rows:
            if rid in listed or rid not in readable:
                continue
            record = session.get(Record, rid)
            if record is None or not may_read_record(actor, record):
                continue
            item = out.setdefault(
                rid,
                {
                    "record_id": rid,
                    "record_no": record.record_no,
                    "title": record.title,
                    "state": record.publication_state,
                    "requests": [],
                },
            )
            item["requests"].append(number)
        return list(out.values())
