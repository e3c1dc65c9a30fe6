"""The Elasticsearch engine without a server: the request bodies it builds and the recorded responses it reads.

No Elasticsearch can run where these tests run, so they pin down what the engine *sends* (query DSL, template,
alias actions, bulk lines) and how it *reads* realistic responses. The thin client layer is exercised too, through
the official client with a fake HTTP node (``node_class``): every request the client would put on the wire is
recorded and answered from a small scripted cluster, so headers, paths and NDJSON bulk bodies are the real ones.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse  # the node-level response type (listed in that module's __all__)
from elasticsearch.helpers import BulkIndexError

from indexer.backends.elastic import (
    MAX_WINDOW,
    PIT_KEEP_ALIVE,
    VERSIONS_PAGE,
    ElasticsearchEngine,
    ElasticsearchIndex,
    alias_swap_actions,
    build_index_template,
    build_search_body,
    build_versions_body,
    build_word_counts_body,
    clean_fragment,
    doc_to_source,
    is_deep,
    parse_search_response,
    parse_typed_counts,
    parse_url,
    physical_index_name,
    to_search_kwargs,
    walk_step_body,
)
from indexer.model import FACETS, AccessFilter, FacetValue, IndexDocument, IndexedVersion, SearchRequest, Sort

# ---- helpers ----------------------------------------------------------------------------------------------------


def body_of(query: str, **kwargs: Any) -> dict[str, Any]:
    return build_search_body(SearchRequest(query=query, **kwargs))


def bool_of(query: str, **kwargs: Any) -> dict[str, Any]:
    return body_of(query, **kwargs)["query"]["bool"]


def clauses(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The should clauses of a ``bool``, or the node itself when it is a single clause."""
    if "bool" in node and "should" in node["bool"]:
        assert node["bool"]["minimum_should_match"] == 1
        return node["bool"]["should"]
    return [node]


def find(node: list[dict[str, Any]], kind: str, field: str) -> dict[str, Any]:
    """The clause ``{kind: {field: …}}`` among ``node``; fails the test when absent."""
    for clause in node:
        if kind in clause and field in clause[kind]:
            return clause[kind][field]
    raise AssertionError(f"no {kind} on {field} in {json.dumps(node)}")


def has(node: list[dict[str, Any]], kind: str, field: str) -> bool:
    return any(kind in c and field in c[kind] for c in node)


# ---- URL ----------------------------------------------------------------------------------------------------------


def test_url_with_credentials_and_prefix() -> None:
    cfg = parse_url("https://arsip:s%40cret%3Aword@es.example.go.id:9243/?prefix=arsip_test")
    assert cfg.hosts == "https://es.example.go.id:9243"
    assert cfg.basic_auth == ("arsip", "s@cret:word")
    assert cfg.prefix == "arsip_test"
    assert cfg.ca_certs is None and cfg.verify_certs is None


def test_url_defaults() -> None:
    cfg = parse_url("http://elasticsearch")
    assert cfg.hosts == "http://elasticsearch:9200"
    assert cfg.prefix == "arsip"
    assert cfg.basic_auth is None


def test_url_tls_options_and_path() -> None:
    cfg = parse_url("https://[::1]:9200/es/?ca_certs=/etc/arsip/ca.pem&verify_certs=false")
    assert cfg.hosts == "https://[::1]:9200/es"
    assert cfg.ca_certs == "/etc/arsip/ca.pem"
    assert cfg.verify_certs is False


@pytest.mark.parametrize(
    "url",
    [
        "tantivy:///var/index",  # not Elasticsearch
        "http://es:9200/?prefx=arsip",  # misspelt option would silently use the default indexes
        "http://es:9200/?prefix=Arsip",  # index names are lowercase
        "http://es:9200/?prefix=a*b",
        "http:///nohost",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_url(url)


# ---- template -----------------------------------------------------------------------------------------------------


def test_index_template_analysers_and_strict_mapping() -> None:
    t = build_index_template("arsip")
    assert t["name"] == "arsip-template"
    assert t["index_patterns"] == ["arsip-*"]
    analysis_ = t["template"]["settings"]["analysis"]
    assert analysis_["analyzer"]["arsip_indonesian"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "asciifolding", "indonesian_stop", "indonesian_stemmer"],
    }
    assert analysis_["filter"]["indonesian_stop"] == {"type": "stop", "stopwords": "_indonesian_"}
    assert analysis_["filter"]["indonesian_stemmer"] == {"type": "stemmer", "language": "indonesian"}
    assert analysis_["analyzer"]["arsip_exact"]["filter"] == ["lowercase", "asciifolding"]
    assert analysis_["analyzer"]["arsip_whitespace"] == {"type": "custom", "tokenizer": "whitespace", "filter": []}

    mappings = t["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    props = mappings["properties"]
    for name in ("title", "body", "description"):
        assert props[name]["analyzer"] == "arsip_indonesian"
        assert props[name]["fields"]["exact"] == {"type": "text", "analyzer": "arsip_exact"}
    assert props["body"]["index_options"] == "offsets"
    assert props["stems"] == {"type": "text", "analyzer": "arsip_whitespace"}
    assert props["title_stems"] == {"type": "text", "analyzer": "arsip_whitespace"}
    assert props["id"] == {"type": "long"} and props["version"] == {"type": "long"}
    assert props["year"] == {"type": "integer"} and props["date"] == {"type": "date"}
    for name in ("codes", "class_top", "security_class", "publication_state", "record_no", "classification_code"):
        assert props[name] == {"type": "keyword"}, name
    for name in ("kip_category", "unit", "file_type"):
        assert props[name]["type"] == "keyword"
        assert props[name]["fields"]["folded"]["normalizer"] == "arsip_folded"
    # every field doc_to_source writes is mapped (the mapping is strict: an unmapped one fails indexing)
    assert set(doc_to_source(IndexDocument(id=1, version=1, title="x"))) == set(props)


def test_template_priority_separates_overlapping_prefixes() -> None:
    short, long_ = build_index_template("arsip"), build_index_template("arsip-test")
    assert short["index_patterns"] == ["arsip-*"] and long_["index_patterns"] == ["arsip-test-*"]
    assert long_["priority"] > short["priority"]


# ---- documents ----------------------------------------------------------------------------------------------------


def test_doc_to_source() -> None:
    doc = IndexDocument(
        id=42,
        version=7,
        title="Pengelolaan Arsip Dinamis",
        body="Surat-surat dikelola sesuai UU 14/2008 dan kode 045.2.",
        description="Pedoman",
        record_no="TT/2026/01/0001",
        classification_code="000.5.6.2",
        kip_category="berkala",
        unit="Bagian Umum",
        file_types=["pdf", "pdf", "docx"],
        doc_date=date(2024, 3, 5),
        published_at=datetime(2025, 1, 2, 9, 30),
        security_class="biasa_terbuka",
        publication_state="published",
    )
    src = doc_to_source(doc)
    assert src["id"] == 42 and src["version"] == 7
    assert src["title"] == "Pengelolaan Arsip Dinamis"
    assert src["description"] == "Pedoman"
    # the lemmas of title, description and body, in order (surat-surat counts once): "pengelolaan" and
    # "dikelola" are both "kelola"
    assert src["stems"] == "kelola arsip dinamis pedoman surat kelola sesuai uu 14 2008 kode 045 2"
    assert src["title_stems"] == "kelola arsip dinamis"
    assert src["codes"] == [
        *("14/2008", "045", "045.2", "ref:uu:14:2008", "ref:14:2008", "tt/2026/01/0001"),
        *("000", "000.5", "000.5.6", "000.5.6.2"),
    ]
    assert src["ident"] == []  # a pedoman citing UU 14/2008 is not that law
    assert src["kip_category"] == "berkala"
    assert src["unit"] == "Bagian Umum"
    assert src["class_top"] == "000"
    assert src["file_type"] == ["pdf", "docx"]
    assert src["year"] == 2024
    assert src["date"] == "2024-03-05"
    assert src["record_no"] == "TT/2026/01/0001"
    assert src["classification_code"] == "000.5.6.2"
    assert src["security_class"] == "biasa_terbuka" and src["publication_state"] == "published"


def test_doc_to_source_fallbacks() -> None:
    src = doc_to_source(IndexDocument(id=1, version=1, title="Tanpa tanggal", published_at=datetime(2025, 1, 2, 9, 30)))
    assert src["date"] == "2025-01-02T09:30:00"  # no document date: the publication time sorts it
    assert src["year"] is None
    # empty keyword values are absent, not "" (no blank facet bucket)
    assert src["unit"] is None and src["class_top"] is None and src["kip_category"] is None
    assert src["codes"] == [] and src["file_type"] == []
    assert doc_to_source(IndexDocument(id=2, version=1, title="x"))["date"] is None


# ---- query translation --------------------------------------------------------------------------------------------


def test_plain_words_are_anded_and_each_is_asked_several_ways() -> None:
    q = bool_of("pengelolaan arsip")
    assert len(q["must"]) == 2
    first = clauses(q["must"][0])
    assert find(first, "term", "stems") == {"value": "kelola"}  # the lemma (indexer.lemma), BM25-scored
    assert find(first, "term", "title_stems") == {"value": "kelola", "boost": 0.5}
    exact = [c["match"]["body.exact"] for c in first if "match" in c and "body.exact" in c["match"]]
    assert exact == [
        {"query": "pengelolaan", "operator": "and"},  # the word as typed, above other forms
        {"query": "pengelolaan", "operator": "and", "fuzziness": "AUTO:5,8", "prefix_length": 1, "boost": 0.4},
    ]
    assert find(first, "match", "title.exact") == {"query": "pengelolaan", "operator": "and", "boost": 1.0}
    # Elasticsearch's own stemmer reduces "perairan" to "air": its stemmed fields are not asked
    assert not has(first, "match", "body") and not has(first, "match", "title")
    assert not has(first, "term", "codes")
    assert "must_not" not in q


def test_short_words_are_not_fuzzy() -> None:
    assert "fuzziness" not in json.dumps(bool_of("arsi")["must"][0])
    assert "fuzziness" in json.dumps(bool_of("arsip")["must"][0])


def test_function_words_are_optional_and_the_typed_sequence_ranks() -> None:
    q = bool_of("pajak bumi dan bangunan")
    assert len(q["must"]) == 3
    should = q["should"]
    assert {"match_phrase": {"body.exact": {"query": "dan", "boost": 0.2}}} in should
    assert {"match_phrase": {"body.exact": {"query": "pajak bumi dan bangunan", "boost": 2.0}}} in should
    assert {"match_phrase": {"title.exact": {"query": "pajak bumi dan bangunan", "boost": 3.0}}} in should
    assert {"match_phrase": {"body.exact": {"query": "pajak bumi bangunan", "slop": 3}}} not in should  # one phrase
    near = bool_of("pajak bumi bangunan")["should"]
    assert {"match_phrase": {"body.exact": {"query": "pajak bumi bangunan", "slop": 3, "boost": 2.0}}} in near
    assert {"match_phrase": {"title.exact": {"query": "pajak bumi bangunan", "slop": 8}}} in should
    alone = bool_of("dan")
    assert alone["must"] == [{"match_phrase": {"body.exact": {"query": "dan", "boost": 0.2}}}]


def test_legal_reference_asks_codes_and_identity() -> None:
    q = bool_of("UU No. 14 Tahun 2008")
    assert q["must"] == [
        {
            "bool": {
                "should": [
                    {"term": {"codes": {"value": "ref:uu:14:2008"}}},
                    {"term": {"ident": {"value": "ref:uu:14:2008", "boost": 20.0}}},
                ],
                "minimum_should_match": 1,
            }
        }
    ]


def test_excluded_ids_and_typed_word_counts() -> None:
    request = SearchRequest(query="nukllir reaktor", access=AccessFilter(units=("kominfo",)), exclude_ids=(5, 3))
    body = build_search_body(request)
    assert {"terms": {"id": [3, 5]}} in body["query"]["bool"]["must_not"]
    typed = body["aggs"]["typed_words"]
    assert typed["global"] == {}
    visible = typed["aggs"]["visible"]
    # counted in the caller's visible set (access and exclusions), not among the matches and not index-wide
    assert visible["filter"] == {
        "bool": {"filter": [{"terms": {"unit": ["kominfo"]}}], "must_not": [{"terms": {"id": [3, 5]}}]}
    }
    assert set(visible["aggs"]["words"]["filters"]["filters"]) == {"nukllir", "reaktor"}
    resp = {"aggregations": {"typed_words": {"visible": {"words": {"buckets": {"nukllir": {"doc_count": 0}}}}}}}
    assert parse_typed_counts(resp["aggregations"]) == {"nukllir": 0}
    neighbours = build_word_counts_body(request, ["nuklir", "nukilr"])
    assert neighbours["size"] == 0 and neighbours["query"] == visible["filter"]


def test_or_is_one_should_group() -> None:
    q = bool_of("anggaran OR keuangan laporan")
    assert len(q["must"]) == 2
    group = q["must"][0]["bool"]
    assert group["minimum_should_match"] == 1
    assert len(group["should"]) == 2
    assert find(clauses(group["should"][0]), "term", "stems") == {"value": "anggaran"}
    assert find(clauses(group["should"][1]), "term", "stems") == {"value": "keuangan"}


def test_not_goes_to_must_not() -> None:
    q = bool_of("laporan -rahasia")
    assert len(q["must"]) == 1
    assert len(q["must_not"]) == 1
    excluded = clauses(q["must_not"][0])
    assert find(excluded, "match", "body.exact")["query"] == "rahasia"


def test_only_exclusions_match_everything_else() -> None:
    q = bool_of("-draf")
    assert q["must"] == [{"match_all": {}}]
    assert len(q["must_not"]) == 1


def test_phrase() -> None:
    q = bool_of('"informasi publik"')
    phrase = clauses(q["must"][0])
    assert find(phrase, "match_phrase", "body.exact") == {"query": "informasi publik", "boost": 1.5}
    assert find(phrase, "match_phrase", "title.exact") == {"query": "informasi publik", "boost": 3.0}
    assert not has(phrase, "terms", "stems")  # a phrase is the words as written, not stems


def test_prefix() -> None:
    q = bool_of("Kelol*")
    prefix = clauses(q["must"][0])
    assert find(prefix, "prefix", "body.exact") == {"value": "kelol"}  # normalised like the indexed words
    assert find(prefix, "prefix", "title.exact") == {"value": "kelol", "boost": 3.0}
    assert not has(prefix, "prefix", "codes")
    code_prefix = clauses(bool_of("000.5*")["must"][0])
    assert find(code_prefix, "prefix", "codes")["value"] == "000.5"


def test_field_title() -> None:
    title = clauses(bool_of("judul:laporan")["must"][0])
    assert find(title, "term", "title_stems") == {"value": "laporan"}
    assert find(title, "match", "title.exact")["query"] == "laporan"
    assert not has(title, "match", "body.exact")
    assert not has(title, "term", "stems")


def test_field_body() -> None:
    body = clauses(bool_of("isi:kelola")["must"][0])
    assert find(body, "match", "body.exact")["query"] == "kelola"
    assert not has(body, "match", "title.exact") and not has(body, "term", "stems")


def test_keyword_and_numeric_fields() -> None:
    q = bool_of('kode:000.5 tahun:2024 kategori:Berkala unit:"Bagian Umum" jenis:PDF')
    assert q["must"] == [
        {"term": {"codes": "000.5"}},
        {"term": {"year": 2024}},
        {"term": {"kip_category.folded": {"value": "berkala"}}},
        {"term": {"unit.folded": {"value": "bagian umum"}}},
        {"term": {"file_type.folded": {"value": "pdf"}}},
    ]


def test_year_field_edge_cases() -> None:
    assert bool_of("tahun:dua")["must"] == [{"match_none": {}}]
    assert bool_of("tahun:20*")["must"] == [{"range": {"year": {"gte": 2000, "lte": 2099}}}]


def test_classification_code_word() -> None:
    code = clauses(bool_of("000.5")["must"][0])
    assert find(code, "term", "codes") == {"value": "000.5", "boost": 4.0}
    # the text as one phrase, tokenised by ES as the documents were; no stems, no typo tolerance (000.6 ≠ 000.5)
    assert find(code, "match_phrase", "body.exact") == {"query": "000.5", "boost": 1.5}
    assert not has(code, "terms", "stems")
    assert "fuzzy" not in json.dumps(code)


def test_law_number_word() -> None:
    law = clauses(bool_of("14/2008")["must"][0])
    assert find(law, "term", "codes") == {"value": "ref:14:2008"}  # an untyped legal reference
    assert not has(law, "match", "body")  # not "any document mentioning 14 and 2008"
    assert "fuzziness" not in json.dumps(law)
    letter = clauses(bool_of("800/123/BKD")["must"][0])
    assert find(letter, "term", "codes") == {"value": "800/123/bkd", "boost": 4.0}


def test_empty_query_is_match_all() -> None:
    body = body_of("")
    assert body["query"] == {"bool": {"must": [{"match_all": {}}]}}
    assert "highlight_query" not in body["highlight"]


def test_syntax_error_falls_back_to_words() -> None:
    q = bool_of('"laporan keuangan')  # unclosed quote
    assert len(q["must"]) == 2
    assert find(clauses(q["must"][1]), "term", "stems") == {"value": "keuangan"}


# ---- filters, access, facets, sort, paging -------------------------------------------------------------------------


def test_filters_and_access_are_query_filters_never_post_filter() -> None:
    body = body_of(
        "laporan",
        filters={"year": ["2024", "2023"], "unit": ["Bagian Umum"], "kip_category": []},
        access=AccessFilter(units=("Bagian Umum", "Sekretariat"), security_classes=("biasa_terbuka",)),
    )
    assert "post_filter" not in body
    assert body["query"]["bool"]["filter"] == [
        {"terms": {"year": [2024, 2023]}},
        {"terms": {"unit": ["Bagian Umum"]}},
        {"terms": {"unit": ["Bagian Umum", "Sekretariat"]}},
        {"terms": {"security_class": ["biasa_terbuka"]}},
    ]
    assert len(body["query"]["bool"]["must"]) == 1


def test_access_edge_cases() -> None:
    # None: no limit on that dimension; an empty tuple: may see nothing
    body = body_of("", access=AccessFilter(units=None, security_classes=()))
    assert body["query"]["bool"]["filter"] == [{"match_none": {}}]
    assert "filter" not in body_of("", access=AccessFilter())["query"]["bool"]


def test_unknown_filter_is_an_error_and_bad_years_match_nothing() -> None:
    with pytest.raises(ValueError, match="unknown filter"):
        body_of("", filters={"colour": ["red"]})
    assert body_of("", filters={"year": ["abc"]})["query"]["bool"]["filter"] == [{"match_none": {}}]


def test_facets_are_terms_aggregations() -> None:
    body = body_of("arsi")  # under 5 letters: no typed-word count either
    assert body["aggs"] == {name: {"terms": {"field": name, "size": 100}} for name in FACETS}
    assert set(body["aggs"]) == {"kip_category", "year", "unit", "class_top", "file_type"}
    assert "aggs" not in body_of("arsi", facets=False)
    assert set(body_of("laporan", facets=False)["aggs"]) == {"typed_words"}


def test_common_settings() -> None:
    body = body_of("laporan", offset=20, limit=10)
    assert body["from"] == 20 and body["size"] == 10
    assert body["track_total_hits"] is True
    assert body["_source"] == ["id", "version", "title"]  # never the whole body


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.RELEVANCE, [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]),
        (Sort.DATE_DESC, [{"date": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}]),
        (Sort.DATE_ASC, [{"date": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}]),
    ],
)
def test_sort_orders(sort: Sort, expected: list[dict[str, Any]]) -> None:
    body = body_of("laporan", sort=sort)
    assert body["sort"] == expected
    assert body.get("track_scores", False) is (sort is not Sort.RELEVANCE)


def test_paging_window_boundary() -> None:
    assert not is_deep(SearchRequest(offset=9_990, limit=10))
    shallow = body_of("", offset=9_990, limit=10)
    assert shallow["from"] == 9_990 and shallow["size"] == 10
    assert is_deep(SearchRequest(offset=9_991, limit=10))
    deep = body_of("", offset=25_000, limit=20)
    assert "from" not in deep and deep["size"] == 20
    # no hits asked (only total and facets): never deep, and no offset the server would refuse
    assert not is_deep(SearchRequest(offset=50_000, limit=0))
    counts_only = body_of("", offset=50_000, limit=0)
    assert counts_only["from"] == 0 and counts_only["size"] == 0


def test_walk_steps() -> None:
    body = body_of("laporan", offset=25_000, limit=20)
    skip = walk_step_body(body, size=MAX_WINDOW, search_after=None, pit_id="P1", skipping=True, first=True)
    assert skip["pit"] == {"id": "P1", "keep_alive": PIT_KEEP_ALIVE}
    assert skip["size"] == 10_000 and skip["_source"] is False
    assert "highlight" not in skip and "from" not in skip and "search_after" not in skip
    assert skip["track_total_hits"] is True and skip["aggs"] == body["aggs"]  # the first step counts
    assert skip["query"] == body["query"] and skip["sort"] == body["sort"]

    page = walk_step_body(body, size=20, search_after=[3.5, 812], pit_id="P2", skipping=False, first=False)
    assert page["search_after"] == [3.5, 812]
    assert page["_source"] == ["id", "version", "title"]
    assert page["highlight"] == body["highlight"]
    assert page["track_total_hits"] is False and "aggs" not in page


def test_highlight_settings() -> None:
    hl = body_of("pengelolaan -draf")["highlight"]
    assert hl["encoder"] == "html"
    assert hl["pre_tags"] == ["<mark>"] and hl["post_tags"] == ["</mark>"]
    assert hl["fields"]["body"]["fragment_size"] == 160
    assert hl["fields"]["body"]["number_of_fragments"] == 2
    assert hl["fields"]["title"] == {"number_of_fragments": 0}
    assert hl["require_field_match"] is False
    shoulds = hl["highlight_query"]["bool"]["should"]
    covered = clauses(shoulds[0])
    assert has(covered, "term", "stems") and has(covered, "match", "body.exact")
    assert "draf" not in json.dumps(hl)  # an excluded word is never marked
    assert "highlight" not in body_of("pengelolaan", highlight=False)


def test_search_kwargs_use_client_parameter_names() -> None:
    kwargs = to_search_kwargs(body_of("laporan", offset=10))
    assert kwargs["from_"] == 10 and kwargs["source"] == ["id", "version", "title"]
    assert "from" not in kwargs and "_source" not in kwargs


def test_versions_page_body() -> None:
    assert build_versions_body() == {
        "query": {"match_all": {}},
        "sort": [{"id": {"order": "asc"}}],
        "size": 5000,
        "_source": ["id", "version"],
        "track_total_hits": False,
    }
    assert build_versions_body([4999])["search_after"] == [4999]


def test_alias_swap_actions() -> None:
    actions = alias_swap_actions("arsip-internal", ["arsip-internal-20250101000000000000"], "arsip-internal-2026")
    assert actions == [
        {"remove": {"index": "arsip-internal-20250101000000000000", "alias": "arsip-internal"}},
        {"add": {"index": "arsip-internal-2026", "alias": "arsip-internal"}},
    ]
    assert alias_swap_actions("a", [], "a-1") == [{"add": {"index": "a-1", "alias": "a"}}]


def test_physical_index_name() -> None:
    assert physical_index_name("arsip", "public", datetime(2026, 1, 2, 3, 4, 5, 678)) == (
        "arsip-public-20260102030405000678"
    )


# ---- recorded responses -----------------------------------------------------------------------------------------

RECORDED = {
    "took": 17,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 1234, "relation": "eq"},
        "max_score": 11.52,
        "hits": [
            {
                "_index": "arsip-internal-20260102030405000678",
                "_id": "42",
                "_score": 11.52,
                "_source": {"id": 42, "version": 3, "title": "Pengelolaan Arsip <Dinamis> & Statis"},
                "highlight": {
                    "body": [
                        "Pedoman <mark>pengelolaan</mark> arsip &quot;dinamis&quot; &amp; &lt;statis&gt; di\n  unit",
                        "Bagian Umum &#x2F; Sekretariat yang <mark>mengelola</mark> surat &#x27;masuk&#x27;",
                    ],
                    "title": ["<mark>Pengelolaan</mark> Arsip &lt;Dinamis&gt; &amp; Statis"],
                },
                "sort": [11.52, 42],
            },
            {
                "_index": "arsip-internal-20260102030405000678",
                "_id": "7",
                "_score": 3.25,
                "_source": {"id": 7, "version": 1, "title": "Tata Naskah <b>Dinas</b>"},
                "highlight": {"body": ["Teks &lt;mark&gt;bukan tanda&lt;&#x2F;mark&gt; dari ES"]},
                "sort": [3.25, 7],
            },
        ],
    },
    "aggregations": {
        "year": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": 2024, "doc_count": 800}, {"key": 2023, "doc_count": 434}],
        },
        "kip_category": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "berkala", "doc_count": 1000}, {"key": "serta_merta", "doc_count": 234}],
        },
        "unit": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
        "class_top": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "000", "doc_count": 1234}],
        },
        "file_type": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "pdf", "doc_count": 1200}, {"key": "docx", "doc_count": 40}],
        },
    },
}


def test_parse_recorded_response() -> None:
    result = parse_search_response(RECORDED, SearchRequest(query="pengelolaan"))
    assert result.total == 1234
    assert result.took_ms == 17.0
    assert result.fallback is False
    first, second = result.hits
    assert (first.id, first.version, first.score) == (42, 3, 11.52)
    assert first.title == "Pengelolaan Arsip <Dinamis> & Statis"
    assert first.snippet == (
        "Pedoman <mark>pengelolaan</mark> arsip &quot;dinamis&quot; &amp; &lt;statis&gt; di unit"
        " … "
        "Bagian Umum / Sekretariat yang <mark>mengelola</mark> surat &#x27;masuk&#x27;"
    )
    assert first.title_highlighted == "<mark>Pengelolaan</mark> Arsip &lt;Dinamis&gt; &amp; Statis"
    # text that literally says <mark> stays text; a title without highlight is escaped whole
    assert second.snippet == "Teks &lt;mark&gt;bukan tanda&lt;/mark&gt; dari ES"
    assert second.title_highlighted == "Tata Naskah &lt;b&gt;Dinas&lt;/b&gt;"
    assert result.facets["year"] == [FacetValue("2024", 800), FacetValue("2023", 434)]
    assert result.facets["kip_category"][1] == FacetValue("serta_merta", 234)
    assert result.facets["unit"] == []
    assert result.facets["file_type"] == [FacetValue("pdf", 1200), FacetValue("docx", 40)]
    assert set(result.facets) == set(FACETS)


def test_parse_response_without_facets_highlight_or_scores() -> None:
    resp = {
        "took": 3,
        "hits": {"total": {"value": 1, "relation": "eq"}, "hits": [{"_id": "5", "_score": None, "_source": RAW5}]},
    }
    result = parse_search_response(resp, SearchRequest(query='"tanpa tutup', facets=False, highlight=False))
    assert result.fallback is True  # unclosed quote: run as plain words, and the result says so
    assert result.facets == {}
    hit = result.hits[0]
    assert (hit.id, hit.version, hit.score, hit.title) == (5, 2, 0.0, "A & B")
    assert hit.snippet == "" and hit.title_highlighted == ""


RAW5 = {"id": 5, "version": 2, "title": "A & B"}


def test_clean_fragment() -> None:
    assert (
        clean_fragment("a &#x2F; b &#39;c&#39; <mark>d&amp;e</mark>\n\tf")
        == "a / b &#x27;c&#x27; <mark>d&amp;e</mark> f"
    )
    assert clean_fragment("&lt;script&gt;alert(1)&lt;/script&gt;") == "&lt;script&gt;alert(1)&lt;/script&gt;"


# ---- the client layer, over a fake HTTP node -----------------------------------------------------------------------


class FakeCluster:
    """A scripted stand-in for the server: records every request, answers the handful of APIs the engine uses."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.aliases: dict[str, list[str]] = {}
        self.indices: set[str] = set()
        self.search_responses: list[dict[str, Any]] = []
        self.bulk_status: dict[str, int] = {}

    def paths(self, method: str | None = None) -> list[str]:
        return [r["path"] for r in self.requests if method is None or r["method"] == method]

    def handle(self, method: str, path: str, params: dict[str, str], body: Any) -> tuple[int, Any]:
        if path.startswith("/_index_template/"):
            return 200, {"acknowledged": True}
        if path.startswith("/_alias/"):
            name = path.removeprefix("/_alias/")
            members = self.aliases.get(name, [])
            if not members:
                return 404, {"error": f"alias [{name}] missing", "status": 404}
            return 200, {idx: {"aliases": {name: {}}} for idx in members}
        if path == "/_aliases":
            for action in body["actions"]:
                ((kind, spec),) = action.items()
                members = self.aliases.setdefault(spec["alias"], [])
                if kind == "add":
                    members.append(spec["index"])
                else:
                    members.remove(spec["index"])
            return 200, {"acknowledged": True}
        if path == "/_bulk":
            items = []
            for line in body:
                if not isinstance(line, dict) or not line.keys() & {"index", "delete"}:
                    continue
                ((op, meta),) = line.items()
                status = self.bulk_status.get(meta["_id"], 201 if op == "index" else 200)
                item: dict[str, Any] = {"_index": meta["_index"], "_id": meta["_id"], "status": status}
                if status >= 300:
                    item["error"] = {"type": "version_conflict_engine_exception" if status == 409 else "x"}
                items.append({op: item})
            return 200, {"took": 2, "errors": any(i[next(iter(i))]["status"] >= 300 for i in items), "items": items}
        if path == "/_pit":
            return 200, {"succeeded": True, "num_freed": 1}
        if path.endswith("/_search"):
            return 200, self.search_responses.pop(0)
        if path.endswith("/_pit"):
            return 200, {"id": "pit-0"}
        if path.endswith("/_count"):
            return 200, {"count": 7, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}
        if path.endswith(("/_refresh", "/_settings")):
            return 200, {"acknowledged": True, "_shards": {"total": 1, "successful": 1, "failed": 0}}
        if path.endswith("/_delete_by_query"):
            return 200, {"took": 5, "deleted": 3, "failures": []}
        index = path.strip("/")
        if method == "PUT":
            self.indices.add(index)
            for alias in (body or {}).get("aliases", {}):
                self.aliases.setdefault(alias, []).append(index)
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index}
        if method == "DELETE":
            if index not in self.indices:
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
            self.indices.discard(index)
            return 200, {"acknowledged": True}
        raise AssertionError(f"unexpected request {method} {path}")


def _node_class(cluster: FakeCluster) -> type[BaseNode]:
    class FakeNode(BaseNode):
        _CLIENT_META_HTTP_CLIENT = ("fk", "1.0")

        def perform_request(self, method, target, body=None, headers=None, request_timeout=None):  # type: ignore[no-untyped-def]
            url = urlsplit(target)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            ctype = (headers or {}).get("content-type", "")
            parsed: Any = None
            if body:
                text = body.decode()
                parsed = [json.loads(x) for x in text.splitlines() if x] if "ndjson" in ctype else json.loads(text)
            cluster.requests.append(
                {"method": method, "path": url.path, "params": params, "body": parsed, "headers": dict(headers or {})}
            )
            status, payload = cluster.handle(method, url.path, params, parsed)
            raw = b"" if method == "HEAD" else json.dumps(payload).encode()
            meta = ApiResponseMeta(
                status=status if method != "HEAD" else (200 if status < 300 else 404),
                http_version="1.1",
                headers=HttpHeaders({"content-type": "application/json", "x-elastic-product": "Elasticsearch"}),
                duration=0.0,
                node=self.config,
            )
            return NodeApiResponse(meta, raw)

    return FakeNode


@pytest.fixture
def cluster() -> FakeCluster:
    return FakeCluster()


@pytest.fixture
def engine(cluster: FakeCluster) -> Iterator[ElasticsearchEngine]:
    eng = ElasticsearchEngine.from_url(
        "http://arsip:rahasia@es.test:9200/?prefix=tarsip", node_class=_node_class(cluster)
    )
    yield eng
    eng.close()


@pytest.fixture
def live(engine: ElasticsearchEngine, cluster: FakeCluster) -> ElasticsearchIndex:
    """The ``internal`` index after its first use, with the request log emptied."""
    index = engine.index("internal")
    index.ensure()
    cluster.requests.clear()
    return index


def test_first_use_creates_template_index_and_alias(engine: ElasticsearchEngine, cluster: FakeCluster) -> None:
    index = engine.index("internal")
    assert engine.index("internal") is index
    index.ensure()
    put_template, head_alias, create, get_alias = cluster.requests
    assert put_template["method"] == "PUT" and put_template["path"] == "/_index_template/tarsip-template"
    assert put_template["body"]["index_patterns"] == ["tarsip-*"]
    assert put_template["body"]["template"]["mappings"]["dynamic"] == "strict"
    assert (head_alias["method"], head_alias["path"]) == ("HEAD", "/_alias/tarsip-internal")
    assert create["method"] == "PUT" and re.fullmatch(r"/tarsip-internal-\d{20}", create["path"])
    assert create["body"] == {"aliases": {"tarsip-internal": {}}}
    assert get_alias["path"] == "/_alias/tarsip-internal"
    # credentials from the URL as basic auth; plain JSON media types so an 8.x server accepts the requests
    assert put_template["headers"]["authorization"] == "Basic " + base64.b64encode(b"arsip:rahasia").decode()
    assert put_template["headers"]["accept"] == "application/json"
    assert put_template["headers"]["content-type"] == "application/json"
    cluster.requests.clear()
    index.ensure()
    assert cluster.requests == []  # once per process


def test_existing_alias_is_reused(engine: ElasticsearchEngine, cluster: FakeCluster) -> None:
    cluster.aliases["tarsip-public"] = ["tarsip-public-20250101000000000000"]
    engine.index("public").ensure()
    assert cluster.paths() == ["/_index_template/tarsip-template", "/_alias/tarsip-public"]


def test_concurrent_first_creation_keeps_one_index(engine: ElasticsearchEngine, cluster: FakeCluster) -> None:
    cluster.aliases["tarsip-internal"] = ["tarsip-internal-00000000000000000000"]  # another process won the race
    original = cluster.handle

    def racing(method: str, path: str, params: dict[str, str], body: Any) -> tuple[int, Any]:
        if method == "HEAD":
            return 404, None  # it looked before the other process created its index
        return original(method, path, params, body)

    cluster.handle = racing  # type: ignore[method-assign]
    engine.index("internal").ensure()
    created = cluster.paths("PUT")[-1]
    assert cluster.paths("DELETE") == [created]  # the loser (larger name) removes its own index


def test_upsert_streams_versioned_bulk_then_refreshes(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    cluster.bulk_status["2"] = 409  # the index already holds a newer version of record 2
    docs = (IndexDocument(id=i, version=10 + i, title=f"Surat {i}") for i in (1, 2))
    live.upsert(docs)
    bulk, refresh = cluster.requests
    assert bulk["path"] == "/_bulk"
    assert bulk["headers"]["content-type"] == "application/x-ndjson"
    action, source, action2, _ = bulk["body"]
    assert action == {"index": {"_id": "1", "_index": "tarsip-internal", "version": 11, "version_type": "external_gte"}}
    assert source["title"] == "Surat 1" and source["version"] == 11
    assert action2["index"]["_id"] == "2"
    assert (refresh["method"], refresh["path"]) == ("POST", "/tarsip-internal/_refresh")


def test_upsert_raises_on_real_errors(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    cluster.bulk_status["1"] = 400
    with pytest.raises(BulkIndexError):
        live.upsert([IndexDocument(id=1, version=1, title="x")])


def test_delete_ignores_missing(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    cluster.bulk_status["9"] = 404
    live.delete([3, 9])
    bulk, refresh = cluster.requests
    assert bulk["body"] == [
        {"delete": {"_id": "3", "_index": "tarsip-internal"}},
        {"delete": {"_id": "9", "_index": "tarsip-internal"}},
    ]
    assert refresh["path"] == "/tarsip-internal/_refresh"


def test_count_and_clear(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    assert live.count() == 7
    live.clear()
    count, clear = cluster.requests
    assert count["path"] == "/tarsip-internal/_count"
    assert clear["path"] == "/tarsip-internal/_delete_by_query"
    assert clear["body"] == {"query": {"match_all": {}}}
    assert clear["params"] == {"conflicts": "proceed", "refresh": "true"}


def _version_hits(ids: range) -> dict[str, Any]:
    return {
        "took": 1,
        "hits": {"hits": [{"_id": str(i), "_source": {"id": i, "version": i % 3 + 1}, "sort": [i]} for i in ids]},
    }


def test_versions_pages_with_search_after(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    cluster.search_responses = [_version_hits(range(1, VERSIONS_PAGE + 1)), _version_hits(range(6001, 6004))]
    stream = live.versions()
    assert next(stream) == IndexedVersion(1, 2)
    assert len(cluster.requests) == 1  # streamed: the second page is fetched only when needed
    rest = list(stream)
    assert len(rest) == VERSIONS_PAGE - 1 + 3
    assert rest[-1] == IndexedVersion(6003, 1)
    first, second = cluster.requests
    assert first["path"] == "/tarsip-internal/_search"
    assert first["body"] == build_versions_body()
    assert second["body"]["search_after"] == [VERSIONS_PAGE]


def test_search_sends_the_built_body(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    cluster.search_responses = [RECORDED]
    request = SearchRequest(query="pengelolaan", access=AccessFilter(units=("Bagian Umum",)))
    result = live.search(request)
    (sent,) = cluster.requests
    assert sent["path"] == "/tarsip-internal/_search"
    assert sent["body"] == build_search_body(request)
    assert result.total == 1234 and [h.id for h in result.hits] == [42, 7]


def test_deep_page_walks_search_after_in_a_point_in_time(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    def page(start: int, n: int, *, pit: str, total: bool = False) -> dict[str, Any]:
        hits = [
            {"_id": str(i), "_score": 1.0, "_source": {"id": i, "version": 1, "title": f"T{i}"}, "sort": [1.0, i]}
            for i in range(start, start + n)
        ]
        resp: dict[str, Any] = {"took": 4, "pit_id": pit, "hits": {"hits": hits}}
        if total:
            resp["hits"]["total"] = {"value": 30_000, "relation": "eq"}
            resp["aggregations"] = RECORDED["aggregations"]
        return resp

    cluster.search_responses = [
        page(0, 10_000, pit="pit-1", total=True),
        page(10_000, 2_000, pit="pit-2"),
        page(12_000, 5, pit="pit-3"),
    ]
    request = SearchRequest(query="laporan", offset=12_000, limit=5)
    result = live.search(request)
    methods_paths = [(r["method"], r["path"]) for r in cluster.requests]
    assert methods_paths == [
        ("POST", "/tarsip-internal/_pit"),
        ("POST", "/_search"),
        ("POST", "/_search"),
        ("POST", "/_search"),
        ("DELETE", "/_pit"),
    ]
    open_pit, skip1, skip2, final, close = cluster.requests
    assert open_pit["params"] == {"keep_alive": PIT_KEEP_ALIVE}
    assert skip1["body"]["size"] == 10_000 and skip1["body"]["_source"] is False
    assert skip1["body"]["track_total_hits"] is True and "aggs" in skip1["body"]
    assert "search_after" not in skip1["body"] and skip1["body"]["pit"]["id"] == "pit-0"
    assert skip2["body"]["size"] == 2_000 and skip2["body"]["search_after"] == [1.0, 9_999]
    assert skip2["body"]["pit"]["id"] == "pit-1" and "aggs" not in skip2["body"]
    assert final["body"]["size"] == 5 and final["body"]["search_after"] == [1.0, 11_999]
    assert "highlight" in final["body"] and final["body"]["_source"] == ["id", "version", "title"]
    assert close["body"] == {"id": "pit-3"}
    assert [h.id for h in result.hits] == [12_000, 12_001, 12_002, 12_003, 12_004]
    assert result.total == 30_000
    assert result.facets["year"][0] == FacetValue("2024", 800)
    assert result.took_ms == 12.0


def test_deep_page_past_the_end(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    cluster.search_responses = [
        {"took": 1, "hits": {"total": {"value": 3, "relation": "eq"}, "hits": [{"_id": "1", "sort": [1.0, 1]}]}}
    ]
    result = live.search(SearchRequest(query="", offset=50_000, limit=10, facets=False))
    assert result.hits == [] and result.total == 3
    assert cluster.paths()[-1] == "/_pit"  # the point in time is closed even when the walk stops early


def test_rebuild_swaps_alias_atomically(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    (old,) = cluster.aliases["tarsip-internal"]
    build = live.begin_rebuild()
    create = cluster.requests[0]
    assert create["path"] == f"/{build.index_name}" and build.index_name != old
    assert create["body"] == {"settings": {"index": {"refresh_interval": "-1"}}}
    assert build.add(IndexDocument(id=i, version=1, title="t") for i in range(3)) == 3
    bulk = next(r for r in cluster.requests if r["path"] == "/_bulk")
    assert {line["index"]["_index"] for line in bulk["body"] if "index" in line} == {build.index_name}
    cluster.requests.clear()
    build.swap()
    settings, refresh, get_alias, update, delete = cluster.requests
    assert settings["path"] == f"/{build.index_name}/_settings"
    assert settings["body"] == {"index": {"refresh_interval": None}}
    assert refresh["path"] == f"/{build.index_name}/_refresh"
    assert get_alias["path"] == "/_alias/tarsip-internal"
    assert (update["method"], update["path"]) == ("POST", "/_aliases")
    assert update["body"] == {
        "actions": [
            {"remove": {"index": old, "alias": "tarsip-internal"}},
            {"add": {"index": build.index_name, "alias": "tarsip-internal"}},
        ]
    }
    assert (delete["method"], delete["path"]) == ("DELETE", f"/{old}")
    assert cluster.aliases["tarsip-internal"] == [build.index_name]
    with pytest.raises(RuntimeError):
        build.swap()


def test_rebuild_abort_drops_the_new_index(live: ElasticsearchIndex, cluster: FakeCluster) -> None:
    before = list(cluster.aliases["tarsip-internal"])
    build = live.begin_rebuild()
    build.abort()
    assert cluster.requests[-1]["method"] == "DELETE" and cluster.requests[-1]["path"] == f"/{build.index_name}"
    assert cluster.aliases["tarsip-internal"] == before
    assert not any(r["path"] == "/_aliases" for r in cluster.requests)


def test_a_regulation_type_without_number_is_a_fixed_score_not_a_required_word() -> None:
    q = bool_of("perba keamanan zat")
    assert len(q["must"]) == 2  # keamanan, zat: "perba" is written nowhere in the documents
    assert {"constant_score": {"filter": {"term": {"ident": "kind:perka"}}, "boost": 100.0}} in q["should"]
    alone = bool_of("undang-undang")
    assert alone["must"] == [{"constant_score": {"filter": {"term": {"ident": "kind:uu"}}, "boost": 100.0}}]
