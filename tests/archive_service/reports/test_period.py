"""The short period forms offices write, and the refusal of everything else (no guessing)."""

from __future__ import annotations

from datetime import date

import pytest

from archive_service.errors import ValidationFailed
from archive_service.reports.period import date_id, month_of, parse_period, semester_of


@pytest.mark.parametrize(
    ("raw", "start", "end", "label"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Februari 2024"),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), "Desember 2026"),
        ("2026-S1", date(2026, 1, 1), date(2026, 6, 30), "Semester I 2026"),
        ("2026-s2", date(2026, 7, 1), date(2026, 12, 31), "Semester II 2026"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Triwulan 3 2026"),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "Tahun 2026"),
        (" 2026-01-15..2026-02-14 ", date(2026, 1, 15), date(2026, 2, 14), "15 Januari 2026 s.d. 14 Februari 2026"),
    ],
)
def test_period_forms(raw: str, start: date, end: date, label: str) -> None:
    period = parse_period(raw)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(period.end_exclusive)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2026-13",
        "2026-00",
        "2026-S3",
        "2026-Q5",
        "26-11",
        "2026-02-30..2026-03-01",
        "2026-03-01..2026-02-01",
        "November 2026",
        "2026-11-01",
    ],
)
def test_anything_else_is_refused_in_both_languages(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_period(raw)
    assert "Periode" in caught.value.detail_id and "Period" in caught.value.detail_en
    assert caught.value.errors == {"period": ["invalid"]}


def test_helpers() -> None:
    assert date_id(date(2026, 11, 30)) == "30 November 2026"
    assert semester_of(date(2026, 6, 30)).key == "2026-S1"
    assert semester_of(date(2026, 7, 1)).key == "2026-S2"
    assert month_of(date(2026, 2, 3)).end == date(2026, 2, 28)
