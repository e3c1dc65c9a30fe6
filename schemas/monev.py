"""``/api/v1/monev`` at the boundary: the query (period, unit) and the figures as JSON."""

from __future__ import annotations

from schemas.base import BaseSchema, Date, DateTime, Float, Integer, List, Nested, String
from schemas.retention import DueRowSchema
from schemas.validators import Length


class MonevQuerySchema(BaseSchema):
    """``period``: ``2026-S2``, ``2026-11``, ``2026-Q3``, ``2026`` or ``a..b`` (default: the current semester)."""

    period = String(load_default=None, validate=Length(max=40))
    unit = String(load_default=None, validate=Length(max=32))


class MonevCountSchema(BaseSchema):
    key = String()
    count = Integer()


class MonevSlaRowSchema(BaseSchema):
    key = String()
    label = String()
    sla = String(allow_none=True)
    completed = Integer()
    on_time = Integer()
    late = Integer()
    compliance = Float(allow_none=True)
    open_overdue = Integer()


class MonevOverdueItemSchema(BaseSchema):
    record_id = Integer()
    record_no = String()
    title = String()
    unit = String()
    state = String()
    step = String()
    step_name = String()
    due_at = DateTime()
    late_seconds = Integer()


class MonevExemptionItemSchema(BaseSchema):
    record_id = Integer()
    record_no = String()
    title = String()
    unit = String()
    ground = String(allow_none=True)
    until = Date()
    days_left = Integer()
    decree_no = String(allow_none=True)


class MonevPeriodSchema(BaseSchema):
    key = String()
    label = String()
    start = Date()
    end = Date()


class MonevSchema(BaseSchema):
    period = Nested(MonevPeriodSchema)
    unit = String(allow_none=True)
    as_of = DateTime()
    total = Integer()
    by_category = List(Nested(MonevCountSchema))
    by_unit = List(Nested(MonevCountSchema))
    by_month = List(Nested(MonevCountSchema))
    by_state = List(Nested(MonevCountSchema))
    sla_by_step = List(Nested(MonevSlaRowSchema))
    sla_by_unit = List(Nested(MonevSlaRowSchema))
    sla_total = Nested(MonevSlaRowSchema)
    overdue = List(Nested(MonevOverdueItemSchema))
    exemption_days = Integer()
    exemptions_expiring = List(Nested(MonevExemptionItemSchema))
    exemptions_expired = List(Nested(MonevExemptionItemSchema))
    retention_due = List(Nested(DueRowSchema), allow_none=True)
