"""``arsip cron``: the periodic jobs, safe to run twice — or twice at once (docs/notifications.md).

A run has two phases.

1. **Decide and record.** Each job composes the messages it wants (``services.notifications``) and inserts them
   into ``notifications`` with ``INSERT … ON CONFLICT (dedupe_key) DO NOTHING``: the key names the event and the
   recipient, so a second run (or a concurrent one) records nothing new. The insert is set-based and committed
   before anything is sent; there is no read-then-insert race.
2. **Deliver.** Every unsent row (``sent_at`` NULL, fewer than ``MAX_ATTEMPTS`` tries) is *claimed* with one
   conditional ``UPDATE … WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < now - CLAIM_TTL)``; only
   the run whose update changed the row (rowcount 1) sends it, and it marks the row sent right after the server
   accepted the message. Two runs therefore never both send a row.

**At-least-once, narrowly.** If the process dies after the SMTP server accepted a message but before ``sent_at``
is committed, the claim expires after ``CLAIM_TTL`` and a later run sends it again. The alternative (at-most-once:
never resend a claimed row) would silently lose a reminder whenever a run is killed mid-send, and a missed
exemption review is worse than one duplicate mail. The window is one SMTP round trip, and the ``Message-ID`` is
derived from the dedupe key, so a receiving server or client that deduplicates on it drops the duplicate.

The attempt counter is raised when a row is claimed (not after a failure), so even a run that crashes on a row
counts a try and a poisoned message stops after ``MAX_ATTEMPTS``.

**Clean-up.** A run of all jobs also removes what crashed processes left behind (``services/cleanup.py``: staging
files, unreferenced blobs, temp folders, stray index generations; with ``dry_run`` it only counts them). It uses
the real clock, not ``now``, and a failing clean-up never stops the notifications.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select, update

from schemas.enums import PublicationState as S

from ..db import Notification, Record
from ..db.engine import upsert_insert
from ..db.types import utcnow
from ..runtime import Runtime
from . import notifications, workflow
from .actor import SYSTEM, Actor
from .auth import authorize
from .mailer import Mailer, MailServerUnavailable, build_message

if TYPE_CHECKING:
    from .cleanup import CleanupReport

log = logging.getLogger(__name__)

# the order of ``all``: expiry first opens PPID steps; "requests": requests for information and objections (issue 18)
JOBS = ("exemptions", "notify", "digest", "retention", "requests")
MAX_ATTEMPTS = 5
CLAIM_TTL = timedelta(minutes=10)
INSERT_CHUNK = 500


@dataclass
class JobResult:
    name: str
    composed: int = 0  # messages the job wants (recorded now or earlier)
    recorded: int = 0  # new rows this run (dry run: rows it would add)
    expired: list[int] = field(default_factory=list)  # exemptions job: records returned to the PPID


@dataclass
class CronReport:
    jobs: list[JobResult]
    dry_run: bool
    mail_enabled: bool
    sent: int = 0
    failed: int = 0
    pending: int = 0  # unsent rows left for a later run (mail off, server down, or given up)
    errors: list[str] = field(default_factory=list)
    cleanup: CleanupReport | None = None  # what the clean-up removed (runs of all jobs)

    @property
    def ok(self) -> bool:
        return not self.errors


def run(
    rt: Runtime,
    *,
    jobs: Sequence[str] = JOBS,
    now: datetime | None = None,
    dry_run: bool = False,
    actor: Actor = SYSTEM,
    mailer_factory: Callable[[Runtime], Mailer] | None = None,
) -> CronReport:
    """Run ``jobs`` for the moment ``now`` (default: the clock), then deliver what is unsent."""
    authorize(actor, "notification.run")
    unknown = [j for j in jobs if j not in JOBS]
    if unknown:
        raise ValueError(f"unknown cron job(s): {', '.join(unknown)} (known: {', '.join(JOBS)})")
    now = now or utcnow()
    today = now.astimezone(rt.calendar.tz).date()
    report = CronReport(jobs=[], dry_run=dry_run, mail_enabled=bool(rt.settings.smtp_host))
    for name in (j for j in JOBS if j in jobs):
        result = JobResult(name)
        if name == "exemptions":
            result.expired = _would_expire(rt, today) if dry_run else workflow.expire_exemptions(rt, SYSTEM, today)
        drafts = _compose(rt, name, now, today)
        result.composed = len(drafts)
        result.recorded = count_new(rt, drafts) if dry_run else record(rt, drafts)
        report.jobs.append(result)
    if set(jobs) >= set(JOBS):
        report.cleanup = _clean_up(rt, dry_run)
    if dry_run:
        report.pending = _unsent(rt)
        return report
    if report.mail_enabled:
        mailer = (mailer_factory or (lambda r: Mailer(r.settings)))(rt)
        with mailer:
            deliver(rt, mailer, report)
    report.pending = _unsent(rt)
    return report


def _clean_up(rt: Runtime, dry_run: bool) -> CleanupReport | None:
    from . import cleanup

    try:
        return cleanup.run(rt, reason="cron", dry_run=dry_run)
    except Exception:
        log.exception("clean-up failed; the periodic jobs go on")
        return None


def _compose(rt: Runtime, job: str, now: datetime, today: date) -> list[notifications.Draft]:
    if job == "notify":
        return notifications.step_opened(rt, now)
    if job == "digest":
        return notifications.digests(rt, now)
    if job == "exemptions":
        return notifications.exemption_reminders(rt, today)
    if job == "requests":
        from . import requests_notify

        return requests_notify.compose(rt, now)
    return notifications.retention_reminders(rt, today)


def _would_expire(rt: Runtime, today: date) -> list[int]:
    """What ``expire_exemptions`` would return to the PPID today (dry run)."""
    with rt.db.read() as session:
        return list(
            session.execute(
                select(Record.id).where(
                    Record.publication_state == str(S.DIKECUALIKAN),
                    Record.exemption_no_expiry.is_(False),
                    Record.exemption_until.is_not(None),
                    Record.exemption_until <= today,
                    Record.destroyed_at.is_(None),
                )
            ).scalars()
        )


# ---- phase 1: record -------------------------------------------------------------------------------------------------
def record(rt: Runtime, drafts: Sequence[notifications.Draft]) -> int:
    """Insert the drafts whose key is new; returns how many were inserted. Duplicates are skipped by the database
    (``ON CONFLICT DO NOTHING``), so concurrent runs cannot both insert one."""
    if not drafts:
        return 0
    created = utcnow()
    inserted = 0
    with rt.db.write() as session:
        insert = upsert_insert(session)
        for start in range(0, len(drafts), INSERT_CHUNK):
            rows = [
                {
                    "kind": d.kind,
                    "dedupe_key": d.dedupe_key,
                    "user_id": d.user_id,
                    "record_id": d.record_id,
                    "recipient": d.recipient,
                    "subject": d.subject,
                    "body": d.body,
                    "created_at": created,
                    "attempts": 0,
                }
                for d in drafts[start : start + INSERT_CHUNK]
            ]
            stmt = (
                insert(Notification)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(Notification.id)
            )
            inserted += len(session.execute(stmt).all())
    return inserted


def count_new(rt: Runtime, drafts: Sequence[notifications.Draft]) -> int:
    """How many drafts ``record`` would insert (dry run)."""
    keys = {d.dedupe_key for d in drafts}
    if not keys:
        return 0
    existing: set[str] = set()
    ordered = sorted(keys)
    with rt.db.read() as session:
        for start in range(0, len(ordered), INSERT_CHUNK):
            chunk = ordered[start : start + INSERT_CHUNK]
            existing.update(
                session.execute(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(chunk))).scalars()
            )
    return len(keys - existing)


# ---- phase 2: deliver ------------------------------------------------------------------------------------------------
def _unsent(rt: Runtime) -> int:
    with rt.db.read() as session:
        return int(
            session.execute(
                select(func.count()).select_from(Notification).where(Notification.sent_at.is_(None))
            ).scalar_one()
        )


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return (
        Notification.sent_at.is_(None),
        Notification.attempts < MAX_ATTEMPTS,
        or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - CLAIM_TTL),
    )


def claim(rt: Runtime, notification_id: int, token: str) -> Notification | None:
    """Take one row for this run: a conditional UPDATE that only one run can win. Returns the row, or None when
    it is sent, given up, or being sent by another run."""
    now = utcnow()
    with rt.db.write() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, *_claimable(now))
            .values(claimed_at=now, claim_token=token, attempts=Notification.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return session.get(Notification, notification_id)


def _finish(rt: Runtime, notification_id: int, token: str, **values: object) -> None:
    with rt.db.write() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.claim_token == token)
            .values(claimed_at=None, claim_token=None, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # only if this run outlived CLAIM_TTL on one message
            log.warning("notification %s: claim lost before it was marked", notification_id)


def deliver(rt: Runtime, mailer: Mailer, report: CronReport) -> None:
    """Send every claimable row, oldest first; mark each sent as soon as the server accepted it."""
    with rt.db.read() as session:
        ids = list(
            session.execute(select(Notification.id).where(*_claimable(utcnow())).order_by(Notification.id)).scalars()
        )
    for notification_id in ids:
        token = uuid.uuid4().hex
        row = claim(rt, notification_id, token)
        if row is None:
            continue
        msg = build_message(
            rt.settings,
            recipient=row.recipient,
            subject=row.subject,
            body=row.body,
            dedupe_key=row.dedupe_key,
            date=row.created_at,
        )
        try:
            mailer.send(msg)
        except MailServerUnavailable as exc:
            _finish(rt, notification_id, token, last_error=str(exc)[:2000])
            report.failed += 1
            report.errors.append(str(exc))
            log.warning("mail server unavailable, delivery stopped for this run: %s", exc)
            return  # the rest would fail the same way; they keep their attempts for the next run
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            _finish(rt, notification_id, token, last_error=error[:2000])
            report.failed += 1
            report.errors.append(f"{row.recipient}: {error}")
            continue
        _finish(rt, notification_id, token, sent_at=utcnow(), last_error=None)
        report.sent += 1
