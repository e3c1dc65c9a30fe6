"""Users, passwords, API tokens and the permission check every service starts with.

Passwords are hashed with argon2id (argon2-cffi defaults). API tokens are ``arsip_<43 url-safe chars>``; only
their SHA-256 is stored and the secret is shown once. A deleted or deactivated user's tokens stop working at
once because authentication joins the user row on every request; its staff web sessions are deleted
(``web_sessions.end_all``).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from schemas.enums import AuditAction
from schemas.problems import flatten_errors
from schemas.users import UserCreateSchema

from ..db import ApiToken, User, WorkUnit
from ..db.types import utcnow
from ..errors import AuthenticationRequired, Conflict, NotFound, PermissionDenied, ValidationFailed
from ..permissions import role_may
from ..runtime import Runtime
from . import audit, web_sessions
from .actor import SYSTEM, Actor
from .passwords import hasher

TOKEN_PREFIX = "arsip_"


def authorize(actor: Actor, action: str) -> None:
    """Refuse with 403 unless the role matrix lets the actor's role do ``action``. The system identity (the operator
    at the server's command line) may do everything."""
    if not actor.is_system and not role_may(actor.role, action):
        raise PermissionDenied(
            f"Peran '{actor.role}' tidak boleh melakukan '{action}'.",
            f"Role '{actor.role}' may not perform '{action}'.",
        )


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role, unit_code=user.unit_code)


def validation_failed(err: ValidationError) -> ValidationFailed:
    """Turn marshmallow field errors into the one validation error of the API."""
    return ValidationFailed(
        "Periksa isian yang ditandai.", "Check the fields marked.", errors=flatten_errors(err.normalized_messages())
    )


def create_user(rt: Runtime, actor: Actor, data: dict[str, Any]) -> User:
    authorize(actor, "user.create")
    try:
        loaded = UserCreateSchema().load(data)
    except ValidationError as err:
        raise validation_failed(err) from err
    password = loaded.pop("password")
    with rt.db.write() as session:
        if loaded.get("unit_code") and session.get(WorkUnit, loaded["unit_code"]) is None:
            raise ValidationFailed(errors={"unit_code": ["Unit kerja tidak dikenal. / Unknown work unit."]})
        user = User(**loaded, password_hash=hasher().hash(password))
        session.add(user)
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(
                f"Nama pengguna '{loaded['username']}' sudah dipakai.",
                f"Username '{loaded['username']}' is taken.",
            ) from exc
        audit.append(
            session,
            actor,
            str(AuditAction.USER_CREATE),
            entity_type="user",
            entity_id=user.id,
            changes=audit.diff({}, {k: v for k, v in loaded.items()}),
        )
        return user


def delete_user(rt: Runtime, actor: Actor, username: str) -> None:
    """Soft-delete: the row stays (audit rows and records point at it), login and tokens stop working."""
    authorize(actor, "user.delete")
    with rt.db.write() as session:
        user = _user_named(session, username)
        if user is None or user.deleted_at is not None:
            raise _no_such_user(username)
        user.is_active = False
        user.deleted_at = utcnow()
        for token in user_tokens(session, user.id):
            token.revoked_at = token.revoked_at or utcnow()
        web_sessions.end_all(session, user.id)  # signed out of the staff workspace at once
        audit.append(
            session,
            actor,
            str(AuditAction.USER_DELETE),
            entity_type="user",
            entity_id=user.id,
            changes={"is_active": {"before": True, "after": False}},
        )


def _user_named(session: Any, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def _no_such_user(username: str) -> NotFound:
    return NotFound(f"Pengguna '{username}' tidak ada.", f"User '{username}' does not exist.")


def user_tokens(session: Any, user_id: int) -> list[ApiToken]:
    return list(session.execute(select(ApiToken).where(ApiToken.user_id == user_id)).scalars())


def list_users(rt: Runtime, actor: Actor) -> list[User]:
    authorize(actor, "user.list")
    with rt.db.read() as session:
        return list(session.execute(select(User).where(User.deleted_at.is_(None)).order_by(User.username)).scalars())


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, made once per process with the current parameters: checking a name that is no
    (active) account verifies against it, so it costs the same time as checking a real account."""
    return hasher().hash(secrets.token_urlsafe(32))


def check_password(rt: Runtime, username: str, password: str) -> Actor:
    """Log in with a password; the same message, and the same work, for an unknown user and a wrong password."""
    dummy = _dummy_hash()  # made by the first check of the process, whatever the name
    with rt.db.read() as session:
        user = _user_named(session, username)
    bad = AuthenticationRequired("Nama pengguna atau kata sandi salah.", "Wrong username or password.")
    live = user is not None and user.is_active and user.deleted_at is None
    try:
        hasher().verify(user.password_hash if live and user is not None else dummy, password)
    except (VerificationError, InvalidHashError) as exc:
        raise bad from exc
    if not live or user is None:
        raise bad  # unreachable in practice: the dummy hash matches no password
    return actor_for(user)


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(rt: Runtime, actor: Actor, username: str, name: str, expires_days: int | None = None) -> str:
    """Issue a token for ``username`` (yourself, or anyone when you are admin/system). Returns the secret once."""
    authorize(actor, "token.create")
    days = rt.settings.token_default_days if expires_days is None else expires_days
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with rt.db.write() as session:
        user = _user_named(session, username)
        if user is None or not user.is_active:
            raise _no_such_user(username)
        if actor.role != "admin" and actor.user_id != user.id:
            raise PermissionDenied("Token hanya untuk diri sendiri.", "You may only create tokens for yourself.")
        token = ApiToken(
            user_id=user.id,
            name=name,
            token_hash=_token_hash(secret),
            expires_at=utcnow() + timedelta(days=days) if days else None,
        )
        session.add(token)
        session.flush()
        audit.append(
            session,
            actor,
            str(AuditAction.TOKEN_CREATE),
            entity_type="token",
            entity_id=token.id,
            changes={"user": {"before": None, "after": username}, "name": {"before": None, "after": name}},
        )
    return secret


def authenticate_token(rt: Runtime, secret: str) -> Actor:
    """Resolve a bearer token to its user, refusing revoked, expired and deleted-user tokens alike."""
    bad = AuthenticationRequired("Token tidak sah atau sudah dicabut.", "Invalid or revoked token.")
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise bad
    with rt.db.read() as session:
        token = session.execute(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret))).scalar_one_or_none()
        now = utcnow()
        if (
            token is None
            or token.revoked_at is not None
            or (token.expires_at is not None and token.expires_at <= now)
            or not token.user.is_active
            or token.user.deleted_at is not None
        ):
            raise bad
        return actor_for(token.user)


def create_unit(rt: Runtime, actor: Actor, code: str, name: str) -> WorkUnit:
    from schemas.validators import validate_unit_code

    authorize(actor, "unit.create")
    try:
        validate_unit_code(code)
    except ValidationError as err:
        raise ValidationFailed(errors={"code": err.messages}) from err
    with rt.db.write() as session:
        if session.get(WorkUnit, code) is not None:
            raise Conflict(f"Unit '{code}' sudah ada.", f"Unit '{code}' already exists.")
        unit = WorkUnit(code=code, name=name)
        session.add(unit)
        session.flush()
        audit.append(
            session,
            actor,
            str(AuditAction.UNIT_CREATE),
            entity_type="unit",
            entity_id=code,
            changes={"name": {"before": None, "after": name}},
        )
        return unit


def list_units(rt: Runtime, actor: Actor) -> list[WorkUnit]:
    authorize(actor, "unit.list")
    with rt.db.read() as session:
        return list(session.execute(select(WorkUnit).order_by(WorkUnit.code)).scalars())


__all__ = [
    "SYSTEM",
    "authenticate_token",
    "authorize",
    "check_password",
    "create_token",
    "create_unit",
    "create_user",
    "delete_user",
    "list_units",
    "list_users",
]
