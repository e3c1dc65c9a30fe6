"""The objects every use case needs, built once per process from the settings.

Flask views, CLI commands, the worker and tests all hold one ``Runtime``; services receive it explicitly instead
of reaching for ``current_app``, so they run the same outside a request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import Settings
from .db import Database
from .db.migrate import upgrade
from .storage import BlobStore, open_blob_store
from .workcalendar import WorkCalendar

if TYPE_CHECKING:
    from indexer.backends import SearchEngine
    from indexer.extract import ExtractionPool
    from indexer.extract.scheduler import ExtractionScheduler


@dataclass
class Runtime:
    settings: Settings
    db: Database
    blobs: BlobStore
    calendar: WorkCalendar
    _search: SearchEngine | None = field(default=None, repr=False)
    _extractor: ExtractionPool | None = field(default=None, repr=False)
    _scheduler: ExtractionScheduler | None = field(default=None, repr=False)
    _lane: Any = field(default=None, repr=False)  # the index worker's extractions in flight (services/indexing.py)
    _lazy_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.staging_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        blobs = open_blob_store(
            settings.storage_url,
            staging_dir=settings.staging_dir,
            s3_endpoint_url=settings.s3_endpoint_url,
            s3_region=settings.s3_region,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_multipart_threshold=settings.s3_multipart_threshold,
        )
        calendar = WorkCalendar.from_settings(
            tz=settings.calendar_tz,
            workdays=settings.calendar_workdays,
            hours=settings.calendar_hours,
            holidays_file=settings.holidays_file,
        )
        return cls(settings=settings, db=db, blobs=blobs, calendar=calendar)

    def migrate(self) -> None:
        """Create or upgrade every table; safe to run any number of times."""
        upgrade(self.db.engine)

    @property
    def search(self) -> SearchEngine:
        """The search engine of ``ARSIP_SEARCH_URL``, opened on first use (most CLI commands never search)."""
        with self._lazy_lock:
            if self._search is None:
                from indexer.backends import open_engine

                self._search = open_engine(self.settings.search_url)
            return self._search

    @property
    def extractor(self) -> ExtractionPool:
        """The process pool that extracts text with time and memory limits, started on first use."""
        with self._lazy_lock:
            if self._extractor is None:
                from indexer.extract import ExtractionPool

                s = self.settings
                self._extractor = ExtractionPool(
                    workers=s.extract_workers,
                    timeout_s=s.extract_timeout_s,
                    memory_mb=s.extract_memory_mb,
                    ocr=s.ocr_enabled,
                    ocr_lang=s.ocr_lang,
                    # Analysed beside the extraction, for the indexer of this process; with database claims the
                    # indexer reads the text back from the shared store (another worker may have extracted it), so
                    # an analysis here would be thrown away. The OCR page cap is set per file.
                    analyze=s.worker_claims != "database",
                    tmp_root=s.staging_dir,  # arsip-extract-<pid>-*: found by the start-up clean-up
                )
            return self._extractor

    @property
    def scheduler(self) -> ExtractionScheduler:
        """Shares the pool's processes fairly between files (short work first, long OCR in chunks); follows the
        pool when a test or benchmark swaps ``_extractor``."""
        with self._lazy_lock:
            pool = self.extractor
            if self._scheduler is not None and self._scheduler.pool is not pool:
                self._scheduler.close()
                self._scheduler = None
            if self._scheduler is None:
                from indexer.extract.scheduler import ExtractionScheduler

                self._scheduler = ExtractionScheduler(pool)
            return self._scheduler

    def close(self) -> None:
        if self._lane is not None:
            self._lane.close()
            self._lane = None
        if self._scheduler is not None:
            self._scheduler.close()  # stops its tasks; the pool itself is closed next (or shared, in tests)
            self._scheduler = None
        if self._extractor is not None:
            self._extractor.close()
            self._extractor = None
        if self._search is not None:
            self._search.close()
            self._search = None
        self.db.dispose()
