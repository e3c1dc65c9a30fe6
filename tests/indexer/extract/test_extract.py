"""Extraction of every supported type, from files the tests make themselves (no corpus needed except where
marked), plus a corpus check against MANIFEST.csv when ../shared/corpus is present."""

from __future__ import annotations

import csv
import io
import pickle
from email.message import EmailMessage
from pathlib import Path

import pytest

from archive_service.demo.pdfgen import make_pdf
from indexer.extract import Extraction, ExtractionFailed, extract_file, tesseract_available
from indexer.extract.office import extract_xlsx
from indexer.extract.text import clean_text, decode_bytes
from tests.support.corpus import CORPUS, require_corpus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

needs_tesseract = pytest.mark.skipif(not tesseract_available("ind+eng"), reason="tesseract with ind+eng not installed")

SCAN_LINES = ["SURAT KEPUTUSAN", "Kepala Dinas Pendidikan", "tentang Pengangkatan Pegawai"]


# -- file makers -----------------------------------------------------------------------------------------------


def text_image(lines: list[str]):  # -> PIL.Image.Image
    """A white page with large black text, as a scanner would deliver a clean letter."""
    from PIL import Image as pil
    from PIL import ImageDraw as draw_module
    from PIL import ImageFont as font_module

    candidates = sorted(Path("/usr/share/fonts").rglob("DejaVuSans.ttf")) if Path("/usr/share/fonts").exists() else []
    font = font_module.truetype(str(candidates[0]), 40) if candidates else font_module.load_default(size=40)
    image = pil.new("L", (1240, 120 + 70 * len(lines)), 255)
    draw = draw_module.Draw(image)
    for row, line in enumerate(lines):
        draw.text((80, 60 + 70 * row), line, fill=0, font=font)
    return image


def scanned_pdf(lines: list[str]) -> bytes:
    """A one-page PDF holding only an image of text: no text layer, as from a scanner."""
    buffer = io.BytesIO()
    text_image(lines).save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def mixed_pdf(tmp_path: Path) -> Path:
    """Page 1 has a text layer, page 2 is a scan, page 3 is blank."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(make_pdf([["Halaman pertama berisi teks biasa tentang anggaran daerah tahun ini."]]))
    pdf.import_pages(pdfium.PdfDocument(scanned_pdf(SCAN_LINES)))
    pdf.import_pages(pdfium.PdfDocument(make_pdf([[]])))
    path = tmp_path / "campuran.pdf"
    with open(path, "wb") as f:
        pdf.save(f)
    pdf.close()
    return path


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# -- PDF -------------------------------------------------------------------------------------------------------


def test_pdf_keeps_page_boundaries(tmp_path: Path) -> None:
    pages = [
        ["PERATURAN DAERAH KABUPATEN BATANG HARI", "tentang pengelolaan arsip dinamis"],
        ["Pasal 2", "Pencipta arsip wajib menyusun jadwal retensi arsip."],
        ["Pasal 3", "Penyusutan arsip dilaksanakan oleh lembaga kearsipan daerah."],
    ]
    path = write(tmp_path, "perda.pdf", make_pdf(pages))
    result = extract_file(path, "application/pdf")
    assert result.method == "pdfium"
    assert len(result.pages) == 3
    assert "pengelolaan arsip dinamis" in result.pages[0]
    assert "jadwal retensi" in result.pages[1] and "jadwal retensi" not in result.pages[2]
    assert "lembaga kearsipan daerah" in result.pages[2]
    assert not result.ocr_pending and result.ocr_pages == 0
    assert result.text.count("\n\n") >= 2


@needs_tesseract
def test_pdf_page_without_text_is_ocred(tmp_path: Path) -> None:
    result = extract_file(mixed_pdf(tmp_path), "application/pdf")
    assert len(result.pages) == 3
    assert "anggaran daerah" in result.pages[0]
    assert "Pendidikan" in result.pages[1]
    assert "Pengangkatan" in result.pages[1]
    assert result.pages[2] == ""
    assert result.method == "pdfium+ocr"
    assert result.ocr_pages == 1  # the blank page is not sent to tesseract
    assert not result.ocr_pending


def test_pdf_without_ocr_is_marked_pending(tmp_path: Path) -> None:
    result = extract_file(mixed_pdf(tmp_path), "application/pdf", ocr=False)
    assert result.method == "pdfium"
    assert result.ocr_pending
    assert result.ocr_pages == 0
    assert "anggaran daerah" in result.pages[0]
    assert result.pages[1] == ""


def test_pdf_ocr_page_limit_leaves_rest_pending(tmp_path: Path) -> None:
    result = extract_file(mixed_pdf(tmp_path), "application/pdf", max_ocr_pages=0)
    assert result.ocr_pending and result.ocr_pages == 0


def test_blank_pdf_is_not_pending(tmp_path: Path) -> None:
    result = extract_file(write(tmp_path, "kosong.pdf", make_pdf([[], []])), "application/pdf", ocr=False)
    assert result.pages == ["", ""]
    assert not result.ocr_pending


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage garbage",
        b"\x00\xff" * 5000,
        make_pdf([["Dokumen terpotong di tengah jalan"]] * 3)[:400],
    ],
    ids=["empty", "header-only", "binary", "truncated"],
)
def test_broken_pdf_fails_cleanly(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "rusak.pdf", data)
    try:
        result = extract_file(path, "application/pdf", ocr=False)
    except ExtractionFailed as exc:
        assert exc.reason == "corrupt"
    else:
        assert isinstance(result, Extraction)


def test_clean_text_keeps_indonesian_hyphens_and_drops_junk() -> None:
    raw = "Undang\x02Undang Nomor 43\r\nbaris \x01\x03\x08kedua\ufffd  \r\n\r\n\r\n\r\nakhir"
    assert clean_text(raw) == "Undang-Undang Nomor 43\nbaris kedua\n\nakhir"


# -- office ----------------------------------------------------------------------------------------------------


def test_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "PEMERINTAH KOTA PALEMBANG"
    document.add_heading("Nota Dinas", level=1)
    document.add_paragraph("Dengan hormat, bersama ini kami sampaikan laporan kegiatan.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Kegiatan"
    table.cell(0, 1).text = "Anggaran"
    table.cell(1, 0).text = "Sosialisasi kearsipan"
    table.cell(1, 1).text = "Rp 5.000.000"
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "Gabungan"
    path = tmp_path / "nota.docx"
    document.save(str(path))
    result = extract_file(path, DOCX)
    assert result.method == "docx" and len(result.pages) == 1
    text = result.text
    assert "Nota Dinas" in text
    assert "laporan kegiatan" in text
    assert "Sosialisasi kearsipan\tRp 5.000.000" in text
    assert "PEMERINTAH KOTA PALEMBANG" in text
    assert text.count("Gabungan") == 1  # a merged cell is read once, not once per column


def test_xlsx_one_page_per_sheet(tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Realisasi"
    sheet.append(["Uraian", "Jumlah", "Tanggal"])
    sheet.append(["Belanja pegawai", 1250000.0, dt.datetime(2024, 3, 1)])
    second = workbook.create_sheet("Pendapatan")
    second.append(["Retribusi pasar", 42])
    path = tmp_path / "anggaran.xlsx"
    workbook.save(path)
    result = extract_file(path, XLSX)
    assert result.method == "xlsx"
    assert len(result.pages) == 2
    assert result.pages[0].startswith("Realisasi")
    assert "Belanja pegawai\t1250000\t2024-03-01" in result.pages[0]
    assert "Retribusi pasar\t42" in result.pages[1]


def test_xlsx_cell_cap(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in range(200):
        workbook.active.append([f"baris{row}", row])
    path = tmp_path / "besar.xlsx"
    workbook.save(path)
    page = extract_xlsx(path, max_cells=20).pages[0]
    assert "baris0" in page and "baris9" in page
    assert "baris50" not in page


def test_pptx_one_page_per_slide(tmp_path: Path) -> None:
    import pptx
    from pptx.util import Inches

    presentation = pptx.Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])
    first.shapes.title.text = "Rapat Koordinasi"
    first.placeholders[1].text = "Evaluasi pelayanan publik"
    first.notes_slide.notes_text_frame.text = "Catatan pembicara tentang survei kepuasan"
    second = presentation.slides.add_slide(presentation.slide_layouts[5])
    second.shapes.title.text = "Tindak Lanjut"
    table = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    table.cell(0, 0).text = "Penanggung jawab"
    table.cell(1, 0).text = "Sekretariat"
    path = tmp_path / "rapat.pptx"
    presentation.save(str(path))
    result = extract_file(path, PPTX)
    assert result.method == "pptx"
    assert len(result.pages) == 2
    assert "Rapat Koordinasi" in result.pages[0] and "pelayanan publik" in result.pages[0]
    assert "survei kepuasan" in result.pages[0]
    assert "Penanggung jawab" in result.pages[1] and "Sekretariat" in result.pages[1]


def test_odt(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Berita Acara"))
    document.text.addElement(P(text="Pada hari ini telah dilaksanakan serah terima arsip statis."))
    table = Table(name="Daftar")
    row = TableRow()
    for value in ("Nomor", "Uraian arsip"):
        cell = TableCell()
        cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    path = tmp_path / "berita.odt"
    document.save(str(path))
    result = extract_file(path, ODT)
    assert result.method == "odf"
    assert "Berita Acara" in result.text
    assert "serah terima arsip statis" in result.text
    assert "Nomor\tUraian arsip" in result.text


def test_ods_one_page_per_sheet(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, values in (("Arsip", ["Surat masuk", "12"]), ("Pegawai", ["Jumlah pegawai", "30"])):
        table = Table(name=name)
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
        # a sheet that declares a million empty rows must not be expanded
        table.addElement(TableRow(numberrowsrepeated=1048000))
        document.spreadsheet.addElement(table)
    path = tmp_path / "rekap.ods"
    document.save(str(path))
    result = extract_file(path, ODS)
    assert len(result.pages) == 2
    assert result.pages[0] == "Arsip\nSurat masuk\t12"
    assert "Jumlah pegawai\t30" in result.pages[1]


# -- text, HTML, e-mail ----------------------------------------------------------------------------------------


def test_plain_text_encodings(tmp_path: Path) -> None:
    utf8 = write(tmp_path, "a.txt", "Pengumuman: pendaftaran ditutup tanggal 5 Mei.\r\nTerima kasih.")
    assert extract_file(utf8, "text/plain").pages == ["Pengumuman: pendaftaran ditutup tanggal 5 Mei.\nTerima kasih."]
    cp1252 = write(tmp_path, "b.csv", "nama;keterangan\nSiti;\u201cdisetujui\u201d \u2013 lunas\n".encode("cp1252"))
    result = extract_file(cp1252, "text/csv")
    assert result.method == "text"
    assert "Siti;\u201cdisetujui\u201d \u2013 lunas" in result.text
    utf16 = write(tmp_path, "c.txt", "Laporan bulanan".encode("utf-16"))
    assert extract_file(utf16, "text/plain").text == "Laporan bulanan"


def test_decode_bytes_cut_utf8_at_cap() -> None:
    data = "Kecamatan Sukajadi \u2014 data".encode()
    assert decode_bytes(data[:21]) == "Kecamatan Sukajadi "


def test_html(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><meta charset="utf-8"><title>Layanan Informasi Publik</title>
    <style>body { color: red }</style><script>var rahasia = "jangan diindeks";</script></head>
    <body><h1>Permohonan&nbsp;Informasi</h1><p>Formulir dapat diunduh di sini &amp; diserahkan ke PPID.</p>
    <table><tr><td>Biaya</td><td>Gratis</td></tr></table></body></html>"""
    result = extract_file(write(tmp_path, "ppid.html", html), "text/html")
    assert result.method == "html"
    text = result.text
    assert "Layanan Informasi Publik" in text
    assert "Permohonan\u00a0Informasi" in text or "Permohonan Informasi" in text
    assert "diunduh di sini & diserahkan ke PPID." in text
    assert "Biaya" in text and "Gratis" in text
    assert "rahasia" not in text and "color" not in text


def test_eml(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["Subject"] = "Undangan rapat evaluasi SAKIP"
    msg["From"] = "Sekretariat Daerah <setda@example.go.id>"
    msg["To"] = "kepala.dinas@example.go.id"
    msg["Date"] = "Mon, 04 Mar 2024 09:00:00 +0700"
    msg.set_content("Dengan hormat, kami mengundang Bapak/Ibu menghadiri rapat evaluasi.")
    msg.add_alternative(
        "<p>Dengan hormat, kami <b>mengundang</b> Bapak/Ibu menghadiri rapat evaluasi.</p>", subtype="html"
    )
    msg.add_attachment(b"%PDF-1.4 isi lampiran rahasia", maintype="application", subtype="pdf", filename="jadwal.pdf")
    result = extract_file(write(tmp_path, "undangan.eml", bytes(msg)), "message/rfc822")
    text = result.text
    assert result.method == "eml"
    assert "Undangan rapat evaluasi SAKIP" in text
    assert "setda@example.go.id" in text
    assert text.count("menghadiri rapat evaluasi") == 1  # plain preferred, HTML alternative not repeated
    assert "Lampiran: jadwal.pdf" in text
    assert "isi lampiran rahasia" not in text


def test_eml_html_only(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["Subject"] = "Pemberitahuan"
    msg.set_content(
        "<html><body><p>Server akan <i>dimatikan</i> malam ini.</p><script>x()</script></body></html>", subtype="html"
    )
    text = extract_file(write(tmp_path, "info.eml", bytes(msg)), "message/rfc822").text
    assert "Server akan dimatikan malam ini." in text
    assert "x()" not in text and "<p>" not in text


# -- images ----------------------------------------------------------------------------------------------------


@needs_tesseract
def test_png_is_ocred(tmp_path: Path) -> None:
    path = tmp_path / "pindaian.png"
    text_image(SCAN_LINES).save(path)
    result = extract_file(path, "image/png")
    assert result.method == "ocr"
    assert "Pendidikan" in result.text
    assert result.ocr_pages == 1 and not result.ocr_pending


@needs_tesseract
def test_multipage_tiff_gives_one_page_per_frame(tmp_path: Path) -> None:
    path = tmp_path / "dua.tiff"
    first = text_image(["Halaman Pertama Keputusan"])
    first.save(path, save_all=True, append_images=[text_image(["Halaman Kedua Lampiran"])])
    result = extract_file(path, "image/tiff")
    assert len(result.pages) == 2
    assert "Pertama" in result.pages[0] and "Kedua" in result.pages[1]


def test_image_without_ocr_is_pending(tmp_path: Path) -> None:
    path = tmp_path / "pindaian.png"
    text_image(SCAN_LINES).save(path)
    result = extract_file(path, "image/png", ocr=False)
    assert result.ocr_pending and result.pages == [""]


def test_unreadable_image_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as info:
        extract_file(write(tmp_path, "x.png", b"\x89PNG\r\n\x1a\n bukan gambar"), "image/png")
    assert info.value.reason == "corrupt"


# -- dispatch and model ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mime", ["application/zip", "application/x-unknown"])
def test_unknown_type_is_unsupported_not_an_error(tmp_path: Path, mime: str) -> None:
    result = extract_file(write(tmp_path, "lama.bin", b"\xd0\xcf\x11\xe0"), mime)
    assert result == Extraction(pages=[], method="unsupported")


def test_missing_file_is_an_io_failure(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as info:
        extract_file(tmp_path / "hilang.pdf", "application/pdf")
    assert info.value.reason == "io"


def test_test_hooks_need_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARSIP_EXTRACT_TEST_HOOKS", raising=False)
    result = extract_file(write(tmp_path, "s.txt", "100"), "application/x-arsip-test-sleep")
    assert result.method == "unsupported"


def test_json_round_trip() -> None:
    original = Extraction(
        pages=["Pasal 1 — Ketentuan Umum", "", "Pasal 2"], method="pdfium+ocr", ocr_pending=True, ocr_pages=1
    )
    blob = original.to_json_bytes()
    assert b"Ketentuan Umum" in blob and "—".encode() in blob  # UTF-8, not \u escapes
    assert Extraction.from_json_bytes(blob) == original
    assert original.text == "Pasal 1 — Ketentuan Umum\n\n\n\nPasal 2"
    with pytest.raises(ValueError):
        Extraction.from_json_bytes(b'{"v": 99, "pages": []}')
    with pytest.raises(ValueError):
        Extraction.from_json_bytes(b'{"v": 1, "pages": [1, 2]}')


def test_extraction_failed_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(ExtractionFailed("timeout", "took longer than 1 s")))
    assert error.reason == "timeout" and error.message == "took longer than 1 s"
    assert str(error) == "took longer than 1 s"


def test_tesseract_available_rejects_missing_language() -> None:
    assert not tesseract_available("xx_bahasa_tidak_ada")
    assert not tesseract_available("")


# -- corpus ----------------------------------------------------------------------------------------------------


def corpus_rows() -> list[dict[str, str]]:
    require_corpus()
    with open(CORPUS / "MANIFEST.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.corpus
def test_corpus_text_pdfs() -> None:
    rows = [r for r in corpus_rows() if r["mime"] == "application/pdf" and r["has_text"] == "yes"]
    sample = rows[:: max(1, len(rows) // 10)][:10]
    for row in sample:
        result = extract_file(CORPUS / row["file"], row["mime"], ocr=False)
        assert len(result.pages) == int(row["pages"]), row["file"]
        assert len(result.text) > 200, row["file"]


@pytest.mark.corpus
@needs_tesseract
def test_corpus_scanned_pdf_is_ocred() -> None:
    row = next(r for r in corpus_rows() if r["mime"] == "application/pdf" and r["has_text"] == "no")
    result = extract_file(CORPUS / row["file"], row["mime"], max_ocr_pages=2)
    assert len(result.pages) == int(row["pages"])
    assert 1 <= result.ocr_pages <= 2
    assert result.method.endswith("+ocr")
    assert result.ocr_pending == (int(row["pages"]) > 2)
    assert sum(1 for word in result.text.split() if word.isalpha() and len(word) > 3) > 10


def test_pdfminer_reads_a_few_spread_pages_before_all(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from indexer.extract import pdf

    asked: list[object] = []

    def junk(path: Path, page_numbers: object = None) -> list[str]:
        asked.append(page_numbers)
        return ["!\"# !$ !%&!'\"!!'" for _ in page_numbers or range(40)]

    monkeypatch.setattr(pdf, "_pdfminer_pages", junk)
    has_text = [i % 2 == 0 for i in range(40)]  # text objects on the 20 even pages
    assert not pdf._pdfminer_reads(tmp_path / "x.pdf", has_text)
    assert asked == [[0, 12, 26, 38]]  # first, last and two between, of the pages with text objects
    asked.clear()
    assert pdf._pdfminer_reads(tmp_path / "x.pdf", has_text[:6])  # 3 such pages: the probe would be the whole pass
    assert asked == []

    readable = ["", "Pasal 1 ayat 2 undang-undang ini"]
    monkeypatch.setattr(pdf, "_pdfminer_pages", lambda path, page_numbers=None: readable)
    assert pdf._pdfminer_reads(tmp_path / "x.pdf", has_text)
