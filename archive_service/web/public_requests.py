"""The public face of requests for information (issue 18, docs/requests.md): the form at ``/permohonan`` and the
tracking page ``/permohonan/<number>?kode=<secret>`` with the objection form, the letters and, while a delivery link
the PPID issued is valid, the delivered files (``/permohonan/<number>/unduhan/<key>?kode=…``).

Thin views over ``services.requests`` and ``services.requests_objections``: parse the form, call one service
function, render. The challenge is the service's (a small sum as text, no JavaScript), the honeypot field is hidden
by CSS. An unknown number and a wrong secret give the same 404 page (the language links point at the form, not at
the URL asked for, so not even the path differs). Beyond the rate limit these pages answer with a portal page in
the visitor's language and ``Retry-After`` (429), not a bare error.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from schemas.requests import ApplicantKind, DeliveryMethod, ObjectionGround, ReceiptForm

from ..api.uploads import given_uploads
from ..downloads import file_response
from ..errors import ArsipError, NotFound, TooManyRequests
from ..ratelimit import app_limiter
from ..services import requests as svc
from ..services import requests_challenge
from ..services import requests_objections as objections
from ..workflow.requests_table import GROUND_LABELS
from .public import _rt, bp
from .request_fields import request_form_data
from .staff.messages import error_text, field_errors, in_indonesian


def _limit(name: str, factor: int = 1) -> None:
    per_minute = _rt().settings.request_rate_per_minute
    app_limiter(name, per_minute * factor if per_minute > 0 else 0).check(request.remote_addr or "-")


def _too_many(exc: TooManyRequests) -> Response:
    """The portal's 429 page: the message in the visitor's language, and when to come back."""
    page = render_template(
        "public/error.html", code=429, message=error_text(exc), lang_next=url_for("public.request_form")
    )
    return Response(page, 429, headers={"Retry-After": str(exc.retry_after)})


def _form_data() -> dict[str, Any]:
    """The form's fields in the service's terms; an empty optional field is left out."""
    form = request.form
    data: dict[str, Any] = {
        **request_form_data(form),
        "challenge_token": form.get("challenge_token", ""),
        "challenge_answer": form.get("challenge_answer", "").strip(),
    }
    if form.get("website"):
        data["website"] = form["website"]
    return data


def _form_page(status: int = 200, **context: Any) -> tuple[str, int]:
    challenge = requests_challenge.issue(_rt())
    return render_template(
        "public/request_form.html",
        challenge=challenge,
        question=challenge["question"] if in_indonesian() else challenge["question_en"],
        kinds=[str(k) for k in ApplicantKind],
        receipt_forms=[str(v) for v in ReceiptForm],
        delivery_methods=[str(v) for v in DeliveryMethod],
        chosen_receipt=request.form.getlist("receipt_forms"),
        chosen_delivery=request.form.getlist("delivery_methods"),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        **context,
    ), status


@bp.get("/permohonan")
def request_form() -> tuple[str, int]:
    return _form_page()


@bp.post("/permohonan")
def request_submit() -> tuple[str, int] | Response:
    try:
        _limit("public_requests")
        identity = given_uploads("identity_file")
        registered = svc.register_public(_rt(), _form_data(), identity)
    except TooManyRequests as exc:
        return _too_many(exc)
    except ArsipError as exc:
        status = exc.status if exc.status != 415 else 422
        return _form_page(status, form=request.form, errors=field_errors(exc), error=error_text(exc))
    return render_template("public/request_done.html", registered=registered), 201


def _ground_labels() -> dict[str, str]:
    return {str(g): (GROUND_LABELS[g][0] if in_indonesian() else GROUND_LABELS[g][1]) for g in ObjectionGround}


def _not_found() -> tuple[str, int]:
    """The one 404 of the tracking pages: the same for an unknown number and for a wrong secret."""
    page = render_template(
        "public/error.html",
        code=404,
        message=_("Halaman tidak ditemukan."),
        lang_next=url_for("public.request_form"),
    )
    return page, 404


def _tracking_page(number: str, secret: str, status: int = 200, **context: Any) -> tuple[str, int]:
    try:
        tracked = svc.track(_rt(), number, secret)
    except NotFound:
        return _not_found()
    return render_template(
        "public/request_track.html",
        tracked=tracked,
        secret=secret,
        ground_labels=_ground_labels(),
        lang_next=url_for("public.request_form"),
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        error=context.pop("error", None),
        **context,
    ), status


@bp.get("/permohonan/<number>")
def request_track(number: str) -> tuple[str, int] | Response:
    try:
        _limit("public_tracking", 6)
    except TooManyRequests as exc:
        return _too_many(exc)
    return _tracking_page(number, request.args.get("kode", ""))


@bp.post("/permohonan/<number>/keberatan")
def request_objection(number: str) -> tuple[str, int] | Response:
    secret = request.form.get("kode", "")
    data = {"secret": secret, "grounds": request.form.getlist("grounds"), "reasons": request.form.get("reasons", "")}
    try:
        _limit("public_requests")
        filed = objections.file_objection(_rt(), number, data)
    except TooManyRequests as exc:
        return _too_many(exc)
    except NotFound:
        return _not_found()
    except ArsipError as exc:
        return _tracking_page(
            number, secret, exc.status, form=request.form, errors=field_errors(exc), error=error_text(exc)
        )
    return _tracking_page(number, secret, 201, filed=filed)


@bp.get("/permohonan/<number>/surat/<letter>")
def request_letter(number: str, letter: str) -> Any:
    """One letter of the applicant's own request as PDF/A, with the secret; anything wrong is the tracking 404."""
    from ..reports.render import download_name, render
    from ..reports.request_letters import for_applicant

    try:
        _limit("public_tracking", 6)
        document = for_applicant(_rt(), number, request.args.get("kode", ""), letter)
    except TooManyRequests as exc:
        return _too_many(exc)
    except NotFound:
        return _not_found()
    import tempfile

    stream = tempfile.TemporaryFile(dir=_rt().settings.staging_dir, prefix="letter-")  # noqa: SIM115
    render(document, "pdf", _rt().settings, stream)
    size = stream.tell()
    stream.seek(0)
    return file_response(
        stream, filename=download_name(document, "pdf"), mime="application/pdf", size=size, cache_control="no-store"
    )


@bp.get("/permohonan/<number>/unduhan/<key>")
def request_delivery_file(number: str, key: str) -> Any:
    """One delivered file, with the secret, while a delivery link the PPID issued is valid (the service decides
    which files: only the request's linked files or their redacted copies); anything wrong is the tracking 404."""
    try:
        _limit("public_tracking", 6)
        filename, mime, size, stream = svc.open_tracked_file(_rt(), number, request.args.get("kode", ""), key)
    except TooManyRequests as exc:
        return _too_many(exc)
    except NotFound:
        return _not_found()
    return file_response(stream, filename=filename, mime=mime, size=size, cache_control="no-store")
