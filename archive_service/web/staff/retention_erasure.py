"""Retention of applicants' personal data: the archivists' pages under ``/staf/retensi/data-pemohon``.

Thin pages over ``services.requests_retention`` (docs/requests.md, "Retention of applicant data"): the list of
requests whose applicant data is due for erasure (number and dates, why due, held ones with the reason) and the
latest erasures; one request's page with the approval letter (``disposition.approve``) and the erasure with its
berita acara (``disposition.execute``, never by whoever recorded the approval). The service checks roles, holds,
dates and the four-eyes rule; a refusal comes back as its message beside the form that was sent, with its status
(403, 409, 422), the input kept, and nothing changes. These pages never show personal data: the service gives
numbers, dates and reasons only, and the request's text (where applicants sometimes write about themselves) is
left out too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from schemas.retention import DueQuerySchema

from ...errors import ArsipError
from ...services import requests_retention
from ...services.auth import validation_failed
from . import actor, bp, login_required, rt
from .messages import lang_text
from .retention import _filled, _may, approval_letter, berita_acara, run_stage, stage_context
from .search import page, problem_page


@bp.get("/retensi/data-pemohon")
@login_required
def erasures_index() -> tuple[str, int]:
    """The due list (``?as_of=`` to look ahead) and the latest erasures; 403 for roles without ``retention.due``."""
    try:
        query = DueQuerySchema().load(_filled(request.args, "as_of"))
    except ValidationError as err:
        return problem_page(validation_failed(err), "retention")
    try:
        register = requests_retention.erasure_register(rt(), actor(), as_of=query.get("as_of"))
    except ArsipError as exc:
        return problem_page(exc, "retention")
    return page(
        "staff/retention_erasures.html",
        active="retention",
        sub="erasures",
        register=register,
        today=rt().calendar.today(),
        lang_text=lang_text,
    )


def _erasure_page(number: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    try:
        register = requests_retention.erasure_register(rt(), actor(), number=number)
    except ArsipError as exc:
        return problem_page(exc, "retention")
    due = register.due[0] if register.due else None
    ready = due is not None and not due.holds
    approved = due is not None and due.approval is not None
    return page(
        "staff/retention_erasure.html",
        status,
        active="retention",
        sub="erasures",
        number=number,
        register=register,
        due=due,
        erased=register.erased[0] if register.erased else None,
        can={
            "approve": ready and not approved and _may("disposition.approve"),
            "execute": ready and approved and _may("disposition.execute"),
        },
        lang_text=lang_text,
        **stage_context(extra),
    )


@bp.get("/retensi/data-pemohon/<number>")
@login_required
def erasure_page(number: str) -> tuple[str, int]:
    return _erasure_page(number)


def _step(number: str, name: str, call: Callable[[], Any], done: str) -> BaseResponse | tuple[str, int]:
    """One step; a refusal re-renders the request's page with the message beside the form sent, input kept."""
    target = url_for("staff.erasure_page", number=number)
    return run_stage(name, call, lambda status, **context: _erasure_page(number, status, **context), done, target)


@bp.post("/retensi/data-pemohon/<number>/persetujuan")
@login_required
def erasure_approve(number: str) -> BaseResponse | tuple[str, int]:
    data = approval_letter(request.form)
    return _step(
        number,
        "approve",
        lambda: requests_retention.approve_erasure(rt(), actor(), number, data),
        _("Persetujuan penghapusan data pemohon dicatat."),
    )


@bp.post("/retensi/data-pemohon/<number>/pelaksanaan")
@login_required
def erasure_execute(number: str) -> BaseResponse | tuple[str, int]:
    data = berita_acara(request.form)
    for other in ("location", "receiver"):  # fields of other berita acara kinds, not of this one
        data.pop(other, None)
    return _step(
        number,
        "execute",
        lambda: requests_retention.erase(rt(), actor(), number, data),
        _("Data pribadi pemohon dimusnahkan dan berita acara dicatat."),
    )
