"""Web sign-in with a lockout, and the password change of the staff workspace.

Why a lockout on top of the per-address rate limit: an attacker spreading guesses over many addresses is still
stopped at ``MAX_FAILURES`` guesses per ``LOCK_DURATION`` for one account. The counters live on the user row
(``failed_logins``, ``locked_until``) so every web process sees them. A name that does not exist is counted in a
small in-process table and locked the same way, so the answers (wrong password, then "too many attempts") never
tell whether a username exists. A lock is written to the audit trail (``user.login_locked``).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select

from schemas.base import bilingual
from schemas.enums import AuditAction
from schemas.users import PASSWORD_MAX, PASSWORD_MIN

from ..db import User
from ..db.types import utcnow
from ..errors import ArsipError, AuthenticationRequired, NotFound, ValidationFailed
from ..runtime import Runtime
from . import audit
from .actor import Actor
from .auth import authorize, check_password
from .passwords import hasher

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
LOGIN_LOCKED = "user.login_locked"
# The audit trail names who acted; a failed sign-in has no user yet, so it is this (never a real account).
WEB_SIGN_IN = Actor(user_id=None, username="masuk-web", role="anonim")


class SignInLocked(ArsipError):
    """Sign-in refused for a while after too many failures (same answer for known and unknown names)."""

    status = 429
    code = "sign-in-locked"
    title_id = "Terlalu banyak percobaan masuk"
    title_en = "Too many sign-in attempts"

    def __init__(self) -> None:
        minutes = int(LOCK_DURATION.total_seconds() // 60)
        super().__init__(
            f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit.",
            f"Too many failed sign-in attempts; try again in {minutes} minutes.",
        )


class _UnknownNames:
    """Failure counts of names that are no account, so they lock like real ones (bounded, per process)."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[int, datetime | None]] = {}

    def locked(self, name: str, now: datetime) -> bool:
        with self._lock:
            _count, until = self._rows.get(name, (0, None))
            return until is not None and until > now

    def fail(self, name: str, now: datetime) -> bool:
        """Count one failure; True when this failure locks the name."""
        with self._lock:
            if len(self._rows) > self.LIMIT:
                self._rows.clear()
            count, _until = self._rows.get(name, (0, None))
            count += 1
            if count >= MAX_FAILURES:
                self._rows[name] = (0, now + LOCK_DURATION)
                return True
            self._rows[name] = (count, None)
            return False


_unknown_by_database: dict[str, _UnknownNames] = {}
_tables_lock = threading.Lock()


def unknown_names(rt: Runtime) -> _UnknownNames:
    """The table of unknown names for this runtime's database (accounts are per database)."""
    with _tables_lock:
        return _unknown_by_database.setdefault(rt.settings.database_url, _UnknownNames())


def sign_in_password(
    rt: Runtime, username: str, password: str, *, client: str = "-", now: datetime | None = None
) -> Actor:
    """Check a web sign-in. Raises ``AuthenticationRequired`` (wrong name or password, one message for both) or
    ``SignInLocked`` (while locked, and on the failure that locks); a success clears the failure count."""
    now = now or utcnow()
    with rt.db.read() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        user_id, locked_until = (user.id, user.locked_until) if user is not None else (None, None)
    ghosts = unknown_names(rt)
    if (user_id is None and ghosts.locked(username, now)) or (locked_until is not None and locked_until > now):
        raise SignInLocked()
    try:
        actor = check_password(rt, username, password)
    except AuthenticationRequired:
        locks = ghosts.fail(username, now) if user_id is None else _count_failure(rt, user_id, client, now)
        if locks:
            raise SignInLocked() from None
        raise
    _clear_failures(rt, user_id)
    return actor


def _count_failure(rt: Runtime, user_id: int, client: str, now: datetime) -> bool:
    """One more failure on the user row (locked for update); True when it locks the account."""
    with rt.db.write() as session:
        user = session.execute(select(User).where(User.id == user_id).with_for_update()).scalar_one()
        if user.locked_until is not None and user.locked_until > now:
            return True  # a concurrent attempt locked it already
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins < MAX_FAILURES:
            return False
        user.failed_logins = 0
        user.locked_until = now + LOCK_DURATION
        audit.append(
            session,
            WEB_SIGN_IN,
            LOGIN_LOCKED,
            entity_type="user",
            entity_id=user.id,
            changes={
                "locked_until": {"before": None, "after": user.locked_until},
                "client": {"before": None, "after": client[:64]},
            },
        )
        return True


def _clear_failures(rt: Runtime, user_id: int | None) -> None:
    if user_id is None:
        return
    with rt.db.write() as session:
        user = session.get(User, user_id)
        if user is not None and (user.failed_logins or user.locked_until is not None):
            user.failed_logins = 0
            user.locked_until = None


def _message(id_text: str, en_text: str) -> list[str]:
    return [bilingual(id_text, en_text)]


def change_password(rt: Runtime, actor: Actor, current: str, new: str, repeat: str) -> User:
    """Set a new password after checking the current one. Returns the updated user, so the caller can re-stamp
    its own session; every other session of the user ends because its stamp no longer matches."""
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
        user.failed_logins = 0
        user.locked_until = None
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
