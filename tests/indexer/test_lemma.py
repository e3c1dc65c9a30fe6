"""The lemmatizer: verbal affixes lead to the root, nominal derivations keep their own lemma, nothing is truncated."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.lemma import ROOTS, is_root, lemma

DATA = Path(__file__).resolve().parents[2] / "indexer" / "data"


@pytest.mark.parametrize(
    "word",
    ["pengelolaan", "mengelola", "dikelola", "dikelolanya", "kelola", "pengelola", "pengelolaannya"],
)
def test_the_kelola_family_shares_one_lemma(word: str) -> None:
    assert lemma(word) == "kelola"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # meN-, di-, ter-, ber-, memper-/diper- and -kan/-i lead to the root, nasals recoded
        ("menetapkan", "tetap"),
        ("penetapan", "tetap"),
        ("ditetapkan", "tetap"),
        ("mengatur", "atur"),
        ("diatur", "atur"),
        ("pengaturan", "atur"),
        ("dikecualikan", "kecuali"),
        ("mengecualikan", "kecuali"),
        ("pengecualian", "kecuali"),
        ("menimbang", "timbang"),
        ("memperhatikan", "hati"),
        ("diperhatikan", "hati"),
        ("diperlukan", "perlu"),
        ("memerlukan", "perlu"),
        ("berdasarkan", "dasar"),
        ("bersama", "sama"),
        ("diundangkan", "undang"),
        ("menyelenggarakan", "selenggara"),
        ("penyelenggaraan", "selenggara"),
        ("pendaftaran", "daftar"),
        ("diperdagangkan", "dagang"),
        ("memerintahkan", "perintah"),
        ("mengetahui", "tahu"),
        ("diketahui", "tahu"),
        ("pengetahuan", "tahu"),
        ("pemberdayaan", "daya"),  # peN-…-an over ber- + daya: all verbal
        ("memperoleh", "peroleh"),  # not oleh (by): peroleh is an added root
        ("pengesahan", "sah"),  # penge- + a listed monosyllable, not kesah
        ("mengenal", "kenal"),  # meng- + a root in k, not menge- + nal
        ("mengemas", "kemas"),  # not emas (gold)
        ("pengawasan", "awas"),  # peN-…-an + awas, not peN- + kawasan
        ("diadakan", "ada"),  # di- + ada + -kan, not the list's derived entry adakan
        ("berupa", "rupa"),  # the obscure upa is removed from the list
        ("berintikan", "inti"),  # ber- + inti + -kan, not be- + rintik + -an
        # fewer removals win
        ("bermasalah", "masalah"),  # not masa + -lah
        ("memakai", "pakai"),  # not maka + -i
        ("menilai", "nilai"),  # not nila + -i
    ],
)
def test_verbal_affixes_lead_to_the_root(word: str, expected: str) -> None:
    assert lemma(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("perairan", "perairan"),  # not air: the point of the module
        ("perairannya", "perairan"),
        ("perbankan", "perbankan"),  # not perban (Sastrawi) nor bank
        ("perpajakan", "perpajakan"),  # not paja (Sastrawi) nor pajak
        ("perpajakannya", "perpajakan"),
        ("peraturan", "peraturan"),
        ("peraturannya", "peraturan"),
        ("aturan", "aturan"),
        ("perdagangan", "perdagangan"),
        ("perumahan", "perumahan"),
        ("perusahaan", "perusahaan"),
        ("perhatian", "perhatian"),
        ("keterbukaan", "keterbukaan"),
        ("keterbukaannya", "keterbukaan"),
        ("ketetapan", "ketetapan"),
        ("keuangan", "keuangan"),
        ("kesehatan", "kesehatan"),
        ("keadilan", "keadilan"),
        ("ketentuan", "ketentuan"),
        ("bangunan", "bangunan"),
        ("laporan", "laporan"),
        ("pelabuhan", "pelabuhan"),
        ("pekerja", "pekerja"),
        ("pelaksanaan", "laksana"),  # peN- shows no nasal before l: the process noun of melaksanakan
        ("pelayanan", "layan"),
        ("penilaian", "nilai"),
        ("pelayaran", "pelayaran"),
        ("kedua", "kedua"),
        ("keduanya", "kedua"),
        ("setiap", "setiap"),
        ("selanjutnya", "selanjutnya"),  # a se-…-nya adverb, not the non-word selanjut
        ("berkeadilan", "keadilan"),  # ber- + keadilan: the nominal layer stays
        ("berhubungan", "hubungan"),  # ber- + hubungan
        ("berkelanjutan", "kelanjutan"),
    ],
)
def test_nominal_derivations_keep_their_own_lemma(word: str, expected: str) -> None:
    assert lemma(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pemerintah", "pemerintah"),  # not perintah
        ("pemerintahan", "pemerintah"),
        ("pemerintahannya", "pemerintah"),
        ("pengadilan", "pengadilan"),  # not adil
        ("pendapatan", "pendapatan"),  # not dapat
        ("pendapat", "pendapat"),
        ("berpendapat", "pendapat"),
        ("penduduk", "penduduk"),
        ("pengusaha", "pengusaha"),
        ("pengadaan", "pengadaan"),  # not ada
        ("terpidana", "terpidana"),  # not pidana
    ],
)
def test_lexicalised_words_keep_their_meaning(word: str, expected: str) -> None:
    assert lemma(word) == expected


@pytest.mark.parametrize(
    "word",
    ["air", "pajak", "kelola", "informasi", "undang", "berkas", "pertama", "perban", "nuklir", "radioaktif"],
)
def test_a_dictionary_word_is_its_own_lemma(word: str) -> None:
    assert is_root(word)
    assert lemma(word) == word


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("nuklirnya", "nuklir"),
        ("radioaktifnya", "radioaktif"),
        ("bukunya", "buku"),
        ("apapun", "apa"),
        ("tsunaminya", "tsunami"),  # not in the list: only -nya comes off
        ("abcnya", "abcnya"),  # three letters would remain: unchanged
        ("xylofonik", "xylofonik"),
        ("maluku", "maluku"),  # a name, not malu + -ku
        ("bekasi", "bekasi"),  # a name: a bare -i is not removed
        ("bali", "bali"),
    ],
)
def test_inflection_and_unknown_words(word: str, expected: str) -> None:
    assert lemma(word) == expected


@pytest.mark.parametrize(
    "word",
    ["2008", "uu14", "pasal5a", "14a", "di", "air", "dan", "x" * 41, "di" + "kelola" * 7],
)
def test_digits_short_and_overlong_words_come_back_unchanged(word: str) -> None:
    assert lemma(word) == word


@pytest.mark.parametrize("word", ["perbankan", "perpajakan", "pengelolaan", "mengelola", "perairan"])
def test_never_a_truncated_non_word(word: str) -> None:
    assert lemma(word) not in {"perban", "paja", "elola", "lola", "air", "bank"}


IDEMPOTENCE_WORDS = [
    "pengelolaannya",
    "perairannya",
    "peraturannya",
    "keterbukaannya",
    "pemerintahannya",
    "berkeadilan",
    "berhubungan",
    "bertentangan",
    "pemberdayaan",
    "pengetahuan",
    "selanjutnya",
    "sebelumnya",
    "seyogianyalah",
    "disetujui",
    "dipertanggungjawabkan",
    "pertanggungjawaban",
    "nuklirnya",
    "tsunaminya",
    "bersangkutan",
    "memperhatikan",
    "kebersamaan",
    "pemberitahuan",
    "perbankan",
    "mengalami",
    "dialami",
    "ketahuilah",
]


@pytest.mark.parametrize("word", IDEMPOTENCE_WORDS)
def test_a_lemma_is_its_own_lemma(word: str) -> None:
    once = lemma(word)
    assert lemma(once) == once


def test_the_dictionary_is_sastrawis_list_with_the_documented_changes() -> None:
    shipped = (DATA / "kata_dasar.txt").read_text(encoding="utf-8").splitlines()
    assert shipped == sorted(set(shipped))  # sorted, deduplicated
    assert all(w == w.lower() and w.strip() == w for w in shipped)
    assert len(shipped) == 29_932
    assert "peroleh" in ROOTS and "peroleh" not in shipped  # added in kata_dasar_extra.txt
    assert "upa" in shipped and "upa" not in ROOTS  # removed there
    for derived in ("aturan", "perairan", "pemerintah", "pengadilan", "keuangan", "pendidikan"):
        assert derived not in ROOTS


def test_the_dictionary_licence_is_shipped() -> None:
    text = (DATA / "kata_dasar.LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in text
    assert "Andy Librian" in text
    assert "Permission is hereby granted, free of charge" in text
