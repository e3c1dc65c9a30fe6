"""Sign in and sign out of the staff workspace."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...db import User
from ...errors import AuthenticationRequired
from ...services.auth import check_password
from . import bp, current_staff, rt, sign_in


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    default = url_for("staff.home")
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/staf") else default


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        if current_staff() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("staff/login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        actor = check_password(rt(), username, password)
    except AuthenticationRequired:
        return render_template(
            "staff/login.html",
            next=request.form.get("next", ""),
            username=username,
            error=_("Nama pengguna atau kata sandi salah."),
        ), 401
    with rt().db.read() as db:
        user = db.get(User, actor.user_id)
        assert user is not None
        sign_in(user)
    flash(_("Selamat datang, %(name)s.", name=user.full_name))
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/keluar")
def logout() -> Response:
    session.clear()
    flash(_("Anda telah keluar."))
    return redirect(url_for("staff.login"))
