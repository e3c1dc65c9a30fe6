"""Workflow endpoints: the transition table, transitions on a record, its control card, worklists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.base import BaseSchema, Integer, String
from schemas.enums import Role
from schemas.records import RecordSchema
from schemas.validators import OneOf, Range
from schemas.workflow import (
    ControlCardSchema,
    TransitionRequestSchema,
    WorkflowTableSchema,
    WorkItemSchema,
    WorklistGroupSchema,
)

from ..errors import ValidationFailed
from ..services import workflow as svc
from .records import IF_MATCH, RECORD_HEADERS, _if_match, _with_etag
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "workflow",
    __name__,
    url_prefix="/api/v1",
    description="Alur SOP Pengolahan Informasi Publik / The public-information SOP workflow",
)


class DueQuerySchema(BaseSchema):
    within_hours = Integer(load_default=4, validate=Range(min=0, max=24 * 366))
    role = String(allow_none=True, validate=OneOf([str(r) for r in Role]))
    unit = String(allow_none=True)


@blp.route("/workflow")
class WorkflowTable(MethodView):
    @endpoint_action("workflow.read")
    @blp.response(200, WorkflowTableSchema)
    def get(self) -> Any:
        """Tabel langkah dan transisi SOP / The SOP steps and transition table."""
        return svc.workflow_table()


@blp.route("/workflow/due")
class WorkflowDue(MethodView):
    @endpoint_action("worklist.read")
    @blp.arguments(DueQuerySchema, location="query")
    @blp.response(200, WorkItemSchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """Terlambat dan segera jatuh tempo, per peran dan unit / Overdue and due soon, per role and unit."""
        return svc.due_items(
            runtime(),
            current_actor(),
            within=timedelta(hours=query["within_hours"]),
            role=query.get("role"),
            unit=query.get("unit"),
        )


@blp.route("/worklist")
class Worklist(MethodView):
    @endpoint_action("worklist.read")
    @blp.response(200, WorklistGroupSchema(many=True))
    def get(self) -> Any:
        """Pekerjaan saya per langkah SOP / My work, grouped by SOP step."""
        return svc.worklist(runtime(), current_actor())


@blp.route("/records/<int:record_id>/transitions")
class RecordTransitions(MethodView):
    @endpoint_action("workflow.transition")
    @blp.doc(
        requestBody={"content": {"application/json": {"schema": TransitionRequestSchema}}},
        parameters=[IF_MATCH],
    )
    @blp.response(200, RecordSchema, headers=RECORD_HEADERS)
    def post(self, record_id: int) -> Any:
        """Jalankan satu aksi SOP; perlu If-Match / Carry out one SOP action; needs If-Match."""
        version = _if_match()
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed("Kirim aksi sebagai objek JSON.", "Send the action as a JSON object.")
        return _with_etag(svc.apply_transition(runtime(), current_actor(), record_id, version, data))


@blp.route("/records/<int:record_id>/control-card")
class RecordControlCard(MethodView):
    @endpoint_action("record.read")
    @blp.response(200, ControlCardSchema)
    def get(self, record_id: int) -> Any:
        """Kartu kontrol dan tanda terima / Control card and receipts."""
        return svc.control_card(runtime(), current_actor(), record_id)
