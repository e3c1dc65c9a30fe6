"""The outbox worker keeps both indexes equal to the database; publication changes reach the public index
before the request returns; drift is reported and repaired by a reindex."""

from __future__ import annotations

import io

from archive_service.db import Extraction, OutboxEvent
from archive_service.services import index_rebuild, indexing, records, search, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from indexer.model import IndexDocument
from tests.support.files import pdf_bytes

from .conftest import READY, payload_for


def _public_ids(rt, q: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [h["id"] for h in search.public_search(rt, {"q": q}).hits]


def _internal(rt, actor, q: str):  # type: ignore[no-untyped-def]
    return search.internal_search(rt, actor, {"q": q})


def test_file_text_is_extracted_stored_and_searchable(rt, accounts) -> None:  # type: ignore[no-untyped-def]
    staged = stage_stream(io.BytesIO(pdf_bytes("Rencana pengelolaan hutan mangrove pesisir")), rt.settings.staging_dir)
    record = records.create_record(rt, accounts["pendukung"].actor, READY, [Upload("rencana.pdf", staged)])
    assert _internal(rt, accounts["ppid"].actor, "mangrove").total == 0  # not indexed before the worker ran
    stats = indexing.drain(rt)
    assert stats.processed >= 1 and stats.failed == 0
    page = _internal(rt, accounts["ppid"].actor, "kelola mangrove")
    assert [h["id"] for h in page.hits] == [record.id]
    assert "<mark>mangrove</mark>" in page.hits[0]["snippet"]
    with rt.db.read() as session:
        extraction = session.get(Extraction, record.files[0].blob_sha256)
        assert extraction is not None and extraction.state == "done" and extraction.page_count == 1
        assert extraction.text_sha256 and rt.blobs.exists(extraction.text_sha256)
        assert session.query(OutboxEvent).filter(OutboxEvent.processed_at.is_(None)).count() == 0
    assert "mangrove" in indexing.read_text(rt, extraction.text_sha256)
    assert _public_ids(rt, "mangrove") == []  # not published: never public


def test_publish_and_withdraw_reach_the_public_index_before_returning(rt, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record("ditetapkan_terbuka", title="Laporan arus kas triwulan")
    assert _public_ids(rt, "arus kas") == []
    record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for("publikasikan", record))
    assert _public_ids(rt, "arus kas") == [record.id]  # no worker run needed
    record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for("batalkan_publikasi", record))
    assert _public_ids(rt, "arus kas") == []
    assert rt.search.index(indexing.PUBLIC).count() == 0


def test_public_results_are_rechecked_against_the_database(rt, make_record) -> None:  # type: ignore[no-untyped-def]
    """Even if the public index held a record that is not public (a lagging index), no hit is shown."""
    record = make_record("diverifikasi", title="Data gaji pegawai")
    rt.search.index(indexing.PUBLIC).upsert([IndexDocument(id=record.id, version=record.version, title=record.title)])
    page = search.public_search(rt, {"q": "gaji"})
    assert page.hits == [] and page.total == 0
    assert rt.search.index(indexing.PUBLIC).count() == 1  # not re-synced inside the request (it would block it) …
    indexing.drain(rt)
    assert rt.search.index(indexing.PUBLIC).count() == 0  # … but queued: the worker removed the stray document


def test_verify_reports_drift_and_reindex_repairs_it(rt, make_record) -> None:  # type: ignore[no-untyped-def]
    published = make_record("dipublikasikan", title="Profil dinas")
    other = make_record("diterima", title="Draf kebijakan")
    indexing.drain(rt)
    assert index_rebuild.verify(rt, indexing.INTERNAL).clean
    assert index_rebuild.verify(rt, indexing.PUBLIC).clean
    internal = rt.search.index(indexing.INTERNAL)
    internal.delete([other.id])
    internal.upsert([IndexDocument(id=99_999, version=1, title="Hantu")])
    internal.upsert([IndexDocument(id=published.id, version=published.version + 5, title="Usang")])
    drift = index_rebuild.verify(rt, indexing.INTERNAL)
    assert drift.missing == [other.id] and drift.extra == [99_999] and drift.stale == [published.id]
    stats = index_rebuild.reindex(rt, indexing.INTERNAL)
    assert stats.records == 2
    assert index_rebuild.verify(rt, indexing.INTERNAL).clean
    assert [h["id"] for h in _internal(rt, SYSTEM, "profil").hits] == [published.id]


def test_a_poison_record_backs_off_and_is_parked(rt, make_record, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good = make_record("dihimpun", title="Dokumen baik")
    bad = make_record("dihimpun", title="Dokumen rusak")
    real = indexing.sync_records

    def flaky(rt_, ids, **kw):  # type: ignore[no-untyped-def]
        if bad.id in list(ids):
            raise RuntimeError("index refused the document")
        return real(rt_, ids, **kw)

    monkeypatch.setattr(indexing, "sync_records", flaky)
    # the pass ends as soon as the good record's extraction is in; on a loaded machine that is over the 1 s default
    stats = indexing.process_outbox(rt, wait=60)
    assert stats.failed >= 1 and stats.processed >= 1
    assert [h["id"] for h in _internal(rt, SYSTEM, "baik").hits] == [good.id]
    with rt.db.write() as session:
        for event in session.query(OutboxEvent).filter(OutboxEvent.record_id == bad.id):
            assert event.attempts == 1 and event.next_attempt_at is not None and event.dead_at is None
            event.attempts = indexing.MAX_ATTEMPTS - 1
            event.next_attempt_at = None
    stats = indexing.process_outbox(rt)
    assert stats.dead >= 1
    assert indexing.backlog(rt)["dead"] >= 1
    monkeypatch.setattr(indexing, "sync_records", real)
    assert indexing.retry_dead(rt) >= 1
    indexing.drain(rt)
    assert indexing.backlog(rt) == {"pending": 0, "dead": 0}
    assert [h["id"] for h in _internal(rt, SYSTEM, "rusak").hits] == [bad.id]


def test_internal_hits_are_rechecked_against_the_callers_visibility(rt, accounts, make_record) -> None:  # type: ignore[no-untyped-def]
    """A record made secret while the internal index still says otherwise is not shown to someone not cleared."""
    from sqlalchemy import update

    from archive_service.db import Record

    record = make_record("diterima", title="Rencana pengamanan gedung")
    indexing.drain(rt)
    assert [h["id"] for h in _internal(rt, accounts["sekretariat"].actor, "pengamanan").hits] == [record.id]
    with rt.db.write() as session:  # the change is committed; the worker has not run yet
        session.execute(update(Record).where(Record.id == record.id).values(security_class="rahasia"))
    assert _internal(rt, accounts["sekretariat"].actor, "pengamanan").hits == []
    assert [h["id"] for h in _internal(rt, accounts["ppid"].actor, "pengamanan").hits] == [record.id]
