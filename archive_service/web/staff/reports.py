"""Staff pages: every generated report (issue 8), each with a small GET form that downloads the file.

``/staf/laporan`` lists the reports the signed-in user may run, grouped as offices think of them (SOP outputs, DIP,
retention minutes, monev). Each form submits to ``/staf/laporan/<name>``, which runs the same registry and
renderer as the API (``reports.render.produce``); a refused or invalid request shows the list again with the
message next to that report's form and the service's status (422/403/404/409), never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...downloads import file_response
from ...errors import ArsipError
from ...reports.registry import PARAMS, ReportSpec, load_all, may_run
from ...reports.render import produce
from ...services.auth import list_units
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors, in_indonesian
from .search import page

GROUPS = (
    ("sop", _l("Keluaran SOP pengolahan informasi")),
    ("dip", _l("Daftar Informasi Publik")),
    ("retensi", _l("Retensi dan penyusutan arsip")),
    ("monev", _l("Monitoring dan evaluasi")),
    ("permohonan", _l("Permohonan informasi dan keberatan")),
)


# The registry reports field problems as short codes (the API passes them on); the page says them in words.
FIELD_CODES = {
    "required": _l("Wajib diisi."),
    "invalid": _l("Tidak valid."),
    "not accepted by this report": _l("Tidak dipakai oleh laporan ini."),
    "unsupported": _l("Format ini tidak tersedia untuk laporan ini."),
    "no receipt": _l("Belum ada tanda terima."),
}
PERIOD_HINT = _l("Gunakan 2026-11, 2026-S2, 2026-Q3, 2026 atau 2026-01-01..2026-03-31.")


def _field_messages(exc: ArsipError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, messages in field_errors(exc).items():
        words = [str(FIELD_CODES.get(m, m)) for m in messages]
        if name == "period" and "invalid" in messages:
            words.append(str(PERIOD_HINT))
        out[name] = words
    return out


def group_of(spec: ReportSpec) -> str:
    """Which heading a report sits under; by permission first, so a new report lands somewhere sensible.

    The request letters (issue 18) belong to one request and are linked from its page; they stay listed here under
    their own heading, with the number field, for a handler who has the number at hand (the registry checks that
    the reader handles that request, as on the page)."""
    if spec.permission.split(".")[0] in {"request", "objection", "dispute"}:
        return "permohonan"
    if spec.permission == "report.retention" or "retensi" in spec.sop_steps:
        return "retensi"
    if spec.permission == "report.dip" or spec.name.startswith("dip"):
        return "dip"
    if spec.permission == "monev.read" or "monev" in spec.name:
        return "monev"
    return "sop"


def _index(status: int = 200, failed: str | None = None, exc: ArsipError | None = None) -> tuple[str, int]:
    who = actor()
    specs = [spec for spec in load_all().values() if may_run(who, spec)]
    groups = [
        (key, title, sorted((s for s in specs if group_of(s) == key), key=lambda s: (s.sop_steps, s.name)))
        for key, title in GROUPS
    ]
    units = list_units(rt(), who) if who.role != "pendukung" else []
    return page(
        "staff/reports.html",
        status,
        active="reports",
        groups=[g for g in groups if g[2]],
        unit_options=[(u.code, f"{u.name} ({u.code})") for u in units],
        indonesian=in_indonesian(),
        failed=failed,
        error=error_text(exc) if exc else None,
        errors=_field_messages(exc) if exc else {},
        values=request.args if failed else {},
    )


@bp.get("/laporan")
@login_required
def reports_index() -> tuple[str, int]:
    return _index()


def _raw_params() -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key in PARAMS:
        values = [v.strip() for v in request.args.getlist(key) if v.strip()]
        if values:
            raw[key] = ",".join(values) if key == "record_ids" else values[-1]
    return raw


@bp.get("/laporan/<name>")
@login_required
def reports_download(name: str) -> Response | tuple[str, int]:
    try:
        rendered = produce(rt(), actor(), name, _raw_params(), request.args.get("format"))
    except ArsipError as exc:
        return _index(exc.status, failed=name, exc=exc)
    return file_response(
        rendered.stream,
        filename=rendered.filename,
        mime=rendered.media_type,
        size=rendered.size,
        cache_control="no-store",
    )
