"""What an administrator sees of and does to the indexing machinery: the state of both indexes, the outbox
backlog and its dead letters, files whose text could not be extracted (or was OCRed only in part), the last
clean-up after crashes, and putting failed extractions back in the queue.

Retrying is asynchronous on purpose: OCR of a long scan takes minutes, so a request only marks the work as pending
and writes outbox rows; the index worker does it. A file whose OCR stopped at the page cap (``ocr_partial``) is
resumed with the pages it has left, up to ``ARSIP_OCR_MAX_PAGES`` more, or up to ``max_ocr_pages`` when given.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from ..db import Extraction, OutboxEvent, RecordFile
from ..db.types import utcnow
from ..runtime import Runtime
from . import cleanup, indexing
from .actor import Actor
from .auth import authorize


def status(rt: Runtime, actor: Actor) -> dict[str, Any]:
    authorize(actor, "index.admin")
    return {
        "indexes": {name: rt.search.index(name).count() for name in indexing.INDEXES},
        "outbox": indexing.backlog(rt),
        "waiting_for_text": indexing.waiting_for_text(rt),
        "dead_letters": [
            {"id": e.id, "record_id": e.record_id, "topic": e.topic, "attempts": e.attempts, "error": e.last_error}
            for e in indexing.dead_letters(rt)
        ],
        "extractions": [
            {"sha256": x.blob_sha256, "state": x.state, "error": x.error, "attempts": x.attempts}
            for x in indexing.failed_extractions(rt)
        ],
        "cleanup": cleanup.last(rt),
    }


def retry_dead_letters(rt: Runtime, actor: Actor) -> dict[str, int]:
    authorize(actor, "index.admin")
    return {"requeued": indexing.retry_dead(rt)}


def requeue_extractions(rt: Runtime, actor: Actor, *, max_ocr_pages: int | None = None) -> dict[str, int]:
    """Mark failed, OCR-pending and partly OCRed extractions as pending and queue their records for the worker.

    A partly OCRed file keeps its text meanwhile and is resumed with its remaining pages; ``max_ocr_pages`` raises
    the cap for this retry (the worker reads it from the outbox rows)."""
    authorize(actor, "index.admin")
    payload = {"max_ocr_pages": int(max_ocr_pages)} if max_ocr_pages else {}
    now = utcnow()
    with rt.db.write() as session:
        shas = list(
            session.execute(
                select(Extraction.blob_sha256).where(Extraction.state.in_(indexing.RETRYABLE_STATES))
            ).scalars()
        )
        if not shas:
            return {"files": 0, "records": 0}
        session.execute(
            update(Extraction).where(Extraction.blob_sha256.in_(shas)).values(state="pending", updated_at=now)
        )
        record_ids = sorted(
            set(session.execute(select(RecordFile.record_id).where(RecordFile.blob_sha256.in_(shas))).scalars())
        )
        if record_ids:
            session.execute(
                insert(OutboxEvent),
                [{"topic": "extraction.retry", "record_id": rid, "payload": payload, "at": now} for rid in record_ids],
            )
    return {"files": len(shas), "records": len(record_ids)}
