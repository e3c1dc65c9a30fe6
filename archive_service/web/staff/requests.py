"""Requests for information in the staff workspace (issue 18, docs/requests.md).

The handlers' worklist (``/staf/permohonan``: the PPID and the Tim Sekretariat) and one request with its applicant,
links, letters, delivery links and control card, and the actions the service offers: take up, extend with reasons,
search the archive with the request's text as the first query and link records (with an optional redacted copy,
a multipart form that works without JavaScript), decide, and issue a delivery link. Desk registration and desk
objections are in ``requests_desk.py``, the objections' pages in ``objections.py``. Thin views: the services decide
who may do what and who sees personal data (``services.requests._handles``); a refused action shows the service's
message with its status and keeps the input.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from schemas.requests import ANSWERED_STATES, GRANTED_STATES, ObjectionGround, RequestChannel
from schemas.requests import RequestState as S

from ...api.uploads import given_uploads
from ...errors import ArsipError
from ...reports.request_letters import STAFF_REPORT
from ...services import requests as svc
from ...workflow.requests_table import GROUND_LABELS
from . import actor, bp, login_required, rt
from .intake import TOO_LARGE_PAGES
from .messages import error_text, field_errors, in_indonesian
from .search import page, problem_page

DECISIONS = [str(s) for s in S if s in ANSWERED_STATES]
GRANTED = [str(s) for s in GRANTED_STATES]
DESK_CHANNELS = [str(c) for c in RequestChannel if c != RequestChannel.PORTAL]


def ground_labels() -> dict[str, str]:
    return {str(g): GROUND_LABELS[g][0 if in_indonesian() else 1] for g in ObjectionGround}


def clean(fields: tuple[str, ...]) -> dict[str, Any]:
    """The named form fields, stripped; an empty field is left out (the schema's "not given")."""
    return {k: request.form[k].strip() for k in fields if request.form.get(k, "").strip()}


def form_version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


def refused(render: Any, exc: ArsipError, which: str, *args: Any) -> tuple[str, int]:
    """A page shown again after the service refused: its status, its message, the field messages, the input."""
    return render(*args, exc.status, form=request.form, errors=field_errors(exc), error=error_text(exc), which=which)


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


def request_page_for(number: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """The request page (also shown again, with ``status``, after a refused form of it)."""
    try:
        item = svc.get_request(rt(), actor(), number)
    except ArsipError as exc:
        return problem_page(exc, "requests")
    results, search_error, q = None, None, request.args.get("q")
    if request.args.get("cari") == "1":
        try:
            results = svc.search_for(rt(), actor(), number, {"q": q} if q else {})
        except ArsipError as exc:
            search_error = error_text(exc)
    return page(
        "staff/request.html",
        status,
        active="requests",
        item=item,
        decisions=DECISIONS,
        granted=GRANTED,
        channels=DESK_CHANNELS,
        letter_reports=STAFF_REPORT,
        results=results,
        search_error=search_error,
        query=q if q is not None else " ".join(item["information"].split())[:200],
        ground_labels=ground_labels(),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        which=context.pop("which", None),
        **context,
    )


@bp.get("/permohonan/<number>")
@login_required
def request_page(number: str) -> tuple[str, int]:
    return request_page_for(number)


def _act(number: str, which: str, call: Any, done: str) -> Response | tuple[str, int]:
    try:
        call()
    except ArsipError as exc:
        return refused(request_page_for, exc, which, number)
    flash(done)
    return redirect(url_for("staff.request_page", number=number))


@bp.post("/permohonan/<number>/proses")
@login_required
def request_take_up(number: str) -> Response | tuple[str, int]:
    done = _("Permohonan diproses.")
    return _act(number, "take_up", lambda: svc.take_up(rt(), actor(), number, form_version()), done)


@bp.post("/permohonan/<number>/perpanjang")
@login_required
def request_extend(number: str) -> Response | tuple[str, int]:
    data = clean(("reasons",))
    return _act(
        number, "extend", lambda: svc.extend(rt(), actor(), number, form_version(), data), _("Permohonan diperpanjang.")
    )


@bp.post("/permohonan/<number>/tautan")
@login_required
def request_link(number: str) -> Response | tuple[str, int]:
    """Link a record; the link form is multipart and may carry a redacted copy (``redacted_file``), streamed to a
    staged file and checked by the service like any upload (type sniffed from the content, name matching it)."""
    data: dict[str, Any] = clean(("record_id", "note"))
    data["partly_exempted"] = request.form.get("partly_exempted") == "1"
    try:
        redacted = given_uploads("redacted_file") if request.mimetype == "multipart/form-data" else []
    except ArsipError as exc:
        return refused(request_page_for, exc, "link", number)
    return _act(number, "link", lambda: svc.link_record(rt(), actor(), number, data, redacted), _("Arsip ditautkan."))


def _link_too_large(message: str) -> tuple[str, int]:
    number = (request.view_args or {}).get("number", "")
    return request_page_for(number, 413, error=message, errors={"redacted_file": [message]}, which="link")


TOO_LARGE_PAGES["staff.request_link"] = _link_too_large


@bp.post("/permohonan/<number>/putusan")
@login_required
def request_decide(number: str) -> Response | tuple[str, int]:
    data = clean(("decision", "reasons", "exemption_record_id", "not_held_holder", "cost_amount", "cost_note"))
    data["public_text"] = request.form.get("public_text") == "1"
    return _act(
        number,
        "decide",
        lambda: svc.decide(rt(), actor(), number, form_version(), data),
        _("Jawaban tertulis dicatat."),
    )


@bp.post("/permohonan/<number>/unduhan/cabut")
@login_required
def request_revoke(number: str) -> Response | tuple[str, int]:
    """Revoke every delivery link still valid (e.g. one sent to a wrong address), with the reason on the card."""
    return _act(
        number,
        "revoke",
        lambda: svc.revoke_delivery(rt(), actor(), number, clean(("reason",))),
        _("Tautan unduhan dicabut."),
    )


@bp.post("/permohonan/<number>/unduhan")
@login_required
def request_deliver(number: str) -> tuple[str, int]:
    """Issue a delivery link; its address is shown once here (only its hash is kept) and the applicant finds the
    files on the tracking page while the link is valid."""
    try:
        delivered = svc.issue_delivery(rt(), actor(), number, clean(("days",)))
    except ArsipError as exc:
        return refused(request_page_for, exc, "deliver", number)
    return request_page_for(number, 201, delivered=delivered)
