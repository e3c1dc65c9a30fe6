"""The result of extracting text from one file, and the error a file can fail with.

The text is stored as a derived blob beside the original, so it keeps page boundaries: a search hit can name the
page, and re-indexing (a new analyser, a new engine) never has to re-open the original file. JSON rather than
pickle because the blob outlives the code that wrote it and must never execute anything when read back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from ..analysis import Analyzed

_ALNUM = re.compile(r"[^\W_]")

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Extraction:
    """Text of one file, one string per page (a PDF page, a spreadsheet sheet, a slide; other types have one).

    ``ocr_pending`` is True when some page needed OCR and did not get it (tesseract absent, OCR turned off, or the
    page was beyond ``max_ocr_pages``), so a later run with OCR can find the file again. ``ocr_pages`` counts the
    pages whose text came from OCR.

    ``ocr_todo`` lists (0-based) the pages still waiting for OCR, and ``partial`` says why they wait: True when OCR
    ran but stopped at the file's page cap or its time budget (a retry resumes with exactly these pages), False
    when OCR could not run at all (a retry starts over).
    """

    pages: list[str]
    method: str
    ocr_pending: bool = False
    ocr_pages: int = 0
    ocr_todo: tuple[int, ...] = ()
    partial: bool = False
    # The text analysed in the worker process (``ExtractionPool(analyze=True)``): not part of the stored JSON.
    analyzed: Analyzed | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        """All pages as one string; a blank line between pages keeps the last word of a page from fusing with the
        first of the next."""
        return "\n\n".join(self.pages)

    @property
    def is_empty(self) -> bool:
        return not any(page.strip() for page in self.pages)

    def to_json_bytes(self) -> bytes:
        doc: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "method": self.method,
            "ocr_pending": self.ocr_pending,
            "ocr_pages": self.ocr_pages,
            "pages": list(self.pages),
        }
        if self.ocr_todo:  # only then: blobs of complete extractions stay byte-identical to before
            doc["ocr_todo"] = list(self.ocr_todo)
            doc["partial"] = self.partial
        # ensure_ascii=False: Indonesian text stays readable and about half the size of \u escapes.
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json_bytes(cls, data: bytes | str) -> Extraction:
        doc: Any = json.loads(data)
        if not isinstance(doc, dict) or doc.get("v") != FORMAT_VERSION:
            raise ValueError(f"not an Arsip extraction blob of version {FORMAT_VERSION}")
        pages = doc.get("pages")
        if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
            raise ValueError("extraction blob has no list of page strings")
        todo = doc.get("ocr_todo") or []
        if not isinstance(todo, list) or not all(isinstance(i, int) and 0 <= i < len(pages) for i in todo):
            raise ValueError("extraction blob has a bad list of pages waiting for OCR")
        return cls(
            pages=pages,
            method=str(doc.get("method", "")),
            ocr_pending=bool(doc.get("ocr_pending", False)),
            ocr_pages=int(doc.get("ocr_pages", 0)),
            ocr_todo=tuple(todo),
            partial=bool(doc.get("partial", False)) and bool(todo),
        )


def merge_ocr(base: Extraction, texts: dict[int, str | None], *, left: Collection[int] = ()) -> Extraction:
    """``base`` (a plan, or an earlier partial extraction) with the OCR ``texts`` of some of its pages merged in.

    An OCR text replaces the page's text when it holds more letters and digits. Pages still waiting are those in
    ``left`` (beyond the cap or the budget), those tesseract failed on, and any of ``base.ocr_todo`` not in
    ``texts``; they make the result ``partial``: a retry resumes with exactly them."""
    pages = list(base.pages)
    ocr_pages = base.ocr_pages
    waiting = set(left) | {i for i in base.ocr_todo if i not in texts}
    for index, text in texts.items():
        if text is None:
            waiting.add(index)  # tesseract failed on this page; a later run may do better
        elif text:
            ocr_pages += 1
            if len(_ALNUM.findall(text)) > len(_ALNUM.findall(pages[index])):
                pages[index] = text
    done_by_ocr = base.method == "ocr" or base.method.endswith("+ocr")
    method = base.method if done_by_ocr or not ocr_pages else base.method + "+ocr"
    todo = tuple(sorted(waiting))
    return Extraction(
        pages=pages, method=method, ocr_pending=bool(todo), ocr_pages=ocr_pages, ocr_todo=todo, partial=bool(todo)
    )


class ExtractionFailed(Exception):
    """A file whose text could not be extracted.

    ``reason`` is a short machine code the indexer stores and counts; ``message`` is for people reading logs.
    The file itself is at fault for ``corrupt`` (unreadable as its type), ``encrypted`` (needs a password),
    ``timeout``, ``memory`` (beyond the pool's limits) and ``unsupported``; ``crashed`` means the worker process
    died (a parser bug, or a kill from outside); ``io`` means the file could not be opened at all (missing,
    permissions) and is worth retrying; ``ocr`` is tesseract failing on an image.
    """

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(reason, message)
        self.reason = reason
        self.message = message or reason

    def __str__(self) -> str:
        return self.message  # callers log f"{exc.reason}: {exc}"

    def __repr__(self) -> str:
        return f"ExtractionFailed({self.reason!r}, {self.message!r})"

    def __reduce__(self) -> tuple[type[ExtractionFailed], tuple[str, str]]:
        # Travels between processes; the default Exception pickling would lose the attributes.
        return (type(self), (self.reason, self.message))
