"""Files attached to a record: the dump schema and the filename rule the upload service applies.

Why: a client-supplied filename ends up in ``Content-Disposition`` headers, ZIP exports, the search index and
sometimes on disk at an operator's workstation. `validate_filename` is the one gate: no path separators or
traversal, no control or bidirectional-override characters (``U+202E`` makes ``evil\u202efdp.exe`` display as
``evilexe.pdf``), at most 255 UTF-8 bytes (the common filesystem limit), NFC-normalised so the same name typed
on macOS (NFD) and Windows (NFC) compares equal. Blobs themselves are stored by SHA-256, never by this name.
"""

from __future__ import annotations

import typing
import unicodedata
from typing import Any

from marshmallow import ValidationError
from marshmallow.fields import Method

from schemas.base import BaseSchema, DateTime, Integer, String, Username, bilingual

__all__ = ["FILENAME_MAX_BYTES", "FileSchema", "validate_filename"]

FILENAME_MAX_BYTES = 255

# Cc: C0/C1 controls incl. NUL, newline, DEL. Cf: format chars incl. bidi overrides (U+202E),
# zero-width chars, BOM. Cs: lone surrogates (not encodable). Zl/Zp: line and paragraph separators
# (they break header and CSV lines).
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _refuse(id_text: str, en_text: str) -> typing.NoReturn:
    raise ValidationError(bilingual(id_text, en_text))


def validate_filename(name: typing.Any) -> str:
    """Return `name` NFC-normalised and space-trimmed, or raise a bilingual `ValidationError`."""
    if not isinstance(name, str):
        _refuse("Nama berkas harus berupa teks.", "File name must be a string.")
    name = unicodedata.normalize("NFC", name)
    for char in name:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            _refuse(
                f"Nama berkas memuat karakter kendali U+{ord(char):04X}.",
                f"File name contains control character U+{ord(char):04X}.",
            )
    name = name.strip(" ")
    if not name:
        _refuse("Nama berkas wajib diisi.", "File name is required.")
    if "/" in name or "\\" in name:
        _refuse("Nama berkas tidak boleh memuat '/' atau '\\'.", "File name may not contain '/' or '\\'.")
    if set(name) == {"."}:
        _refuse("Nama berkas tidak boleh hanya berisi titik.", "File name may not consist of dots only.")
    size = len(name.encode("utf-8"))
    if size > FILENAME_MAX_BYTES:
        _refuse(
            f"Nama berkas terlalu panjang ({size} byte, maksimal {FILENAME_MAX_BYTES}).",
            f"File name too long ({size} bytes, at most {FILENAME_MAX_BYTES}).",
        )
    return name


# Where text extraction of a file stands, as staff read it on the record (Indonesian, English); the state values are
# those of the ``extractions`` table, ``pending`` standing also for "not tried yet".
EXTRACTION_STATE_LABELS: dict[str, tuple[str, str]] = {
    "pending": ("Menunggu dibaca", "Waiting to be read"),
    "done": ("Teks terbaca", "Text extracted"),
    "ocr_pending": ("Menunggu OCR", "Waiting for OCR"),
    "ocr_partial": ("OCR sebagian", "OCR partial"),
    "failed": ("Gagal dibaca", "Extraction failed"),
    "unsupported": ("Jenis tidak dibaca", "Type not read"),
}
# Why extraction failed, by the extractor's reason code (indexer.extract.model.ExtractionFailed).
EXTRACTION_REASONS: dict[str, tuple[str, str]] = {
    "timeout": ("Waktu pembacaan habis", "Reading took too long"),
    "memory": ("Melebihi batas memori", "Over the memory limit"),
    "corrupt": ("Berkas rusak atau bukan jenisnya", "The file is damaged or not of its type"),
    "encrypted": ("Berkas terkunci kata sandi", "The file is password-protected"),
    "unsupported": ("Jenis berkas tidak dibaca", "This type is not read"),
    "crashed": ("Proses pembaca berhenti", "The reading process stopped"),
    "io": ("Berkas tidak dapat dibuka", "The file could not be opened"),
    "ocr": ("OCR gagal", "OCR failed"),
    "limit": ("Melebihi batas ukuran isi", "Over a content limit"),
}


def extraction_view(extraction: Any) -> dict[str, Any]:
    """State, labels and (for a failure) the reason of a file's extraction row (``None``: not tried yet)."""
    state = getattr(extraction, "state", None) or "pending"
    label_id, label_en = EXTRACTION_STATE_LABELS.get(state, (state, state))
    error = getattr(extraction, "error", None) or ""
    code = error.split(":", 1)[0].strip() if error else ""
    reason = EXTRACTION_REASONS.get(code) if state in {"failed", "unsupported", "ocr_partial"} else None
    if reason is None and state == "failed" and error:
        reason = (error[:200], error[:200])  # a reason code this table does not know: the extractor's words
    return {
        "state": state,
        "label": label_id,
        "label_en": label_en,
        "reason": reason[0] if reason else None,
        "reason_en": reason[1] if reason else None,
        "pages": getattr(extraction, "page_count", 0) or 0,
        "ocr_pages": getattr(extraction, "ocr_pages", 0) or 0,
    }


class FileSchema(BaseSchema):
    """A stored file of a record (dump only). ``sha256`` is the blob address and the fixity value; ``extraction``
    says how far reading its text got (done, waiting for OCR, OCR partial, failed with the reason)."""

    id = Integer(dump_only=True)
    filename = String(dump_only=True)
    mime = String(dump_only=True)
    size = Integer(dump_only=True, metadata={"description": "Bytes"})
    sha256 = String(dump_only=True, aliases=("blob_sha256",))
    created_at = DateTime(dump_only=True)
    created_by = Username(dump_only=True, allow_none=True)
    extraction = Method("_extraction", dump_only=True)

    def _extraction(self, obj: Any) -> dict[str, Any]:
        return extraction_view(getattr(obj, "extraction", None))
