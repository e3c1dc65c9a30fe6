"""Working calendar and SLA arithmetic: when is a time limit of the SOP due?

The PPID SOP states its time limits as "30 menit", "1 jam", "1 hari", "≤ 1 bulan", "6 bulan". This module turns
such a limit plus a start moment into a due moment, counting only the office's working time:

* :class:`Sla` is a parsed limit (``Sla.parse("1 hari")``); :class:`SlaUnit` its unit (``menit``, ``jam``,
  ``hari``, ``bulan``).
* :class:`WorkCalendar` knows the time zone (WIB by default), the working weekdays (Monday-Friday by default), the
  working hours (08:00-16:00 by default) and the holidays, and computes :meth:`WorkCalendar.add` (due moment) and
  :meth:`WorkCalendar.working_seconds_between` (working time elapsed).

Meaning of the units (what the SOP's time column means in practice):

* ``menit`` / ``jam`` count **working time only**: start at :meth:`WorkCalendar.next_working_moment`, then consume
  working minutes day by day, skipping non-working weekdays, holidays and out-of-hours time. Friday 15:30 WIB
  + 1 jam = Monday 08:30 WIB (Monday not a holiday). A limit that ends exactly at closing time is due at closing
  time (Friday 15:00 + 1 jam = Friday 16:00), not at the next opening.
* ``hari`` counts **working days**: from the next working moment, move forward N working days keeping the time of
  day, so the result is always inside working hours. Friday 10:00 + 1 hari = Monday 10:00; a start outside hours
  first moves to the next working moment (Saturday 09:00 + 1 hari = Tuesday 08:00).
* ``bulan`` counts **calendar months**: same day of the month (clamped to the month's last day) and the same time
  of day, then the next working moment of that. 31 January 10:00 + 1 bulan = 28 February 10:00 (29 in a leap year),
  or the next working moment after it when that day is not a working day.

Working periods are ``[start, end)`` in local time on each working day: 16:00 itself is outside working hours.
All datetimes taken and returned are timezone-aware (a naive datetime raises ``ValueError``); the arithmetic is done
in the calendar's time zone, and :meth:`WorkCalendar.add` returns UTC.

Holiday file (``archive_service/data/holidays_id.csv``, or the file named by the ``holidays_file`` setting)
------------------------------------------------------------------------------------------------------------

A UTF-8 CSV file, editable by the administrator with a spreadsheet or a text editor. The first line is the header
``date,name,kind``; each further line is one day off::

    date,name,kind
    2026-08-17,Hari Kemerdekaan Republik Indonesia,libur
    2026-12-24,Cuti Bersama Hari Raya Natal,cuti_bersama

* ``date``: ISO date ``YYYY-MM-DD``.
* ``name``: free text, in Indonesian (quote it with ``"..."`` if it contains a comma).
* ``kind``: ``libur`` (hari libur nasional, Keppres/SKB) or ``cuti_bersama`` (cuti bersama ASN). Both kinds are
  non-working days for the calendar; the kind is kept for display only.

Blank lines are ignored; CSV has no comment syntax, so notes belong in the ``name`` column. A bad row raises
``ValueError`` naming the file and the line. The file shipped with Arsip lists 2025 and 2026 as set by the SKB of the
three ministers (Menteri Agama, Menteri Ketenagakerjaan, Menteri PANRB), including the August 2025 amendment
(cuti bersama 18 August 2025), and 2027 holidays as best known. **The dates of the Islamic-calendar holidays (Isra
Mikraj, Idul Fitri, Idul Adha, Tahun Baru Islam, Maulid Nabi) and of Nyepi and Waisak are fixed each year by the SKB
of the three ministers, and may be moved by a later amendment; the administrator must check them against the SKB
every year.** The 2027 rows marked "(perkiraan)" are astronomical estimates made before the 2027 SKB, and the 2027
cuti bersama days are not in the file at all; add them when the SKB is published. Regional holidays and office
closures can be added as extra rows.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_HOLIDAYS_FILE",
    "HOLIDAY_KINDS",
    "Holiday",
    "Sla",
    "SlaUnit",
    "WorkCalendar",
    "load_holidays",
    "read_holiday_file",
]

DEFAULT_HOLIDAYS_FILE = Path(__file__).parent / "data" / "holidays_id.csv"
"""The holiday file packaged with Arsip, used when no ``holidays_file`` is configured."""

HOLIDAY_KINDS = frozenset({"libur", "cuti_bersama"})

_HOLIDAY_HEADER = ("date", "name", "kind")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_SLA = re.compile(r"([0-9]+)\s*([^\W\d_]+)")


# --------------------------------------------------------------------------------------------------------------------
# SLA
# --------------------------------------------------------------------------------------------------------------------


class SlaUnit(StrEnum):
    """Unit of an SOP time limit; the value is the Indonesian word used in the SOP."""

    MINUTES = "menit"
    HOURS = "jam"
    DAYS = "hari"
    MONTHS = "bulan"


_LABEL_EN = {
    SlaUnit.MINUTES: ("minute", "minutes"),
    SlaUnit.HOURS: ("hour", "hours"),
    SlaUnit.DAYS: ("working day", "working days"),
    SlaUnit.MONTHS: ("month", "months"),
}


@dataclass(frozen=True)
class Sla:
    """An SOP time limit such as "30 menit" or "6 bulan"; see the module docstring for what each unit counts."""

    amount: int
    unit: SlaUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 1:
            raise ValueError(
                f"jumlah SLA harus bilangan bulat positif / SLA amount must be a positive integer: {self.amount!r}"
            )
        if not isinstance(self.unit, SlaUnit):
            object.__setattr__(self, "unit", SlaUnit(self.unit))

    @classmethod
    def parse(cls, text: str) -> Sla:
        """Parse "30 menit", "1 jam", "1 hari", "1 bulan", "6 bulan" (case-insensitive, extra spaces allowed).

        Raises ``ValueError`` with a message in Indonesian and English for anything else (unknown unit, missing or
        zero amount, extra words).
        """
        match = _SLA.fullmatch(text.strip()) if isinstance(text, str) else None
        unit = None
        if match:
            try:
                unit = SlaUnit(match.group(2).lower())
            except ValueError:
                unit = None
        amount = int(match.group(1)) if match else 0
        if match is None or unit is None or amount < 1:
            raise ValueError(
                f"SLA tidak valid: {text!r}; gunakan '<angka> menit|jam|hari|bulan', misalnya '30 menit' atau "
                f"'1 hari' / invalid SLA: {text!r}; expected '<number> menit|jam|hari|bulan', e.g. '30 menit' or "
                "'1 hari'"
            )
        return cls(amount, unit)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"

    def label_en(self) -> str:
        """English label: "30 minutes", "1 hour", "1 working day", "6 months"."""
        singular, plural = _LABEL_EN[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"


# --------------------------------------------------------------------------------------------------------------------
# Holiday file
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holiday:
    """One row of the holiday file."""

    date: date
    name: str
    kind: str


def read_holiday_file(path: Path) -> list[Holiday]:
    """Read every row of a holiday CSV file (format in the module docstring), in file order.

    Duplicate dates are allowed here (two holidays may fall on the same day). Raises ``ValueError`` naming the file
    and the line for a missing or wrong header, a bad date, an empty name or an unknown kind; ``OSError`` if the
    file cannot be read.
    """
    path = Path(path)
    rows: list[Holiday] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header_seen = False
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            where = f"{path}, baris/line {line}"
            if not header_seen:
                if tuple(cell.lower() for cell in cells) != _HOLIDAY_HEADER:
                    raise ValueError(f"{where}: header harus/must be 'date,name,kind', bukan/not {','.join(cells)!r}")
                header_seen = True
                continue
            if len(cells) != 3:
                raise ValueError(f"{where}: harus 3 kolom/expected 3 columns (date,name,kind), got {len(cells)}")
            raw_date, name, kind = cells
            if not _ISO_DATE.fullmatch(raw_date):
                raise ValueError(f"{where}: tanggal tidak valid/invalid date {raw_date!r} (expected YYYY-MM-DD)")
            try:
                day = date.fromisoformat(raw_date)
            except ValueError:
                raise ValueError(
                    f"{where}: tanggal tidak valid/invalid date {raw_date!r} (expected YYYY-MM-DD)"
                ) from None
            if not name:
                raise ValueError(f"{where}: nama kosong/empty name")
            if kind not in HOLIDAY_KINDS:
                raise ValueError(f"{where}: jenis tidak dikenal/unknown kind {kind!r} (expected libur or cuti_bersama)")
            rows.append(Holiday(day, name, kind))
    if not header_seen:
        raise ValueError(f"{path}: berkas kosong/empty file (expected header 'date,name,kind')")
    return rows


def load_holidays(path: Path) -> frozenset[date]:
    """The set of days off listed in a holiday CSV file (both ``libur`` and ``cuti_bersama``).

    Raises ``ValueError`` naming the line on a bad row; see :func:`read_holiday_file`.
    """
    return frozenset(row.date for row in read_holiday_file(path))


# --------------------------------------------------------------------------------------------------------------------
# Working calendar
# --------------------------------------------------------------------------------------------------------------------


def _parse_hhmm(text: str, what: str) -> time:
    match = _HHMM.fullmatch(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"{what} tidak valid/invalid: {text!r} (expected HH:MM)")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_workdays(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or not 1 <= int(part) <= 7:
            raise ValueError(
                f"hari kerja tidak valid/invalid workdays: {text!r} (expected ISO weekdays 1-7, e.g. '1,2,3,4,5')"
            )
        days.add(int(part))
    return frozenset(days)


@dataclass(frozen=True)
class WorkCalendar:
    """The office's working time: time zone, working weekdays, daily hours and holidays.

    ``workdays`` are ISO weekdays (Monday = 1 ... Sunday = 7). Working time on a working day is ``[start, end)`` in
    ``tz``; a working day is a day whose weekday is in ``workdays`` and that is not in ``holidays``.
    """

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    start: time = time(8, 0)
    end: time = time(16, 0)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise TypeError(f"tz must be a ZoneInfo, not {type(self.tz).__name__}")
        workdays = frozenset(self.workdays)
        if not workdays or not workdays <= set(range(1, 8)):
            raise ValueError(f"workdays must be a non-empty set of ISO weekdays 1..7: {sorted(workdays)!r}")
        object.__setattr__(self, "workdays", workdays)
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are local wall-clock times and must not carry a tzinfo")
        if not self.start < self.end:
            raise ValueError(f"working hours must start before they end: {self.start}-{self.end}")
        holidays = frozenset(self.holidays)
        bad = [d for d in holidays if isinstance(d, datetime) or not isinstance(d, date)]
        if bad:
            raise TypeError(f"holidays must be dates, got {bad[0]!r}")
        object.__setattr__(self, "holidays", holidays)

    # -- construction -------------------------------------------------------------------------------------------------

    @classmethod
    def default(cls, holidays: Iterable[date] = ()) -> WorkCalendar:
        """WIB, Monday-Friday, 08:00-16:00, with the given holidays (none by default)."""
        return cls(holidays=frozenset(holidays))

    @classmethod
    def from_settings(
        cls,
        *,
        tz: str = "Asia/Jakarta",
        workdays: str = "1,2,3,4,5",
        hours: str = "08:00-16:00",
        holidays_file: Path | None = None,
    ) -> WorkCalendar:
        """Build from setting strings: an IANA zone name, ISO weekdays "1,2,3,4,5", hours "08:00-16:00".

        ``holidays_file`` None means the packaged ``archive_service/data/holidays_id.csv``. Raises ``ValueError``
        for a bad setting or a bad holiday file.
        """
        try:
            zone = ZoneInfo(tz.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"zona waktu tidak dikenal/unknown time zone: {tz!r} (e.g. 'Asia/Jakarta')") from None
        parts = hours.split("-")
        if len(parts) != 2:
            raise ValueError(f"jam kerja tidak valid/invalid working hours: {hours!r} (expected HH:MM-HH:MM)")
        start = _parse_hhmm(parts[0], "jam mulai/start time")
        end = _parse_hhmm(parts[1], "jam selesai/end time")
        if not start < end:
            raise ValueError(f"jam kerja tidak valid/invalid working hours: {hours!r} (start must be before end)")
        path = DEFAULT_HOLIDAYS_FILE if holidays_file is None else Path(holidays_file)
        return cls(tz=zone, workdays=_parse_workdays(workdays), start=start, end=end, holidays=load_holidays(path))

    # -- queries ------------------------------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working weekday and not a holiday. Takes a date, not a datetime."""
        if isinstance(d, datetime):
            raise TypeError("is_working_day takes a date; use is_working_time for a datetime")
        return d.isoweekday() in self.workdays and d not in self.holidays

    def is_working_time(self, at: datetime) -> bool:
        """True if ``at`` (aware) falls in ``[start, end)`` local time on a working day."""
        local = self._local(at)
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_working_moment(self, at: datetime) -> datetime:
        """``at`` itself if it is working time, else the start of the next working period.

        The result is aware, in the calendar's time zone (equal to ``at`` when ``at`` is working time).
        """
        local = self._local(at)
        if self.is_working_day(local.date()):
            if local.time() < self.start:
                return self._at(local.date(), self.start)
            if local.time() < self.end:
                return local
        return self._at(self._next_working_day(local.date()), self.start)

    def add(self, at: datetime, sla: Sla) -> datetime:
        """The due moment of ``sla`` started at ``at`` (aware), returned aware in UTC.

        ``menit``/``jam``: working time only; ``hari``: working days keeping the time of day; ``bulan``: calendar
        months, then the next working moment. See the module docstring for details and examples.
        """
        if sla.unit is SlaUnit.MONTHS:
            due = self._add_months(self._local(at), sla.amount)
        elif sla.unit is SlaUnit.DAYS:
            due = self._add_working_days(self.next_working_moment(at), sla.amount)
        else:
            minutes = sla.amount * (60 if sla.unit is SlaUnit.HOURS else 1)
            due = self._add_working_time(self.next_working_moment(at), timedelta(minutes=minutes))
        return due.astimezone(UTC)

    def working_seconds_between(self, a: datetime, b: datetime) -> int:
        """Working time elapsed from ``a`` to ``b`` (both aware), in whole seconds; 0 if ``b <= a``."""
        start, stop = self._local(a), self._local(b)
        if stop <= start:
            return 0
        total = timedelta()
        day = start.date()
        while day <= stop.date():
            if self.is_working_day(day):
                lo = max(start, self._at(day, self.start))
                hi = min(stop, self._at(day, self.end))
                if hi > lo:
                    total += hi.astimezone(UTC) - lo.astimezone(UTC)
            day += timedelta(days=1)
        return int(total.total_seconds())

    def today(self) -> date:
        """The calendar date now in the office's time zone (retention dates and "not in the future" checks)."""
        return datetime.now(self.tz).date()

    # -- helpers ------------------------------------------------------------------------------------------------------

    def _local(self, at: datetime) -> datetime:
        if not isinstance(at, datetime):
            raise TypeError(f"expected a datetime, got {type(at).__name__}")
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"naive datetime not accepted, give a timezone-aware datetime: {at!r}")
        return at.astimezone(self.tz)

    def _at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.tz)

    def _next_working_day(self, d: date) -> date:
        # Terminates: workdays is non-empty and holidays is finite.
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def _add_working_time(self, cursor: datetime, remaining: timedelta) -> datetime:
        # cursor is inside working time (next_working_moment). Differences are taken in UTC so that a zone with
        # daylight saving time counts real elapsed time.
        while True:
            closing = self._at(cursor.date(), self.end)
            available = closing.astimezone(UTC) - cursor.astimezone(UTC)
            if remaining <= available:
                return (cursor.astimezone(UTC) + remaining).astimezone(self.tz)
            remaining -= available
            cursor = self._at(self._next_working_day(cursor.date()), self.start)

    def _add_working_days(self, cursor: datetime, days: int) -> datetime:
        d = cursor.date()
        for _ in range(days):
            d = self._next_working_day(d)
        return self._at(d, cursor.time())

    def _add_months(self, local: datetime, months: int) -> datetime:
        index = local.year * 12 + (local.month - 1) + months
        year, month = divmod(index, 12)
        month += 1
        day = min(local.day, calendar.monthrange(year, month)[1])
        return self.next_working_moment(self._at(date(year, month, day), local.time()))
