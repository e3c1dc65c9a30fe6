"""Is this blob still referenced anywhere? The one answer every deleter of stored bytes asks.

Blobs are content-addressed, so identical bytes are stored once whatever holds them: a record's file, a request
applicant's identity document, a redacted copy linked to a request, a transfer package. Deleting the bytes for one
holder would silently delete them for every other one, so a deleter that removes bytes some row still points at
(the destruction of records, ``destruction.purge_blob``; the erasure of applicants' personal data,
``requests_retention``) first asks ``held_elsewhere``, under the blob's lock (``uploads.lock_blob``). The sweepers
of orphans (``cleanup``, ``fixity.sweep``, ``uploads.release_unreferenced``) need not ask: they delete only bytes
no ``blobs`` row names at all, and every holder below names its blob through such a row.

A new table that points at blobs belongs in ``_holders`` — and nowhere else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from ..db import DispositionBatch, Record, RecordFile, RequestApplicant, RequestRecordLink


def _holders(sha: Any) -> list[ColumnElement[bool]]:
    """SQL conditions, one per kind of holder, true when that holder still needs the bytes ``sha`` (a value or a
    column). Every table is aliased, so the condition never correlates with the same table in the caller's query
    (a caller selecting erased applicants asks about the *other* applicants)."""
    file, record = aliased(RecordFile), aliased(Record)
    applicant, link, batch = aliased(RequestApplicant), aliased(RequestRecordLink), aliased(DispositionBatch)
    return [
        # a file of a record that is not destroyed
        exists().where(and_(file.blob_sha256 == sha, file.record_id == record.id, record.destroyed_at.is_(None))),
        # an applicant's identity document that is not erased yet
        exists().where(and_(applicant.identity_blob_sha256 == sha, applicant.erased_at.is_(None))),
        # a redacted copy linked to a request: it is what was (or will be) delivered, the register keeps it
        exists().where(link.redacted_blob_sha256 == sha),
        # a transfer package (penyerahan) kept with its batch
        exists().where(batch.package_sha256 == sha),
    ]


def held_elsewhere(sha: Any) -> ColumnElement[bool]:
    """SQL: some living holder still needs the bytes ``sha`` (usable in a WHERE, e.g. ``~held_elsewhere(col)``)."""
    return or_(*_holders(sha))


def is_referenced(session: Session, sha: str) -> bool:
    """Whether some living holder still needs these bytes; call it under ``lock_blob(session, sha)``."""
    return bool(session.execute(select(held_elsewhere(sha))).scalar())
