"""The index worker: applies outbox rows to the search indexes, in the web process or as ``arsip worker``.

Exactly one worker per data folder runs at a time: each candidate (every web process's thread, every
``arsip worker``) tries a non-blocking ``flock`` on ``<data>/index-worker.lock``; the lock dies with its holder, so
when that process exits another one takes over within a few seconds. That matches tantivy's one-writer rule; with
Elasticsearch the lock only keeps the outbox in order.

A worker that takes the lock first runs the start-up clean-up (``services/cleanup.py``): the previous holder may
have been killed, leaving staging files, unreferenced blobs, temp folders and half-built index generations.

With ``ARSIP_WORKER_CLAIMS=database`` (PostgreSQL, several machines) there is no file lock: the loop of
``shared_worker.SharedWorker`` claims outbox rows and extraction jobs in the database with leases instead.

Extraction does not stop the loop: records whose files are being extracted wait in the worker's extraction lane
(``indexing.ExtractionLane``) while each pass indexes what is ready and reads new outbox rows, so one long file
never holds back the records behind it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import IO

from .runtime import Runtime
from .services import indexing

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.5
LOCK_RETRY_SECONDS = 5.0


class WorkerLock:
    """An exclusive, process-lifetime lock on a file (released on close or when the process dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held for the lifetime of the lock
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def lock_path(rt: Runtime) -> Path:
    return rt.settings.data_dir / "index-worker.lock"


class IndexWorker:
    """Runs :func:`indexing.process_outbox` in a loop until stopped; ``wake()`` skips the idle wait."""

    def __init__(self, rt: Runtime, *, batch_size: int = 200, cleanup_at_start: bool = True) -> None:
        self.rt = rt
        self.batch_size = batch_size
        self.cleanup_at_start = cleanup_at_start
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = WorkerLock(lock_path(rt))
        self._thread: threading.Thread | None = None

    def start_thread(self) -> None:
        self._thread = threading.Thread(target=self.run, name="arsip-index-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self, *, once: bool = False) -> None:
        if self.rt.settings.worker_claims == "database":
            from .shared_worker import SharedWorker

            shared = SharedWorker(
                self.rt,
                stop=self._stop,
                wake=self._wake,
                batch_size=self.batch_size,
                cleanup_at_start=self.cleanup_at_start,
            )
            shared.run(once=once)
            return
        while not self._stop.is_set():
            if self._lock.try_acquire():
                break
            if once:
                raise RuntimeError("another index worker holds the lock")
            self._stop.wait(LOCK_RETRY_SECONDS)
        try:
            if self.cleanup_at_start:
                self._clean_up(background=not once)
            while not self._stop.is_set():
                try:
                    stats = indexing.process_outbox(self.rt, batch_size=self.batch_size)
                except Exception:
                    log.exception("index worker pass failed")
                    stats = indexing.OutboxStats()
                if stats.processed or stats.failed:
                    log.info(
                        "indexed %d outbox rows (%d records, %d failed)", stats.processed, stats.records, stats.failed
                    )
                    continue
                if stats.waiting:
                    continue  # records wait for their files' text; the pass itself waited for extractions
                if once:
                    return
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()
        finally:
            self._lock.release()

    def _clean_up(self, *, background: bool) -> None:
        from .services import cleanup

        try:
            cleanup.at_startup(self.rt, background=background)
        except Exception:  # the worker must run even when the clean-up cannot
            log.exception("start-up clean-up failed")
