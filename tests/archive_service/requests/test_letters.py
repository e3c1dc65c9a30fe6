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
