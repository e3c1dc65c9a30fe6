"""Web sign-in with a backoff per (username, address), and the password change of the staff workspace.

Throttling: failed sign-ins are counted in the database (``sign_in_throttles``), so every web process sees the same
counts, per (normalised username, client address) — the name is normalised (trimmed, lower case) and stored as its
SHA-256. A name that is an account and a name that is not are counted and answered exactly alike: the same status
codes, messages and ``Retry-After``, the same number of tries, and the same work (a password hash is always
verified, against a fixed dummy hash when there is no such active account: ``auth.check_password``). After
``MAX_FAILURES`` failures the failure answers 429 and opens a backoff window (``FIRST_WINDOW``, doubling with each
further failure, at most ``LONGEST_WINDOW``); an attempt inside the window answers 429 with what is left of it and
checks nothing. A success deletes the count of that (name, address). The count is per address, so guesses from
elsewhere never keep the real user out of their own address. The price: guesses spread over many addresses get
``MAX_FAILURES`` tries and then the backoff at each address (besides the per-address rate limit of the view,
``ratelimit``); a strong password is what stops those. A count without a failure for
``FORGET_AFTER`` starts again from zero, and is deleted when some (name, address) fails for the first time.

When a backoff starts for a name that is an account, ``user.login_locked`` is written to the audit trail (the HTTP
answer is the same as for any other name). The old per-account lockout (``users.failed_logins``,
``users.locked_until``) is no longer read or written; the columns stay in the table, unused.

Password change: every session of the user ends (``web_sessions.end_all``) in the same transaction; the view then
gives the browser that changed it a new session.
"""

from __future__ import annotations

import hashlib
import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

from schemas.base import bilingual
from schemas.enums import AuditAction
from schemas.users import PASSWORD_MAX, PASSWORD_MIN

from ..db import User
from ..db.engine import upsert_insert
from ..db.models import SignInThrottle
from ..db.types import utcnow
from ..errors import ArsipError, AuthenticationRequired, NotFound, ValidationFailed
from ..runtime import Runtime
from . import audit, web_sessions
from .actor import Actor
from .auth import authorize, check_password
from .passwords import hasher

MAX_FAILURES = 5
FIRST_WINDOW = timedelta(seconds=1)
LONGEST_WINDOW = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)
LOGIN_LOCKED = "user.login_locked"
# The audit trail names who acted; a failed sign-in has no user yet, so it is this (never a real account).
WEB_SIGN_IN = Actor(user_id=None, username="masuk-web", role="anonim")
_CLIENT_LENGTH = 64
log = logging.getLogger(__name__)


class SignInLocked(ArsipError):
    """Sign-in refused for ``retry_after`` seconds after too many failures (same answer for every name)."""

    status = 429
    code = "sign-in-locked"
    title_id = "Terlalu banyak percobaan masuk"
    title_en = "Too many sign-in attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {retry_after} detik.",
            f"Too many failed sign-in attempts; try again in {retry_after} seconds.",
        )
        self.retry_after = retry_after


def normalise_username(username: str) -> str:
    """The name as sign-in looks it up and counts it (usernames are lower case: ``schemas.users``)."""
    return username.strip().lower()


def _key(username: str, client: str) -> tuple[str, str]:
    return hashlib.sha256(username.encode()).hexdigest(), (client or "-")[:_CLIENT_LENGTH]


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def window_after(failures: int) -> timedelta | None:
    """The backoff window opened by the ``failures``-th failure in a row (None below ``MAX_FAILURES``)."""
    if failures < MAX_FAILURES:
        return None
    doublings = min(failures - MAX_FAILURES, 20)
    return min(FIRST_WINDOW * 2**doublings, LONGEST_WINDOW)


def sign_in_password(
    rt: Runtime, username: str, password: str, *, client: str = "-", now: datetime | None = None
) -> Actor:
    """Check a web sign-in from ``client`` (its address). Raises ``AuthenticationRequired`` (wrong name or password,
    one message for both) or ``SignInLocked`` (inside a backoff window, and on the failure that opens one); a
    success clears the count of this (name, address)."""
    now = now or utcnow()
    name = normalise_username(username)
    key = _key(name, client)
    with rt.db.read() as session:
        row = session.get(SignInThrottle, key)
        counted = row is not None
        blocked_until = row.blocked_until if row is not None else None
    if blocked_until is not None and blocked_until > now:
        raise SignInLocked(_seconds(blocked_until - now))
    try:
        actor = check_password(rt, name, password)
    except AuthenticationRequired:
        window = _count_failure(rt, key, name, now)
        if window is not None:
            raise SignInLocked(_seconds(window)) from None
        raise
    if counted:
        with rt.db.write() as session:
            session.execute(
                delete(SignInThrottle).where(SignInThrottle.username_hash == key[0], SignInThrottle.client == key[1])
            )
    return actor


def _count_failure(rt: Runtime, key: tuple[str, str], name: str, now: datetime) -> timedelta | None:
    """One more failure of (name, address), counted under a row lock; returns the backoff window it opens."""
    name_hash, client = key
    with rt.db.write() as session:
        insert = upsert_insert(session)
        session.execute(
            insert(SignInThrottle)
            .values(username_hash=name_hash, client=client, failures=0, last_failure_at=now)
            .on_conflict_do_nothing()
        )
        row = session.execute(
            select(SignInThrottle)
            .where(SignInThrottle.username_hash == name_hash, SignInThrottle.client == client)
            .with_for_update()
        ).scalar_one()
        if row.last_failure_at < now - FORGET_AFTER:
            row.failures, row.blocked_until = 0, None
        row.failures += 1
        row.last_failure_at = now
        window = window_after(row.failures)
        if window is not None:
            row.blocked_until = now + window
        # The same queries for every name; only the audit entry below depends on the name being an account.
        user_id = session.execute(select(User.id).where(User.username == name)).scalar_one_or_none()
        if row.failures == MAX_FAILURES and user_id is not None and window is not None:
            audit.append(
                session,
                WEB_SIGN_IN,
                LOGIN_LOCKED,
                entity_type="user",
                entity_id=user_id,
                changes={
                    "blocked_until": {"before": None, "after": row.blocked_until},
                    "client": {"before": None, "after": client},
                },
            )
        first = row.failures == 1
    if first:  # the table grows only by first failures, so that is when the old counts are swept
        _sweep(rt, now)
    return window


def _sweep(rt: Runtime, now: datetime) -> None:
    """Delete the counts nobody added to for ``FORGET_AFTER``; its own transaction, and never fails a sign-in."""
    try:
        with rt.db.write() as session:
            session.execute(delete(SignInThrottle).where(SignInThrottle.last_failure_at < now - FORGET_AFTER))
    except DBAPIError:
        log.warning("sweeping old sign-in counts failed; the next first failure tries again", exc_info=True)


def _message(id_text: str, en_text: str) -> list[str]:
    return [bilingual(id_text, en_text)]


def change_password(rt: Runtime, actor: Actor, current: str, new: str, repeat: str) -> User:
    """Set a new password after checking the current one. Every session of the user ends (this one too); returns
    the updated user, so the caller can start a new session for the browser that changed it."""
    authorize(actor, "self.read")
    errors: dict[str, list[str]] = {}
    if not PASSWORD_MIN <= len(new) <= PASSWORD_MAX:
        errors["new_password"] = _message(
            f"Kata sandi baru harus {PASSWORD_MIN}-{PASSWORD_MAX} karakter.",
            f"The new password must be {PASSWORD_MIN}-{PASSWORD_MAX} characters.",
        )
    elif new == current:
        errors["new_password"] = _message(
            "Kata sandi baru harus berbeda dari yang lama.", "The new password must differ from the current one."
        )
    if new != repeat:
        errors["new_password_repeat"] = _message("Ulangan kata sandi tidak sama.", "The repeated password differs.")
    try:
        check_password(rt, actor.username, current)
    except AuthenticationRequired:
        errors["current_password"] = _message("Kata sandi saat ini salah.", "The current password is wrong.")
    if errors:
        raise ValidationFailed("Periksa isian yang ditandai.", "Check the fields marked.", errors=errors)
    with rt.db.write() as session:
        user = session.get(User, actor.user_id) if actor.user_id is not None else None
        if user is None or not user.is_active or user.deleted_at is not None:
            raise NotFound("Pengguna tidak ada.", "No such user.")
        user.password_hash = hasher().hash(new)
        web_sessions.end_all(session, user.id)
        audit.append(
            session,
            actor,
            str(AuditAction.USER_UPDATE),
            entity_type="user",
            entity_id=user.id,
            changes={"password": {"before": "***", "after": "***"}},
        )
        session.flush()
        return user
