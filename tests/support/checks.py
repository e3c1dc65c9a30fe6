"""Assertions that the archive is consistent: the invariant every bad-input test ends with."""

from __future__ import annotations

from sqlalchemy import func, select

from archive_service.db import Blob, Record, RecordFile
from archive_service.runtime import Runtime
from archive_service.services.audit import verify_chain


def counts(rt: Runtime) -> dict[str, int]:
    with rt.db.read() as session:
        return {
            "records": session.execute(select(func.count()).select_from(Record)).scalar_one(),
            "files": session.execute(select(func.count()).select_from(RecordFile)).scalar_one(),
            "blobs": session.execute(select(func.count()).select_from(Blob)).scalar_one(),
        }


def assert_consistent(rt: Runtime) -> None:
    """Audit chain intact; blob rows and stored blobs match one to one; no staged temp file left behind."""
    with rt.db.read() as session:
        report = verify_chain(session)
        rows = set(session.execute(select(Blob.sha256)).scalars())
    assert report.ok, report.problems
    stored = set(rt.blobs.iter_sha256())
    assert stored == rows, f"orphans={stored - rows} missing={rows - stored}"
    staging = rt.settings.staging_dir
    leftovers = [p.name for p in staging.iterdir()] if staging.exists() else []
    assert leftovers == [], leftovers
