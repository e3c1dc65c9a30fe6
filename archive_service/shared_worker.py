"""The worker that shares its queue with workers on other machines (``ARSIP_WORKER_CLAIMS=database``, issue 19).

Why a second loop next to ``index_worker.IndexWorker``'s: that one is the only worker of its data folder and keeps
its in-flight extractions in memory (``indexing.ExtractionLane``). Here nothing is only in memory: every job is a
database row claimed under a lease (services/work_claims.py), so any worker can take any job, and a job whose worker
died is taken by another once the lease runs out.

Each pass does two things:

1. **extract** (every worker): claim pending extraction jobs up to what its pool can use, extract them, record the
   text as a derived blob in the shared store (S3) and the ``extractions`` row, which clears the lease;
2. **index** (with the embedded tantivy engine only the holder of the ``index-writer`` lease; with Elasticsearch
   every worker; never one with ``ARSIP_WORKER_EXTRACT_ONLY``): claim due outbox rows; records whose files all
   have text are indexed from the stored texts (state based, as in ``indexing``) and their rows marked processed;
   for records still waiting, missing extraction jobs are created and the rows are handed back, due again in
   :data:`WAIT_SECONDS`.

So extraction, the CPU-heavy part, spreads over every machine while one writer (tantivy) or all (Elasticsearch)
index. A tantivy index lives in one machine's data folder, which the web processes there read: workers on other
machines run extract-only, so the writer role never moves to a machine whose index nobody reads. The leases are
renewed every third of ``ARSIP_WORKER_LEASE_SECONDS``; a clean stop gives them back at once.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import func, select

from .db import OutboxEvent, RecordFile
from .runtime import Runtime
from .services import indexing
from .services import work_claims as claims

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.5
WAIT_SECONDS = 1.0  # a record waiting for text other workers extract is looked at again this often
RESULT_WAIT_SECONDS = 0.2  # the longest a pass waits for an extraction result before it looks at the outbox


class SharedWorker:
    """One worker among several on one PostgreSQL database; ``run`` loops until ``stop`` is set."""

    def __init__(
        self,
        rt: Runtime,
        *,
        stop: threading.Event,
        wake: threading.Event,
        batch_size: int = 200,
        cleanup_at_start: bool = True,
    ) -> None:
        self.rt = rt
        self.me = claims.worker_id(rt)
        self.stop = stop
        self.wake = wake
        self.batch_size = batch_size
        self.cleanup_at_start = cleanup_at_start
        self.embedded = rt.settings.search_url.startswith("tantivy")
        self.capacity = max(1, rt.settings.extract_workers) * 2  # jobs claimed at once: the pool busy, no hoarding
        self.writer = False
        self._cleaned = False
        self._extractor: indexing._Extractor | None = None
        self._claimed: set[str] = set()
        self._deferred: set[int] = set()  # outbox rows handed back while their records wait for text
        self._renewed = 0.0

    # ---- the loop -------------------------------------------------------------------------------------------------
    def run(self, *, once: bool = False) -> None:
        log.info("worker %s: sharing work through the database", self.me)
        indexing._release_held(self.rt)  # rows a file-lock worker held in memory (ARSIP_WORKER_CLAIMS was lock)
        try:
            _ = self.extractor  # start the pool now: a job claimed must not wait for processes to start
            while not self.stop.is_set():
                self._heartbeat()
                extracted = self._extract()
                indexed = self._index() if self._indexes() else 0
                busy = bool(self._claimed) or bool(extracted) or bool(indexed)
                if once and not busy and not self._waiting():
                    return
                if not busy:
                    self.wake.wait(IDLE_SECONDS)
                    self.wake.clear()
        finally:
            self._give_back()

    def _indexes(self) -> bool:
        """Whether this worker applies outbox rows: the writer of the embedded index, any indexing worker with
        Elasticsearch (whose versioned writes refuse a stale document), never an extract-only one."""
        if self.rt.settings.worker_extract_only:
            return False
        return self.writer or not self.embedded

    def _heartbeat(self) -> None:
        """Renew the leases this worker holds (every third of the lease), and take the writer role when free."""
        now = time.monotonic()
        if now - self._renewed < self.rt.settings.worker_lease_seconds / 3:
            return
        self._renewed = now
        if self._claimed:
            claims.renew_extractions(self.rt, self.me, self._claimed)
        if self.rt.settings.worker_extract_only:
            return
        was = self.writer
        self.writer = claims.hold_lease(self.rt, claims.INDEX_WRITER, self.me)
        if self.writer and not was:
            log.info("worker %s: holds the index writer lease", self.me)
            self._clean_up()
        elif was and not self.writer:
            log.warning("worker %s: lost the index writer lease", self.me)

    # ---- extraction -----------------------------------------------------------------------------------------------
    def _extract(self) -> int:
        """Claim jobs up to capacity, hand them to the pool, record what finished; returns how many finished."""
        shas = claims.claim_extractions(self.rt, self.me, self.capacity - len(self._claimed))
        if shas:
            log.info("worker %s: claimed %d extraction(s): %s", self.me, len(shas), " ".join(shas))
            self._claimed.update(shas)
            self.extractor.add(shas)
        if not self._claimed:
            return 0
        finished = self.extractor.results(timeout=RESULT_WAIT_SECONDS)
        for sha, _text, state in finished:
            self._claimed.discard(sha)
            log.info("worker %s: extracted %s (%s)", self.me, sha, state)
        return len(finished)

    @property
    def extractor(self) -> indexing._Extractor:
        if self._extractor is None:
            self._extractor = indexing._Extractor(self.rt)
        return self._extractor

    # ---- indexing -------------------------------------------------------------------------------------------------
    def _index(self) -> int:
        """Apply one batch of claimed outbox rows; returns how many rows were processed or failed."""
        events = claims.claim_outbox(self.rt, self.me, self.batch_size)
        if not events:
            return 0
        by_record: dict[int | None, list[int]] = {}
        for event_id, record_id, _payload in events:
            by_record.setdefault(record_id, []).append(event_id)
        record_ids = sorted(rid for rid in by_record if rid is not None)
        waiting = self._waiting_for_text(record_ids)
        deferred = [eid for rid in waiting for eid in by_record[rid]]
        claims.defer_outbox(self.rt, self.me, deferred, WAIT_SECONDS)
        self._deferred.update(deferred)
        done = list(by_record.pop(None, []))
        ready = [rid for rid in record_ids if rid not in waiting]
        failed = 0
        for start in range(0, len(ready), indexing.INDEX_CHUNK):
            chunk = ready[start : start + indexing.INDEX_CHUNK]
            try:
                indexing.sync_records(self.rt, chunk, extract=False)
                done.extend(eid for rid in chunk for eid in by_record[rid])
            except Exception:
                log.exception("indexing a chunk failed; retrying record by record")
                for rid in chunk:
                    try:
                        indexing.sync_records(self.rt, [rid], extract=False)
                        done.extend(by_record[rid])
                    except Exception as exc:
                        log.exception("indexing record %s failed", rid)
                        indexing._mark_failed(self.rt, by_record[rid], f"{type(exc).__name__}: {exc}")
                        claims.release_outbox(self.rt, self.me, by_record[rid])
                        failed += len(by_record[rid])
        indexing._mark_done(self.rt, done)
        self._deferred.difference_update(done)
        if done:
            log.info("worker %s: indexed %d outbox row(s) of %d record(s)", self.me, len(done), len(ready))
        return len(done) + failed

    def _waiting_for_text(self, record_ids: list[int]) -> set[int]:
        """The records with a file that has no text yet; makes an extraction job for each such file."""
        if not record_ids:
            return set()
        with self.rt.db.read() as session:
            files = session.execute(
                select(RecordFile.record_id, RecordFile.blob_sha256).where(RecordFile.record_id.in_(record_ids))
            ).all()
        todo = set(indexing.pending_blobs(self.rt, [sha for _rid, sha in files]))
        claims.ensure_pending(self.rt, todo)
        return {rid for rid, sha in files if sha in todo}

    def _waiting(self) -> bool:
        """Rows this worker handed back to wait for text are still unprocessed (``--once`` waits for them)."""
        if not self._deferred:
            return False
        with self.rt.db.read() as session:
            left = session.execute(
                select(func.count())
                .select_from(OutboxEvent)
                .where(
                    OutboxEvent.id.in_(sorted(self._deferred)),
                    OutboxEvent.processed_at.is_(None),
                    OutboxEvent.dead_at.is_(None),
                )
            ).scalar_one()
        if not left:
            self._deferred.clear()
        return bool(left)

    # ---- start and stop -------------------------------------------------------------------------------------------
    def _clean_up(self) -> None:
        """The start-up clean-up, once, by the worker that takes the writer role (as the file-lock holder does)."""
        if self._cleaned or not self.cleanup_at_start:
            return
        self._cleaned = True
        from .services import cleanup

        try:
            cleanup.at_startup(self.rt, background=True)
        except Exception:  # the worker must run even when the clean-up cannot
            log.exception("start-up clean-up failed")

    def _give_back(self) -> None:
        """A clean stop: hand back unfinished jobs, rows and the writer role, so others need not wait for leases."""
        try:
            claims.release_extractions(self.rt, self.me, self._claimed)
            claims.release_outbox(self.rt, self.me)
            if self.writer:
                claims.drop_lease(self.rt, claims.INDEX_WRITER, self.me)
        except Exception:
            log.exception("worker %s: could not give its claims back; they run out with their leases", self.me)
        finally:
            if self._extractor is not None:
                self._extractor.close()
                self._extractor = None
            self._claimed.clear()
