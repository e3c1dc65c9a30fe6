"""Retention arithmetic: leap years, trigger events, approval authority, the JRA entry covering a code."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import retention
from retention.periods import parse_period
from retention.rules import (
    APPROVAL_THRESHOLD_YEARS,
    RetentionDates,
    add_years,
    compute_dates,
    destruction_authority,
    longest_prefix,
    total_years,
)

P = parse_period


# --------------------------------------------------------------------------------------------------------------
# add_years


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2024, 3, 15), 2, date(2026, 3, 15)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),  # leap day into a common year: the earlier day
        (date(2024, 2, 29), 4, date(2028, 2, 29)),  # leap day into a leap year: unchanged
        (date(2096, 2, 29), 4, date(2100, 2, 28)),  # 2100 is not a leap year
        (date(1996, 2, 29), 4, date(2000, 2, 29)),  # 2000 is
        (date(2023, 12, 31), 0, date(2023, 12, 31)),
        (date(2025, 2, 28), -1, date(2024, 2, 28)),
    ],
)
def test_add_years(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected


def test_add_years_beyond_the_calendar_fails() -> None:
    with pytest.raises(ValueError):
        add_years(date(9999, 2, 28), 1)
    with pytest.raises(ValueError):
        add_years(date(9996, 2, 29), 4)


@given(
    first=st.dates(max_value=date(9000, 12, 31)),
    second=st.dates(max_value=date(9000, 12, 31)),
    years=st.integers(min_value=0, max_value=100),
)
def test_add_years_is_monotonic_and_never_overshoots(first: date, second: date, years: int) -> None:
    earlier, later = sorted((first, second))
    assert add_years(earlier, years) <= add_years(later, years)
    moved = add_years(earlier, years)
    assert moved.year == earlier.year + years
    assert (moved.month, moved.day) == (earlier.month, earlier.day) or (earlier.month, earlier.day) == (2, 29)


# --------------------------------------------------------------------------------------------------------------
# compute_dates

RECORD_DATE = date(2024, 2, 29)


def test_no_triggers_runs_from_the_record_date() -> None:
    assert compute_dates(P("2 th"), P("3 th"), RECORD_DATE, None) == RetentionDates(
        date(2026, 2, 28), date(2029, 2, 28), None
    )


def test_trigger_date_is_ignored_without_triggers() -> None:
    assert compute_dates(P("2 th"), P("3 th"), RECORD_DATE, date(2030, 1, 1)).inactive_until == date(2029, 2, 28)


def test_active_trigger_waits_for_the_event() -> None:
    active = P("3 th setelah dipertanggungjawabkan")
    assert compute_dates(active, P("7 th"), RECORD_DATE, None) == RetentionDates(None, None, "dipertanggungjawabkan")


def test_active_trigger_starts_on_the_event() -> None:
    active = P("3 th setelah dipertanggungjawabkan")
    assert compute_dates(active, P("7 th"), RECORD_DATE, date(2025, 6, 30)) == RetentionDates(
        date(2028, 6, 30), date(2035, 6, 30), None
    )


def test_selama_berlaku_ends_the_active_period_on_the_event() -> None:
    dates = compute_dates(P("Selama Berlaku"), P("2 th"), date(2020, 1, 1), date(2024, 5, 2))
    assert dates == RetentionDates(date(2024, 5, 2), date(2026, 5, 2), None)


def test_inactive_trigger_waits_after_the_active_period() -> None:
    dates = compute_dates(P("2 th"), P("5 th setelah pemeriksaan"), date(2024, 1, 10), None)
    assert dates == RetentionDates(date(2026, 1, 10), None, "pemeriksaan")


def test_inactive_trigger_after_the_active_period_ends() -> None:
    dates = compute_dates(P("2 th"), P("5 th setelah pemeriksaan"), date(2024, 1, 10), date(2027, 3, 1))
    assert dates == RetentionDates(date(2026, 1, 10), date(2032, 3, 1), None)


def test_inactive_period_never_starts_before_the_active_period_ends() -> None:
    dates = compute_dates(P("2 th"), P("5 th setelah pemeriksaan"), date(2024, 1, 10), date(2025, 3, 1))
    assert dates == RetentionDates(date(2026, 1, 10), date(2031, 1, 10), None)


def test_one_trigger_date_serves_both_periods() -> None:
    dates = compute_dates(P("Selama Berlaku"), P("2 th setelah tidak berlaku"), date(2020, 1, 1), date(2024, 2, 29))
    assert dates == RetentionDates(date(2024, 2, 29), date(2026, 2, 28), None)
    assert compute_dates(P("Selama Berlaku"), P("2 th setelah dicabut"), date(2020, 1, 1), None).waiting_for == (
        "tidak_berlaku"
    )


def test_dash_periods_are_zero_years() -> None:
    assert compute_dates(P("-"), P("0"), date(2024, 1, 1), None) == RetentionDates(
        date(2024, 1, 1), date(2024, 1, 1), None
    )


# --------------------------------------------------------------------------------------------------------------
# total years and approval


def test_total_years() -> None:
    assert total_years(P("2 th"), P("3 th")) == 5
    assert total_years(P("Selama Berlaku"), P("10 th")) == 10


@pytest.mark.parametrize(
    ("total", "authority"),
    [(0, "kepala_daerah"), (9, "kepala_daerah"), (10, "kepala_anri"), (11, "kepala_anri"), (100, "kepala_anri")],
)
def test_destruction_authority(total: int, authority: str) -> None:
    assert APPROVAL_THRESHOLD_YEARS == 10
    assert destruction_authority(total) == authority


def test_destruction_authority_of_a_real_row() -> None:
    assert destruction_authority(total_years(P("2 th"), P("7 th"))) == "kepala_daerah"
    assert destruction_authority(total_years(P("3 th"), P("7 th"))) == "kepala_anri"


def test_negative_total_is_refused() -> None:
    with pytest.raises(ValueError):
        destruction_authority(-1)


# --------------------------------------------------------------------------------------------------------------
# longest_prefix

CLASS_CODES = [
    (1, "000"),
    (2, "000.5"),
    (3, "000.5.6"),
    (4, "000.5.6.2"),
    (5, "000.51"),
    (6, "500.12.18.1"),
    (7, "500.12.18.1"),  # one code, several record types
    (8, "500.12"),
    (9, "500.12.18.1"),
]


@pytest.mark.parametrize(
    ("code", "ids"),
    [
        ("000.5.6.2", [4]),
        ("000.5.6.3", [3]),
        ("000.5.7", [2]),
        ("000.51", [5]),
        ("000.51.2", [5]),
        ("000.52", [1]),  # 000.5 is not a prefix of 000.52, but 000 is
        ("000", [1]),
        ("500.12.18.1", [6, 7, 9]),  # ties come back in input order
        ("500.12.18.10", [8]),  # 500.12.18.1 is not a prefix of 500.12.18.10
        ("500.12.16.1", [8]),
        ("900.1", []),
        ("500", []),
    ],
)
def test_longest_prefix(code: str, ids: list[int]) -> None:
    assert longest_prefix(code, CLASS_CODES) == ids


def test_longest_prefix_consumes_an_iterator_once() -> None:
    assert longest_prefix("000.5.6.2", iter(CLASS_CODES)) == [4]
    assert longest_prefix("000.5", []) == []


# --------------------------------------------------------------------------------------------------------------
# The package rule (DESIGN.md §1): standard library, schemas and openpyxl only


PACKAGE = Path(retention.__file__).parent
ALLOWED = {"schemas", "retention", "openpyxl", "__future__"}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_module_imports_only_stdlib_schemas_and_openpyxl(path: Path) -> None:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    assert roots - ALLOWED - set(sys.stdlib_module_names) == set()
    assert "os" not in roots and "sqlalchemy" not in roots


def test_import_stays_light() -> None:
    code = (
        "import sys, retention, retention.jra_import; heavy = ('flask', 'archive_service', 'indexer', 'sqlalchemy', "
        "'openpyxl'); print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"
