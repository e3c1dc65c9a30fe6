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
from pathlib import Path
from typing import Any

from sqlalchemy import select

from schemas.enums import TitleSource

from ..db.models import IngestSource
from ..errors import ArsipError
from ..runtime import Runtime
from ..storage import FileTooLarge, stage_stream
from .actor import Actor
from .records import PreparedRecord, commit_records, prepare_record
from .uploads import Upload

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
    defaults: dict[str, Any],
    metadata: dict[str, dict[str, Any]] | None,
    untitled: TitleSource,
    force: bool = False,
) -> tuple[IngestResult, PreparedRecord | None]:
    """Stage, hash, sniff and store one file (runs in a worker thread: hashing and file I/O release the GIL).
    A file ingested before (same absolute path, same content) is skipped unless ``force``."""
    result = IngestResult(path)
    try:
        data = {**defaults, **(match_metadata(path, metadata or {}) or {})}  # no title: the file's name, for now
        with path.open("rb") as fh:
            staged = stage_stream(fh, rt.settings.staging_dir, rt.settings.max_file_size)
        result.size = staged.size
        source = (str(path.resolve()), staged.sha256)
        if not force:
            earlier = ingested_before(rt, *source)
            if earlier is not None:
                staged.discard()
                result.record_id, result.already = earlier, True
                return result, None
        prepared = prepare_record(rt, actor, data, [Upload(path.name, staged)], untitled=untitled)
        prepared.source = source
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
    with rt.db.read() as session:
        return session.execute(
            select(IngestSource.record_id)
            .where(IngestSource.source_path == source_path, IngestSource.sha256 == sha256)
            .order_by(IngestSource.id)
            .limit(1)
        ).scalar_one_or_none()


def _commit_batch(rt: Runtime, actor: Actor, batch: list[tuple[IngestResult, PreparedRecord]]) -> None:
    """Commit a batch in one transaction; if it fails, commit one by one so only the bad record is skipped."""
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
    """Ingest files in order. ``workers`` threads prepare the next files (stage, hash, sniff, store the blob;
    mostly waiting on fsync, so more threads than cores pay: 4 measured best on 2 cores)
    while this thread commits prepared records ``batch_size`` at a time in one transaction each. At most
    ``2 * workers`` files are being prepared at once, so memory stays flat whatever the number of files.

    Files without a title get one derived from their text by the index worker; with ``propose_titles`` it is only
    proposed and the file name stays the title until staff take the proposal.

    Rerunning is safe: each record remembers the file it came from (``ingest_sources``, written in the record's own
    transaction), so after a crash the same command goes on where it stopped and creates no duplicates; ``force``
    ingests such files again."""
    untitled = TitleSource.FILE_NAME if propose_titles else TitleSource.FILE_NAME_AUTO
    summary = IngestSummary()
    window = max(1, 2 * workers)
    batch: list[tuple[IngestResult, PreparedRecord]] = []

    def flush() -> None:
        _commit_batch(rt, actor, batch)
        for result, _prepared in batch:
            summary.results.append(result)
            if progress:
                progress(result)
        batch.clear()

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ingest") as pool:
        pending: deque[Future[tuple[IngestResult, PreparedRecord | None]]] = deque()
        files = iter(find_files(paths))
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < window:
                path = next(files, None)
                if path is None:
                    exhausted = True
                    break
                pending.append(pool.submit(_prepare_one, rt, actor, path, defaults, metadata, untitled, force))
            if not pending:
                break
            result, prepared = pending.popleft().result()
            if prepared is None:
                summary.results.append(result)
                if progress:
                    progress(result)
                continue
            batch.append((result, prepared))
            if len(batch) >= batch_size or not pending:
                flush()
        if batch:
            flush()
    return summary


def _describe(exc: ArsipError) -> str:
    text = f"{exc.detail_id} / {exc.detail_en}"
    if exc.errors:
        text += " " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
    return text
