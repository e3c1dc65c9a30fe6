"""The search box syntax: what each form means, and that no input ever fails."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.query import MAX_CLAUSES, AnyOf, Phrase, Prefix, Term, parse_query


def test_words_are_anded_or_joins_neighbours() -> None:
    parsed = parse_query("laporan anggaran OR keuangan -rahasia")
    assert parsed.must == [AnyOf((Term("laporan"),)), AnyOf((Term("anggaran"), Term("keuangan")))]
    assert parsed.must_not == [Term("rahasia")]
    assert not parsed.fallback


def test_phrases_prefixes_and_fields() -> None:
    parsed = parse_query('"informasi publik" kelo* judul:laporan kode:000.5 tahun:2024 NOT draf')
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
    assert parse_query("a*").must == [AnyOf((Term("a"),))]


def test_syntax_errors_fall_back_to_plain_words() -> None:
    for text in ['"informasi publik', "OR arsip", "arsip OR", "arsip NOT", "a OR -b"]:
        parsed = parse_query(text)
        assert parsed.fallback, text
        assert all(len(g.options) == 1 and isinstance(g.options[0], Term) for g in parsed.must)
    assert [g.options[0].text for g in parse_query('"informasi publik').must] == ["informasi", "publik"]


def test_long_queries_are_cut() -> None:
    assert len(parse_query(" ".join(f"kata{i}" for i in range(100))).must) == MAX_CLAUSES


@given(st.text(max_size=200))
def test_any_input_parses(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.must) <= MAX_CLAUSES and len(parsed.must_not) <= MAX_CLAUSES
