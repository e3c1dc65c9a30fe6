"""The registers of the information service (issue 18): buku register permohonan and register keberatan in the
PerKI 1/2021 columns, as CSV, XLSX and PDF; who may have them; the PDF's size limit."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from archive_service.errors import PermissionDenied, ValidationFailed
from archive_service.reports import request_registers
from archive_service.reports.render import produce
from archive_service.services import requests_objections
from tests.archive_service.requests.test_objections import ANSWERED, OBJECTION, refused  # noqa: F401

from .conftest import APPLICANT

PERIOD = {"period": "2026-S2"}


def csv_rows(rt, actor, name: str, params: dict | None = None) -> list[list[str]]:  # type: ignore[no-untyped-def]
    rendered = produce(rt, actor, name, params or PERIOD, "csv")
    return list(csv.reader(io.StringIO(rendered.stream.read().decode("utf-8-sig"))))


def test_request_register_has_the_perki_columns_and_the_row(rt, accounts, refused) -> None:  # noqa: F811
    rows = csv_rows(rt, accounts["ppid"].actor, "register-permohonan")
    header = rows[0]
    assert header[:4] == ["No", "Tanggal", "Nomor pendaftaran", "Nama"]
    assert {"Informasi yang diminta", "Tujuan penggunaan", "Cara memperoleh informasi", "Status / keputusan"} <= set(
        header
    )
    assert {"Alasan / pasal", "Tanggal pemberitahuan tertulis", "Jangka waktu (hari kerja)", "Biaya (Rp)"} <= set(
        header
    )
    (row,) = rows[1:]
    line = dict(zip(header, row, strict=True))
    assert line["Nomor pendaftaran"] == refused.number and line["Nama"] == APPLICANT["name"]
    assert APPLICANT["email"] in line["Alamat / kontak"] and APPLICANT["phone"] in line["Alamat / kontak"]
    assert line["Status / keputusan"] == "Ditolak (Pasal 17)"
    assert line["Alasan / pasal"].startswith("Pasal 17 huruf h")
    assert line["Jangka waktu (hari kerja)"] == "1"  # received Monday, answered Tuesday
    assert line["Tanggal pemberitahuan tertulis"].startswith("2026-12-15")


def test_request_register_xlsx_and_pdf(rt, accounts, refused) -> None:  # noqa: F811
    ppid = accounts["ppid"].actor
    book = load_workbook(produce(rt, ppid, "register-permohonan", PERIOD, "xlsx").stream)
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert refused.number in values and APPLICANT["name"] in values
    pdf = produce(rt, ppid, "register-permohonan", PERIOD, "pdf").stream.read()
    text = " ".join(extract_text(io.BytesIO(pdf)).split())
    assert "BUKU REGISTER PERMOHONAN INFORMASI PUBLIK" in text
    assert refused.number in text.replace(" ", "")  # the narrow number column may break it across lines


def test_a_pdf_over_the_limit_is_refused_and_the_xlsx_is_not(rt, accounts, refused, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(request_registers, "PDF_MAX_ROWS", 0)
    with pytest.raises(ValidationFailed) as caught:
        produce(rt, accounts["ppid"].actor, "register-permohonan", PERIOD, "pdf")
    assert "XLSX/CSV" in str(caught.value.to_problem())
    assert produce(rt, accounts["ppid"].actor, "register-permohonan", PERIOD, "xlsx").size > 0


def test_only_handlers_get_the_registers_and_the_atasan_only_requests_under_objection(
    rt,
    accounts,
    refused,  # noqa: F811
) -> None:
    for role in ("admin", "pendukung", "arsiparis"):
        for name in ("register-permohonan", "register-keberatan"):
            with pytest.raises(PermissionDenied):
                produce(rt, accounts[role].actor, name, PERIOD, "csv")
    atasan = accounts["atasan_ppid"].actor
    assert csv_rows(rt, atasan, "register-permohonan")[1:] == []  # no objection yet: not its request
    requests_objections.file_objection(
        rt, refused.number, {**OBJECTION, "secret": refused.secret}, now=ANSWERED + timedelta(days=1)
    )
    assert [r[2] for r in csv_rows(rt, atasan, "register-permohonan")[1:]] == [refused.number]
    assert csv_rows(rt, accounts["sekretariat"].actor, "register-permohonan")[1][2] == refused.number


def test_objection_register_columns_decision_and_dispute(rt, accounts, refused) -> None:  # noqa: F811
    filed = requests_objections.file_objection(
        rt, refused.number, {**OBJECTION, "secret": refused.secret}, now=ANSWERED + timedelta(days=1)
    )
    atasan = accounts["atasan_ppid"].actor
    decision = {"decision": "ditolak", "reasons": "Pengecualian sudah diuji konsekuensinya dengan benar"}
    requests_objections.decide(rt, atasan, filed["number"], None, decision, now=ANSWERED + timedelta(days=5))
    dispute = {"commission": "Komisi Informasi DIY", "registry_no": "012/KI-DIY/2027", "filed_on": "2026-12-28"}
    requests_objections.record_dispute(rt, atasan, filed["number"], dispute, now=ANSWERED + timedelta(days=13))
    rows = csv_rows(rt, accounts["ppid"].actor, "register-keberatan")
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Nomor registrasi keberatan"] == filed["number"]
    assert line["Nomor pendaftaran permohonan"] == refused.number and line["Nama pemohon"] == APPLICANT["name"]
    assert line["Alasan keberatan"].startswith("Penolakan berdasarkan Pasal 17")
    assert line["Keputusan Atasan PPID"].startswith("Keberatan ditolak: Pengecualian")
    assert line["Nama dan jabatan Atasan PPID"] == "Atasan.Ppid, Atasan PPID"
    assert "012/KI-DIY/2027" in line["Tanggapan pemohon"]


def test_the_period_is_required_and_checked(rt, accounts) -> None:
    for params in ({}, {"period": "2026-S3"}):
        with pytest.raises(ValidationFailed):
            produce(rt, accounts["ppid"].actor, "register-permohonan", params, "csv")
