"""Titles from a file's text for records that arrived without one (``records.title_source``).

A record created without a title is named after its first file for the time being (``file_name_title``). Once the
index worker has that file's text it calls :func:`apply_derived_titles`, which asks ``indexer.titles.derive_title``
for a title and then, by the record's ``title_source``:

* ``file_name`` (staff intake, API upload): stores the title as ``proposed_title``. A proposal is derived data
  like the extracted text, not a change of the record's description: no version bump, no audit event, no outbox
  event. Bumping the version would make every form a person opened before the worker ran answer 409. Staff take
  the proposal over on the record page, which is a normal audited edit (``records.use_proposed_title``).
* ``file_name_auto`` (``arsip ingest`` without a title, the demo): replaces the title, like every other change:
  version bump, audit event ``record.title_derived`` by the ``system`` identity, outbox event, one transaction. The
  title becomes ``derived``; the file's own name stays on its file row. The worker indexes the record with its new
  title in the same pass and then marks that outbox row done (:class:`Retitled`).
* ``user`` and ``derived``: nothing, ever. A person's title is never overwritten, and a title once derived stays.

A file without a sensible title (a scan not yet read by OCR, a page of tables) changes nothing: the file name
stays, and a later extraction (``arsip extract retry``) tries again, because the worker looks every time it
indexes a record whose title is still a file name. This module imports nothing from ``records`` (which imports
``indexing``, which imports this).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indexer.titles import derive_title
from schemas.enums import AuditAction, TitleSource

from ..db import OutboxEvent, Record
from ..db.types import utcnow
from ..runtime import Runtime
from . import audit
from .actor import SYSTEM

log = logging.getLogger(__name__)

PENDING = frozenset({str(TitleSource.FILE_NAME), str(TitleSource.FILE_NAME_AUTO)})  # titles still a file name
MAX_TITLE_COLUMN = 500


def file_name_title(filename: str) -> str:
    """The stand-in title a file's name gives: the name without its extension, ``_`` as spaces."""
    stem = filename.rsplit(".", 1)[0] if "." in filename.lstrip(".") else filename
    return " ".join(stem.replace("_", " ").split())[:MAX_TITLE_COLUMN]


def wants_title(record: Record) -> bool:
    """Whether the worker should look at this record's first file for a title."""
    return record.title_source in PENDING and record.destroyed_at is None and bool(record.files)


@dataclass
class Retitled:
    """What :func:`apply_derived_titles` changed: the records whose title (and version) changed, and the outbox
    rows it wrote for them. The caller indexes those records in the same pass and may then mark these rows done,
    which saves the worker indexing every retitled record a second time; left undone they are simply applied
    again, so a crash in between loses nothing."""

    record_ids: set[int] = field(default_factory=set)
    outbox_ids: list[int] = field(default_factory=list)


def apply_derived_titles(rt: Runtime, records: Iterable[Record], heads: Mapping[int, str]) -> Retitled:
    """Propose or apply titles for ``records`` from ``heads`` (record id → the start of its first file's text).

    Records without a head (no text yet) are left alone."""
    proposals: dict[int, str | None] = {}
    derived: dict[int, str] = {}
    for record in records:
        if not wants_title(record) or record.id not in heads:
            continue
        title = derive_title(heads[record.id], record.files[0].filename)
        title = title[:MAX_TITLE_COLUMN] if title else None
        if title == record.title:
            title = None  # the file name already says it: nothing to propose
        if record.title_source == TitleSource.FILE_NAME and title != record.proposed_title:
            proposals[record.id] = title
        elif record.title_source == TitleSource.FILE_NAME_AUTO and title:
            derived[record.id] = title
    if not proposals and not derived:
        return Retitled()
    with rt.db.write() as session:
        for record_id, title in sorted(proposals.items()):
            # Guarded by the source: a person who took or typed a title meanwhile is not overruled.
            session.execute(
                update(Record)
                .where(Record.id == record_id, Record.title_source == str(TitleSource.FILE_NAME))
                .values(proposed_title=title)
            )
        return _apply(session, derived)


def _apply(session: Session, derived: dict[int, str]) -> Retitled:
    """Set the derived titles (rows locked in id order: the lock order is record → audit head everywhere)."""
    done = Retitled()
    if not derived:
        return done
    rows = session.execute(
        select(Record).where(Record.id.in_(sorted(derived))).order_by(Record.id).with_for_update(of=Record)
    ).scalars()
    now = utcnow()
    for record in rows:
        if record.title_source != TitleSource.FILE_NAME_AUTO or record.destroyed_at is not None:
            continue  # someone titled it meanwhile
        before = {"title": record.title, "title_source": record.title_source}
        record.title = derived[record.id]
        record.title_source = str(TitleSource.DERIVED)
        record.proposed_title = None
        record.updated_at = now
        session.flush()  # version bump ("WHERE version = :old"), under the row lock taken above
        audit.append(
            session,
            SYSTEM,
            str(AuditAction.RECORD_TITLE_DERIVED),
            entity_type="record",
            entity_id=record.id,
            record_id=record.id,
            changes=audit.diff(before, {"title": record.title, "title_source": record.title_source}),
        )
        event = OutboxEvent(topic="record.updated", record_id=record.id, record_version=record.version, payload={})
        session.add(event)
        session.flush()
        done.record_ids.add(record.id)
        done.outbox_ids.append(event.id)
    if done.record_ids:
        log.info("derived titles applied to %d records", len(done.record_ids))
    return done
