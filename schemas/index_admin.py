"""What ``/api/v1/index`` returns to an administrator: the state of the indexing machinery and retry counts.

Why: these answers were undocumented dicts; as dump schemas they appear in the OpenAPI document with every member
(``services/index_admin.py`` builds them).
"""

from __future__ import annotations

from schemas.base import BaseSchema, Boolean, Dict, Float, Integer, List, Nested, String

__all__ = ["ExtractionRetrySchema", "IndexStatusSchema", "RequeuedSchema"]


class BacklogSchema(BaseSchema):
    pending = Integer(metadata={"description": "Outbox rows still to be indexed."})
    dead = Integer(metadata={"description": "Outbox rows parked after too many failures (dead letters)."})


class DeadLetterSchema(BaseSchema):
    id = Integer()
    record_id = Integer(allow_none=True)
    topic = String()
    attempts = Integer()
    error = String(allow_none=True)


class FailedExtractionSchema(BaseSchema):
    sha256 = String(metadata={"description": "SHA-256 of the file's content."})
    state = String(metadata={"description": "failed, ocr_pending or ocr_partial."})
    error = String(allow_none=True)
    attempts = Integer()


class CleanupSchema(BaseSchema):
    """The last start-up or cron clean-up of crash leftovers (``services/cleanup.py``)."""

    reason = String()
    at = String()
    dry_run = Boolean()
    staging_files = Integer()
    orphan_blobs = Integer()
    temp_folders = Integer()
    index_generations = Integer()
    seconds = Float()
    skipped = Boolean()
    errors = List(String())
    line = String()


class IndexStatusSchema(BaseSchema):
    indexes = Dict(keys=String(), values=Integer(), metadata={"description": "Documents per index."})
    outbox = Nested(BacklogSchema)
    waiting_for_text = Integer(metadata={"description": "Pending rows held while their files are extracted."})
    dead_letters = List(Nested(DeadLetterSchema), metadata={"description": "At most 100, oldest first."})
    extractions = List(Nested(FailedExtractionSchema))
    cleanup = Nested(CleanupSchema, allow_none=True, metadata={"description": "null when none ran here yet."})


class RequeuedSchema(BaseSchema):
    requeued = Integer(metadata={"description": "Dead letters put back in the queue."})


class ExtractionRetrySchema(BaseSchema):
    files = Integer(metadata={"description": "Files marked for another extraction."})
    records = Integer(metadata={"description": "Records queued for the worker."})
