"""Audit events as the API and the CLI show them.

Why: every state change writes one audit event in the same transaction (DESIGN.md §1); events are hash-chained
so tampering shows. This schema is the read view. ``action`` is dumped as a plain string rather than through
the `AuditAction` enum on purpose: the log is append-only and outlives code, so an action name added later (or
retired) must never make the history unreadable. `AuditAction` lists the names the code writes today.
"""

from __future__ import annotations

from schemas.base import BaseSchema, DateTime, Dict, Integer, Nested, Raw, String, Username
from schemas.enums import AuditAction

__all__ = ["AuditChangeSchema", "AuditEventSchema"]


class AuditChangeSchema(BaseSchema):
    """One changed field: its value before and after (``None`` when the field did not exist)."""

    before = Raw(dump_only=True, allow_none=True)
    after = Raw(dump_only=True, allow_none=True)


class AuditEventSchema(BaseSchema):
    """One audit event (dump)."""

    id = Integer(dump_only=True)
    at = DateTime(dump_only=True)
    actor = Username(
        dump_only=True,
        allow_none=True,
        aliases=("actor_name",),
        metadata={"description": "Username; null for the system."},
    )
    action = String(
        dump_only=True,
        metadata={
            "description": "Dotted action name; today's: " + ", ".join(a.value for a in AuditAction) + ".",
            "example": str(AuditAction.RECORD_UPDATE),
        },
    )
    entity_type = String(dump_only=True, metadata={"description": "record, file, user, token, unit, ..."})
    entity_id = String(dump_only=True)
    record_id = Integer(dump_only=True, allow_none=True)
    changes = Dict(keys=String(), values=Nested(AuditChangeSchema), dump_only=True)
    hash = String(dump_only=True, metadata={"description": "Hash chaining this event to the previous one."})
