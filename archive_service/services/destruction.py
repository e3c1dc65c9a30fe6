"""Carrying out a destruction: delete the bytes, the derived text and the index entries; keep the tombstone.

Runs after the transaction that made the records tombstones (``disposition.execute``) has committed, so a crash
half-way leaves tombstones whose bytes are still there, never bytes without the decision: ``purge_pending`` (run by
``arsip retention purge``) finds such batches again and finishes the job. Each step is idempotent.

What is deleted, per file of a destroyed record:

* the blob's bytes, from the local store or from S3 with **every object version** (``BlobStore.delete``);
* the extracted text (its derived blob and the ``extractions`` row), which is the content in another form;
* the record's documents in both search indexes.

Blobs are content-addressed: if another record that is *not* destroyed holds the same bytes, or a request still
needs them (an identity document not erased yet, a redacted copy; ``blob_references``), those bytes are that
holder's too and are kept; the item's outcome says so, and the berita acara lists it. The ``blobs`` row stays
with ``destroyed_at`` set (the tombstone's files keep name, size and SHA-256), and fixity checks skip it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import and_, delete, exists, select, update

from ..db import Blob, DispositionBatch, DispositionItem, Extraction, Record, RecordFile
from ..db.types import utcnow
from ..runtime import Runtime
from . import indexing
from .blob_references import held_elsewhere, is_referenced
from .uploads import lock_blob

log = logging.getLogger(__name__)


@dataclass
class PurgeReport:
    deleted: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    texts_deleted: int = 0
    records: list[int] = field(default_factory=list)


def purge_blob(rt: Runtime, sha: str, report: PurgeReport) -> None:
    """Delete one blob (and its extracted text) whose holder is gone, unless another holder still needs the bytes
    (``blob_references``): used for destroyed records' files and erased applicants' identity documents."""
    with rt.db.write() as session:
        lock_blob(session, sha)
        if is_referenced(session, sha):
            report.shared.append(sha)
            return
        text_sha = session.execute(
            select(Extraction.text_sha256).where(Extraction.blob_sha256 == sha)
        ).scalar_one_or_none()
        rt.blobs.delete(sha)  # S3: every version of the object
        session.execute(delete(Extraction).where(Extraction.blob_sha256 == sha))
        if text_sha is not None:
            lock_blob(session, text_sha)
            if not session.execute(select(exists().where(Extraction.text_sha256 == text_sha))).scalar():
                rt.blobs.delete(text_sha)
                session.execute(delete(Blob).where(Blob.sha256 == text_sha))
                report.texts_deleted += 1
        session.execute(update(Blob).where(Blob.sha256 == sha).values(destroyed_at=utcnow()))
        report.deleted.append(sha)


def _unindex(rt: Runtime, record_ids: list[int]) -> None:
    for rid in record_ids:
        if not indexing.sync_now(rt, rid):
            log.error("destroyed record %s is still in an index; the worker retries its outbox row", rid)


def purge_batch(rt: Runtime, batch_id: int) -> PurgeReport:
    """Finish the destruction of one executed batch and note on each item what happened to its bytes."""
    report = PurgeReport()
    with rt.db.read() as session:
        rows = session.execute(
            select(DispositionItem.id, RecordFile.blob_sha256, Record.id)
            .join(Record, Record.id == DispositionItem.record_id)
            .join(RecordFile, RecordFile.record_id == Record.id)
            .join(Blob, Blob.sha256 == RecordFile.blob_sha256)
            .where(
                DispositionItem.batch_id == batch_id,
                DispositionItem.excluded.is_(False),
                Record.destroyed_at.is_not(None),
            )
        ).all()
        record_ids = sorted(
            session.execute(
                select(DispositionItem.record_id)
                .join(Record, Record.id == DispositionItem.record_id)
                .where(
                    DispositionItem.batch_id == batch_id,
                    DispositionItem.excluded.is_(False),
                    Record.destroyed_at.is_not(None),
                )
            ).scalars()
        )
    for sha in sorted({sha for _item, sha, _rid in rows}):
        if not _already_destroyed(rt, sha):
            purge_blob(rt, sha, report)
    _unindex(rt, record_ids)
    report.records = record_ids
    with rt.db.write() as session:
        items = session.execute(
            select(DispositionItem).where(DispositionItem.batch_id == batch_id, DispositionItem.excluded.is_(False))
        ).scalars()
        shas_of: dict[int, list[str]] = {}
        for item_id, sha, _rid in rows:
            shas_of.setdefault(item_id, []).append(sha)
        for item in items:
            mine = sorted(set(shas_of.get(item.id, [])))
            item.outcome = {
                "bytes_deleted": [s for s in mine if s not in report.shared],
                "kept_shared_with_other_records": [s for s in mine if s in report.shared],
                "purged_at": utcnow().isoformat(),
            }
    return report


def _already_destroyed(rt: Runtime, sha: str) -> bool:
    with rt.db.read() as session:
        return session.execute(select(Blob.destroyed_at).where(Blob.sha256 == sha)).scalar_one_or_none() is not None


def purge_pending(rt: Runtime) -> PurgeReport:
    """Finish every executed destruction whose bytes are not all gone yet (after a crash or a storage outage)."""
    total = PurgeReport()
    with rt.db.read() as session:
        batch_ids = list(
            session.execute(
                select(DispositionBatch.id).where(
                    DispositionBatch.kind == "pemusnahan", DispositionBatch.state == "dilaksanakan"
                )
            ).scalars()
        )
    for batch_id in batch_ids:
        with rt.db.read() as session:
            pending = session.execute(
                select(
                    exists().where(
                        and_(
                            DispositionItem.batch_id == batch_id,
                            DispositionItem.excluded.is_(False),
                            RecordFile.record_id == DispositionItem.record_id,
                            Blob.sha256 == RecordFile.blob_sha256,
                            Blob.destroyed_at.is_(None),
                            ~held_elsewhere(Blob.sha256),  # shared bytes stay, and are not "pending"
                        )
                    )
                )
            ).scalar()
        if pending:
            report = purge_batch(rt, batch_id)
            total.deleted += report.deleted
            total.shared += report.shared
            total.texts_deleted += report.texts_deleted
            total.records += report.records
    return total
