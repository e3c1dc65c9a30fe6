"""Real documents from ../shared/corpus (this test says so and fails clearly when the corpus is absent)."""

from __future__ import annotations

import csv

from sqlalchemy import select

from archive_service.db import Record
from archive_service.demo.loader import CORPUS_PICKS, load_demo
from archive_service.services import auth
from archive_service.services.actor import SYSTEM
from archive_service.services.ingest import ingest_paths
from tests.support.checks import assert_consistent


def test_demo_uses_real_corpus_documents(rt, corpus) -> None:
    summary = load_demo(rt, corpus)
    assert summary.source == str(corpus)
    with rt.db.read() as session:
        titles = set(session.execute(select(Record.title)).scalars())
    assert {title for _rel, title, _code, _unit in CORPUS_PICKS} <= titles
    assert_consistent(rt)


def test_corpus_sample_is_sniffed_and_hashed_as_the_manifest_says(rt, corpus) -> None:
    """Every MIME type and SHA-256 we record matches the corpus MANIFEST (sniffed from content, not names)."""
    with (corpus / "MANIFEST.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    sample = [r for r in rows if r["has_text"] == "no" or r["file"].endswith(".docx")] + rows[:: len(rows) // 20]
    auth.create_unit(rt, SYSTEM, "korpus", "Korpus")
    result = ingest_paths(
        rt,
        SYSTEM,
        [corpus / r["file"] for r in sample],
        {"processing_unit": "korpus", "creator_org": "Korpus", "classification_code": "000"},
    )
    assert result.failed == []
    with rt.db.read() as session:
        files = {f.filename: f for r in session.execute(select(Record)).scalars() for f in r.files}
    for row in sample:
        stored = files[row["file"].rsplit("/", 1)[1]]
        assert stored.blob_sha256 == row["sha256"] and stored.mime == row["mime"] and stored.size == int(row["bytes"])
    assert_consistent(rt)
