"""The letters of a request for information (issue 18, PerKI 1/2021): *tanda bukti penerimaan permohonan*, the
*pemberitahuan perpanjangan* (UU 14/2008 Pasal 22(8)), the *surat pemberitahuan tertulis* and the Atasan PPID's
*tanggapan atas keberatan*.

Staff reach them through the registry (``number``: the request's or the objection's number) under the request's own
handler rule (``services.requests._load_request``: another request is a 404); the request page links them. A staff
copy of the written answer names a linked record only when the reader may read it (the one rule of DESIGN.md §6:
the Tim Sekretariat handles every request but is not cleared for every record); the applicant's copy names every
record given. The applicant reaches them with the tracking secret through ``for_applicant`` (the same 404 for an
unknown number and a wrong secret).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import ConsequenceTest, InformationObjection, InformationRequest, Record, RequestCardLine
from ..errors import NotFound
from ..runtime import Runtime
from ..services import requests as req_svc
from ..services.access import visible_ids
from ..services.actor import Actor
from ..services.auth import authorize
from ..workflow.requests_table import ANSWER_SLA, EXTENSION_SLA, GROUND_LABELS
from .model import Document, Fields, Paragraph, Signature
from .registry import ReportParams, report
from .sop_records import _place_date, full_names, time_text

FORMS = {"melihat": "Melihat / membaca", "softcopy": "Salinan elektronik (softcopy)", "hardcopy": "Salinan cetak"}
DELIVERY = {"ambil": "Mengambil langsung", "email": "Surat elektronik", "pos": "Pos / kurir"}
DECISION_TEXT = {
    "dikabulkan": "Permohonan DIKABULKAN: informasi yang diminta adalah informasi publik yang dapat diberikan.",
    "dikabulkan_sebagian": "Permohonan DIKABULKAN SEBAGIAN: sebagian informasi dikecualikan (UU 14/2008 Pasal 17) "
    "dan diberikan dengan bagian yang dikecualikan dihitamkan.",
    "ditolak_pasal17": "Permohonan DITOLAK: informasi yang diminta adalah informasi yang dikecualikan berdasarkan "
    "UU 14/2008 Pasal 17.",
    "tidak_dikuasai": "Informasi yang diminta TIDAK DIKUASAI badan publik ini (UU 14/2008 Pasal 22 ayat (7) huruf d).",
    "belum_didokumentasikan": "Informasi yang diminta BELUM DIDOKUMENTASIKAN.",
}
PPID = "Pejabat Pengelola Informasi dan Dokumentasi"


def _text(labels: dict[str, str], values: list[str] | None) -> str:
    return ", ".join(labels.get(v, v) for v in values or ()) or "-"


def _by_number(session: Session, number: str) -> InformationRequest:
    req = session.execute(select(InformationRequest).where(InformationRequest.number == number)).scalar_one_or_none()
    if req is None:
        raise NotFound(f"Permohonan {number} tidak ditemukan.", f"Request {number} not found.")
    return req


def _not_answered(number: str) -> NotFound:
    return NotFound(f"Permohonan {number} belum dijawab.", f"Request {number} has not been answered yet.")


# ---------------------------------------------------------------- the documents (request already checked)


def receipt_document(rt: Runtime, session: Session, req: InformationRequest) -> Document:
    officer = full_names(session, [req.created_by]).get(req.created_by) if req.created_by != "pemohon" else None
    return Document(
        name="tanda-bukti-permohonan",
        title="Tanda bukti penerimaan permohonan informasi publik",
        number=req.number,
        subtitle="UU 14/2008 Pasal 22 ayat (4) · Peraturan Komisi Informasi 1/2021",
        sections=[
            Fields(
                [
                    ("Nomor pendaftaran", req.number),
                    ("Tanggal diterima", time_text(rt, req.received_at)),
                    ("Nama pemohon", req.applicant.name if req.applicant.erased_at is None else "-"),
                    ("Informasi yang dimohon", req.information),
                    ("Tujuan penggunaan informasi", req.purpose),
                    ("Cara memperoleh informasi", _text(FORMS, req.receipt_forms)),
                    ("Cara mendapatkan salinan", _text(DELIVERY, req.delivery_methods)),
                    (
                        "Jangka waktu jawaban",
                        f"{ANSWER_SLA.amount} hari kerja" if hasattr(ANSWER_SLA, "amount") else "10 hari kerja",
                    ),
                    ("Paling lambat dijawab", time_text(rt, req.due_at)),
                ]
            ),
            Paragraph(
                "Permohonan ini dijawab secara tertulis paling lambat 10 (sepuluh) hari kerja sejak diterima dan "
                "dapat diperpanjang satu kali paling lambat 7 (tujuh) hari kerja dengan alasan tertulis "
                "(UU 14/2008 Pasal 22 ayat (7) dan (8)). Simpan nomor pendaftaran dan kode pelacakan Anda."
            ),
        ],
        signatures=[Signature("Petugas pelayanan informasi", name=officer, label="Yang menerima")],
        place_date=_place_date(rt, req.received_at),
        filename=f"tanda-bukti-{req.number}",
    )


def answer_document(rt: Runtime, session: Session, req: InformationRequest, reader: Actor | None = None) -> Document:
    """The written answer. *Informasi yang diberikan* lists only what really goes to the applicant (a record's own
    files or its redacted copy, ``requests._deliverable``), never a linked record that was withheld. With a
    ``reader`` (staff) a record it may not read is not named, so printing the letter shows a clerk nothing the
    archive would not; the applicant's copy names everything given."""
    if req.answered_at is None:
        raise _not_answered(req.number)
    ids = [x.record_id for x in req.links]
    linked_records = (
        {r.id: r for r in session.execute(select(Record).where(Record.id.in_(sorted(set(ids))))).scalars()}
        if ids
        else {}
    )
    named = set(ids) if reader is None else visible_ids(session, reader, ids)
    records = {rid: r for rid, r in linked_records.items() if rid in named}
    items: list[tuple[str, Any]] = [
        ("Nomor pendaftaran", req.number),
        ("Tanggal diterima", time_text(rt, req.received_at)),
        ("Informasi yang dimohon", req.information),
        ("Keputusan", DECISION_TEXT.get(req.state, req.state)),
        ("Alasan", req.decision_reasons or "-"),
    ]
    if req.state in {"dikabulkan", "dikabulkan_sebagian"} and req.links:
        linked = []
        given = [link for link in req.links if req_svc._deliverable(req, link, linked_records.get(link.record_id))]
        for i, link in enumerate(given, 1):
            record = records.get(link.record_id)
            part = (
                " (salinan dengan bagian dikecualikan dihitamkan)"
                if link.partly_exempted or link.redacted_filename
                else ""
            )
            title = (
                f"{record.record_no} {record.title}"
                if record
                else "arsip yang tidak boleh Anda baca (uraian tidak ditampilkan / description withheld)"
            )
            linked.append(f"{i}. {title}{part}")
        items.append(("Informasi yang diberikan", "; ".join(linked) or "-"))
    if req.state in {"dikabulkan_sebagian", "ditolak_pasal17"} and req.exemption_record_id:
        record = records.get(req.exemption_record_id)
        if record is None and (reader is None or visible_ids(session, reader, [req.exemption_record_id])):
            record = session.get(Record, req.exemption_record_id)
        test = session.get(ConsequenceTest, req.exemption_test_id) if req.exemption_test_id else None
        if record is not None:
            ground = f"UU 14/2008 Pasal 17 huruf {record.exemption_ground}" if record.exemption_ground else "Pasal 17"
            items.append(("Dasar pengecualian", f"{ground}; {record.exemption_basis or '-'}"))
            if record.exemption_decree_no:
                items.append(("Penetapan pengecualian", record.exemption_decree_no))
        if test is not None:
            items.append(
                (
                    "Uji konsekuensi",
                    f"{test.summary} Akibat bila dibuka: {test.harm} "
                    f"Pertimbangan kepentingan publik: {test.public_interest}",
                )
            )
    if req.state == "tidak_dikuasai":
        items.append(("Badan publik yang menguasai / mungkin menguasai", req.not_held_holder or "-"))
    items += [
        ("Bentuk informasi", _text(FORMS, req.receipt_forms)),
        ("Cara penyampaian", _text(DELIVERY, req.delivery_methods)),
        (
            "Biaya",
            f"Rp{req.cost_amount:,}".replace(",", ".") + (f" ({req.cost_note})" if req.cost_note else "")
            if req.cost_amount
            else "Tanpa biaya",
        ),
        ("Waktu penyampaian", time_text(rt, req.answered_at)),
    ]
    signer = full_names(session, [req.decided_by]).get(req.decided_by or "") if req.decided_by else None
    return Document(
        name="surat-pemberitahuan-tertulis",
        title="Surat pemberitahuan tertulis",
        number=req.number,
        subtitle="UU 14/2008 Pasal 22 ayat (7) · Peraturan Komisi Informasi 1/2021",
        sections=[
            Fields(items),
            Paragraph(
                "Apabila Anda keberatan atas jawaban ini, Anda dapat mengajukan keberatan kepada Atasan PPID "
                "paling lambat 30 (tiga puluh) hari kerja sejak surat ini diterima (UU 14/2008 Pasal 35 dan 36)."
            ),
        ],
        signatures=[Signature(PPID, name=signer, label="PPID")],
        place_date=_place_date(rt, req.answered_at),
        filename=f"pemberitahuan-tertulis-{req.number}",
    )


def extension_document(rt: Runtime, session: Session, req: InformationRequest) -> Document:
    """*Pemberitahuan perpanjangan*: the one extension of 7 working days with its written reasons (Pasal 22(8))."""
    if req.extended_at is None:
        raise NotFound(f"Permohonan {req.number} tidak diperpanjang.", f"Request {req.number} was not extended.")
    by = session.execute(
        select(RequestCardLine.actor_name)
        .where(RequestCardLine.request_id == req.id, RequestCardLine.action == "perpanjang")
        .order_by(RequestCardLine.id)
    ).scalar()
    signer = full_names(session, [by]).get(by or "") if by else None
    return Document(
        name="pemberitahuan-perpanjangan",
        title="Pemberitahuan perpanjangan jangka waktu jawaban",
        number=req.number,
        subtitle="UU 14/2008 Pasal 22 ayat (8) · Peraturan Komisi Informasi 1/2021",
        sections=[
            Fields(
                [
                    ("Nomor pendaftaran", req.number),
                    ("Tanggal diterima", time_text(rt, req.received_at)),
                    ("Informasi yang dimohon", req.information),
                    ("Batas waktu semula", time_text(rt, req.original_due_at)),
                    ("Diperpanjang", f"{EXTENSION_SLA.amount} hari kerja"),
                    ("Batas waktu baru", time_text(rt, req.due_at)),
                    ("Alasan perpanjangan", req.extension_reasons or "-"),
                    ("Tanggal pemberitahuan", time_text(rt, req.extended_at)),
                ]
            ),
            Paragraph(
                "Sesuai UU 14/2008 Pasal 22 ayat (8), jangka waktu pemberitahuan tertulis atas permohonan Anda "
                "diperpanjang satu kali paling lambat 7 (tujuh) hari kerja dengan alasan tertulis di atas. "
                "Apabila sampai batas waktu baru permohonan belum ditanggapi, Anda dapat mengajukan keberatan "
                "kepada Atasan PPID (UU 14/2008 Pasal 35 ayat (1) huruf c dan g)."
            ),
        ],
        signatures=[Signature(PPID, name=signer, label="PPID")],
        place_date=_place_date(rt, req.extended_at),
        filename=f"pemberitahuan-perpanjangan-{req.number}",
    )


def objection_document(rt: Runtime, session: Session, o: InformationObjection) -> Document:
    if o.decided_at is None:
        raise NotFound(f"Keberatan {o.number} belum diputus.", f"Objection {o.number} has not been decided yet.")
    upheld = o.state == "dikabulkan"
    signer = full_names(session, [o.decided_by]).get(o.decided_by or "") if o.decided_by else None
    grounds = "; ".join(GROUND_LABELS[g][0] if g in GROUND_LABELS else g for g in o.grounds)  # type: ignore[index]
    return Document(
        name="tanggapan-keberatan",
        title="Tanggapan atas keberatan",
        number=o.number,
        subtitle="UU 14/2008 Pasal 35-36 · Peraturan Komisi Informasi 1/2021",
        sections=[
            Fields(
                [
                    ("Nomor keberatan", o.number),
                    ("Nomor pendaftaran permohonan", o.request.number),
                    ("Tanggal keberatan", time_text(rt, o.filed_at)),
                    ("Alasan keberatan", grounds or "-"),
                    ("Uraian keberatan", o.reasons),
                    ("Putusan", "Keberatan DITERIMA (dikabulkan)" if upheld else "Keberatan DITOLAK"),
                    ("Pertimbangan", o.decision_reasons or "-"),
                    ("Tanggal tanggapan", time_text(rt, o.decided_at)),
                ]
            ),
            Paragraph(
                "Apabila Anda tidak puas dengan tanggapan ini, Anda dapat mengajukan sengketa informasi kepada "
                "Komisi Informasi paling lambat 14 (empat belas) hari kerja sejak tanggapan ini diterima "
                "(UU 14/2008 Pasal 37 ayat (2))."
            ),
        ],
        signatures=[Signature("Atasan Pejabat Pengelola Informasi dan Dokumentasi", name=signer, label="Atasan PPID")],
        place_date=_place_date(rt, o.decided_at),
        filename=f"tanggapan-keberatan-{o.number}",
    )


# ---------------------------------------------------------------- staff, through the registry


def _staff(
    rt: Runtime, actor: Actor, number: str, make: Callable[[Runtime, Session, InformationRequest], Document]
) -> Document:
    authorize(actor, "request.read")
    with rt.db.read() as session:
        return make(rt, session, req_svc._load_request(session, actor, number))


@report(
    "tanda-bukti-permohonan",
    title_id="Tanda bukti penerimaan permohonan informasi",
    title_en="Receipt of a request for information",
    sop_steps="permohonan",
    permission="request.read",
    formats=("pdf",),
    needs=("number",),
)
def build_request_receipt(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    return _staff(rt, actor, params.number or "", receipt_document)


@report(
    "surat-pemberitahuan-tertulis",
    title_id="Surat pemberitahuan tertulis",
    title_en="Written answer to a request for information",
    sop_steps="permohonan",
    permission="request.read",
    formats=("pdf",),
    needs=("number",),
)
def build_written_answer(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    return _staff(rt, actor, params.number or "", lambda rt, session, req: answer_document(rt, session, req, actor))


@report(
    "pemberitahuan-perpanjangan",
    title_id="Pemberitahuan perpanjangan jangka waktu jawaban",
    title_en="Notice extending the time to answer a request",
    sop_steps="permohonan",
    permission="request.read",
    formats=("pdf",),
    needs=("number",),
)
def build_extension_notice(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    return _staff(rt, actor, params.number or "", extension_document)


@report(
    "tanggapan-keberatan",
    title_id="Tanggapan atas keberatan",
    title_en="Decision on an objection",
    sop_steps="keberatan",
    permission="objection.read",
    formats=("pdf",),
    needs=("number",),
)
def build_objection_letter(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    authorize(actor, "objection.read")
    with rt.db.read() as session:
        o = session.execute(
            select(InformationObjection).where(InformationObjection.number == (params.number or ""))
        ).scalar_one_or_none()
        if o is None or not req_svc._handles(session, actor, o.request):
            raise NotFound(f"Keberatan {params.number} tidak ditemukan.", f"Objection {params.number} not found.")
        return objection_document(rt, session, o)


# ---------------------------------------------------------------- the applicant, with the tracking secret

APPLICANT_LETTERS = (
    "tanda_bukti_penerimaan",
    "pemberitahuan_perpanjangan",
    "surat_pemberitahuan_tertulis",
    "putusan_keberatan",
)
# The applicant's letter kind (``services.requests.letters_of``) → the registry report staff print it with.
STAFF_REPORT = {
    "tanda_bukti_penerimaan": "tanda-bukti-permohonan",
    "pemberitahuan_perpanjangan": "pemberitahuan-perpanjangan",
    "surat_pemberitahuan_tertulis": "surat-pemberitahuan-tertulis",
    "putusan_keberatan": "tanggapan-keberatan",
}


def for_applicant(rt: Runtime, number: str, secret: str, letter: str) -> Document:
    """One letter of the applicant's own request; any failure (number, secret, letter not yet there) is the one 404."""
    kind, _, objection_no = letter.partition(":")
    with rt.db.read() as session:
        req = req_svc._by_secret(session, number, secret)
        try:
            if kind == "tanda_bukti_penerimaan":
                return receipt_document(rt, session, req)
            if kind == "pemberitahuan_perpanjangan":
                return extension_document(rt, session, req)
            if kind == "surat_pemberitahuan_tertulis":
                return answer_document(rt, session, req)
            if kind == "putusan_keberatan":
                o = session.execute(
                    select(InformationObjection).where(
                        InformationObjection.number == objection_no, InformationObjection.request_id == req.id
                    )
                ).scalar_one_or_none()
                if o is not None:
                    return objection_document(rt, session, o)
        except NotFound:
            pass
    raise req_svc._not_found()


__all__ = ["APPLICANT_LETTERS", "STAFF_REPORT", "for_applicant"]
