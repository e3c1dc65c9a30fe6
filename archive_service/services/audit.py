"""The audit trail: appended in the same transaction as the change it describes, and hash-chained.

Each row's hash covers its content and the previous row's hash; the single ``audit_head`` row holds the last id,
hash and count and is locked (``FOR UPDATE``; on SQLite the write transaction is already exclusive) by every
append, so rows get consecutive ids in chain order. ``verify_chain`` can therefore name the first row that was
altered, deleted (an id gap, or a head pointing past the end) or reordered (an id out of sequence or a broken link).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..db import AuditEvent, AuditHead
from ..db.types import utcnow
from .actor import Actor

GENESIS_HASH = "0" * 64
_PLAIN = frozenset({str, int, float, bool})


def jsonable(value: Any) -> Any:
    """Values as they are stored in ``changes``: dates as ISO strings, sets/tuples as lists."""
    if value is None or type(value) in _PLAIN:  # most values: answered before the isinstance chain (batch ingest)
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields whose value changed, as ``{field: {"before": …, "after": …}}``."""
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        b, a = jsonable(before.get(key)), jsonable(after.get(key))
        if b != a:
            out[key] = {"before": b, "after": a}
    return out


_HASHED = ("id", "at", "actor_id", "actor_name", "action", "entity_type", "entity_id", "record_id", "changes")


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the row's content."""
    return _row_hash(prev_hash, {name: getattr(event, name) for name in _HASHED})


def _row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """``event_hash`` of a row given as a mapping (the bulk path builds rows, not ORM objects)."""
    content = {name: row[name] for name in _HASHED}
    content["at"] = row["at"].isoformat(timespec="microseconds")
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _lock_head(session: Session) -> AuditHead:
    """The head row, locked once per transaction; later appends in the same transaction reuse it and the ORM
    writes its final state once at flush."""
    head = session.info.get("audit_head")
    if head is not None and head in session:
        return head
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:  # a database created before the seed row existed; create it inside this transaction
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS_HASH, count=0)
        session.add(head)
        session.flush()
    session.info["audit_head"] = head
    return head


def append(
    session: Session,
    actor: Actor,
    action: str,
    *,
    entity_type: str,
    entity_id: str | int,
    record_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    head = _lock_head(session)
    event = AuditEvent(
        id=head.last_id + 1,
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        record_id=record_id,
        changes=jsonable(changes or {}),
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(head.last_hash, event)
    session.add(event)
    head.last_id = event.id
    head.last_hash = event.hash
    head.count = head.count + 1
    return event


@dataclass(frozen=True)
class Entry:
    """One event for ``append_many``."""

    action: str
    entity_type: str
    entity_id: str | int
    record_id: int | None = None
    changes: dict[str, Any] | None = None


def append_many(session: Session, actor: Actor, entries: list[Entry]) -> None:
    """Append several events to the chain with one multi-row insert, the same rows and hashes ``append`` would
    give one by one (one timestamp for all). Why: a batch ingest appends two events per record, and building an
    ORM object and flushing it per event was the largest share of the committing thread's CPU."""
    if not entries:
        return
    head = _lock_head(session)
    at = utcnow()
    prev_hash, last_id = head.last_hash, head.last_id
    rows: list[dict[str, Any]] = []
    for entry in entries:
        last_id += 1
        row = {
            "id": last_id,
            "at": at,
            "actor_id": actor.user_id,
            "actor_name": actor.username,
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": str(entry.entity_id),
            "record_id": entry.record_id,
            "changes": jsonable(entry.changes or {}),
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = _row_hash(prev_hash, row)
        rows.append(row)
    session.execute(insert(AuditEvent), rows)
    head.last_id, head.last_hash, head.count = last_id, prev_hash, head.count + len(rows)


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    kind: str  # altered | missing | reordered | head
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    """Stream the chain in id order in fixed-size batches (constant memory on millions of rows)."""
    last = 0
    while True:
        rows = (
            session.execute(select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch))
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def verify_chain(session: Session, max_problems: int = 50) -> ChainReport:
    """Walk the whole chain and report where it breaks."""
    problems: list[ChainProblem] = []
    expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in _iter_events(session):
        checked += 1
        if event.id != expected_id:
            problems.append(
                ChainProblem(
                    event.id,
                    "missing",
                    f"rows {expected_id}..{event.id - 1} are missing before row {event.id}",
                )
            )
        if event.prev_hash != prev_hash:
            problems.append(ChainProblem(event.id, "reordered", f"row {event.id} does not link to the row before it"))
        if event_hash(event.prev_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, "altered", f"row {event.id} was altered after it was written"))
        expected_id, prev_hash = event.id + 1, event.hash
        if len(problems) >= max_problems:
            return ChainReport(checked, problems)
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id != expected_id - 1 or head.last_hash != prev_hash or head.count != checked):
        problems.append(
            ChainProblem(
                head.last_id,
                "head",
                f"the chain head expects {head.count} rows ending at row {head.last_id}, "
                f"found {checked} ending at row {expected_id - 1}",
            )
        )
    return ChainReport(checked, problems)


def history(session: Session, record_id: int) -> list[AuditEvent]:
    """Every event about one record, oldest first."""
    return list(
        session.execute(select(AuditEvent).where(AuditEvent.record_id == record_id).order_by(AuditEvent.id)).scalars()
    )
