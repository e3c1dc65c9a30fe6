"""Extraction state on the record, and an administrator's retry of one record's files (issue 16).

Why here and not only in the index status: staff look at the record when its text is not found, not at an admin
page keyed by content hashes. The record page and the record API show each file's state (``schemas.files.
extraction_view``: done, waiting, OCR pending or partial, failed with the reason in both languages); an
administrator can send that record's unfinished files back to the worker from the page. Like the global retry
(``index_admin.requeue_extractions``), it only marks the work and writes an outbox row: OCR of a long scan takes
minutes and runs in the worker.
"""

from __future__ import annotations

from sqlalchemy import select, update

from ..db import Extraction, OutboxEvent, RecordFile
from ..db.types import utcnow
from ..runtime import Runtime
from .access import load_visible
from .actor import Actor
from .auth import authorize

RETRYABLE = ("failed", "ocr_pending", "ocr_partial")


def retry_record(rt: Runtime, actor: Actor, record_id: int) -> int:
    """Send the record's files whose extraction failed or is unfinished back to the worker; returns how many."""
    authorize(actor, "index.admin")
    now = utcnow()
    with rt.db.write() as session:
        load_visible(session, actor, record_id)
        shas = sorted(
            set(
                session.execute(
                    select(Extraction.blob_sha256)
                    .join(RecordFile, RecordFile.blob_sha256 == Extraction.blob_sha256)
                    .where(RecordFile.record_id == record_id, Extraction.state.in_(RETRYABLE))
                ).scalars()
            )
        )
        if shas:
            session.execute(
                update(Extraction).where(Extraction.blob_sha256.in_(shas)).values(state="pending", updated_at=now)
            )
            session.add(OutboxEvent(topic="extraction.retry", record_id=record_id, payload={}, at=now))
    return len(shas)


__all__ = ["RETRYABLE", "retry_record"]
