"""Tests for archive_service.workcalendar: SLA parsing, working-time arithmetic and the holiday file."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archive_service.workcalendar import (
    DEFAULT_HOLIDAYS_FILE,
    Sla,
    SlaUnit,
    WorkCalendar,
    load_holidays,
    read_holiday_file,
)

WIB = ZoneInfo("Asia/Jakarta")
KEMERDEKAAN_2026 = date(2026, 8, 17)  # a Monday


def wib(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=WIB)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar.default()


@pytest.fixture
def cal_aug() -> WorkCalendar:
    return WorkCalendar.default(holidays={KEMERDEKAAN_2026})


# -- Sla ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("30 menit", 30, SlaUnit.MINUTES),
        ("1 jam", 1, SlaUnit.HOURS),
        ("1 hari", 1, SlaUnit.DAYS),
        ("1 bulan", 1, SlaUnit.MONTHS),
        ("6 bulan", 6, SlaUnit.MONTHS),
        ("  6   BULAN ", 6, SlaUnit.MONTHS),
        ("10 Hari", 10, SlaUnit.DAYS),
    ],
)
def test_sla_parse(text: str, amount: int, unit: SlaUnit) -> None:
    assert Sla.parse(text) == Sla(amount, unit)


@pytest.mark.parametrize(
    "text", ["", "menit", "30", "30 minutes", "0 hari", "-1 hari", "1.5 jam", "1 hari kerja", "≤ 1 bulan", "satu jam"]
)
def test_sla_parse_rejects_with_bilingual_message(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        Sla.parse(text)
    message = str(excinfo.value)
    assert "SLA tidak valid" in message
    assert "invalid SLA" in message


def test_sla_str_and_label_en() -> None:
    assert str(Sla.parse("30  MENIT")) == "30 menit"
    assert str(Sla(6, SlaUnit.MONTHS)) == "6 bulan"
    assert Sla.parse("30 menit").label_en() == "30 minutes"
    assert Sla.parse("1 menit").label_en() == "1 minute"
    assert Sla.parse("1 jam").label_en() == "1 hour"
    assert Sla.parse("2 jam").label_en() == "2 hours"
    assert Sla.parse("1 hari").label_en() == "1 working day"
    assert Sla.parse("3 hari").label_en() == "3 working days"
    assert Sla.parse("1 bulan").label_en() == "1 month"
    assert Sla.parse("6 bulan").label_en() == "6 months"


def test_sla_constructor_validates() -> None:
    with pytest.raises(ValueError):
        Sla(0, SlaUnit.DAYS)
    with pytest.raises(ValueError):
        Sla(True, SlaUnit.DAYS)
    assert Sla(2, "jam").unit is SlaUnit.HOURS  # type: ignore[arg-type]


# -- basic queries --------------------------------------------------------------------------------------------------


def test_defaults(cal: WorkCalendar) -> None:
    assert cal.tz == WIB
    assert cal.workdays == frozenset({1, 2, 3, 4, 5})
    assert (cal.start, cal.end) == (time(8), time(16))
    assert cal.holidays == frozenset()


def test_is_working_day_and_time(cal_aug: WorkCalendar) -> None:
    assert cal_aug.is_working_day(date(2026, 8, 14))  # Friday
    assert not cal_aug.is_working_day(date(2026, 8, 15))  # Saturday
    assert not cal_aug.is_working_day(KEMERDEKAAN_2026)
    assert cal_aug.is_working_time(wib(2026, 8, 14, 8, 0))
    assert cal_aug.is_working_time(wib(2026, 8, 14, 15, 59))
    assert not cal_aug.is_working_time(wib(2026, 8, 14, 16, 0))  # end is exclusive
    assert not cal_aug.is_working_time(wib(2026, 8, 14, 7, 59))
    assert not cal_aug.is_working_time(wib(2026, 8, 17, 10, 0))
    # 02:00 UTC is 09:00 WIB.
    assert cal_aug.is_working_time(datetime(2026, 8, 14, 2, 0, tzinfo=UTC))
    assert not cal_aug.is_working_time(datetime(2026, 8, 14, 9, 0, tzinfo=UTC))  # 16:00 WIB


def test_naive_datetime_refused(cal: WorkCalendar) -> None:
    naive = datetime(2026, 8, 14, 10, 0)
    with pytest.raises(ValueError, match="naive"):
        cal.is_working_time(naive)
    with pytest.raises(ValueError, match="naive"):
        cal.next_working_moment(naive)
    with pytest.raises(ValueError, match="naive"):
        cal.add(naive, Sla.parse("1 jam"))
    with pytest.raises(ValueError, match="naive"):
        cal.working_seconds_between(naive, wib(2026, 8, 15))
    with pytest.raises(ValueError, match="naive"):
        cal.working_seconds_between(wib(2026, 8, 13), naive)


def test_next_working_moment(cal_aug: WorkCalendar) -> None:
    inside = wib(2026, 8, 14, 10, 17)
    assert cal_aug.next_working_moment(inside) == inside
    assert cal_aug.next_working_moment(wib(2026, 8, 14, 6, 0)) == wib(2026, 8, 14, 8, 0)
    # Friday after hours -> Tuesday, because Monday 17 August is a holiday.
    assert cal_aug.next_working_moment(wib(2026, 8, 14, 16, 0)) == wib(2026, 8, 18, 8, 0)
    assert cal_aug.next_working_moment(wib(2026, 8, 15, 9, 0)) == wib(2026, 8, 18, 8, 0)


# -- add: minutes and hours -----------------------------------------------------------------------------------------


def test_add_returns_utc(cal: WorkCalendar) -> None:
    due = cal.add(wib(2026, 8, 12, 10, 0), Sla.parse("1 jam"))
    assert due.tzinfo is UTC
    assert due == datetime(2026, 8, 12, 4, 0, tzinfo=UTC)  # 11:00 WIB


def test_minutes_roll_over_to_next_morning(cal: WorkCalendar) -> None:
    # Wednesday 15:45 + 30 menit -> Thursday 08:15.
    assert cal.add(wib(2026, 8, 12, 15, 45), Sla.parse("30 menit")) == wib(2026, 8, 13, 8, 15)


def test_hours_cross_weekend(cal: WorkCalendar) -> None:
    # Friday 15:30 + 1 jam -> Monday 08:30.
    assert cal.add(wib(2026, 8, 7, 15, 30), Sla.parse("1 jam")) == wib(2026, 8, 10, 8, 30)


def test_minutes_cross_weekend(cal: WorkCalendar) -> None:
    # Friday 15:50 + 30 menit -> Monday 08:20.
    assert cal.add(wib(2026, 8, 7, 15, 50), Sla.parse("30 menit")) == wib(2026, 8, 10, 8, 20)


def test_hours_skip_monday_holiday(cal_aug: WorkCalendar) -> None:
    # Friday 14 August 15:30 + 1 jam: Monday 17 August is Hari Kemerdekaan -> Tuesday 08:30.
    assert cal_aug.add(wib(2026, 8, 14, 15, 30), Sla.parse("1 jam")) == wib(2026, 8, 18, 8, 30)


def test_hours_ending_at_closing_time_stay_on_the_day(cal: WorkCalendar) -> None:
    assert cal.add(wib(2026, 8, 7, 15, 0), Sla.parse("1 jam")) == wib(2026, 8, 7, 16, 0)


def test_hours_started_outside_hours(cal: WorkCalendar) -> None:
    # Saturday night + 2 jam -> Monday 10:00; a start before opening counts from 08:00.
    assert cal.add(wib(2026, 8, 8, 22, 0), Sla.parse("2 jam")) == wib(2026, 8, 10, 10, 0)
    assert cal.add(wib(2026, 8, 10, 6, 0), Sla.parse("30 menit")) == wib(2026, 8, 10, 8, 30)


def test_many_hours_span_several_days(cal: WorkCalendar) -> None:
    # 20 working hours from Monday 08:00 = two full 8-hour days + 4 hours -> Wednesday 12:00.
    assert cal.add(wib(2026, 8, 10, 8, 0), Sla(20, SlaUnit.HOURS)) == wib(2026, 8, 12, 12, 0)


# -- add: days ------------------------------------------------------------------------------------------------------


def test_days_cross_weekend(cal: WorkCalendar) -> None:
    assert cal.add(wib(2026, 8, 7, 10, 0), Sla.parse("1 hari")) == wib(2026, 8, 10, 10, 0)


def test_days_skip_monday_holiday(cal_aug: WorkCalendar) -> None:
    assert cal_aug.add(wib(2026, 8, 14, 10, 0), Sla.parse("1 hari")) == wib(2026, 8, 18, 10, 0)
    assert cal_aug.add(wib(2026, 8, 14, 10, 0), Sla.parse("2 hari")) == wib(2026, 8, 19, 10, 0)


def test_days_from_outside_hours(cal: WorkCalendar) -> None:
    # Saturday 09:00 -> next working moment Monday 08:00 -> + 1 working day = Tuesday 08:00.
    assert cal.add(wib(2026, 8, 8, 9, 0), Sla.parse("1 hari")) == wib(2026, 8, 11, 8, 0)
    # Thursday 17:00 -> Friday 08:00 -> Monday 08:00.
    assert cal.add(wib(2026, 8, 6, 17, 0), Sla.parse("1 hari")) == wib(2026, 8, 10, 8, 0)


def test_ten_working_days(cal_aug: WorkCalendar) -> None:
    # UU 14/2008 style "10 hari kerja" from Monday 3 August 2026, with 17 August off -> Tuesday 18 August.
    assert cal_aug.add(wib(2026, 8, 3, 9, 0), Sla(10, SlaUnit.DAYS)) == wib(2026, 8, 18, 9, 0)


# -- add: months ----------------------------------------------------------------------------------------------------


def test_months_clamp_to_month_end(cal: WorkCalendar) -> None:
    # 31 Jan 2028 + 1 bulan -> Tuesday 29 Feb 2028 (leap year), same time.
    assert cal.add(wib(2028, 1, 31, 10, 0), Sla.parse("1 bulan")) == wib(2028, 2, 29, 10, 0)
    # 31 Jan 2025 + 1 bulan -> Friday 28 Feb 2025.
    assert cal.add(wib(2025, 1, 31, 10, 0), Sla.parse("1 bulan")) == wib(2025, 2, 28, 10, 0)


def test_months_land_on_weekend_move_to_next_working_moment(cal: WorkCalendar) -> None:
    # 31 Jan 2026 + 1 bulan -> Saturday 28 Feb 2026 -> Monday 2 March 08:00.
    assert cal.add(wib(2026, 1, 31, 10, 0), Sla.parse("1 bulan")) == wib(2026, 3, 2, 8, 0)


def test_six_months_and_year_wrap(cal_aug: WorkCalendar) -> None:
    # 17 Feb 2026 (Tuesday) + 6 bulan -> Monday 17 Aug 2026, a holiday -> Tuesday 18 Aug 08:00.
    assert cal_aug.add(wib(2026, 2, 17, 10, 0), Sla.parse("6 bulan")) == wib(2026, 8, 18, 8, 0)
    # 30 Nov 2026 + 3 bulan -> 28 Feb 2027 is a Sunday -> Monday 1 March 2027 08:00.
    assert cal_aug.add(wib(2026, 11, 30, 9, 0), Sla(3, SlaUnit.MONTHS)) == wib(2027, 3, 1, 8, 0)


# -- working_seconds_between ----------------------------------------------------------------------------------------


def test_working_seconds_across_weekend(cal: WorkCalendar) -> None:
    # Friday 15:00 -> Monday 09:00: one hour on Friday, one on Monday.
    assert cal.working_seconds_between(wib(2026, 8, 7, 15, 0), wib(2026, 8, 10, 9, 0)) == 2 * 3600


def test_working_seconds_across_holiday(cal_aug: WorkCalendar) -> None:
    assert cal_aug.working_seconds_between(wib(2026, 8, 14, 15, 0), wib(2026, 8, 18, 9, 0)) == 2 * 3600


def test_working_seconds_edge_cases(cal: WorkCalendar) -> None:
    a = wib(2026, 8, 10, 9, 0)
    assert cal.working_seconds_between(a, a) == 0
    assert cal.working_seconds_between(a, a - timedelta(hours=3)) == 0
    # Entirely outside hours.
    assert cal.working_seconds_between(wib(2026, 8, 8, 9, 0), wib(2026, 8, 9, 18, 0)) == 0
    # Mixed zones: 02:00 UTC = 09:00 WIB.
    assert cal.working_seconds_between(datetime(2026, 8, 10, 2, 0, tzinfo=UTC), wib(2026, 8, 10, 9, 30)) == 1800
    # A full week is 5 x 8 hours.
    assert cal.working_seconds_between(wib(2026, 8, 10), wib(2026, 8, 17)) == 5 * 8 * 3600


@pytest.mark.parametrize("sla", ["30 menit", "1 jam", "7 jam", "3 jam", "45 menit"])
def test_add_and_working_seconds_agree(cal_aug: WorkCalendar, sla: str) -> None:
    start = wib(2026, 8, 14, 13, 20)
    parsed = Sla.parse(sla)
    due = cal_aug.add(start, parsed)
    minutes = parsed.amount * (60 if parsed.unit is SlaUnit.HOURS else 1)
    assert cal_aug.working_seconds_between(start, due) == minutes * 60


# -- holiday file ---------------------------------------------------------------------------------------------------


def test_packaged_holidays_load() -> None:
    holidays = load_holidays(DEFAULT_HOLIDAYS_FILE)
    assert {d.year for d in holidays} >= {2025, 2026, 2027}
    assert date(2026, 8, 17) in holidays
    assert date(2026, 1, 1) in holidays
    assert date(2025, 8, 18) in holidays  # cuti bersama added by the August 2025 SKB amendment
    assert date(2026, 8, 18) not in holidays


def test_packaged_holidays_rows_are_sound() -> None:
    rows = read_holiday_file(DEFAULT_HOLIDAYS_FILE)
    for year in (2025, 2026, 2027):
        year_rows = [row for row in rows if row.date.year == year]
        assert len(year_rows) >= 15, year
        duplicates = [d for d, n in Counter(row.date for row in year_rows).items() if n > 1]
        assert duplicates == [], year
        names = {row.name for row in year_rows}
        assert f"Tahun Baru {year} Masehi" in names
        assert "Hari Kemerdekaan Republik Indonesia" in names
    assert {row.kind for row in rows} == {"libur", "cuti_bersama"}
    by_date = {row.date: row for row in rows}
    assert by_date[date(2026, 3, 21)].name == "Hari Raya Idul Fitri 1447 H"
    assert by_date[date(2026, 12, 24)].kind == "cuti_bersama"
    assert [row.date for row in rows] == sorted(row.date for row in rows)


def test_packaged_file_is_plain_csv_with_header() -> None:
    with DEFAULT_HOLIDAYS_FILE.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0] == ["date", "name", "kind"]
    assert all(len(record) == 3 for record in records)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("2026-02-30,Tanggal Salah,libur", "invalid date"),
        ("17/08/2026,Hari Kemerdekaan Republik Indonesia,libur", "invalid date"),
        ("2026-08-17,,libur", "empty name"),
        ("2026-08-17,Hari Kemerdekaan Republik Indonesia,nasional", "unknown kind"),
        ("2026-08-17,Hari Kemerdekaan Republik Indonesia", "expected 3 columns"),
    ],
)
def test_load_holidays_names_the_bad_line(tmp_path: Path, row: str, fragment: str) -> None:
    path = tmp_path / "libur.csv"
    path.write_text(f"date,name,kind\n2026-01-01,Tahun Baru 2026 Masehi,libur\n\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError) as excinfo:
        load_holidays(path)
    message = str(excinfo.value)
    assert "line 4" in message
    assert fragment in message


def test_load_holidays_requires_header(tmp_path: Path) -> None:
    path = tmp_path / "libur.csv"
    path.write_text("2026-01-01,Tahun Baru 2026 Masehi,libur\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_holidays(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty file"):
        load_holidays(path)


def test_load_holidays_accepts_bom_quotes_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "libur.csv"
    path.write_bytes(
        (
            '\ufeffdate,name,kind\r\n2026-05-27,"Idul Adha, 1447 H",libur\r\n'
            "2026-05-28,Cuti Bersama, Idul Adha,cuti_bersama\r\n"
        ).encode()
    )
    # The second data row has a comma in an unquoted name -> 4 columns -> rejected with its line.
    with pytest.raises(ValueError, match="line 3"):
        load_holidays(path)
    path.write_bytes('\ufeffdate,name,kind\r\n2026-05-27,"Idul Adha, 1447 H",libur\r\n'.encode())
    assert load_holidays(path) == frozenset({date(2026, 5, 27)})


# -- from_settings --------------------------------------------------------------------------------------------------


def test_from_settings_defaults_use_packaged_file() -> None:
    cal = WorkCalendar.from_settings()
    assert cal.tz == WIB
    assert cal.workdays == frozenset({1, 2, 3, 4, 5})
    assert (cal.start, cal.end) == (time(8), time(16))
    assert date(2026, 8, 17) in cal.holidays
    assert cal.holidays == load_holidays(DEFAULT_HOLIDAYS_FILE)


def test_from_settings_custom_file_and_hours(tmp_path: Path) -> None:
    path = tmp_path / "libur_daerah.csv"
    path.write_text("date,name,kind\n2026-08-10,Hari Jadi Kabupaten,libur\n", encoding="utf-8")
    cal = WorkCalendar.from_settings(
        tz="Asia/Makassar", workdays="1, 2, 3, 4, 5, 6", hours="07:30-15:30", holidays_file=path
    )
    assert cal.tz == ZoneInfo("Asia/Makassar")
    assert cal.workdays == frozenset(range(1, 7))
    assert (cal.start, cal.end) == (time(7, 30), time(15, 30))
    assert cal.holidays == frozenset({date(2026, 8, 10)})
    wita = ZoneInfo("Asia/Makassar")
    # Friday 15:00 WITA + 1 jam: 30 minutes on Friday, Saturday is a working day -> Saturday 08:00 WITA.
    assert cal.add(datetime(2026, 8, 7, 15, 0, tzinfo=wita), Sla.parse("1 jam")) == datetime(
        2026, 8, 8, 8, 0, tzinfo=wita
    )
    # Saturday 15:15 + 30 menit -> Sunday off, Monday 10 August is the custom holiday -> Tuesday 07:45.
    assert cal.add(datetime(2026, 8, 8, 15, 15, tzinfo=wita), Sla.parse("30 menit")) == datetime(
        2026, 8, 11, 7, 45, tzinfo=wita
    )
    # The national holidays of the packaged file are not included when another file is given.
    assert cal.is_working_day(date(2026, 8, 17))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tz": "Asia/Nowhere"},
        {"workdays": "1,2,8"},
        {"workdays": "senin"},
        {"workdays": ""},
        {"hours": "16:00-08:00"},
        {"hours": "8-16"},
        {"hours": "08:00"},
        {"hours": "08:00-24:00"},
    ],
)
def test_from_settings_rejects_bad_values(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar.from_settings(**kwargs)


def test_calendar_validates_fields() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(workdays=frozenset())
    with pytest.raises(ValueError):
        WorkCalendar(start=time(16), end=time(8))
    with pytest.raises(TypeError):
        WorkCalendar(holidays=frozenset({datetime(2026, 8, 17, tzinfo=UTC)}))
    with pytest.raises(TypeError):
        WorkCalendar.default().is_working_day(wib(2026, 8, 17))
