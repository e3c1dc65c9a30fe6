"""The period a report covers, from the short forms offices use.

``2026-11`` (a month), ``2026-S1`` / ``2026-S2`` (a semester: the monev cycle of UU 14/2008 Pasal 9(3)),
``2026-Q3`` (a quarter), ``2026`` (a year) and ``2026-01-15..2026-02-14`` (any range, both ends included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..errors import ValidationFailed

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # Indonesian, e.g. "November 2026", "Semester II 2026"
    key: str  # the normalised short form, used in file names

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)


def date_id(day: date) -> str:
    """``30 November 2026``: the date as written in Indonesian official documents (the one date format of every
    generated document; documents are Indonesian whatever the UI language, see ``model``)."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


ISO_DATE = re.compile(r"(?<![\w/.-])(\d{4})-(\d{2})-(\d{2})(?![\w/.-])")


def indonesian_dates(text: str) -> str:
    """Every ISO date in ``text`` written with ``date_id``: ``2026-01-01 s.d. 2026-12-31`` → ``1 Januari 2026 s.d.
    31 Desember 2026``. For text stored with ISO dates (the *kurun waktu* of a frozen daftar arsip line, the *waktu
    pembuatan* of a fixed DIP row); a string that is not a real date (2026-13-45) or is part of a longer token
    (an identifier such as ``SK/2026-01-01/7``) is left as it is."""

    def one(match: re.Match[str]) -> str:
        try:
            return date_id(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return ISO_DATE.sub(one, text) if text else text


def period_id(start: date | None, end: date | None) -> str:
    """A *kurun waktu*: ``1 Januari 2012 s.d. 31 Desember 2012``, or the one date there is (empty if none)."""
    if start and end and start != end:
        return f"{date_id(start)} s.d. {date_id(end)}"
    day = start or end
    return date_id(day) if day else ""


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _bad(raw: str) -> ValidationFailed:
    return ValidationFailed(
        f"Periode '{raw}' tidak dikenali; gunakan 2026-11, 2026-S2, 2026-Q3, 2026 atau 2026-01-01..2026-03-31",
        f"Period '{raw}' not understood; use 2026-11, 2026-S2, 2026-Q3, 2026 or 2026-01-01..2026-03-31",
        {"period": ["invalid"]},
    )


def parse_period(raw: str) -> Period:
    """Parse one of the forms above; anything else is a bilingual ``ValidationFailed`` (422)."""
    text = (raw or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            start = date(year, month, 1)
            return Period(start, _month_end(year, month), f"{MONTHS_ID[month - 1]} {year}", text)
        if m := re.fullmatch(r"(\d{4})-[Ss]([12])", text):
            year, half = int(m[1]), int(m[2])
            start = date(year, 1 if half == 1 else 7, 1)
            end = _month_end(year, 6 if half == 1 else 12)
            return Period(start, end, f"Semester {'I' if half == 1 else 'II'} {year}", f"{year}-S{half}")
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
            year, quarter = int(m[1]), int(m[2])
            start = date(year, 3 * quarter - 2, 1)
            return Period(start, _month_end(year, 3 * quarter), f"Triwulan {quarter} {year}", f"{year}-Q{quarter}")
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), f"Tahun {year}", text)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if end < start:
                raise _bad(raw)
            return Period(start, end, f"{date_id(start)} s.d. {date_id(end)}", text)
    except ValueError as exc:  # e.g. month 13, day 31 of a short month
        raise _bad(raw) from exc
    raise _bad(raw)


def semester_of(day: date) -> Period:
    return parse_period(f"{day.year}-S{1 if day.month <= 6 else 2}")


def month_of(day: date) -> Period:
    return parse_period(f"{day.year}-{day.month:02d}")
