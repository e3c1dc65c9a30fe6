"""Batch ingest from the file system (``arsip ingest``): one record per file, metadata from a CSV.

A linear pipeline in the Paperless-ngx manner: find files → match metadata → stage (stream + hash) → create the
record through the same service the API uses. A bad file is reported and skipped; the rest go in.

A file without a title (no CSV, or no ``title`` cell) is titled after its file name for the time being and
marked ``file_name_auto``: once the index worker has read its text it replaces that title with one derived from
the first pages (services/titles.py), since nobody reviews thousands of scanned files one by one. With
``propose_titles`` the file name stays and the derived title is only proposed to staff (``file_name``).
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import select

from schemas.enums import TitleSource

from ..db.models import IngestSource
from ..errors import ArsipError
from ..runtime import Runtime
from ..storage import FileTooLarge, PendingSync, stage_stream
from .actor import Actor
from .records import PreparedRecord, commit_records, prepare_record
from .uploads import Upload, release_created

CSV_FILE_COLUMN = "file"
LIST_COLUMNS = {"access_groups", "available_forms"}
BOOL_COLUMNS = {"is_vital", "is_terjaga"}


@dataclass
class IngestResult:
    path: Path
    record_id: int | None = None
    error: str | None = None
    size: int = 0
    already: bool = False  # this file (same path, same content) was ingested before: ``record_id`` is that record


@dataclass
class IngestSummary:
    results: list[IngestResult] = field(default_factory=list)

    @property
    def ok(self) -> list[IngestResult]:
        return [r for r in self.results if r.error is None and not r.already]

    @property
    def already(self) -> list[IngestResult]:
        return [r for r in self.results if r.already]

    @property
    def failed(self) -> list[IngestResult]:
        return [r for r in self.results if r.error is not None]

    @property
    def bytes(self) -> int:
        return sum(r.size for r in self.ok)


def find_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files given, and every file below directories given, in a stable order; hidden files skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        else:
            yield path


def read_metadata_csv(path: Path) -> dict[str, dict[str, Any]]:
    """Rows keyed by the ``file`` column (matched against a path's full form, its tail, or its name)."""
    rows: dict[str, dict[str, Any]] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or CSV_FILE_COLUMN not in reader.fieldnames:
            raise ArsipError(
                f"CSV metadata wajib punya kolom '{CSV_FILE_COLUMN}'.",
                f"The metadata CSV needs a '{CSV_FILE_COLUMN}' column.",
            )
        for row in reader:
            key = (row.pop(CSV_FILE_COLUMN) or "").strip()
            rows[key] = {k: _cell(k, v) for k, v in row.items() if k and v is not None and v.strip() != ""}
    return rows


def _cell(column: str, value: str) -> Any:
    value = value.strip()
    if column in LIST_COLUMNS:
        return [part.strip() for part in value.split(";") if part.strip()]
    if column in BOOL_COLUMNS:
        return value.lower() in {"1", "true", "ya", "yes", "y"}
    if column == "quantity":
        return int(value) if value.isdigit() else value
    return value


def match_metadata(path: Path, rows: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    text = path.as_posix()
    for key, row in rows.items():
        if key and (text == key or text.endswith("/" + key) or path.name == key):
            return row
    return None


def _prepare_one(
    rt: Runtime,
    actor: Actor,
    path: Path,
    source_path: str,
    earlier: dict[str, int] | None,
    defaults: dict[str, Any],
    metadata: dict[str, dict[str, Any]] | None,
    untitled: TitleSource,
    pending: PendingSync,
) -> tuple[IngestResult, PreparedRecord | None]:
    """Stage, hash, sniff and store one file (runs in a worker thread: hashing and file I/O release the GIL).

    ``earlier`` maps content hashes to the records earlier runs made of this very file (``source_path``, its
    absolute form; looked up in bulk by the caller; None with ``force``): a file whose content is among them
    is skipped. Making the blob durable and naming it is left to ``pending``, which the caller flushes before
    committing."""
    result = IngestResult(path)
    try:
        data = {**defaults, **(match_metadata(path, metadata or {}) or {})}  # no title: the file's name, for now
        with path.open("rb") as fh:
            staged = stage_stream(fh, rt.settings.staging_dir, rt.settings.max_file_size)
        result.size = staged.size
        if earlier and staged.sha256 in earlier:
            staged.discard()
            result.record_id, result.already = earlier[staged.sha256], True
            return result, None
        prepared = prepare_record(rt, actor, data, [Upload(path.name, staged)], untitled=untitled, pending=pending)
        prepared.source = (source_path, staged.sha256)
        return result, prepared
    except ArsipError as exc:
        result.error = _describe(exc)
    except FileTooLarge as exc:
        result.error = f"Berkas melebihi {exc.limit} bita. / File exceeds {exc.limit} bytes."
    except OSError as exc:
        result.error = f"{exc.strerror or exc}"
    return result, None


def ingested_before(rt: Runtime, source_path: str, sha256: str) -> int | None:
    """The record an earlier ``arsip ingest`` made of this file (path and content), if any."""
    return ingested_from(rt, [source_path]).get(source_path, {}).get(sha256)


def ingested_from(rt: Runtime, source_paths: list[str]) -> dict[str, dict[str, int]]:
    """For each of these paths that an earlier ``arsip ingest`` read: content hash → the first record made of
    it. One query for many paths, so the preparing threads never wait on the database."""
    found: dict[str, dict[str, int]] = {}
    if not source_paths:
        return found
    with rt.db.read() as session:
        rows = session.execute(
            select(IngestSource.source_path, IngestSource.sha256, IngestSource.record_id)
            .where(IngestSource.source_path.in_(sorted(set(source_paths))))
            .order_by(IngestSource.id)
        )
        for source_path, sha256, record_id in rows:
            found.setdefault(source_path, {}).setdefault(sha256, record_id)
    return found


def _with_sources(
    rt: Runtime, paths: Iterator[Path], chunk: int, force: bool
) -> Iterator[tuple[Path, str, dict[str, int] | None]]:
    """Each path with its absolute form and what earlier runs made of it (None with ``force``: not looked up),
    looked up ``chunk`` paths per query."""
    resolved_dirs: dict[Path, Path] = {}
    while part := [(path, str(_resolve(path, resolved_dirs))) for path in islice(paths, chunk)]:
        known = {} if force else ingested_from(rt, [source for _path, source in part])
        for path, source in part:
            yield path, source, None if force else known.get(source, {})


def _resolve(path: Path, resolved_dirs: dict[Path, Path]) -> Path:
    """``path.resolve()`` with each folder resolved once: resolving walks every component with ``lstat``, which
    for thousands of files in a few folders was a visible share of the committing thread's time. A file that is
    itself a symbolic link is resolved in full."""
    if path.is_symlink():
        return path.resolve()
    parent = resolved_dirs.get(path.parent)
    if parent is None:
        parent = resolved_dirs[path.parent] = path.parent.resolve()
    return parent / path.name


def _commit_batch(
    rt: Runtime,
    actor: Actor,
    batch: list[tuple[IngestResult, PreparedRecord]],
    flushed: Future[None],
    pending: PendingSync,
) -> None:
    """Wait until the batch's blobs are durable (``flushed``), then commit it in one transaction; if that fails,
    commit one by one so only the bad record is skipped. If the blobs cannot be made durable nothing is
    committed, and nothing prepared so far is published any more."""
    try:
        flushed.result()
    except OSError as exc:
        pending.abandon()
        for result, prepared in batch:
            result.error = f"{exc.strerror or exc}"
            release_created(rt, prepared.files)
        return
    try:
        ids = commit_records(rt, actor, [prepared for _result, prepared in batch], release_on_failure=False)
    except ArsipError:
        for result, prepared in batch:
            try:
                result.record_id = commit_records(rt, actor, [prepared])[0]
            except ArsipError as exc:
                result.error = _describe(exc)
        return
    for (result, _prepared), record_id in zip(batch, ids, strict=True):
        result.record_id = record_id


def ingest_paths(
    rt: Runtime,
    actor: Actor,
    paths: Iterable[Path],
    defaults: dict[str, Any],
    metadata: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[IngestResult], None] | None = None,
    workers: int = 4,
    batch_size: int = 64,
    propose_titles: bool = False,
    force: bool = False,
) -> IngestSummary:
    """Ingest files in order, in three overlapping stages. ``workers`` threads prepare the next files (stage and
    hash in one pass, sniff from the bytes kept while staging, check; the blob is only registered with a
    ``PendingSync``). When ``batch_size`` records are prepared, one more thread makes them durable
    (storage/durability.py: the data, then the links that name the blobs, then the directories: I/O, two
    ``syncfs``) while this thread commits the previous batch, whose flush has finished, in one transaction
    (CPU). Up to ``batch_size`` files are prepared ahead; memory stays flat whatever the number of files (a
    prepared file is a staged file on disk).

    Files without a title get one derived from their text by the index worker; with ``propose_titles`` it is only
    proposed and the file name stays the title until staff take the proposal.

    Rerunning is safe: each record remembers the file it came from (``ingest_sources``, written in the record's own
    transaction), so after a crash the same command goes on where it stopped and creates no duplicates; ``force``
    ingests such files again."""
    untitled = TitleSource.FILE_NAME if propose_titles else TitleSource.FILE_NAME_AUTO
    summary = IngestSummary()
    window = max(1, 2 * workers, batch_size)
    batch: list[tuple[IngestResult, PreparedRecord]] = []
    pending = PendingSync()
    in_flight: list[tuple[list[tuple[IngestResult, PreparedRecord]], Future[None]]] = []

    def commit_in_flight() -> None:
        for committed, flushed in in_flight:
            _commit_batch(rt, actor, committed, flushed, pending)
            for result, _prepared in committed:
                summary.results.append(result)
                if progress:
                    progress(result)
        in_flight.clear()

    def flush() -> None:
        """Start making this batch durable, and commit the one before it meanwhile."""
        flushed = syncer.submit(pending.flush)
        commit_in_flight()
        in_flight.append((list(batch), flushed))
        batch.clear()

    with (
        ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ingest") as pool,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-sync") as syncer,
    ):
        futures: deque[Future[tuple[IngestResult, PreparedRecord | None]]] = deque()
        files = _with_sources(rt, iter(find_files(paths)), batch_size, force)
        exhausted = False
        while futures or not exhausted:
            while not exhausted and len(futures) < window:
                item = next(files, None)
                if item is None:
                    exhausted = True
                    break
                path, source_path, earlier = item
                futures.append(
                    pool.submit(
                        _prepare_one, rt, actor, path, source_path, earlier, defaults, metadata, untitled, pending
                    )
                )
            if not futures:
                break
            result, prepared = futures.popleft().result()
            if prepared is None:
                summary.results.append(result)
                if progress:
                    progress(result)
                continue
            batch.append((result, prepared))
            if len(batch) >= batch_size or not futures:
                flush()
        if batch:
            flush()
        commit_in_flight()
    return summary


def _describe(exc: ArsipError) -> str:
    text = f"{exc.detail_id} / {exc.detail_en}"
    if exc.errors:
        text += " " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
    return text
