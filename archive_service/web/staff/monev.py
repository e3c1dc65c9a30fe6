"""The monev dashboard (``/staf/monev``): the semester's figures as charts, each followed by its table.

One call to ``services.monev.figures`` (the same as ``/api/v1/monev`` and the monev report): the service checks
``monev.read`` (403 page otherwise) and the visibility. The charts are SVG generated on the server by
``web.charts`` (labels escaped there); only that SVG is marked safe, every other text goes through Jinja's
autoescape. The report links are plain paths to the staff report downloads, so this page does not depend on
another module's endpoint names.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request
from flask_babel import gettext as _
from markupsafe import Markup

from ...errors import ArsipError, ValidationFailed
from ...reports.monev_report import chart_set
from ...reports.period import parse_period, semester_of
from ...services import auth, monev
from .. import labels
from . import actor, bp, login_required, rt
from .messages import error_text
from .search import page, problem_page

# The information service's words on the dashboard (monev_requests.html), in the page language.
REQUEST_WORDS = {
    "objection_ground_text": lambda g: labels.enum_text("objection_ground", g),
    "objection_state_text": lambda s: {
        "diajukan": _("Belum diputus"),
        "dikabulkan": _("Keberatan diterima"),
        "ditolak": _("Keberatan ditolak"),
    }.get(s, s),
    "outcome_text": lambda o: {
        "berjalan": _("Sedang berjalan"),
        "mediasi_berhasil": _("Mediasi berhasil"),
        "putusan_dikabulkan": _("Putusan: permohonan dikabulkan"),
        "putusan_ditolak": _("Putusan: permohonan ditolak"),
        "dicabut": _("Dicabut"),
        "tidak_diterima": _("Tidak diterima"),
    }.get(o, o),
}
REPORTS = ("laporan-monev", "laporan-pengelolaan", "laporan-bulanan", "laporan-klasifikasi", "laporan-pengumpulan")


def report_url(name: str, period: str, unit: str | None, fmt: str) -> str:
    """``/staf/laporan/<name>?period=…&format=…`` (the staff report download, built by the reports pages)."""
    params = {"period": period, "format": fmt}
    if unit and name != "laporan-pengelolaan":
        params["unit"] = unit
    return f"{request.script_root}/staf/laporan/{name}?{urlencode(params)}"


def _t(text: str) -> str:
    """Chart titles and category names in the page's language (the msgids are listed in ``_catalog_texts``)."""
    return _(text)


def _catalog_texts() -> tuple[str, ...]:
    """Never called: lists for the message extractor the texts ``chart_set`` passes through ``_t``."""
    return (
        _("Informasi menurut kategori"),
        _("Informasi menurut unit pengolah"),
        _("Informasi menurut bulan"),
        _("Kepatuhan waktu per langkah SOP"),
        _("Langkah"),
        _("Berkala"),
        _("Serta merta"),
        _("Setiap saat"),
        _("Dikecualikan"),
        _("Belum ditetapkan"),
    )


@bp.get("/monev")
@login_required
def monev_index() -> tuple[str, int]:
    raw_period = (request.args.get("period") or "").strip()
    unit = (request.args.get("unit") or "").strip() or None
    try:
        period = parse_period(raw_period) if raw_period else semester_of(rt().calendar.today())
    except ValidationFailed as exc:
        return page(
            "staff/monev.html",
            422,
            active="monev",
            error=error_text(exc),
            period_value=raw_period,
            unit=unit,
            units=[],
            fig=None,
        )
    try:
        fig = monev.figures(rt(), actor(), period, unit=unit)
        units = auth.list_units(rt(), actor())
    except ArsipError as exc:
        return problem_page(exc, active="monev")
    charts = {spec.key: (spec.title, Markup(spec.svg)) for spec in chart_set(fig, _t)}  # our own SVG, labels escaped
    links = {name: {fmt: report_url(name, period.key, unit, fmt) for fmt in ("pdf", "xlsx")} for name in REPORTS}
    return page(
        "staff/monev.html",
        active="monev",
        fig=fig,
        charts=charts,
        links=links,
        period_value=period.key,
        unit=unit,
        units=units,
        error=None,
        category_text=lambda c: _t(monev.CATEGORY_LABELS[c]),
        month_label=monev.month_label,
        local=lambda moment: moment.astimezone(rt().calendar.tz) if moment else None,
        **REQUEST_WORDS,
    )
