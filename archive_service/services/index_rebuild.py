"""Drift and rebuilding: ``arsip index verify`` and ``arsip reindex`` (DESIGN.md §2: every index is a projection
of the database that can be rebuilt at any time).

Both stream. ``verify`` merges two id-ordered streams (database and index) in constant memory. ``reindex`` reads
the records in id ranges and builds their documents — loading stored text and running the Indonesian analyser, the
expensive part — in worker processes, a bounded number of ranges ahead of the one process that feeds the new index,
so memory stays flat whatever the number of records and both cores work. The new index is swapped in atomically;
changes committed during the build are applied again afterwards from the outbox.

Where the time goes (benchmarks/reindex.py prints the CPU split): the workers read plain columns (ORM objects cost
more than the analysis) and also encode each range for the engine (``IndexBuild.encoder``: tantivy's JSON
documents), so the feeding process does little besides handing them to the engine, whose own indexing thread is the
other large cost.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import func, select

from indexer.analysis import Analyzed
from indexer.backends import IndexOutdated
from indexer.model import IndexDocument, IndexedVersion

from ..config import Settings
from ..db import OutboxEvent, Record, RecordFile
from ..runtime import Runtime
from .indexing import INDEXES, PUBLIC, document_for, indexed_condition, public_condition, record_texts, sync_in_chunks
from .public_versions import public_view

RANGE_SIZE = 2000  # records per task handed to a worker process
PARALLEL_FROM = 20_000  # below this many records, starting worker processes costs more than it saves


@dataclass
class Drift:
    index: str
    expected: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def _query(index: str):  # type: ignore[no-untyped-def]
    q = select(Record.id, Record.version).order_by(Record.id)
    return q.where(public_condition() if index == PUBLIC else indexed_condition())


def _expected_versions(rt: Runtime, index: str) -> Iterator[IndexedVersion]:
    """(id, version) the database says ``index`` should hold, in id order, streamed."""
    with rt.db.read() as session:
        for rid, version in session.execute(_query(index).execution_options(yield_per=5000)):
            yield IndexedVersion(rid, version)


def verify(rt: Runtime, index: str, *, max_listed: int = 1000) -> Drift:
    """Compare one index with the database by a merge of two id-ordered streams (constant memory)."""
    drift = Drift(index)
    db_iter = _expected_versions(rt, index)
    ix_iter = rt.search.index(index).versions()
    want = next(db_iter, None)
    have = next(ix_iter, None)

    def note(bucket: list[int], rid: int) -> None:
        if len(bucket) < max_listed:
            bucket.append(rid)

    while want is not None or have is not None:
        if have is None or (want is not None and want.id < have.id):
            assert want is not None
            drift.expected += 1
            note(drift.missing, want.id)
            want = next(db_iter, None)
        elif want is None or have.id < want.id:
            drift.indexed += 1
            note(drift.extra, have.id)
            have = next(ix_iter, None)
        else:
            drift.expected += 1
            drift.indexed += 1
            if want.version != have.version:
                note(drift.stale, want.id)
            want, have = next(db_iter, None), next(ix_iter, None)
    return drift


# ---- building documents -------------------------------------------------------------------------------------------
def id_ranges(rt: Runtime, index: str, size: int = RANGE_SIZE) -> Iterator[tuple[int, int]]:
    """``(after, upto)`` id ranges of about ``size`` records each, from one streamed scan of the ids."""
    after, n, last = 0, 0, 0
    with rt.db.read() as session:
        for rid, _version in session.execute(_query(index).execution_options(yield_per=10_000)):
            n += 1
            last = rid
            if n == size:
                yield after, last
                after, n = last, 0
    if n:
        yield after, last


# What ``document_for`` and ``public_view`` read of a record, fetched as plain columns: loading ORM ``Record``
# objects (every column, the creator joined, the files and their extractions selected in) cost more than analysing
# the text. The public index also needs the approved version (``public_snapshot``).
_COLUMNS = (
    Record.id,
    Record.version,
    Record.title,
    Record.description,
    Record.dip_summary,
    Record.record_no,
    Record.classification_code,
    Record.kip_category,
    Record.processing_unit,
    Record.doc_date,
    Record.published_at,
    Record.security_class,
    Record.publication_state,
    Record.creator_org,
)
_FILE_COLUMNS = (RecordFile.record_id, RecordFile.id, RecordFile.blob_sha256, RecordFile.filename, RecordFile.mime)


class _RecordRow:
    """A record's indexed columns and its files (in id order, as ``Record.files``), read without the ORM."""

    def __init__(self, columns: dict[str, Any], files: list[Any]) -> None:
        self.__dict__.update(columns)
        self.files = files


def documents_in_range(rt: Runtime, index: str, after: int, upto: int) -> list[IndexDocument]:
    """The documents of records ``after < id <= upto``, with their text analysed (ready for any engine)."""
    public = index == PUBLIC
    columns = (*_COLUMNS, Record.public_snapshot) if public else _COLUMNS
    with rt.db.read() as session:
        q = select(*columns).where(Record.id > after, Record.id <= upto).order_by(Record.id)
        result = session.execute(q.where(public_condition() if public else indexed_condition()))
        keys = tuple(result.keys())
        rows = result.all()
        files: dict[int, list[Any]] = {}
        q_files = select(*_FILE_COLUMNS).where(RecordFile.record_id > after, RecordFile.record_id <= upto)
        for file in session.execute(q_files.order_by(RecordFile.id)):
            files.setdefault(file.record_id, []).append(file)
        records = cast(
            list[Record], [_RecordRow(dict(zip(keys, row, strict=True)), files.get(row[0], [])) for row in rows]
        )
        if public:  # the approved version of each (services/public_versions.py)
            records = [public_view(r) for r in records]
        texts = record_texts(rt, session, records)
    docs = [document_for(r, *texts[r.id]) for r in records]
    for doc in docs:
        doc.description_analyzed = Analyzed.of(doc.description)
        if doc.body_analyzed is None:
            doc.body_analyzed = Analyzed.of(doc.body)
    return docs


_WORKER_RT: Runtime | None = None


def _worker_init(settings: Settings) -> None:
    global _WORKER_RT
    _WORKER_RT = Runtime.from_settings(settings)


def _worker_range(index: str, after: int, upto: int, encode: Callable[[list[IndexDocument]], object]) -> object:
    """One range's documents, encoded for the engine by ``encode`` (``IndexBuild.encoder``) here in the worker."""
    assert _WORKER_RT is not None
    return encode(documents_in_range(_WORKER_RT, index, after, upto))


def iter_encoded_batches(
    rt: Runtime, index: str, encode: Callable[[list[IndexDocument]], object], *, workers: int
) -> Iterator[object]:
    """Batches of documents in id order, each encoded by ``encode``; built by ``workers`` processes at most
    2 × ``workers`` ranges ahead."""
    ranges = id_ranges(rt, index)
    if workers <= 0 or _count(rt, index) < PARALLEL_FROM:
        for after, upto in ranges:
            yield encode(documents_in_range(rt, index, after, upto))
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(rt.settings,)) as pool:
        pending: deque[Future[object]] = deque()
        for after, upto in ranges:
            pending.append(pool.submit(_worker_range, index, after, upto, encode))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _count(rt: Runtime, index: str) -> int:
    q = select(func.count()).select_from(Record)
    q = q.where(public_condition() if index == PUBLIC else indexed_condition())
    with rt.db.read() as session:
        return int(session.execute(q).scalar_one())


# ---- rebuilding ---------------------------------------------------------------------------------------------------
@dataclass
class ReindexStats:
    index: str
    records: int = 0
    seconds: float = 0.0


def reindex(rt: Runtime, index: str, *, progress: Callable[[int], object] | None = None) -> ReindexStats:
    """Rebuild ``index`` from the database into a fresh index, then swap it in atomically.

    Changes committed while the build runs are not lost: outbox rows newer than the start are applied again after
    the swap (they are state based, so applying twice is harmless)."""
    started = time.perf_counter()
    with rt.db.read() as session:
        mark = session.execute(select(func.coalesce(func.max(OutboxEvent.id), 0))).scalar_one()
    build = rt.search.index(index).begin_rebuild()
    stats = ReindexStats(index)
    try:
        for batch in iter_encoded_batches(rt, index, build.encoder(), workers=rt.settings.extract_workers):
            added = build.add_encoded(batch)
            stats.records += added
            if progress is not None:
                progress(added)
        build.swap()
    except BaseException:
        build.abort()
        raise
    _replay_since(rt, mark)
    stats.seconds = time.perf_counter() - started
    return stats


def rebuild_outdated(rt: Runtime) -> list[str]:
    """Rebuild every index whose on-disk schema is older than this version's (``arsip init`` after an upgrade)."""
    rebuilt = []
    for name in INDEXES:
        try:
            rt.search.index(name).count()
        except IndexOutdated:
            reindex(rt, name)
            rebuilt.append(name)
    return rebuilt


def _replay_since(rt: Runtime, mark: int) -> None:
    with rt.db.read() as session:
        ids = list(
            session.execute(
                select(OutboxEvent.record_id)
                .where(OutboxEvent.id > mark, OutboxEvent.record_id.is_not(None))
                .distinct()
            ).scalars()
        )
    sync_in_chunks(rt, ids)
