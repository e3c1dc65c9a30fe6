"""Sign in, sign out and change the password in the staff workspace.

Two brakes on guessing: a per-address rate limit on the sign-in POST (in-process, like the public search), and a
backoff per (username, address) after repeated failures, counted in the database (``services.web_auth``). Both
answer 429 with ``Retry-After`` and a message that never says whether the username exists. Sessions are server-side
(``services.web_sessions``): signing in starts a new one, signing out deletes it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...db import User
from ...errors import ArsipError, AuthenticationRequired, TooManyRequests
from ...ratelimit import RateLimiter, app_limiter
from ...services.web_auth import SignInLocked, change_password, sign_in_password
from . import actor, bp, current_staff, login_required, rt, sign_in, sign_out
from .messages import error_text, field_errors

LOGIN_RATE_PER_MINUTE = 20


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    default = url_for("staff.home")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/staf") else default


def _limiter() -> RateLimiter:
    return app_limiter("login", LOGIN_RATE_PER_MINUTE)


def _login_page(error: str, status: int, username: str = "") -> tuple[str, int]:
    page = render_template("staff/login.html", next=request.form.get("next", ""), username=username, error=error)
    return page, status


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        if current_staff() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("staff/login.html", next=request.args.get("next", ""))
    client = request.remote_addr or "-"
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        _limiter().check(client)
    except TooManyRequests as err:
        message = _("Terlalu banyak percobaan dari alamat ini; coba lagi sebentar lagi.")
        page, status = _login_page(message, 429, username)
        return Response(page, status, headers={"Retry-After": str(err.retry_after)}, mimetype="text/html")
    try:
        who = sign_in_password(rt(), username, password, client=client)
    except SignInLocked as err:
        page, status = _login_page(_("Terlalu banyak percobaan masuk yang gagal; coba lagi nanti."), 429, username)
        return Response(page, status, headers={"Retry-After": str(err.retry_after)}, mimetype="text/html")
    except AuthenticationRequired:
        return _login_page(_("Nama pengguna atau kata sandi salah."), 401, username)
    with rt().db.read() as db:
        user = db.get(User, who.user_id)
    assert user is not None
    sign_in(user)
    flash(_("Selamat datang, %(name)s.", name=user.full_name))
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/keluar")
def logout() -> Response:
    sign_out()
    flash(_("Anda telah keluar."))
    return redirect(url_for("staff.login"))


@bp.route("/sandi", methods=["GET", "POST"])
@login_required
def password() -> str | Response | tuple[str, int]:
    """Change one's own password; every session of the user ends, and this browser gets a new one."""
    if request.method == "GET":
        return render_template("staff/password.html", errors={})
    try:
        user = change_password(
            rt(),
            actor(),
            request.form.get("current_password", ""),
            request.form.get("new_password", ""),
            request.form.get("new_password_repeat", ""),
        )
    except ArsipError as err:
        page = render_template("staff/password.html", errors=field_errors(err), error=error_text(err))
        return page, err.status
    sign_in(user)
    flash(_("Kata sandi telah diganti. Sesi lain akun ini telah diakhiri."))
    return redirect(url_for("staff.home"))
