"""The embedded engine: tantivy (PyPI ``tantivy``), one directory per index under the data folder, no server.

Layout: ``<root>/<name>/CURRENT`` names the live generation directory (``gen-<n>``); a reindex fills a new generation
and swaps ``CURRENT`` with an atomic rename, so readers never see a half-built index. Text is analysed in Python
(:mod:`indexer.analysis`) and handed to tantivy's ``whitespace`` tokenizer, because tantivy has no Indonesian stemmer
and the candidate-stem scheme needs our own code anyway. Snippets come from :mod:`indexer.snippets` over the stored
text.

Generations: the folders ``CURRENT`` does not name are removed when no writer holds them — after every swap, and
by the start-up clean-up (``remove_stray_generations``): a reindex that was killed leaves its half-built folder,
which before was never deleted, not even by the next successful reindex. Creating a generation, taking its writer
and swapping the pointer happen under ``GENERATIONS_LOCK`` (a ``flock`` in the index folder), and the clean-up takes
the same lock, so it never sees a generation between its creation and its writer, or between the build's last
commit and the swap.

Writers: tantivy allows one writer per index directory and guards it with a lock file. Each batch opens a writer,
commits and releases it (see ``_writing``), so the worker and a web request that must withdraw a record at once
take turns instead of one locking the other out; a lock held too long gives :class:`WriterBusy`. Searches in any
process reload when the index's ``meta.json`` changes.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

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
from ..snippets import Highlighter
from .base import IndexBuild, IndexOutdated, SearchBackendError, SearchEngine, SearchIndex

SCHEMA_VERSION = 4
UNDATED_LAST = date(9999, 12, 31).toordinal()
MAX_STORED_BODY = 1_000_000  # characters kept for snippets; the full text is the derived blob and is all indexed
MIN_FUZZY_LEN = 5
# Ranking weights (BM25 per field, summed): the lemma over title + text is the base; the exact form ranks above
# other forms of the word; the title only nudges (a file-name title full of common words must not dominate);
# the words as typed next to each other, and a legal reference the document *is*, are the strongest signals.
EXACT_BOOST = 1.0
TITLE_BOOST = 0.5
CODE_BOOST = 3.0
PHRASE_BOOST = 2.0
TITLE_PHRASE_BOOST = 3.0
NEAR_BOOST = 1.0
NEAR_SLOP = 3
TITLE_SLOP = 8
OPTIONAL_BOOST = 0.2
IDENTITY_BOOST = 20.0
TIE_SLACK = 16  # hits fetched past the page to see whether the page's last score is tied with the next ones
TIE_WINDOW = 10_000  # the most hits a relevance page fetches to order ties by id
KIND_SCORE = 100.0  # a fixed score, not a boost: the regulations of a type a person named come first
TYPO_BOOST = 0.4
TYPO_RARE = 5  # a word fewer visible records hold than this may be a typo: its neighbours are searched too
MAX_TYPO_VARIANTS = 12
MAX_PROXIMITY_TOKENS = 24
WRITER_HEAP = 64_000_000
WRITER_WAIT_SECONDS = 10.0
BUILD_HEAP = 200_000_000
ID_WINDOW = 20_000  # ids per page when streaming (id, version) pairs
RAW_FIELDS = {"kip_category": "kip_category", "unit": "unit", "class_top": "class_top", "file_type": "file_type"}
GENERATIONS_LOCK = ".arsip-generations.lock"
WRITER_LOCK = ".tantivy-writer.lock"  # tantivy's own, held (flock) by whoever has a writer open


_FACET_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="arsip-facets")


class WriterBusy(SearchBackendError):
    """Another process holds this index's writer; it will apply the change."""


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", indexed=True, fast=True)  # i64: delete-by-term takes a Python int as i64
    sb.add_integer_field("version", fast=True)
    sb.add_text_field("stem", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("title_stem", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("exact", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("title_exact", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("codes", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("ident", tokenizer_name="raw", index_option="basic")  # legal refs the record *is*
    for name in ("kip_category", "unit", "class_top", "file_type", "security_class"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("date", fast=True)  # newest first: undated records (0) sort last
    sb.add_integer_field("date_asc", fast=True)  # oldest first: undated records (a far future day) sort last
    sb.add_bytes_field("title", stored=True)
    sb.add_bytes_field("body", stored=True)
    return sb.build()


_INTEGER_FIELDS = frozenset({"id", "version", "year", "date", "date_asc"})
_BYTES_FIELDS = frozenset({"title", "body"})


def document_fields(doc: IndexDocument) -> dict[str, list[Any]]:
    """Analyse one record into the values of each tantivy field (pure: no index needed, so worker processes can
    run it). Both ways a document reaches tantivy are made from this: :func:`to_tantivy` (the incremental path)
    and :func:`encode_batch` (a reindex), so they cannot differ."""
    title = analysis.Analyzed.of(doc.title)
    body = analysis.Analyzed.join(
        [
            doc.description_analyzed or analysis.Analyzed.of(doc.description),
            doc.body_analyzed or analysis.Analyzed.of(doc.body),
        ]
    )
    fields: dict[str, list[Any]] = {
        "id": [doc.id],
        "version": [doc.version],
        "title_stem": [title.stems],
        "stem": [f"{title.stems} {body.stems}"],
        "title_exact": [title.exact],
        "exact": [f"{title.exact} {body.exact}"],
    }
    codes = dict.fromkeys((*title.codes, *body.codes))
    if doc.classification_code:
        codes.update(dict.fromkeys(analysis.classification_prefixes(analysis.normalize(doc.classification_code))))
    if doc.record_no:
        codes[analysis.normalize(doc.record_no)] = None
    if codes:
        fields["codes"] = list(codes)
    ident = analysis.identity_keys(doc.title, doc.description, doc.body, doc.file_names)
    if ident:
        fields["ident"] = ident
    if doc.kip_category:
        fields["kip_category"] = [doc.kip_category]
    fields["unit"] = [doc.unit]
    fields["class_top"] = [doc.class_top]
    fields["security_class"] = [doc.security_class]
    if doc.file_types:
        fields["file_type"] = list(dict.fromkeys(doc.file_types))
    if doc.year is not None:
        fields["year"] = [doc.year]
    newest_first, oldest_first = _date_sort_keys(doc)
    fields["date"] = [newest_first]
    fields["date_asc"] = [oldest_first]
    fields["title"] = [doc.title.encode()]
    stored = f"{doc.description}\n{doc.body[:MAX_STORED_BODY]}" if doc.description else doc.body[:MAX_STORED_BODY]
    fields["body"] = [stored.encode()]
    return fields


def to_tantivy(doc: IndexDocument) -> tantivy.Document:
    """One record as a tantivy document (see :func:`document_fields`)."""
    d = tantivy.Document()
    for name, values in document_fields(doc).items():
        add = d.add_integer if name in _INTEGER_FIELDS else d.add_bytes if name in _BYTES_FIELDS else d.add_text
        for value in values:
            add(name, value)
    return d


def encode_batch(docs: list[IndexDocument]) -> str:
    """Documents as tantivy's JSON documents, one a line (what :meth:`TantivyBuild.add_encoded` takes).

    A reindex runs this in its worker processes: the feeding process then makes one call per document
    (``IndexWriter.add_json``, parsed in Rust) instead of analysing and assembling each document in Python, and
    a batch crosses the process boundary as one string instead of thousands of pickled objects. Bytes fields go
    as base64, as tantivy's JSON reader expects them; JSON escapes newlines, so a line is a document."""
    lines = []
    for doc in docs:
        fields = document_fields(doc)
        for name in _BYTES_FIELDS:
            fields[name] = [base64.b64encode(v).decode("ascii") for v in fields[name]]
        lines.append(_to_json(fields))
    return "\n".join(lines)


_to_json = json.JSONEncoder(separators=(",", ":")).encode  # ASCII escapes: the fastest of the C encoder's modes


def _date_key(doc: IndexDocument) -> int:
    when: date | None = doc.doc_date or (doc.published_at.date() if doc.published_at else None)
    return when.toordinal() if when else 0


# The date sorts end on the id, as the Elasticsearch backend's do: a total order. Without it, hits of the same day
# came in the order of the index's segments, which changes when records the caller cannot see are indexed, so the
# order itself told that they exist. The key is the day in the high bits and the id (ascending either way) below.
_ID_SPACE = 1 << 32


def _date_sort_keys(doc: IndexDocument) -> tuple[int, int]:
    """(key for newest first, key for oldest first); undated records last in both."""
    rank = doc.id % _ID_SPACE
    day = _date_key(doc)
    return day * _ID_SPACE + (_ID_SPACE - 1 - rank), (day or UNDATED_LAST) * _ID_SPACE + rank


class TantivyEngine(SearchEngine):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._indexes: dict[str, TantivyIndex] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> TantivyEngine:
        return cls(Path(url.removeprefix("tantivy://")))

    def index(self, name: str) -> TantivyIndex:
        with self._lock:
            if name not in self._indexes:
                self._indexes[name] = TantivyIndex(self.root / name, name)
            return self._indexes[name]

    def close(self) -> None:
        for index in self._indexes.values():
            index.close()
        self._indexes.clear()


class TantivyIndex(SearchIndex):
    def __init__(self, directory: Path, name: str) -> None:
        self.dir = directory
        self.name = name
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._gen: str | None = None
        self._index: tantivy.Index | None = None
        self._meta_mtime = 0
        self.dir.mkdir(parents=True, exist_ok=True)
        if not (self.dir / "CURRENT").exists():
            with _generations_locked(self.dir):
                if not (self.dir / "CURRENT").exists():  # two processes opening a brand-new index: one creates it
                    gen = self._new_generation()
                    tantivy.Index(self.schema, path=str(self.dir / gen))
                    _write_pointer(self.dir, gen)

    # ---- generations ------------------------------------------------------------------------------------------
    def _new_generation(self) -> str:
        existing = [int(p.name[4:]) for p in self.dir.glob("gen-*") if p.name[4:].isdigit()]
        gen = f"gen-{max(existing, default=0) + 1:06d}"
        (self.dir / gen).mkdir(exist_ok=True)  # two processes opening a brand-new index may race here
        (self.dir / gen / "arsip-schema.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION}))
        return gen

    def remove_stray_generations(self, *, dry_run: bool = False) -> int:
        """Delete the generation folders ``CURRENT`` does not name and no writer holds (a reindex killed mid-way
        leaves one); returns how many (would be) deleted. A build in progress holds its writer, so it is kept."""
        with _generations_locked(self.dir):
            return self._remove_strays(dry_run=dry_run)

    def _remove_strays(self, *, dry_run: bool = False, keep: str | None = None) -> int:
        """As ``remove_stray_generations``; the caller holds the generations lock."""
        try:
            current = (self.dir / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return 0  # a brand-new index being created: nothing is stray yet
        removed = 0
        for path in sorted(self.dir.glob("gen-*")):
            if path.name in (current, keep) or not path.is_dir() or _writer_held(path):
                continue
            removed += 1
            if not dry_run:
                shutil.rmtree(path, ignore_errors=True)
        return removed

    def _current(self) -> tantivy.Index:
        """The live generation's index, reopened when a reindex swapped it or another process committed."""
        gen = (self.dir / "CURRENT").read_text().strip()
        if gen != self._gen or self._index is None:
            _check_schema(self.dir / gen, self.name)
            self._index = tantivy.Index(self.schema, path=str(self.dir / gen), reuse=True)
            self._index.config_reader(reload_policy="Manual")
            self._gen = gen
            self._meta_mtime = 0
        mtime = _mtime(self.dir / gen / "meta.json")
        if mtime != self._meta_mtime:
            self._index.reload()
            self._meta_mtime = mtime
        return self._index

    @contextmanager
    def _writing(self) -> Iterator[tuple[tantivy.Index, tantivy.IndexWriter]]:
        """A writer for one batch: opened, committed, merged and released again.

        Why not keep the writer open: tantivy allows one writer per index across all processes, and a web process
        that kept one after an urgent public removal would lock out the worker for good. Opening costs well under
        a millisecond next to the commit's fsync, so each batch takes the lock, and a busy lock is waited for."""
        with self._lock:
            index = self._current()
            writer = self._open_writer(index)
            try:
                yield index, writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # finishes merges and releases the lock file
            index.reload()
            self._meta_mtime = _mtime(self.dir / str(self._gen) / "meta.json")

    def _open_writer(self, index: tantivy.Index) -> tantivy.IndexWriter:
        deadline = time.monotonic() + WRITER_WAIT_SECONDS
        while True:
            try:
                return index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise WriterBusy(f"index {self.name} is being written by another process") from exc
                time.sleep(0.02)

    def close(self) -> None:
        with self._lock:
            self._index = None
            self._gen = None

    # ---- writing ----------------------------------------------------------------------------------------------
    def upsert(self, docs: Iterable[IndexDocument]) -> None:
        batch = list(docs)
        if not batch:
            return
        with self._writing() as (index, writer):
            held = self._stored_versions(index, [d.id for d in batch])
            for doc in batch:
                if held.get(doc.id, -1) > doc.version:
                    continue  # an older event arriving late never overwrites a newer version
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(to_tantivy(doc))

    def delete(self, ids: Iterable[int]) -> None:
        id_list = list(ids)
        if not id_list:
            return
        with self._lock:  # the worker asks to delete every non-public record from the public index: mostly absent
            if not self._stored_versions(self._current(), id_list):
                return  # nothing to remove: no writer lock, no commit, no fsync
        with self._writing() as (_index, writer):
            for record_id in id_list:
                writer.delete_documents_by_term("id", record_id)

    def clear(self) -> None:
        with self._writing() as (_index, writer):
            writer.delete_all_documents()

    def _stored_versions(self, index: tantivy.Index, ids: list[int]) -> dict[int, int]:
        searcher = index.searcher()
        query = tantivy.Query.term_set_query(self.schema, "id", ids)
        hits = searcher.search(query, limit=max(len(ids), 1), count=False).hits
        addrs = [a for _, a in hits]
        if not addrs:
            return {}
        found = searcher.fast_field_values("id", addrs)
        versions = searcher.fast_field_values("version", addrs)
        return {int(i): int(v) for i, v in zip(found, versions, strict=True)}

    # ---- reading ----------------------------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return self._current().searcher().num_docs

    def versions(self) -> Iterator[IndexedVersion]:
        with self._lock:
            searcher = self._current().searcher()
        top = self._max_id(searcher)
        lo = 0
        while lo <= top:
            hi = lo + ID_WINDOW
            query = tantivy.Query.range_query(self.schema, "id", tantivy.FieldType.Integer, lo, hi - 1)
            hits = searcher.search(query, limit=ID_WINDOW, count=False).hits
            addrs = [a for _, a in hits]
            if addrs:
                ids = searcher.fast_field_values("id", addrs)
                vers = searcher.fast_field_values("version", addrs)
                for i, v in sorted(zip(ids, vers, strict=True)):
                    yield IndexedVersion(int(i), int(v))
            lo = hi

    def _max_id(self, searcher: tantivy.Searcher) -> int:
        if searcher.num_docs == 0:
            return -1
        hits = searcher.search(tantivy.Query.all_query(), limit=1, count=False, order_by_field="id").hits
        return int(hits[0][0]) if hits else -1

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        parsed = parse_query(request.query)
        with self._lock:
            index = self._current()
            searcher = index.searcher()
        ctx = _QueryContext(self.schema, searcher, self._constraints(request))
        query = self._build_query(parsed, ctx)
        result = self._run(searcher, query, request, parsed)
        suggestion = assist.suggestion(request.query, ctx.unknown_words, ctx.best_variant)
        if request.relax and result.total == 0:
            relaxed = assist.relax(parsed, lambda group: ctx.count(self._any_of(group, ctx)))
            if relaxed is not None:
                again = self._run(searcher, self._build_query(relaxed.query, ctx), request, relaxed.query)
                if again.total:
                    again.relaxed = relaxed.dropped
                    result = again
        result.suggestion = suggestion
        result.took_ms = (time.perf_counter() - started) * 1000
        result.fallback = parsed.fallback
        return result

    def _run(
        self, searcher: tantivy.Searcher, query: tantivy.Query, request: SearchRequest, parsed: ParsedQuery
    ) -> SearchResult:
        limit = max(0, min(request.limit, 1000))
        kwargs: dict[str, Any] = {"limit": max(limit, 1), "count": True, "offset": max(0, request.offset)}
        if request.sort is not Sort.RELEVANCE:
            kwargs["order_by_field"] = "date_asc" if request.sort is Sort.DATE_ASC else "date"
            kwargs["order"] = tantivy.Order.Asc if request.sort is Sort.DATE_ASC else tantivy.Order.Desc
        # Facets need a second pass over every match; tantivy releases the GIL, so it runs beside the top-k search
        # and the snippets instead of after them.
        facets_job = _FACET_POOL.submit(self._facets, searcher, query) if request.facets else None
        if request.sort is Sort.RELEVANCE:
            result, pairs, ids = self._by_score_then_id(searcher, query, limit, kwargs["offset"])
        else:
            result = searcher.search(query, **kwargs)
            pairs = result.hits[:limit]
            ids = searcher.fast_field_values("id", [a for _, a in pairs]) if pairs else []
        addrs = [a for _, a in pairs]
        versions = searcher.fast_field_values("version", addrs) if addrs else []
        highlighter = Highlighter.for_query(parsed) if request.highlight else None
        hits: list[SearchHit] = []
        for (score, addr), rid, ver in zip(pairs, ids, versions, strict=True):
            stored = searcher.doc(addr)
            title = (stored.get_first("title") or b"").decode()
            hit = SearchHit(id=int(rid), version=int(ver), score=float(score), title=title)
            if highlighter is not None:
                hit.snippet = highlighter.snippet((stored.get_first("body") or b"").decode())
                hit.title_highlighted = highlighter.highlight_all(title)
            hits.append(hit)
        facets = facets_job.result() if facets_job is not None else {}
        return SearchResult(total=int(result.count or 0), hits=hits, facets=facets)

    @staticmethod
    def _by_score_then_id(
        searcher: tantivy.Searcher, query: tantivy.Query, limit: int, offset: int
    ) -> tuple[Any, list[tuple[float, Any]], list[int]]:
        """The page of a relevance search in a total order, score descending then id ascending, as the
        Elasticsearch backend sorts. Tantivy breaks ties by the document's address, which changes when segments
        merge or records the caller cannot see are indexed: equal-scored hits then moved between pages, and the
        move told that hidden records exist. So the window is widened until it holds every hit tied with the
        page's last one (at most ``TIE_WINDOW`` hits; beyond that, ties keep the engine's order), and sorted."""
        want = offset + max(limit, 1)
        fetch = want + TIE_SLACK
        result = searcher.search(query, limit=fetch, count=True)  # the count once; wider windows skip it
        hits = result.hits
        while len(hits) == fetch and fetch < TIE_WINDOW and hits[-1][0] >= hits[want - 1][0]:
            fetch = min(fetch * 4, TIE_WINDOW)
            hits = searcher.search(query, limit=fetch, count=False).hits
        ids = searcher.fast_field_values("id", [a for _, a in hits]) if hits else []
        order = sorted(range(len(hits)), key=lambda i: (-hits[i][0], ids[i]))[offset : offset + limit]
        return result, [hits[i] for i in order], [ids[i] for i in order]

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, list[FacetValue]]:
        aggs = {name: {"terms": {"field": name, "size": 200}} for name in FACETS}
        raw = searcher.aggregate(query, aggs)
        out: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            buckets = raw.get(name, {}).get("buckets", [])
            out[name] = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets if b["doc_count"] > 0]
        return out

    # ---- query translation ------------------------------------------------------------------------------------
    def _constraints(self, request: SearchRequest) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """What limits the candidate set whatever the words: filters, the caller's access, excluded ids."""
        out: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for name, values in request.filters.items():
            if values:
                out.append((tantivy.Occur.Must, self._filter(name, values)))
        if request.access is not None:
            out.extend((tantivy.Occur.Must, q) for q in self._access(request.access))
        if request.exclude_ids:
            ids = sorted(set(request.exclude_ids))
            out.append((tantivy.Occur.MustNot, tantivy.Query.term_set_query(self.schema, "id", ids)))
        return out

    def _build_query(self, parsed: ParsedQuery, ctx: _QueryContext) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for group in parsed.must:
            clauses.append((tantivy.Occur.Must, self._any_of(group, ctx)))
        for leaf in parsed.must_not:
            clauses.append((tantivy.Occur.MustNot, self._leaf(leaf, ctx, scoring=False)))
        optional = [self._optional_word(leaf) for leaf in parsed.optional]
        if parsed.must or optional:
            clauses.extend((tantivy.Occur.Should, q) for q in self._proximity(parsed))
        kinds = [
            tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "ident", identity_kind_key(k)), KIND_SCORE
            )
            for k in parsed.kinds
        ]
        if parsed.must:
            clauses.extend((tantivy.Occur.Should, q) for q in (*optional, *kinds))
        elif kinds:  # only a regulation type (and function words): the regulations of that type
            clauses.append((tantivy.Occur.Must, _should(kinds)))
            clauses.extend((tantivy.Occur.Should, q) for q in optional)
        elif optional:  # only function words were typed: any of them is enough
            clauses.append((tantivy.Occur.Must, _should(optional)))
        clauses.extend(ctx.constraints)
        if not any(occur == tantivy.Occur.Must for occur, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def _optional_word(self, leaf: Term) -> tantivy.Query:
        tokens = analysis.exact_tokens(leaf.text)
        return tantivy.Query.boost_query(self._phrase(tokens, title_only=False), OPTIONAL_BOOST)

    def _proximity(self, parsed: ParsedQuery) -> list[tantivy.Query]:
        """The words as typed, next to each other (function words included), in the text and in the title: what
        lets the document *titled* "pajak bumi dan bangunan" rank above one that uses the four words apart."""
        tokens = parsed.sequence
        if len(tokens) < 2 or len(tokens) > MAX_PROXIMITY_TOKENS or any(len(g.options) > 1 for g in parsed.must):
            return []  # (an OR between words: they are alternatives, not a sequence)
        content = [t for t in tokens if t not in analysis.STOP_WORDS]
        title_phrase = tantivy.Query.phrase_query(self.schema, "title_exact", tokens)
        out = [tantivy.Query.boost_query(title_phrase, TITLE_PHRASE_BOOST)]
        # One phrase over the text, the costliest clause of a query of common words: the words as typed when they
        # include function words ("bumi dan bangunan"), else the words within a few positions of each other.
        if len(content) < len(tokens) or len(content) < 2:
            phrase = tantivy.Query.phrase_query(self.schema, "exact", tokens)
        else:
            phrase = tantivy.Query.phrase_query(self.schema, "exact", content, slop=NEAR_SLOP)
        out.append(tantivy.Query.boost_query(phrase, PHRASE_BOOST))
        if len(content) >= 2:
            # the words in the title in order, with room for what a title puts between them ("Peraturan
            # Pemerintah Nomor 27 Tahun 2002 tentang Pengelolaan …" for "peraturan pemerintah pengelolaan …")
            title = tantivy.Query.phrase_query(self.schema, "title_exact", content, slop=TITLE_SLOP)
            out.append(tantivy.Query.boost_query(title, NEAR_BOOST))
        return out

    def _access(self, access: AccessFilter) -> list[tantivy.Query]:
        out = []
        if access.units is not None:
            out.append(self._terms("unit", list(access.units)))
        if access.security_classes is not None:
            out.append(self._terms("security_class", list(access.security_classes)))
        return out

    def _filter(self, name: str, values: list[str]) -> tantivy.Query:
        if name == "year":
            years = [int(v) for v in values if str(v).lstrip("-").isdigit()]
            return tantivy.Query.term_set_query(self.schema, "year", years) if years else tantivy.Query.empty_query()
        if name not in RAW_FIELDS:
            raise ValueError(f"unknown filter {name!r}")
        return self._terms(RAW_FIELDS[name], [str(v) for v in values])

    def _terms(self, field: str, values: list[str]) -> tantivy.Query:
        if not values:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, field, values)

    def _any_of(self, group: AnyOf, ctx: _QueryContext) -> tantivy.Query:
        if len(group.options) == 1:
            return self._leaf(group.options[0], ctx)
        return _should([self._leaf(leaf, ctx) for leaf in group.options])

    def _leaf(self, leaf: Leaf, ctx: _QueryContext, *, scoring: bool = True) -> tantivy.Query:
        field = leaf.field
        if isinstance(leaf, Ref):
            return self._ref(leaf.key)
        if field == "codes":
            return tantivy.Query.term_query(self.schema, "codes", analysis.normalize(leaf.text).strip())
        if field == "year":
            text = leaf.text.strip()
            return tantivy.Query.term_query(self.schema, "year", int(text)) if text.isdigit() else _nothing()
        if field in ("kip_category", "unit", "file_type"):
            value = leaf.text.strip() if field == "unit" else analysis.normalize(leaf.text).strip()
            return tantivy.Query.term_query(self.schema, RAW_FIELDS[field], value)
        title_only = field == "title"
        if isinstance(leaf, Phrase):
            return self._phrase(analysis.exact_tokens(leaf.text), title_only)
        if isinstance(leaf, Prefix):
            tokens = analysis.exact_tokens(leaf.text)
            if not tokens:
                return _nothing()
            pattern = _regex_escape(tokens[0]) + ".*"
            return tantivy.Query.regex_query(self.schema, "title_exact" if title_only else "exact", pattern)
        assert isinstance(leaf, Term)
        return self._word(leaf.text, title_only, ctx if scoring else None)

    def _ref(self, key: str) -> tantivy.Query:
        """A legal reference: documents citing it; the regulation that *is* it (its identity) far above them."""
        cites = tantivy.Query.term_query(self.schema, "codes", key)
        is_it = tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, "ident", key), IDENTITY_BOOST)
        return _should([cites, is_it])

    def _word(self, word: str, title_only: bool, ctx: _QueryContext | None) -> tantivy.Query:
        """One typed word: its lemma (BM25 over title + text), the exact form above it, the title a little above.

        Typo tolerance (edit distance 1 for words of 5+ letters) applies to a word that fewer than
        :data:`TYPO_RARE` records *the caller may see* contain as typed. Counting over the caller's visible set
        rather than the index's term statistics is what keeps typo expansion from revealing whether a hidden
        record holds a word (docs/search.md "No oracle"). The neighbours are the dictionary words one edit away,
        each boosted by how many visible records hold it, so the likelier correction ranks first."""
        tokens = analysis.exact_tokens(word)
        options: list[tantivy.Query] = []
        if not title_only and analysis.is_code(word):
            code = tantivy.Query.term_query(self.schema, "codes", analysis.normalize(word))
            options.append(tantivy.Query.boost_query(code, CODE_BOOST))
        if len(tokens) > 1:
            options.append(self._phrase(tokens, title_only))
            return _should(options)
        if not tokens:
            return _should(options) if options else _nothing()
        token = tokens[0]
        stems = analysis.query_word_stems(token)
        stem_field, exact_field = ("title_stem", "title_exact") if title_only else ("stem", "exact")
        options.append(_terms_query(self.schema, stem_field, list(stems)))
        if stems != (token,):  # a word that is its own lemma: its family is the word with particles, no boost needed
            exact = tantivy.Query.term_query(self.schema, exact_field, token)
            options.append(tantivy.Query.boost_query(exact, EXACT_BOOST))
        if not title_only:
            title = _terms_query(self.schema, "title_stem", list(stems))
            options.append(tantivy.Query.boost_query(title, TITLE_BOOST))
        if ctx is not None and len(token) >= MIN_FUZZY_LEN and not token.isdigit():
            options.extend(ctx.typo_clauses(token, exact_field))
        return _should(options)

    def _phrase(self, tokens: list[str], title_only: bool) -> tantivy.Query:
        """Words next to each other in the exact stream (which starts with the title, so titles count too)."""
        if not tokens:
            return _nothing()
        field = "title_exact" if title_only else "exact"
        if len(tokens) == 1:
            return tantivy.Query.term_query(self.schema, field, tokens[0])
        return tantivy.Query.phrase_query(self.schema, field, tokens)

    # ---- rebuilding -------------------------------------------------------------------------------------------
    def begin_rebuild(self) -> TantivyBuild:
        return TantivyBuild(self)


class TantivyBuild(IndexBuild):
    """A new generation filled beside the live one; :meth:`swap` renames the pointer, readers follow."""

    def __init__(self, live: TantivyIndex) -> None:
        self.live = live
        with _generations_locked(live.dir):  # the clean-up must not see the folder before the writer holds it
            self.gen = live._new_generation()
            self.index = tantivy.Index(live.schema, path=str(live.dir / self.gen))
            self.writer = self.index.writer(heap_size=BUILD_HEAP, num_threads=1)
        self.added = 0

    def add(self, docs: Iterable[IndexDocument | tantivy.Document]) -> int:
        n = 0
        for doc in docs:
            self.writer.add_document(doc if isinstance(doc, tantivy.Document) else to_tantivy(doc))
            n += 1
        self.added += n
        return n

    def encoder(self) -> Callable[[list[IndexDocument]], object]:
        return encode_batch

    def add_encoded(self, batch: object) -> int:
        assert isinstance(batch, str)
        if not batch:
            return 0
        add = self.writer.add_json
        lines = batch.split("\n")
        for line in lines:
            add(line)
        self.added += len(lines)
        return len(lines)

    def swap(self) -> None:
        """Make the new generation live; the old one and any left by killed reindexes are deleted."""
        self.writer.commit()
        with _generations_locked(self.live.dir):  # from releasing the writer to the new pointer
            self.writer.wait_merging_threads()
            old = (self.live.dir / "CURRENT").read_text().strip()
            with self.live._lock:
                _write_pointer(self.live.dir, self.gen)
                self.live._current()
            if old != self.gen:
                shutil.rmtree(self.live.dir / old, ignore_errors=True)
            self.live._remove_strays(keep=self.gen)

    def abort(self) -> None:
        try:
            self.writer.rollback()
        finally:
            shutil.rmtree(self.live.dir / self.gen, ignore_errors=True)


def _check_schema(gen_dir: Path, name: str) -> None:
    try:
        found = json.loads((gen_dir / "arsip-schema.json").read_text()).get("schema_version")
    except (OSError, ValueError):
        found = None
    if found != SCHEMA_VERSION:
        raise IndexOutdated(
            f"the {name} index was built with schema {found}, this version needs {SCHEMA_VERSION}: run arsip reindex"
        )


@contextmanager
def _generations_locked(directory: Path) -> Iterator[None]:
    """Hold the index folder's generations lock (``flock``: released if the holder dies)."""
    with open(directory / GENERATIONS_LOCK, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _writer_held(gen_dir: Path) -> bool:
    """Whether some process (this one included) has a writer open on this generation."""
    lock = gen_dir / WRITER_LOCK
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: keep it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _write_pointer(directory: Path, gen: str) -> None:
    tmp = directory / "CURRENT.tmp"
    with open(tmp, "w") as fh:
        fh.write(gen)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, directory / "CURRENT")


class _QueryContext:
    """One search's view of the index as the caller may see it: the constraints (filters, access, exclusions) and
    counts under them. Typo tolerance and suggestions ask it, never the index-wide term statistics."""

    def __init__(
        self, schema: tantivy.Schema, searcher: tantivy.Searcher, constraints: list[tuple[tantivy.Occur, tantivy.Query]]
    ) -> None:
        self.schema = schema
        self.searcher = searcher
        self.constraints = constraints
        self.unknown_words: list[str] = []  # typed words no visible record holds
        self.best_variant: dict[str, str] = {}  # such a word → its most common visible neighbour
        self._typo_cache: dict[tuple[str, str], list[tantivy.Query]] = {}
        self._hidden: int | None = None

    def count(self, query: tantivy.Query) -> int:
        """How many records the caller may see match ``query``."""
        clauses = [(tantivy.Occur.Must, query), *self.constraints]
        return int(self.searcher.search(tantivy.Query.boolean_query(clauses), limit=1, count=True).count or 0)

    def _term_count(self, field: str, token: str) -> int:
        """Visible records holding ``token``, or a lower bound of at least :data:`TYPO_RARE` when that is certain.

        The index's document frequency counts every record (hidden and deleted ones too), so it is used only where
        it decides nothing by itself: 0 means no visible record either, and ``df - hidden >= TYPO_RARE`` (with
        ``hidden`` every record outside the caller's visible set) means at least that many visible ones. Anything
        else is counted exactly. The answer is therefore always the exact one; only the work is saved — on the
        public index, with no filter, common words are never counted."""
        df = self.searcher.doc_freq(field, token)
        if df == 0:
            return 0
        if df - self.hidden() >= TYPO_RARE:
            return df - self.hidden()
        return self.count(tantivy.Query.term_query(self.schema, field, token))

    def hidden(self) -> int:
        """How many records (deleted ones included) lie outside the caller's visible set, counted once."""
        if self._hidden is None:
            every = sum(n for _term, n in self.searcher.terms_with_prefix("security_class", ""))  # all, deleted too
            visible = self.count(tantivy.Query.all_query()) if self.constraints else self.searcher.num_docs
            self._hidden = max(0, every - visible)
        return self._hidden

    def typo_clauses(self, token: str, field: str) -> list[tantivy.Query]:
        key = (field, token)
        if key not in self._typo_cache:
            self._typo_cache[key] = self._typo(token, field)
        return self._typo_cache[key]

    def _typo(self, token: str, field: str) -> list[tantivy.Query]:
        seen = self._term_count(field, token)
        if seen >= TYPO_RARE:
            return []
        present = [(self.searcher.doc_freq(field, v), v) for v in typos.edits1(token)]
        candidates = [v for df, v in sorted(present, key=lambda p: (-p[0], p[1])) if df > 0][:MAX_TYPO_VARIANTS]
        # a word a few visible records hold may still be a typo there (OCR, one careless clerk): its neighbours are
        # searched too when at least as many visible records hold them
        counted = [
            (v, n)
            for v in candidates
            if (n := self.count(tantivy.Query.term_query(self.schema, field, v))) and n >= seen
        ]
        if seen == 0:
            self.unknown_words.append(token)
            if counted:
                self.best_variant[token] = max(counted, key=lambda p: (p[1], p[0]))[0]
        if not counted:
            return []
        top = max(n for _, n in counted)
        return [
            tantivy.Query.boost_query(
                tantivy.Query.term_query(self.schema, field, v), TYPO_BOOST * (0.5 + 0.5 * n / top)
            )
            for v, n in counted
        ]


def _terms_query(schema: tantivy.Schema, field: str, values: list[str]) -> tantivy.Query:
    if len(values) == 1:
        return tantivy.Query.term_query(schema, field, values[0])
    return tantivy.Query.term_set_query(schema, field, values)


def _should(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def _nothing() -> tantivy.Query:
    return tantivy.Query.empty_query()


def _regex_escape(text: str) -> str:
    return "".join(c if c.isalnum() else "\\" + c for c in text)
