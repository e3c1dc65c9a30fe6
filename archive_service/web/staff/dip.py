"""DIP management: the current DIP by category, fixing a version, comparing versions.

The current DIP is computed from the determined records (``services.dip``); the PPID fixes it into a numbered
version under a decree, and any two versions can be compared row by row. Every role may read; only the PPID may
fix, which the service decides (a refused fix shows the service's message with 403 and changes nothing).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...errors import ArsipError, ValidationFailed
from ...services import dip
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors
from .search import page, problem_page

COLUMN_LABELS = {
    "category": _l("Kategori"),
    "title": _l("Judul"),
    "summary": _l("Ringkasan isi"),
    "controlling_unit": _l("Pejabat/unit yang menguasai"),
    "responsible_official": _l("Penanggung jawab"),
    "created_time": _l("Waktu pembuatan"),
    "created_place": _l("Tempat pembuatan"),
    "available_forms": _l("Bentuk informasi"),
    "retention_text": _l("Jangka waktu penyimpanan"),
    "dip_no": _l("Nomor"),
}


def _groups(rows: list[Any]) -> list[tuple[str, list[Any]]]:
    """Rows (dicts or ``DipRow``) per KIP category, in the DIP's order."""
    get = (lambda r, k: r[k]) if rows and isinstance(rows[0], dict) else getattr
    return [(str(c), [r for r in rows if get(r, "category") == str(c)]) for c in dip.CATEGORY_ORDER]


def _index(status: int = 200, **extra: Any) -> tuple[str, int]:
    try:
        rows = dip.current_dip(rt(), actor())
        versions = dip.list_versions(rt(), actor())
    except ArsipError as exc:
        return problem_page(exc, "dip")
    return page(
        "staff/dip.html",
        status,
        active="dip",
        groups=_groups(rows),
        row_count=len(rows),
        versions=versions,
        form=extra.pop("form", {}),
        **extra,
    )


@bp.get("/dip")
@login_required
def dip_index() -> tuple[str, int]:
    return _index()


@bp.post("/dip/tetapkan")
@login_required
def dip_fix() -> Response | tuple[str, int]:
    form = request.form
    data = {"decree_no": form.get("decree_no", "").strip(), "decree_date": form.get("decree_date", "").strip()}
    if form.get("note", "").strip():
        data["note"] = form["note"].strip()
    try:
        version = dip.fix_version(rt(), actor(), data)
    except ArsipError as exc:
        return _index(exc.status, fix_error=error_text(exc), fix_errors=field_errors(exc), form=form)
    flash(_("DIP versi %(no)d ditetapkan (%(rows)d baris).", no=version.version_no, rows=len(version.rows)))
    return redirect(url_for("staff.dip_version", version_no=version.version_no))


@bp.get("/dip/versi/<int:version_no>")
@login_required
def dip_version(version_no: int) -> tuple[str, int]:
    try:
        version = dip.get_version(rt(), actor(), version_no)
    except ArsipError as exc:
        return problem_page(exc, "dip")
    return page("staff/dip_version.html", active="dip", version=version, groups=_groups(list(version.rows)))


def _version_arg(name: str) -> int:
    raw = request.args.get(name, "").strip()
    if not raw.isdigit():
        raise ValidationFailed(
            "Pilih dua versi DIP untuk dibandingkan.",
            "Choose two DIP versions to compare.",
            errors={name: ["Pilih versi. / Choose a version."]},
        )
    return int(raw)


@bp.get("/dip/banding")
@login_required
def dip_compare() -> tuple[str, int]:
    try:
        versions = dip.list_versions(rt(), actor())
    except ArsipError as exc:
        return problem_page(exc, "dip")
    comparison, error, errors, status = None, None, {}, 200
    if request.args:
        try:
            comparison = dip.compare_versions(rt(), actor(), _version_arg("from"), _version_arg("to"))
        except ArsipError as exc:
            error, errors, status = error_text(exc), field_errors(exc), exc.status
    elif len(versions) < 2:
        error = _("Perlu sedikitnya dua versi DIP untuk dibandingkan.")
    return page(
        "staff/dip_compare.html",
        status,
        active="dip",
        versions=versions,
        comparison=comparison,
        compare_error=error,
        compare_errors=errors,
        column_labels=COLUMN_LABELS,
        chosen_from=request.args.get("from", str(versions[1].version_no) if len(versions) > 1 else ""),
        chosen_to=request.args.get("to", str(versions[0].version_no) if versions else ""),
    )
