"""The staff workspace (``/staf``, login required): one blueprint, views split by concern into modules.

Who is signed in lives in the Flask session (signed cookie; HttpOnly, SameSite=Lax, Secure behind HTTPS): only the
user id and a stamp of the password hash, so changing the password or deleting the user ends every session. Each
request reloads the user, and views call the same services as the API with that user's ``Actor``: permissions
are checked in the services, never in templates (templates only hide what the services would refuse anyway).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, redirect, request, session, url_for

from ...db import User
from ...permissions import role_may
from ...runtime import Runtime
from ...services.actor import Actor
from ...services.auth import actor_for

bp = Blueprint("staff", __name__, url_prefix="/staf")
F = TypeVar("F", bound=Callable[..., Any])


def rt() -> Runtime:
    return current_app.extensions["arsip"]


def password_stamp(user: User) -> str:
    """A short digest of the password hash: a session made before a password change no longer matches."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def sign_in(user: User) -> None:
    session.clear()  # a fresh session (and CSRF token) at every login: no session fixation
    session["uid"] = user.id
    session["stamp"] = password_stamp(user)
    session.permanent = True


def current_staff() -> Actor | None:
    """The signed-in user as an ``Actor``, or None (reloaded once per request)."""
    if "staff_actor" in g:
        return g.staff_actor
    actor = None
    uid = session.get("uid")
    if uid is not None:
        with rt().db.read() as db:
            user = db.get(User, uid)
            live = user is not None and user.is_active and user.deleted_at is None
            if live and session.get("stamp") == password_stamp(user):
                actor = actor_for(user)
                g.staff_user = user
    if actor is None and uid is not None:
        session.clear()
    g.staff_actor = actor
    return actor


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_staff() is None:
            return redirect(url_for("staff.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def actor() -> Actor:
    found = current_staff()
    assert found is not None, "use @login_required"
    return found


@bp.app_context_processor
def _staff_globals() -> dict[str, Any]:
    def may(action: str) -> bool:
        who = current_staff()
        return who is not None and (who.is_system or role_may(who.role, action))

    return {"staff_actor": current_staff, "may": may}


# The views register themselves on ``bp``.
from . import admin, auth, dip, home, intake, monev, records, reports, retention, search  # noqa: E402, F401
