"""The cluster engine: Elasticsearch (8.x or 9.x server) through the official ``elasticsearch`` client.

Layout on the cluster (``prefix`` defaults to ``arsip``):

- one **index template** ``{prefix}-template`` for ``{prefix}-*`` holds the analysers and the strict mapping, so every
  physical index a reindex creates gets exactly the same settings;
- each logical index (``internal``, ``public``) lives in a physical index ``{prefix}-{name}-{timestamp}`` reached only
  through the alias ``{prefix}-{name}``. A reindex fills a new physical index and moves the alias in one
  ``update_aliases`` call, so searches never see a half-built index and never see none.

Text analysis is done twice on purpose. Elasticsearch's own ``indonesian`` stemmer analyses ``title``/``body`` (good
BM25 statistics, fuzzy matching, highlighting), and an unstemmed ``.exact`` sub-field ranks the word as typed and
answers phrases. Neither restores the consonant a nasal prefix swallows (``pengelolaan`` → ``elola`` but ``kelola`` →
``lola``), so the project's own candidate stems (:func:`indexer.analysis.stem_tokens`) are indexed pre-analysed in
``stems``/``title_stems`` and queried with ``terms``: that is what lets ``pengelolaan`` find ``dikelola`` here exactly
as in the embedded engine.

Everything that can be decided without a server is a pure function of plain data, unit-tested against the request
bodies it builds and recorded responses: :func:`parse_url`, :func:`build_index_template`, :func:`doc_to_source`,
:func:`build_query`, :func:`build_search_body`, :func:`walk_step_body`, :func:`alias_swap_actions`,
:func:`build_versions_body` and :func:`parse_search_response`. The classes below only move those bodies over the wire.

Client/server versions: the 9.x Python client asks for ``compatible-with=9`` in every ``Accept``/``Content-Type``
header, which an 8.x server refuses (``media_type_header_exception``). :class:`PlainJsonTransport` sends plain
``application/json`` instead, which both 8.x and 9.x servers accept, so one client version serves both.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from elastic_transport import Transport
from elasticsearch import Elasticsearch, NotFoundError, helpers

from .. import analysis, assist, typos
from ..legalref import identity_kind_key
from ..model import (
    FACETS,
    AccessFilter,
    FacetValue,
    IndexDocument,
    IndexedVersion,
    SearchHit,
    SearchRequest,
    SearchResult,
    Sort,
)
from ..query import AnyOf, Leaf, ParsedQuery, Phrase, Prefix, Ref, Term, parse_query
from .base import IndexBuild, SearchEngine, SearchIndex

DEFAULT_PREFIX = "arsip"
DEFAULT_PORT = 9200
TEMPLATE_VERSION = 2  # bump when the template changes; `arsip reindex` then builds indexes with the new one
MAX_WINDOW = 10_000  # index.max_result_window: from + size beyond it is refused, deeper pages walk search_after
BULK_CHUNK = 500
BULK_MAX_BYTES = 50 * 1024 * 1024  # well under the server's default http.max_content_length (100 MB)
BULK_TIMEOUT = 120.0  # a chunk of 500 long documents takes longer than a search
BULK_RETRIES = 3  # chunks a busy cluster rejects with 429 are retried with backoff
VERSIONS_PAGE = 5_000
FACET_SIZE = 100
PIT_KEEP_ALIVE = "1m"  # between two steps of a deep-page walk, not for the whole walk
MIN_FUZZY_LETTERS = 5
TYPED_WORDS_AGG = "typed_words"
SNIPPET_JOIN = " … "

# Facet name → the keyword/integer field that holds it.
FACET_FIELDS: dict[str, str] = {name: name for name in FACETS}
# Query fields (``unit:…``) answered by a keyword field, searched through its case/accent-folded sub-field.
KEYWORD_QUERY_FIELDS = ("kip_category", "unit", "file_type")

_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,100}")
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_]{0,50}")
_MARK_RE = re.compile(r"(<mark>|</mark>)")
_URL_OPTIONS = frozenset({"prefix", "ca_certs", "verify_certs"})


# ---- configuration ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElasticUrl:
    """What ``ARSIP_SEARCH_URL`` says about the cluster, split into what the client and the engine need."""

    hosts: str
    prefix: str = DEFAULT_PREFIX
    basic_auth: tuple[str, str] | None = None
    ca_certs: str | None = None
    verify_certs: bool | None = None


def parse_url(url: str) -> ElasticUrl:
    """``http(s)://user:pass@host:9200/?prefix=arsip`` → :class:`ElasticUrl`.

    The credentials are taken out of the host URL (and percent-decoded) so they never show up in the client's logs.
    The port defaults to 9200 for both schemes, since that is where a self-managed node listens with or without TLS.
    Unknown query parameters are refused rather than ignored: a misspelt ``prefx=`` would otherwise silently write
    into the default indexes.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"Elasticsearch URL must be http(s)://…, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"Elasticsearch URL has no host: {url!r}")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(options) - _URL_OPTIONS
    if unknown:
        raise ValueError(f"unknown Elasticsearch URL option(s) {sorted(unknown)}; known: {sorted(_URL_OPTIONS)}")
    prefix = options.get("prefix", [DEFAULT_PREFIX])[-1]
    if not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(f"index prefix {prefix!r} must be lowercase letters, digits, '-' or '_'")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    path = parts.path.rstrip("/")
    hosts = f"{parts.scheme}://{host}:{parts.port or DEFAULT_PORT}{path}"
    auth = None
    if parts.username is not None:
        auth = (unquote(parts.username), unquote(parts.password or ""))
    verify = options.get("verify_certs", [None])[-1]
    return ElasticUrl(
        hosts=hosts,
        prefix=prefix,
        basic_auth=auth,
        ca_certs=options.get("ca_certs", [None])[-1] or None,
        verify_certs=None if verify is None else verify.lower() not in ("0", "false", "no", "off"),
    )


class PlainJsonTransport(Transport):
    """Sends ``application/json`` instead of the 9.x client's ``compatible-with=9`` media types.

    Why: an 8.x server rejects ``compatible-with=9`` outright, while plain JSON is accepted by every server since 7.x
    and simply means "the server's own API version". The requests this engine sends mean the same on 8.x and 9.x.
    """

    _COMPAT = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)\s*;\s*compatible-with=\d+")

    def perform_request(self, method: str, target: str, **kwargs: Any) -> Any:  # type: ignore[override]
        headers = kwargs.get("headers")
        if isinstance(headers, Mapping):
            kwargs["headers"] = {
                k: self._COMPAT.sub(r"application/\1", v) if k.lower() in ("accept", "content-type") else v
                for k, v in headers.items()
            }
        return super().perform_request(method, target, **kwargs)


# ---- index template and documents -------------------------------------------------------------------------------


def _text_with_exact(**extra: Any) -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "arsip_indonesian",
        **extra,
        "fields": {"exact": {"type": "text", "analyzer": "arsip_exact"}},
    }


def _folded_keyword() -> dict[str, Any]:
    """A keyword kept as written (facets, filters) plus a folded copy for ``unit:umum``-style query fields."""
    return {"type": "keyword", "fields": {"folded": {"type": "keyword", "normalizer": "arsip_folded"}}}


def build_index_template(prefix: str) -> dict[str, Any]:
    """Keyword arguments for ``indices.put_index_template``: analysers and the strict mapping.

    ``dynamic: strict`` makes a field this module forgot to map an indexing error instead of a silently guessed
    mapping. The priority grows with the prefix length: two deployments sharing a cluster with overlapping prefixes
    (``arsip`` and ``arsip-test``) then never have two templates of equal priority matching one index, which
    Elasticsearch refuses, and the longer (more specific) prefix wins.
    """
    settings = {
        "analysis": {
            "filter": {
                "indonesian_stop": {"type": "stop", "stopwords": "_indonesian_"},
                "indonesian_stemmer": {"type": "stemmer", "language": "indonesian"},
            },
            "analyzer": {
                "arsip_indonesian": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "asciifolding", "indonesian_stop", "indonesian_stemmer"],
                },
                "arsip_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
                # The project's analyser already produced the tokens (candidate stems): only split them again.
                "arsip_whitespace": {"type": "custom", "tokenizer": "whitespace", "filter": []},
            },
            "normalizer": {"arsip_folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        }
    }
    mappings = {
        "dynamic": "strict",
        "properties": {
            "id": {"type": "long"},
            "version": {"type": "long"},
            "title": _text_with_exact(),
            "description": _text_with_exact(),
            # offsets: the unified highlighter reads them instead of re-analysing megabytes of text per hit
            "body": _text_with_exact(index_options="offsets"),
            "stems": {"type": "text", "analyzer": "arsip_whitespace"},
            "title_stems": {"type": "text", "analyzer": "arsip_whitespace"},
            "codes": {"type": "keyword"},
            "ident": {"type": "keyword"},  # legal references the record *is* (indexer.legalref.identity)
            "kip_category": _folded_keyword(),
            "unit": _folded_keyword(),
            "class_top": {"type": "keyword"},
            "file_type": _folded_keyword(),
            "security_class": {"type": "keyword"},
            "publication_state": {"type": "keyword"},
            "year": {"type": "integer"},
            "date": {"type": "date"},
            "record_no": {"type": "keyword"},
            "classification_code": {"type": "keyword"},
        },
    }
    return {
        "name": f"{prefix}-template",
        "index_patterns": [f"{prefix}-*"],
        "priority": 100 + len(prefix),
        "version": TEMPLATE_VERSION,
        "template": {"settings": settings, "mappings": mappings},
    }


def _codes_of(doc: IndexDocument) -> list[str]:
    found: dict[str, None] = {}
    for text in (doc.title, doc.description, doc.body, doc.record_no):
        if text:
            found.update(dict.fromkeys(analysis.codes(text)))
    if doc.classification_code.strip():
        found.update(dict.fromkeys(analysis.classification_prefixes(analysis.normalize(doc.classification_code))))
    if doc.record_no.strip():
        found[analysis.normalize(doc.record_no).strip()] = None
    return list(found)


def doc_to_source(doc: IndexDocument) -> dict[str, Any]:
    """The ``_source`` of one record: the mapped fields only (the mapping is strict), empty strings as absent.

    Empty keyword values are left out rather than indexed as ``""`` so they never appear as a blank facet bucket.
    ``date`` is the document date, or the publication time when a record has none: the sort key of the date sorts.
    """
    when = doc.doc_date or doc.published_at
    text = "\n".join(p for p in (doc.title, doc.description, doc.body) if p)
    source: dict[str, Any] = {
        "id": doc.id,
        "version": doc.version,
        "title": doc.title,
        "description": doc.description,
        "body": doc.body,
        "stems": " ".join(analysis.stem_tokens(text)),
        "title_stems": " ".join(analysis.stem_tokens(doc.title)),
        "codes": _codes_of(doc),
        "ident": analysis.identity_keys(doc.title, doc.description, doc.body, doc.file_names),
        "kip_category": doc.kip_category or None,
        "unit": doc.unit or None,
        "class_top": doc.class_top or None,
        "file_type": list(dict.fromkeys(doc.file_types)),
        "security_class": doc.security_class or None,
        "publication_state": doc.publication_state or None,
        "year": doc.year,
        "date": when.isoformat() if when else None,
        "record_no": doc.record_no or None,
        "classification_code": doc.classification_code or None,
    }
    return source


# ---- queries ----------------------------------------------------------------------------------------------------


def _should(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


def _match(field: str, word: str, *, fuzzy: bool, boost: float | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"query": word, "operator": "and"}
    if fuzzy:
        # AUTO:5,8 = no edit below 5 characters, 1 edit up to 7, 2 from 8; the first letter must be right.
        spec.update(fuzziness="AUTO:5,8", prefix_length=1)
    if boost is not None:
        spec["boost"] = boost
    return {"match": {field: spec}}


def _match_phrase(field: str, text: str, boost: float | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"query": text}
    if boost is not None:
        spec["boost"] = boost
    return {"match_phrase": {field: spec}}


def _code_value(text: str) -> str:
    return analysis.normalize(text).strip().strip(".-/")


def _letters(word: str) -> int:
    return sum(c.isalpha() for c in word)


MATCH_NONE: dict[str, Any] = {"match_none": {}}


def _word_query(word: str, scope: str | None) -> dict[str, Any]:
    """One search-box word against the text fields (``scope``: None for all, ``"title"`` or ``"body"``).

    A plain word is asked as the embedded engine asks it: its lemma (:mod:`indexer.lemma`, BM25 over ``stems``),
    the exact word above it, the title a little above, and a typo-tolerant match of the exact word (from 5 letters
    on, ranked below the rest). Elasticsearch's own ``indonesian`` stemmer is *not* queried: like Snowball it reduces
    ``perairan`` to ``air`` and would bring back the over-matching the lemmas removed.

    A code or number (``000.5``, ``14/2008``) is asked of the ``codes`` keyword field, and of the text as the phrase
    of its tokens (``14/2008`` is the tokens ``14 2008`` next to each other) rather than as loose words, so ``14/2008``
    does not find every document that mentions 14 and 2008 somewhere; stems and typo tolerance make no sense for
    codes (``000.5`` must not find ``000.6``). Any other word the analyser splits (``e-mail``, ``surat-surat``) is a
    phrase too, as in the embedded engine.
    """
    tokens = analysis.exact_tokens(word)
    code = analysis.is_code(word)
    if not tokens and not code:
        return MATCH_NONE
    if code or len(tokens) > 1:
        # The phrase is the word itself: Elasticsearch's tokenizer then splits it exactly as it split the documents
        # (``000.5`` stays one token there, ``14/2008`` becomes ``14 2008``).
        phrase = word.strip()
        clauses: list[dict[str, Any]] = []
        if code and scope is None:
            clauses.append({"term": {"codes": {"value": _code_value(word), "boost": 4.0}}})
        if tokens and scope != "title":
            clauses.append(_match_phrase("body.exact", phrase, boost=1.5))
        if tokens and scope != "body":
            clauses.append(_match_phrase("title.exact", phrase, boost=3.0))
        return _should(clauses) if clauses else MATCH_NONE
    token = tokens[0]
    fuzzy = _letters(token) >= MIN_FUZZY_LETTERS
    stems = list(analysis.query_word_stems(token))
    options: list[dict[str, Any]] = []
    if scope is None:
        options.append(_stems_clause("stems", stems))
    if scope != "body":
        options.append(_stems_clause("title_stems", stems, boost=0.5 if scope is None else None))
    # (no stems clause for body-only: `stems` also holds the title, so it cannot answer "body only")
    if scope != "title":
        options.append(_match("body.exact", token, fuzzy=False))
        if fuzzy:
            options.append(_match("body.exact", token, fuzzy=True, boost=0.4))
    if scope != "body":
        options.append(_match("title.exact", token, fuzzy=False, boost=1.0))
    return _should(options)


def _stems_clause(field: str, stems: list[str], boost: float | None = None) -> dict[str, Any]:
    """A scored ``term`` for one lemma (``terms`` would score every match alike)."""
    if len(stems) == 1:
        spec: dict[str, Any] = {"value": stems[0]}
        if boost is not None:
            spec["boost"] = boost
        return {"term": {field: spec}}
    return {"terms": {field: stems, **({"boost": boost} if boost is not None else {})}}


def _year_query(leaf: Leaf) -> dict[str, Any]:
    text = leaf.text.strip()
    if isinstance(leaf, Prefix):
        if not text.isdigit() or len(text) > 4:
            return MATCH_NONE
        return {"range": {"year": {"gte": int(text.ljust(4, "0")), "lte": int(text.ljust(4, "9"))}}}
    return {"term": {"year": int(text)}} if text.isdigit() else MATCH_NONE


def leaf_query(leaf: Leaf) -> dict[str, Any]:
    """One parsed clause (:mod:`indexer.query`) as an Elasticsearch query."""
    field = leaf.field
    if isinstance(leaf, Ref):
        # documents citing the regulation; the one that *is* it far above them (as the embedded engine)
        return _should(
            [{"term": {"codes": {"value": leaf.key}}}, {"term": {"ident": {"value": leaf.key, "boost": 20.0}}}]
        )
    if field == "year":
        return _year_query(leaf)
    if field == "codes":
        value = _code_value(leaf.text)
        if not value:
            return MATCH_NONE
        return {"prefix": {"codes": {"value": value}}} if isinstance(leaf, Prefix) else {"term": {"codes": value}}
    if field in KEYWORD_QUERY_FIELDS:
        value = analysis.normalize(leaf.text).strip()
        if not value:
            return MATCH_NONE
        kind = "prefix" if isinstance(leaf, Prefix) else "term"
        return {kind: {f"{field}.folded": {"value": value}}}
    title_only = field == "title"
    body_only = field == "body"
    if isinstance(leaf, Phrase):
        clauses = [] if title_only else [_match_phrase("body.exact", leaf.text, boost=1.5)]
        if not body_only:
            clauses.append(_match_phrase("title.exact", leaf.text, boost=3.0))
        if field is None:
            clauses.append(_match_phrase("description.exact", leaf.text))
        return _should(clauses)
    if isinstance(leaf, Prefix):
        # The exact fields hold single words: the prefix is the first word of the normalised text (as the embedded
        # engine does); something with digits (``000.5*``, ``tt/2026*``) is also a prefix of the whole codes.
        tokens = analysis.exact_tokens(leaf.text)
        code = _code_value(leaf.text)
        clauses = []
        if tokens and not title_only:
            clauses.append({"prefix": {"body.exact": {"value": tokens[0]}}})
        if tokens and not body_only:
            clauses.append({"prefix": {"title.exact": {"value": tokens[0], "boost": 3.0}}})
        if field is None and any(c.isdigit() for c in code):
            clauses.append({"prefix": {"codes": {"value": code, "boost": 4.0}}})
        return _should(clauses) if clauses else MATCH_NONE
    return _word_query(leaf.text, field)


def group_query(group: AnyOf) -> dict[str, Any]:
    """An ``AnyOf``: a bool.should with minimum_should_match 1; one of a single option is the option."""
    return _should([leaf_query(leaf) for leaf in group.options])


def _proximity(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """The words as typed next to each other, function words included (see the embedded engine's ``_proximity``):
    one phrase over the text (the words as typed when they include function words, else within 3 positions), the
    words as typed in the title, and the content words in order in the title."""
    tokens = parsed.sequence
    if len(tokens) < 2 or len(tokens) > 24 or any(len(g.options) > 1 for g in parsed.must):
        return []
    text = " ".join(tokens)
    content = [t for t in tokens if t not in analysis.STOP_WORDS]
    out = [_match_phrase("title.exact", text, boost=3.0)]
    if len(content) < len(tokens) or len(content) < 2:
        out.append(_match_phrase("body.exact", text, boost=2.0))
    else:
        out.append({"match_phrase": {"body.exact": {"query": " ".join(content), "slop": 3, "boost": 2.0}}})
    if len(content) >= 2:
        out.append({"match_phrase": {"title.exact": {"query": " ".join(content), "slop": 8}}})
    return out


def build_query(parsed: ParsedQuery) -> dict[str, Any]:
    """The scoring part: each ``AnyOf`` is a must of shoulds, exclusions a must_not, function words and proximity
    should clauses (never required, except a query of function words only, which needs one of them)."""
    must = [group_query(group) for group in parsed.must]
    must_not = [leaf_query(leaf) for leaf in parsed.must_not]
    optional = [_match_phrase("body.exact", leaf.text, boost=0.2) for leaf in parsed.optional]
    kinds = [
        {"constant_score": {"filter": {"term": {"ident": identity_kind_key(k)}}, "boost": 100.0}} for k in parsed.kinds
    ]
    if not must and kinds:  # only a regulation type (and function words): the regulations of that type
        must = [_should(kinds)]
        kinds = []
    elif not must and optional:
        must = [_should(optional)]
        optional = []
    optional += kinds
    query: dict[str, Any] = {"must": must or [{"match_all": {}}]}
    should = [*optional, *(_proximity(parsed) if must else [])]
    if should:
        query["should"] = should
    if must_not:
        query["must_not"] = must_not
    return query


def build_filters(filters: Mapping[str, list[str]], access: AccessFilter | None) -> list[dict[str, Any]]:
    """Facet filters (OR within a facet, AND across) and the caller's access limits, for ``bool.filter``.

    They are filters of the query itself, never a ``post_filter``: totals and facet counts then only ever count
    what the caller may see and has chosen.
    """
    out: list[dict[str, Any]] = []
    for name, values in filters.items():
        if not values:
            continue
        if name not in FACET_FIELDS:
            raise ValueError(f"unknown filter {name!r}; known: {', '.join(FACETS)}")
        if name == "year":
            years = [int(v) for v in values if str(v).strip().isdigit()]
            out.append({"terms": {"year": years}} if years else MATCH_NONE)
        else:
            out.append({"terms": {FACET_FIELDS[name]: [str(v) for v in values]}})
    if access is not None:
        if access.units is not None:
            out.append({"terms": {"unit": list(access.units)}} if access.units else MATCH_NONE)
        if access.security_classes is not None:
            classes = list(access.security_classes)
            out.append({"terms": {"security_class": classes}} if classes else MATCH_NONE)
    return out


def _sort(sort: Sort) -> list[dict[str, Any]]:
    """Every order ends on ``id``: a total order is what makes ``search_after`` paging exact."""
    if sort is Sort.RELEVANCE:
        return [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
    order = "asc" if sort is Sort.DATE_ASC else "desc"
    return [{"date": {"order": order, "missing": "_last"}}, {"id": {"order": "asc"}}]


def _highlight(parsed: ParsedQuery) -> dict[str, Any]:
    """Highlight ``body`` and ``title`` with the positive clauses of the query, whatever field they targeted.

    ``require_field_match: false`` lets the terms of the ``.exact``, ``stems`` and ``codes`` clauses mark words in
    ``body``/``title`` too; the exclusions and the filters are left out so an excluded word is never marked.
    ``no_match_size`` makes a hit that matched only by metadata show the start of its text, escaped by ES.
    """
    positive = [leaf_query(leaf) for group in parsed.must for leaf in group.options]
    spec: dict[str, Any] = {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "require_field_match": False,
        "fields": {
            "body": {"fragment_size": 160, "number_of_fragments": 2, "no_match_size": 160},
            "title": {"number_of_fragments": 0},
        },
    }
    if positive:
        spec["highlight_query"] = {"bool": {"should": positive, "minimum_should_match": 1}}
    return spec


def is_deep(request: SearchRequest) -> bool:
    """Whether the page lies beyond ``max_result_window`` and must be reached by walking ``search_after``.

    A request for no hits at all (``limit`` 0: only the total and the facets) is never deep, whatever its offset.
    """
    return request.limit > 0 and max(request.offset, 0) + request.limit > MAX_WINDOW


def build_search_body(request: SearchRequest, parsed: ParsedQuery | None = None) -> dict[str, Any]:
    """The whole search request body for ``request`` (pure, the unit of the tests).

    For a shallow page (offset + limit ≤ 10,000) this is exactly what is sent. For a deep page it is the template of
    the walk (see :func:`walk_step_body` and :meth:`ElasticsearchIndex.search`) and carries no ``from``.
    """
    parsed = parsed if parsed is not None else parse_query(request.query)
    query = build_query(parsed)
    filters = build_filters(request.filters, request.access)
    if filters:
        query["filter"] = filters
    if request.exclude_ids:
        query.setdefault("must_not", []).append({"terms": {"id": sorted(set(request.exclude_ids))}})
    body: dict[str, Any] = {
        "query": {"bool": query},
        "sort": _sort(request.sort),
        "size": max(request.limit, 0),
        "track_total_hits": True,
        "_source": ["id", "version", "title"],
    }
    if request.sort is not Sort.RELEVANCE:
        body["track_scores"] = True  # a date sort still reports how well each hit matched
    if request.limit <= 0:
        body["from"] = 0  # nothing to page through; an offset past the window would only be refused
    elif not is_deep(request):
        body["from"] = max(request.offset, 0)
    else:
        body["size"] = min(body["size"], MAX_WINDOW)
    if request.facets:
        body["aggs"] = {name: {"terms": {"field": FACET_FIELDS[name], "size": FACET_SIZE}} for name in FACETS}
    words = typed_words(parsed)
    if words:
        # How many records the caller may see hold each typed word (the visible set, not the matches: a global
        # aggregation narrowed to the filters and access again): a word none holds gets a suggestion.
        body.setdefault("aggs", {})[TYPED_WORDS_AGG] = {
            "global": {},
            "aggs": {"visible": {"filter": constraint_query(request), "aggs": {"words": _word_filters(words)}}},
        }
    if request.highlight:
        body["highlight"] = _highlight(parsed)
    return body


def constraint_query(request: SearchRequest) -> dict[str, Any]:
    """Only what limits the candidate set (filters, access, exclusions): the "visible set" counts are taken in."""
    query: dict[str, Any] = {"filter": build_filters(request.filters, request.access)}
    if request.exclude_ids:
        query["must_not"] = [{"terms": {"id": sorted(set(request.exclude_ids))}}]
    return {"bool": query}


def typed_words(parsed: ParsedQuery) -> list[str]:
    """Plain typed words long enough for a typo (the same rule as the embedded engine), normalised."""
    out: list[str] = []
    for group in parsed.must:
        for leaf in group.options:
            if isinstance(leaf, Term) and leaf.field in (None, "body") and not analysis.is_code(leaf.text):
                tokens = analysis.exact_tokens(leaf.text)
                if len(tokens) == 1 and _letters(tokens[0]) >= MIN_FUZZY_LETTERS and tokens[0] not in out:
                    out.append(tokens[0])
    return out


def _word_filters(words: list[str]) -> dict[str, Any]:
    return {"filters": {"filters": {w: {"term": {"body.exact": w}} for w in words}}}


def build_word_counts_body(request: SearchRequest, words: list[str]) -> dict[str, Any]:
    """One request counting, in the caller's visible set, the records holding each word as typed (a ``filters``
    aggregation: one bucket per word). Suggestions decide from these counts, never from the index-wide term
    statistics a ``term`` suggester reads."""
    return {
        "size": 0,
        "track_total_hits": False,
        "query": constraint_query(request),
        "aggs": {"words": _word_filters(words)},
    }


def parse_word_counts(resp: Any) -> dict[str, int]:
    buckets = ((_body(resp).get("aggregations") or {}).get("words") or {}).get("buckets") or {}
    return {word: int(b.get("doc_count", 0)) for word, b in buckets.items()}


def parse_typed_counts(aggregations: Mapping[str, Any] | None) -> dict[str, int]:
    """The typed-word counts of a search response (absent: nothing known, so nothing is called unknown)."""
    visible = ((aggregations or {}).get(TYPED_WORDS_AGG) or {}).get("visible") or {}
    return parse_word_counts({"aggregations": visible})


def build_count_body(request: SearchRequest, clause: dict[str, Any]) -> dict[str, Any]:
    """How many visible records match one clause (zero-result relaxation)."""
    query = constraint_query(request)
    query["bool"]["must"] = [clause]
    return {"query": query}


def walk_step_body(
    body: Mapping[str, Any],
    *,
    size: int,
    search_after: list[Any] | None,
    pit_id: str,
    skipping: bool,
    first: bool,
) -> dict[str, Any]:
    """One request of a deep-page walk, derived from :func:`build_search_body`'s body.

    ``skipping`` steps only need each hit's sort values (no ``_source``, no highlighting); only the ``first`` step
    counts the total and the facets, which cover the whole matching set whatever page a step fetches.
    """
    step = {k: v for k, v in body.items() if k not in ("from", "aggs", "highlight", "track_total_hits")}
    step["size"] = size
    step["pit"] = {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE}
    step["track_total_hits"] = first
    if search_after is not None:
        step["search_after"] = list(search_after)
    if first and "aggs" in body:
        step["aggs"] = body["aggs"]
    if skipping:
        step["_source"] = False
    elif "highlight" in body:
        step["highlight"] = body["highlight"]
    return step


def build_versions_body(search_after: list[Any] | None = None) -> dict[str, Any]:
    """One page of ``versions()``: ids in order, only ``id`` and ``version`` fetched, no total counted."""
    body: dict[str, Any] = {
        "query": {"match_all": {}},
        "sort": [{"id": {"order": "asc"}}],
        "size": VERSIONS_PAGE,
        "_source": ["id", "version"],
        "track_total_hits": False,
    }
    if search_after is not None:
        body["search_after"] = list(search_after)
    return body


def to_search_kwargs(body: Mapping[str, Any]) -> dict[str, Any]:
    """A body as keyword arguments of ``Elasticsearch.search`` (``from`` → ``from_``, ``_source`` → ``source``)."""
    renames = {"from": "from_", "_source": "source"}
    return {renames.get(k, k): v for k, v in body.items()}


# ---- responses --------------------------------------------------------------------------------------------------


def clean_fragment(fragment: str) -> str:
    """An ES fragment in this project's HTML form: ``<mark>`` kept, everything else escaped by :func:`html.escape`.

    Why re-escape what ES's ``html`` encoder already escaped: its escaping differs from Python's in detail (``/`` and
    ``'`` as numeric entities), and the embedded engine's snippets come from :func:`html.escape`. Unescaping the text
    between the tags and escaping it again gives both engines the same output; text that literally contained
    ``<mark>`` arrives encoded (``&lt;mark&gt;``) and so stays text. Runs of whitespace collapse as in the embedded
    engine's snippets.
    """
    parts = _MARK_RE.split(fragment)
    out = [p if p in ("<mark>", "</mark>") else html.escape(html.unescape(p)) for p in parts]
    return " ".join("".join(out).split())


def _body(resp: Any) -> Mapping[str, Any]:
    return resp.body if hasattr(resp, "body") and isinstance(resp.body, Mapping) else resp


def parse_hit(hit: Mapping[str, Any]) -> SearchHit:
    source = hit.get("_source") or {}
    title = str(source.get("title") or "")
    highlight = hit.get("highlight") or {}
    fragments = [clean_fragment(f) for f in highlight.get("body", []) if f]
    titles = highlight.get("title") or []
    return SearchHit(
        id=int(source.get("id", hit.get("_id"))),
        version=int(source.get("version", 0)),
        score=float(hit.get("_score") or 0.0),
        title=title,
        snippet=SNIPPET_JOIN.join(f for f in fragments if f),
        title_highlighted=clean_fragment(titles[0]) if titles else html.escape(title),
    )


def parse_facets(aggregations: Mapping[str, Any] | None) -> dict[str, list[FacetValue]]:
    """Buckets as :class:`FacetValue` lists (year keys, integers in ES, as strings like every facet value)."""
    aggregations = aggregations or {}
    out: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        buckets = (aggregations.get(name) or {}).get("buckets", [])
        out[name] = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets if int(b["doc_count"]) > 0]
    return out


def parse_search_response(resp: Any, request: SearchRequest) -> SearchResult:
    """A search response (``ObjectApiResponse`` or its dict) as a :class:`SearchResult`."""
    data = _body(resp)
    hits_part = data.get("hits") or {}
    total = hits_part.get("total", 0)
    total_value = int(total.get("value", 0)) if isinstance(total, Mapping) else int(total or 0)
    hits = [parse_hit(h) for h in hits_part.get("hits", [])]
    if not request.highlight:  # as the embedded engine: no highlighting asked, none given
        for hit in hits:
            hit.snippet = hit.title_highlighted = ""
    return SearchResult(
        total=total_value,
        hits=hits,
        facets=parse_facets(data.get("aggregations")) if request.facets else {},
        took_ms=float(data.get("took") or 0),
        fallback=parse_query(request.query).fallback,
    )


def alias_swap_actions(alias: str, old_indices: Iterable[str], new_index: str) -> list[dict[str, Any]]:
    """The ``update_aliases`` actions that move ``alias`` to ``new_index`` in one atomic step."""
    actions: list[dict[str, Any]] = [
        {"remove": {"index": old, "alias": alias}} for old in sorted(old_indices) if old != new_index
    ]
    actions.append({"add": {"index": new_index, "alias": alias}})
    return actions


def physical_index_name(prefix: str, name: str, now: datetime | None = None) -> str:
    """``{prefix}-{name}-{UTC timestamp to the microsecond}``: sortable, unique per build, matched by the template."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
    return f"{prefix}-{name}-{stamp}"


# ---- the engine -------------------------------------------------------------------------------------------------


class ElasticsearchEngine(SearchEngine):
    """Logical indexes of one cluster under one prefix; holds one thread-safe client for all of them."""

    def __init__(self, client: Elasticsearch, prefix: str = DEFAULT_PREFIX, *, owns_client: bool = False) -> None:
        if not _PREFIX_RE.fullmatch(prefix):
            raise ValueError(f"index prefix {prefix!r} must be lowercase letters, digits, '-' or '_'")
        self.client = client
        self.prefix = prefix
        self._owns_client = owns_client
        self._indexes: dict[str, ElasticsearchIndex] = {}
        self._lock = threading.Lock()
        self._template_done = False

    @classmethod
    def from_url(cls, url: str, **client_options: Any) -> ElasticsearchEngine:
        """An engine for ``http(s)://user:pass@host:9200/?prefix=arsip``; ``client_options`` go to the client."""
        cfg = parse_url(url)
        options: dict[str, Any] = {"transport_class": PlainJsonTransport, "request_timeout": 30}
        if cfg.basic_auth is not None:
            options["basic_auth"] = cfg.basic_auth
        if cfg.ca_certs is not None:
            options["ca_certs"] = cfg.ca_certs
        if cfg.verify_certs is not None:
            options["verify_certs"] = cfg.verify_certs
        options.update(client_options)
        return cls(Elasticsearch(cfg.hosts, **options), cfg.prefix, owns_client=True)

    def index(self, name: str) -> ElasticsearchIndex:
        if not _NAME_RE.fullmatch(name):
            raise ValueError(f"index name {name!r} must be lowercase letters, digits or '_'")
        with self._lock:
            if name not in self._indexes:
                self._indexes[name] = ElasticsearchIndex(self, name)
            return self._indexes[name]

    def ensure_template(self) -> None:
        """Put the index template (idempotent); once per engine, before any physical index is created."""
        with self._lock:
            if not self._template_done:
                self.client.indices.put_index_template(**build_index_template(self.prefix))
                self._template_done = True

    def close(self) -> None:
        if self._owns_client:
            self.client.close()


class ElasticsearchIndex(SearchIndex):
    """One logical index: every read and write goes through the alias ``{prefix}-{name}``."""

    def __init__(self, engine: ElasticsearchEngine, name: str) -> None:
        self.engine = engine
        self.client = engine.client
        self.name = name
        self.alias = f"{engine.prefix}-{name}"
        self._ready = False
        self._lock = threading.Lock()

    # ---- setup ----------------------------------------------------------------------------------------------------
    def ensure(self) -> None:
        """Create template, first physical index and alias on first use.

        Two processes starting together may both create a first index under the alias. Both then look at the alias
        and agree on keeping the index with the smallest name; the other creator deletes its own, so the alias ends
        up on exactly one index (writes through an alias need that).
        """
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self.engine.ensure_template()
            if not self.client.indices.exists_alias(name=self.alias):
                mine = physical_index_name(self.engine.prefix, self.name)
                self.client.indices.create(index=mine, aliases={self.alias: {}})
                members = sorted(self._alias_members())
                if len(members) > 1 and mine != members[0]:
                    self.client.options(ignore_status=404).indices.delete(index=mine)
            self._ready = True

    def _alias_members(self) -> list[str]:
        try:
            return list(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            return []

    # ---- writing --------------------------------------------------------------------------------------------------
    def upsert(self, docs: Iterable[IndexDocument]) -> None:
        self.ensure()
        _bulk_index(self.client, self.alias, docs)
        self.client.indices.refresh(index=self.alias)

    def delete(self, ids: Iterable[int]) -> None:
        self.ensure()
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": str(i)} for i in ids)
        for _ in helpers.streaming_bulk(
            self.client.options(request_timeout=BULK_TIMEOUT),
            actions,
            chunk_size=BULK_CHUNK,
            raise_on_error=True,
            ignore_status=(404,),
            max_retries=BULK_RETRIES,
        ):
            pass
        self.client.indices.refresh(index=self.alias)

    def clear(self) -> None:
        self.ensure()
        self.client.delete_by_query(index=self.alias, query={"match_all": {}}, conflicts="proceed", refresh=True)

    # ---- reading --------------------------------------------------------------------------------------------------
    def count(self) -> int:
        self.ensure()
        return int(self.client.count(index=self.alias)["count"])

    def versions(self) -> Iterator[IndexedVersion]:
        """Pages of 5,000 ids in order, each page starting after the last id seen (no 10,000 cap, no full list).

        No point in time: one is not worth leaking when a caller stops early, and an id-ordered walk already sees
        each id at most once.
        """
        self.ensure()
        after: list[Any] | None = None
        while True:
            body = build_versions_body(after)
            resp = self.client.search(index=self.alias, **to_search_kwargs(body))
            hits = resp["hits"]["hits"]
            for hit in hits:
                src = hit["_source"]
                yield IndexedVersion(int(src["id"]), int(src["version"]))
            if len(hits) < VERSIONS_PAGE:
                return
            after = hits[-1]["sort"]

    def search(self, request: SearchRequest) -> SearchResult:
        self.ensure()
        parsed = parse_query(request.query)
        result, aggregations = self._search(request, build_search_body(request, parsed))
        counts = parse_typed_counts(aggregations)
        unknown = [w for w in typed_words(parsed) if w in counts and counts[w] == 0]
        suggestion = assist.suggestion(request.query, unknown, self._neighbours(request, unknown)) if unknown else None
        if request.relax and result.total == 0:
            relaxed = assist.relax(parsed, lambda group: self._count(request, group_query(group)))
            if relaxed is not None:
                again, _ = self._search(request, build_search_body(request, relaxed.query))
                if again.total:
                    again.relaxed = relaxed.dropped
                    result = again
        result.suggestion = suggestion
        return result

    def _search(self, request: SearchRequest, body: dict[str, Any]) -> tuple[SearchResult, Mapping[str, Any] | None]:
        if not is_deep(request):
            resp = _body(self.client.search(index=self.alias, **to_search_kwargs(body)))
            return parse_search_response(resp, request), resp.get("aggregations")
        return self._deep_search(request, body)

    def _count(self, request: SearchRequest, clause: dict[str, Any]) -> int:
        return int(self.client.count(index=self.alias, **build_count_body(request, clause))["count"])

    def _neighbours(self, request: SearchRequest, unknown: list[str]) -> dict[str, str]:
        """For each word no visible record holds, its most common visible neighbour one edit away."""
        best: dict[str, str] = {}
        for word in unknown:
            body = build_word_counts_body(request, list(typos.edits1(word)))
            found = parse_word_counts(self.client.search(index=self.alias, **body))
            seen = [(n, v) for v, n in found.items() if n > 0]
            if seen:
                best[word] = max(seen)[1]
        return best

    def _deep_search(
        self, request: SearchRequest, body: dict[str, Any]
    ) -> tuple[SearchResult, Mapping[str, Any] | None]:
        """A page beyond 10,000 hits: walk ``search_after`` inside a point in time.

        The point in time freezes the index for the walk, so a write between two steps cannot shift the page. The
        walk skips ``offset`` hits in steps of at most 10,000 fetching only sort values, then collects ``limit`` hits
        (again in steps of at most 10,000) with titles and highlights. The first step also counts the total and the
        facets. Cost grows with the offset, as it must: Elasticsearch has no random access into a sorted result.
        """
        offset, limit = max(request.offset, 0), max(request.limit, 0)
        pit_id = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE)["id"]
        first_resp: Mapping[str, Any] | None = None
        collected: list[dict[str, Any]] = []
        took = 0.0
        after: list[Any] | None = None
        exhausted = False

        def walk(count: int, *, skipping: bool) -> Iterator[list[dict[str, Any]]]:
            """Steps of at most MAX_WINDOW hits until ``count`` hits were seen or the result ran out."""
            nonlocal first_resp, pit_id, took, after, exhausted
            seen = 0
            while seen < count and not exhausted:
                size = min(MAX_WINDOW, count - seen)
                step = walk_step_body(
                    body, size=size, search_after=after, pit_id=pit_id, skipping=skipping, first=first_resp is None
                )
                resp = _body(self.client.search(**to_search_kwargs(step)))
                if first_resp is None:
                    first_resp = resp
                pit_id = resp.get("pit_id", pit_id)
                took += float(resp.get("took") or 0)
                hits = resp["hits"]["hits"]
                seen += len(hits)
                exhausted = len(hits) < size
                if hits:
                    after = hits[-1]["sort"]
                yield hits

        try:
            for _skipped in walk(offset, skipping=True):
                pass
            for hits in walk(limit, skipping=False):
                collected.extend(hits)
        finally:
            self.client.options(ignore_status=404).close_point_in_time(id=pit_id)
        assert first_resp is not None  # offset + limit > MAX_WINDOW, so at least one step ran
        merged = {
            "took": took,
            "hits": {"total": first_resp["hits"].get("total", 0), "hits": collected},
            "aggregations": first_resp.get("aggregations"),
        }
        return parse_search_response(merged, request), first_resp.get("aggregations")

    # ---- rebuilding -----------------------------------------------------------------------------------------------
    def begin_rebuild(self) -> ElasticsearchBuild:
        self.ensure()
        return ElasticsearchBuild(self)


def _bulk_index(client: Elasticsearch, index: str, docs: Iterable[IndexDocument]) -> int:
    """Stream ``docs`` as bulk index actions; returns how many were written.

    ``version_type: external_gte`` with the record version makes Elasticsearch refuse (409) a document older than
    the one it holds: a late outbox event never overwrites a newer version. Those 409s are expected and ignored;
    any other failure raises :class:`elasticsearch.helpers.BulkIndexError`.
    """
    actions = (
        {
            "_op_type": "index",
            "_index": index,
            "_id": str(doc.id),
            "version": doc.version,
            "version_type": "external_gte",
            "_source": doc_to_source(doc),
        }
        for doc in docs
    )
    written = 0
    for ok, _item in helpers.streaming_bulk(
        client.options(request_timeout=BULK_TIMEOUT),
        actions,
        chunk_size=BULK_CHUNK,
        max_chunk_bytes=BULK_MAX_BYTES,
        raise_on_error=True,
        ignore_status=(409,),
        max_retries=BULK_RETRIES,
    ):
        written += bool(ok)
    return written


class ElasticsearchBuild(IndexBuild):
    """A new physical index beside the live one, not behind the alias until :meth:`swap`.

    Refresh is switched off while it fills (nobody searches it yet) and restored before the swap. Changes the outbox
    applies during the build reach the live index only; the swap replaces it, so run ``arsip index verify`` (or
    replay the outbox from the build's start) after a reindex on a busy system.
    """

    def __init__(self, live: ElasticsearchIndex) -> None:
        self.live = live
        self.client = live.client
        self.index_name = physical_index_name(live.engine.prefix, live.name)
        self.client.indices.create(index=self.index_name, settings={"index": {"refresh_interval": "-1"}})
        self.added = 0
        self._done = False

    def add(self, docs: Iterable[IndexDocument]) -> int:
        n = _bulk_index(self.client, self.index_name, docs)
        self.added += n
        return n

    def swap(self) -> None:
        if self._done:
            raise RuntimeError("this build was already swapped in or aborted")
        self.client.indices.put_settings(index=self.index_name, settings={"index": {"refresh_interval": None}})
        self.client.indices.refresh(index=self.index_name)
        old = [i for i in self.live._alias_members() if i != self.index_name]
        self.client.indices.update_aliases(actions=alias_swap_actions(self.live.alias, old, self.index_name))
        self._done = True
        for name in old:
            self.client.options(ignore_status=404).indices.delete(index=name)

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        self.client.options(ignore_status=404).indices.delete(index=self.index_name)
