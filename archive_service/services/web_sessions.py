"""Server-side sessions of the staff workspace: a session ends when its row is gone.

The browser's (signed) Flask cookie carries only a random session id; the ``web_sessions`` table keeps its SHA-256,
the user, and when the session was made, last used and ends. Every staff request looks the row up
(:func:`resolve`): no row, an expired row or a user who is no longer active signs the browser out. So

- signing out deletes the row, and a copy of the cookie stops working at once (:func:`end`);
- a password change or deleting a user deletes every row of that user (:func:`end_all`), in the same transaction;
- signing in always makes a new id (:func:`start`), and ends the one the browser had (no session fixation).

Lifetime: as before this table existed (the cookie was re-signed on every request and expired 8 hours after the last
one), a session ends after ``IDLE_LIFETIME`` without a request; there is no absolute lifetime. ``expires_at`` is
moved forward when the session is used, at most once per ``TOUCH_EVERY`` so a page view is not a database write.
Expired rows are refused at once and deleted opportunistically: when met by :func:`resolve`, and all of them at
every sign-in (one indexed ``DELETE``), so the table holds at most the sessions of the last ``IDLE_LIFETIME``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..db import User
from ..db.models import WebSession
from ..db.types import utcnow
from ..runtime import Runtime

IDLE_LIFETIME = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)
_MAX_ID_LENGTH = 100
log = logging.getLogger(__name__)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _usable(session_id: object) -> bool:
    return isinstance(session_id, str) and 0 < len(session_id) <= _MAX_ID_LENGTH


def start(rt: Runtime, user_id: int, *, replacing: object = None, now: datetime | None = None) -> str:
    """A new session of ``user_id``; returns its id (for the cookie only, never stored). ``replacing``: the id the
    browser held before, which ends here. Expired sessions of everyone are swept first."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    sweep(rt, now)
    with rt.db.write() as db:
        if _usable(replacing):
            db.execute(delete(WebSession).where(WebSession.id_hash == _hash(str(replacing))))
        db.add(
            WebSession(
                id_hash=_hash(session_id),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + IDLE_LIFETIME,
            )
        )
    return session_id


def resolve(rt: Runtime, session_id: object, *, now: datetime | None = None) -> User | None:
    """The active user of a live session, or None (no such session, expired, user deactivated or deleted)."""
    if not _usable(session_id):
        return None
    now = now or utcnow()
    key = _hash(str(session_id))
    with rt.db.read() as db:
        row = db.get(WebSession, key)
        user = db.get(User, row.user_id) if row is not None else None
        last_seen = row.last_seen_at if row is not None else None
        live = row is not None and row.expires_at > now
    if row is None:
        return None
    if not live or user is None or not user.is_active or user.deleted_at is not None:
        with rt.db.write() as db:
            db.execute(delete(WebSession).where(WebSession.id_hash == key))
        return None
    if last_seen is not None and now - last_seen >= TOUCH_EVERY:
        with rt.db.write() as db:
            db.execute(
                update(WebSession)
                .where(WebSession.id_hash == key, WebSession.expires_at > now)
                .values(last_seen_at=now, expires_at=now + IDLE_LIFETIME)
            )
    return user


def sweep(rt: Runtime, now: datetime | None = None) -> None:
    """Delete every expired session (one indexed ``DELETE``, its own transaction); never fails a sign-in."""
    try:
        with rt.db.write() as db:
            db.execute(delete(WebSession).where(WebSession.expires_at <= (now or utcnow())))
    except DBAPIError:
        log.warning("sweeping expired web sessions failed; the next sign-in tries again", exc_info=True)


def end(rt: Runtime, session_id: object) -> None:
    """Sign out: the session's row goes, so any copy of its cookie is refused from now on."""
    if _usable(session_id):
        with rt.db.write() as db:
            db.execute(delete(WebSession).where(WebSession.id_hash == _hash(str(session_id))))


def end_all(db: Session, user_id: int) -> int:
    """End every session of a user, inside the caller's write transaction (password change, account deleted).
    Returns how many ended."""
    ended = db.execute(select(WebSession.id_hash).where(WebSession.user_id == user_id)).scalars().all()
    db.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return len(ended)
