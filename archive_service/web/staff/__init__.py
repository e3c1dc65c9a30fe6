"""The staff workspace (``/staf``, login required): one blueprint, views split by concern into modules.

Who is signed in is a server-side session (``services.web_sessions``): the Flask cookie (signed; HttpOnly,
SameSite=Lax, Secure behind HTTPS) carries only a random session id, and each request looks up its row and the user.
A missing or expired row, or a user no longer active, signs the browser out; signing out, a password change and
deleting the user delete rows, so even a copied cookie stops working at once. Views call the same services as the API
with that user's ``Actor``: permissions are checked in the services, never in templates (templates only hide what
the services would refuse anyway).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, current_app, g, redirect, request, session, url_for

from ...db import User
from ...permissions import role_may
from ...runtime import Runtime
from ...services import web_sessions
from ...services.actor import Actor
from ...services.auth import actor_for

bp = Blueprint("staff", __name__, url_prefix="/staf")
F = TypeVar("F", bound=Callable[..., Any])


def rt() -> Runtime:
    return current_app.extensions["arsip"]


SESSION_KEY = "sid"


def sign_in(user: User) -> None:
    """Give this browser a new session of ``user`` (at sign-in, and after its own password change). The id is
    always new and the session the browser held ends: no session fixation."""
    previous = session.get(SESSION_KEY)
    session.clear()  # a fresh Flask session (and CSRF token) too
    session[SESSION_KEY] = web_sessions.start(rt(), user.id, replacing=previous)
    session.permanent = True
    g.pop("staff_actor", None)


def sign_out() -> None:
    """End this browser's session (its row goes, so a copy of the cookie is refused too) and forget the cookie."""
    web_sessions.end(rt(), session.get(SESSION_KEY))
    session.clear()
    g.pop("staff_actor", None)


def current_staff() -> Actor | None:
    """The signed-in user as an ``Actor``, or None (looked up once per request)."""
    if "staff_actor" in g:
        return g.staff_actor
    actor = None
    session_id = session.get(SESSION_KEY)
    if session_id is not None:
        user = web_sessions.resolve(rt(), session_id)
        if user is not None:
            actor = actor_for(user)
        else:
            session.clear()  # ended, expired or the account is gone: this browser is signed out
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
from . import (  # noqa: E402, F401
    admin,
    auth,
    dip,
    home,
    intake,
    monev,
    objections,
    record_edit,
    records,
    reports,
    requests,
    requests_desk,
    retention,
    retention_erasure,
    search,
)
