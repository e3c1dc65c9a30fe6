"""Audit event dump: works on the ORM row shape and on dicts, and never chokes on an unknown action."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from schemas.audit import AuditEventSchema


def test_dump_of_orm_like_row() -> None:
    row = SimpleNamespace(
        id=9,
        at=dt.datetime(2025, 3, 1, 10, 0),
        actor_name="sari",  # the model keeps a snapshot of the username
        action="record.update",
        entity_type="record",
        entity_id="41",
        record_id=41,
        changes={"title": {"before": "Lama", "after": "Baru"}, "quantity": {"before": 1, "after": 2}},
        prev_hash="00" * 32,
        hash="ab" * 32,
    )
    assert AuditEventSchema().dump(row) == {
        "id": 9,
        "at": "2025-03-01T10:00:00+00:00",
        "actor": "sari",
        "action": "record.update",
        "entity_type": "record",
        "entity_id": "41",
        "record_id": 41,
        "changes": {"title": {"before": "Lama", "after": "Baru"}, "quantity": {"before": 1, "after": 2}},
        "hash": "ab" * 32,
    }


def test_system_event_and_future_action() -> None:
    out = AuditEventSchema().dump(
        {
            "id": 1,
            "at": dt.datetime(2025, 1, 1),
            "actor": None,
            "action": "retention.dispose",
            "record_id": None,
        }
    )
    assert out["actor"] is None and out["record_id"] is None
    assert out["action"] == "retention.dispose"


def test_actor_preferred_over_snapshot_name() -> None:
    out = AuditEventSchema().dump({"actor": "budi", "actor_name": "old"})
    assert out == {"actor": "budi"}
