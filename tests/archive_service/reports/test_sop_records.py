"""Tanda terima, kartu kontrol and the fixed DIP, built from records that went through the SOP."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from archive_service.errors import Conflict, NotFound, ValidationFailed
from archive_service.reports import registry
from archive_service.reports.model import Table
from archive_service.reports.render import render_to_file
from archive_service.services.actor import SYSTEM

from .conftest import HOSTILE, ReportData, pdf_pages, pdf_phrases


def build(rt: Any, actor: Any, name: str, **raw: Any) -> Any:
    return registry.build(rt, actor, name, raw)[1]


def test_receipt_of_one_record(rt, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = build(rt, accounts["pendukung"].actor, "tanda-terima", record_ids=str(data.published.id))
    assert doc.number == data.published.receipt_no and doc.filename == f"tanda-terima-{data.published.record_no}"
    path = render_to_file(doc, "pdf", rt.settings, tmp_path / "tt.pdf")
    pages = pdf_pages(path, tmp_path)
    text = pdf_phrases(path)
    for phrase in (
        "TANDA TERIMA PENYERAHAN DAFTAR DAN FISIK INFORMASI",
        f"Nomor: {data.published.receipt_no}",
        data.published.record_no,
        "500.12.18.1",
        "Softcopy (berkas digital), Hardcopy (kertas)",
        "Yang menyerahkan",
        "Yang menerima",
        "Pendukung",  # the full name of the account that handed it over ("Pendukung")
        "Sekretariat",
        "WIB",
        f"Halaman 1 dari {pages}",
    ):
        assert phrase in text, phrase
    assert "<script>alert(1)</script></td>=SUM(A1)" in text.replace(" ", "")  # printed as text (it wraps)


def test_receipt_of_a_batch_lists_every_record_and_receipt(rt, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ids = f"{data.published.id},{data.handed_over.id}"
    doc = build(rt, accounts["sekretariat"].actor, "tanda-terima", record_ids=ids)
    assert doc.number is None and doc.filename == "tanda-terima-2-arsip"
    items, receipts = doc.tables()
    assert [row[1] for row in items.rows] == [data.published.record_no, data.handed_over.record_no]
    assert items.totals[2] == "2 arsip" and items.totals[4] == 2  # one file each
    receipt_rows = list(receipts.rows)
    assert {row[0] for row in receipt_rows} == {data.published.receipt_no, data.handed_over.receipt_no}
    not_received = next(row for row in receipt_rows if row[0] == data.handed_over.receipt_no)
    assert not_received[5] == "belum diterima"
    text = pdf_phrases(render_to_file(doc, "pdf", rt.settings, tmp_path / "batch.pdf"))
    assert data.handed_over.record_no in text and "3 lembar" in text


def test_receipt_refusals(rt, accounts, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as refused:
        build(rt, SYSTEM, "tanda-terima", record_ids=f"{data.published.id},{data.fresh.id}")
    assert data.fresh.record_no in refused.value.detail_id and "not been handed over" in refused.value.detail_en
    with pytest.raises(NotFound):  # another unit's record: the same answer as a missing one
        build(rt, accounts["pendukung"].actor, "tanda-terima", record_ids=str(data.other_unit.id))
    with pytest.raises(NotFound):
        build(rt, SYSTEM, "tanda-terima", record_ids="999999")
    with pytest.raises(ValidationFailed) as invalid:
        build(rt, SYSTEM, "tanda-terima")
    assert invalid.value.errors == {"record_ids": ["required"]}
    with pytest.raises(ValidationFailed):
        registry.build(rt, SYSTEM, "tanda-terima", {"record_ids": "1"}, fmt="xlsx")  # PDF only


def test_control_card_in_three_formats(rt, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    actor = accounts["ppid"].actor
    ids = f"{data.published.id},{data.handed_over.id}"
    doc = build(rt, actor, "kartu-kontrol", record_ids=ids)
    tables = doc.tables()
    assert len(tables) == 2 and doc.landscape
    entries = list(tables[0].rows)
    assert len(entries) == 8  # the whole main line: serahkan … publikasikan
    assert entries[0][1] and entries[0][3] == "Dihimpun → Diserahkan" and "Pendukung" in entries[0][4]
    assert entries[-1][3].endswith("→ Dipublikasikan") and entries[0][7] is False

    pdf = render_to_file(build(rt, actor, "kartu-kontrol", record_ids=ids), "pdf", rt.settings, tmp_path / "k.pdf")
    pages = pdf_pages(pdf, tmp_path)
    text = pdf_phrases(pdf)
    for phrase in (
        "KARTU KONTROL PENGOLAHAN INFORMASI PUBLIK",
        data.published.control_card_no,
        data.handed_over.control_card_no,
        "Dihimpun → Diserahkan",
        "Putaran verifikasi",
        f"Halaman {pages} dari {pages}",
    ):
        assert phrase in text, phrase

    xlsx = render_to_file(build(rt, actor, "kartu-kontrol", record_ids=ids), "xlsx", rt.settings, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == [
        data.published.control_card_no.replace("/", " "),
        data.handed_over.control_card_no.replace("/", " "),
    ]
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert ["Nomor kartu kontrol", data.published.control_card_no] in [r[:2] for r in rows]
    header = next(i for i, r in enumerate(rows) if r[0] == "Putaran")
    assert rows[header][5] == "Waktu (WIB)"
    first = rows[header + 1]
    assert first[0] == 1 and isinstance(first[0], int) and first[5].year >= 2026 and first[7] is False

    raw = render_to_file(build(rt, actor, "kartu-kontrol", record_ids=ids), "csv", rt.settings, tmp_path / "k.csv")
    parsed = list(csv.reader(io.StringIO(raw.read_bytes().decode("utf-8-sig"), newline="")))
    assert parsed[0] == [f"Riwayat langkah {data.published.record_no}"] and parsed[1][0] == "Putaran"
    assert len([r for r in parsed if r and r[0] == "1"]) == 8 + 1  # 8 + 1 entry of the handed-over record


def test_control_card_hostile_title_and_visibility(rt, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = build(rt, accounts["pendukung"].actor, "kartu-kontrol", record_ids=str(data.published.id))
    raw = render_to_file(doc, "csv", rt.settings, tmp_path / "k.csv")
    assert HOSTILE not in raw.read_text("utf-8-sig")  # the title is not in CSV (fields are PDF/XLSX only)
    wb = openpyxl.load_workbook(
        render_to_file(
            build(rt, accounts["pendukung"].actor, "kartu-kontrol", record_ids=str(data.published.id)),
            "xlsx",
            rt.settings,
            tmp_path / "k.xlsx",
        )
    )
    titles = [r[1] for r in wb.worksheets[0].iter_rows(values_only=True) if r[0] == "Judul"]
    assert titles == [f"Laporan keuangan {HOSTILE}"]  # no leading '=' so kept as typed, and not a formula
    with pytest.raises(NotFound):
        build(rt, accounts["pendukung_other"].actor, "kartu-kontrol", record_ids=str(data.published.id))


def test_dip_in_perki_columns_by_category(rt, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = build(rt, accounts["atasan_ppid"].actor, "dip")
    assert doc.number == "188/12/KPTS/2026" and doc.landscape and doc.filename == f"dip-versi-{data.dip_version}"
    tables: list[Table] = doc.tables()
    assert [t.title[:2] for t in tables] == ["1.", "2.", "3."]
    berkala = list(tables[0].rows)
    assert [row[1] for row in berkala] == [f"Laporan keuangan {HOSTILE}"]
    assert berkala[0][0] == "1.1" and berkala[0][3] == "Bidang IKP Diskominfo"
    assert berkala[0][5] == "30 Juni 2025, Sleman" and berkala[0][6] == "Softcopy (berkas digital), Hardcopy (kertas)"

    pdf = render_to_file(build(rt, SYSTEM, "dip"), "pdf", rt.settings, tmp_path / "dip.pdf")
    pages = pdf_pages(pdf, tmp_path)
    text = pdf_phrases(pdf)
    for phrase in (
        "DAFTAR INFORMASI PUBLIK",
        "Nomor: 188/12/KPTS/2026",
        "Ringkasan isi informasi",
        "Jangka waktu penyimpanan",
        "Pasal 9",
        "Ditetapkan pada tanggal 20 November 2026",
        "Pejabat Pengelola Informasi dan Dokumentasi",
        "Ppid",  # the full name of the PPID account that fixed the version
        f"Halaman 1 dari {pages}",
    ):
        assert phrase in text, phrase

    wb = openpyxl.load_workbook(render_to_file(build(rt, SYSTEM, "dip"), "xlsx", rt.settings, tmp_path / "dip.xlsx"))
    assert wb.sheetnames == ["1 Berkala", "2 Serta Merta", "3 Setiap Saat"]
    rows = [list(r) for r in wb["1 Berkala"].iter_rows(values_only=True)]
    assert ["Nomor keputusan", "188/12/KPTS/2026"] in [r[:2] for r in rows]
    assert rows[-1][:2] == ["1.1", f"Laporan keuangan {HOSTILE}"]

    raw = render_to_file(
        build(rt, SYSTEM, "dip", version_no=str(data.dip_version)), "csv", rt.settings, tmp_path / "d.csv"
    )
    parsed = list(csv.reader(io.StringIO(raw.read_bytes().decode("utf-8-sig"), newline="")))
    assert parsed[1][:3] == ["No", "Judul informasi", "Ringkasan isi informasi"] and parsed[2][0] == "1.1"


def test_dip_missing_versions(rt, accounts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as none_yet:
        build(rt, SYSTEM, "dip")
    assert "not fixed a DIP" in none_yet.value.detail_en
    with pytest.raises(NotFound):
        build(rt, SYSTEM, "dip", version_no="7")
    with pytest.raises(ValidationFailed):
        build(rt, SYSTEM, "dip", version_no="nol")
