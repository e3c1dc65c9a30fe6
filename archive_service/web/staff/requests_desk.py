"""Requests and objections that reach the office outside the portal, registered by staff (issue 18).

``/staf/permohonan/baru``: a request handed in at the desk, by letter or by e-mail, with how it arrived
(``channel``) and when (``received_at``: a letter that arrived yesterday runs from yesterday), the applicant's
identity and an optional identity document (the desk may have seen the card). The service registers it exactly like
the API's desk registration (``services.requests.register_desk``): a refused form stores nothing, no row and no
blob. The tracking code is shown once, with the receipt letter to print and hand over.

``/staf/permohonan/<number>/keberatan``: an objection brought to the desk for a request (``objection.register``),
with the Pasal 35 grounds open now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from schemas.requests import ApplicantKind, DeliveryMethod, ReceiptForm

from ...api.uploads import given_uploads
from ...errors import ArsipError
from ...services import requests as svc
from ...services import requests_objections as objections
from ...services.auth import authorize
from ..request_fields import request_form_data
from . import actor, bp, login_required, rt
from .intake import TOO_LARGE_PAGES
from .requests import DESK_CHANNELS, clean, refused, request_page_for
from .search import page, problem_page


def _received_at(raw: str) -> str | None:
    """A ``datetime-local`` value is the office's wall clock; the schema wants an aware time. Anything that is not a
    date-time is passed on as typed, for the schema to refuse next to the field."""
    if not raw:
        return None
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return (local if local.tzinfo else local.replace(tzinfo=rt().calendar.tz)).isoformat()


def desk_form_data() -> dict[str, Any]:
    """The desk form's fields in the service's terms: the request's own, how and when it arrived."""
    data = {**request_form_data(request.form), "channel": request.form.get("channel", "").strip() or "loket"}
    received = _received_at(request.form.get("received_at", "").strip())
    if received:
        data["received_at"] = received
    return data


def desk_page(status: int = 200, **context: Any) -> tuple[str, int]:
    return page(
        "staff/request_new.html",
        status,
        active="requests",
        kinds=[str(k) for k in ApplicantKind],
        receipt_forms=[str(v) for v in ReceiptForm],
        delivery_methods=[str(v) for v in DeliveryMethod],
        channels=DESK_CHANNELS,
        chosen_receipt=request.form.getlist("receipt_forms"),
        chosen_delivery=request.form.getlist("delivery_methods"),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        **context,
    )


@bp.get("/permohonan/baru")
@login_required
def request_new() -> tuple[str, int]:
    try:
        authorize(actor(), "request.register")  # the service's own check, so a role without it sees why
    except ArsipError as exc:
        return problem_page(exc, "requests")
    return desk_page()


@bp.post("/permohonan/baru")
@login_required
def request_register() -> tuple[str, int]:
    try:
        identity = given_uploads("identity_file")
        registered = svc.register_desk(rt(), actor(), desk_form_data(), identity)
    except ArsipError as exc:
        return refused(lambda status, **kw: desk_page(status, **kw), exc, "register")
    return page("staff/request_registered.html", 201, active="requests", registered=registered)


def _register_too_large(message: str) -> tuple[str, int]:
    return desk_page(413, error=message, errors={"identity_file": [message]})


TOO_LARGE_PAGES["staff.request_register"] = _register_too_large


@bp.post("/permohonan/<number>/keberatan")
@login_required
def request_desk_objection(number: str) -> Response | tuple[str, int]:
    data: dict[str, Any] = clean(("reasons", "channel"))
    data["grounds"] = request.form.getlist("grounds")
    try:
        filed = objections.file_objection(rt(), number, data, actor=actor())
    except ArsipError as exc:
        return refused(request_page_for, exc, "objection", number)
    flash(_("Keberatan dicatat dengan nomor %(number)s.", number=filed["number"]))
    return redirect(url_for("staff.objection_page", objection_no=filed["number"]))


__all__ = ["desk_form_data", "desk_page"]
