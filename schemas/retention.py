"""Retention and disposition at the boundary: JRA versions and classes, holds, batches, due lists.

Request schemas validate what a caller may send (unknown fields are refused, as everywhere); dump schemas say
what the API returns. The *berita acara* fields follow the forms of Perka ANRI 37/2016: place, date, the
signatories with their positions, the method of destruction, the receiving party of a transfer.
"""

from __future__ import annotations

import typing

from marshmallow import ValidationError, validates_schema

from schemas.base import BaseSchema, Boolean, Date, DateTime, Dict, Enum, Integer, List, Nested, String, bilingual
from schemas.enums import (
    ApprovalAuthority,
    ArchivalState,
    BatchState,
    DispositionKind,
    FinalDisposition,
    HoldKind,
    PanelOpinion,
)
from schemas.validators import Length, OneOf, Range, unique_items, validate_unit_code

MAX_BATCH = 10_000
DUE_KINDS = ("pemindahan", "pemusnahan", "penyerahan", "penilaian_kembali")


def _record_ids(required: bool = True) -> List:
    return List(
        Integer(validate=Range(min=1)),
        required=required,
        validate=[Length(min=1, max=MAX_BATCH), unique_items],
    )


def _text(max_len: int, required: bool = False) -> String:
    if required:
        return String(required=True, validate=Length(min=1, max=max_len))
    return String(load_default=None, allow_none=True, validate=Length(max=max_len))


# ---- requests ----------------------------------------------------------------------------------------------------
class JraImportFormSchema(BaseSchema):
    """Form fields sent with a JRA file (``POST /api/v1/retention/jra``)."""

    name = _text(255, required=True)
    legal_basis = _text(255)
    skip_invalid = Boolean(load_default=False)
    dry_run = Boolean(load_default=False)


class HoldCreateSchema(BaseSchema):
    name = _text(255, required=True)
    kind = Enum(HoldKind, load_default=HoldKind.HUKUM)
    reason = _text(5000, required=True)
    reference = _text(255)
    record_ids = _record_ids()


class ReasonSchema(BaseSchema):
    reason = _text(5000, required=True)


class TriggerSchema(BaseSchema):
    event_date = Date(required=True)
    note = _text(2000)


class OverrideSchema(BaseSchema):
    class_id = Integer(required=True, validate=Range(min=1))
    reason = _text(5000, required=True)


class BatchProposeSchema(BaseSchema):
    kind = Enum(DispositionKind, required=True)
    record_ids = _record_ids()
    note = _text(5000)


class ConsiderationSchema(BaseSchema):
    """One panel member's written consideration; ``exclude_record_ids`` lists records the member would keep."""

    opinion = Enum(PanelOpinion, required=True)
    consideration = _text(10_000, required=True)
    exclude_record_ids = List(Integer(validate=Range(min=1)), load_default=list, validate=unique_items)


class ConcludeSchema(BaseSchema):
    summary = _text(10_000, required=True)


class ApprovalSchema(BaseSchema):
    """The authority's approval as a letter: number, date and signer (external for the head of ANRI)."""

    letter_no = _text(128, required=True)
    letter_date = Date(required=True)
    signer_name = _text(255, required=True)
    signer_title = _text(255, required=True)
    note = _text(5000)


class SignatorySchema(BaseSchema):
    name = _text(255, required=True)
    title = _text(255, required=True)
    role = _text(64)


class ExecutionSchema(BaseSchema):
    """The *berita acara* of the execution."""

    ba_no = _text(64)
    date = Date(required=True)
    place = _text(255, required=True)
    method = _text(255)  # pemusnahan: pencacahan, penghapusan digital, ...
    location = _text(255)  # pemindahan: where the records now are
    receiver = _text(255)  # penyerahan: the receiving archival institution
    signatories = List(Nested(SignatorySchema), required=True, validate=Length(min=2, max=20))
    witnesses = List(Nested(SignatorySchema), load_default=list, validate=Length(max=20))
    note = _text(5000)


class DueQuerySchema(BaseSchema):
    as_of = Date(load_default=None)
    kind = String(load_default=None, validate=OneOf(DUE_KINDS))
    processing_unit = String(load_default=None, validate=validate_unit_code)


class DueListQuerySchema(DueQuerySchema):
    kind = String(required=True, validate=OneOf(DUE_KINDS))
    month = String(load_default=None, validate=Length(equal=7))

    @validates_schema
    def _month_format(self, data: dict[str, typing.Any], **kwargs: typing.Any) -> None:
        month = data.get("month")
        if month and not (month[:4].isdigit() and month[4] == "-" and month[5:].isdigit()):
            raise ValidationError({"month": [bilingual("Format bulan YYYY-MM.", "Month format YYYY-MM.")]})


# ---- responses ---------------------------------------------------------------------------------------------------
class PeriodSchema(BaseSchema):
    years = Integer()
    trigger = String(allow_none=True)
    note = String(allow_none=True)
    text = String()


class JraClassSchema(BaseSchema):
    id = Integer()
    code = String()
    record_type = String()
    active = Nested(PeriodSchema)
    inactive = Nested(PeriodSchema)
    total_years = Integer()
    final_disposition = Enum(FinalDisposition)
    disposition_note = String(allow_none=True)
    notes = String(allow_none=True)
    source_line = Integer()


class JraScheduleSchema(BaseSchema):
    id = Integer()
    version_no = Integer()
    name = String()
    legal_basis = String(allow_none=True)
    source_filename = String(allow_none=True)
    source_sha256 = String(allow_none=True)
    row_count = Integer()
    imported_at = DateTime()
    imported_by = String()
    is_current = Boolean()


class RowProblemSchema(BaseSchema):
    line = Integer()
    column = String(allow_none=True)
    value = String()
    message_id = String()
    message_en = String()


class JraImportResultSchema(BaseSchema):
    schedule = Nested(JraScheduleSchema, allow_none=True)
    rows = Integer()
    problems = List(Nested(RowProblemSchema))
    headings = Integer()
    classified = Integer()
    dry_run = Boolean()


class HoldSchema(BaseSchema):
    id = Integer()
    name = String()
    kind = Enum(HoldKind)
    reason = String()
    reference = String(allow_none=True)
    placed_by = String()
    placed_at = DateTime()
    released_by = String(allow_none=True)
    released_at = DateTime(allow_none=True)
    release_reason = String(allow_none=True)
    in_force = Boolean()
    # Only the records the reader may read, and their number (never the total: archive_service.services.holds).
    record_ids = List(Integer())
    record_count = Integer()


class RecordHoldSchema(BaseSchema):
    id = Integer()
    name = String()
    kind = Enum(HoldKind)
    reason = String()
    placed_by = String()
    placed_at = DateTime()
    in_force = Boolean()
    released_at = DateTime(allow_none=True)


class RetentionViewSchema(BaseSchema):
    record_id = Integer()
    version = Integer()
    archival_state = Enum(ArchivalState)
    jra_class = Nested(JraClassSchema, allow_none=True)
    jra_ref = String(allow_none=True)
    final_disposition = Enum(FinalDisposition, allow_none=True)
    retention_total_years = Integer(allow_none=True)
    retention_trigger_date = Date(allow_none=True)
    waiting_for_trigger = String(allow_none=True)
    active_until = Date(allow_none=True)
    inactive_until = Date(allow_none=True)
    override_reason = String(allow_none=True)
    legal_hold = Boolean()
    is_vital = Boolean()
    location = String(allow_none=True)
    destroyed_at = DateTime(allow_none=True)
    transferred_at = DateTime(allow_none=True)
    holds = List(Nested(RecordHoldSchema))


class ConsiderationOutSchema(BaseSchema):
    member = String()
    member_name = String()
    opinion = Enum(PanelOpinion)
    consideration = String()
    exclude_record_ids = List(Integer())
    at = DateTime()


class BatchItemSchema(BaseSchema):
    """A line of a batch; a line whose record the reader may not read is ``redacted``: no record id, its row keeps
    only its number and codes (``archive_service.services.access.redacted_line``)."""

    record_id = Integer(allow_none=True)
    position = Integer()
    row = Dict()
    excluded = Boolean()
    excluded_reason = String(allow_none=True)
    outcome = Dict()
    redacted = Boolean()


class BatchSchema(BaseSchema):
    id = Integer()
    no = String()
    kind = Enum(DispositionKind)
    state = Enum(BatchState)
    version = Integer()
    processing_unit = String(allow_none=True)
    authority = Enum(ApprovalAuthority)
    total_years_max = Integer()
    proposal_note = String(allow_none=True)
    proposed_by = String()
    proposed_at = DateTime()
    panel_concluded_by = String(allow_none=True)
    panel_concluded_at = DateTime(allow_none=True)
    panel_summary = String(allow_none=True)
    approval = Dict()
    approved_by = String(allow_none=True)
    approved_at = DateTime(allow_none=True)
    berita_acara_no = String(allow_none=True)
    berita_acara = Dict()
    executed_by = String(allow_none=True)
    executed_at = DateTime(allow_none=True)
    refused_reason = String(allow_none=True)
    package_sha256 = String(allow_none=True)
    package_size = Integer(allow_none=True)
    items = List(Nested(BatchItemSchema))
    considerations = List(Nested(ConsiderationOutSchema))


class BatchSummarySchema(BatchSchema):
    class Meta:
        exclude = ("items", "considerations")


class DueRowSchema(BaseSchema):
    kind = String()
    processing_unit = String()
    month = String()
    count = Integer()
    held = Integer()
    vital = Integer()


class DueRecordSchema(BaseSchema):
    id = Integer()
    record_no = String()
    title = String()
    processing_unit = String()
    classification_code = String()
    jra_ref = String(allow_none=True)
    final_disposition = Enum(FinalDisposition, allow_none=True)
    active_until = Date(allow_none=True)
    inactive_until = Date(allow_none=True)
    legal_hold = Boolean()
    is_vital = Boolean()
    version = Integer()


class LifecycleStageSchema(BaseSchema):
    batch_state = String(metadata={"description": "A batch stage of this kind."})
    record_state = String(metadata={"description": "The archival state its records are in at that stage."})


class LifecycleKindSchema(BaseSchema):
    """One disposition kind's rule (``retention/lifecycle.py``)."""

    kind = String()
    label_id = String()
    label_en = String()
    eligible_state = String(metadata={"description": "The archival state a record must be in to be proposed."})
    due_field = String(metadata={"description": "The record's date that makes it due."})
    disposition = String(allow_none=True, metadata={"description": "The final disposition it needs, if any."})
    needs_panel = Boolean(metadata={"description": "Appraised by the panel (panitia penilai) first."})
    stages = List(Nested(LifecycleStageSchema))
    authority = List(String(), metadata={"description": "Who may approve, by total retention."})
    vital_allowed = Boolean()
    berita_acara = String(metadata={"description": "Title of the minutes (berita acara)."})
    list_title = String(
        attribute="list", data_key="list", metadata={"description": "Title of the list (daftar arsip)."}
    )


class ReappraisalRuleSchema(BaseSchema):
    from_state = String(attribute="from", data_key="from", metadata={"description": "Where a re-appraisal may start."})
    state = String()
    done = String()


class LifecycleSchema(BaseSchema):
    """``GET /api/v1/retention/lifecycle``: the archival lifecycle rules as data."""

    kinds = List(Nested(LifecycleKindSchema))
    reappraisal = Nested(ReappraisalRuleSchema)


class ErasureDueSchema(BaseSchema):
    """A request whose applicant data is due for erasure (docs/requests.md): number and dates, no personal data."""

    number = String()
    received_at = DateTime()
    closed_on = Date()
    erase_from = Date()
    holds = List(String())
    approval = Dict(allow_none=True)


class ErasureDoneSchema(BaseSchema):
    number = String()
    erased_at = DateTime()
    berita_acara = Dict()
    identity_deleted = Boolean()
    identity_kept_shared = Boolean()
