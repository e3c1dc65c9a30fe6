"""Objections (*keberatan*) in the staff workspace (issue 18, docs/requests.md).

``/staf/keberatan``: objections soonest due first with overdue marks, each linked to its page, and the Atasan PPID's
decision inline. ``/staf/keberatan/<number>``: one objection with its grounds, the decision form (the Atasan PPID,
upheld or rejected with reasons), the Komisi Informasi disputes and the form recording one (PPID and Atasan PPID,
once the objection is decided or its 30 working days have passed; the same registry number again updates it), the
decision letter, and a link back to the request for those who may read requests. Thin views: the services decide
(``services.requests_objections``); a refusal shows the service's message with its status and keeps the input.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from schemas.requests import DisputeOutcome

from ...errors import ArsipError
from ...services import requests_objections as objections
from . import actor, bp, login_required, rt
from .requests import clean, form_version, ground_labels, refused
from .search import page, problem_page

DISPUTE_FIELDS = (
    "filed_on",
    "registry_no",
    "commission",
    "mediation_on",
    "hearing_on",
    "outcome",
    "outcome_on",
    "note",
)


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
        ground_labels=ground_labels(),
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


def objection_page_for(objection_no: str, status: int = 200, **context: Any) -> tuple[str, int]:
    try:
        item = objections.get_objection(rt(), actor(), objection_no)
    except ArsipError as exc:
        return problem_page(exc, "objections")
    return page(
        "staff/objection.html",
        status,
        active="objections",
        o=item,
        outcomes=[str(v) for v in DisputeOutcome],
        ground_labels=ground_labels(),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        which=context.pop("which", None),
        **context,
    )


@bp.get("/keberatan/<objection_no>")
@login_required
def objection_page(objection_no: str) -> tuple[str, int]:
    return objection_page_for(objection_no)


@bp.post("/keberatan/<objection_no>/putusan")
@login_required
def objection_decide(objection_no: str) -> Response | tuple[str, int]:
    """The Atasan PPID's decision, from the worklist or from the objection's page (``halaman=detail``)."""
    from_detail = request.form.get("halaman") == "detail"
    try:
        objections.decide(rt(), actor(), objection_no, form_version(), clean(("decision", "reasons")))
    except ArsipError as exc:
        if from_detail:
            return refused(objection_page_for, exc, "decide", objection_no)
        return refused(lambda status, **kw: _objections_page(status, **kw), exc, objection_no)
    flash(_("Putusan keberatan dicatat."))
    if from_detail:
        return redirect(url_for("staff.objection_page", objection_no=objection_no))
    return redirect(url_for("staff.objections_index"))


@bp.post("/keberatan/<objection_no>/sengketa")
@login_required
def objection_dispute(objection_no: str) -> Response | tuple[str, int]:
    """Record (or update, by its registry number) a dispute before the Komisi Informasi (Pasal 37-38)."""
    try:
        objections.record_dispute(rt(), actor(), objection_no, clean(DISPUTE_FIELDS))
    except ArsipError as exc:
        return refused(objection_page_for, exc, "dispute", objection_no)
    flash(_("Sengketa informasi dicatat."))
    return redirect(url_for("staff.objection_page", objection_no=objection_no))
