"""The monev figures equal counts computed independently (plain Python over every row), on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from archive_service.db.types import utcnow
from archive_service.errors import PermissionDenied
from archive_service.reports.period import month_of, parse_period
from archive_service.services import monev

from . import expected as ex

pytestmark = pytest.mark.corpus


def test_counts_by_category_unit_month_state(world) -> None:  # type: ignore[no-untyped-def]
    rt, ppid = world.rt, world.accounts["ppid"].actor
    rows = ex.load(rt)
    fig = monev.figures(rt, ppid, world.period)
    mine = ex.collected(rt, rows, ppid, world.period)
    assert fig.total == len(mine) >= 30  # demo (10) + corpus (20), all collected this semester
    cats = ex.by(mine, lambda r: r.kip_category or "belum_ditetapkan")
    assert dict(fig.by_category) == {c: cats.get(c, 0) for c in monev.CATEGORIES}
    assert dict(fig.by_unit) == ex.by(mine, lambda r: r.processing_unit)
    months = ex.by(mine, lambda r: ex.local_day(rt, r.created_at).strftime("%Y-%m"))
    assert {k: n for k, n in fig.by_month if n} == months
    assert len(fig.by_month) == 6  # a semester has six months, empty ones included
    assert {k: n for k, n in fig.by_state if n} == ex.by(mine, lambda r: r.publication_state)
    assert len([n for _k, n in fig.by_month if n]) >= 2  # the corpus records are spread over several months
    assert dict(fig.by_category)["dikecualikan"] == 3 and dict(fig.by_category)["berkala"] >= 4


def test_sla_per_step_and_unit(world) -> None:  # type: ignore[no-untyped-def]
    rt, ppid = world.rt, world.accounts["ppid"].actor
    now = utcnow()
    rows = ex.load(rt)
    by_step, by_unit, total = monev.sla_rows(rt, ppid, world.period, now=now)
    want = ex.sla(rt, rows, ppid, world.period, now)
    got = {r.key: [r.completed, r.late, r.open_overdue] for r in by_step if r.completed or r.open_overdue}
    assert got == want
    assert total.completed == sum(v[0] for v in want.values()) and total.late == sum(v[1] for v in want.values())
    assert total.late >= 2 and total.open_overdue >= 2  # the two lines marked late, the two records overdue
    row5 = next(r for r in by_step if r.key == "5")
    assert row5.late >= 2 and row5.compliance == round(100 * row5.on_time / row5.completed, 1)
    for unit in ("kominfo", "bappeda"):
        unit_row = next(r for r in by_unit if r.key == unit)
        want_unit = ex.sla(rt, rows, ppid, world.period, now, unit=unit)
        assert [unit_row.completed, unit_row.late, unit_row.open_overdue] == [
            sum(v[i] for v in want_unit.values()) for i in range(3)
        ]


def test_overdue_and_exemptions(world) -> None:  # type: ignore[no-untyped-def]
    rt, ppid = world.rt, world.accounts["ppid"].actor
    now = utcnow()
    rows = ex.load(rt)
    items = monev.overdue_items(rt, ppid, now=now)
    want = {r.id for r in rows.records if r.step_due_at is not None and r.step_due_at < now and r.destroyed_at is None}
    assert {i.record_id for i in items} == want
    assert world.hostile_id in want
    hostile = next(i for i in items if i.record_id == world.hostile_id)
    assert hostile.step == "3" and hostile.late_by >= timedelta(days=2) and "2 hari" in hostile.late_text
    expiring, expired = monev.exemptions(rt, ppid, today=world.today)
    assert [i.days_left for i in expiring] == [20] and [i.days_left for i in expired] == [-3]
    assert monev.exemptions(rt, ppid, today=world.today, days=5)[0] == []  # 20 days left is outside 5


def test_retention_due_is_the_retention_summary(world) -> None:  # type: ignore[no-untyped-def]
    from archive_service.services.retention_due import due_summary

    rt, ppid = world.rt, world.accounts["ppid"].actor
    fig = monev.figures(rt, ppid, world.period)
    assert fig.retention_due == due_summary(rt, ppid, as_of=fig.today)
    assert sum(r.count for r in fig.retention_due) >= 1
    sek = monev.figures(rt, world.accounts["sekretariat"].actor, world.period)
    assert sek.retention_due is None  # the secretariat may not see due lists (retention.due)


def test_unit_filter_and_other_periods(world) -> None:  # type: ignore[no-untyped-def]
    rt, ppid = world.rt, world.accounts["ppid"].actor
    rows = ex.load(rt)
    fig = monev.figures(rt, ppid, world.period, unit="bappeda")
    assert fig.total == len(ex.collected(rt, rows, ppid, world.period, unit="bappeda"))
    assert [k for k, _n in fig.by_unit] == ["bappeda"]
    month = month_of(world.today)
    assert monev.figures(rt, ppid, month).total == len(ex.collected(rt, rows, ppid, month))
    empty = monev.figures(rt, ppid, parse_period("2001"))
    assert empty.total == 0 and all(r.completed == 0 for r in empty.sla_by_step)
    assert [r.compliance for r in empty.sla_by_step] == [None] * len(empty.sla_by_step)


def test_pendukung_sees_only_its_unit(world) -> None:  # type: ignore[no-untyped-def]
    rt = world.rt
    kominfo, bappeda = world.accounts["pendukung"].actor, world.accounts["pendukung_other"].actor
    rows = ex.load(rt)
    # figures() needs monev.read; the pendukung's own numbers come through the same functions the reports use
    counts = monev.collected_counts(rt, kominfo, world.period, monev.scope_unit(kominfo, None))
    mine = ex.collected(rt, rows, kominfo, world.period)
    assert sum(n for _c, n in counts["by_category"]) == len(mine)
    assert {u for u, _n in counts["by_unit"]} == {"kominfo"}
    listed = {r.id for r in monev.collected_records(rt, kominfo, world.period, "kominfo")}
    assert world.rahasia_id not in listed  # bappeda's rahasia record
    exempted_bappeda = [
        r.id for r in rows.records if r.kip_category == "dikecualikan" and r.processing_unit == "bappeda"
    ]
    assert exempted_bappeda and not set(exempted_bappeda) & listed
    exempted_kominfo = [
        r.id for r in rows.records if r.kip_category == "dikecualikan" and r.processing_unit == "kominfo"
    ]
    other = {r.id for r in monev.collected_records(rt, bappeda, world.period, "bappeda")}
    assert exempted_kominfo and not set(exempted_kominfo) & other
    assert monev.exemptions(rt, bappeda, "bappeda", today=world.today) == ([], [])  # both ending ones are kominfo's
    with pytest.raises(PermissionDenied):
        monev.scope_unit(kominfo, "bappeda")
    with pytest.raises(PermissionDenied):
        monev.figures(rt, kominfo, world.period)  # no monev.read


def test_secretariat_does_not_count_rahasia(world) -> None:  # type: ignore[no-untyped-def]
    rt = world.rt
    sek = world.accounts["sekretariat"].actor
    rows = ex.load(rt)
    fig = monev.figures(rt, sek, world.period)
    assert fig.total == len(ex.collected(rt, rows, sek, world.period))
    assert world.rahasia_id not in {r.id for r in monev.collected_records(rt, sek, world.period)}
    assert fig.total == monev.figures(rt, world.accounts["ppid"].actor, world.period).total - 1
