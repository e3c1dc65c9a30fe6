"""Requests for information and objections in the staff workspace (issue 18, docs/requests.md).

The handlers' worklist (``/staf/permohonan``: the PPID and the Tim Sekretariat), one request with its applicant,
links and control card and the actions the service offers (take up, extend with reasons, search the archive with the
request's text as the first query and link records, decide), and the Atasan PPID's objection worklist
(``/staf/keberatan``) with the decision. Thin views: the services decide who may do what and who sees personal
data (``services.requests._handles``); a refused action shows the service's message with its status.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from schemas.requests import ANSWERED_STATES, ObjectionGround
from schemas.requests import RequestState as S

from ...errors import ArsipError, SearchUnavailable
from ...services import requests as svc
from ...services import requests_objections as objections
from ...workflow.requests_table import GROUND_LABELS
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors, in_indonesian
from .search import page, problem_page

DECISIONS = [str(s) for s in S if s in ANSWERED_STATES]


def _ground_labels() -> dict[str, str]:
    return {str(g): GROUND_LABELS[g][0 if in_indonesian() else 1] for g in ObjectionGround}


def _clean(fields: tuple[str, ...]) -> dict[str, Any]:
    """The named form fields, stripped; an empty field is left out (the schema's "not given")."""
    return {k: request.form[k].strip() for k in fields if request.form.get(k, "").strip()}


# ---- requests --------------------------------------------------------------------------------------------------------
@bp.get("/permohonan")
@login_required
def requests_index() -> tuple[str, int]:
    show_all = request.args.get("semua") == "1"
    try:
        items = svc.worklist(rt(), actor(), open_only=not show_all)
    except ArsipError as exc:
        return problem_page(exc, "requests")
    return page("staff/requests.html", active="requests", items=items, show_all=show_all)


def _request_page(number: str, status: int = 200, **context: Any) -> tuple[str, int]:
    try:
        item = svc.get_request(rt(), actor(), number)
    except ArsipError as exc:
        return problem_page(exc, "requests")
    results, search_error, q = None, None, request.args.get("q")
    if request.args.get("cari") == "1":
        try:
            results = svc.search_for(rt(), actor(), number, {"q": q} if q else {})
        except SearchUnavailable as exc:
            search_error = error_text(exc)
        except ArsipError as exc:
            search_error = error_text(exc)
    return page(
        "staff/request.html",
        status,
        active="requests",
        item=item,
        decisions=DECISIONS,
        results=results,
        search_error=search_error,
        query=q if q is not None else " ".join(item["information"].split())[:200],
        ground_labels=_ground_labels(),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        which=context.pop("which", None),
        **context,
    )


@bp.get("/permohonan/<number>")
@login_required
def request_page(number: str) -> tuple[str, int]:
    return _request_page(number)


def _act(number: str, which: str, call: Any, done: str) -> Response | tuple[str, int]:
    try:
        call()
    except ArsipError as exc:
        return _request_page(
            number, exc.status, form=request.form, errors=field_errors(exc), error=error_text(exc), which=which
        )
    flash(done)
    return redirect(url_for("staff.request_page", number=number))


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


@bp.post("/permohonan/<number>/proses")
@login_required
def request_take_up(number: str) -> Response | tuple[str, int]:
    return _act(number, "take_up", lambda: svc.take_up(rt(), actor(), number, _version()), _("Permohonan diproses."))


@bp.post("/permohonan/<number>/perpanjang")
@login_required
def request_extend(number: str) -> Response | tuple[str, int]:
    data = _clean(("reasons",))
    return _act(
        number, "extend", lambda: svc.extend(rt(), actor(), number, _version(), data), _("Permohonan diperpanjang.")
    )


@bp.post("/permohonan/<number>/tautan")
@login_required
def request_link(number: str) -> Response | tuple[str, int]:
    data: dict[str, Any] = _clean(("record_id", "note"))
    data["partly_exempted"] = request.form.get("partly_exempted") == "1"
    return _act(number, "link", lambda: svc.link_record(rt(), actor(), number, data), _("Arsip ditautkan."))


@bp.post("/permohonan/<number>/putusan")
@login_required
def request_decide(number: str) -> Response | tuple[str, int]:
    data = _clean(("decision", "reasons", "exemption_record_id", "not_held_holder", "cost_amount", "cost_note"))
    return _act(
        number, "decide", lambda: svc.decide(rt(), actor(), number, _version(), data), _("Jawaban tertulis dicatat.")
    )


# ---- objections ------------------------------------------------------------------------------------------------------
def _objections_page(status: int = 200, **context: Any) -> tuple[str, int]:
    show_all = request.args.get("semua") == "1"
    try:
        items = objections.worklist(rt(), actor(), open_only=not show_all)
        details = {i["number"]: objections.get_objection(rt(), actor(), i["number"]) for i in items}
    except ArsipError as exc:
        return problem_page(exc, "objections")
    return page(
        "staff/objections.html",
        status,
        active="objections",
        items=items,
        details=details,
        show_all=show_all,
        ground_labels=_ground_labels(),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        which=context.pop("which", None),
        **context,
    )


@bp.get("/keberatan")
@login_required
def objections_index() -> tuple[str, int]:
    return _objections_page()


@bp.post("/keberatan/<objection_no>/putusan")
@login_required
def objection_decide(objection_no: str) -> Response | tuple[str, int]:
    data = _clean(("decision", "reasons"))
    try:
        objections.decide(rt(), actor(), objection_no, _version(), data)
    except ArsipError as exc:
        return _objections_page(
            exc.status, form=request.form, errors=field_errors(exc), error=error_text(exc), which=objection_no
        )
    flash(_("Putusan keberatan dicatat."))
    return redirect(url_for("staff.objections_index"))
