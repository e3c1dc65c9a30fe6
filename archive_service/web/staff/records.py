"""Record pages: the list, one record (metadata, files, control card, timeline, retention) and its actions.

The page offers only the actions the user may take now (the transition table filtered by the record's state and
the user's role); the service checks again, so a hand-made POST of another action gets the service's 403/409.
Every action form carries the record version it was made from: when someone else changed the record meanwhile the
answer is 409 and the page shows the current state.

The small helpers at the top (messages in the page language, labels, local times) are shared by the other views
of the workspace core (home, intake, password).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from schemas.enums import (
    AUDIT_ACTION_LABELS,
    LABELS,
    OPEN_KIP_CATEGORIES,
    KipCategory,
    PublicationState,
)
from schemas.files import extraction_view

from ...api.uploads import collect_uploads
from ...db.types import utcnow
from ...downloads import INLINE_TYPES, file_response
from ...errors import ArsipError, ValidationFailed
from ...permissions import acting_roles, role_may
from ...services import file_extraction, retention, workflow
from ...services import records as record_svc
from ...services.actor import Actor
from ...services.uploads import Upload
from ...workflow.table import BY_ACTION, LABELLED, TRANSITIONS, Transition
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors, in_indonesian, lang_text

PER_PAGE = 20
# Fields the workflow guards name when they are missing (the record page says which, in words).
FIELD_LABELS = {
    "dip_summary": _l("Ringkasan isi (DIP)"),
    "controlling_unit": _l("Pejabat/unit penguasa informasi"),
    "responsible_official": _l("Penanggung jawab"),
    "created_place": _l("Tempat dibuat"),
    "available_forms": _l("Bentuk yang tersedia"),
    "files": _l("Berkas"),
    "classification_code": _l("Kode klasifikasi"),
    "file_no": _l("Nomor berkas"),
    "description": _l("Uraian"),
    "quantity": _l("Jumlah"),
    "media": _l("Media"),
    "development_level": _l("Tingkat perkembangan"),
    "doc_date": _l("Tanggal"),
    "action": _l("Tindakan"),
    "version": _l("Versi"),
    "title": _l("Judul (indeks)"),
    "creator_org": _l("Pencipta arsip"),
    "processing_unit": _l("Unit pengolah"),
    "classification_scheme": _l("Skema klasifikasi"),
    "period_start": _l("Awal kurun waktu"),
    "period_end": _l("Akhir kurun waktu"),
    "quantity_unit": _l("Satuan"),
    "notes": _l("Keterangan"),
    "security_class": _l("Klasifikasi keamanan"),
    "access_groups": _l("Hak akses (kelompok)"),
    "is_vital": _l("Arsip vital"),
    "is_terjaga": _l("Arsip terjaga"),
    "location": _l("Lokasi simpan"),
    "dip_retention_text": _l("Jangka waktu penyimpanan (DIP)"),
    "record_no": _l("Nomor arsip"),
}
ENUMS = SimpleNamespace(**{cls.__name__: cls for cls in LABELS})  # label(E.Media, value) in templates
TEXT_PAYLOAD = ("reason", "kip_category", "exemption_ground", "exemption_basis", "exemption_decree_no")
CONSEQUENCE_TEXT = ("summary", "harm", "public_interest")


# ---- shared helpers ------------------------------------------------------------------------------------------------


def field_label(name: str) -> str:
    return str(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def label(kind: type, value: Any) -> str:
    """The label of an enum value in the page language (the raw value when unknown)."""
    if value is None or value == "":
        return ""
    try:
        pair = LABELS[kind][kind(str(value))]
    except (KeyError, ValueError):
        return str(value)
    return pair[0] if in_indonesian() else pair[1]


def fmt_time(value: datetime | None) -> str:
    """A moment in the office's time zone (the working calendar's), e.g. ``05-12-2026 14:30 WIB``."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(rt().calendar.tz).strftime("%d-%m-%Y %H:%M %Z")


def fmt_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def transition_label(transition: Transition) -> str:
    return transition.label_id if in_indonesian() else transition.label_en


def page_helpers() -> dict[str, Any]:
    """What the core templates use to print values: labels, times, enums."""
    return {
        "label": label,
        "fmt_time": fmt_time,
        "fmt_date": fmt_date,
        "E": ENUMS,
        "field_label": field_label,
        "action_label": lambda name: transition_label(LABELLED[name]) if name in LABELLED else name,
        "lang_text": lang_text,
        "pair_text": lambda text_id, text_en: text_id if in_indonesian() else text_en,
        "extraction_view": extraction_view,
    }


def render_page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **page_helpers(), **context), status


def error_page(err: ArsipError) -> tuple[str, int]:
    return render_page("staff/_record_error.html", err.status, code=err.status, message=error_text(err))


def collect_web_uploads(field: str = "files") -> list[Upload]:
    """The uploaded files of a web form; an empty file input (a part without a name or bytes) is no file."""
    uploads = collect_uploads(field)
    kept = []
    for upload in uploads:
        if not upload.filename and upload.staged.size == 0:
            upload.staged.discard()
        else:
            kept.append(upload)
    return kept


def wants_json() -> bool:
    """The progressive upload script posts with this header and follows the location itself."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


# ---- the list ------------------------------------------------------------------------------------------------------
def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("halaman", "1")), 10_000))
    except ValueError:
        return 1


@bp.get("/arsip")
@login_required
def records_index() -> tuple[str, int]:
    q = request.args.get("q", "").strip()[:200]
    state = request.args.get("status", "")
    query: dict[str, Any] = {"q": q or None}
    if state in {str(s) for s in PublicationState}:
        query["publication_state"] = state
    else:
        state = ""
    page = _page_number()
    try:
        result = record_svc.list_records(rt(), actor(), query, page, PER_PAGE)
    except ArsipError as err:
        return error_page(err)
    pages = max(1, -(-result.total // PER_PAGE))
    return render_page(
        "staff/_record_list.html",
        active="records",
        result=result,
        q=q,
        state=state,
        page=page,
        pages=pages,
    )


# ---- one record ----------------------------------------------------------------------------------------------------
def permitted_actions(who: Actor, record: Any) -> list[Transition]:
    """The transitions this user may take on this record now (the services would refuse the others)."""
    if record.destroyed_at is not None or not role_may(who.role, "workflow.transition"):
        return []
    return [
        t
        for t in TRANSITIONS
        if record.publication_state in t.from_states and who.role in acting_roles(t.roles, record.security_class)
    ]


def _history_rows(events: list[Any]) -> list[dict[str, Any]]:
    """The audit trail, newest first, with a readable name for each action."""
    rows = []
    for event in reversed(events):
        name = event.action
        if name.startswith("workflow.") and name.removeprefix("workflow.") in LABELLED:
            title = transition_label(LABELLED[name.removeprefix("workflow.")])
        elif name in AUDIT_ACTION_LABELS:
            pair = AUDIT_ACTION_LABELS[name]  # type: ignore[index]
            title = pair[0] if in_indonesian() else pair[1]
        else:
            title = name
        changes = [
            (key, _short(change.get("before")), _short(change.get("after")))
            for key, change in (event.changes or {}).items()
            if isinstance(change, dict)
        ]
        rows.append({"event": event, "title": title, "changes": changes})
    return rows


def _short(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _kip_choices(transition: Transition) -> list[KipCategory]:
    if transition.action == "usulkan_kategori":
        return list(KipCategory)
    return [c for c in KipCategory if c in OPEN_KIP_CATEGORIES]


def record_page(
    record_id: int,
    status: int = 200,
    *,
    error: str | None = None,
    failed_action: str | None = None,
    values: MultiDict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> tuple[str, int]:
    rt_, who = rt(), actor()
    try:
        record = record_svc.get_record(rt_, who, record_id)
        card = workflow.control_card(rt_, who, record_id)
        history = record_svc.record_history(rt_, who, record_id)
        held = retention.retention_view(rt_, who, record_id)
    except ArsipError as err:
        return error_page(err)
    actions = [
        {"t": t, "label": transition_label(t), "kip_choices": _kip_choices(t)} for t in permitted_actions(who, record)
    ]
    returned = None
    if record.publication_state == PublicationState.PERLU_PERBAIKAN:  # the secretariat's note of the last return
        returned = next((e for e in reversed(card["entries"]) if e.action == "kembalikan"), None)
    return render_page(
        "staff/record.html",
        status,
        active="records",
        record=record,
        card=card,
        history=_history_rows(history),
        retention=held,
        actions=actions,
        inline_types=INLINE_TYPES,
        may_add_files=record.destroyed_at is None and role_may(who.role, "file.add"),
        may_edit=record.destroyed_at is None and role_may(who.role, "record.update"),
        returned=returned,
        missing_description=sorted(set(errors or {}) & set(record_svc.DESCRIPTIVE_FIELDS)),
        may_resubmit=any(a["t"].action == "serahkan_ulang" for a in actions),
        overdue=record.step_due_at is not None and record.step_due_at < utcnow(),
        error=error,
        failed_action=failed_action,
        values=values if values is not None else MultiDict(),
        errors=errors or {},
    )


@bp.get("/arsip/<int:record_id>")
@login_required
def record(record_id: int) -> tuple[str, int]:
    return record_page(record_id)


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        raise ValidationFailed(
            "Versi arsip tidak terbaca; muat ulang halaman.", "The record version is unreadable; reload the page."
        ) from None


def action_payload(form: MultiDict[str, str], transition: Transition) -> dict[str, Any]:
    """The transition request (``schemas.workflow.TransitionRequestSchema``) from an action form."""
    body: dict[str, Any] = {"action": transition.action}
    for name in TEXT_PAYLOAD:
        if name in transition.payload:
            body[name] = form.get(name, "").strip() or None
    if "exemption_until" in transition.payload:
        body["exemption_until"] = form.get("exemption_until", "").strip() or None
    if "exemption_no_expiry" in transition.payload:
        body["exemption_no_expiry"] = form.get("exemption_no_expiry") == "1"
    if "consequence_test" in transition.payload:
        test: dict[str, Any] = {}
        for name in CONSEQUENCE_TEXT:
            if text := form.get(f"consequence_test.{name}", "").strip():
                test[name] = text
        participants = [p.strip() for p in form.get("consequence_test.participants", "").split(",") if p.strip()]
        if participants:
            test["participants"] = participants
        if sheet := form.get("consequence_test.signed_sheet_file_id", "").strip():
            test["signed_sheet_file_id"] = sheet
        body["consequence_test"] = test or None
    return body


def _failure_text(err: ArsipError) -> str:
    """What a failed action on a record page says: a stale page gets the one advice that helps."""
    if err.code == "stale-version":
        return _("Arsip ini sudah diubah orang lain; periksa keadaannya sekarang lalu ulangi.")
    return error_text(err)


@bp.post("/arsip/<int:record_id>/aksi")
@login_required
def action(record_id: int) -> Response | tuple[str, int]:
    name = request.form.get("action", "")
    transition = BY_ACTION.get(name)
    try:
        if transition is None:
            raise ValidationFailed("Aksi tidak dikenal.", "Unknown action.")
        updated = workflow.apply_transition(
            rt(), actor(), record_id, _version(), action_payload(request.form, transition)
        )
    except ArsipError as err:
        if err.status == 404:
            return error_page(err)
        message = _failure_text(err)
        return record_page(
            record_id,
            err.status,
            error=message,
            failed_action=name,
            values=request.form,
            errors=field_errors(err),
        )
    done = transition_label(transition)  # type: ignore[union-attr]
    state = label(PublicationState, updated.publication_state)
    flash(_("%(action)s: berhasil. Status sekarang: %(state)s.", action=done, state=state))
    return redirect(url_for("staff.record", record_id=record_id))


@bp.post("/arsip/<int:record_id>/judul-usulan")
@login_required
def use_proposed_title(record_id: int) -> Response | tuple[str, int]:
    """The "Pakai judul usulan" button: the title the worker derived from the file's text becomes the record's
    title, as the user's own edit. A second click says so and changes nothing; a stale page answers 409 with the
    record as it is."""
    try:
        _record, changed = record_svc.use_proposed_title(
            rt(), actor(), record_id, _version(), request.form.get("proposed_title", "")
        )
    except ArsipError as err:
        if err.status == 404:
            return error_page(err)
        message = _failure_text(err)
        return record_page(record_id, err.status, error=message, failed_action="judul_usulan")
    flash(_("Judul arsip diganti dengan judul usulan.") if changed else _("Judul usulan sudah dipakai."))
    return redirect(url_for("staff.record", record_id=record_id))


@bp.post("/arsip/<int:record_id>/berkas")
@login_required
def add_files(record_id: int) -> Response | tuple[str, int]:
    try:
        uploads = collect_web_uploads()
        record_svc.add_files(rt(), actor(), record_id, uploads, _version())
    except ArsipError as err:
        if err.status == 404:
            return error_page(err)
        message = _failure_text(err)
        return record_page(
            record_id, err.status, error=message, failed_action="tambah_berkas", errors=field_errors(err, ("files",))
        )
    flash(_("Berkas ditambahkan: %(n)d.", n=len(uploads)))
    return redirect(url_for("staff.record", record_id=record_id))


@bp.post("/arsip/<int:record_id>/ekstraksi/ulangi")
@login_required
def retry_extraction(record_id: int) -> Response | tuple[str, int]:
    """An administrator sends the record's unfinished or failed files back to the index worker."""
    try:
        count = file_extraction.retry_record(rt(), actor(), record_id)
    except ArsipError as err:
        if err.status == 404:
            return error_page(err)
        return record_page(record_id, err.status, error=_failure_text(err))
    flash(
        _("Pembacaan ulang dijadwalkan untuk %(n)d berkas.", n=count)
        if count
        else _("Tidak ada berkas yang perlu dibaca ulang.")
    )
    return redirect(url_for("staff.record", record_id=record_id))


# ---- files ---------------------------------------------------------------------------------------------------------
def _file(record_id: int, file_id: int, *, preview: bool) -> Response | tuple[str, int]:
    try:
        row, stream = record_svc.open_file(rt(), actor(), record_id, file_id)
    except ArsipError as err:
        return error_page(err)
    return file_response(stream, filename=row.filename, mime=row.mime, size=row.size, preview=preview)


@bp.get("/arsip/<int:record_id>/berkas/<int:file_id>")
@login_required
def download(record_id: int, file_id: int) -> Response | tuple[str, int]:
    return _file(record_id, file_id, preview=False)


@bp.get("/arsip/<int:record_id>/berkas/<int:file_id>/pratinjau")
@login_required
def preview(record_id: int, file_id: int) -> Response | tuple[str, int]:
    """Inline for the record page's preview frame; only PDF and images are ever shown inline."""
    return _file(record_id, file_id, preview=True)
