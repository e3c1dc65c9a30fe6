"""Domain validators (classification codes, record numbers, unit codes) and bilingual stock validators.

Why: the same rules are checked at the API boundary (as marshmallow validators) and inside services, CLI
imports and the search layer (as plain functions), so each rule is one function here. Every function raises
`marshmallow.ValidationError` with a bilingual message (see `schemas.base.bilingual`), and returns the value
it accepted so callers can write ``code = validate_classification_code(raw)``.

The stock validators (`Length`, `Range`, `OneOf`, `Email`) subclass marshmallow's only to translate their
messages; apispec still recognises them, so lengths, bounds and choices still appear in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterable

from marshmallow import ValidationError, validate

from schemas.base import bilingual

__all__ = [
    "ACCESS_GROUP_PATTERN",
    "CLASSIFICATION_CODE_PATTERN",
    "RECORD_NO_PATTERN",
    "UNIT_CODE_PATTERN",
    "Email",
    "Length",
    "OneOf",
    "Range",
    "classification_ancestors",
    "unique_items",
    "validate_access_group",
    "validate_classification_code",
    "validate_doc_date",
    "validate_record_no",
    "validate_unit_code",
]

CLASSIFICATION_CODE_PATTERN = r"^[0-9]{3}(\.[0-9]{1,3}){0,3}$"
"""A three-digit top level, then up to three dot-separated levels of 1-3 digits (Permendagri 83/2022)."""

RECORD_NO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,63}$"
UNIT_CODE_PATTERN = r"^[a-z0-9_-]{1,32}$"
ACCESS_GROUP_PATTERN = r"^[a-z0-9_-]{1,64}$"

# ASCII-only classes ([0-9], not \d, which also matches e.g. Arabic-Indic digits) and fullmatch (``$`` alone
# would accept a trailing newline).
_CLASSIFICATION_CODE_RE = re.compile(CLASSIFICATION_CODE_PATTERN)
_RECORD_NO_RE = re.compile(RECORD_NO_PATTERN)
_UNIT_CODE_RE = re.compile(UNIT_CODE_PATTERN)
_ACCESS_GROUP_RE = re.compile(ACCESS_GROUP_PATTERN)

DOC_DATE_MAX_FUTURE = dt.timedelta(days=1)
"""How far ahead a document date may lie (time zones and late-evening letters dated tomorrow)."""


def _check(pattern: re.Pattern[str], value: typing.Any, message: str) -> str:
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise ValidationError(message)
    return value


def validate_classification_code(code: typing.Any) -> str:
    """Check a *kode klasifikasi* such as ``000.5.6.2`` (1 to 4 levels); return it unchanged."""
    return _check(
        _CLASSIFICATION_CODE_RE,
        code,
        bilingual(
            "Kode klasifikasi tidak sah: tiga digit, lalu hingga tiga tingkat angka dipisah titik (mis. 000.5.6.2).",
            "Invalid classification code: three digits, then up to three dot-separated numeric levels "
            "(e.g. 000.5.6.2).",
        ),
    )


def classification_ancestors(code: str) -> list[str]:
    """Every prefix of a valid classification code, top level first: ``000.5.6`` → ``[000, 000.5, 000.5.6]``.

    Indexed with each record so a search for ``000.5`` finds everything filed below it.
    """
    parts = validate_classification_code(code).split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def validate_record_no(value: typing.Any) -> str:
    """Check a *nomor item arsip*: 1-64 of ``A-Z a-z 0-9 . / _ -``, starting with a letter or digit."""
    return _check(
        _RECORD_NO_RE,
        value,
        bilingual(
            "Nomor arsip tidak sah: 1-64 karakter huruf, angka, '.', '/', '_' atau '-', diawali huruf atau angka.",
            "Invalid record number: 1-64 letters, digits, '.', '/', '_' or '-', starting with a letter or digit.",
        ),
    )


def validate_unit_code(value: typing.Any) -> str:
    """Check a unit (*unit pengolah*) code: 1-32 of lower-case ``a-z 0-9 _ -``."""
    return _check(
        _UNIT_CODE_RE,
        value,
        bilingual(
            "Kode unit tidak sah: 1-32 karakter huruf kecil, angka, '_' atau '-'.",
            "Invalid unit code: 1-32 lower-case letters, digits, '_' or '-'.",
        ),
    )


def validate_access_group(value: typing.Any) -> str:
    """Check an access-group name: 1-64 of lower-case ``a-z 0-9 _ -``."""
    return _check(
        _ACCESS_GROUP_RE,
        value,
        bilingual(
            "Nama grup akses tidak sah: 1-64 karakter huruf kecil, angka, '_' atau '-'.",
            "Invalid access group: 1-64 lower-case letters, digits, '_' or '-'.",
        ),
    )


def validate_doc_date(value: dt.date, *, today: dt.date | None = None) -> dt.date:
    """Refuse a document date more than `DOC_DATE_MAX_FUTURE` after `today` (default: the local date)."""
    limit = (today or dt.date.today()) + DOC_DATE_MAX_FUTURE
    if value > limit:
        raise ValidationError(
            bilingual(
                f"Tanggal dokumen tidak boleh setelah {limit.isoformat()}.",
                f"Document date may not be after {limit.isoformat()}.",
            )
        )
    return value


def unique_items(values: Iterable[typing.Any]) -> Iterable[typing.Any]:
    """Refuse a list that holds the same value twice (naming the first duplicate)."""
    seen: set[typing.Any] = set()
    for value in values:
        if value in seen:
            raise ValidationError(bilingual(f"Nilai ganda: {value}.", f"Duplicate value: {value}."))
        seen.add(value)
    return values


class Length(validate.Length):
    """`marshmallow.validate.Length` with bilingual messages."""

    message_min = bilingual("Panjang minimal {min}.", "Shorter than minimum length {min}.")
    message_max = bilingual("Panjang maksimal {max}.", "Longer than maximum length {max}.")
    message_all = bilingual("Panjang harus antara {min} dan {max}.", "Length must be between {min} and {max}.")
    message_equal = bilingual("Panjang harus {equal}.", "Length must be {equal}.")


class Range(validate.Range):
    """`marshmallow.validate.Range` with bilingual messages."""

    def __init__(
        self,
        min: typing.Any = None,
        max: typing.Any = None,
        *,
        min_inclusive: bool = True,
        max_inclusive: bool = True,
        error: str | None = None,
    ) -> None:
        super().__init__(min, max, min_inclusive=min_inclusive, max_inclusive=max_inclusive, error=error)
        lo_id, lo_en = ("minimal", "greater than or equal to") if min_inclusive else ("lebih dari", "greater than")
        hi_id, hi_en = ("maksimal", "less than or equal to") if max_inclusive else ("kurang dari", "less than")
        self.message_min = bilingual(f"Harus {lo_id} {{min}}.", f"Must be {lo_en} {{min}}.")
        self.message_max = bilingual(f"Harus {hi_id} {{max}}.", f"Must be {hi_en} {{max}}.")
        self.message_all = bilingual(
            f"Harus {lo_id} {{min}} dan {hi_id} {{max}}.", f"Must be {lo_en} {{min}} and {hi_en} {{max}}."
        )


class OneOf(validate.OneOf):
    """`marshmallow.validate.OneOf` with a bilingual message."""

    default_message = bilingual("Harus salah satu dari: {choices}.", "Must be one of: {choices}.")


class Email(validate.Email):
    """`marshmallow.validate.Email` with a bilingual message."""

    default_message = bilingual("Bukan alamat email yang sah.", "Not a valid email address.")
