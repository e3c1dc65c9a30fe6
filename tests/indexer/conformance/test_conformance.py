"""One behaviour for every engine: what a word, a phrase, a code, a filter, a page and a highlight mean.

These tests are the specification of search in Arsip; an engine that passes them can replace another.
"""

from __future__ import annotations

from datetime import date

import pytest

from indexer.backends import SearchEngine, SearchIndex
from indexer.model import AccessFilter, IndexDocument, SearchRequest, Sort


def doc(id_: int, title: str, body: str = "", **kw: object) -> IndexDocument:
    defaults: dict[str, object] = {
        "classification_code": "000.1",
        "kip_category": "berkala",
        "unit": "kominfo",
        "file_types": ["pdf"],
        "doc_date": date(2024, 1, id_ % 28 + 1),
        "security_class": "biasa_terbuka",
    }
    defaults.update(kw)
    return IndexDocument(id=id_, version=1, title=title, body=body, **defaults)  # type: ignore[arg-type]


CORPUS = [
    doc(
        1,
        "Laporan Pengelolaan Keuangan Daerah",
        "Keuangan daerah dikelola secara transparan.",
        doc_date=date(2021, 3, 1),
    ),
    doc(
        2,
        "Pedoman kelola arsip",
        "Unit kearsipan mengelola arsip dinamis.",
        classification_code="000.5.6.2",
        kip_category="setiap_saat",
        doc_date=date(2022, 5, 1),
    ),
    doc(
        3,
        "Undang-undang Keterbukaan",
        "Sesuai UU Nomor 14/2008 tentang Keterbukaan Informasi Publik.",
        classification_code="100.1",
        unit="hukum",
        file_types=["docx"],
        doc_date=date(2023, 7, 1),
    ),
    doc(
        4,
        "Publik dan informasi",
        "Informasi yang diminta oleh publik tidak tersedia.",
        classification_code="000.6",
        kip_category="serta_merta",
        doc_date=date(2024, 9, 1),
    ),
    doc(
        5,
        "Surat-surat masuk",
        "Daftar surat-surat masuk bulan Januari <script>alert(1)</script> & lainnya.",
        classification_code="800.1",
        unit="hukum",
        doc_date=date(2020, 1, 15),
    ),
    doc(6, "Anggaran belanja", "Rencana anggaran pendapatan dan belanja.", doc_date=date(2024, 12, 1)),
]


@pytest.fixture
def index(engine: SearchEngine) -> SearchIndex:
    ix = engine.index("conformance")
    ix.clear()
    ix.upsert(CORPUS)
    return ix


def ids(index: SearchIndex, query: str, **kw: object) -> list[int]:
    result = index.search(SearchRequest(query=query, limit=50, **kw))  # type: ignore[arg-type]
    return sorted(h.id for h in result.hits)


def test_stemming_finds_other_forms_of_a_word(index: SearchIndex) -> None:
    assert ids(index, "pengelolaan") == [1, 2]  # "dikelola" (1), "kelola"/"mengelola" (2)
    assert ids(index, "dikelola") == [1, 2]
    assert ids(index, "kearsipan") == [2]


def test_words_are_anded(index: SearchIndex) -> None:
    assert ids(index, "keuangan daerah") == [1]
    assert ids(index, "keuangan arsip") == []


def test_phrase_needs_adjacent_words(index: SearchIndex) -> None:
    assert ids(index, '"informasi publik"') == [3]
    assert ids(index, "informasi publik") == [3, 4]


def test_classification_code_prefix_and_law_number(index: SearchIndex) -> None:
    assert ids(index, "000.5") == [2]
    assert ids(index, "000.5.6.2") == [2]
    assert ids(index, "kode:000") == [1, 2, 4, 6]
    assert ids(index, "14/2008") == [3]


def test_or_not_prefix(index: SearchIndex) -> None:
    assert ids(index, "anggaran OR arsip") == [2, 6]
    assert ids(index, "informasi -publik") == []
    assert ids(index, "informasi -tersedia") == [3]
    assert ids(index, "informasi NOT tersedia") == [4]  # NOT is a word (an optional one), not an operator
    assert ids(index, "angg*") == [6]


def test_field_queries(index: SearchIndex) -> None:
    assert ids(index, "judul:arsip") == [2]
    assert ids(index, "tahun:2024") == [4, 6]
    assert ids(index, "kategori:setiap_saat") == [2]
    assert ids(index, "unit:hukum") == [3, 5]


def test_typo_tolerance_only_for_longer_words(index: SearchIndex) -> None:
    assert ids(index, "anggran") == [6]  # one letter missing, 7 letters
    assert ids(index, "srat") == []  # 4 letters: no fuzzing


def test_reduplication(index: SearchIndex) -> None:
    assert ids(index, "surat") == [5]
    assert ids(index, "surat-surat") == [5]


def test_syntax_error_falls_back_to_plain_words(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query='"informasi publik'))
    assert result.fallback
    assert sorted(h.id for h in result.hits) == [3, 4]
    assert not index.search(SearchRequest(query="informasi")).fallback


def test_filters_and_facets(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="", filters={"unit": ["hukum"]}))
    assert result.total == 2
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert facets["unit"] == {"hukum": 2}
    assert facets["file_type"] == {"docx": 1, "pdf": 1}
    assert facets["class_top"] == {"100": 1, "800": 1}
    assert facets["year"] == {"2023": 1, "2020": 1}
    both = index.search(SearchRequest(query="", filters={"kip_category": ["berkala", "serta_merta"], "year": ["2024"]}))
    assert sorted(h.id for h in both.hits) == [4, 6]


def test_access_filter_limits_hits_totals_and_facets(engine: SearchEngine) -> None:
    ix = engine.index("conformance")
    ix.clear()
    ix.upsert(
        [
            doc(1, "Rencana strategis", "rahasia negara", security_class="rahasia", unit="bkd"),
            doc(2, "Rencana kerja", "rencana terbuka", unit="kominfo"),
        ]
    )
    limited = ix.search(SearchRequest(query="rencana", access=AccessFilter(security_classes=("biasa_terbuka",))))
    assert [h.id for h in limited.hits] == [2]
    assert limited.total == 1
    assert {v.value for v in limited.facets["unit"]} == {"kominfo"}
    assert ix.search(SearchRequest(query="negara", access=AccessFilter(security_classes=("biasa_terbuka",)))).total == 0
    by_unit = ix.search(SearchRequest(query="rencana", access=AccessFilter(units=("bkd",))))
    assert [h.id for h in by_unit.hits] == [1]
    assert ix.search(SearchRequest(query="rencana")).total == 2


def test_sort_by_date_puts_undated_records_last(index: SearchIndex) -> None:
    index.upsert([doc(7, "Tanpa tanggal", doc_date=None)])
    newest = index.search(SearchRequest(query="", sort=Sort.DATE_DESC, limit=10))
    assert [h.id for h in newest.hits] == [6, 4, 3, 2, 1, 5, 7]
    oldest = index.search(SearchRequest(query="", sort=Sort.DATE_ASC, limit=10))
    assert [h.id for h in oldest.hits] == [5, 1, 2, 3, 4, 6, 7]


def test_same_day_hits_come_in_id_order_whatever_else_is_indexed(index: SearchIndex) -> None:
    """A total order: ties of the date sorts are broken by id, so the order of what a caller sees cannot change
    when records it may not see are indexed between them (issue 15: the order was an oracle)."""

    day = date(2024, 3, 1)
    index.upsert([doc(i, f"Nota sehari {i}", doc_date=day) for i in (40, 12, 31)])
    expected = [12, 31, 40]
    for sort in (Sort.DATE_DESC, Sort.DATE_ASC):
        got = [h.id for h in index.search(SearchRequest(query="sehari", sort=sort, limit=10)).hits]
        assert got == expected, sort
    index.upsert([doc(i, f"Nota sehari {i}", doc_date=day, security_class="rahasia") for i in (20, 35)])
    visible = AccessFilter(security_classes=("biasa_terbuka",))
    for sort in (Sort.DATE_DESC, Sort.DATE_ASC):
        got = [h.id for h in index.search(SearchRequest(query="sehari", sort=sort, limit=10, access=visible)).hits]
        assert got == expected, sort


def test_equally_relevant_hits_come_in_id_order_across_pages(index: SearchIndex) -> None:
    """Relevance ties are broken by id too (score descending, then id): the engine's own tie order follows its
    segments, so equal hits moved between pages when other records were indexed or reindexed in between."""
    same = [90, 14, 77, 23, 58, 31, 66, 45, 82, 19, 70, 37]
    index.upsert([doc(i, "Notulen rapat koordinasi", body="notulen rapat koordinasi") for i in same])
    index.upsert([doc(i, "Notulen rapat koordinasi", body="notulen rapat koordinasi") for i in same[:4]])  # again
    index.upsert([doc(i, "Notulen rapat", body="notulen rapat", security_class="rahasia") for i in (50, 51)])
    visible = AccessFilter(security_classes=("biasa_terbuka",))
    pages = [
        [h.id for h in index.search(SearchRequest(query="notulen rapat", limit=5, offset=o, access=visible)).hits]
        for o in (0, 5, 10)
    ]
    assert pages == [sorted(same)[0:5], sorted(same)[5:10], sorted(same)[10:]]


def test_snippets_are_escaped_and_marked(index: SearchIndex) -> None:
    hit = index.search(SearchRequest(query="surat")).hits[0]
    assert "<mark>surat" in hit.snippet.lower()
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    assert "<mark>" in hit.title_highlighted


def test_upsert_replaces_delete_removes_stale_never_wins(index: SearchIndex) -> None:
    index.upsert([IndexDocument(id=6, version=2, title="Anggaran perubahan", body="revisi")])
    assert ids(index, "revisi") == [6]
    assert ids(index, "pendapatan") == []
    index.upsert([IndexDocument(id=6, version=1, title="Anggaran lama", body="usang")])
    assert ids(index, "usang") == []  # an older version arriving late is ignored
    index.delete([6, 999])
    assert ids(index, "anggaran") == []
    assert index.count() == 5
    assert [(v.id, v.version) for v in index.versions()] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]


def test_rebuild_swaps_atomically_and_abort_keeps_live(index: SearchIndex) -> None:
    build = index.begin_rebuild()
    build.add([doc(10, "Dokumen baru", "isi baru")])
    assert ids(index, "baru") == []  # invisible until the swap
    build.swap()
    assert ids(index, "baru") == [10]
    assert index.count() == 1
    aborted = index.begin_rebuild()
    aborted.add([doc(11, "Tidak jadi", "batal")])
    aborted.abort()
    assert ids(index, "batal") == [] and ids(index, "baru") == [10]


def test_every_result_can_be_paged_past_ten_thousand(engine: SearchEngine) -> None:
    ix = engine.index("conformance")
    ix.clear()
    n = 10_050
    ix.upsert(IndexDocument(id=i, version=1, title=f"Catatan {i}", body="catatan harian") for i in range(1, n + 1))
    first = ix.search(SearchRequest(query="catatan", limit=10, facets=False, highlight=False))
    assert first.total == n
    last = ix.search(SearchRequest(query="catatan", offset=10_040, limit=20, facets=False, highlight=False))
    assert len(last.hits) == 10
    assert last.total == n
    seen = {h.id for h in last.hits} | {h.id for h in first.hits}
    assert len(seen) == 20
