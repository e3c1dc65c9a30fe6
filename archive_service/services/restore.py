"""``arsip restore``: a backup of ``services/backup.py`` back into an empty data folder and database.

The why of the whole design is in ``services/backup.py``. Here: restore refuses anything that is not empty (a file
in the data folder, the SQLite file, a table in the PostgreSQL database, a blob in the store, a document in an
index), because merging a backup into live data would mix two histories and break the audit chain. It refuses a
backup whose schema this code does not know (made by a newer Arsip) before writing anything. Every file and blob
is checked against the manifest's hashes and the blob list before it is used. Things are put in place in the order
blobs → database → migrations (an older backup is brought to head) → search indexes (rebuilt, never copied), so a
database in place means every blob it needs is there too. A restore that fails half-way leaves a target it will
refuse next time: empty it and run again.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ..config import Settings
from ..db.migrate import MIGRATIONS_DIR, current_revision
from ..runtime import Runtime
from .backup import (
    BLOB_LIST,
    BackupError,
    BlobProblem,
    CopyStats,
    Progress,
    copy_blobs,
    fetch_verified,
    libpq_connection,
    load_manifest,
    pg_tool,
    read_blob_list,
    run_pg,
)
from .backup_targets import BackupTarget, open_target


@dataclass
class RestoreResult:
    name: str
    kind: str
    counts: dict[str, int]
    blobs: CopyStats
    schema_from: str | None
    schema_to: str | None
    indexed: dict[str, int]
    seconds: float


def _choose(target: BackupTarget, snapshot: str | None) -> tuple[str, dict[str, Any]]:
    names = target.snapshot_names()
    if snapshot is not None:
        if snapshot not in names:
            raise BackupError(
                f"Cadangan {snapshot} tidak ada di {target.url}.", f"No backup named {snapshot} in {target.url}."
            )
        manifest = load_manifest(target, snapshot)
        if manifest is None:
            raise BackupError(
                f"Cadangan {snapshot} tidak lengkap (tanpa manifest.json): pencadangan terputus.",
                f"Backup {snapshot} is incomplete (no manifest.json): the backup was interrupted.",
            )
        return snapshot, manifest
    for name in reversed(names):
        manifest = load_manifest(target, name)
        if manifest is not None:
            return name, manifest
    if names:
        raise BackupError(
            f"Tidak ada cadangan lengkap di {target.url}; tanpa manifest.json: {', '.join(names)}.",
            f"No complete backup in {target.url}; without manifest.json: {', '.join(names)}.",
        )
    raise BackupError(f"Tidak ada cadangan di {target.url}.", f"No backup found in {target.url}.")


def _check_revision(revision: str | None) -> None:
    """Refuse a backup whose schema this code does not know: it was made by a newer Arsip."""
    if revision is None:
        return
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        known = ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except Exception:
        known = False
    if not known:
        raise BackupError(
            f"Skema cadangan ({revision}) lebih baru dari versi Arsip ini; pasang versi yang membuatnya dulu.",
            f"The backup's schema ({revision}) is newer than this version of Arsip; install the version that made "
            "it first.",
        )


def _files_in(directory: Path) -> list[str]:
    """The top-level entries of ``directory`` that hold a file (empty folders do not count: a refused attempt
    may leave some, and they must not block the next one)."""
    if not directory.is_dir():
        return []
    found = []
    for entry in sorted(directory.iterdir()):
        if entry.is_file() or entry.is_symlink():
            found.append(entry.name)
        elif entry.is_dir() and any(p.is_file() or p.is_symlink() for p in entry.rglob("*")):
            found.append(entry.name + "/")
    return found


def _refuse(what_id: str, what_en: str) -> BackupError:
    return BackupError(
        f"Tujuan pemulihan tidak kosong: {what_id}. Pulihkan hanya ke folder data dan basis data yang kosong.",
        f"The restore target is not empty: {what_en}. Restore only into an empty data folder and database.",
    )


def _check_empty_before(settings: Settings, kind: str) -> None:
    files = _files_in(settings.data_dir)
    if files:
        shown = ", ".join(files)
        raise _refuse(
            f"folder data {settings.data_dir} berisi {shown}", f"data folder {settings.data_dir} holds {shown}"
        )
    if kind == "sqlite":
        path = Path(make_url(settings.database_url).database or "")
        if path.exists() and path.stat().st_size > 0:
            raise _refuse(f"basis data {path} sudah ada", f"database {path} exists")


def _check_empty_after(rt: Runtime, kind: str) -> None:
    if kind == "postgresql":
        try:
            with rt.db.engine.connect() as conn:
                tables = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_catalog.pg_tables "
                    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                ).scalar_one()
        except OperationalError as exc:
            raise BackupError(
                "Basis data tujuan tidak dapat dihubungi; buat dulu basis data kosong (createdb).",
                f"Cannot connect to the target database; create an empty database first (createdb): {exc.orig}",
            ) from None
        if tables:
            raise _refuse(f"basis data berisi {tables} tabel", f"the database has {tables} tables")
    if next(iter(rt.blobs.iter_sha256()), None) is not None:
        raise _refuse(
            f"penyimpanan blob {rt.settings.storage_url} berisi blob",
            f"blob store {rt.settings.storage_url} holds blobs",
        )
    from .indexing import INDEXES

    for name in INDEXES:
        if rt.search.index(name).count():
            raise _refuse(f"indeks {name} berisi dokumen", f"search index {name} holds documents")


def _place_sqlite(local: Path, database_url: str) -> None:
    check = sqlite3.connect(local)
    try:
        result = check.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        raise BackupError(f"Basis data cadangan rusak: {result}", f"The backup's database is damaged: {result}")
    dest = Path(make_url(database_url).database or "")
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f".{dest.name}.restoring")
    try:
        shutil.copyfile(local, part)
        fd = os.open(part, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def _place_postgres(rt: Runtime, local: Path) -> None:
    with rt.db.engine.connect() as conn:
        server_major = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000
    conninfo, env = libpq_connection(rt.settings.database_url)
    cmd = [
        pg_tool("pg_restore", server_major),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={conninfo}",
        str(local),
    ]
    run_pg(cmd, env, "pg_restore")
    rt.db.engine.dispose()  # connections opened before the restore may hold stale catalog caches


def restore(
    settings: Settings,
    source_url: str,
    *,
    snapshot: str | None = None,
    workers: int = 4,
    progress: Progress | None = None,
) -> RestoreResult:
    """Bring a backup back into an empty data folder (and, on PostgreSQL, an empty database); see the module doc."""
    started = time.perf_counter()
    source = open_target(source_url, settings)
    name, manifest = _choose(source, snapshot)
    database = manifest["database"]
    kind = "sqlite" if settings.is_sqlite else "postgresql"
    if database["kind"] != kind:
        raise BackupError(
            f"Cadangan {name} berasal dari {database['kind']}, tujuan {kind}: pulihkan ke jenis basis data yang sama.",
            f"Backup {name} is from {database['kind']} and the target is {kind}: restore onto the same kind.",
        )
    _check_revision(database.get("schema_revision"))
    _check_empty_before(settings, kind)
    rt = Runtime.from_settings(settings)
    try:
        _check_empty_after(rt, kind)
        work = Path(tempfile.mkdtemp(dir=settings.staging_dir, prefix="restore-"))
        try:
            list_path = fetch_verified(source, name, BLOB_LIST, work, manifest["blobs"]["list_sha256"])
            db_local = fetch_verified(source, name, database["file"], work, database["sha256"])
            total = int(manifest["blobs"]["count"])

            def advance(done: int) -> None:
                if progress is not None:
                    progress("blobs", done, total)

            try:
                stats = copy_blobs(
                    read_blob_list(list_path),
                    source.blob_store(settings.staging_dir),
                    rt.blobs,
                    settings.staging_dir,
                    skip_present=False,
                    workers=workers,
                    progress=advance,
                )
            except BlobProblem as problem:
                raise _restore_blob_error(name, problem) from None
            if stats.listed != total:
                raise BackupError(
                    f"Daftar blob cadangan {name} berisi {stats.listed} blob, manifest {total}.",
                    f"The blob list of backup {name} has {stats.listed} blobs, its manifest {total}.",
                )
            if kind == "sqlite":
                _place_sqlite(db_local, settings.database_url)
            else:
                _place_postgres(rt, db_local)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rt.migrate()
        schema_to = current_revision(rt.db.engine)
        indexed = _rebuild_indexes(rt, progress)
    finally:
        rt.close()
    return RestoreResult(
        name=name,
        kind=kind,
        counts=dict(manifest.get("counts", {})),
        blobs=stats,
        schema_from=database.get("schema_revision"),
        schema_to=schema_to,
        indexed=indexed,
        seconds=time.perf_counter() - started,
    )


def _rebuild_indexes(rt: Runtime, progress: Progress | None) -> dict[str, int]:
    from .index_rebuild import reindex
    from .indexing import INDEXES

    indexed: dict[str, int] = {}
    for index in INDEXES:
        done = 0

        def advance(n: int, index: str = index) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(f"index {index}", done, 0)

        indexed[index] = reindex(rt, index, progress=advance).records
    return indexed


def _restore_blob_error(name: str, problem: BlobProblem) -> BackupError:
    if problem.kind == "missing":
        return BackupError(
            f"Blob {problem.sha} hilang dari cadangan {name}.", f"Blob {problem.sha} is missing from backup {name}."
        )
    return BackupError(
        f"Blob {problem.sha} dalam cadangan {name} tidak cocok dengan SHA-256-nya (rusak atau diubah).",
        f"Blob {problem.sha} in backup {name} does not match its SHA-256 (damaged or altered).",
    )
