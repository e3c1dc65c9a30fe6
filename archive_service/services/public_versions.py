"""The last approved public version of a record: what the public sees while a change goes through review.

Why: published information is *reviewed* information (SOP steps 5-9: received and verified by the secretariat,
determined by the PPID, published by the secretariat). A change made to a published record afterwards — a new
file, an edited description, DIP fields — is a *revision* (``services.revisions``): the record goes back to step 5
and through the same steps, while the portal, the public index, OAI, the feeds and the catalogue dumps keep showing
the version that was approved last. So the approved version has to exist apart from the live row.

Design: on publication the record's public fields and the ids of its files are copied into
``records.public_snapshot`` and ``records.public_version`` is set (the marker every public query tests, see
``indexing.public_condition``). Public surfaces never read the live row directly: they call ``public_view``, which
overlays the snapshot on the row (``PublicRecord``) — every column is in the snapshot except the few that must be
*current* (the security class, destruction, the archival state), so a field a template reads can only come from
the approved version. Withdrawal (unpublish, exemption, a raised security class) clears both columns at once.

A record published before snapshots existed (migration 0011) has ``public_version`` but no snapshot: the live row
*is* the approved version until its first revision starts, and ``revisions.start_revision`` takes the snapshot
before the change is applied.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Date, DateTime

from schemas.enums import PublicationState

from ..db import Record, RecordFile

# Columns that are always read live: they can only make a record *less* public (a raised class, a destruction, a
# hold) and the public condition tests them on the row, so a snapshot never hides a withdrawal.
LIVE_COLUMNS = frozenset(
    {
        "id",
        "version",
        "public_version",
        "public_snapshot",
        "security_class",
        "access_groups",
        "destroyed_at",
        "transferred_at",
        "archival_state",
        "legal_hold",
        "updated_at",
    }
)
# Workflow bookkeeping of the revision in progress: not public, not part of the approved version.
_INTERNAL_COLUMNS = frozenset(
    {
        "publication_state",
        "step_started_at",
        "step_due_at",
        "state_reason",
        "verification_round",
        "proposed_kip_category",
        "proposed_title",
        "title_source",
        "retention_override_reason",
        "retention_waiting_for",
    }
)
SNAPSHOT_COLUMNS = tuple(
    c.name for c in Record.__table__.columns if c.name not in LIVE_COLUMNS and c.name not in _INTERNAL_COLUMNS
)
_DATES = {c.name for c in Record.__table__.columns if isinstance(c.type, Date)}
_DATETIMES = {c.name for c in Record.__table__.columns if isinstance(c.type, DateTime) or c.name.endswith("_at")}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _decode(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATES and isinstance(value, str):
        return date.fromisoformat(value)
    if name in _DATETIMES and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def make_snapshot(record: Record) -> dict[str, Any]:
    """The approved version of ``record`` as it stands now: its public fields and its file ids."""
    return {
        "fields": {name: _encode(getattr(record, name)) for name in SNAPSHOT_COLUMNS},
        "file_ids": sorted(f.id for f in record.files if f.id is not None),
    }


def approve(record: Record) -> None:
    """Publication (SOP step 9): what the record holds now becomes its public version."""
    record.public_snapshot = make_snapshot(record)
    record.public_version = record.version


def withdraw(record: Record) -> None:
    """Nothing of the record is public any more (unpublish, exemption, a raised security class)."""
    record.public_snapshot = None
    record.public_version = None


def keep_approved(record: Record) -> None:
    """Before a published record changes: make sure its approved version is kept (records published before
    snapshots existed have none yet)."""
    if record.public_version is not None and not record.public_snapshot:
        record.public_snapshot = make_snapshot(record)


class PublicRecord:
    """A record as its last approved version: snapshot fields over the live row, only the approved files.

    Read-only; attribute access falls through to the live row only for the columns in ``LIVE_COLUMNS`` and for
    relationships, so a draft value never reaches a public page."""

    __slots__ = ("_fields", "_file_ids", "_record")

    def __init__(self, record: Record, snapshot: dict[str, Any]) -> None:
        self._record = record
        self._fields = {name: _decode(name, value) for name, value in (snapshot.get("fields") or {}).items()}
        self._fields["publication_state"] = str(PublicationState.DIPUBLIKASIKAN)
        self._file_ids = frozenset(snapshot.get("file_ids") or ())

    def __getattr__(self, name: str) -> Any:
        fields = self._fields
        if name in fields:
            return fields[name]
        return getattr(self._record, name)

    @property
    def files(self) -> list[RecordFile]:
        return [f for f in self._record.files if f.id in self._file_ids]


def public_view(record: Record) -> Record:
    """What the public may see of ``record`` (the caller has checked ``indexing.public_condition``)."""
    snapshot = record.public_snapshot
    if not snapshot or record.publication_state == PublicationState.DIPUBLIKASIKAN:
        return record  # not in revision: the live row is the approved version (every edit starts a revision)
    return cast(Record, PublicRecord(record, snapshot))


def public_fields(state: str, snapshot: dict[str, Any] | None) -> dict[str, Any]:
    """For a row fetched as plain columns (search hits): the approved values by name that replace the live ones
    (none when the record is not in revision)."""
    if not snapshot or state == PublicationState.DIPUBLIKASIKAN:
        return {}
    out = {name: _decode(name, value) for name, value in (snapshot.get("fields") or {}).items()}
    out["publication_state"] = str(PublicationState.DIPUBLIKASIKAN)
    return out


__all__ = [
    "PublicRecord",
    "approve",
    "keep_approved",
    "make_snapshot",
    "public_fields",
    "public_view",
    "withdraw",
]
