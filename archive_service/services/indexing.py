"""Keeping the search indexes a faithful projection of the database (DESIGN.md §2 "Search").

The database is the system of record. Every change writes an outbox row in its own transaction; this module turns
outbox rows into index updates. It is *state based*: whatever the event, the worker reloads the record as it is now
and puts exactly that in the indexes — the internal index gets every record, the public index gets the record only
while it is published and open, and loses it otherwise. So replaying an event, or applying events out of order, can
never leave a wrong document behind; that is what makes a kill mid-batch harmless (rows are marked processed only
after the index committed, and are simply applied again).

Text: files are extracted once per content (``extractions`` table) in a process pool with time and memory limits,
and the text is stored as a derived blob with page boundaries, so reindexing never extracts again.
"""

from __future__ import annotations

import contextlib
import io
import logging
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from indexer.analysis import Analyzed
from indexer.extract import Extraction as ExtractedText
from indexer.extract import ExtractionFailed
from indexer.model import IndexDocument
from indexer.titles import HEAD_CHARS
from schemas.enums import OPEN_KIP_CATEGORIES, SecurityClass

from ..db import Blob, Extraction, OutboxEvent, Record, RecordFile
from ..db.engine import upsert_insert
from ..db.types import utcnow
from ..runtime import Runtime
from . import titles
from .public_versions import public_view
from .uploads import lock_blob

log = logging.getLogger(__name__)
_T = TypeVar("_T")

INTERNAL = "internal"
PUBLIC = "public"
INDEXES = (INTERNAL, PUBLIC)
TEXT_MIME = "application/vnd.arsip.text+json"
MAX_ATTEMPTS = 8  # an outbox row that fails this often is parked (dead letter) for an admin
MAX_BACKOFF = timedelta(minutes=10)
MAX_INDEXED_CHARS = 20_000_000  # per record: a bound on memory for pathological files; the blob keeps everything
READ_CHUNK = 500
RETRYABLE_STATES = ("failed", "ocr_pending")  # extraction states an admin sees and may send back to the queue
INDEX_CHUNK = 64  # records indexed (one commit) at a time while the pool extracts the rest


# ---- what is public -----------------------------------------------------------------------------------------------
def indexed_condition() -> ColumnElement[bool]:
    """SQL for the records the internal index holds: all but destroyed ones (their tombstones are not searched)."""
    return Record.destroyed_at.is_(None)


def is_indexed(record: Record) -> bool:
    return record.destroyed_at is None


def public_condition() -> ColumnElement[bool]:
    """SQL for "published and open": the only records the public index, pages and downloads may ever show."""
    return and_(
        indexed_condition(),
        # an approved public version exists (kept while a revision of it is reviewed: services/public_versions.py)
        Record.public_version.is_not(None),
        Record.kip_category.in_(sorted(str(c) for c in OPEN_KIP_CATEGORIES)),
        Record.security_class == str(SecurityClass.BIASA_TERBUKA),
    )


def is_public(record: Record) -> bool:
    return (
        is_indexed(record)
        and record.public_version is not None
        and record.kip_category in OPEN_KIP_CATEGORIES
        and record.security_class == SecurityClass.BIASA_TERBUKA
    )


# ---- documents ----------------------------------------------------------------------------------------------------
def file_type(mime: str) -> str:
    """A short, human facet value for a MIME type (``application/pdf`` → ``pdf``)."""
    return _FILE_TYPES.get(mime, mime.split("/")[-1][:16])


_FILE_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "text/plain": "txt",
    "text/csv": "csv",
    "text/html": "html",
    "message/rfc822": "eml",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/tiff": "tiff",
}


def document_for(record: Record, body: str, analyzed: Analyzed | None = None) -> IndexDocument:
    """The index document of ``record``; the same for both indexes (the public one only ever gets public ones)."""
    return IndexDocument(
        id=record.id,
        version=record.version,
        title=record.title,
        body=body,
        description="\n".join(p for p in (record.description, record.dip_summary) if p),
        record_no=record.record_no,
        classification_code=record.classification_code,
        kip_category=record.kip_category,
        unit=record.processing_unit,
        file_types=[file_type(f.mime) for f in record.files],
        file_names=[f.filename for f in record.files],
        doc_date=record.doc_date,
        published_at=record.published_at,
        security_class=record.security_class,
        publication_state=record.publication_state,
        creator_org=record.creator_org,
        body_analyzed=analyzed,
    )


# ---- extraction ---------------------------------------------------------------------------------------------------
@dataclass
class ExtractStats:
    done: int = 0
    failed: int = 0
    ocr_pending: int = 0
    unsupported: int = 0
    seconds: float = 0.0


def pending_blobs(rt: Runtime, shas: Iterable[str] | None = None, *, retry_failed: bool = False) -> list[str]:
    """Blobs of record files that still need text: no extraction row yet, or pending (or failed, on retry)."""
    states = ["pending", *RETRYABLE_STATES] if retry_failed else ["pending"]
    with rt.db.read() as session:
        q = (
            select(RecordFile.blob_sha256)
            .outerjoin(Extraction, Extraction.blob_sha256 == RecordFile.blob_sha256)
            .where(or_(Extraction.blob_sha256.is_(None), Extraction.state.in_(states)))
            .distinct()
        )
        if shas is not None:
            wanted = list(dict.fromkeys(shas))
            if not wanted:
                return []
            q = q.where(RecordFile.blob_sha256.in_(wanted))
        return sorted(session.execute(q).scalars())


def extract_blobs(
    rt: Runtime, shas: list[str], on_done: Callable[[str, ExtractedText | None], None] | None = None
) -> ExtractStats:
    """Extract each blob in the pool (streamed, limited), store its text blob and the extraction row.

    ``on_done(sha, extraction or None)`` is called after each blob is recorded, so the caller can index the
    records whose files are all done while the pool goes on. A feeder thread keeps the pool's workers supplied
    meanwhile (the pool hands a worker its next file only when asked). On the corpus the pool itself is the
    bottleneck: see benchmarks/ingest_corpus.py."""
    stats = ExtractStats()
    if not shas:
        return stats
    started = time.perf_counter()
    with rt.db.read() as session:
        blobs = {
            sha: (mime, size)
            for sha, mime, size in session.execute(
                select(Blob.sha256, Blob.mime, Blob.size).where(Blob.sha256.in_(shas))
            )
        }
    # Largest first: the long files start at once and the short ones fill the gaps, so no worker sits idle at the
    # end of a batch while another finishes a 500-page PDF (longest-processing-time-first scheduling).
    ordered = sorted(shas, key=lambda sha: -blobs.get(sha, ("", 0))[1])
    with tempfile.TemporaryDirectory(dir=rt.settings.staging_dir, prefix="extract-") as tmp:
        items = (
            (sha, _local_path(rt, sha, Path(tmp)), blobs.get(sha, ("application/octet-stream", 0))[0])
            for sha in ordered
        )
        for sha, outcome in _fed(rt.extractor.map_unordered(items)):
            extracted: ExtractedText | None = None
            if isinstance(outcome, ExtractionFailed):
                _record_failure(rt, sha, outcome)
                stats.failed += 1
            else:
                state = _record_text(rt, sha, outcome)
                setattr(stats, state, getattr(stats, state) + 1)
                extracted = outcome
            _drop_temp(Path(tmp), sha)
            if on_done is not None:
                on_done(sha, extracted)
    stats.seconds = time.perf_counter() - started
    return stats


_END = object()


def _fed(results: Iterator[_T]) -> Iterator[_T]:
    """Iterate ``results`` in a background thread, a few items ahead of the consumer (bounded queue)."""
    box: queue.Queue[object] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def feed() -> None:
        try:
            for item in results:
                if stop.is_set():
                    break
                box.put(item)
        except BaseException as exc:  # handed to the consumer, raised there
            box.put(_Failure(exc))
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # an abandoned pool iteration stops its workers
            box.put(_END)

    thread = threading.Thread(target=feed, name="arsip-extract-feeder", daemon=True)
    thread.start()
    try:
        while (item := box.get()) is not _END:
            if isinstance(item, _Failure):
                raise item.exc
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a feeder waiting on a full queue
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.1)
        thread.join()


@dataclass
class _Failure:
    exc: BaseException


def _local_path(rt: Runtime, sha: str, tmp: Path) -> Path:
    """A path to the blob's bytes: the stored file itself on the local store, a streamed temp copy from S3."""
    path_of = getattr(rt.blobs, "path", None)
    if path_of is not None:
        return Path(path_of(sha))
    target = tmp / sha
    with rt.blobs.open(sha) as src, open(target, "wb") as dst:
        while chunk := src.read(1024 * 1024):
            dst.write(chunk)
    return target


def _drop_temp(tmp: Path, sha: str) -> None:
    (tmp / sha).unlink(missing_ok=True)


def _record_text(rt: Runtime, sha: str, extracted: ExtractedText) -> str:
    if extracted.method == "unsupported":
        state = "unsupported"
    elif extracted.ocr_pending:
        state = "ocr_pending"
    else:
        state = "done"
    data = extracted.to_json_bytes()
    text_sha, size, _created = rt.blobs.put_stream(io.BytesIO(data))
    with rt.db.write() as session:
        lock_blob(session, text_sha)
        insert = upsert_insert(session)
        session.execute(insert(Blob).on_conflict_do_nothing(), [{"sha256": text_sha, "size": size, "mime": TEXT_MIME}])
        _save_extraction(
            session,
            sha,
            state=state,
            text_sha256=text_sha,
            method=extracted.method[:32],
            page_count=len(extracted.pages),
            ocr_pages=extracted.ocr_pages,
            chars=sum(len(p) for p in extracted.pages),
        )
    return state


def _record_failure(rt: Runtime, sha: str, failure: ExtractionFailed) -> None:
    log.warning("extraction of %s failed: %s", sha, failure)
    with rt.db.write() as session:
        _save_extraction(session, sha, state="failed", error=f"{failure.reason}: {failure}"[:2000])


def _save_extraction(session: Session, sha: str, *, state: str, **outcome: object) -> None:
    """Insert or replace a blob's extraction row (counting the attempt); fields not given are reset."""
    values: dict[str, object] = {
        "state": state,
        "text_sha256": None,
        "method": None,
        "page_count": 0,
        "ocr_pages": 0,
        "chars": 0,
        "error": None,
        **outcome,
        "updated_at": utcnow(),
    }
    stmt = upsert_insert(session)(Extraction).values(blob_sha256=sha, attempts=1, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Extraction.blob_sha256], set_={**values, "attempts": Extraction.attempts + 1}
    )
    session.execute(stmt)


def read_text(rt: Runtime, text_sha: str) -> str:
    """The pages of a derived text blob joined into one string (page breaks as blank lines)."""
    with rt.blobs.open(text_sha) as fh:
        return ExtractedText.from_json_bytes(fh.read()).text


def record_texts(
    rt: Runtime,
    session: Session,
    records: list[Record],
    analyzed: dict[str, Analyzed] | None = None,
    known: dict[str, str] | None = None,
    heads: dict[int, str] | None = None,
) -> dict[int, tuple[str, Analyzed | None]]:
    """Each record's body (the extracted text of its files, joined) and, when the pool already analysed every one
    of its files, the joined analysis; records without text get an empty body. ``known`` holds texts just
    extracted, so they are not read back from their blobs. ``heads``, when given, receives the start of each
    record's first file's text (the first pages: enough to derive a title from, see services/titles.py)."""
    analyzed = analyzed or {}
    texts: dict[str, str] = dict(known or {})
    shas = {f.blob_sha256 for r in records for f in r.files} - texts.keys()
    if shas:
        rows = session.execute(
            select(Extraction.blob_sha256, Extraction.text_sha256).where(
                Extraction.blob_sha256.in_(shas), Extraction.text_sha256.is_not(None)
            )
        ).all()
        for blob_sha, text_sha in rows:
            try:
                texts[blob_sha] = read_text(rt, text_sha)
            except Exception:  # a missing text blob is drift for `index verify`, not a reason to stop indexing
                log.exception("text blob %s of %s unreadable", text_sha, blob_sha)
    out: dict[int, tuple[str, Analyzed | None]] = {}
    for record in records:
        with_text = [f.blob_sha256 for f in record.files if f.blob_sha256 in texts]
        body = "\n\n".join(texts[sha] for sha in with_text)
        ready = all(sha in analyzed for sha in with_text) and len(body) <= MAX_INDEXED_CHARS
        joined = Analyzed.join([analyzed[sha] for sha in with_text]) if ready and with_text else None
        out[record.id] = (body[:MAX_INDEXED_CHARS], joined)
        if heads is not None and record.files and record.files[0].blob_sha256 in texts:
            heads[record.id] = texts[record.files[0].blob_sha256][:HEAD_CHARS]
    return out


# ---- applying records to the indexes ------------------------------------------------------------------------------
def sync_records(rt: Runtime, ids: Iterable[int], *, extract: bool = True) -> None:
    """Make both indexes hold exactly what the database says about these records now.

    With ``extract``, files without text are extracted first; records are indexed in chunks as soon as all their
    files are done, while the pool extracts the rest."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    if not extract:
        _index_records(rt, wanted, {})
        return
    with rt.db.read() as session:
        files = session.execute(
            select(RecordFile.record_id, RecordFile.blob_sha256).where(RecordFile.record_id.in_(wanted))
        ).all()
    todo = set(pending_blobs(rt, [sha for _rid, sha in files]))
    waiting: dict[int, set[str]] = {}
    holders: dict[str, list[int]] = {}
    shas_of: dict[int, list[str]] = {}
    for rid, sha in files:
        shas_of.setdefault(rid, []).append(sha)
        if sha in todo:
            waiting.setdefault(rid, set()).add(sha)
            holders.setdefault(sha, []).append(rid)
    ready = [rid for rid in wanted if rid not in waiting]
    analyzed: dict[str, Analyzed] = {}
    known: dict[str, str] = {}

    def done(sha: str, extracted: ExtractedText | None) -> None:
        if extracted is not None:
            known[sha] = extracted.text
            if extracted.analyzed is not None:
                analyzed[sha] = extracted.analyzed
        for rid in holders.get(sha, []):
            waiting[rid].discard(sha)
            if not waiting[rid]:
                ready.append(rid)
        if len(ready) >= INDEX_CHUNK:
            _index_records(rt, ready, analyzed, known)
            for rid in ready:  # their texts are in the index now: free the memory
                for sha_done in shas_of.get(rid, []):
                    analyzed.pop(sha_done, None)
                    known.pop(sha_done, None)
            ready.clear()

    extract_blobs(rt, sorted(todo), on_done=done)
    if ready:
        _index_records(rt, ready, analyzed, known)


def _index_records(
    rt: Runtime, ids: list[int], analyzed: dict[str, Analyzed], known: dict[str, str] | None = None
) -> None:
    internal, public = rt.search.index(INTERNAL), rt.search.index(PUBLIC)
    heads: dict[int, str] = {}
    with rt.db.read() as session:
        found = session.execute(select(Record).where(Record.id.in_(ids))).scalars()
        records = [r for r in found if is_indexed(r)]  # destroyed records leave both indexes
        texts = record_texts(rt, session, records, analyzed, known, heads)
    # Records still titled by a file name get a title from their first file's text now that it is known; those
    # whose title changed are reloaded, so the indexes get the new title (and version) in this same pass.
    retitled = titles.apply_derived_titles(rt, records, heads)
    if retitled.record_ids:
        with rt.db.read() as session:
            query = select(Record).where(Record.id.in_(retitled.record_ids))
            fresh = {r.id: r for r in session.execute(query).scalars()}
        records = [fresh.get(r.id, r) for r in records]
    kept = {r.id for r in records}
    docs = [document_for(r, *texts[r.id]) for r in records]
    internal.upsert(docs)
    internal.delete([i for i in ids if i not in kept])
    public.upsert(public_documents(rt, [r for r in records if is_public(r)], {d.id: d for d in docs}))
    public.delete([i for i in ids if i not in kept] + [r.id for r in records if not is_public(r)])
    if retitled.outbox_ids:  # the retitled records are indexed as they are now: their new outbox rows are done
        _mark_done(rt, retitled.outbox_ids)


def public_documents(rt: Runtime, records: list[Record], live: dict[int, IndexDocument]) -> list[IndexDocument]:
    """The public index's documents of public ``records``: the approved version of each. A record in revision gets
    its snapshot's fields and only its approved files' text (services/public_versions.py); every other one the live
    document from ``live``."""
    out: list[IndexDocument] = []
    revised: list[Record] = []
    for record in records:
        view = public_view(record)
        if view is record:
            out.append(live[record.id])
        else:
            revised.append(view)
    if revised:
        with rt.db.read() as session:
            texts = record_texts(rt, session, revised)
        out.extend(document_for(view, *texts[view.id]) for view in revised)
    return out


def sync_now(rt: Runtime, record_id: int, *, timeout: float = 15.0) -> bool:
    """Bring one record's index entries up to date before the request returns (publish, unpublish, exempt, edits
    of published records), so the public index never shows what was just withdrawn.

    Where another process holds the embedded index's writer, that process's worker applies the outbox row; we wait
    for it. Returns whether the indexes are known to be current. A failure is logged, not raised: the change is
    committed, the outbox row stays for the worker, and public results are re-checked against the database."""
    from indexer.backends.tantivy_engine import WriterBusy

    try:
        sync_records(rt, [record_id], extract=False)
        return True
    except WriterBusy:
        return _wait_processed(rt, record_id, timeout)
    except Exception:
        log.exception("could not index record %s now; the worker will", record_id)
        return False


def queue_resync(rt: Runtime, record_ids: Iterable[int]) -> None:
    """Ask the worker to bring these records' index entries in line with the database (a search found one stale).

    Queued, never done inside the caller's request: a search must not wait for the index writer. A record that
    already has a pending row gets no second one."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    with rt.db.write() as session:
        waiting = set(
            session.execute(
                select(OutboxEvent.record_id).where(
                    OutboxEvent.record_id.in_(ids), OutboxEvent.processed_at.is_(None), OutboxEvent.dead_at.is_(None)
                )
            ).scalars()
        )
        for rid in ids:
            if rid not in waiting:
                session.add(OutboxEvent(topic="index.resync", record_id=rid, payload={}))


def _wait_processed(rt: Runtime, record_id: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with rt.db.read() as session:
            pending = session.execute(
                select(func.count())
                .select_from(OutboxEvent)
                .where(OutboxEvent.record_id == record_id, OutboxEvent.processed_at.is_(None))
            ).scalar_one()
        if not pending:
            return True
        time.sleep(0.05)
    log.error("record %s: the index worker did not apply its change within %.0f s", record_id, timeout)
    return False


# ---- the outbox worker --------------------------------------------------------------------------------------------
@dataclass
class OutboxStats:
    processed: int = 0
    failed: int = 0
    dead: int = 0
    records: int = 0


def _due_events(session: Session, limit: int, now: datetime) -> list[OutboxEvent]:
    return list(
        session.execute(
            select(OutboxEvent)
            .where(
                OutboxEvent.processed_at.is_(None),
                OutboxEvent.dead_at.is_(None),
                or_(OutboxEvent.next_attempt_at.is_(None), OutboxEvent.next_attempt_at <= now),
            )
            .order_by(OutboxEvent.id)
            .limit(limit)
        ).scalars()
    )


def process_outbox(rt: Runtime, *, batch_size: int = 200) -> OutboxStats:
    """Apply one batch of pending outbox rows, in order; returns what happened (processed 0: nothing to do).

    A batch that fails is split: each record is tried alone, so one poison record cannot hold up the rest. Its rows
    back off exponentially and are parked as dead letters after :data:`MAX_ATTEMPTS` failures.
    """
    stats = OutboxStats()
    now = utcnow()
    with rt.db.read() as session:
        events = _due_events(session, batch_size, now)
    if not events:
        return stats
    by_record: dict[int | None, list[int]] = {}
    for event in events:
        by_record.setdefault(event.record_id, []).append(event.id)
    record_ids = [rid for rid in by_record if rid is not None]
    try:
        sync_records(rt, record_ids)
        _mark_done(rt, [e.id for e in events])
        stats.processed = len(events)
        stats.records = len(record_ids)
        return stats
    except Exception:
        log.exception("outbox batch failed; retrying record by record")
    for rid, event_ids in by_record.items():
        try:
            if rid is not None:
                sync_records(rt, [rid])
            _mark_done(rt, event_ids)
            stats.processed += len(event_ids)
            stats.records += rid is not None
        except Exception as exc:
            log.exception("indexing record %s failed", rid)
            stats.dead += _mark_failed(rt, event_ids, f"{type(exc).__name__}: {exc}")
            stats.failed += len(event_ids)
    return stats


def _mark_done(rt: Runtime, event_ids: list[int]) -> None:
    with rt.db.write() as session:
        session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(event_ids)).values(processed_at=utcnow()))


def _mark_failed(rt: Runtime, event_ids: list[int], error: str) -> int:
    """Count the failure on each row, back off, park those that failed too often; returns how many were parked."""
    now = utcnow()
    parked = 0
    with rt.db.write() as session:
        for event in session.execute(select(OutboxEvent).where(OutboxEvent.id.in_(event_ids))).scalars():
            event.attempts += 1
            event.last_error = error[:4000]
            if event.attempts >= MAX_ATTEMPTS:
                event.dead_at = now
                parked += 1
            else:
                event.next_attempt_at = now + min(timedelta(seconds=2**event.attempts), MAX_BACKOFF)
    return parked


def drain(rt: Runtime, *, timeout: float = 60.0, batch_size: int = 500) -> OutboxStats:
    """Process outbox rows until none is due (or ``timeout`` passes): tests, ``arsip worker --once``, the demo."""
    total = OutboxStats()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = process_outbox(rt, batch_size=batch_size)
        total.processed += stats.processed
        total.failed += stats.failed
        total.dead += stats.dead
        total.records += stats.records
        if stats.processed == 0 and stats.failed == 0:
            break
    return total


def backlog(rt: Runtime) -> dict[str, int]:
    """Pending and parked outbox rows, for the admin and ``arsip index status``."""
    with rt.db.read() as session:
        pending = session.execute(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.processed_at.is_(None), OutboxEvent.dead_at.is_(None))
        ).scalar_one()
        dead = session.execute(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.dead_at.is_not(None))
        ).scalar_one()
    return {"pending": int(pending), "dead": int(dead)}


def dead_letters(rt: Runtime, limit: int = 100) -> list[OutboxEvent]:
    with rt.db.read() as session:
        return list(
            session.execute(
                select(OutboxEvent).where(OutboxEvent.dead_at.is_not(None)).order_by(OutboxEvent.id).limit(limit)
            ).scalars()
        )


def retry_dead(rt: Runtime) -> int:
    """Put every parked outbox row back in the queue (after the cause was fixed)."""
    with rt.db.write() as session:
        result = session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.dead_at.is_not(None))
            .values(dead_at=None, attempts=0, next_attempt_at=None)
        )
        return int(result.rowcount or 0)


def retry_extractions(rt: Runtime) -> ExtractStats:
    """Extract again every failed or OCR-pending file, then reindex the records that hold them."""
    shas = pending_blobs(rt, retry_failed=True)
    stats = extract_blobs(rt, shas)
    with rt.db.read() as session:
        ids = session.execute(select(RecordFile.record_id).where(RecordFile.blob_sha256.in_(shas)).distinct()).scalars()
        record_ids = list(ids)
    sync_in_chunks(rt, record_ids)
    return stats


def failed_extractions(rt: Runtime, limit: int = 100) -> list[Extraction]:
    """Files whose text could not be extracted (or waits for OCR), for the admin."""
    with rt.db.read() as session:
        return list(
            session.execute(
                select(Extraction)
                .where(Extraction.state.in_(RETRYABLE_STATES))
                .order_by(Extraction.updated_at.desc())
                .limit(limit)
            ).scalars()
        )


def sync_in_chunks(rt: Runtime, record_ids: list[int]) -> None:
    """Re-index many records from their stored text, :data:`READ_CHUNK` at a time (bounded memory)."""
    for i in range(0, len(record_ids), READ_CHUNK):
        sync_records(rt, record_ids[i : i + READ_CHUNK], extract=False)
