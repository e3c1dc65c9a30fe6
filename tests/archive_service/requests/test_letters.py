"""The letters of a request (issue 18): receipt, written answer, objection decision; who may have them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pdfminer.high_level import extract_text

from archive_service.errors import NotFound, PermissionDenied
from archive_service.reports.render import produce
from archive_service.services import requests_objections
from tests.archive_service.requests.test_objections import ANSWERED, OBJECTION, refused  # noqa: F401


def text_of(rt, actor, name, number) -> str:  # type: ignore[no-untyped-def]
    rendered = produce(rt, actor, name, {"number": number}, "pdf")
    data = rendered.stream.read()
    assert data.startswith(b"%PDF")
    return " ".join(extract_text(io.BytesIO(data)).split())


def test_letters_render_for_handlers_only(rt, accounts, refused) -> None:  # noqa: F811
    ppid = accounts["ppid"].actor
    receipt = text_of(rt, ppid, "tanda-bukti-permohonan", refused.number)
    assert refused.number in receipt and "14 Desember 2026" in receipt
    answer = text_of(rt, ppid, "surat-pemberitahuan-tertulis", refused.number)
    assert refused.number in answer and "DITOLAK" in answer and "Pasal 17" in answer
    filed = requests_objections.file_objection(
        rt, refused.number, {**OBJECTION, "secret": refused.secret}, now=ANSWERED + timedelta(days=1)
    )
    atasan = accounts["atasan_ppid"].actor
    decision = {"decision": "ditolak", "reasons": "Pengecualian sudah diuji konsekuensinya dengan benar"}
    requests_objections.decide(rt, atasan, filed["number"], None, decision, now=ANSWERED + timedelta(days=5))
    letter = text_of(rt, atasan, "tanggapan-keberatan", filed["number"])
    assert filed["number"] in letter and "DITOLAK" in letter and "Atasan" in letter
    for role in ("admin",):
        with pytest.raises((PermissionDenied, NotFound)):
            produce(rt, accounts[role].actor, "tanda-bukti-permohonan", {"number": refused.number}, "pdf")
    with pytest.raises(NotFound):
        produce(rt, ppid, "tanda-bukti-permohonan", {"number": "PMH-1999-0001"}, "pdf")


def test_the_applicant_downloads_with_the_secret_only(rt, client, refused) -> None:  # noqa: F811
    page = client.get(f"/permohonan/{refused.number}?kode={refused.secret}").get_data(as_text=True)
    assert f"/permohonan/{refused.number}/surat/tanda_bukti_penerimaan" in page
    good = client.get(f"/permohonan/{refused.number}/surat/surat_pemberitahuan_tertulis?kode={refused.secret}")
    assert good.status_code == 200 and good.data.startswith(b"%PDF")
    wrong = client.get(f"/permohonan/{refused.number}/surat/surat_pemberitahuan_tertulis?kode=salah")
    unknown = client.get(f"/permohonan/PMH-1999-0001/surat/surat_pemberitahuan_tertulis?kode={refused.secret}")
    assert wrong.status_code == unknown.status_code == 404 and wrong.data == unknown.data


def test_the_extension_notice_names_the_reasons_and_the_new_due_date(rt, accounts, submit) -> None:
    from archive_service.services import requests

    from .conftest import MONDAY

    registered = submit()
    ppid = accounts["ppid"].actor
    with pytest.raises(NotFound):  # no extension, no notice
        produce(rt, ppid, "pemberitahuan-perpanjangan", {"number": registered.number}, "pdf")
    reasons = "Arsip yang diminta tersimpan di depo arsip inaktif dan harus dicari."
    requests.extend(rt, ppid, registered.number, None, {"reasons": reasons}, now=MONDAY + timedelta(days=1))
    text = text_of(rt, ppid, "pemberitahuan-perpanjangan", registered.number)
    assert registered.number in text and reasons in text and "7 hari kerja" in text
    assert "30 Desember 2026" in text and "12 Januari 2027" in text  # the old and the new due date
    with pytest.raises((PermissionDenied, NotFound)):
        produce(rt, accounts["atasan_ppid"].actor, "pemberitahuan-perpanjangan", {"number": registered.number}, "pdf")


def test_a_staff_copy_of_the_answer_names_only_records_its_reader_may_read(
    rt, accounts, submit, make_record, exempted_record
) -> None:
    from archive_service.services import requests

    from .conftest import MONDAY, pdf_bytes, upload

    registered = submit()
    secret = make_record("dihimpun", security_class="rahasia", title="Notulen rapat zqxrahasia")
    ppid = accounts["ppid"].actor
    redacted = [upload(rt, "dihitamkan.pdf", pdf_bytes("XXXX"))]  # a rahasia record goes out only redacted
    requests.link_record(rt, ppid, registered.number, {"record_id": secret.id}, redacted, now=MONDAY)
    requests.link_record(rt, ppid, registered.number, {"record_id": exempted_record.id}, now=MONDAY)
    decision = {"decision": "dikabulkan_sebagian", "reasons": "Sebagian.", "exemption_record_id": exempted_record.id}
    requests.decide(rt, ppid, registered.number, None, decision, now=MONDAY + timedelta(days=1))
    assert "zqxrahasia" in text_of(rt, ppid, "surat-pemberitahuan-tertulis", registered.number)
    seen = text_of(rt, accounts["sekretariat"].actor, "surat-pemberitahuan-tertulis", registered.number)
    assert "zqxrahasia" not in seen and secret.record_no not in seen and "tidak ditampilkan" in seen
    link = requests.get_request(rt, accounts["sekretariat"].actor, registered.number)["links"][0]
    assert link["record_id"] is None and link["title"] != secret.title
