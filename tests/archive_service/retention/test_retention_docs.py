"""The four retention documents (issue 8): built from batches driven through every stage, checked as data, then
rendered to PDF (read back with poppler), XLSX and CSV; and the refusals (wrong kind, not executed, unknown, role)."""

from __future__ import annotations

import csv
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from archive_service.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from archive_service.reports import registry
from archive_service.reports.model import Document, Fields, Paragraph, Table
from archive_service.reports.render import render_to_file
from archive_service.reports.retention_docs import HIDDEN_TEXT, day_date_words, terbilang
from archive_service.services import disposition, records
from archive_service.services.actor import SYSTEM
from tests.archive_service.retention.conftest import APPROVAL, BA
from tests.conftest import PASSWORD


def _build(rt, actor, name: str, batch_id: int) -> Document:
    _spec, document = registry.build(rt, actor, name, {"batch_id": str(batch_id)})
    return document


def _table(document: Document, title: str) -> Table:
    return next(t for t in document.tables() if t.title == title)


def _fields(document: Document) -> dict[str, str]:
    return {label: value for s in document.sections if isinstance(s, Fields) for label, value in s.items}


def _text(document: Document) -> str:
    return "\n".join(s.text for s in document.sections if isinstance(s, Paragraph))


def _pdf_text(rt, document: Document, tmp_path: Path) -> str:
    """Render to PDF, rasterise it (at least one page) and return its text as laid out."""
    pdf = render_to_file(document, "pdf", rt.settings, tmp_path / f"{document.name}.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / document.name)], check=True, timeout=60)
    pages = sorted(tmp_path.glob(f"{document.name}-*.png"))
    assert len(pages) >= 1 and all(p.stat().st_size > 0 for p in pages)
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
    return " ".join(out.stdout.decode().split())  # one line: table cells wrap


def _ba(**changes) -> dict:
    return {**BA, **changes}


def _pindah(rt, accounts, ids: list[int]):
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    batch = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": ids})
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    return disposition.execute(rt, arsiparis, batch.id, batch.version, _ba(ba_no="BA-PINDAH/07/2026"))


def _appraise(rt, panel, batch_id: int, exclude: tuple[int, ...] = ()):
    for i, member in enumerate(panel):
        disposition.appraise(
            rt,
            member.actor,
            batch_id,
            {
                "opinion": "setuju",
                "consideration": f"Pertimbangan anggota {i + 1}: masa retensi telah habis",
                "exclude_record_ids": list(exclude) if i < 2 else [],
            },
        )
    return disposition.conclude_panel(rt, panel[0].actor, batch_id, None, {"summary": "Rapat panitia 3 November"})


def test_terbilang_and_the_day_in_words() -> None:
    assert terbilang(0) == "nol" and terbilang(11) == "sebelas" and terbilang(17) == "tujuh belas"
    assert terbilang(100) == "seratus" and terbilang(1000) == "seribu" and terbilang(115) == "seratus lima belas"
    assert (
        terbilang(2026) == "dua ribu dua puluh enam" and terbilang(1_250_000) == "satu juta dua ratus lima puluh ribu"
    )
    assert day_date_words(date(2026, 11, 30)) == (
        "Senin tanggal 30 November 2026 (tiga puluh November tahun dua ribu dua puluh enam)"
    )


def test_destruction_documents_from_proposal_to_berita_acara(
    rt, sample_jra, make_old, accounts, panel, tmp_path
) -> None:
    arsiparis, atasan, ppid = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor, accounts["ppid"].actor
    doomed = [make_old(doc_date="2014-05-01", development_level="asli") for _ in range(3)]
    ids = [r.id for r in doomed]
    moved = _pindah(rt, accounts, ids)

    # The berita acara pemindahan of the batch that moved them to the records centre.
    pindah = _build(rt, arsiparis, "berita-acara-pemindahan", moved.id)
    assert pindah.title == "BERITA ACARA PEMINDAHAN ARSIP" and pindah.number == "BA-PINDAH/07/2026"
    assert [row[1] for row in _table(pindah, "Daftar Arsip yang Dipindahkan").rows] == ["500.12.18.1"] * 3
    assert "Gedung Arsip Lt. 2, Rak 4" in _text(pindah) and "Pada hari ini, Senin tanggal 2 November 2026" in (
        _text(pindah)
    )
    assert [(s.label, s.name) for s in pindah.signatures] == [
        ("Yang menyerahkan", "Drs. Sutrisno"),
        ("Yang menerima", "Rina Wulandari, S.IP."),
        ("Saksi", "Budi Santoso"),
    ]
    with pytest.raises(ValidationFailed):  # a pemindahan has no usul musnah list
        _build(rt, arsiparis, "daftar-usul-musnah", moved.id)

    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": ids, "note": "Usul 2026"})
    daftar = _build(rt, arsiparis, "daftar-usul-musnah", batch.id)  # from the proposal on
    assert daftar.number == batch.no and len(_table(daftar, "Daftar Arsip Usul Musnah").rows) == 3
    assert "belum menyimpulkan" in _text(daftar)
    with pytest.raises(Conflict) as err:  # no berita acara before the execution
        _build(rt, arsiparis, "berita-acara-pemusnahan", batch.id)
    assert "belum dilaksanakan" in err.value.detail_id and "not been carried out" in err.value.detail_en

    batch = _appraise(rt, panel, batch.id, exclude=(ids[2],))  # two of three members keep the third record
    daftar = _build(rt, panel[0].actor, "daftar-usul-musnah", batch.id)
    rows = list(_table(daftar, "Daftar Arsip Usul Musnah").rows)
    assert [row[0] for row in rows] == [1, 2, 3] and [row[1] for row in rows] == ["500.12.18.1"] * 3
    assert rows[0][4] == "Asli" and "DIKELUARKAN" in rows[2][7] and "DIKELUARKAN" not in rows[0][7]
    assert doomed[0].title in rows[0][2] and doomed[0].record_no in rows[0][7]
    considerations = list(_table(daftar, "Pertimbangan Panitia Penilai Arsip").rows)
    assert [(c[1], c[2]) for c in considerations] == [(m.actor.username.title(), "Setuju") for m in panel]
    assert considerations[0][4] == doomed[2].record_no and considerations[2][4] == ""
    assert "Rapat panitia 3 November" in _text(daftar) and "menyetujui usul musnah" in _text(daftar)
    assert [(s.capacity, s.name) for s in daftar.signatures] == [
        ("Arsiparis", "Arsiparis"),
        ("Ketua Panitia Penilai Arsip", panel[0].actor.username.title()),
    ]

    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, _ba(date=date.today().isoformat()))
    ba = _build(rt, arsiparis, "berita-acara-pemusnahan", batch.id)
    assert ba.title == "BERITA ACARA PEMUSNAHAN ARSIP" and ba.number == f"BA-{batch.no}"
    executed = list(_table(ba, "Daftar Arsip yang Dimusnahkan").rows)
    assert len(executed) == 2 and [r[7].split(";")[0] for r in executed] == [
        f"No. arsip {r.record_no}" for r in doomed[:2]
    ]
    assert all("berkas digital dihapus" in r[7] for r in executed)
    head = _fields(ba)
    assert head["Nomor surat"] == APPROVAL["letter_no"] and head["Tanggal surat"] == "20 Oktober 2026"
    assert head["Kewenangan"] == "Kepala Daerah" and head["Nomor berita acara"] == ba.number
    assert "2 (dua) arsip" in _text(ba) and BA["method"] in _text(ba)
    assert [s.name for s in ba.signatures] == ["Drs. Sutrisno", "Rina Wulandari, S.IP.", "Budi Santoso"]
    assert ba.place_date == f"Sleman, {date.today().day} " + ba.place_date.split(" ", 2)[2]

    text = _pdf_text(rt, ba, tmp_path)
    for expected in ("BERITA ACARA PEMUSNAHAN ARSIP", ba.number, "500.12.18.1", APPROVAL["letter_no"], "Budi Santoso"):
        assert expected in text, expected
    assert doomed[2].record_no not in text  # the kept record is not on the list of the destroyed
    assert "DAFTAR ARSIP USUL MUSNAH" in _pdf_text(rt, daftar, tmp_path)

    xlsx = render_to_file(ba, "xlsx", rt.settings, tmp_path / "ba.xlsx")
    sheet = openpyxl.load_workbook(xlsx, read_only=True)["Daftar Arsip yang Dimusnahkan"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] == "No")
    assert values[header][1] == "Kode klasifikasi" and [r[1] for r in values[header + 1 : header + 3]] == [
        "500.12.18.1",
        "500.12.18.1",
    ]
    csv_path = render_to_file(daftar, "csv", rt.settings, tmp_path / "daftar.csv")
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    start = lines.index(["Daftar Arsip Usul Musnah"]) + 1
    assert lines[start][:3] == ["No", "Kode klasifikasi", "Uraian/jenis arsip"]
    assert [line[0] for line in lines[start + 1 : start + 4]] == ["1", "2", "3"]

    # Who may have them: pendukung not (403), an unknown batch is 404, the wrong kind 422.
    with pytest.raises(PermissionDenied):
        _build(rt, accounts["pendukung"].actor, "berita-acara-pemusnahan", batch.id)
    with pytest.raises(NotFound):
        _build(rt, ppid, "berita-acara-pemusnahan", 999_999)
    with pytest.raises(ValidationFailed) as wrong:
        _build(rt, ppid, "berita-acara-penyerahan", batch.id)
    assert "penyerahan" in wrong.value.detail_id
    with pytest.raises(ValidationFailed):
        _build(rt, ppid, "berita-acara-pemindahan", batch.id)


def test_a_row_the_reader_is_not_cleared_for_keeps_its_line_but_not_its_description(
    rt, sample_jra, make_old, accounts
) -> None:
    record = make_old(doc_date="2014-05-01", title="Notula rapat tertutup")
    moved = _pindah(rt, accounts, [record.id])
    record = records.get_record(rt, SYSTEM, record.id)
    records.update_record(rt, accounts["ppid"].actor, record.id, record.version, {"security_class": "sangat_rahasia"})
    as_arsiparis = list(_build(rt, accounts["arsiparis"].actor, "berita-acara-pemindahan", moved.id).tables()[-1].rows)
    as_ppid = list(_build(rt, accounts["ppid"].actor, "berita-acara-pemindahan", moved.id).tables()[-1].rows)
    assert as_arsiparis[0][2] == HIDDEN_TEXT and as_arsiparis[0][1] == "500.12.18.1"
    assert "Notula rapat tertutup" in as_ppid[0][2]


def test_penyerahan_berita_acara_with_the_package_and_the_statement(
    rt, sample_jra, make_old, accounts, panel, tmp_path
) -> None:
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    kept = [make_old("000.8.3.3", doc_date="2012-01-01"), make_old("000.8.3.3", doc_date="2013-01-01")]
    ids = [r.id for r in kept]
    _pindah(rt, accounts, ids)
    batch = disposition.propose(rt, arsiparis, {"kind": "penyerahan", "record_ids": ids})
    with pytest.raises(ValidationFailed):  # not a destruction
        _build(rt, arsiparis, "daftar-usul-musnah", batch.id)
    batch = _appraise(rt, panel, batch.id)
    with pytest.raises(Conflict):
        _build(rt, arsiparis, "berita-acara-penyerahan", batch.id)
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    ba = _build(rt, accounts["admin"].actor, "berita-acara-penyerahan", batch.id)
    assert ba.title == "BERITA ACARA PENYERAHAN ARSIP STATIS" and ba.number == f"BA-{batch.no}"
    assert len(list(_table(ba, "Daftar Arsip yang Diserahkan").rows)) == 2
    head = _fields(ba)
    assert head["SHA-256 paket"] == batch.package_sha256 and str(batch.package_size) in head["Ukuran paket"].replace(
        ".", ""
    )
    assert "autentik, terpercaya, utuh dan dapat digunakan" in _text(ba) and BA["receiver"] in _text(ba)
    text = _pdf_text(rt, ba, tmp_path)
    assert "BERITA ACARA PENYERAHAN ARSIP STATIS" in text and batch.package_sha256 in text.replace(" ", "")
    assert "000.8.3.3" in text and "Yang menerima" in text


def _login(client, username: str) -> None:
    page = client.get("/staf/masuk")
    token = page.get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/staf/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})


def test_over_http_not_executed_is_409_and_wrong_role_403(
    rt, app, sample_jra, make_old, accounts, panel, client
) -> None:
    record = make_old(doc_date="2014-05-01")
    _pindah(rt, accounts, [record.id])
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [record.id]})
    url = f"/api/v1/reports/berita-acara-pemusnahan?batch_id={batch.id}&format=pdf"
    response = client.get(url, headers=accounts["arsiparis"].headers)
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert "belum dilaksanakan" in response.json["detail"] and "not been carried out" in response.json["detail_en"]
    response = client.get(
        f"/api/v1/reports/berita-acara-penyerahan?batch_id={batch.id}", headers=accounts["arsiparis"].headers
    )
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    response = client.get(url, headers=accounts["pendukung"].headers)
    assert response.status_code == 403
    response = client.get(
        f"/api/v1/reports/daftar-usul-musnah?batch_id={batch.id}&format=pdf", headers=accounts["arsiparis"].headers
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_batch_page_links_the_documents_of_its_kind_and_stage(
    rt, app, sample_jra, make_old, accounts, client
) -> None:
    record = make_old(doc_date="2014-05-01")
    moved = _pindah(rt, accounts, [record.id])
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [record.id]})
    _login(client, "arsiparis")
    page = client.get(f"/staf/retensi/berkas/{batch.id}").get_data(as_text=True)
    assert f"/staf/laporan/daftar-usul-musnah?batch_id={batch.id}&amp;format=pdf" in page
    assert "Unduh Daftar Arsip Usul Musnah (PDF)" in page and "berita-acara-pemusnahan" not in page
    page = client.get(f"/staf/retensi/berkas/{moved.id}").get_data(as_text=True)
    assert f"/staf/laporan/berita-acara-pemindahan?batch_id={moved.id}&amp;format=pdf" in page
    assert "daftar-usul-musnah" not in page
    english = client.get(f"/staf/retensi/berkas/{moved.id}?lang=en")
    assert "Download the minutes of the transfer of records (PDF)" in english.get_data(as_text=True)
    response = client.get(f"/staf/laporan/berita-acara-pemindahan?batch_id={moved.id}&format=pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
