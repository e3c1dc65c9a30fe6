"""PDF text, page by page: pdfium first, pdfminer.six as a second opinion, tesseract for pages without text.

pdfium (Chrome's PDF engine, through pypdfium2) is the fast path: C++, tolerant of broken files, and it renders
pages, which OCR needs anyway. pdfminer.six is pure Python and slow, so it only gets a turn when pdfium cannot
open the file or finds no usable text anywhere in it, and then first on a few pages (``_pdfminer_reads``); it
sometimes reads fonts pdfium cannot map.

A page is "usable" when it has at least ``USABLE_CHARS`` letters or digits after junk is removed. Scans have no
text layer at all, and PDFs with unmapped fonts have one made of control characters; both become OCR candidates
when something that can carry writing is drawn on them.

**Blank pages never reach tesseract.** Each page's content is inspected before any OCR (``_page_ink``): text
objects, images, and vector drawing with curves (glyphs turned into outlines, a logo) may carry writing and make
the page a candidate. A page that holds nothing, or only straight lines and few of them (a frame, a ruled box, a
rule under a letterhead), cannot: a PDF of 3,000 pages each holding a drawn rectangle took 26 minutes of OCR and
now takes well under a second. Scanned pages are images and always stay candidates; a candidate whose rendering
has (almost) no dark pixel (``MIN_DARK_PIXELS``, fewer than a single letter) is not handed to tesseract either.

**Two steps, so OCR can be shared out.** ``plan_pdf`` reads the text layer of every page and lists the pages that
need OCR (cheap); ``ocr_pdf_pages`` OCRs a given set of pages. The extraction scheduler
(``indexer.extract.scheduler``) runs the plan as a short job and the OCR in chunks of a few pages, so a long scan
never holds a process for long. ``extract_pdf`` does both in one call (``extract_file``, ``ExtractionPool.extract``).

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
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .model import Extraction, ExtractionFailed, merge_ocr
from .ocr import DEFAULT_LANG, DEFAULT_TIMEOUT_S, ocr_image, tesseract_available
from .text import clean_text

USABLE_CHARS = 20
OCR_DPI = 300
MAX_OCR_PIXELS = 40_000_000  # an A4 page at 300 dpi is 8.7 million; this allows A2 before scaling down

_ALNUM = re.compile(r"[^\W_]")
_NOT_ALNUM = re.compile(r"[\W_]+")
_DELETE_NOT_ALNUM = str.maketrans(dict.fromkeys(chr(i) for i in range(128) if not chr(i).isalnum()))  # ASCII: fast
MIN_ALNUM_RATIO = 0.6
_PDFMINER_CID = re.compile(r"\(cid:\d+\)")

# What a page's content can hold (``_page_ink``).
NOTHING = 0  # no object at all
RULES = 1  # only straight lines, rectangles, fills and shadings, few of them: no writing possible
INK = 2  # text objects, images, or drawing with curves (possibly text as outlines): may hold writing
MAX_RULE_SEGMENTS = 64  # a frame is 5 segments, a ruled form a few dozen; text drawn with strokes is hundreds
MAX_RULE_CURVES = 8  # a rounded box has 4 to 8 curves; a single outlined glyph already has about 10
MAX_INSPECTED_OBJECTS = 5000  # a page with more objects is taken as ink without counting further
MAX_FORM_DEPTH = 8
PROBE_PAGES = 4  # pages pdfminer reads first, when pdfium found no usable text (``_pdfminer_reads``)
MIN_DARK_PIXELS = 50  # a rendered candidate with fewer dark pixels (a scanner speck) holds no letter


def is_usable(text: str, need: int = USABLE_CHARS) -> bool:
    """At least ``need`` letters or digits, and mostly letters and digits: a text layer rather than a page number
    or junk. The ratio catches PDFs whose fonts map glyphs to the wrong characters (three corpus laws come out as
    ``!"# !$ !%&!'"!!'``): such a page is treated as having no text layer, so OCR reads it instead."""
    if sum(1 for _ in itertools.islice(_ALNUM.finditer(text), need)) < need:
        return False
    sample = "".join(text[:4000].split())  # without whitespace (what ``\s`` matches), in C
    alnum = len(sample.translate(_DELETE_NOT_ALNUM)) if sample.isascii() else len(_NOT_ALNUM.sub("", sample))
    return alnum >= MIN_ALNUM_RATIO * len(sample)


def extract_pdf(
    path: Path,
    *,
    ocr: bool = True,
    ocr_lang: str = DEFAULT_LANG,
    max_ocr_pages: int | None = None,
    ocr_timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[..., None] | None = None,
) -> Extraction:
    """Extract a PDF's text, one string per page: ``plan_pdf`` and then OCR of its candidates, in one call.

    ``max_ocr_pages`` limits how many pages are OCRed (the rest are listed in ``ocr_todo``, with ``partial`` and
    ``ocr_pending`` set); ``progress()`` is called after each OCRed page, so a supervisor can tell a long scan from
    a hung worker, and ``progress(text_pages=…, ocr_pages=…)`` once the work is known, so it can set a budget.
    """
    plan = plan_pdf(path, progress=progress)
    candidates = list(plan.ocr_todo)
    if not candidates or not ocr or not tesseract_available(ocr_lang):
        return plan
    limit = len(candidates) if max_ocr_pages is None else max(0, max_ocr_pages)
    if progress is not None:
        progress(text_pages=len(plan.pages), ocr_pages=min(limit, len(candidates)))
    texts = ocr_pdf_pages(path, candidates[:limit], lang=ocr_lang, timeout_s=ocr_timeout_s, progress=progress)
    return merge_ocr(plan, texts, left=candidates[limit:])


def plan_pdf(path: Path, *, progress: Callable[..., None] | None = None) -> Extraction:
    """The text layer of every page, and in ``ocr_todo`` the pages that need OCR (no text layer worth the name, and
    something drawn that may hold writing). ``ocr_pending`` is set when there are such pages; nothing is OCRed.

    The pages are read with pdfium; when none has usable text but some page has text objects, pdfminer.six gets a
    turn (it maps some fonts pdfium cannot), on a few pages before all of them. Pages without any text object give
    pdfminer nothing to read, so a large scan or a file of drawings never pays for its slow pass.
    """
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        return _pdfminer_only(path, exc)
    try:
        if progress is not None:
            progress(text_pages=len(pdf), ocr_pages=0)
        raw_pages, ink, has_text = _pdfium_pages(pdf, progress=progress)
    finally:
        pdf.close()
    pages = [clean_text(raw) for raw in raw_pages]
    method = "pdfium"
    if pages and any(has_text) and not any(is_usable(page) for page in pages) and _pdfminer_reads(path, has_text):
        mined = _pdfminer_pages(path)
        if mined is not None and len(mined) == len(pages) and any(is_usable(page) for page in mined):
            pages, method = mined, "pdfminer"
    candidates = tuple(i for i, page in enumerate(pages) if ink[i] == INK and not is_usable(page))
    return Extraction(pages=pages, method=method, ocr_pending=bool(candidates), ocr_todo=candidates)


def ocr_pdf_pages(
    path: Path,
    indexes: Collection[int],
    *,
    lang: str = DEFAULT_LANG,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[..., None] | None = None,
) -> dict[int, str | None]:
    """OCR text of the given pages (0-based): ``""`` for a page that renders blank, None where tesseract failed.
    ``progress()`` after each page. Raises ``ExtractionFailed`` when OCR cannot run at all."""
    if not tesseract_available(lang):
        raise ExtractionFailed("ocr", f"tesseract with the languages {lang} is not installed")
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ExtractionFailed("corrupt", f"not a readable PDF: {exc}") from exc
    out: dict[int, str | None] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="arsip-ocr-") as tmp:
            for index in indexes:
                out[index] = _ocr_page(pdf, index, Path(tmp), lang, timeout_s) if 0 <= index < len(pdf) else ""
                if progress is not None:
                    progress()
    finally:
        pdf.close()
    return out


def first_pages_text(path: Path, pages: int = 2) -> str:
    """The text layer of a PDF's first ``pages`` pages, cleaned as extraction cleans it (no OCR): what title
    derivation reads (benchmarks/title_corpus.py and its corpus test). An unreadable file gives ``""``."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return ""
    try:
        return "\n\n".join(clean_text(text) for text in _pdfium_pages(pdf, pages)[0])
    finally:
        pdf.close()


def _pdfium_pages(
    pdf: pdfium.PdfDocument, limit: int | None = None, progress: Callable[..., None] | None = None
) -> tuple[list[str], list[int], list[bool]]:
    """Raw text of each page (of the first ``limit`` pages), what its content can hold (``NOTHING``, ``RULES``,
    ``INK``) and whether it has text objects.

    This loop calls pdfium's C API directly: pypdfium2's page and text-page objects register a finaliser each
    and translate character ranges, which costs about a tenth of the time on a typical corpus and gains nothing
    when the whole page is read. The buffer is (count + 1) UTF-16 units, as FPDFText_GetText documents.
    """
    texts: list[str] = []
    ink: list[int] = []
    has_text: list[bool] = []
    doc = pdf.raw
    for index in range(len(pdf) if limit is None else min(limit, len(pdf))):
        if progress is not None and index and index % 500 == 0:
            progress()
        page = pdfium_c.FPDF_LoadPage(doc, index)
        if not page:
            texts.append("")  # an unloadable page (broken page tree) is skipped, not fatal
            ink.append(NOTHING)
            has_text.append(False)
            continue
        try:
            kind, text_objects = _page_ink(page)
            ink.append(kind)
            has_text.append(text_objects)
            texts.append(_page_text(page))
        finally:
            pdfium_c.FPDF_ClosePage(page)
    return texts, ink, has_text


def _page_ink(page: Any) -> tuple[int, bool]:
    """What the page's content can hold, and whether it has text objects (see ``NOTHING``, ``RULES``, ``INK``).

    Form XObjects are looked into (up to ``MAX_FORM_DEPTH`` levels). Anything unknown counts as ink: a page is
    only ever called blank for what it provably is."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    if count <= 0:
        return NOTHING, False
    if count > MAX_INSPECTED_OBJECTS:
        return INK, True
    tally = {"objects": 0, "segments": 0, "curves": 0, "text": 0, "ink": 0}
    for i in range(count):
        _tally(pdfium_c.FPDFPage_GetObject(page, i), tally, 0)
        if tally["ink"]:
            return INK, bool(tally["text"])
    if tally["curves"] > MAX_RULE_CURVES or tally["segments"] > MAX_RULE_SEGMENTS:
        return INK, False
    return RULES, False


def _tally(obj: Any, tally: dict[str, int], depth: int) -> None:
    tally["objects"] += 1
    if not obj or tally["objects"] > MAX_INSPECTED_OBJECTS or depth > MAX_FORM_DEPTH:
        tally["ink"] += 1
        return
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
        segments = pdfium_c.FPDFPath_CountSegments(obj)
        if segments < 0:
            tally["ink"] += 1
            return
        tally["segments"] += segments
        if tally["segments"] > MAX_RULE_SEGMENTS:
            tally["ink"] += 1  # enough to be strokes of writing; no need to look further
            return
        for j in range(segments):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, j)
            if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                tally["curves"] += 1
    elif kind == pdfium_c.FPDF_PAGEOBJ_SHADING:
        return  # a gradient carries no writing
    elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
        for j in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
            _tally(pdfium_c.FPDFFormObj_GetObject(obj, j), tally, depth + 1)
            if tally["ink"]:
                return
    else:  # text, image, or a type this code does not know
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            tally["text"] += 1
        tally["ink"] += 1


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


def _pdfminer_reads(path: Path, has_text: list[bool]) -> bool:
    """Whether pdfminer finds usable text on a few of the pages with text objects (``PROBE_PAGES``, spread over the
    document), before it is given all of them.

    pdfminer reads a file whose fonts pdfium cannot map only if it can map them itself, and a document uses the same
    few fonts throughout: if the probed pages come out as junk, so would the rest. The probe costs a few pages;
    the whole pass cost 15 s of CPU on the corpus (3 laws of 23 to 95 pages, whose text is junk for both readers),
    more than analysing and indexing every other file."""
    with_text = [i for i, flag in enumerate(has_text) if flag]
    if len(with_text) <= PROBE_PAGES:
        return True  # the probe would be the whole pass
    step = (len(with_text) - 1) / (PROBE_PAGES - 1)
    probe = sorted({with_text[round(k * step)] for k in range(PROBE_PAGES)})
    mined = _pdfminer_pages(path, probe)
    return mined is not None and any(is_usable(page) for page in mined)


def _pdfminer_pages(path: Path, page_numbers: Collection[int] | None = None) -> list[str] | None:
    """Text of each page (of the 0-based ``page_numbers``, when given) according to pdfminer.six, or None when it
    cannot read the file either."""
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
        for layout in extract_pages(str(path), page_numbers=page_numbers, laparams=LAParams(all_texts=True)):
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
    """Write a grey-scale bitmap as binary PGM; False (and nothing written) when it has (almost) no dark pixel."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    data = ctypes.string_at(bitmap.buffer, stride * height)
    if len(data.translate(None, _DARK)) < MIN_DARK_PIXELS:
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
