"""What people type, for every engine (issue 14): function words, punctuation, legal references, precise stems,
ranking, typos, suggestions, relaxation, exclusions — and no statistics oracle under an access filter."""

from __future__ import annotations

import pytest

from indexer.backends import SearchEngine, SearchIndex
from indexer.model import AccessFilter, SearchRequest

from .test_conformance import CORPUS, doc, ids

LAW = doc(
    11,
    "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
    "PRESIDEN REPUBLIK INDONESIA UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 14 TAHUN 2008 TENTANG KETERBUKAAN "
    "INFORMASI PUBLIK DENGAN RAHMAT TUHAN YANG MAHA ESA. Menimbang: bahwa informasi merupakan kebutuhan pokok.",
)
CITING = [
    doc(
        12 + i,
        f"Peraturan daerah {i}",
        "Mengingat: Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik; "
        "UU No. 14 Th. 2008 dan UU 14/2008 berlaku. " * 3,
    )
    for i in range(3)
]
PP = doc(20, "Peraturan Pemerintah tentang tarif", "Peraturan Pemerintah Nomor 14 Tahun 2008 tentang tarif.")
WATERS = [
    doc(21, "Pengelolaan perairan pesisir", "Perairan pesisir dan laut dikelola bersama."),
    doc(22, "Penyediaan air bersih", "Air minum dan air bersih untuk warga. Air tanah."),
    doc(23, "Bangunan gedung", "Pajak bumi dan bangunan dipungut setiap tahun."),
    doc(24, "Pajak daerah", "Pajak kendaraan; bumi yang luas; gedung dan bangunan."),
]
NUCLEAR = [
    doc(31, "Keselamatan reaktor nuklir", "Reaktor nuklir dan bahan nuklir diawasi."),
    doc(32, "Instalasi nuklir", "Instalasi nuklir wajib berizin."),
    doc(33, "Pedoman nukilan arsip", "Nukilan dari arsip lama."),  # a word two edits from the typo below
]


@pytest.fixture
def index(engine: SearchEngine) -> SearchIndex:
    ix = engine.index("conformance")
    ix.clear()
    ix.upsert([*CORPUS, LAW, *CITING, PP, *WATERS, *NUCLEAR])
    return ix


def ranked(index: SearchIndex, query: str, **kw: object) -> list[int]:
    return [h.id for h in index.search(SearchRequest(query=query, limit=50, **kw)).hits]  # type: ignore[arg-type]


def test_function_words_never_make_a_query_fail(index: SearchIndex) -> None:
    assert ids(index, "keuangan dan daerah") == ids(index, "keuangan daerah") == [1]
    assert ranked(index, "pajak bumi dan bangunan")[0] == 23  # the words together, as typed, rank first
    assert 24 in ranked(index, "pajak bumi dan bangunan")
    assert ids(index, "informasi yang dikecualikan OR diminta") == [4]
    assert 6 in ids(index, "dan")  # a function word alone still searches
    assert ids(index, "tentang") != []


@pytest.mark.parametrize("query", ["keuangan & daerah", "keuangan , daerah", "keuangan daerah -", "keuangan : daerah"])
def test_punctuation_is_not_a_word(index: SearchIndex, query: str) -> None:
    assert ids(index, query) == [1]


def test_lower_case_or_is_a_word_capital_or_and_atau_are_operators(index: SearchIndex) -> None:
    assert ids(index, "anggaran ATAU arsip") == ids(index, "anggaran OR arsip") == [2, 6, 33]
    assert ids(index, "keuangan or daerah") == [1]  # "or" is an optional word, not an operator


@pytest.mark.parametrize(
    "query",
    [
        "UU 14/2008",
        "uu 14/2008",
        "undang-undang nomor 14 tahun 2008",
        "Undang-Undang No. 14 Th. 2008",
        "uu no 14 tahun 2008",
    ],
)
def test_legal_references_meet_in_any_form(index: SearchIndex, query: str) -> None:
    found = ranked(index, query)
    assert found[0] == LAW.id  # the law itself above every document that merely cites it
    assert set(found) == {3, LAW.id, *(d.id for d in CITING)}


def test_an_untyped_reference_finds_every_type_a_typed_one_only_its_own(index: SearchIndex) -> None:
    assert set(ids(index, "14/2008")) == {3, LAW.id, PP.id, *(d.id for d in CITING)}
    assert ids(index, "pp 14/2008") == [PP.id]
    assert ids(index, "peraturan pemerintah nomor 14 tahun 2008") == [PP.id]


def test_a_reference_and_words_combine(index: SearchIndex) -> None:
    assert ranked(index, "uu 14/2008 keterbukaan")[0] == LAW.id
    assert ids(index, "uu 14/2008 anggaran") == []


def test_stemming_is_precise(index: SearchIndex) -> None:
    assert ids(index, "perairan") == [21]  # not the records that only say "air"
    assert ids(index, "air") == [22]
    assert 21 in ids(index, "pengelolaan") and 21 in ids(index, "dikelola")


def test_the_exact_form_ranks_above_other_forms(index: SearchIndex) -> None:
    index.upsert([doc(40, "Catatan rapat", "Arsip dikelola unit."), doc(41, "Catatan kerja", "Unit mengelola arsip.")])
    assert ranked(index, "mengelola catatan")[0] == 41
    assert ranked(index, "dikelola catatan")[0] == 40


def test_typos_are_ranked_and_suggested(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="nukllir", limit=10))
    assert {h.id for h in result.hits} == {31, 32}  # one edit away; "nukilan" is not a neighbour
    assert result.suggestion == "nuklir"
    assert index.search(SearchRequest(query="reaktor nukllir")).suggestion == "reaktor nuklir"
    assert index.search(SearchRequest(query="nuklir")).suggestion is None


def test_a_misspelling_that_occurs_once_keeps_typo_tolerance(index: SearchIndex) -> None:
    index.upsert([doc(50, "Catatan", "Salah ketik anggran sekali.")])
    assert set(ids(index, "anggran")) == {6, 50}


def test_zero_results_are_relaxed_only_when_asked(index: SearchIndex) -> None:
    assert ids(index, "anggaran kuantumfisika") == []
    result = index.search(SearchRequest(query="anggaran kuantumfisika", relax=True))
    assert [h.id for h in result.hits] == [6]
    assert result.relaxed == ["kuantumfisika"]
    assert index.search(SearchRequest(query="anggaran belanja", relax=True)).relaxed == []


def test_excluded_records_count_nowhere(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="", filters={"unit": ["hukum"]}, exclude_ids=(3,)))
    assert [h.id for h in result.hits] == [5] and result.total == 1
    assert {v.value: v.count for v in result.facets["class_top"]} == {"800": 1}


def test_hidden_records_change_nothing_a_caller_sees(engine: SearchEngine) -> None:
    """A word only in a record the caller may not see neither switches typo tolerance off nor is suggested."""
    visible = doc(1, "Peta gudang", "Peta gudang zonaterlarant", security_class="biasa_terbuka")
    hidden = doc(2, "Rencana", "zonaterlarang gudang zonaterlarang", security_class="rahasia")
    access = AccessFilter(security_classes=("biasa_terbuka",))
    queries = ["zonaterlarang", "zonaterlarant", "gudang", "zonaterlarag gudang", "zonater*"]

    def observe(ix: SearchIndex) -> list[tuple[object, ...]]:
        out = []
        for q in queries:
            r = ix.search(SearchRequest(query=q, access=access, relax=True))
            out.append((q, r.total, [h.id for h in r.hits], r.suggestion, r.relaxed, repr(r.facets)))
        return out

    ix = engine.index("conformance")
    ix.clear()
    ix.upsert([visible, hidden])
    with_hidden = observe(ix)
    ix.delete([2])
    assert observe(ix) == with_hidden
    assert with_hidden[0][2] == [1] and with_hidden[0][3] == "zonaterlarant"


def test_a_regulation_type_without_number_ranks_regulations_of_that_type(index: SearchIndex) -> None:
    index.upsert(
        [
            doc(60, "Peraturan Pemerintah Nomor 5 Tahun 2010 tentang Keamanan Gudang", "Keamanan gudang diatur."),
            doc(61, "Catatan keamanan gudang", "Keamanan gudang dicatat setiap hari oleh petugas keamanan gudang."),
        ]
    )
    assert ranked(index, "pp keamanan gudang")[:2] == [60, 61]  # "pp" is in neither text, and required by none
    assert ranked(index, "peraturan pemerintah keamanan gudang")[0] == 60
    assert ranked(index, "keamanan gudang")[0] == 61  # without the type, the record that says it more often
    assert ids(index, "peraturan pemerintah") == [PP.id, 60]  # a type alone: the regulations of that type
