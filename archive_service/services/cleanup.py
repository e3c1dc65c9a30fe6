"""Clean up after crashes, at every start and in ``arsip cron``: nothing a killed process left behind piles up.

What a crash leaves, and when it is removed (each counted in the log, in ``<data>/cleanup-last.json`` and in the
index status of the API and ``arsip index status``):

- **Staging files** (``<data>/tmp/stage-*.part``) of an upload or an ingest that was killed. An upload in progress
  keeps writing its file, so one not written for longer than the longest possible upload
  (``upload_max_seconds``) belongs to nobody.
- **Orphan blobs**: stored, but the transaction that was to reference them never committed (a kill between the two
  steps of an ingest). A blob no ``blobs`` row references is removed once it is older than the same
  ``upload_max_seconds``: an upload in progress commits its rows within that time after storing its blobs. The check
  and the delete run under the blob's lock (``uploads.lock_blob``), the lock the committing transaction also takes,
  and a commit re-checks that its blobs exist (``uploads.ensure_blob_rows``), so even a wrong grace makes an upload
  fail cleanly ("retry"), never reference a missing file.
- **Temp folders** of extraction: the pool's worker folders (``arsip-extract-<pid>-…``, which hold OCR page images)
  and the copies of blobs from S3 (``extract-<pid>-…``), in the data folder's ``tmp`` and, from older versions or
  the in-process mode, in the system's temp folder. A folder of this machine is removed when the process named in
  it is gone (or its pid now belongs to a younger process); folders of another machine, and those of older versions
  (no pid in the name, ``arsip-ocr-*`` too), when they have not changed for longer than the longest extraction
  (``longest_extraction_seconds``).
- **Index generations** no ``CURRENT`` names and no writer holds (``TantivyIndex.remove_stray_generations``): the
  half-built folder of a reindex that was killed. A successful reindex removes them too.

``upload_max_seconds`` is ``ARSIP_UPLOAD_MAX_SECONDS`` or, by default, the time to receive
``ARSIP_MAX_REQUEST_SIZE`` at ``UPLOAD_MIN_BYTES_PER_S`` plus ``ARSIP_SERVER_READ_TIMEOUT`` plus ``COMMIT_SLACK_S``
(about 74 minutes with the defaults; ``arsip sweep`` waited 24 hours).

Only one clean-up runs at a time per data folder (``cleanup.lock``, a ``flock``); a second one started meanwhile
is skipped. At start-up (``at_startup``) it runs in a background thread, so a large blob store never delays
serving: in the index worker when it takes the worker lock (``arsip worker``, and the worker thread of ``arsip
serve``: once per data folder, and again whenever another process takes over from a holder that died), and in
``create_app`` of an app served without a worker thread. ``arsip cron`` runs it on every full run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from indexer.extract.pool import BUDGET_PER_MB_S, BUDGET_PER_OCR_PAGE_S, owner_tag

from ..config import Settings
from ..db import Blob
from ..runtime import Runtime
from .uploads import lock_blob

log = logging.getLogger(__name__)

UPLOAD_MIN_BYTES_PER_S = 256 * 1024  # the slowest upload we wait for: about 2 Mbit/s
COMMIT_SLACK_S = 300  # from the last byte to the commit: checks, storing, a busy database
LAST_FILE = "cleanup-last.json"
LOCK_FILE = "cleanup.lock"
CHECK_CHUNK = 500
_OWNED = re.compile(r"^(?:arsip-)?extract-(\d+)-([0-9a-f]{8})-")  # our temp folders name their owner (owner_tag)
_LEGACY = re.compile(r"^(?:arsip-extract-|arsip-ocr-|extract-)")  # older versions' names, without a pid


@dataclass
class CleanupReport:
    reason: str = ""
    at: str = ""
    dry_run: bool = False
    staging_files: int = 0
    orphan_blobs: int = 0
    temp_folders: int = 0
    index_generations: int = 0
    seconds: float = 0.0
    skipped: bool = False  # another clean-up held the lock
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.staging_files + self.orphan_blobs + self.temp_folders + self.index_generations

    def line(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (
            f"clean-up ({self.reason}) {verb}: {self.staging_files} staging files, {self.orphan_blobs} orphan blobs, "
            f"{self.temp_folders} temp folders, {self.index_generations} index generations"
        )


def upload_max_seconds(settings: Settings) -> int:
    """The longest an upload may take from its first byte to its commit (see the module docstring)."""
    if settings.upload_max_seconds is not None:
        return settings.upload_max_seconds
    receive = settings.max_request_size / UPLOAD_MIN_BYTES_PER_S
    return int(receive + settings.server_read_timeout + COMMIT_SLACK_S)


def longest_extraction_seconds(settings: Settings) -> float:
    """The budget of the largest file with the most OCR pages (``indexer.extract.pool``), plus time in the queue."""
    budget = (
        settings.extract_timeout_s
        + settings.max_file_size / 1_000_000 * BUDGET_PER_MB_S
        + settings.ocr_max_pages * BUDGET_PER_OCR_PAGE_S
    )
    return 2 * budget


# ---- running ---------------------------------------------------------------------------------------------------------
def run(rt: Runtime, *, reason: str = "manual", dry_run: bool = False, now: float | None = None) -> CleanupReport:
    """One clean-up of everything above; skipped (``report.skipped``) when another one is running."""
    report = CleanupReport(reason=reason, dry_run=dry_run, at=datetime.now(UTC).isoformat(timespec="seconds"))
    started = time.monotonic()
    now = time.time() if now is None else now
    rt.settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(rt.settings.data_dir / LOCK_FILE, "a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            report.skipped = True
            log.info("clean-up (%s) skipped: another one is running", reason)
            return report
        try:
            for step in (_staging_files, _orphan_blobs, _temp_folders, _index_generations):
                try:
                    step(rt, report, now)
                except Exception as exc:  # one failing step must not keep the others from running
                    log.exception("clean-up step %s failed", step.__name__)
                    report.errors.append(f"{step.__name__}: {type(exc).__name__}: {exc}"[:500])
            report.seconds = time.monotonic() - started
            if not dry_run:
                _save(rt, report)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    log.log(logging.WARNING if report.errors else logging.INFO, "%s in %.1f s", report.line(), report.seconds)
    return report


def at_startup(rt: Runtime, *, background: bool = True) -> threading.Thread | None:
    """The start-up clean-up: in a daemon thread (serving must not wait for a walk of the blob store), or now."""
    if not background:
        run(rt, reason="startup")
        return None
    return start_in_background(rt, reason="startup")


def start_in_background(rt: Runtime, *, reason: str = "startup") -> threading.Thread:
    """Run the clean-up in a daemon thread."""

    def target() -> None:
        try:
            run(rt, reason=reason)
        except Exception:
            log.exception("start-up clean-up failed")

    thread = threading.Thread(target=target, name="arsip-cleanup", daemon=True)
    thread.start()
    return thread


def last(rt: Runtime) -> dict[str, Any] | None:
    """The last clean-up that ran here (``CleanupReport`` as a dict, plus ``line``), or None."""
    try:
        data = json.loads((rt.settings.data_dir / LAST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    report = CleanupReport(**{k: v for k, v in data.items() if k in CleanupReport.__dataclass_fields__})
    return {**asdict(report), "line": "last " + report.line()}


def _save(rt: Runtime, report: CleanupReport) -> None:
    target = rt.settings.data_dir / LAST_FILE
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(report), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)


# ---- the steps -------------------------------------------------------------------------------------------------------
def _staging_files(rt: Runtime, report: CleanupReport, now: float) -> None:
    cutoff = now - upload_max_seconds(rt.settings)
    staging = rt.settings.staging_dir
    if not staging.is_dir():
        return
    for path in staging.glob("stage-*"):
        try:
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue  # stored or discarded meanwhile
        report.staging_files += 1
        if not report.dry_run:
            path.unlink(missing_ok=True)


def _orphan_blobs(rt: Runtime, report: CleanupReport, now: float) -> None:
    """Blobs without a row, older than the grace; checked in chunks, each deleted under its lock."""
    cutoff = now - upload_max_seconds(rt.settings)
    chunk: list[str] = []
    for sha in rt.blobs.iter_sha256():
        chunk.append(sha)
        if len(chunk) >= CHECK_CHUNK:
            _orphans_in(rt, chunk, cutoff, report)
            chunk = []
    if chunk:
        _orphans_in(rt, chunk, cutoff, report)


def _orphans_in(rt: Runtime, shas: list[str], cutoff: float, report: CleanupReport) -> None:
    with rt.db.read() as session:
        known = set(session.execute(select(Blob.sha256).where(Blob.sha256.in_(shas))).scalars())
    for sha in shas:
        if sha in known:
            continue
        stored = _stored_at(rt, sha)
        if stored is None or stored > cutoff:
            continue  # too young (an upload may still commit it), or gone already
        with rt.db.write() as session:
            lock_blob(session, sha)
            if session.get(Blob, sha) is not None:
                continue  # committed meanwhile
            report.orphan_blobs += 1
            if not report.dry_run:
                rt.blobs.delete(sha)


def _stored_at(rt: Runtime, sha: str) -> float | None:
    """When the blob was stored: the local file's last change (a hard link changes ctime), the S3 object's date."""
    path_of = getattr(rt.blobs, "path", None)
    if path_of is not None:
        try:
            st = Path(path_of(sha)).stat()
        except FileNotFoundError:
            return None
        return max(st.st_mtime, st.st_ctime)
    head = getattr(rt.blobs, "_head", None)
    if head is not None:
        meta = head(sha)
        modified = meta.get("LastModified") if meta else None
        return modified.timestamp() if modified is not None else None
    return None


def _temp_folders(rt: Runtime, report: CleanupReport, now: float) -> None:
    legacy_cutoff = now - longest_extraction_seconds(rt.settings)
    host = owner_tag().split("-", 1)[1]
    roots = [rt.settings.staging_dir, Path(tempfile.gettempdir())]
    for root in dict.fromkeys(roots):
        try:
            entries = list(root.iterdir())
        except OSError:
            continue
        for path in entries:
            owned = _OWNED.match(path.name)
            if owned is None and _LEGACY.match(path.name) is None:
                continue
            try:
                if not path.is_dir() or path.is_symlink():
                    continue
                changed = path.stat().st_mtime
            except FileNotFoundError:
                continue
            if owned is not None and owned.group(2) == host:
                if _alive_since(int(owned.group(1)), changed):
                    continue
            elif changed > legacy_cutoff:  # another machine's, or an older version's: by age only
                continue
            report.temp_folders += 1
            if not report.dry_run:
                shutil.rmtree(path, ignore_errors=True)


def _alive_since(pid: int, folder_time: float) -> bool:
    """Whether process ``pid`` runs and could own a folder last changed at ``folder_time`` (it did not start
    after it: a pid reused by a younger process does not count). Unknown start times count as owner."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    started = _process_start(pid)
    return started is None or started <= folder_time + 1


def _process_start(pid: int) -> float | None:
    """The process's start time (Linux ``/proc``), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22 (starttime), counted after "pid (comm)"
        boot = next(
            float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime ")
        )
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _index_generations(rt: Runtime, report: CleanupReport, _now: float) -> None:
    from .indexing import INDEXES

    for name in INDEXES:
        remove = getattr(rt.search.index(name), "remove_stray_generations", None)
        if remove is not None:  # tantivy; Elasticsearch keeps no generations on this machine
            report.index_generations += remove(dry_run=report.dry_run)
