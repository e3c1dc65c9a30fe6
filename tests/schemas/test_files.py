"""Filename rule for uploads, and the file dump schema."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from marshmallow import ValidationError

from schemas.base import SEPARATOR
from schemas.files import FileSchema, validate_filename


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "..",
        ".",
        "...",
        "../x.pdf",
        "..\\x.pdf",
        "a/b.pdf",
        "/etc/passwd",
        "a\\b.pdf",
        "a\x00b.pdf",
        "a\nb",
        "a\rb.pdf",
        "a\tb.pdf",
        "a\x7fb.pdf",
        "\u202eevil.pdf",
        "zero\u200bwidth.pdf",
        "line\u2028sep.pdf",
        "x" * 300 + ".pdf",
        "é" * 128,  # 128 characters but 256 UTF-8 bytes
        None,
        b"bytes.pdf",
    ],
)
def test_refused_filenames(name: object) -> None:
    with pytest.raises(ValidationError) as info:
        validate_filename(name)
    assert SEPARATOR in info.value.messages[0]


@pytest.mark.parametrize(
    "name",
    [
        "laporan.pdf",
        "Peraturan (Lamp I) — é.pdf",
        "SK Bupati No. 12 Tahun 2025.docx",
        "..hidden",
        "a..b.pdf",
        "x" * 255,
    ],
)
def test_accepted_filenames(name: str) -> None:
    assert validate_filename(name) == name


def test_filename_is_nfc_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Surat Keputusan é.pdf")
    assert decomposed != "Surat Keputusan é.pdf"
    result = validate_filename(decomposed)
    assert result == "Surat Keputusan é.pdf"
    assert unicodedata.is_normalized("NFC", result)


def test_surrounding_spaces_trimmed() -> None:
    assert validate_filename("  nota dinas.pdf ") == "nota dinas.pdf"


def test_byte_limit_counts_utf8_bytes() -> None:
    assert validate_filename("é" * 127 + "a") == "é" * 127 + "a"  # 255 bytes
    with pytest.raises(ValidationError, match="256"):
        validate_filename("é" * 127 + "ab")


def test_control_character_named_in_message() -> None:
    with pytest.raises(ValidationError, match="U\\+202E"):
        validate_filename("\u202eevil.pdf")


class _Row:
    """Stands in for the ORM row, which stores the blob address as ``blob_sha256``."""

    id = 7
    filename = "nota.pdf"
    mime = "application/pdf"
    size = 1024
    blob_sha256 = "ab" * 32
    created_at = dt.datetime(2025, 1, 2, 3, 4, 5)
    created_by = None


NOT_READ = {
    "state": "pending",
    "label": "Menunggu dibaca",
    "label_en": "Waiting to be read",
    "reason": None,
    "reason_en": None,
    "pages": 0,
    "ocr_pages": 0,
}


def test_file_dump() -> None:
    assert FileSchema().dump(_Row()) == {
        "id": 7,
        "filename": "nota.pdf",
        "mime": "application/pdf",
        "size": 1024,
        "sha256": "ab" * 32,
        "created_at": "2025-01-02T03:04:05+00:00",
        "created_by": None,
        "extraction": NOT_READ,  # no extraction row yet
    }
