"""The search box syntax: what each form means, and that no input ever fails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.query import MAX_CLAUSES, AnyOf, Phrase, Prefix, Term, parse_query


def test_words_are_anded_or_joins_neighbours() -> None:
    parsed = parse_query("laporan anggaran OR keuangan -rahasia")
    assert parsed.must == [AnyOf((Term("laporan"),)), AnyOf((Term("anggaran"), Term("keuangan")))]
    assert parsed.must_not == [Term("rahasia")]
    assert not parsed.fallback


def test_phrases_prefixes_and_fields() -> None:
    parsed = parse_query('"informasi publik" kelo* judul:laporan kode:000.5 tahun:2024 -draf')
    assert parsed.must == [
        AnyOf((Phrase("informasi publik"),)),
        AnyOf((Prefix("kelo"),)),
        AnyOf((Term("laporan", "title"),)),
        AnyOf((Term("000.5", "codes"),)),
        AnyOf((Term("2024", "year"),)),
    ]
    assert parsed.must_not == [Term("draf")]


def test_unknown_field_names_are_plain_words() -> None:
    assert parse_query("nomor:800/12 foo:bar").must[1] == AnyOf((Phrase("foo bar"),))


def test_a_one_letter_prefix_is_a_word() -> None:
    assert parse_query("x*").must == [AnyOf((Term("x"),))]


def test_an_unclosed_quote_falls_back_to_plain_words() -> None:
    parsed = parse_query('"informasi publik')
    assert parsed.fallback
    assert [g.options[0].text for g in parsed.must] == ["informasi", "publik"]


@pytest.mark.parametrize("text", ["OR arsip", "arsip OR", "arsip OR OR", "ATAU arsip", "arsip ||", "arsip -"])
def test_stray_operators_and_punctuation_are_ignored(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.must == [AnyOf((Term("arsip"),))] and not parsed.fallback, text


@pytest.mark.parametrize(
    "text",
    [
        "pajak & bumi",
        "pajak , bumi",
        "pajak - bumi",
        "pajak ... bumi :",
        "pajak: bumi",
        "(pajak) bumi!",
        "pajak — bumi",
    ],
)
def test_punctuation_is_not_a_word(text: str) -> None:
    assert parse_query(text).must == [AnyOf((Term("pajak"),)), AnyOf((Term("bumi"),))], text


def test_function_words_are_optional_outside_quotes() -> None:
    parsed = parse_query("pajak bumi dan bangunan")
    assert [g.options[0].text for g in parsed.must] == ["pajak", "bumi", "bangunan"]
    assert parsed.optional == [Term("dan")]
    assert parsed.sequence == ["pajak", "bumi", "dan", "bangunan"]  # the proximity signal keeps them, in order
    alone = parse_query("dan yang")
    assert alone.must == [] and alone.optional == [Term("dan"), Term("yang")] and not alone.is_empty
    quoted = parse_query('"bumi dan bangunan"')
    assert quoted.must == [AnyOf((Phrase("bumi dan bangunan"),))]


def test_only_capital_or_and_atau_are_operators() -> None:
    assert parse_query("perbankan OR asuransi").must == [AnyOf((Term("perbankan"), Term("asuransi")))]
    assert parse_query("perbankan ATAU asuransi").must == [AnyOf((Term("perbankan"), Term("asuransi")))]
    lower = parse_query("perbankan or asuransi")
    assert [g.options[0].text for g in lower.must] == ["perbankan", "asuransi"]
    assert lower.optional == [Term("or")]
    assert [g.options[0].text for g in parse_query("informasi NOT rahasia").must] == ["informasi", "rahasia"]


def test_long_queries_keep_their_longest_words() -> None:
    words = [f"kata{i}" for i in range(100)]
    parsed = parse_query(" ".join(words))
    assert len(parsed.must) == MAX_CLAUSES
    # kata0 … kata9 are the shortest and go; among equals the first typed stay, in typed order
    assert [g.options[0].text for g in parsed.must] == words[10 : 10 + MAX_CLAUSES]
    pasted = "Menimbang bahwa " + "informasi publik yang dikecualikan dan " * 50
    assert len(pasted) <= 2000
    assert [g.options[0].text for g in parse_query(pasted).must] == ["Menimbang", "informasi", "publik", "dikecualikan"]


@given(st.text(max_size=200))
def test_any_input_parses(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.must) <= MAX_CLAUSES and len(parsed.must_not) <= MAX_CLAUSES
    for group in parsed.must:  # no clause is made of punctuation alone
        assert all(leaf.text.strip(" -.,;:!?&") for leaf in group.options)
