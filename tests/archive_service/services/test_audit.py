"""The audit chain detects an altered, a deleted and a reordered row, and names it."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete, select, update

from archive_service.db import AuditEvent
from archive_service.errors import ValidationFailed
from archive_service.services import audit, records
from archive_service.services.actor import SYSTEM


def _make_history(rt, accounts) -> None:  # type: ignore[no-untyped-def]
    for n in range(4):
        rec = records.create_record(
            rt,
            SYSTEM,
            {
                "title": f"Arsip {n}",
                "classification_code": "000.1.5",
                "processing_unit": "kominfo",
                "creator_org": "Kominfo",
            },
        )
        records.update_record(rt, SYSTEM, rec.id, 1, {"notes": "diperiksa"})


def _verify(rt):  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return audit.verify_chain(session)


def test_intact_chain_verifies(rt, accounts) -> None:
    _make_history(rt, accounts)
    report = _verify(rt)
    assert report.ok and report.checked >= 8 + 9  # 2 units + 7 users + 7 tokens + 8 record events


def test_altered_row_is_named(rt, accounts) -> None:
    _make_history(rt, accounts)
    with rt.db.write() as session:
        target = session.execute(select(AuditEvent).where(AuditEvent.action == "record.update")).scalars().first()
        target_id = target.id
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == target_id)
            .values(changes={"notes": {"before": None, "after": "dipalsukan"}})
        )
    report = _verify(rt)
    assert not report.ok
    assert (target_id, "altered") in {(p.event_id, p.kind) for p in report.problems}


def test_deleted_row_is_named(rt, accounts) -> None:
    _make_history(rt, accounts)
    with rt.db.write() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id == 5))
    report = _verify(rt)
    assert not report.ok
    assert report.problems[0].event_id == 6 and report.problems[0].kind == "missing"


def test_deleted_last_row_is_detected(rt, accounts) -> None:
    _make_history(rt, accounts)
    with rt.db.write() as session:
        last = session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
        session.execute(delete(AuditEvent).where(AuditEvent.id == last))
    report = _verify(rt)
    assert [p.kind for p in report.problems] == ["head"]


def test_reordered_rows_are_named(rt, accounts) -> None:
    """Swapping the content of two rows (keeping ids) breaks the links at the first swapped row."""
    _make_history(rt, accounts)
    with rt.db.write() as session:
        a, b = (session.get(AuditEvent, i) for i in (10, 11))
        fields = (
            "at",
            "actor_id",
            "actor_name",
            "action",
            "entity_type",
            "entity_id",
            "record_id",
            "changes",
            "prev_hash",
            "hash",
        )
        va, vb = ({f: getattr(a, f) for f in fields}, {f: getattr(b, f) for f in fields})
        for f in fields:
            setattr(a, f, vb[f])
            setattr(b, f, va[f])
    report = _verify(rt)
    assert not report.ok
    assert report.problems[0].event_id == 10
    assert {p.kind for p in report.problems} >= {"reordered"}


def test_failed_change_writes_no_audit_row(rt, accounts) -> None:
    with rt.db.read() as session:
        before = session.execute(select(AuditEvent.id)).all()
    with pytest.raises(ValidationFailed):
        records.create_record(
            rt,
            SYSTEM,
            {
                "title": "x",
                "classification_code": "000.1.5",
                "processing_unit": "tidakada",
                "creator_org": "x",
            },
        )
    with rt.db.read() as session:
        assert session.execute(select(AuditEvent.id)).all() == before


def test_bulk_append_continues_the_chain_as_single_appends_do(rt, accounts) -> None:
    """``append_many`` (batch ingest) writes consecutive ids that link to the rows before and after it, and the
    chain still verifies and names a row altered inside the bulk part."""
    _make_history(rt, accounts)
    entries = [audit.Entry("record.note", "record", n, None, {"n": {"before": None, "after": n}}) for n in range(5)]
    with rt.db.write() as session:
        before = session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
        audit.append(session, SYSTEM, "record.note", entity_type="record", entity_id="x", changes={"a": 1})
        audit.append_many(session, SYSTEM, entries)
        audit.append(session, SYSTEM, "record.note", entity_type="record", entity_id="y", changes={"b": 2})
    with rt.db.write() as session:
        audit.append_many(session, SYSTEM, entries[:2])
    with rt.db.read() as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)).scalars().all()
        assert [r.id for r in rows] == list(range(before + 1, before + 10))
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
        assert [r.changes for r in rows[1:6]] == [{"n": {"before": None, "after": n}} for n in range(5)]
    assert _verify(rt).ok
    with rt.db.write() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == before + 4).values(entity_id="diubah"))
    report = _verify(rt)
    assert not report.ok and report.problems[0].event_id == before + 4
