"""The objects every use case needs, built once per process from the settings.

Flask views, CLI commands, the worker and tests all hold one ``Runtime``; services receive it explicitly instead
of reaching for ``current_app``, so they run the same outside a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .db import Database
from .db.migrate import upgrade
from .storage import BlobStore, open_blob_store
from .workcalendar import WorkCalendar


@dataclass
class Runtime:
    settings: Settings
    db: Database
    blobs: BlobStore
    calendar: WorkCalendar

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

    def close(self) -> None:
        self.db.dispose()
