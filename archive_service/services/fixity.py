"""Fixity: re-hash every stored blob against the SHA-256 recorded at ingest; sweep unreferenced blobs.

Both walk the tables in fixed-size batches and stream every blob, so memory stays flat on any archive size.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..db import Blob
from ..runtime import Runtime
from ..storage import BlobNotFound
from .uploads import lock_blob

CHUNK = 1024 * 1024


@dataclass
class FixityReport:
    checked: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.altered


def iter_blob_rows(rt: Runtime, batch: int = 1000) -> Iterator[Blob]:
    last = ""
    while True:
        with rt.db.read() as session:
            rows = list(
                session.execute(
                    select(Blob)
                    .where(Blob.sha256 > last, Blob.destroyed_at.is_(None))  # destroyed: no bytes to check
                    .order_by(Blob.sha256)
                    .limit(batch)
                ).scalars()
            )
        if not rows:
            return
        yield from rows
        last = rows[-1].sha256


def hash_blob(rt: Runtime, sha256: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with rt.blobs.open(sha256) as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def check_fixity(rt: Runtime, progress: Callable[[Blob], None] | None = None) -> FixityReport:
    report = FixityReport()
    for row in iter_blob_rows(rt):
        report.checked += 1
        try:
            actual, size = hash_blob(rt, row.sha256)
        except BlobNotFound:
            report.missing.append(row.sha256)
        else:
            report.bytes += size
            if actual != row.sha256 or size != row.size:
                report.altered.append(row.sha256)
        if progress:
            progress(row)
    return report


@dataclass
class SweepReport:
    examined: int = 0
    removed: list[str] = field(default_factory=list)
    stale_temp_files: int = 0


def sweep(rt: Runtime, dry_run: bool = False, temp_age_seconds: int = 86_400) -> SweepReport:
    """Remove blobs no row points to (left by a crash between store and commit) and old staging files."""
    report = SweepReport()
    for sha in rt.blobs.iter_sha256():
        report.examined += 1
        with rt.db.write() as session:
            lock_blob(session, sha)
            if session.get(Blob, sha) is None:
                report.removed.append(sha)
                if not dry_run:
                    rt.blobs.delete(sha)
    cutoff = time.time() - temp_age_seconds
    staging: Path = rt.settings.staging_dir
    if staging.is_dir():
        for path in staging.iterdir():
            if path.stat().st_mtime >= cutoff:
                continue
            if path.is_file():
                report.stale_temp_files += 1
                if not dry_run:
                    path.unlink(missing_ok=True)
            elif path.is_dir() and path.name.startswith("bag-"):  # a transfer package left by a crash
                report.stale_temp_files += 1
                if not dry_run:
                    shutil.rmtree(path, ignore_errors=True)
    return report
