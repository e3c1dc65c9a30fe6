"""Keeping the search indexes a faithful projection of the database (DESIGN.md §2 "Search").

The database is the system of record. Every change writes an outbox row in its own transaction; this module turns
outbox rows into index updates. It is *state based*: whatever the event, the worker reloads the record as it is now
and puts exactly that in the indexes — the internal index gets every record, the public index gets the record only
while it is published and open, and loses it otherwise. So replaying an event, or applying events out of order, can
never leave a wrong document behind; that is what makes a kill mid-batch harmless (rows are marked processed only
after the index committed, and are simply applied again).

Text: files are extracted once per content (``extractions`` table) in a process pool with time and memory limits,
and the text is stored as a derived blob with page boundaries, so reindexing never extracts again. The pool's
processes are shared out by the extraction scheduler (``indexer/extract/scheduler.py``: short work first, long OCR
in chunks, a page cap and a budget per file), and the worker never waits for a long file: records whose files are
still being extracted wait in its :class:`ExtractionLane` while it indexes the others and reads new rows.

Extraction states: ``pending`` (none yet, or sent back by an admin), ``done``, ``unsupported``, ``failed``,
``ocr_pending`` (OCR could not run: off or not installed) and ``ocr_partial`` (OCR stopped at the page cap or the
budget; the stored text lists the pages left, and a retry resumes with them). The last three are
``RETRYABLE_STATES``: listed for the admin and sent back to the queue by a retry.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from indexer.analysis import Analyzed
from indexer.extract import Extraction as ExtractedText
from indexer.extract import ExtractionFailed
from indexer.extract.pool import owner_tag
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

INTERNAL = "internal"
PUBLIC = "public"
INDEXES = (INTERNAL, PUBLIC)
TEXT_MIME = "application/vnd.arsip.text+json"
MAX_ATTEMPTS = 8  # an outbox row that fails this often is parked (dead letter) for an admin
MAX_BACKOFF = timedelta(minutes=10)
MAX_INDEXED_CHARS = 20_000_000  # per record: a bound on memory for pathological files; the blob keeps everything
READ_CHUNK = 500
# extraction states an admin sees and may send back to the queue (``ocr_partial``: resumed with the pages left)
RETRYABLE_STATES = ("failed", "ocr_pending", "ocr_partial")
INDEX_CHUNK = 64  # records indexed (one commit) at a time while the pool extracts the rest
FLUSH_SECONDS = 1.0  # records whose files are done are indexed at least this often, whatever the rest does
PASS_WAIT_SECONDS = 1.0  # how long an outbox pass with nothing new waits for extractions in flight
# next_attempt_at of outbox rows whose record waits for the text of its files (ExtractionLane): no pass reads them
HELD = datetime(9000, 1, 1, tzinfo=UTC)


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
    ocr_pending: int = 0  # files with pages still waiting for OCR, the partly OCRed ones included
    ocr_partial: int = 0  # of those, files whose OCR stopped at the page cap or the budget
    unsupported: int = 0
    seconds: float = 0.0

    def count(self, state: str) -> None:
        if state == "ocr_partial":
            self.ocr_pending += 1
        setattr(self, state, getattr(self, state) + 1)


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


class _Extractor:
    """Blobs through the extraction scheduler (``indexer.extract.scheduler``), each result recorded as it comes.

    It hands the scheduler a path to each blob (the stored file itself on the local store; on S3 a temp copy in
    ``<data>/tmp/extract-<pid>-<host>-…``, at most ``MAX_COPIES`` at a time, smallest first), resumes a file whose OCR
    stopped at the page cap (``ocr_partial``, or one an admin sent back as ``pending``) from its stored partial text,
    and records every result (text blob + ``extractions`` row) before handing it on."""

    MAX_COPIES = 16

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.queue = rt.scheduler.queue()
        self.inflight: set[str] = set()
        self._unsent: list[tuple[int, str, int | None]] = []  # (size, sha, cap) waiting for a temp copy slot
        self._tmp: Path | None = None
        self._copies: set[str] = set()
        self._local = getattr(rt.blobs, "path", None) is not None
        self._done_early: list[tuple[str, ExtractionFailed]] = []  # blobs that failed before reaching a process

    @property
    def outstanding(self) -> int:
        return len(self.inflight)

    def add(self, shas: Iterable[str], caps: dict[str, int] | None = None) -> None:
        """Submit blobs (not already in flight); ``caps`` raises the OCR page cap of some (an admin's retry)."""
        wanted = [sha for sha in dict.fromkeys(shas) if sha not in self.inflight]
        if not wanted:
            return
        with self.rt.db.read() as session:
            sizes = dict(session.execute(select(Blob.sha256, Blob.size).where(Blob.sha256.in_(wanted))).all())
        default = self.rt.settings.ocr_max_pages
        for sha in wanted:
            self.inflight.add(sha)
            cap = max(default, (caps or {}).get(sha, 0))
            self._unsent.append((int(sizes.get(sha, 0)), sha, cap))
        self._unsent.sort(reverse=True)  # popped from the end: smallest first
        self._send()

    def _send(self) -> None:
        batch: list[tuple[int, str, int | None]] = []
        while self._unsent and (self._local or len(self._copies) + len(batch) < self.MAX_COPIES):
            batch.append(self._unsent.pop())
        if not batch:
            return
        shas = [sha for _size, sha, _cap in batch]
        with self.rt.db.read() as session:
            mimes = dict(session.execute(select(Blob.sha256, Blob.mime).where(Blob.sha256.in_(shas))).all())
            resumable = dict(
                session.execute(
                    select(Extraction.blob_sha256, Extraction.text_sha256).where(
                        Extraction.blob_sha256.in_(shas),
                        Extraction.state.in_(("pending", "ocr_partial")),
                        Extraction.text_sha256.is_not(None),
                    )
                ).all()
            )
        for size, sha, cap in batch:
            try:
                path = self._path(sha)
            except Exception as exc:  # the bytes are not readable: a failed extraction, not a failed batch
                self._failed_now(sha, ExtractionFailed("io", f"cannot read the stored file: {exc}"))
                continue
            prior = self._partial(resumable.get(sha))
            mime = mimes.get(sha, "application/octet-stream")
            self.queue.submit(sha, path, mime, size=size, max_ocr_pages=cap, resume=prior)

    def _partial(self, text_sha: str | None) -> ExtractedText | None:
        """The stored text of an extraction whose OCR stopped part-way, to resume from; None otherwise."""
        if text_sha is None:
            return None
        try:
            with self.rt.blobs.open(text_sha) as fh:
                prior = ExtractedText.from_json_bytes(fh.read())
        except Exception:
            log.warning("stored text %s unreadable; extracting again from the start", text_sha, exc_info=True)
            return None
        return prior if prior.partial and prior.ocr_todo else None

    def _path(self, sha: str) -> Path:
        """The blob's bytes as a file: the stored file itself on the local store, a streamed temp copy from S3."""
        path_of = getattr(self.rt.blobs, "path", None)
        if path_of is not None:
            return Path(path_of(sha))
        if self._tmp is None:
            self.rt.settings.staging_dir.mkdir(parents=True, exist_ok=True)
            self._tmp = Path(tempfile.mkdtemp(dir=self.rt.settings.staging_dir, prefix=f"extract-{owner_tag()}-"))
        target = self._tmp / sha
        with self.rt.blobs.open(sha) as src, open(target, "wb") as dst:
            while chunk := src.read(1024 * 1024):
                dst.write(chunk)
        self._copies.add(sha)
        return target

    def _failed_now(self, sha: str, failure: ExtractionFailed) -> None:
        self._done_early.append((sha, failure))

    def results(self, timeout: float | None) -> list[tuple[str, ExtractedText | None, str]]:
        """Results that came in (waiting up to ``timeout`` for one), each recorded: ``(sha, text or None, state)``."""
        early, self._done_early = self._done_early, []
        outcomes: list[tuple[str, ExtractedText | ExtractionFailed]] = list(early)
        if not outcomes:
            outcomes = [(key, result) for key, result in self.queue.results(timeout=timeout)]
        out: list[tuple[str, ExtractedText | None, str]] = []
        for sha, outcome in outcomes:
            self.inflight.discard(sha)
            if sha in self._copies and self._tmp is not None:
                self._copies.discard(sha)
                (self._tmp / sha).unlink(missing_ok=True)
            if isinstance(outcome, ExtractionFailed):
                _record_failure(self.rt, sha, outcome)
                out.append((sha, None, "failed"))
            else:
                out.append((sha, outcome, _record_text(self.rt, sha, outcome)))
        self._send()
        return out

    def close(self) -> None:
        self.queue.close()
        self.inflight.clear()
        self._unsent.clear()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def extract_blobs(
    rt: Runtime,
    shas: list[str],
    on_done: Callable[[str, ExtractedText | None], None] | None = None,
    *,
    max_ocr_pages: int | None = None,
) -> ExtractStats:
    """Extract each blob through the scheduler (fair, limited), store its text blob and the extraction row.

    ``on_done(sha, extraction or None)`` is called after each blob is recorded, so the caller can index the
    records whose files are all done while the rest go on. ``max_ocr_pages`` raises the OCR page cap for these
    files (an administrator resuming partial OCR)."""
    stats = ExtractStats()
    if not shas:
        return stats
    started = time.perf_counter()
    extractor = _Extractor(rt)
    try:
        extractor.add(shas, dict.fromkeys(shas, max_ocr_pages) if max_ocr_pages else None)
        while extractor.outstanding:
            for sha, extracted, state in extractor.results(timeout=None):
                stats.count(state)
                if on_done is not None:
                    on_done(sha, extracted)
    finally:
        extractor.close()
    stats.seconds = time.perf_counter() - started
    return stats


def _record_text(rt: Runtime, sha: str, extracted: ExtractedText) -> str:
    if extracted.method == "unsupported":
        state = "unsupported"
    elif extracted.partial:
        state = "ocr_partial"  # OCR stopped at the page cap or the budget: an admin's retry resumes it
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
        "lease_until": None,  # a claimed job (services/work_claims.py) is finished: nobody needs to hold it
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
def sync_records(
    rt: Runtime,
    ids: Iterable[int],
    *,
    extract: bool = True,
    lane: ExtractionLane | None = None,
    caps: dict[int, int] | None = None,
) -> list[int]:
    """Make both indexes hold exactly what the database says about these records now.

    With ``extract``, files without text are extracted first: records are indexed as soon as all their files are
    done (at least every ``FLUSH_SECONDS``), while the scheduler extracts the rest. With a ``lane`` (the index
    worker) nothing waits: the records whose files need text are handed to the lane and returned, the others are
    indexed now. ``caps`` raises the OCR page cap of some records' files (an administrator's retry)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if not extract:
        _index_records(rt, wanted, {})
        return []
    with rt.db.read() as session:
        files = session.execute(
            select(RecordFile.record_id, RecordFile.blob_sha256).where(RecordFile.record_id.in_(wanted))
        ).all()
    todo = set(pending_blobs(rt, [sha for _rid, sha in files]))
    waiting: dict[int, set[str]] = {}
    holders: dict[str, list[int]] = {}
    sha_caps: dict[str, int] = {}
    for rid, sha in files:
        if sha in todo:
            waiting.setdefault(rid, set()).add(sha)
            holders.setdefault(sha, []).append(rid)
            if caps and rid in caps:
                sha_caps[sha] = max(sha_caps.get(sha, 0), caps[rid])
    ready = [rid for rid in wanted if rid not in waiting]
    if lane is not None:
        for rid, shas in waiting.items():
            lane.wait_for(rid, shas)
        lane.extractor.add(sorted(todo), sha_caps)
        for start in range(0, len(ready), INDEX_CHUNK):
            _index_records(rt, ready[start : start + INDEX_CHUNK], lane.analyzed, lane.known)
        return sorted(waiting)
    analyzed: dict[str, Analyzed] = {}
    known: dict[str, str] = {}

    def flush() -> None:
        for start in range(0, len(ready), INDEX_CHUNK):
            _index_records(rt, ready[start : start + INDEX_CHUNK], analyzed, known)
        ready.clear()
        known.clear()  # indexed now; records still waiting read their other texts back from the blobs
        analyzed.clear()

    extractor = _Extractor(rt)
    try:
        extractor.add(sorted(todo), sha_caps)
        flushed = time.monotonic()
        while extractor.outstanding:
            for sha, extracted, _state in extractor.results(timeout=FLUSH_SECONDS):
                if extracted is not None:
                    known[sha] = extracted.text
                    if extracted.analyzed is not None:
                        analyzed[sha] = extracted.analyzed
                for rid in holders.get(sha, []):
                    waiting[rid].discard(sha)
                    if not waiting[rid]:
                        ready.append(rid)
            if ready and (len(ready) >= INDEX_CHUNK or time.monotonic() - flushed >= FLUSH_SECONDS):
                flush()
                flushed = time.monotonic()
    finally:
        extractor.close()
    flush()
    return []


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
    waiting: int = 0  # rows held for records whose files are still being extracted


class ExtractionLane:
    """The index worker's extractions in flight, across passes of :func:`process_outbox`.

    A record whose files still need text is not indexed in the pass that read its outbox rows: its files go to the
    extraction scheduler, its rows are *held* (``next_attempt_at`` = ``HELD``, so no later pass reads them again)
    and the pass goes on with the next rows. Every later pass records the extractions that finished, indexes the
    records whose files are now all done and marks their rows processed. So a long file holds back only its own
    record: other records are indexed as soon as their own files are done, and new rows keep flowing while a
    3,000-page scan is OCRed. Records are still indexed state-based, whenever they become ready.

    The held rows are the durable part: a worker that dies leaves them held and unprocessed, and the next worker
    (there is one per data folder) releases them when it creates its lane, then extracts those files again."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.lock = threading.RLock()  # one pass at a time, whichever thread calls process_outbox
        _release_held(rt)
        self.extractor = _Extractor(rt)
        self.waiting: dict[int, set[str]] = {}  # record → its blobs still being extracted
        self.holders: dict[str, set[int]] = {}  # blob → records waiting for it
        self.events: dict[int, set[int]] = {}  # record → its held outbox rows
        self.known: dict[str, str] = {}  # texts just extracted, until their records are indexed
        self.analyzed: dict[str, Analyzed] = {}

    @property
    def busy(self) -> bool:
        return bool(self.extractor.outstanding)

    @property
    def held_rows(self) -> int:
        return sum(len(rows) for rows in self.events.values())

    def wait_for(self, record_id: int, shas: Iterable[str]) -> None:
        for sha in shas:
            self.waiting.setdefault(record_id, set()).add(sha)
            self.holders.setdefault(sha, set()).add(record_id)

    def hold(self, record_id: int, event_ids: Iterable[int]) -> None:
        rows = set(event_ids) - self.events.get(record_id, set())
        if rows:
            self.events.setdefault(record_id, set()).update(rows)
            with self.rt.db.write() as session:
                session.execute(
                    update(OutboxEvent).where(OutboxEvent.id.in_(sorted(rows))).values(next_attempt_at=HELD)
                )

    def collect(self, timeout: float) -> list[int]:
        """Record the extractions that finished (waiting up to ``timeout`` for one); the records now ready."""
        ready: list[int] = []
        if not self.busy:
            return ready
        for sha, extracted, _state in self.extractor.results(timeout=timeout):
            if extracted is not None:
                self.known[sha] = extracted.text
                if extracted.analyzed is not None:
                    self.analyzed[sha] = extracted.analyzed
            for rid in self.holders.pop(sha, set()):
                shas = self.waiting.get(rid)
                if shas is None:
                    continue
                shas.discard(sha)
                if not shas:
                    del self.waiting[rid]
                    ready.append(rid)
        return sorted(ready)

    def release(self, record_ids: Iterable[int]) -> list[int]:
        """Forget these (indexed or failed) records; their held rows, for the caller to mark."""
        rows: list[int] = []
        for rid in record_ids:
            rows.extend(sorted(self.events.pop(rid, set())))
            for sha in self.waiting.pop(rid, set()):
                self.holders.get(sha, set()).discard(rid)
        return rows

    def forget_texts(self) -> None:
        """Drop texts no waiting record needs any more (the others are read back from their blobs if needed)."""
        needed = {sha for shas in self.waiting.values() for sha in shas}
        for sha in [sha for sha in self.known if sha not in needed]:
            self.known.pop(sha, None)
            self.analyzed.pop(sha, None)

    def close(self) -> None:
        self.extractor.close()


_LANE_LOCK = threading.Lock()


def worker_lane(rt: Runtime) -> ExtractionLane:
    """The extraction lane of this runtime's index worker (created on first use, closed with the runtime)."""
    with _LANE_LOCK:
        if rt._lane is None:
            rt._lane = ExtractionLane(rt)
        elif rt._lane.extractor.queue.scheduler is not rt.scheduler:  # the pool was swapped (tests, benchmarks)
            rt._lane.close()
            rt._lane = ExtractionLane(rt)  # releases the rows the old lane held: they are read again
        return rt._lane  # type: ignore[no-any-return]


def _release_held(rt: Runtime) -> None:
    """Rows a previous worker held for its extractions, which died with it: due again."""
    with rt.db.write() as session:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.processed_at.is_(None), OutboxEvent.next_attempt_at >= HELD)
            .values(next_attempt_at=None)
        )


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


def process_outbox(rt: Runtime, *, batch_size: int = 200, wait: float = PASS_WAIT_SECONDS) -> OutboxStats:
    """One pass of the worker: index the records whose extractions finished, then apply one batch of due outbox
    rows in order; returns what happened (nothing processed, failed or waiting: nothing to do).

    Records whose files need text wait in the worker's :class:`ExtractionLane` (``stats.waiting`` counts their
    rows) while the pass goes on; a pass waits up to ``wait`` seconds for extractions in flight, indexing records as
    their files finish, so a short file uploaded alone is indexed in the pass that read its row.
    A batch that fails is split: each record is tried alone, so one poison record cannot hold up the rest. Its rows
    back off exponentially and are parked as dead letters after :data:`MAX_ATTEMPTS` failures.

    Records whose files finish while the pass waits are indexed together, at the latest ``FLUSH_SECONDS`` after the
    first of them (at once when nothing else is in flight, and at the end of the pass). One commit per finished
    file made the corpus ingest commit 81 times, and each small commit costs the index writer a segment, merges and
    an fsync: the corpus's documents took 4.3 s of CPU and 7.8 s of wall time to index in 78 commits, 1 s in 7.
    """
    stats = OutboxStats()
    lane = worker_lane(rt)
    with lane.lock:
        _apply_ready(rt, lane, lane.collect(0), stats)
        with rt.db.read() as session:
            events = _due_events(session, batch_size, utcnow())
        if events:
            _admit(rt, lane, events, stats)
        deadline = time.monotonic() + wait  # short files just handed out usually finish within this very pass
        ready: list[int] = []
        since = 0.0  # when the oldest of ``ready`` became ready
        while lane.busy and (left := deadline - time.monotonic()) > 0:
            if ready:
                left = max(0.0, min(left, since + FLUSH_SECONDS - time.monotonic()))
            came = lane.collect(left)
            if came and not ready:
                since = time.monotonic()
            ready.extend(came)
            if ready and (len(ready) >= INDEX_CHUNK or not lane.busy or time.monotonic() - since >= FLUSH_SECONDS):
                _apply_ready(rt, lane, ready, stats)  # one commit for what became ready together, not one per file
                ready = []
        _apply_ready(rt, lane, ready, stats)
        lane.forget_texts()
        stats.waiting = lane.held_rows
    return stats


def _admit(rt: Runtime, lane: ExtractionLane, events: list[OutboxEvent], stats: OutboxStats) -> None:
    """Apply a batch of rows: index the records that are ready, hand the others to the lane and hold their rows."""
    by_record: dict[int | None, list[int]] = {}
    caps: dict[int, int] = {}
    for event in events:
        by_record.setdefault(event.record_id, []).append(event.id)
        cap = (event.payload or {}).get("max_ocr_pages") if isinstance(event.payload, dict) else None
        if event.record_id is not None and isinstance(cap, int) and cap > 0:
            caps[event.record_id] = max(caps.get(event.record_id, 0), cap)
    record_ids = [rid for rid in by_record if rid is not None]
    try:
        held = set(sync_records(rt, record_ids, lane=lane, caps=caps))
    except Exception:
        log.exception("outbox batch failed; retrying record by record")
    else:
        done = [eid for rid, event_ids in by_record.items() if rid not in held for eid in event_ids]
        _mark_done(rt, done)
        stats.processed += len(done)
        stats.records += sum(1 for rid in record_ids if rid not in held)
        for rid in held:
            lane.hold(rid, by_record[rid])
        return
    for rid, event_ids in by_record.items():
        try:
            if rid is not None and sync_records(rt, [rid], lane=lane, caps=caps):
                lane.hold(rid, event_ids)
                continue
            _mark_done(rt, event_ids)
            stats.processed += len(event_ids)
            stats.records += rid is not None
        except Exception as exc:
            log.exception("indexing record %s failed", rid)
            if rid is not None:
                lane.release([rid])
            stats.dead += _mark_failed(rt, event_ids, f"{type(exc).__name__}: {exc}")
            stats.failed += len(event_ids)


def _apply_ready(rt: Runtime, lane: ExtractionLane, ready: list[int], stats: OutboxStats) -> None:
    """Index records whose files are now all extracted and mark their held rows processed."""
    for start in range(0, len(ready), INDEX_CHUNK):
        chunk = ready[start : start + INDEX_CHUNK]
        try:
            _index_records(rt, chunk, lane.analyzed, lane.known)
        except Exception:
            log.exception("indexing extracted records failed; retrying record by record")
        else:
            rows = lane.release(chunk)
            _mark_done(rt, rows)
            stats.processed += len(rows)
            stats.records += len(chunk)
            continue
        for rid in chunk:
            try:
                _index_records(rt, [rid], lane.analyzed, lane.known)
            except Exception as exc:
                log.exception("indexing record %s failed", rid)
                rows = lane.release([rid])
                stats.dead += _mark_failed(rt, rows, f"{type(exc).__name__}: {exc}")
                stats.failed += len(rows)
            else:
                rows = lane.release([rid])
                _mark_done(rt, rows)
                stats.processed += len(rows)
                stats.records += 1


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
        total.waiting = stats.waiting
        if stats.processed == 0 and stats.failed == 0 and stats.waiting == 0:
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


def waiting_for_text(rt: Runtime) -> int:
    """Pending outbox rows held while their records' files are extracted (part of ``backlog``'s pending)."""
    with rt.db.read() as session:
        held = session.execute(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.processed_at.is_(None), OutboxEvent.next_attempt_at >= HELD)
        ).scalar_one()
    return int(held)


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


def retry_extractions(rt: Runtime, *, max_ocr_pages: int | None = None) -> ExtractStats:
    """Extract again every failed or OCR-pending file, resume the OCR of partial ones (with the pages left, up to
    ``max_ocr_pages`` or ``ARSIP_OCR_MAX_PAGES``), then reindex the records that hold them."""
    shas = pending_blobs(rt, retry_failed=True)
    stats = extract_blobs(rt, shas, max_ocr_pages=max_ocr_pages)
    with rt.db.read() as session:
        ids = session.execute(select(RecordFile.record_id).where(RecordFile.blob_sha256.in_(shas)).distinct()).scalars()
        record_ids = list(ids)
    sync_in_chunks(rt, record_ids)
    return stats


def failed_extractions(rt: Runtime, limit: int = 100) -> list[Extraction]:
    """Files whose text could not be extracted (or waits for OCR, or was OCRed only in part), for the admin."""
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
