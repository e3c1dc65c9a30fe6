"""Real documents (../shared/corpus; these tests say so and fail clearly when it is absent): every document is
found by a distinctive phrase of its own text, and the scanned ones are found after OCR."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest
from sqlalchemy import select

from archive_service.db import Extraction, Record, RecordFile
from archive_service.services import auth, indexing, search
from archive_service.services.actor import SYSTEM
from archive_service.services.ingest import ingest_paths
from indexer.analysis import exact_tokens
from indexer.extract import ExtractionPool, tesseract_available

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # one database is enough here

COMMON = {"dan", "yang", "dengan", "nomor", "tahun", "indonesia", "republik", "peraturan", "untuk", "dalam"}


def _phrase(text: str, df: Counter[str]) -> str | None:
    """Four adjacent words of the text whose rarest word is as rare as possible across the corpus."""
    words = exact_tokens(text)
    best: tuple[int, int] | None = None
    for i in range(0, max(0, len(words) - 3)):
        window = words[i : i + 4]
        if not all(re.fullmatch(r"[a-z]{3,}", w) for w in window):
            continue
        rarity = min(df[w] for w in window)
        if best is None or rarity < best[0]:
            best = (rarity, i)
            if rarity == 1:
                break
    return " ".join(words[best[1] : best[1] + 4]) if best else None


@pytest.fixture
def ingested(rt, corpus):  # type: ignore[no-untyped-def]
    with (corpus / "MANIFEST.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    auth.create_unit(rt, SYSTEM, "korpus", "Korpus")
    result = ingest_paths(
        rt,
        SYSTEM,
        [corpus / r["file"] for r in rows],
        {"processing_unit": "korpus", "creator_org": "Korpus", "classification_code": "000"},
    )
    assert result.failed == []
    shared = rt._extractor
    with ExtractionPool(
        workers=2, ocr=False, analyze=True
    ) as no_ocr:  # the text layer first, as the ingest benchmark does
        rt._extractor = no_ocr
        stats = indexing.drain(rt, timeout=600)
    rt._extractor = shared
    assert stats.failed == 0
    return rows


@pytest.mark.skipif(not tesseract_available(), reason="needs tesseract-ocr with ind+eng (scripts/setup.sh installs it)")
def test_every_corpus_document_is_found_by_its_own_text(rt, ingested) -> None:  # type: ignore[no-untyped-def]
    """One ingest of the corpus (about 40 s) serves both checks: the text layer, then OCR.

    Eight documents have no words in their text layer: the 5 scanned PDFs have none at all, and 3 laws have one in a
    broken font encoding (``!"# !$ !%&``), which the extractor treats as missing. All 8 are OCRed (the 3 long ones
    only on their first 2 pages, to keep the test short) and must then be found by words of their text."""
    no_words, df = _found_by_phrase(rt, ingested)
    scanned = {r["sha256"] for r in ingested if r["has_text"] == "no"}
    with rt.db.read() as session:
        by_record = dict(session.execute(select(RecordFile.record_id, RecordFile.blob_sha256)).all())
    broken = {by_record[rid] for rid in no_words} - scanned
    assert len(scanned) == 5 and len(broken) == 3, (scanned, broken)
    _found_after_ocr(rt, scanned, df, expect_complete=True)
    shared = rt._extractor
    with ExtractionPool(workers=2, ocr=True, max_ocr_pages=2, analyze=True) as first_pages:
        rt._extractor = first_pages
        _found_after_ocr(rt, broken, df, expect_complete=False)
    rt._extractor = shared


def _found_by_phrase(rt, ingested) -> tuple[list[int], Counter[str]]:  # type: ignore[no-untyped-def]
    """Search each document by a rare phrase of its own text; returns the records whose text has no words, and
    the document frequency of every word (to pick rare phrases later)."""
    with rt.db.read() as session:
        pairs = session.execute(
            select(Record.id, Extraction.text_sha256, Extraction.state)
            .join(RecordFile, RecordFile.record_id == Record.id)
            .join(Extraction, Extraction.blob_sha256 == RecordFile.blob_sha256)
        ).all()
    texts = {rid: indexing.read_text(rt, sha) for rid, sha, _state in pairs if sha}
    df: Counter[str] = Counter()
    for text in texts.values():
        df.update(set(exact_tokens(text)))
    checked, missed, skipped = 0, [], []
    for rid, text in texts.items():
        phrase = _phrase(text, df)
        if phrase is None:  # no text layer (or no words in it) until OCR
            skipped.append(rid)
            continue
        page = search.internal_search(rt, SYSTEM, {"q": f'"{phrase}"', "per_page": 100, "facets": False})
        checked += 1
        if rid not in {h["id"] for h in page.hits}:
            missed.append((rid, phrase))
    assert missed == []
    assert checked + len(skipped) == len(ingested)
    return skipped, df


def _found_after_ocr(rt, shas: set[str], df: Counter[str], *, expect_complete: bool) -> None:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        states = dict(session.execute(select(Extraction.blob_sha256, Extraction.state)).all())
    assert {states[sha] for sha in shas} == {"ocr_pending"}  # archived and marked, not failed
    stats = indexing.extract_blobs(rt, sorted(shas))  # now with OCR (ind+eng)
    assert stats.failed == 0 and stats.done + stats.ocr_pending == len(shas), stats
    assert stats.done == (len(shas) if expect_complete else 0), stats
    with rt.db.read() as session:
        rows = session.execute(
            select(RecordFile.record_id, Extraction.text_sha256, Extraction.ocr_pages)
            .join(Extraction, Extraction.blob_sha256 == RecordFile.blob_sha256)
            .where(RecordFile.blob_sha256.in_(shas))
        ).all()
    indexing.sync_records(rt, [rid for rid, _sha, _n in rows], extract=False)
    for rid, text_sha, ocr_pages in rows:
        text = indexing.read_text(rt, text_sha)
        words = set(exact_tokens(text))
        assert ocr_pages > 0 and len(COMMON & words) >= 3, (rid, text[:200])
        phrase = _phrase(text, df)
        assert phrase is not None, (rid, text[:200])
        page = search.internal_search(rt, SYSTEM, {"q": f'"{phrase}"', "per_page": 100, "facets": False})
        assert rid in {h["id"] for h in page.hits}, (rid, phrase)
