"""Administration: users, roles, units, API tokens, the JRA, the calendar of holidays.

Admin only (``user.list``): every page answers 403 to the other roles before doing anything, and each service
checks again. A new API token's secret is shown once, on the page that answers the POST (never put in the session
or a flash message, never cached); afterwards only its name and dates are listed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from schemas.enums import Role

from ...db.types import utcnow
from ...errors import ArsipError, PermissionDenied, ValidationFailed
from ...permissions import role_may
from ...services import auth, jra
from ...workcalendar import DEFAULT_HOLIDAYS_FILE, read_holiday_file
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors
from .search import enum_text, page, problem_page

F = TypeVar("F", bound=Callable[..., Any])
YES = {"1", "on", "true", "ya"}
WEEKDAYS = (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"), _l("Minggu"))


def admin_required(view: F) -> F:
    """403 page for every role but admin (the services refuse them too; this keeps the pages closed)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        who = actor()
        if not (who.is_system or role_may(who.role, "user.list")):
            return problem_page(
                PermissionDenied("Halaman ini hanya untuk admin.", "This page is for administrators only."), "admin"
            )
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _units() -> list[Any]:
    return auth.list_units(rt(), actor())


@bp.get("/admin")
@login_required
@admin_required
def admin_index() -> tuple[str, int]:
    return page(
        "staff/admin.html",
        active="admin",
        sub="",
        users=len(auth.list_users(rt(), actor())),
        units=len(_units()),
        schedules=jra.list_schedules(rt(), actor())[:1],
    )


# ---- users ---------------------------------------------------------------------------------------------------------
def _users_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    return page(
        "staff/admin_users.html",
        status,
        active="admin",
        sub="users",
        users=auth.list_users(rt(), actor()),
        roles=[(str(r), enum_text("role", r)) for r in Role],
        unit_options=[(u.code, f"{u.code} · {u.name}") for u in _units()],
        form=extra.pop("form", MultiDict()),
        **extra,
    )


@bp.get("/admin/pengguna")
@login_required
@admin_required
def admin_users() -> tuple[str, int]:
    return _users_page()


@bp.post("/admin/pengguna")
@login_required
@admin_required
def admin_create_user() -> Response | tuple[str, int]:
    form = request.form
    data: dict[str, Any] = {
        "username": form.get("username", "").strip(),
        "full_name": form.get("full_name", "").strip(),
        "role": form.get("role", ""),
        "password": form.get("password", ""),
    }
    for optional in ("email", "unit_code"):
        if form.get(optional, "").strip():
            data[optional] = form[optional].strip()
    try:
        user = auth.create_user(rt(), actor(), data)
    except ArsipError as exc:
        return _users_page(exc.status, user_error=error_text(exc), user_errors=field_errors(exc), form=form)
    flash(_("Pengguna %(name)s dibuat.", name=user.username))
    return redirect(url_for("staff.admin_users"))


@bp.post("/admin/pengguna/<username>/hapus")
@login_required
@admin_required
def admin_delete_user(username: str) -> Response | tuple[str, int]:
    try:
        if username == actor().username:
            raise ValidationFailed(
                "Anda tidak dapat menghapus akun Anda sendiri.", "You cannot delete your own account."
            )
        auth.delete_user(rt(), actor(), username)
    except ArsipError as exc:
        return _users_page(exc.status, user_list_error=error_text(exc))
    flash(_("Pengguna %(name)s dihapus (dinonaktifkan).", name=username))
    return redirect(url_for("staff.admin_users"))


# ---- units ---------------------------------------------------------------------------------------------------------
def _units_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    return page(
        "staff/admin_units.html",
        status,
        active="admin",
        sub="units",
        units=_units(),
        form=extra.pop("form", MultiDict()),
        **extra,
    )


@bp.get("/admin/unit")
@login_required
@admin_required
def admin_units() -> tuple[str, int]:
    return _units_page()


@bp.post("/admin/unit")
@login_required
@admin_required
def admin_create_unit() -> Response | tuple[str, int]:
    form = request.form
    code, name = form.get("code", "").strip(), form.get("name", "").strip()
    try:
        if not name:
            raise ValidationFailed(
                "Periksa isian yang ditandai.",
                "Check the fields marked.",
                errors={"name": ["Wajib diisi. / Required."]},
            )
        unit = auth.create_unit(rt(), actor(), code, name)
    except ArsipError as exc:
        return _units_page(exc.status, unit_error=error_text(exc), unit_errors=field_errors(exc), form=form)
    flash(_("Unit %(code)s dibuat.", code=unit.code))
    return redirect(url_for("staff.admin_units"))


# ---- API tokens ----------------------------------------------------------------------------------------------------
def _tokens_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    users = auth.list_users(rt(), actor())
    chosen = extra.pop("chosen", None) or request.args.get("pengguna") or ""
    tokens = None
    user = next((u for u in users if u.username == chosen), None)
    if user is not None:
        with rt().db.read() as session:
            tokens = sorted(auth.user_tokens(session, user.id), key=lambda t: t.id, reverse=True)
    return page(
        "staff/admin_tokens.html",
        status,
        active="admin",
        sub="tokens",
        users=users,
        chosen=chosen,
        tokens=tokens,
        now=utcnow(),
        form=extra.pop("form", MultiDict({"username": chosen})),
        **extra,
    )


@bp.get("/admin/token")
@login_required
@admin_required
def admin_tokens() -> tuple[str, int]:
    return _tokens_page()


@bp.post("/admin/token")
@login_required
@admin_required
def admin_create_token() -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    form = request.form
    username, name = form.get("username", "").strip(), form.get("name", "").strip()
    raw_days = form.get("expires_days", "").strip()
    try:
        errors: dict[str, list[str]] = {}
        if not name or len(name) > 100:
            errors["name"] = ["Nama token wajib diisi (paling panjang 100). / A token name is required (max 100)."]
        if raw_days and not (raw_days.isdigit() and 1 <= int(raw_days) <= 3650):
            errors["expires_days"] = ["Masa berlaku 1-3650 hari. / Valid for 1-3650 days."]
        if not username:
            errors["username"] = ["Pilih pengguna. / Choose a user."]
        if errors:
            raise ValidationFailed("Periksa isian yang ditandai.", "Check the fields marked.", errors=errors)
        secret = auth.create_token(rt(), actor(), username, name, int(raw_days) if raw_days else None)
    except ArsipError as exc:
        return _tokens_page(exc.status, token_error=error_text(exc), token_errors=field_errors(exc), form=form)
    body, status = page(
        "staff/admin_token_created.html", active="admin", sub="tokens", username=username, name=name, secret=secret
    )
    return body, status, {"Cache-Control": "no-store", "Pragma": "no-cache"}


# ---- JRA -----------------------------------------------------------------------------------------------------------
def _jra_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    return page(
        "staff/admin_jra.html",
        status,
        active="admin",
        sub="jra",
        schedules=jra.list_schedules(rt(), actor()),
        form=extra.pop("form", MultiDict()),
        **extra,
    )


@bp.get("/admin/jra")
@login_required
@admin_required
def admin_jra() -> tuple[str, int]:
    return _jra_page()


@bp.post("/admin/jra")
@login_required
@admin_required
def admin_import_jra() -> Response | tuple[str, int]:
    form = request.form
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed(
                "Pilih berkas JRA (CSV atau XLSX).",
                "Choose a JRA file (CSV or XLSX).",
                errors={"file": ["Wajib diisi. / Required."]},
            )
        outcome = jra.import_schedule(
            rt(),
            actor(),
            upload.stream,
            upload.filename,
            name=form.get("name", "").strip(),
            legal_basis=form.get("legal_basis", "").strip() or None,
            skip_invalid=form.get("skip_invalid", "") in YES,
            dry_run=form.get("dry_run", "") in YES,
        )
    except ArsipError as exc:
        problems = exc.extra.get("problems") or []
        errors = {k: v for k, v in field_errors(exc).items() if not (problems and k.startswith("line "))}
        return _jra_page(exc.status, jra_error=error_text(exc), jra_errors=errors, problems=problems, form=form)
    if outcome.dry_run:
        problems = [p.__dict__ for p in outcome.problems]
        return _jra_page(dry_run=outcome, problems=problems, form=form)
    assert outcome.schedule is not None
    flash(
        _(
            "JRA versi %(no)d diimpor: %(rows)d baris, %(classified)d arsip mendapat kelas.",
            no=outcome.schedule.version_no,
            rows=outcome.rows,
            classified=outcome.classified,
        )
    )
    if outcome.problems:
        flash(_("%(n)d baris tidak sah dilewati.", n=len(outcome.problems)))
    return redirect(url_for("staff.admin_jra"))


# ---- calendar of holidays ------------------------------------------------------------------------------------------
def _holiday_names() -> dict[date, list[tuple[str, str]]]:
    """Names and kinds from the holiday file the calendar was built from (the calendar keeps only the dates)."""
    path = rt().settings.holidays_file or DEFAULT_HOLIDAYS_FILE
    names: dict[date, list[tuple[str, str]]] = {}
    try:
        for row in read_holiday_file(path):
            names.setdefault(row.date, []).append((row.name, row.kind))
    except (OSError, ValueError):
        return {}
    return names


@bp.get("/admin/kalender")
@login_required
@admin_required
def admin_calendar() -> tuple[str, int]:
    calendar = rt().calendar
    year = utcnow().astimezone(calendar.tz).year
    names = _holiday_names()
    years = []
    for y in (year, year + 1):
        days = sorted(d for d in calendar.holidays if d.year == y)
        years.append((y, [(d, names.get(d, [])) for d in days]))
    return page(
        "staff/admin_calendar.html",
        active="admin",
        sub="calendar",
        years=years,
        calendar=calendar,
        weekdays=WEEKDAYS,
        workdays=", ".join(str(WEEKDAYS[d - 1]) for d in sorted(calendar.workdays)),
        source=str(rt().settings.holidays_file or DEFAULT_HOLIDAYS_FILE.name),
    )
