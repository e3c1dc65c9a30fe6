"""Pick the extractor for a MIME type, the one entry point the indexer and the worker pool call.

The MIME type is the sniffed one (``indexer.mime``), never the file name's, and files are read by content: the
path is a blob named by its hash, without an extension. Every type Arsip accepts by default
(``archive_service.config.DEFAULT_ALLOWED_MIME_TYPES``) has an extractor here, old binary Word and Excel included
(``legacy.py``); other types (archives, or one an operator allowed) give an empty ``Extraction`` with method
"unsupported": the file is still archived and findable by its metadata, and that is not an error.

PDFs and images (``PAGED_TYPES``) can also be extracted in two steps, which is how the extraction scheduler shares
OCR out between processes: ``plan_file`` reads what needs no OCR and lists the pages that do (``ocr_todo``), and
``ocr_file`` OCRs some of those pages; ``indexer.extract.model.merge_ocr`` puts the pieces together.

Test hooks: with ``ARSIP_EXTRACT_TEST_HOOKS=1`` in the environment, three private MIME types misbehave on
purpose so the pool's limits can be tested without hostile files: ``application/x-arsip-test-sleep`` sleeps for
the number of seconds written in the file, ``application/x-arsip-test-progress`` does the same but reports
progress every 0.2 s (as OCR does after each page), ``application/x-arsip-test-memory`` allocates 2 GB and
``application/x-arsip-test-crash`` kills its own process. Without the variable they are unknown types.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path

from .model import Extraction, ExtractionFailed
from .ocr import DEFAULT_LANG, DEFAULT_TIMEOUT_S

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/tiff"})
SUPPORTED_TYPES = frozenset(
    {"application/pdf", DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS, "text/plain", "text/csv", "text/html", "message/rfc822"}
    | IMAGE_TYPES
)
PAGED_TYPES = frozenset({"application/pdf"} | IMAGE_TYPES)
TEST_HOOKS_ENV = "ARSIP_EXTRACT_TEST_HOOKS"


def extract_file(
    path: Path,
    mime: str,
    *,
    ocr: bool = True,
    ocr_lang: str = DEFAULT_LANG,
    max_ocr_pages: int | None = None,
    ocr_timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[..., None] | None = None,
) -> Extraction:
    """Extract the text of ``path``, whose content is of type ``mime``.

    Raises ``ExtractionFailed`` for files that claim a supported type but cannot be read; any other exception
    means the same and is for the caller (the pool) to classify. Run hostile input through ``ExtractionPool``,
    which adds the time and memory limits this function does not have.
    """
    path = Path(path)
    if not path.is_file():
        raise ExtractionFailed("io", f"no such file: {path}")
    mime = mime.split(";", 1)[0].strip().lower()
    if mime == "application/pdf":
        from .pdf import extract_pdf

        return extract_pdf(
            path,
            ocr=ocr,
            ocr_lang=ocr_lang,
            max_ocr_pages=max_ocr_pages,
            ocr_timeout_s=ocr_timeout_s,
            progress=progress,
        )
    if mime in IMAGE_TYPES:
        from .ocr import extract_image

        return extract_image(
            path,
            ocr=ocr,
            ocr_lang=ocr_lang,
            ocr_timeout_s=ocr_timeout_s,
            progress=progress,
            max_ocr_pages=max_ocr_pages,
        )
    if mime in (DOCX, XLSX, PPTX, ODT, ODS):
        from . import office

        reader = {
            DOCX: office.extract_docx,
            XLSX: office.extract_xlsx,
            PPTX: office.extract_pptx,
            ODT: office.extract_odf,
            ODS: office.extract_odf,
        }[mime]
        return reader(path)
    if mime in (DOC, XLS):
        from . import legacy

        return legacy.extract_doc(path) if mime == DOC else legacy.extract_xls(path)
    if mime in ("text/plain", "text/csv", "text/html", "message/rfc822"):
        from . import text

        if mime == "text/html":
            return text.extract_html(path)
        if mime == "message/rfc822":
            return text.extract_eml(path)
        return text.extract_plain(path)
    if mime.startswith("application/x-arsip-test-") and os.environ.get(TEST_HOOKS_ENV) == "1":
        return _test_hook(path, mime, progress)
    return Extraction(pages=[], method="unsupported")


def plan_file(path: Path, mime: str, *, progress: Callable[..., None] | None = None) -> Extraction:
    """The first step of a PDF or an image: its text without OCR, and in ``ocr_todo`` the pages OCR should read."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionFailed("io", f"no such file: {path}")
    mime = mime.split(";", 1)[0].strip().lower()
    if mime == "application/pdf":
        from .pdf import plan_pdf

        return plan_pdf(path, progress=progress)
    if mime in IMAGE_TYPES:
        from .ocr import plan_image

        return plan_image(path)
    raise ValueError(f"{mime} is not extracted in steps")


def ocr_file(
    path: Path,
    mime: str,
    pages: Collection[int],
    *,
    ocr_lang: str = DEFAULT_LANG,
    ocr_timeout_s: float = DEFAULT_TIMEOUT_S,
    progress: Callable[..., None] | None = None,
) -> dict[int, str | None]:
    """The second step: OCR text of some pages of a PDF or frames of an image (None where tesseract failed)."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionFailed("io", f"no such file: {path}")
    mime = mime.split(";", 1)[0].strip().lower()
    if mime == "application/pdf":
        from .pdf import ocr_pdf_pages

        return ocr_pdf_pages(path, pages, lang=ocr_lang, timeout_s=ocr_timeout_s, progress=progress)
    if mime in IMAGE_TYPES:
        from .ocr import ocr_image_frames

        return ocr_image_frames(path, pages, lang=ocr_lang, timeout_s=ocr_timeout_s, progress=progress)
    raise ValueError(f"{mime} is not extracted in steps")


def _test_hook(path: Path, mime: str, progress: Callable[..., None] | None) -> Extraction:
    """Misbehave on purpose (see the module docstring). Never reached in production: the variable is unset."""
    if mime in ("application/x-arsip-test-sleep", "application/x-arsip-test-progress"):
        import time

        until = time.monotonic() + float(path.read_text().strip() or "3600")
        while (left := until - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))
            if progress is not None and mime.endswith("-progress"):
                progress()
        return Extraction(pages=["bangun"], method="test")
    if mime == "application/x-arsip-test-memory":
        block = bytearray(2 * 1024**3)
        block[:: 1024 * 1024] = b"x" * len(block[:: 1024 * 1024])
        return Extraction(pages=[str(len(block))], method="test")
    if mime == "application/x-arsip-test-crash":
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    return Extraction(pages=[], method="unsupported")
