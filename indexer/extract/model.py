"""The result of extracting text from one file, and the error a file can fail with.

The text is stored as a derived blob beside the original, so it keeps page boundaries: a search hit can name the
page, and re-indexing (a new analyser, a new engine) never has to re-open the original file. JSON rather than
pickle because the blob outlives the code that wrote it and must never execute anything when read back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..analysis import Analyzed

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Extraction:
    """Text of one file, one string per page (a PDF page, a spreadsheet sheet, a slide; other types have one).

    ``ocr_pending`` is True when some page needed OCR and did not get it (tesseract absent, OCR turned off, or the
    page was beyond ``max_ocr_pages``), so a later run with OCR can find the file again. ``ocr_pages`` counts the
    pages whose text came from OCR.
    """

    pages: list[str]
    method: str
    ocr_pending: bool = False
    ocr_pages: int = 0
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
        doc = {
            "v": FORMAT_VERSION,
            "method": self.method,
            "ocr_pending": self.ocr_pending,
            "ocr_pages": self.ocr_pages,
            "pages": list(self.pages),
        }
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
        return cls(
            pages=pages,
            method=str(doc.get("method", "")),
            ocr_pending=bool(doc.get("ocr_pending", False)),
            ocr_pages=int(doc.get("ocr_pages", 0)),
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
