"""Retention cells as real JRAs write them: accepted phrasings, refused ones, and the label round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention.periods import (
    MAX_YEARS,
    PeriodParseError,
    RetentionPeriod,
    parse_period,
    trigger_slug,
)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2", 2),
        ("2 th", 2),
        ("2 th.", 2),
        ("2 thn", 2),
        ("2 tahun", 2),
        ("2 Tahun", 2),
        ("2 TAHUN.", 2),
        ("2th", 2),
        ("  2   th  ", 2),
        ("2 (dua) tahun", 2),
        ("10 (sepuluh) th", 10),
        ("dua (2) tahun", 2),
        ("dua tahun", 2),
        ("Satu Tahun", 1),
        ("setahun", 1),
        ("sepuluh tahun", 10),
        ("sebelas tahun", 11),
        ("lima belas tahun", 15),
        ("dua puluh tahun", 20),
        ("tiga puluh th", 30),
        ("dua puluh lima tahun", 25),
        ("24 bulan", 2),
        ("12 bln", 1),
        ("100 tahun", 100),
    ],
)
def test_plain_periods(text: str, years: int) -> None:
    period = parse_period(text)
    assert (period.years, period.trigger, period.note) == (years, None, None)
    assert period.text == text.strip()


@pytest.mark.parametrize(
    ("text", "years", "trigger", "note"),
    [
        ("3 th setelah dipertanggungjawabkan", 3, "dipertanggungjawabkan", "setelah dipertanggungjawabkan"),
        (
            "2 th sejak Perda Pertanggungjawaban APBD",
            2,
            "perda_pertanggungjawaban_apbd",
            "sejak Perda Pertanggungjawaban APBD",
        ),
        ("2 Tahun Setelah Pemeriksaan", 2, "pemeriksaan", "setelah Pemeriksaan"),
        ("2 th setelah diperbarui", 2, "diperbarui", "setelah diperbarui"),
        ("2 th setelah diperbarui.", 2, "diperbarui", "setelah diperbarui"),
        ("5 thn sesudah  kegiatan selesai", 5, "kegiatan_selesai", "sesudah kegiatan selesai"),
        ("1 th. terhitung sejak SK ditetapkan", 1, "sk_ditetapkan", "terhitung sejak SK ditetapkan"),
        ("24 bulan setelah audit", 2, "audit", "setelah audit"),
        ("Selama Berlaku", 0, "tidak_berlaku", "selama Berlaku"),
        ("selama masih berlaku.", 0, "tidak_berlaku", "selama masih berlaku"),
        ("Selama dipergunakan", 0, "tidak_digunakan", "selama dipergunakan"),
        ("Selama digunakan", 0, "tidak_digunakan", "selama digunakan"),
        ("Selama masih digunakan", 0, "tidak_digunakan", "selama masih digunakan"),
        ("Sampai anak lulus", 0, "anak_lulus", "sampai anak lulus"),
        ("Hingga Perjanjian Berakhir", 0, "perjanjian_berakhir", "hingga Perjanjian Berakhir"),
        ("-", 0, None, "tidak ada"),
        ("–", 0, None, "tidak ada"),
        ("0", 0, None, None),
    ],
)
def test_periods_with_events_and_special_words(text: str, years: int, trigger: str | None, note: str | None) -> None:
    period = parse_period(text)
    assert (period.years, period.trigger, period.note) == (years, trigger, note)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Permanen",
        "2-5 th",
        "sesuai ketentuan",
        "Musnah",
        "-2",
        "-2 th",
        "dua atau tiga tahun",
        "6 bulan",
        "18 bulan",
        "101 tahun",
        "2025",
        "2,5 th",
        "2 (tiga) tahun",
        "2 setelah pemeriksaan",  # an event needs a unit before it
        "2 th setelah",
        "2 th kemudian",
        "Selama menjabat",
        "2 tahunan",
        "Sampai 5 tahun",
        "2 th setelah 2030",
        "dua (2) tahun lagi",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(PeriodParseError) as info:
        parse_period(text)
    assert info.value.message_id and info.value.message_en
    assert str(info.value) == f"{info.value.message_id} / {info.value.message_en}"


def test_non_text_is_refused() -> None:
    with pytest.raises(PeriodParseError):
        parse_period(2)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phrase", "slug"),
    [
        ("Perda Pertanggungjawaban APBD", "perda_pertanggungjawaban_apbd"),
        ("setelah Pemeriksaan", "pemeriksaan"),
        ("terhitung sejak SK ditetapkan", "sk_ditetapkan"),
        ("sampai dengan Kontrak Berakhir", "kontrak_berakhir"),
        ("  Selesai  dipergunakan. ", "selesai_dipergunakan"),
        ("Pengesahan (LKPJ) Bupati/Walikota", "pengesahan_lkpj_bupati_walikota"),
        ("Persetujuan Kepala Daerah", "persetujuan_kepala_daerah"),
        ("Pelaporan Tahun 2024", "pelaporan_tahun_2024"),
        ("Pemeriksaan BPK–RI", "pemeriksaan_bpk_ri"),
        ("Dibuat oleh Pejabat Dinas", "dibuat_oleh_pejabat_dinas"),
    ],
)
def test_trigger_slug(phrase: str, slug: str) -> None:
    assert trigger_slug(phrase) == slug


def test_trigger_slug_of_nothing_is_refused() -> None:
    with pytest.raises(PeriodParseError):
        trigger_slug("setelah ...")


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("2 th", "2 tahun"),
        ("2 Tahun Setelah Pemeriksaan", "2 tahun setelah pemeriksaan"),
        ("2 th sejak Perda Pertanggungjawaban APBD", "2 tahun sejak perda pertanggungjawaban APBD"),
        ("Selama Berlaku", "selama berlaku"),
        ("SELAMA MASIH DIGUNAKAN", "selama masih digunakan"),
        ("-", "tidak ada"),
        ("0", "tidak ada"),
    ],
)
def test_label(text: str, label: str) -> None:
    assert parse_period(text).label() == label


def test_label_without_note_uses_the_trigger() -> None:
    assert RetentionPeriod(0, "tidak_berlaku", None, "").label() == "selama berlaku"
    assert RetentionPeriod(0, "tidak_digunakan", None, "").label() == "selama digunakan"
    assert RetentionPeriod(3, "kontrak_berakhir", None, "").label() == "3 tahun setelah kontrak berakhir"


def test_dict_round_trip() -> None:
    period = parse_period("2 th sejak Perda Pertanggungjawaban APBD")
    data = period.to_dict()
    assert data == {
        "years": 2,
        "trigger": "perda_pertanggungjawaban_apbd",
        "note": "sejak Perda Pertanggungjawaban APBD",
        "text": "2 th sejak Perda Pertanggungjawaban APBD",
    }
    assert RetentionPeriod.from_dict(data) == period


def test_from_dict_defaults_and_blank_strings() -> None:
    assert RetentionPeriod.from_dict({"years": 3, "trigger": "", "note": None}) == RetentionPeriod(3, None, None, "")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"years": "2"},
        {"years": True},
        {"years": -1},
        {"years": MAX_YEARS + 1},
        {"years": 2, "trigger": 5},
        {"years": 2, "note": ["x"]},
        {"years": 2, "text": None},
    ],
)
def test_from_dict_refuses_bad_data(data: dict[str, object]) -> None:
    with pytest.raises(PeriodParseError):
        RetentionPeriod.from_dict(data)


_UNITS = st.sampled_from(["", " ", " th", "th", " th.", " thn", " tahun", " Tahun", " TAHUN"])
_CONNECTIVES = st.sampled_from(["setelah", "Setelah", "sesudah", "sejak", "terhitung sejak"])
_WORDS = ["Pemeriksaan", "diperbarui", "Perda", "APBD", "kontrak", "berakhir", "SK"]
_EVENTS = st.tuples(
    st.sampled_from(_WORDS), st.lists(st.sampled_from([*_WORDS, "2024", "(LKPJ)", "BPK-RI"]), max_size=3)
).map(lambda parts: " ".join([parts[0], *parts[1]]))


@given(years=st.integers(min_value=0, max_value=MAX_YEARS), unit=_UNITS)
def test_plain_number_round_trip(years: int, unit: str) -> None:
    period = parse_period(f"{years}{unit}")
    assert (period.years, period.trigger) == (years, None)
    again = parse_period(period.label())
    assert (again.years, again.trigger) == (years, None)


@given(
    years=st.integers(min_value=1, max_value=MAX_YEARS),
    unit=_UNITS.filter(str.strip),
    connective=_CONNECTIVES,
    event=_EVENTS,
)
def test_event_round_trip_through_label(years: int, unit: str, connective: str, event: str) -> None:
    period = parse_period(f"{years}{unit} {connective} {event}")
    assert (period.years, period.trigger) == (years, trigger_slug(event))
    again = parse_period(period.label())
    assert (again.years, again.trigger) == (period.years, period.trigger)
