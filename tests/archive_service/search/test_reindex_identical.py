"""A reindex builds the same indexes as the incremental path (issue 19): every stored field, every fast field, every
term of every field with the documents holding it, term frequencies and field lengths (through each term's score)
and positions (through phrases), compared document by document on a small archive — in one process and through
the worker processes a large archive uses."""

from __future__ import annotations

import io
from typing import Any

import pytest
import tantivy

from archive_service.services import index_rebuild, indexing, records
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from indexer import analysis
from tests.support.files import pdf_bytes

TEXT_FIELDS = (
    "stem",
    "title_stem",
    "exact",
    "title_exact",
    "codes",
    "ident",
    "kip_category",
    "unit",
    "class_top",
    "file_type",
    "security_class",
)
FAST_FIELDS = ("id", "version", "date", "date_asc")


def _searcher(rt, name: str) -> tuple[tantivy.Schema, tantivy.Searcher]:  # type: ignore[no-untyped-def]
    ix = rt.search.index(name)
    with ix._lock:
        return ix.schema, ix._current().searcher()


def _ids(searcher: tantivy.Searcher, query: tantivy.Query) -> dict[int, float]:
    hits = searcher.search(query, limit=10_000).hits
    ids = searcher.fast_field_values("id", [a for _, a in hits])
    return {int(i): score for i, (score, _) in zip(ids, hits, strict=True)}


def dump(rt, name: str) -> tuple[dict[Any, Any], dict[Any, float]]:  # type: ignore[no-untyped-def]
    """(what each document holds, the score of each (field, term, document)) of index ``name``."""
    schema, searcher = _searcher(rt, name)
    hits = searcher.search(tantivy.Query.all_query(), limit=10_000).hits
    content: dict[Any, Any] = {}
    phrases: set[tuple[str, ...]] = set()
    for _, addr in hits:
        doc_id = int(searcher.fast_field_values("id", [addr])[0])
        stored = searcher.doc(addr).to_dict()
        content[("stored", doc_id)] = stored
        for field in FAST_FIELDS:
            content[(field, doc_id)] = searcher.fast_field_values(field, [addr])
        words = analysis.exact_tokens(" ".join(b.decode() for b in stored["title"] + stored["body"]))
        phrases.update(tuple(words[i : i + 3]) for i in range(0, max(len(words) - 2, 0), 2))
    scores: dict[Any, float] = {}
    for field in TEXT_FIELDS:
        for term, _df in searcher.terms_with_prefix(field, ""):
            found = _ids(searcher, tantivy.Query.term_query(schema, field, term))
            if found:  # (a term only deleted documents held is still listed)
                content[(field, term)] = sorted(found)
                scores.update({(field, term, i): s for i, s in found.items()})
    for year in range(1990, 2040):
        found = _ids(searcher, tantivy.Query.term_query(schema, "year", year))
        if found:
            content[("year", year)] = sorted(found)
    for field in ("exact", "title_exact"):
        for words in sorted(phrases):
            found = _ids(searcher, tantivy.Query.phrase_query(schema, field, list(words)))
            if found:
                content[(field, words)] = sorted(found)
    return content, scores


def _file(text: str):  # type: ignore[no-untyped-def]
    return io.BytesIO(pdf_bytes(*text.split(" | ")))


@pytest.fixture
def archive(rt, accounts, make_record):  # type: ignore[no-untyped-def]
    """Records in several states: internal only, public, public under revision (the public index keeps the
    approved version), a second file added to a published record, legal references and codes, no file at all."""
    kept = make_record("diterima", title="Draf rencana pengelolaan hutan mangrove 2025")
    published = make_record(
        "dipublikasikan",
        title="Peraturan Daerah Nomor 5 Tahun 2020 tentang Pajak Daerah",
        description="Pelaksanaan Undang-Undang Nomor 28 Tahun 2009 tentang pajak daerah dan retribusi, kode 973/12",
    )
    revised = make_record("dipublikasikan", title="Profil Dinas Kominfo", description="Profil singkat surat-surat")
    records.update_record(
        rt, accounts["pendukung"].actor, revised.id, revised.version, {"dip_summary": "Salinan zqxdraft perubahan"}
    )
    attached = make_record("dipublikasikan", title="Laporan keuangan triwulan", description="Arus kas daerah")
    staged = stage_stream(_file("Lampiran neraca | berdasarkan UU 14/2008 keterbukaan"), rt.settings.staging_dir)
    records.add_files(rt, accounts["pendukung"].actor, attached.id, [Upload("lampiran.pdf", staged)])
    open_record = make_record("ditetapkan_terbuka", title="Jadwal layanan informasi publik")
    indexing.drain(rt)
    return [kept.id, published.id, revised.id, attached.id, open_record.id]


def _equal(before: tuple[dict[Any, Any], dict[Any, float]], after: tuple[dict[Any, Any], dict[Any, float]]) -> None:
    assert after[0] == before[0]
    assert after[1] == pytest.approx(before[1], rel=1e-5)


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "worker-processes"])
def test_reindex_builds_what_the_incremental_path_builds(rt, archive, monkeypatch, parallel) -> None:  # type: ignore[no-untyped-def]
    if parallel:
        monkeypatch.setattr(index_rebuild, "PARALLEL_FROM", 0)
        monkeypatch.setattr(rt.settings, "extract_workers", 2)
    # The index the outbox worker built (its deleted documents count in term statistics: sets only) ...
    drained = {name: dump(rt, name)[0] for name in indexing.INDEXES}
    # ... and a clean one from the same incremental code (so term statistics, hence scores, compare too).
    for name in indexing.INDEXES:
        rt.search.index(name).clear()
    indexing.sync_records(rt, archive, extract=False)
    incremental = {name: dump(rt, name) for name in indexing.INDEXES}
    for name in indexing.INDEXES:
        assert incremental[name][0] == drained[name], name
    assert len({k[1] for k in incremental["internal"][0] if k[0] == "stored"}) == len(archive)
    assert len({k[1] for k in incremental["public"][0] if k[0] == "stored"}) == 3
    assert ("exact", "zqxdraft") in incremental["internal"][0]  # the revision is internal ...
    assert ("exact", "zqxdraft") not in incremental["public"][0]  # ... the public keeps the approved version
    assert ("ident", "ref:perda:5:2020") in incremental["internal"][0]
    assert ("codes", "ref:14:2008") in incremental["internal"][0]

    for name in indexing.INDEXES:
        stats = index_rebuild.reindex(rt, name)
        assert stats.records == (len(archive) if name == indexing.INTERNAL else 3)
        _equal(incremental[name], dump(rt, name))
