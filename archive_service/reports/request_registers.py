"""The registers of the information service (issue 18, PerKI 1/2021): *buku register permohonan informasi publik*
and *register keberatan*, for one period, as PDF (PDF/A), XLSX and CSV.

They are staff documents holding the applicants' personal data (name, address, contact), so they follow the
request's handler rule (``services.requests._handles``): the PPID and the Tim Sekretariat get every request, the
Atasan PPID only the requests under objection (``request.read``); the objection register needs
``objection.read``, which only the handlers of objections have. The administrator gets neither.

The rows stream: one query with the applicant joined, read in batches (``yield_per``) inside a generator that the
renderer consumes, so a year of 100,000 requests goes to XLSX/CSV without a list of them in memory. A PDF that long
cannot be laid out in reasonable time: over ``PDF_MAX_ROWS`` rows the PDF is refused with a bilingual 422
(``render.check_pdf_size``) and the XLSX/CSV are the register's form.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from schemas.enums import EXEMPTION_GROUND_LABELS, ExemptionGround, Role
from schemas.requests import RequestChannel

from ..db import InformationObjection, InformationRequest, KiDispute, Record, RequestApplicant
from ..runtime import Runtime
from ..services.actor import Actor
from ..services.monev import bounds
from ..services.request_figures import AnswerDays
from ..workflow.requests_table import GROUND_LABELS
from .model import Column, Document, Paragraph, Table
from .registry import ReportParams, report
from .request_letters import DELIVERY, FORMS, _text
from .signers import office_signature
from .sop_periodic import PPID, _scope, filename, local, place_date, subtitle, today_of
from .sop_records import full_names

PDF_MAX_ROWS = 2000
BATCH = 2000
STATE_LABELS = {
    "diterima": "Diterima (belum dijawab)",
    "diproses": "Diproses (belum dijawab)",
    "diperpanjang": "Diperpanjang (belum dijawab)",
    "dikabulkan": "Dikabulkan seluruhnya",
    "dikabulkan_sebagian": "Dikabulkan sebagian",
    "ditolak_pasal17": "Ditolak (Pasal 17)",
    "tidak_dikuasai": "Informasi tidak dikuasai",
    "belum_didokumentasikan": "Informasi belum didokumentasikan",
}
OBJECTION_STATE_LABELS = {
    "diajukan": "Belum diputus",
    "dikabulkan": "Keberatan diterima",
    "ditolak": "Keberatan ditolak",
}
OUTCOME_LABELS = {
    "berjalan": "Sedang berjalan",
    "mediasi_berhasil": "Mediasi berhasil",
    "putusan_dikabulkan": "Putusan: permohonan dikabulkan",
    "putusan_ditolak": "Putusan: permohonan ditolak",
    "dicabut": "Dicabut",
    "tidak_diterima": "Tidak diterima",
}
CHANNEL_LABELS = {
    str(RequestChannel.PORTAL): "portal",
    str(RequestChannel.LOKET): "loket",
    str(RequestChannel.SURAT): "surat",
    str(RequestChannel.EMAIL): "e-mail",
}
ERASED = "(data pribadi telah dimusnahkan)"

REQUEST_COLUMNS = (
    Column("no", "No", numeric=True, width="narrow"),
    Column("received", "Tanggal", width="8%"),
    Column("number", "Nomor pendaftaran", width="8%", nowrap=True),
    Column("name", "Nama", width="8%"),
    Column("contact", "Alamat / kontak", width="11%"),
    Column("information", "Informasi yang diminta", width="18%"),
    Column("purpose", "Tujuan penggunaan", width="9%"),
    Column("forms", "Cara memperoleh informasi", width="9%"),
    Column("decision", "Status / keputusan", width="8%"),
    Column("reasons", "Alasan / pasal", width="12%"),
    Column("answered", "Tanggal pemberitahuan tertulis", width="8%"),
    Column("days", "Jangka waktu (hari kerja)", numeric=True, width="7%"),
    Column("cost", "Biaya (Rp)", numeric=True, width="6%"),
    Column("note", "Keterangan", width="10%"),
)
OBJECTION_COLUMNS = (
    Column("no", "No", numeric=True, width="narrow"),
    Column("number", "Nomor registrasi keberatan", width="8%", nowrap=True),
    Column("filed", "Tanggal", width="7%"),
    Column("name", "Nama pemohon", width="9%"),
    Column("request", "Nomor pendaftaran permohonan", width="8%", nowrap=True),
    Column("information", "Informasi yang diminta", width="wide"),
    Column("purpose", "Tujuan penggunaan", width="10%"),
    Column("grounds", "Alasan keberatan", width="14%"),
    Column("decision", "Keputusan Atasan PPID", width="10%"),
    Column("decided", "Tanggal tanggapan", width="7%"),
    Column("atasan", "Nama dan jabatan Atasan PPID", width="9%"),
    Column("reply", "Tanggapan pemohon", width="10%"),
)


def ground_text(ground: str | None) -> str:
    """``Pasal 17 huruf h: mengungkap rahasia pribadi`` for a cited record's ground ("Pasal 17" when unknown)."""
    if ground in set(ExemptionGround):
        return EXEMPTION_GROUND_LABELS[ExemptionGround(ground)][0]
    return "Pasal 17"


def _handled_by(actor: Actor) -> ColumnElement[bool]:
    """The request's handler rule as a condition: the Atasan PPID sees only requests under objection."""
    if actor.is_system or actor.role in {Role.PPID, Role.SEKRETARIAT}:
        return true()
    return InformationRequest.id.in_(select(InformationObjection.request_id))


def _name(kind: str, name: str, organisation: str | None, erased: datetime | None) -> str:
    if erased is not None:
        return ERASED
    return f"{name} ({organisation})" if organisation and kind != "perorangan" else name


def _contact(address: str, email: str | None, phone: str | None, erased: datetime | None) -> str:
    if erased is not None:
        return "-"
    return "; ".join(part for part in (address, email, phone) if part)


def _request_rows(rt: Runtime, actor: Actor, start: datetime, end: datetime) -> Iterator[tuple[Any, ...]]:
    """The register's rows in order of receipt, read in batches while the renderer writes them."""
    req, app = InformationRequest, RequestApplicant
    where = (req.received_at >= start, req.received_at < end, _handled_by(actor))
    with rt.db.read() as session:
        first, last = session.execute(select(func.min(req.received_at), func.max(req.answered_at)).where(*where)).one()
        days = AnswerDays.spanning(rt.calendar, first, last)
        query = (
            select(
                *(req.received_at, req.number, req.channel, req.information, req.purpose, req.receipt_forms),
                *(req.delivery_methods, req.state, req.decision_reasons, req.answered_at, req.extended_at),
                *(req.due_at, req.not_held_holder, req.cost_amount, req.cost_note, Record.exemption_ground),
                *(app.kind, app.name, app.organisation, app.address, app.email, app.phone, app.erased_at),
            )
            .join(app, app.id == req.applicant_id)
            .outerjoin(Record, Record.id == req.exemption_record_id)
            .where(*where)
            .order_by(req.received_at, req.id)
        )
        for no, r in enumerate(session.execute(query).yield_per(BATCH), start=1):
            why = r.decision_reasons or ""
            if r.state in {"ditolak_pasal17", "dikabulkan_sebagian"}:
                why = f"{ground_text(r.exemption_ground)}. {why}".strip()
            notes = [f"Melalui {CHANNEL_LABELS.get(r.channel, r.channel)}"]
            if r.extended_at is not None:
                notes.append(f"Diperpanjang 7 hari kerja (batas {local(rt, r.due_at):%d-%m-%Y})")
            if r.not_held_holder:
                notes.append(f"Dikuasai oleh: {r.not_held_holder}")
            if r.cost_note:
                notes.append(r.cost_note)
            yield (
                no,
                local(rt, r.received_at),
                r.number,
                _name(r.kind, r.name, r.organisation, r.erased_at),
                _contact(r.address, r.email, r.phone, r.erased_at),
                r.information,
                r.purpose,
                f"{_text(FORMS, r.receipt_forms)}; {_text(DELIVERY, r.delivery_methods)}",
                STATE_LABELS.get(r.state, r.state),
                why or "-",
                local(rt, r.answered_at),
                days(r.received_at, r.answered_at) if days is not None and r.answered_at is not None else None,
                r.cost_amount,
                "; ".join(notes),
            )


def _count(rt: Runtime, model: Any, *where: ColumnElement[bool]) -> int:
    with rt.db.read() as session:
        return int(session.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def _document(rt: Runtime, params: ReportParams, name: str, title: str, rows: int, table: Table) -> Document:
    assert params.period is not None
    return Document(
        name=name,
        title=title,
        subtitle=subtitle(rt, params.period, None),
        sections=[
            Paragraph(
                f"Jumlah: {rows}. Dokumen ini memuat data pribadi pemohon (UU 14/2008 Pasal 17 huruf h; UU 27/2022): "
                "hanya untuk petugas layanan informasi, tidak untuk diumumkan."
            ),
            table,
        ],
        signatures=[office_signature(rt, Role.PPID, PPID, "Mengetahui")],
        place_date=place_date(rt.settings, today_of(rt, params)),
        landscape=True,
        filename=filename(name, params.period, None),
        row_count=rows,
        pdf_max_rows=PDF_MAX_ROWS,
    )


@report(
    "register-permohonan",
    title_id="Buku register permohonan informasi publik",
    title_en="Register of requests for information",
    sop_steps="permohonan",
    permission="request.read",
    needs=("period",),
)
def build_request_register(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, _unit = _scope(rt, actor, params, "request.read")
    start, end = bounds(rt, period)
    received = (InformationRequest.received_at >= start, InformationRequest.received_at < end)
    rows = _count(rt, InformationRequest, *received, _handled_by(actor))
    table = Table(REQUEST_COLUMNS, _request_rows(rt, actor, start, end), title=None, sheet="Register permohonan")
    return _document(rt, params, "register-permohonan", "BUKU REGISTER PERMOHONAN INFORMASI PUBLIK", rows, table)


def _objection_rows(rt: Runtime, start: datetime, end: datetime) -> Iterator[tuple[Any, ...]]:
    obj, req, app = InformationObjection, InformationRequest, RequestApplicant
    where = (obj.filed_at >= start, obj.filed_at < end)
    with rt.db.read() as session:
        disputes: dict[int, list[str]] = {}
        for objection_id, commission, registry_no, outcome in session.execute(
            select(KiDispute.objection_id, KiDispute.commission, KiDispute.registry_no, KiDispute.outcome)
            .join(obj, obj.id == KiDispute.objection_id)
            .where(*where)
            .order_by(KiDispute.id)
        ):
            disputes.setdefault(objection_id, []).append(
                f"Sengketa ke {commission} No. {registry_no}: {OUTCOME_LABELS.get(outcome, outcome)}"
            )
        deciders = full_names(session, session.execute(select(obj.decided_by).where(*where)).scalars())
        query = (
            select(
                *(obj.id, obj.number.label("objection_no"), obj.filed_at, obj.grounds, obj.reasons, obj.state),
                *(obj.decided_at, obj.decided_by, obj.decision_reasons, req.number.label("request_no")),
                *(req.information, req.purpose, app.kind, app.name, app.organisation, app.erased_at),
            )
            .join(req, req.id == obj.request_id)
            .join(app, app.id == req.applicant_id)
            .where(*where)
            .order_by(obj.filed_at, obj.id)
        )
        for no, r in enumerate(session.execute(query).yield_per(BATCH), start=1):
            claimed = "; ".join(GROUND_LABELS[g][0] if g in GROUND_LABELS else g for g in r.grounds or ())
            decision = OBJECTION_STATE_LABELS.get(r.state, r.state)
            if r.decision_reasons:
                decision = f"{decision}: {r.decision_reasons}"
            yield (
                no,
                r.objection_no,
                local(rt, r.filed_at),
                _name(r.kind, r.name, r.organisation, r.erased_at),
                r.request_no,
                r.information,
                r.purpose,
                f"{claimed}. {r.reasons}",
                decision,
                local(rt, r.decided_at),
                f"{deciders.get(r.decided_by, r.decided_by)}, Atasan PPID" if r.decided_by else "-",
                "; ".join(disputes.get(r.id, ())) or "-",
            )


@report(
    "register-keberatan",
    title_id="Register keberatan",
    title_en="Register of objections",
    sop_steps="keberatan",
    permission="objection.read",
    needs=("period",),
)
def build_objection_register(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, _unit = _scope(rt, actor, params, "objection.read")
    start, end = bounds(rt, period)
    rows = _count(rt, InformationObjection, InformationObjection.filed_at >= start, InformationObjection.filed_at < end)
    table = Table(OBJECTION_COLUMNS, _objection_rows(rt, start, end), title=None, sheet="Register keberatan")
    return _document(rt, params, "register-keberatan", "REGISTER KEBERATAN ATAS PERMOHONAN INFORMASI", rows, table)
