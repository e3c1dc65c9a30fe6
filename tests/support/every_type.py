"""One real file of every type Arsip accepts, each carrying a word of its own, made on the spot.

``sample(mime)`` gives ``(file name, bytes, word)``. The files are written by the libraries that write these
formats (python-docx, openpyxl, python-pptx, odfpy, Pillow, the project's PDF maker), and by
``legacy_office`` for Word and Excel 97-2003; images hold their word as rendered text, for OCR.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from archive_service.config import DEFAULT_ALLOWED_MIME_TYPES

from .files import pdf_bytes
from .legacy_office import doc_bytes, xls_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _docx(word: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Nota Dinas", level=1)
    document.add_paragraph(f"Perihal pengadaan bibit {word} untuk taman kota.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx(word: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Anggaran"
    sheet["A1"], sheet["B1"] = "Uraian", "Jumlah"
    sheet["A2"], sheet["B2"] = f"Bibit {word}", 1500
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pptx(word: str) -> bytes:
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Paparan Kepala Dinas"
    slide.placeholders[1].text = f"Penanaman {word} di bantaran sungai"
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _odf(word: str, spreadsheet: bool) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    if spreadsheet:
        document = OpenDocumentSpreadsheet()
        table = Table(name="Data")
        for values in (("Uraian", "Jumlah"), (f"Bibit {word}", "12")):
            row = TableRow()
            for value in values:
                cell = TableCell()
                cell.addElement(P(text=value))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    else:
        document = OpenDocumentText()
        document.text.addElement(P(text=f"Laporan kegiatan penanaman {word} tahun ini."))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc"
        document.save(str(path))
        return path.read_bytes()


def _image(word: str, fmt: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (640, 120), 255)
    ImageDraw.Draw(image).text((20, 30), f"Pelabuhan {word}", fill=0, font=ImageFont.load_default(size=48))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _eml(word: str) -> bytes:
    return (
        "From: Sekretariat <sekretariat@kominfo.example.go.id>\r\n"
        "To: Bidang IKP <ikp@kominfo.example.go.id>\r\n"
        f"Subject: Undangan rapat {word}\r\n"
        "Date: Mon, 30 Jun 2025 09:00:00 +0700\r\n"
        "Message-ID: <uji-1@kominfo.example.go.id>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Dengan hormat, mohon hadir pada rapat koordinasi.\r\n"
    ).encode()


# mime -> (extension, word, maker)
SAMPLES: dict[str, tuple[str, str, Callable[[str], bytes]]] = {
    "application/pdf": (".pdf", "anggrek", lambda w: pdf_bytes(f"Surat edaran tentang {w} hutan")),
    DOCX: (".docx", "bakung", _docx),
    XLSX: (".xlsx", "cendana", _xlsx),
    PPTX: (".pptx", "dahlia", _pptx),
    ODT: (".odt", "edelweis", lambda w: _odf(w, spreadsheet=False)),
    ODS: (".ods", "flamboyan", lambda w: _odf(w, spreadsheet=True)),
    "application/msword": (".doc", "gaharu", lambda w: doc_bytes([f"Surat keputusan tentang {w}", "Demikian."])),
    "application/vnd.ms-excel": (
        ".xls",
        "halia",
        lambda w: xls_bytes({"Data": [["Uraian", "Jumlah"], [f"Bibit {w}", 12]]}),
    ),
    "text/plain": (".txt", "ilalang", lambda w: f"Catatan rapat.\nPembersihan {w} di lapangan.\n".encode()),
    "text/csv": (
        ".csv",
        "jamblang",
        lambda w: f"nama,jumlah,keterangan\n{w},10,baik\nmangga,4,cukup\nsawo,7,baik\n".encode(),
    ),
    "text/html": (
        ".html",
        "kamboja",
        lambda w: (
            f"<!DOCTYPE html><html><head><title>Berita</title></head><body><p>Taman {w}</p></body></html>".encode()
        ),
    ),
    "message/rfc822": (".eml", "lavender", _eml),
    "image/jpeg": (".jpg", "Melati", lambda w: _image(w, "JPEG")),
    "image/png": (".png", "Nangka", lambda w: _image(w, "PNG")),
    "image/tiff": (".tif", "Pinang", lambda w: _image(w, "TIFF")),
}

ACCEPTED = tuple(DEFAULT_ALLOWED_MIME_TYPES)


def sample(mime: str) -> tuple[str, bytes, str]:
    """``(file name, content, word)`` of the sample of type ``mime``."""
    ext, word, make = SAMPLES[mime]
    return f"contoh{ext}", make(word), word
