"""Who may read which record: the one rule every view that lists, counts, renders or exports records goes through.

A record is readable by an actor when

* the actor is the system (CLI on the server, the worker), or
* the actor is a Tim Pendukung member and the record belongs to its unit (it made the record; it sees it whatever
  its security class), or
* the actor's role is cleared for the record's security class (``permissions.CLEARANCE``).

Views built *from* records (DIP, disposition batches, legal holds, worklists, due lists, reports, monev figures,
notifications, saved searches, exports, audit timelines) are projections of records and inherit this rule
(DESIGN.md §6). They use one of three forms of it, all defined here so that they cannot drift apart:

* ``visibility_filter(actor)``: the SQL condition, for lists and counts computed in the database;
* ``may_read(actor, security_class=…, unit=…)``: the same rule in Python, for rows already loaded or for copies of a
  record kept in a document (a batch line keeps the security class the record had when it was proposed: the line is
  hidden if *either* that or the record's class today is beyond the actor's clearance);
* ``visible_ids(session, actor, ids)``: which of the given record ids the actor may read, one query.

Where a document must keep its line even so (a fixed DIP version, the list of a disposition batch, which are
numbered documents), ``redacted_line`` keeps only the line's number and codes and replaces every descriptive value
by "uraian tidak ditampilkan". Everywhere else an unreadable record is simply absent, and never counted.

``tests/archive_service/test_access_matrix.py`` enumerates roles × surfaces × record kinds against this rule, and
``tests/archive_service/test_access_one_rule.py`` fails when a module outside the allowed list selects records
without going through it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from schemas.enums import Role

from ..db import Record
from ..errors import NotFound
from ..permissions import classes_visible_to
from .actor import Actor

REDACTED_ID = "uraian tidak ditampilkan"
REDACTED_EN = "description withheld"
# What a redacted line keeps: its place in the document and the codes that say nothing of the content.
REDACTED_KEEPS = frozenset({"no", "position", "dip_no", "category", "record_no", "classification_code"})


def visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """SQL condition for the records ``actor`` may read."""
    if actor.is_system:
        return true()
    if actor.role == Role.PENDUKUNG:
        return Record.processing_unit == (actor.unit_code or "")
    return Record.security_class.in_(classes_visible_to(actor.role))


def may_read(actor: Actor, *, security_class: str | None, unit: str | None) -> bool:
    """``visibility_filter`` in Python, for a record (or a copy of one) already loaded."""
    if actor.is_system:
        return True
    if actor.role == Role.PENDUKUNG:
        return unit is not None and unit == (actor.unit_code or "")
    return security_class is not None and str(security_class) in classes_visible_to(actor.role)


def may_read_record(actor: Actor, record: Record) -> bool:
    return may_read(actor, security_class=record.security_class, unit=record.processing_unit)


def may_read_copy(actor: Actor, record: Record | None, copy: Mapping[str, Any]) -> bool:
    """A copy of a record kept in a document (a batch line, a DIP row): readable only when the record today *and*
    the copy as it was made are both readable (a record reclassified since keeps the copy's line hidden, and so
    does a copy made under a class the record no longer has)."""
    if actor.is_system:
        return True
    if record is None:  # the record row is gone (never in this system: records are tombstoned, not deleted)
        return False
    if not may_read_record(actor, record):
        return False
    copied_class = copy.get("security_class")
    copied_unit = copy.get("processing_unit", record.processing_unit)
    return may_read(actor, security_class=copied_class or record.security_class, unit=copied_unit)


def not_found(record_id: int) -> NotFound:
    return NotFound(f"Arsip {record_id} tidak ditemukan.", f"Record {record_id} not found.")


def load_visible(session: Session, actor: Actor, record_id: int, *, lock: bool = False) -> Record:
    """The record, or 404 when it does not exist *or* the actor may not read it (no existence leak). ``lock``
    takes the row lock now (``FOR UPDATE`` on PostgreSQL), for a change that must not fail on a version bumped
    by someone else between this read and its own write."""
    query = select(Record).where(Record.id == record_id, visibility_filter(actor))
    if lock:
        query = query.with_for_update(of=Record)
    record = session.execute(query).scalar_one_or_none()
    if record is None:
        raise not_found(record_id)
    return record


def visible_ids(session: Session, actor: Actor, ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` that ``actor`` may read (one query per 500 ids)."""
    wanted = sorted(set(ids))
    if actor.is_system:
        return set(session.execute(select(Record.id).where(Record.id.in_(wanted))).scalars()) if wanted else set()
    found: set[int] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.execute(select(Record.id).where(Record.id.in_(chunk), visibility_filter(actor))).scalars())
    return found


def redacted_line(line: Mapping[str, Any], keeps: Collection[str] = REDACTED_KEEPS) -> dict[str, Any]:
    """A line of a numbered document whose record the reader may not read: its number and codes, nothing else."""
    out: dict[str, Any] = {name: (value if name in keeps else None) for name, value in line.items()}
    for name in ("title", "summary", "description"):
        if name in out:
            out[name] = REDACTED_ID
    out["redacted"] = True
    return out


__all__ = [
    "REDACTED_EN",
    "REDACTED_ID",
    "load_visible",
    "may_read",
    "may_read_copy",
    "may_read_record",
    "not_found",
    "redacted_line",
    "visibility_filter",
    "visible_ids",
]
