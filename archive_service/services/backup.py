"""Backup and restore (``arsip backup``, ``arsip restore``): a consistent copy taken while the service runs.

Why it is built this way:

- **The database first, then the blobs.** A blob is stored before the row that points at it commits, and a blob a
  live row points at is never deleted. So once the database snapshot is taken, every blob it references is already
  in the store, and blobs written later belong to rows the snapshot does not have: they are simply not needed.
  A record acknowledged (committed) before the backup started is therefore in the backup with all its bytes.
- **SQLite:** ``sqlite3.Connection.backup`` from a connection of its own, in one step: that step is one read
  transaction, which in WAL mode neither waits for writers nor blocks them, and sees one committed state. The
  blob list and the counts are then read from the copy itself, so they describe exactly what was copied.
- **PostgreSQL:** a REPEATABLE READ transaction exports its snapshot (``pg_export_snapshot``) and ``pg_dump
  --snapshot`` dumps exactly that state (custom format), while the blob list, the counts and the schema revision
  are read in the same transaction. ``pg_dump`` must be at least the server's major version: Debian's
  ``/usr/lib/postgresql/<major>/bin`` is tried first, then the newer ones, then ``PATH``.
- **Blobs by hash, incrementally, verified.** Every blob the snapshot's live ``blobs`` rows name (record files, the
  extracted text of the ``extractions`` table and transfer packages all have a row there; destroyed ones have no
  bytes and are skipped) is streamed through a staged temp file that hashes it on the way; its SHA-256 and size
  must match the row before it is published into the target's blob pool. A blob the pool already holds is not
  copied again, so a nightly backup copies only what is new. Nothing is ever held in memory whole.
- **The manifest is written last** (``manifest.json``: times, database kind, schema revision, counts, the blob
  list's hash and size). A snapshot without one is an interrupted backup: restore ignores it and says so.
- **The search indexes are not copied; restore rebuilds them** (``index_rebuild.reindex``) from the database and
  the stored text blobs. That is engine-neutral (a tantivy installation can be restored onto Elasticsearch),
  never restores an index from another moment than the database, and costs only the rebuild time.
- **Restore** refuses anything that is not empty (a file in the data folder, the SQLite file, a table in the
  PostgreSQL database, a blob in the store, a document in the indexes), verifies every file and blob against the
  manifest and the blob list before using it, and puts things in place in the order blobs → database →
  migrations (a backup from an older version is brought to head) → indexes. A backup from a newer schema than
  this code knows is refused before anything is written.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from ..config import Settings
from ..errors import ArsipError
from ..runtime import Runtime
from ..storage import BlobNotFound, BlobStore, stage_stream
from ..storage.base import is_sha256
from .backup_targets import BackupTarget, TargetBusy, open_target

FORMAT = "arsip-backup/1"
MANIFEST = "manifest.json"
BLOB_LIST = "blobs.txt"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
COUNTED = ("records", "record_files", "blobs", "extractions", "audit_events", "users")
LIVE_BLOBS = "SELECT sha256, size FROM blobs WHERE destroyed_at IS NULL ORDER BY sha256"
CHUNK = 1024 * 1024

# progress(stage, done, total): stage is "blobs" or "index <name>"; total 0 when unknown.
Progress = Callable[[str, int, int], object]


class BackupError(ArsipError):
    status = 422
    code = "backup"
    title_id = "Pencadangan atau pemulihan gagal"
    title_en = "Backup or restore failed"


# ---- small helpers ------------------------------------------------------------------------------------------------
def _now() -> datetime:
    return datetime.now(UTC)


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _arsip_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("arsip")
    except PackageNotFoundError:
        return "unknown"


def _new_name(target: BackupTarget) -> str:
    """A name that sorts by time (UTC, milliseconds), e.g. ``20260301T020000.123Z``."""
    existing = set(target.snapshot_names())
    while True:
        now = _now()
        name = now.strftime("%Y%m%dT%H%M%S") + f".{now.microsecond // 1000:03d}Z"
        if name not in existing:
            return name
        time.sleep(0.002)


def _write_blob_list(rows: Iterable[Any], path: Path) -> tuple[int, int]:
    """``<sha256> <size>`` lines in hash order; returns (count, bytes)."""
    count = total = 0
    with open(path, "w", encoding="ascii") as out:
        for sha, size in rows:
            out.write(f"{sha} {int(size)}\n")
            count += 1
            total += int(size)
    return count, total


def read_blob_list(path: Path) -> Iterator[tuple[str, int]]:
    """The entries of a blob list; a malformed line is an error (the file's hash was checked, so it is a bug)."""
    with open(path, encoding="ascii") as fh:
        for n, line in enumerate(fh, 1):
            sha, _, size = line.strip().partition(" ")
            if not is_sha256(sha) or not size.isdigit():
                raise BackupError(
                    f"Daftar blob rusak pada baris {n}.", f"Malformed blob list at line {n}: {line.strip()[:80]!r}"
                )
            yield sha, int(size)


# ---- PostgreSQL client tools --------------------------------------------------------------------------------------
def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    return int(match.group(1)) if match else None


def pg_tool(name: str, server_major: int) -> str:
    """``pg_dump``/``pg_restore`` of at least the server's major version (older ones refuse or lose data)."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}"]
    candidates += sorted(
        (p for p in glob.glob(f"/usr/lib/postgresql/*/bin/{name}") if p.split("/")[4].isdigit()),
        key=lambda p: int(p.split("/")[4]),
        reverse=True,
    )
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        if os.path.isfile(candidate):
            major = _tool_major(candidate)
            if major is not None and major >= server_major:
                return candidate
    raise BackupError(
        f"{name} versi {server_major} atau lebih baru tidak ditemukan; pasang postgresql-client-{server_major}.",
        f"{name} of version {server_major} or newer not found; install postgresql-client-{server_major}.",
    )


def libpq_connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URL without the password (which goes in PGPASSWORD, not on a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, env


def run_pg(cmd: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} gagal: {detail}", f"{what} failed: {detail}")


# ---- the database snapshot ----------------------------------------------------------------------------------------
@dataclass
class _Snapshot:
    kind: str
    revision: str | None
    counts: dict[str, int]
    blobs: int
    bytes: int
    taken_at: datetime
    server_version: str | None = None


def _sqlite_snapshot(rt: Runtime, dest: Path, list_path: Path) -> _Snapshot:
    source = make_url(rt.settings.database_url).database
    if not source or source == ":memory:":
        raise BackupError(
            "Basis data SQLite di memori tidak dapat dicadangkan.", "An in-memory database has no backup."
        )
    if not Path(source).is_file():
        raise BackupError(
            f"Basis data {source} tidak ada; jalankan arsip init.", f"Database {source} does not exist; run arsip init."
        )
    # mode=rw: never create an empty database where the real one was expected.
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=rw", uri=True)
    src.execute(f"PRAGMA busy_timeout={int(rt.settings.sqlite_busy_timeout_ms)}")
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)  # pages=-1: one step, one read transaction, one committed state
            taken_at = _now()
            dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            return _facts("sqlite", lambda sql: dst.execute(sql), list_path, taken_at)
        finally:
            dst.close()
    finally:
        src.close()


def _pg_snapshot(rt: Runtime, dest: Path, list_path: Path) -> _Snapshot:
    with rt.db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            snapshot_id = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            taken_at = _now()
            server_num = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
            server_version = str(conn.exec_driver_sql("SHOW server_version").scalar_one())
            conninfo, env = libpq_connection(rt.settings.database_url)
            cmd = [
                pg_tool("pg_dump", server_num // 10000),
                "--format=custom",
                f"--snapshot={snapshot_id}",
                "--no-password",
                f"--file={dest}",
                f"--dbname={conninfo}",
            ]
            run_pg(cmd, env, "pg_dump")
            facts = _facts("postgresql", _streaming(conn), list_path, taken_at)
    facts.server_version = server_version
    return facts


def _streaming(conn: Connection) -> Callable[[str], Any]:
    return lambda sql: conn.execute(text(sql).execution_options(yield_per=5000))


def _facts(kind: str, query: Callable[[str], Any], list_path: Path, taken_at: datetime) -> _Snapshot:
    """Schema revision, counts and the blob list, all read from the snapshot itself."""
    revisions = [row[0] for row in query("SELECT version_num FROM alembic_version")]
    counts = {table: int(next(iter(query(f"SELECT count(*) FROM {table}")))[0]) for table in COUNTED}
    revision = revisions[0] if revisions else None
    blobs, size = _write_blob_list(query(LIVE_BLOBS), list_path)
    return _Snapshot(kind, revision, counts, blobs, size, taken_at)


# ---- copying blobs ------------------------------------------------------------------------------------------------
@dataclass
class CopyStats:
    listed: int = 0
    listed_bytes: int = 0
    copied: int = 0
    copied_bytes: int = 0
    present: int = 0


class BlobProblem(Exception):
    def __init__(self, sha: str, kind: str) -> None:
        super().__init__(f"{kind}: {sha}")
        self.sha = sha
        self.kind = kind


def _copy_one(src: BlobStore, dst: BlobStore, staging: Path, sha: str, size: int, skip_present: bool) -> bool:
    """Copy one blob, hashing it on the way; True if copied, False if the target had it already."""
    if skip_present and dst.exists(sha):
        return False
    try:
        with src.open(sha) as stream:
            staged = stage_stream(stream, staging)
    except BlobNotFound:
        raise BlobProblem(sha, "missing") from None
    if staged.sha256 != sha or staged.size != size:
        staged.discard()
        raise BlobProblem(sha, "altered")
    dst.put_staged(staged)  # consumes the staged file
    return True


def copy_blobs(
    entries: Iterable[tuple[str, int]],
    src: BlobStore,
    dst: BlobStore,
    staging: Path,
    *,
    skip_present: bool,
    workers: int = 4,
    progress: Callable[[int], object] | None = None,
) -> CopyStats:
    """Copy listed blobs with ``workers`` threads (storage is I/O bound), at most 4 × ``workers`` in flight.

    Raises ``BlobProblem`` for the first blob that is missing at the source or does not hash to its name."""
    staging.mkdir(parents=True, exist_ok=True)
    stats = CopyStats()
    pending: deque[tuple[Future[bool], int]] = deque()

    def settle() -> None:
        future, size = pending.popleft()
        if future.result():
            stats.copied += 1
            stats.copied_bytes += size
        else:
            stats.present += 1
        if progress is not None:
            progress(stats.copied + stats.present)

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="arsip-backup") as pool:
        try:
            for sha, size in entries:
                stats.listed += 1
                stats.listed_bytes += size
                pending.append((pool.submit(_copy_one, src, dst, staging, sha, size, skip_present), size))
                if len(pending) >= 4 * max(1, workers):
                    settle()
            while pending:
                settle()
        except BaseException:
            for future, _size in pending:
                future.cancel()
            raise
    return stats


# ---- backup -------------------------------------------------------------------------------------------------------
@dataclass
class BackupResult:
    name: str
    target: str
    kind: str
    counts: dict[str, int]
    blobs: CopyStats
    seconds: float
    manifest: dict[str, Any]
    pruned_snapshots: list[str] = field(default_factory=list)
    pruned_blobs: int = 0


def backup(
    rt: Runtime,
    target_url: str,
    *,
    keep: int | None = None,
    workers: int = 4,
    progress: Progress | None = None,
) -> BackupResult:
    """Snapshot the database, copy the blobs it references (new ones only), then write the manifest.

    With ``keep``, complete snapshots beyond the newest ``keep`` (and interrupted ones older than the newest
    complete one) are removed afterwards, with the blobs none of the kept snapshots needs."""
    if keep is not None and keep < 1:
        raise BackupError("--keep minimal 1.", "--keep must be at least 1.")
    started, started_at = time.perf_counter(), _now()
    target = open_target(target_url, rt.settings)
    kind = "sqlite" if rt.db.is_sqlite else "postgresql"
    try:
        with target.lock():
            return _backup_locked(rt, target, kind, keep, workers, progress, started, started_at)
    except TargetBusy:
        raise BackupError(
            f"Pencadangan lain sedang menulis ke {target.url}.", f"Another backup is writing to {target.url}."
        ) from None


def _backup_locked(
    rt: Runtime,
    target: BackupTarget,
    kind: str,
    keep: int | None,
    workers: int,
    progress: Progress | None,
    started: float,
    started_at: datetime,
) -> BackupResult:
    name = _new_name(target)
    db_file = DB_FILES[kind]
    rt.settings.staging_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=rt.settings.staging_dir, prefix="backup-"))
    try:
        list_path = work / BLOB_LIST
        with target.write_file(name, db_file) as db_path:
            take = _sqlite_snapshot if kind == "sqlite" else _pg_snapshot
            snap = take(rt, db_path, list_path)
            db_sha, db_size = _hash_file(db_path)
        list_sha, list_size = _hash_file(list_path)

        def advance(done: int) -> None:
            if progress is not None:
                progress("blobs", done, snap.blobs)

        try:
            stats = copy_blobs(
                read_blob_list(list_path),
                rt.blobs,
                target.blob_store(target.staging_dir()),
                target.staging_dir(),
                skip_present=True,
                workers=workers,
                progress=advance,
            )
        except BlobProblem as problem:
            raise _backup_blob_error(problem) from None
        target.put_file(name, BLOB_LIST, list_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    manifest = {
        "format": FORMAT,
        "name": name,
        "arsip_version": _arsip_version(),
        "started_at": started_at.isoformat(),
        "snapshot_at": snap.taken_at.isoformat(),
        "finished_at": _now().isoformat(),
        "database": {
            "kind": kind,
            "file": db_file,
            "sha256": db_sha,
            "size": db_size,
            "schema_revision": snap.revision,
            "server_version": snap.server_version,
        },
        "counts": snap.counts,
        "blobs": {
            "list": BLOB_LIST,
            "list_sha256": list_sha,
            "list_size": list_size,
            "count": snap.blobs,
            "bytes": snap.bytes,
            "copied": stats.copied,
            "copied_bytes": stats.copied_bytes,
            "already_present": stats.present,
        },
        "index": "not copied: rebuilt from the database and the stored text on restore",
    }
    target.write_bytes(name, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    result = BackupResult(name, target.url, kind, snap.counts, stats, 0.0, manifest)
    if keep is not None:
        result.pruned_snapshots, result.pruned_blobs = prune(target, keep, rt.settings.staging_dir)
    result.seconds = time.perf_counter() - started
    return result


def _backup_blob_error(problem: BlobProblem) -> BackupError:
    if problem.kind == "missing":
        return BackupError(
            f"Blob {problem.sha} hilang dari penyimpanan (dimusnahkan selama pencadangan? jalankan lagi; "
            "jika berulang, jalankan arsip fixity).",
            f"Blob {problem.sha} is missing from the store (destroyed during the backup? run it again; "
            "if it persists, run arsip fixity).",
        )
    return BackupError(
        f"Blob {problem.sha} di penyimpanan tidak cocok dengan SHA-256-nya; jalankan arsip fixity.",
        f"Blob {problem.sha} in the store does not match its SHA-256; run arsip fixity.",
    )


# ---- snapshots and pruning ----------------------------------------------------------------------------------------
@dataclass
class SnapshotInfo:
    name: str
    manifest: dict[str, Any] | None

    @property
    def complete(self) -> bool:
        return self.manifest is not None


def load_manifest(target: BackupTarget, name: str) -> dict[str, Any] | None:
    raw = target.read_bytes(name, MANIFEST)
    if raw is None:
        return None
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError(
            f"manifest.json cadangan {name} rusak.", f"The manifest.json of backup {name} is not valid JSON."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Cadangan {name} bukan format {FORMAT}.", f"Backup {name} is not in the {FORMAT} format.")
    try:
        for key in ("kind", "file", "sha256", "schema_revision"):
            manifest["database"][key]
        for key in ("list_sha256", "count"):
            manifest["blobs"][key]
    except (KeyError, TypeError):
        raise BackupError(
            f"manifest.json cadangan {name} tidak lengkap.", f"The manifest.json of backup {name} lacks fields."
        ) from None
    return manifest


def snapshots(target: BackupTarget) -> list[SnapshotInfo]:
    """Every snapshot in the target, oldest first, with its manifest (None: interrupted)."""
    return [SnapshotInfo(name, load_manifest(target, name)) for name in target.snapshot_names()]


def list_snapshots(settings: Settings, url: str) -> list[SnapshotInfo]:
    return snapshots(open_target(url, settings))


def prune(target: BackupTarget, keep: int, staging: Path) -> tuple[list[str], int]:
    """Keep the newest ``keep`` complete snapshots; remove older ones and the blobs only they needed."""
    infos = snapshots(target)
    complete = [i.name for i in infos if i.complete]
    if not complete:
        return [], 0
    kept = complete[-keep:]
    newest = kept[-1]
    dropped = [i.name for i in infos if i.name not in kept and i.name < newest]
    for name in dropped:
        target.delete_snapshot(name)
    referenced: set[bytes] = set()
    staging.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging, prefix="backup-prune-") as tmp:
        for name in kept:
            manifest = load_manifest(target, name) or {}
            path = fetch_verified(target, name, BLOB_LIST, Path(tmp), manifest["blobs"]["list_sha256"])
            referenced.update(bytes.fromhex(sha) for sha, _size in read_blob_list(path))
            path.unlink()
    store = target.blob_store(staging)
    removed = 0
    for sha in list(store.iter_sha256()):
        if bytes.fromhex(sha) not in referenced:
            store.delete(sha)
            removed += 1
    return dropped, removed


def fetch_verified(target: BackupTarget, snapshot: str, name: str, directory: Path, sha256: str) -> Path:
    path = directory / name
    if not target.fetch_file(snapshot, name, path):
        raise BackupError(
            f"Berkas {name} tidak ada dalam cadangan {snapshot}.", f"File {name} is missing from backup {snapshot}."
        )
    actual, _size = _hash_file(path)
    if actual != sha256:
        raise BackupError(
            f"Berkas {name} cadangan {snapshot} tidak cocok dengan SHA-256 di manifest (rusak atau diubah).",
            f"File {name} of backup {snapshot} does not match the SHA-256 in its manifest (damaged or altered).",
        )
    return path
