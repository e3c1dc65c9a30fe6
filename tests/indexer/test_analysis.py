"""The Indonesian analyser: the same tokens at index and query time, whatever the form of a word."""

from __future__ import annotations

import pytest

from indexer.analysis import Analyzed, analyze, codes, exact_tokens, is_code, normalize, query_word_stems, word_stems


def test_normalisation_folds_case_accents_and_compatibility_forms() -> None:
    assert normalize("PÉMDA Kabupatén") == "pemda kabupaten"
    assert normalize("ﬁle") == "file"  # NFKC ligature
    assert normalize("ARSIP") == "arsip"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("pengelolaan", "kelola"),
        ("pengelolaan", "dikelola"),
        ("mengelola", "kelola"),
        ("penetapan", "tetap"),
        ("menetapkan", "ditetapkan"),
        ("penulisan", "tulis"),
        ("menyusun", "disusun"),
    ],
)
def test_affixed_forms_share_a_stem(a: str, b: str) -> None:
    assert set(query_word_stems(a)) & set(word_stems(b)), (query_word_stems(a), word_stems(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("arsip", "anggaran"),
        ("publik", "pelayanan"),
        ("tetap", "tulis"),
        # nominal derivations are their own lemma: precision over a shared truncated stem
        ("perairan", "air"),
        ("keterbukaan", "terbuka"),
        ("kearsipan", "arsip"),
        ("susunan", "menyusun"),
        ("pemerintah", "perintah"),
    ],
)
def test_unrelated_words_do_not(a: str, b: str) -> None:
    assert not set(query_word_stems(a)) & set(word_stems(b))


def test_reduplication_and_stop_words() -> None:
    exact, stems = analyze("Surat-surat yang dikelola dan sayur-mayur")
    assert exact == ["surat", "surat", "yang", "dikelola", "dan", "sayur", "mayur"]
    assert stems.count("surat") == 1  # surat-surat is one word, counted once
    assert "yang" not in stems and "dan" not in stems  # stop words only in the exact stream
    assert query_word_stems("yang") == ("yang",)  # but a stop word typed alone still searches


def test_codes_keep_numbers_whole_and_classification_prefixes() -> None:
    found = codes("Kode 000.5.6.2 menurut UU No. 14/2008 dan surat 800/123/BKD/2024, versi 1.2")
    assert found[:4] == ["000", "000.5", "000.5.6", "000.5.6.2"]
    assert "14/2008" in found and "800/123/bkd/2024" in found
    assert "1.2" not in found  # not a classification code (3 digits first)
    assert is_code("000.5") and is_code("14/2008") and not is_code("arsip")


def test_long_tokens_are_dropped() -> None:
    assert exact_tokens("a" * 41 + " arsip") == ["arsip"]


def test_analysed_parts_join_like_the_whole() -> None:
    one, two = Analyzed.of("Laporan 000.1 keuangan"), Analyzed.of("pengelolaan arsip 14/2008")
    joined = Analyzed.join([one, two])
    whole = Analyzed.of("Laporan 000.1 keuangan pengelolaan arsip 14/2008")
    assert joined.exact == whole.exact and joined.stems == whole.stems
    assert set(joined.codes) == set(whole.codes)


@pytest.mark.parametrize(
    "text",
    [
        "surat-surat a--b -c d- - e-f-g --h-- a--a x-y--x-z",
        "Pemda √2 × 3 ≤ 5 μm δ-x ø-ø–q “kutip” ‐z «a·b» c\u00a0d e…f",
        "αβ-γδ €5 ١٢٣ abc٣ _a_b-c_ \uf0b7item \x0cpage",
        "".join(chr(0x2200 + i) + "w" for i in range(100)),  # more kinds of symbol than are replaced one by one
        "-",
        "",
    ],
)
def test_split_gives_what_the_word_regexes_give(text: str) -> None:
    from indexer.analysis import _PART, _WORD, _split

    norm = normalize(text)
    assert _split(norm) == (_WORD.findall(norm), _PART.findall(norm))
