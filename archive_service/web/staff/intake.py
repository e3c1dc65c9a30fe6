"""Intake: one record with its metadata and any number of files, in one form (``/staf/unggah``).

The files stream to the staging folder while the request is read (``api.uploads.ArsipRequest``), and
``services.records.create_record`` stores them and the record in one go: a form with an error creates nothing and
leaves no blob behind. The classification-code picker asks ``/staf/kode`` (session-authenticated JSON) which JRA
class a code falls under; without JavaScript the page names the class after saving.

The title may be left blank when files are sent: the record is then named after its first file, and the index
worker proposes a title from the file's text on the record page (services/titles.py).

Media, quantity (*jumlah*) and its unit left empty are filled from the files' content
(``services.intake_defaults``): a photograph is ``foto``, a PDF counts its pages. What the user chose always wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from schemas.enums import (
    AvailableForm,
    DevelopmentLevel,
    FinalDisposition,
    Media,
    QuantityUnit,
    Role,
    SecurityClass,
    TitleSource,
)

from ...errors import ArsipError, PermissionDenied
from ...permissions import classes_visible_to, role_may
from ...services import intake_defaults, jra, retention
from ...services import records as record_svc
from ...services.auth import list_units
from ...services.uploads import Upload
from ...storage import FileTooLarge
from . import actor, bp, current_staff, login_required, rt
from .messages import error_text, field_errors
from .records import (
    collect_web_uploads,
    error_page,
    field_label,
    label,
    record_page,
    render_page,
    wants_json,
)

TEXT_FIELDS = (
    "title",
    "classification_code",
    "processing_unit",
    "creator_org",
    "doc_date",
    "description",
    "security_class",
    "dip_summary",
    "controlling_unit",
    "responsible_official",
    "created_place",
    "file_no",
    "period_start",
    "period_end",
    "development_level",
    "media",
    "quantity",
    "quantity_unit",
    "notes",
    "location",
    "dip_retention_text",
)
# errors on other keys are listed on top
SHOWN_FIELDS = frozenset({*TEXT_FIELDS, "available_forms", "files", "is_vital"})
SUGGESTIONS = 20


def form_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """The record description from the form: blank fields are left out, so the schema's defaults apply."""
    data: dict[str, Any] = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    data = {name: value.replace("\r\n", "\n") for name, value in data.items() if value}
    data["available_forms"] = [f for f in form.getlist("available_forms") if f]
    if form.get("is_vital"):
        data["is_vital"] = True
    return data


def with_file_defaults(data: dict[str, Any], uploads: list[Upload]) -> dict[str, Any]:
    """The description with media, quantity and unit from the files where the form left them empty. Defaults
    are a comfort: a file that cannot be examined just gives none (the service checks every file anyway)."""
    try:
        facts = intake_defaults.file_facts([u.staged.path for u in uploads])
    except Exception:  # libmagic on an odd file: no defaults; the upload check reports what matters
        facts = []
    return intake_defaults.with_file_defaults(data, facts)


def jra_text(row: Any) -> str:
    """``JRA yang berlaku: <jenis arsip> — aktif X th, inaktif Y th, <keterangan>``."""
    return _(
        "JRA yang berlaku: %(code)s %(type)s — aktif %(active)d th, inaktif %(inactive)d th, %(disposition)s",
        code=row.code,
        type=row.record_type,
        active=row.active_years,
        inactive=row.inactive_years,
        disposition=label(FinalDisposition, row.final_disposition),
    )


def applicable_class(code: str) -> Any | None:
    """The JRA class a new record with this code gets (the first row of the longest prefix), or None."""
    try:
        rows = jra.list_classes(rt(), actor(), code=code)
    except ArsipError:
        return None
    return rows[0] if rows else None


def _units() -> list[Any]:
    who = actor()
    units = list_units(rt(), who)
    return [u for u in units if who.role != Role.PENDUKUNG or u.code == who.unit_code]


def _form_page(
    status: int = 200,
    *,
    values: MultiDict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str | None = None,
) -> tuple[str, int]:
    values = values if values is not None else MultiDict()
    code = values.get("classification_code", "").strip()
    hint = applicable_class(code) if code else None
    who = actor()
    security = [s for s in SecurityClass if who.role == Role.PENDUKUNG or str(s) in classes_visible_to(who.role)]
    return render_page(
        "staff/intake.html",
        status,
        active="intake",
        values=values,
        errors=errors or {},
        error=error,
        units=_units(),
        security_classes=security,
        available_forms=list(AvailableForm),
        media_choices=list(Media),
        unit_choices=list(QuantityUnit),
        level_choices=list(DevelopmentLevel),
        jra_hint=jra_text(hint) if hint is not None else None,
        chosen_forms=values.getlist("available_forms") if values else [],
        other_errors={k: v for k, v in (errors or {}).items() if k not in SHOWN_FIELDS},
    )


@bp.route("/unggah", methods=["GET", "POST"])
@login_required
def intake_index() -> Response | tuple[str, int]:
    if not role_may(actor().role, "record.create"):  # the service would refuse the POST anyway
        return error_page(
            PermissionDenied("Peran Anda tidak membuat arsip baru.", "Your role does not create new records.")
        )
    if request.method == "GET":
        return _form_page()
    try:
        uploads = collect_web_uploads()
        given = form_data(request.form)
        data = with_file_defaults(given, uploads)
        record = record_svc.create_record(rt(), actor(), data, uploads)
    except ArsipError as err:
        errors = field_errors(err, ("files", "available_forms"))
        return _form_page(err.status, values=request.form, errors=errors, error=error_text(err))
    view = retention.retention_view(rt(), actor(), record.id)
    row = view["jra_class"]
    flash(_("Arsip %(no)s tersimpan dengan %(n)d berkas.", no=record.record_no, n=len(record.files)))
    if record.title_source == TitleSource.FILE_NAME:
        flash(_("Judul sementara diambil dari nama berkas; judul dari isi berkas akan diusulkan di halaman ini."))
    flash(jra_text(row) if row is not None else _("Belum ada kelas JRA untuk kode klasifikasi ini."))
    if derived := [name for name in ("media", "quantity", "quantity_unit") if name in data and name not in given]:
        flash(
            _(
                "Diisi dari berkas: %(fields)s. Periksa dan ubah di deskripsi arsip bila perlu.",
                fields=", ".join(field_label(name) for name in derived),
            )
        )
    target = url_for("staff.record", record_id=record.id)
    if wants_json():
        return jsonify(location=target)  # type: ignore[return-value]
    return redirect(target)


@bp.get("/kode")
def classification_codes() -> Response | tuple[Response, int]:
    """JRA classes for the picker: codes starting with ``q`` and the class a record with code ``q`` gets."""
    if current_staff() is None:
        return jsonify(error=_("Perlu masuk.")), 401
    q = request.args.get("q", "").strip()[:32]
    try:
        rows = jra.list_classes(rt(), actor()) if q else []
    except ArsipError as err:
        return jsonify(error=error_text(err)), err.status
    suggestions = [{"code": r.code, "record_type": r.record_type} for r in rows if r.code.startswith(q)][:SUGGESTIONS]
    applies = applicable_class(q) if q else None
    response = jsonify(
        q=q,
        suggestions=suggestions,
        applies=None
        if applies is None
        else {
            "code": applies.code,
            "record_type": applies.record_type,
            "active_years": applies.active_years,
            "inactive_years": applies.inactive_years,
            "final_disposition": applies.final_disposition,
            "text": jra_text(applies),
        },
        none_text=_("Belum ada kelas JRA untuk kode ini."),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Other staff forms with a file input (the request pages, issue 18) answer with their own page: endpoint → page.
TOO_LARGE_PAGES: dict[str, Callable[[str], tuple[str, int]]] = {}


def _too_large() -> tuple[str, int] | Response:
    """A file over the size limit stops the upload while it is read: answer with the form again (413)."""
    message = _("Kiriman melebihi batas ukuran; tidak ada yang disimpan.")
    if current_staff() is None:
        return Response(message, 413, mimetype="text/plain")
    if request.endpoint in TOO_LARGE_PAGES:
        return TOO_LARGE_PAGES[request.endpoint](message)
    if request.endpoint == "staff.add_files" and request.view_args:
        record_id = request.view_args["record_id"]
        return record_page(record_id, 413, error=message, failed_action="tambah_berkas", errors={"files": [message]})
    return _form_page(413, error=message, errors={"files": [message]})


@bp.errorhandler(FileTooLarge)
def _file_too_large(_err: Exception) -> tuple[str, int] | Response:
    return _too_large()


@bp.errorhandler(RequestEntityTooLarge)
def _request_too_large(_err: Exception) -> tuple[str, int] | Response:
    return _too_large()
