"""Retention arithmetic: when the active and inactive periods end, who approves destruction, which JRA row applies.

Why pure functions: these answers decide when records may be moved or destroyed (UU 43/2009; destroying
records outside the procedure is a crime, Pasal 86). They must be the same in the API, the CLI, reports and
tests, and easy to check by hand, so they take plain values and return plain values; the services supply the
dates from the database and record the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from retention.periods import RetentionPeriod

__all__ = [
    "APPROVAL_THRESHOLD_YEARS",
    "AUTHORITY_KEPALA_ANRI",
    "AUTHORITY_KEPALA_DAERAH",
    "RetentionDates",
    "add_years",
    "compute_dates",
    "destruction_authority",
    "longest_prefix",
    "total_years",
]

APPROVAL_THRESHOLD_YEARS = 10
"""Total retention from which destruction needs the Head of ANRI instead of the Kepala Daerah (DOMAIN.md §4.6)."""

AUTHORITY_KEPALA_DAERAH = "kepala_daerah"
AUTHORITY_KEPALA_ANRI = "kepala_anri"


def add_years(d: date, years: int) -> date:
    """``d`` moved by whole calendar years; 29 February becomes 28 February in a non-leap target year.

    Why 28 February and not 1 March: a retention period must not run past the anniversary it names, so the
    earlier day is the safe reading.
    """
    year = d.year + years
    try:
        return d.replace(year=year)
    except ValueError:
        if d.month == 2 and d.day == 29 and 1 <= year <= 9999:
            return d.replace(year=year, day=28)
        raise


@dataclass(frozen=True)
class RetentionDates:
    """When a record's active and inactive periods end; ``waiting_for`` names the event still to be recorded.

    A date is None while its clock has not started (the trigger event has not happened yet).
    """

    active_until: date | None
    inactive_until: date | None
    waiting_for: str | None


def compute_dates(
    active: RetentionPeriod, inactive: RetentionPeriod, base: date, trigger_date: date | None
) -> RetentionDates:
    """End dates of both periods for a record dated ``base`` whose trigger event happened on ``trigger_date``.

    A period without a trigger runs from ``base`` (active) or from the end of the active period (inactive). A
    period with a trigger starts on ``trigger_date`` (the inactive one never before the active period ends);
    until that date is known the period's end, and everything after it, is unknown, and ``waiting_for`` says
    which event is missing. One record has one trigger date, so it serves both periods when both have triggers.
    """
    if active.trigger is None:
        active_start = base
    elif trigger_date is None:
        return RetentionDates(None, None, active.trigger)
    else:
        active_start = trigger_date
    active_until = add_years(active_start, active.years)
    if inactive.trigger is None:
        inactive_start = active_until
    elif trigger_date is None:
        return RetentionDates(active_until, None, inactive.trigger)
    else:
        inactive_start = max(active_until, trigger_date)
    return RetentionDates(active_until, add_years(inactive_start, inactive.years), None)


def total_years(active: RetentionPeriod, inactive: RetentionPeriod) -> int:
    """The *masa simpan*: active plus inactive years (DOMAIN.md §4.4); the measure for the approval threshold."""
    return active.years + inactive.years


def destruction_authority(total: int) -> str:
    """Who approves destroying records with ``total`` years of retention: under 10 the Kepala Daerah, else ANRI."""
    if total < 0:
        raise ValueError("Masa simpan tidak boleh negatif. / Total retention cannot be negative.")
    return AUTHORITY_KEPALA_DAERAH if total < APPROVAL_THRESHOLD_YEARS else AUTHORITY_KEPALA_ANRI


def longest_prefix(code: str, class_codes: Iterable[tuple[int, str]]) -> list[int]:
    """Ids of the JRA entries that apply to ``code``: those with the most specific matching classification code.

    An entry matches when its code equals ``code`` or is a whole-level ancestor of it (``000.5`` covers
    ``000.5.6.2`` but not ``000.51``). Several ids come back when several entries share that code (one code,
    several record types); the caller chooses among them. Input order is kept so the choice is stable.
    """
    best_levels = 0
    best: list[int] = []
    for entry_id, entry_code in class_codes:
        if not _covers(entry_code, code):
            continue
        levels = entry_code.count(".") + 1
        if levels > best_levels:
            best_levels, best = levels, [entry_id]
        elif levels == best_levels:
            best.append(entry_id)
    return best


def _covers(ancestor: str, code: str) -> bool:
    return bool(ancestor) and (code == ancestor or code.startswith(ancestor + "."))
