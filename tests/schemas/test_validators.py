"""Domain validators: classification codes, record numbers, unit codes, access groups, document dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from marshmallow import ValidationError

from schemas.base import split_bilingual
from schemas.validators import (
    classification_ancestors,
    unique_items,
    validate_access_group,
    validate_classification_code,
    validate_doc_date,
    validate_record_no,
    validate_unit_code,
)


@pytest.mark.parametrize("code", ["000", "000.5", "000.5.6", "000.5.6.2", "500.12.18.1", "400.14", "999.999.999.999"])
def test_valid_classification_codes(code: str) -> None:
    assert validate_classification_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "5",
        "00",
        "000.",
        "000..5",
        "000.5.6.2.1",
        "abc",
        "0000.1",
        " 000.5",
        "000.5 ",
        "000.5\n",
        "000.1234",
        ".000",
        "000-5",
        "٠٠٠",  # Arabic-Indic digits match \d but are not a code
        "",
        None,
        5,
    ],
)
def test_invalid_classification_codes(code: object) -> None:
    with pytest.raises(ValidationError) as info:
        validate_classification_code(code)
    id_text, en_text = split_bilingual(info.value.messages[0])
    assert "Kode klasifikasi" in id_text and "classification code" in en_text


def test_classification_ancestors() -> None:
    assert classification_ancestors("000.5.6.2") == ["000", "000.5", "000.5.6", "000.5.6.2"]
    assert classification_ancestors("500") == ["500"]
    with pytest.raises(ValidationError):
        classification_ancestors("000..5")


@pytest.mark.parametrize("value", ["1", "B-001/2025", "000.5.6.2/12/2025", "a_b.c-d", "x" * 64])
def test_valid_record_numbers(value: str) -> None:
    assert validate_record_no(value) == value


@pytest.mark.parametrize("value", ["", "-1", "/x", ".x", "x" * 65, "a b", "a\\b", "ä1", "1\n"])
def test_invalid_record_numbers(value: str) -> None:
    with pytest.raises(ValidationError, match="Nomor arsip"):
        validate_record_no(value)


@pytest.mark.parametrize("value", ["diskominfo", "setda-hukum", "unit_1", "x" * 32])
def test_valid_unit_codes(value: str) -> None:
    assert validate_unit_code(value) == value


@pytest.mark.parametrize("value", ["", "Diskominfo", "dinas kesehatan", "x" * 33, "a.b", "a/b"])
def test_invalid_unit_codes(value: str) -> None:
    with pytest.raises(ValidationError, match="Kode unit"):
        validate_unit_code(value)


def test_access_group_names() -> None:
    assert validate_access_group("ppid_utama") == "ppid_utama"
    for bad in ["", "PPID", "a b", "x" * 65]:
        with pytest.raises(ValidationError, match="grup akses"):
            validate_access_group(bad)


def test_doc_date_may_be_at_most_one_day_ahead() -> None:
    today = dt.date(2025, 3, 10)
    assert validate_doc_date(dt.date(2025, 3, 11), today=today) == dt.date(2025, 3, 11)
    assert validate_doc_date(dt.date(1945, 8, 17), today=today) == dt.date(1945, 8, 17)
    with pytest.raises(ValidationError, match="2025-03-11"):
        validate_doc_date(dt.date(2025, 3, 12), today=today)


def test_unique_items() -> None:
    assert unique_items(["a", "b"]) == ["a", "b"]
    with pytest.raises(ValidationError, match=re.escape("Nilai ganda: b. / Duplicate value: b.")):
        unique_items(["a", "b", "b"])
