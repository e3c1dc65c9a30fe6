"""PDF text, page by page: pdfium first, pdfminer.six as a second opinion, tesseract for pages without text.

pdfium (Chrome's PDF engine, through pypdfium2) is the fast path: C++, tolerant of broken files, and it renders
pages, which OCR needs anyway. pdfminer.six is pure Python and slow, so it only gets a turn when pdfium cannot
open the file or finds no usable text anywhere in it; it sometimes reads fonts pdfium cannot map.

A page is "usable" when it has at least ``USABLE_CHARS`` letters or digits after junk is removed. Scans have no
text layer at all, and PDFs with unmapped fonts have one made of control characters; both become OCR candidates
when the page has something drawn on it (a truly blank page is not sent to tesseract).

Memory stays bounded by the page, not the document: every page and text page is closed before the next is
opened, and OCR renders one grey-scale bitmap at a time (at most ``MAX_OCR_PIXELS``) written as PGM, which
tesseract reads without any image library in between.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .model import Extraction, ExtractionFailed
from .ocr import DEFAULT_LANG, DEFAULT_TIMEOUT_S, ocr_image, tesseract_available
from .text import clean_text

USABLE_CHARS = 20
OCR_DPI = 300
MAX_OCR_PIXELS = 40_000_000  # an A4 page at 300 dpi is 8.7 million; this allows A2 before scaling down

_ALNUM = re.compile(r"[^\W_]")
_SPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")
MIN_ALNUM_RATIO = 0.6
_PDFMINER_CID = re.compile(r"\(cid:\d+\)")


def is_usable(text: str, need: int = USABLE_CHARS) -> bool:
    """At least ``need`` letters or digits, and mostly letters and digits: a text layer rather than a page number
    or junk. The ratio catches PDFs whose fonts map glyphs to the wrong characters (three corpus laws come out as
    ``!"# !$ !%&!'"!!'``): such a page is treated as having no text layer, so OCR reads it instead."""
    if sum(1 for _ in itertools.islice(_ALNUM.finditer(text), need)) < need:
        return False
    sample = _SPACE.sub("", text[:4000])
    return len(_NOT_ALNUM.sub("", sample)) >= MIN_ALNUM_RATIO * len(sample)


def extract_pdf(
    path: Path,
    *,
    ocr: bool = True,
    ocr_lang: str = DEFAULT_LANG,
    max_ocr_pages: int | None = None,
    ocr_timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[[], None] | None = None,
) -> Extraction:
    """Extract a PDF's text, one string per page.

    ``max_ocr_pages`` limits how many pages are OCRed (the rest leave ``ocr_pending`` set); ``progress`` is called
    after each OCRed page, so a supervisor can tell a long scan from a hung worker.
    """
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        return _pdfminer_only(path, exc)
    try:
        raw_pages, drawn = _pdfium_text(pdf)
        pages = [clean_text(raw) for raw in raw_pages]
        method = "pdfium"
        if pages and not any(is_usable(page) for page in pages):
            mined = _pdfminer_pages(path)
            if mined is not None and len(mined) == len(pages) and any(is_usable(page) for page in mined):
                pages, method = mined, "pdfminer"
        candidates = [i for i, page in enumerate(pages) if drawn[i] and not is_usable(page)]
        if not candidates:
            return Extraction(pages=pages, method=method)
        if not ocr or not tesseract_available(ocr_lang):
            return Extraction(pages=pages, method=method, ocr_pending=True)
        limit = len(candidates) if max_ocr_pages is None else max(0, max_ocr_pages)
        pending = len(candidates) > limit
        ocr_pages = 0
        with tempfile.TemporaryDirectory(prefix="arsip-ocr-") as tmp:
            for index in candidates[:limit]:
                text = _ocr_page(pdf, index, Path(tmp), ocr_lang, ocr_timeout_s)
                if text is None:
                    pending = True  # tesseract failed on this page; a later run may do better
                elif text:
                    ocr_pages += 1
                    if len(_ALNUM.findall(text)) > len(_ALNUM.findall(pages[index])):
                        pages[index] = text
                if progress is not None:
                    progress()
        if ocr_pages:
            method += "+ocr"
        return Extraction(pages=pages, method=method, ocr_pending=pending, ocr_pages=ocr_pages)
    finally:
        pdf.close()


def first_pages_text(path: Path, pages: int = 2) -> str:
    """The text layer of a PDF's first ``pages`` pages, cleaned as extraction cleans it (no OCR): what title
    derivation reads (benchmarks/title_corpus.py and its corpus test). An unreadable file gives ``""``."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return ""
    try:
        return "\n\n".join(clean_text(text) for text in _pdfium_text(pdf, pages)[0])
    finally:
        pdf.close()


def _pdfium_text(pdf: pdfium.PdfDocument, limit: int | None = None) -> tuple[list[str], list[bool]]:
    """Raw text of each page (of the first ``limit`` pages), and whether anything at all is drawn on it.

    This loop calls pdfium's C API directly: pypdfium2's page and text-page objects register a finaliser each
    and translate character ranges, which costs about a tenth of the time on a typical corpus and gains nothing
    when the whole page is read. The buffer is (count + 1) UTF-16 units, as FPDFText_GetText documents.
    """
    texts: list[str] = []
    drawn: list[bool] = []
    doc = pdf.raw
    for index in range(len(pdf) if limit is None else min(limit, len(pdf))):
        page = pdfium_c.FPDF_LoadPage(doc, index)
        if not page:
            texts.append("")  # an unloadable page (broken page tree) is skipped, not fatal
            drawn.append(False)
            continue
        try:
            drawn.append(pdfium_c.FPDFPage_CountObjects(page) > 0)
            texts.append(_page_text(page))
        finally:
            pdfium_c.FPDF_ClosePage(page)
    return texts, drawn


def _page_text(page: Any) -> str:
    textpage = pdfium_c.FPDFText_LoadPage(page)
    if not textpage:
        return ""
    try:
        count = pdfium_c.FPDFText_CountChars(textpage)
        if count <= 0:
            return ""
        buffer = ctypes.create_string_buffer((count + 1) * 2)
        written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
        return buffer.raw[: max(0, written - 1) * 2].decode("utf-16-le", "ignore")
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)


def _pdfminer_pages(path: Path) -> list[str] | None:
    """Text of each page according to pdfminer.six, or None when it cannot read the file either."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTContainer, LTTextContainer

    def collect(item: object, out: list[str]) -> None:
        if isinstance(item, LTTextContainer):
            out.append(item.get_text())
        elif isinstance(item, LTContainer):
            for child in item:
                collect(child, out)

    pages: list[str] = []
    try:
        for layout in extract_pages(str(path), laparams=LAParams(all_texts=True)):
            parts: list[str] = []
            collect(layout, parts)
            pages.append(clean_text(_PDFMINER_CID.sub("", "".join(parts))))
    except MemoryError:
        raise
    except Exception:  # pdfminer raises a dozen unrelated types for broken files
        return None
    return pages


def _pdfminer_only(path: Path, pdfium_error: pdfium.PdfiumError) -> Extraction:
    """pdfium could not open the file: pdfminer's text or nothing. Without pdfium nothing can be rendered, so
    pages without text stay empty (and are not marked for OCR: a later run would fail the same way)."""
    if getattr(pdfium_error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
        raise ExtractionFailed("encrypted", "the PDF needs a password")
    pages = _pdfminer_pages(path)
    if pages is None:
        raise ExtractionFailed("corrupt", f"not a readable PDF: {pdfium_error}")
    return Extraction(pages=pages, method="pdfminer")


def _ocr_page(pdf: pdfium.PdfDocument, index: int, tmp: Path, lang: str, timeout_s: float) -> str | None:
    """OCR text of one page ("" for a page that renders blank), or None when tesseract failed on it."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = OCR_DPI / 72
        if width * height * scale * scale > MAX_OCR_PIXELS:
            scale = math.sqrt(MAX_OCR_PIXELS / (width * height))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            image = tmp / f"page-{index}.pgm"
            if not _write_pgm(bitmap, image):
                return ""
        finally:
            bitmap.close()
    finally:
        page.close()
    try:
        text = "\n".join(ocr_image(image, lang=lang, timeout_s=timeout_s, dpi=round(scale * 72)))
    except ExtractionFailed as exc:
        if exc.reason != "ocr":
            raise
        return None
    finally:
        image.unlink(missing_ok=True)
    return clean_text(text)


_DARK = bytes(range(128, 256))  # translate() deletes these, leaving only dark pixels


def _write_pgm(bitmap: pdfium.PdfBitmap, dest: Path) -> bool:
    """Write a grey-scale bitmap as binary PGM; False (and nothing written) when it has no dark pixel."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    data = ctypes.string_at(bitmap.buffer, stride * height)
    if not data.translate(None, _DARK):
        return False
    with open(dest, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (width, height))
        if stride == width:
            f.write(data)
        else:
            view = memoryview(data)
            for row in range(height):
                f.write(view[row * stride : row * stride + width])
    return True
