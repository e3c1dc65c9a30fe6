"""Claiming work in the database, with leases, so workers on several machines share one queue (issue 19).

Why the database and not a lock file: a file lock only serialises workers that share a data folder, so two
machines would both take every outbox row. Here each worker *claims* rows: ``SELECT … FOR UPDATE SKIP LOCKED``
picks rows nobody holds (concurrent claimers skip each other's rows instead of waiting), and the same statement
writes ``claimed_by`` and ``lease_until``. A live worker renews its leases (a heartbeat every third of
``ARSIP_WORKER_LEASE_SECONDS``); a dead one stops, and once its lease has run out any worker claims the row again.
So a worker killed mid-job loses nothing, and the work done twice is at most what it held under one lease.

All times are the database's clock (``now()``): the machines' clocks may disagree, the database has one.

Three kinds of claim:

- extraction jobs: ``extractions`` rows in state ``pending`` (created by the indexing worker for files that need
  text, see :func:`ensure_pending`); recording the result clears the lease (``indexing._save_extraction``);
- outbox rows: claimed by the worker that indexes; a processed row keeps ``claimed_by`` (who applied it);
- named leases (``worker_leases``): ``index-writer``, the single writer of an embedded tantivy index.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ..db import Extraction, OutboxEvent, WorkerLease
from ..db.engine import upsert_insert
from ..runtime import Runtime

INDEX_WRITER = "index-writer"


def worker_id(rt: Runtime) -> str:
    """The name this process claims under: ``ARSIP_WORKER_ID``, else ``<host>:<pid>`` (unique while it lives)."""
    return rt.settings.worker_id or f"{socket.gethostname()}:{os.getpid()}"


def lease_of(rt: Runtime) -> timedelta:
    return timedelta(seconds=rt.settings.worker_lease_seconds)


def ensure_pending(rt: Runtime, shas: Iterable[str]) -> None:
    """Make an extraction job (``pending`` row) for each blob that has no extraction row yet."""
    wanted = sorted(set(shas))
    if not wanted:
        return
    with rt.db.write() as session:
        insert = upsert_insert(session)
        session.execute(
            insert(Extraction).on_conflict_do_nothing(),
            [{"blob_sha256": sha, "state": "pending", "attempts": 0} for sha in wanted],
        )


def claim_extractions(rt: Runtime, me: str, limit: int) -> list[str]:
    """Claim up to ``limit`` pending extraction jobs nobody holds; the blobs' SHA-256, oldest jobs first."""
    if limit <= 0:
        return []
    free = or_(Extraction.lease_until.is_(None), Extraction.lease_until < func.now())
    pick = (
        select(Extraction.blob_sha256)
        .where(Extraction.state == "pending", free)
        .order_by(Extraction.updated_at, Extraction.blob_sha256)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    with rt.db.write() as session:
        claimed = session.execute(
            update(Extraction)
            .where(Extraction.blob_sha256.in_(pick.scalar_subquery()))
            .values(claimed_by=me, lease_until=func.now() + lease_of(rt))
            .returning(Extraction.blob_sha256)
            .execution_options(synchronize_session=False)
        ).scalars()
        return sorted(claimed)


def renew_extractions(rt: Runtime, me: str, shas: Iterable[str]) -> int:
    """Extend this worker's leases on the jobs it still works on; returns how many it still held."""
    wanted = sorted(set(shas))
    if not wanted:
        return 0
    with rt.db.write() as session:
        result = session.execute(
            update(Extraction)
            .where(Extraction.blob_sha256.in_(wanted), Extraction.claimed_by == me, Extraction.state == "pending")
            .values(lease_until=func.now() + lease_of(rt))
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)


def release_extractions(rt: Runtime, me: str, shas: Iterable[str]) -> None:
    """Give back jobs this worker will not finish (it is stopping): others may claim them at once."""
    wanted = sorted(set(shas))
    if not wanted:
        return
    with rt.db.write() as session:
        session.execute(
            update(Extraction)
            .where(Extraction.blob_sha256.in_(wanted), Extraction.claimed_by == me, Extraction.state == "pending")
            .values(lease_until=None)
            .execution_options(synchronize_session=False)
        )


def claim_outbox(rt: Runtime, me: str, limit: int) -> list[tuple[int, int | None, dict[str, object]]]:
    """Claim up to ``limit`` due outbox rows nobody holds, in order: ``(id, record_id, payload)`` each."""
    free = or_(OutboxEvent.lease_until.is_(None), OutboxEvent.lease_until < func.now())
    due = and_(
        OutboxEvent.processed_at.is_(None),
        OutboxEvent.dead_at.is_(None),
        or_(OutboxEvent.next_attempt_at.is_(None), OutboxEvent.next_attempt_at <= func.now()),
    )
    pick = (
        select(OutboxEvent.id).where(due, free).order_by(OutboxEvent.id).limit(limit).with_for_update(skip_locked=True)
    )
    with rt.db.write() as session:
        rows = session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(pick.scalar_subquery()))
            .values(claimed_by=me, lease_until=func.now() + lease_of(rt))
            .returning(OutboxEvent.id, OutboxEvent.record_id, OutboxEvent.payload)
            .execution_options(synchronize_session=False)
        ).all()
    return sorted((int(i), rid, payload or {}) for i, rid, payload in rows)


def defer_outbox(rt: Runtime, me: str, event_ids: Iterable[int], seconds: float) -> None:
    """Hand rows back to the queue, due again in ``seconds`` (their records wait for text other workers extract)."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    with rt.db.write() as session:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(ids), OutboxEvent.claimed_by == me)
            .values(lease_until=None, next_attempt_at=func.now() + timedelta(seconds=seconds))
            .execution_options(synchronize_session=False)
        )


def release_outbox(rt: Runtime, me: str, event_ids: Iterable[int] | None = None) -> None:
    """Give back unprocessed rows this worker holds (these, or all when it stops); their retry time stays."""
    held = and_(OutboxEvent.claimed_by == me, OutboxEvent.processed_at.is_(None))
    if event_ids is not None:
        held = and_(held, OutboxEvent.id.in_(sorted(set(event_ids))))
    with rt.db.write() as session:
        session.execute(
            update(OutboxEvent).where(held).values(lease_until=None).execution_options(synchronize_session=False)
        )


def hold_lease(rt: Runtime, name: str, me: str) -> bool:
    """Take or renew the named lease; True while this worker holds it. Taken only when free or run out."""
    insert = pg_insert(WorkerLease).values(name=name, holder=me, lease_until=func.now() + lease_of(rt))
    stmt = insert.on_conflict_do_update(
        index_elements=[WorkerLease.name],
        set_={"holder": insert.excluded.holder, "lease_until": insert.excluded.lease_until},
        where=or_(WorkerLease.holder == me, WorkerLease.lease_until < func.now()),
    ).returning(WorkerLease.holder)
    with rt.db.write() as session:
        return session.execute(stmt).scalar_one_or_none() == me


def drop_lease(rt: Runtime, name: str, me: str) -> None:
    """Give the named lease up (a clean stop), so another worker takes the role without waiting."""
    with rt.db.write() as session:
        session.execute(
            update(WorkerLease)
            .where(WorkerLease.name == name, WorkerLease.holder == me)
            .values(lease_until=func.now() - timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )


def lease_holder(rt: Runtime, name: str) -> str | None:
    """Who holds the named lease now (None: nobody, or it ran out)."""
    with rt.db.read() as session:
        return session.execute(
            select(WorkerLease.holder).where(WorkerLease.name == name, WorkerLease.lease_until >= func.now())
        ).scalar_one_or_none()


def live_claims(rt: Runtime) -> dict[str, int]:
    """Extraction jobs held under a live lease, per worker (``arsip index status``: who works on what now)."""
    with rt.db.read() as session:
        rows = session.execute(
            select(Extraction.claimed_by, func.count())
            .where(Extraction.state == "pending", Extraction.lease_until >= func.now())
            .group_by(Extraction.claimed_by)
        ).all()
    return {str(worker): int(n) for worker, n in sorted(rows)}


__all__ = [
    "INDEX_WRITER",
    "claim_extractions",
    "claim_outbox",
    "defer_outbox",
    "drop_lease",
    "ensure_pending",
    "hold_lease",
    "lease_holder",
    "live_claims",
    "release_extractions",
    "release_outbox",
    "renew_extractions",
    "worker_id",
]
