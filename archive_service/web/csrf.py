"""CSRF protection for the web faces: a per-session token in every form, checked on every unsafe request.

The JSON API is not covered: it authenticates by bearer token, which a browser never sends on its own, so a forged
cross-site request carries no credential there. Web forms use the session cookie, hence this check (synchronizer
token pattern; the token is compared in constant time). A failed check answers 400 and changes nothing.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
PROTECTED_BLUEPRINTS = frozenset({"public", "staff"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token() -> str:
    """The session's token (created on first use); templates call it as ``csrf_token()``."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return str(session[FIELD])


def _check() -> None:
    if request.method in SAFE_METHODS or request.blueprint not in PROTECTED_BLUEPRINTS:
        return
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    expected = session.get(FIELD)
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="CSRF")


def init(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = token
