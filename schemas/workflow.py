"""What crosses the boundary for workflow transitions, control cards, receipts and worklists."""

from __future__ import annotations

from marshmallow import ValidationError, validates_schema

from schemas.base import BaseSchema, Boolean, Date, DateTime, Enum, Integer, List, Nested, String, bilingual
from schemas.enums import ExemptionGround, KipCategory, PublicationState
from schemas.validators import Length


class ConsequenceTestSchema(BaseSchema):
    """*Lembar uji konsekuensi*: summary, harm, public-interest balance, participants and the signed sheet (a file
    already attached to the record)."""

    summary = String(required=True, validate=Length(min=1, max=10_000))
    harm = String(required=True, validate=Length(min=1, max=10_000))
    public_interest = String(required=True, validate=Length(min=1, max=10_000))
    participants = List(String(validate=Length(min=1, max=255)), required=True, validate=Length(min=1, max=50))
    signed_sheet_file_id = Integer(required=True)


class TransitionRequestSchema(BaseSchema):
    """``POST /api/v1/records/<id>/transitions``: the action and whatever that action needs."""

    action = String(required=True, validate=Length(min=1, max=32))
    reason = String(allow_none=True, validate=Length(max=5000))
    kip_category = Enum(KipCategory, allow_none=True)
    exemption_ground = Enum(ExemptionGround, allow_none=True)
    exemption_basis = String(allow_none=True, validate=Length(max=5000))
    exemption_until = Date(allow_none=True)
    exemption_no_expiry = Boolean(load_default=False)
    exemption_decree_no = String(allow_none=True, validate=Length(max=128))
    consequence_test = Nested(ConsequenceTestSchema, allow_none=True)

    @validates_schema
    def _expiry_xor_date(self, data: dict, **_kwargs: object) -> None:
        if data.get("exemption_no_expiry") and data.get("exemption_until"):
            raise ValidationError(
                {
                    "exemption_until": [
                        bilingual(
                            "Pilih tanggal berakhir atau tanpa batas, bukan keduanya.",
                            "Give an end date or no expiry, not both.",
                        )
                    ]
                }
            )


class TransitionSchema(BaseSchema):
    """One row of the transition table, as served by ``GET /api/v1/workflow``."""

    action = String()
    step = String()
    from_states = List(Enum(PublicationState))
    to_state = Enum(PublicationState)
    roles = List(String())
    label_id = String()
    label_en = String()
    guards = List(String())
    effects = List(String())
    payload = List(String())


class StepSchema(BaseSchema):
    state = Enum(PublicationState)
    no = String()
    name_id = String()
    name_en = String()
    roles = List(String())
    sla = String()
    sla_en = String()
    output_id = String()


class WorkflowTableSchema(BaseSchema):
    steps = List(Nested(StepSchema))
    transitions = List(Nested(TransitionSchema))


class ControlCardEntrySchema(BaseSchema):
    round = Integer()
    step = String()
    action = String()
    from_state = String()
    to_state = String()
    actor_name = String()
    actor_role = String()
    at = DateTime()
    started_at = DateTime(allow_none=True)
    due_at = DateTime(allow_none=True)
    late = Boolean()
    note = String(allow_none=True)


class ReceiptSchema(BaseSchema):
    no = String()
    round = Integer()
    issued_at = DateTime()
    issued_by = String()
    countersigned_at = DateTime(allow_none=True)
    countersigned_by = String(allow_none=True)


class ControlCardSchema(BaseSchema):
    """*Kartu kontrol*: the record's card number, receipts and every step taken."""

    record_id = Integer()
    control_card_no = String(allow_none=True)
    publication_state = Enum(PublicationState)
    verification_round = Integer()
    step_due_at = DateTime(allow_none=True)
    receipts = List(Nested(ReceiptSchema))
    entries = List(Nested(ControlCardEntrySchema))


class WorkItemSchema(BaseSchema):
    record_id = Integer()
    record_no = String()
    title = String()
    processing_unit = String()
    publication_state = Enum(PublicationState)
    step = String()
    step_name = String()
    due_at = DateTime(allow_none=True)
    overdue = Boolean()
    actions = List(String())


class WorklistGroupSchema(BaseSchema):
    step = String()
    step_name = String()
    step_name_en = String()
    items = List(Nested(WorkItemSchema))
