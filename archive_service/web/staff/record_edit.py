"""Editing a record's archival description in the browser (``/staf/arsip/<id>/ubah``).

The form holds the whole writable description (``schemas.records.RecordUpdateSchema``: the fields the API's
``PATCH /api/v1/records/<id>`` accepts) and the record version it was made from. Saving sends only the fields the
user changed to ``services.records.update_record``, the same service as the API, so every rule holds here too:
the role matrix and unit scope, the security clearance, validation with field messages, optimistic locking, and
the review of published information (an edit of a record determined open or published opens a revision that
waits for steps 5-9, ``services/revisions.py``). Only changed fields are sent because some fields mean more than
their value: sending the unchanged stand-in title of a record named after its file would confirm it as the
user's title.

On invalid input nothing is saved and the form comes back (422) with the user's values and the messages next to
the fields. When someone else changed the record meanwhile (409), the form comes back filled with the record as it
is now and its new version, and lists the user's unsaved values, so nothing of the other change is overwritten
unseen.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from schemas.enums import (
    AvailableForm,
    ClassificationScheme,
    DevelopmentLevel,
    Media,
    PublicationState,
    QuantityUnit,
    Role,
    SecurityClass,
)

from ...errors import ArsipError, PermissionDenied
from ...permissions import classes_visible_to, role_may
from ...services import records as record_svc
from ...services.auth import list_units
from ...workflow.table import BY_ACTION, REVISION
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors
from .records import error_page, field_label, label, permitted_actions, render_page, transition_label

# Fields posted as one string each, in the order of the form.
SCALAR_FIELDS = (
    "title",
    "file_no",
    "classification_code",
    "classification_scheme",
    "processing_unit",
    "creator_org",
    "description",
    "doc_date",
    "period_start",
    "period_end",
    "development_level",
    "quantity",
    "quantity_unit",
    "media",
    "notes",
    "location",
    "security_class",
    "access_groups",
    "dip_summary",
    "controlling_unit",
    "responsible_official",
    "created_place",
    "dip_retention_text",
)
DATE_FIELDS = frozenset({"doc_date", "period_start", "period_end"})
FLAG_FIELDS = ("is_vital", "is_terjaga")
LIST_FIELDS = ("available_forms",)
EDIT_FIELDS = (*SCALAR_FIELDS, *FLAG_FIELDS, *LIST_FIELDS)
GROUP_SPLIT = re.compile(r"[,\s]+")
RESUBMIT = BY_ACTION["serahkan_ulang"]


# ---- form values ---------------------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def form_values(record: Any) -> MultiDict[str, str]:
    """The record's description as the form shows it (strings; a checked box is ``"1"``)."""
    values: MultiDict[str, str] = MultiDict()
    for name in SCALAR_FIELDS:
        value = getattr(record, name)
        values[name] = ", ".join(value or []) if name == "access_groups" else _text(value)
    for name in FLAG_FIELDS:
        values[name] = "1" if getattr(record, name) else ""
    for name in LIST_FIELDS:
        values.setlist(name, [str(v) for v in getattr(record, name) or []])
    return values


def sent_values(form: MultiDict[str, str], current: MultiDict[str, str]) -> MultiDict[str, str]:
    """The posted form in the same shape (trimmed; browsers send a textarea's line breaks as CRLF). A text field
    missing from the post keeps its current value (a browser always sends them, empty when cleared); boxes and
    checkbox lists follow the browser's rule that an unchecked box is not sent."""
    values: MultiDict[str, str] = MultiDict()
    for name in SCALAR_FIELDS:
        sent = form.get(name)
        values[name] = current.get(name, "") if sent is None else sent.replace("\r\n", "\n").strip()
    for name in FLAG_FIELDS:
        values[name] = "1" if form.get(name) else ""
    for name in LIST_FIELDS:
        values.setlist(name, [v for v in form.getlist(name) if v])
    return values


def _same(name: str, before: MultiDict[str, str], after: MultiDict[str, str]) -> bool:
    if name in LIST_FIELDS:
        return sorted(before.getlist(name)) == sorted(after.getlist(name))
    if name == "access_groups":
        return _groups(before.get(name, "")) == _groups(after.get(name, ""))
    return before.get(name, "") == after.get(name, "")


def _groups(text: str) -> list[str]:
    return [g for g in GROUP_SPLIT.split(text) if g]


def changed_payload(current: MultiDict[str, str], sent: MultiDict[str, str]) -> dict[str, Any]:
    """The update request (``RecordUpdateSchema``) of the fields whose posted value differs from the record's."""
    payload: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        if _same(name, current, sent):
            continue
        if name in LIST_FIELDS:
            payload[name] = sent.getlist(name)
        elif name in FLAG_FIELDS:
            payload[name] = bool(sent.get(name))
        elif name == "access_groups":
            payload[name] = _groups(sent.get(name, ""))
        elif name in DATE_FIELDS:
            payload[name] = sent.get(name) or None
        else:
            payload[name] = sent.get(name, "")
    return payload


# ---- the page ------------------------------------------------------------------------------------------------------
def _units() -> list[Any]:
    who = actor()
    return [u for u in list_units(rt(), who) if who.role != Role.PENDUKUNG or u.code == who.unit_code]


def _security_classes(record: Any) -> list[SecurityClass]:
    role = actor().role
    return [
        s
        for s in SecurityClass
        if role == Role.PENDUKUNG or str(s) in classes_visible_to(role) or s == record.security_class
    ]


def _unsaved(current: MultiDict[str, str], sent: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The user's values that differ from the record as it is now (shown after a stale save)."""
    out = []
    for name in EDIT_FIELDS:
        if _same(name, current, sent):
            continue
        if name in LIST_FIELDS:
            text = ", ".join(label(AvailableForm, v) for v in sent.getlist(name)) or "—"
        elif name in FLAG_FIELDS:
            text = _("ya") if sent.get(name) else _("tidak")
        else:
            text = sent.get(name) or "—"
        out.append((field_label(name), text))
    return out


def edit_page(
    record: Any,
    status: int = 200,
    *,
    values: MultiDict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str | None = None,
    unsaved: list[tuple[str, str]] | None = None,
) -> tuple[str, int]:
    shown = values if values is not None else form_values(record)
    errors = errors or {}
    return render_page(
        "staff/record_edit.html",
        status,
        active="records",
        record=record,
        values=shown,
        errors=errors,
        error=error,
        unsaved=unsaved or [],
        other_errors={k: v for k, v in errors.items() if k not in EDIT_FIELDS},
        units=_units(),
        security_classes=_security_classes(record),
        schemes=list(ClassificationScheme),
        levels=list(DevelopmentLevel),
        media_choices=list(Media),
        unit_choices=list(QuantityUnit),
        form_choices=list(AvailableForm),
        under_review=record.publication_state in REVISION.from_states,
        returned=record.publication_state == PublicationState.PERLU_PERBAIKAN,
    )


def _editable(record_id: int) -> Any:
    """The record, if this user may edit it at all (the service checks again, and more, when saving)."""
    if not role_may(actor().role, "record.update"):
        raise PermissionDenied(
            "Peran Anda tidak mengubah deskripsi arsip.", "Your role does not change record descriptions."
        )
    record = record_svc.get_record(rt(), actor(), record_id)
    record_svc.check_not_destroyed(record)
    return record


@bp.get("/arsip/<int:record_id>/ubah")
@login_required
def edit_record(record_id: int) -> tuple[str, int]:
    try:
        record = _editable(record_id)
    except ArsipError as err:
        return error_page(err)
    return edit_page(record)


@bp.post("/arsip/<int:record_id>/ubah")
@login_required
def save_record(record_id: int) -> Response | tuple[str, int]:
    try:
        record = _editable(record_id)
    except ArsipError as err:
        return error_page(err)
    shown = form_values(record)
    sent = sent_values(request.form, shown)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = -1  # an unreadable version is a stale one: the form comes back with the record as it is
    try:
        updated = record_svc.update_record(rt(), actor(), record_id, version, changed_payload(shown, sent))
    except ArsipError as err:
        if err.status in (404, 410):
            return error_page(err)
        if err.code == "stale-version":
            current = record_svc.get_record(rt(), actor(), record_id)
            return edit_page(
                current,
                409,
                error=_(
                    "Arsip ini sudah diubah orang lain sejak formulir dibuka. Perubahan Anda belum disimpan: "
                    "formulir kini memuat isian terbaru; masukkan lagi perubahan Anda di bawah."
                ),
                unsaved=_unsaved(form_values(current), sent),
            )
        errors = field_errors(err, (*LIST_FIELDS, "access_groups"))
        return edit_page(record, err.status, values=sent, errors=errors, error=error_text(err))
    if updated.version == record.version:
        flash(_("Tidak ada perubahan; deskripsi arsip tetap."))
    else:
        flash(_("Deskripsi arsip disimpan."))
        if record.publication_state in REVISION.from_states and updated.publication_state == REVISION.to_state:
            flash(
                _(
                    "Perubahan ini menunggu pemeriksaan ulang (langkah 5–9: diterima dan diverifikasi Tim "
                    "Sekretariat, ditetapkan PPID). Portal publik tetap menampilkan versi yang terakhir disetujui."
                )
            )
    if RESUBMIT in permitted_actions(actor(), updated):
        flash(
            _(
                "Bila perbaikan sudah selesai, serahkan ulang arsip ini: “%(button)s”.",
                button=transition_label(RESUBMIT),
            )
        )
    return redirect(url_for("staff.record", record_id=record_id))
