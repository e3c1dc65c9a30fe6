"""The staff monev dashboard and ``/api/v1/monev``: charts with their tables, the right numbers, refusals, escaping."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from archive_service.db.types import utcnow
from archive_service.reports import charts
from tests.conftest import PASSWORD

from . import expected as ex

pytestmark = pytest.mark.corpus
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(client: Any, username: str) -> None:
    html = client.get("/staf/masuk").get_data(as_text=True)
    response = client.post(
        "/staf/masuk", data={"username": username, "password": PASSWORD, "csrf_token": TOKEN.search(html).group(1)}
    )
    assert response.status_code == 302


def cell_pairs(html: str, table_id: str) -> dict[str, str]:
    """``{row header: last cell}`` of one table's body."""
    body = re.search(rf'<table id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r'<th scope="row">(.*?)</th>.*?<td class="num">([^<]*)</td></tr>', body, re.S)
    return {unescape(k.strip()): v.strip() for k, v in rows}


def test_ppid_sees_charts_and_tables(world, world_client) -> None:  # type: ignore[no-untyped-def]
    login(world_client, "ppid")
    response = world_client.get(f"/staf/monev?period={world.period.key}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('role="img"') == 4 and html.count("<title id=") == 4
    assert 'aria-labelledby="monev-category-title monev-category-desc"' in html
    assert " style=" not in html  # CSP: no inline style, not even inside the SVG
    rt, ppid = world.rt, world.accounts["ppid"].actor
    rows = ex.load(rt)
    mine = ex.collected(rt, rows, ppid, world.period)
    units = cell_pairs(html, "monev-table-unit")
    per_unit = ex.by(mine, lambda r: r.processing_unit)
    assert units["Bappeda (bappeda)"] == str(per_unit["bappeda"])
    assert units["Dinas Komunikasi dan Informatika (kominfo)"] == str(per_unit["kominfo"])
    categories = cell_pairs(html, "monev-table-category")
    assert categories["Dikecualikan"] == str(sum(r.kip_category == "dikecualikan" for r in mine))
    assert categories["Belum ditetapkan"] == str(sum(r.kip_category is None for r in mine))
    assert f"{len(mine)} informasi dihimpun" in html
    sla = re.search(r'<table id="monev-table-sla".*?<tfoot>(.*?)</tfoot>', html, re.S).group(1)
    completed = sum(1 for e in rows.entries if world.period.contains(ex.local_day(rt, e.at)))
    assert f'<td class="num">{completed}</td>' in sla
    assert f"/staf/laporan/laporan-monev?period={world.period.key}&amp;format=pdf" in html
    assert 'id="monev-overdue"' in html and 'id="monev-exemptions"' in html and 'id="monev-retention"' in html


def test_hostile_title_is_escaped(world, world_client) -> None:  # type: ignore[no-untyped-def]
    login(world_client, "ppid")
    html = world_client.get("/staf/monev").get_data(as_text=True)  # the current semester by default
    overdue = re.search(r'<table id="monev-overdue".*?</table>', html, re.S).group(0)
    assert "&lt;script&gt;alert(" in overdue
    assert "<script>alert(" not in html


def test_unit_filter_and_bad_period(world, world_client) -> None:  # type: ignore[no-untyped-def]
    login(world_client, "sekretariat")
    html = world_client.get(f"/staf/monev?period={world.period.key}&unit=bappeda").get_data(as_text=True)
    rows = ex.load(world.rt)
    sek = world.accounts["sekretariat"].actor
    n = len(ex.collected(world.rt, rows, sek, world.period, unit="bappeda"))
    assert f"{n} informasi dihimpun" in html
    assert 'id="monev-retention-hidden"' in html  # no retention.due for the secretariat
    bad = world_client.get("/staf/monev?period=2026-13")
    assert bad.status_code == 422 and 'id="monev-period-error"' in bad.get_data(as_text=True)


@pytest.mark.parametrize("role", ["pendukung", "arsiparis"])
def test_roles_without_monev_get_403(world, world_client, role: str) -> None:  # type: ignore[no-untyped-def]
    login(world_client, role)
    response = world_client.get("/staf/monev")
    assert response.status_code == 403
    assert 'role="img"' not in response.get_data(as_text=True)


def test_signed_out_is_sent_to_login(world_client) -> None:  # type: ignore[no-untyped-def]
    response = world_client.get("/staf/monev")
    assert response.status_code == 302 and "/staf/masuk" in response.headers["Location"]


def test_api_numbers(world, world_client) -> None:  # type: ignore[no-untyped-def]
    rt, ppid = world.rt, world.accounts["ppid"]
    response = world_client.get(f"/api/v1/monev?period={world.period.key}", headers=ppid.headers)
    assert response.status_code == 200
    body = response.get_json()
    rows = ex.load(rt)
    mine = ex.collected(rt, rows, ppid.actor, world.period)
    assert body["total"] == len(mine) and body["period"]["key"] == world.period.key
    assert {p["key"]: p["count"] for p in body["by_unit"]} == ex.by(mine, lambda r: r.processing_unit)
    want = ex.sla(rt, rows, ppid.actor, world.period, utcnow())
    got = {r["key"]: [r["completed"], r["late"]] for r in body["sla_by_step"] if r["completed"]}
    assert got == {k: v[:2] for k, v in want.items() if v[0]}
    assert body["exemptions_expired"][0]["days_left"] == -3
    assert any(i["record_id"] == world.hostile_id for i in body["overdue"])
    unit = world_client.get("/api/v1/monev?unit=kominfo", headers=ppid.headers).get_json()
    assert [p["key"] for p in unit["by_unit"]] == ["kominfo"]
    assert world_client.get("/api/v1/monev", headers=world.accounts["pendukung"].headers).status_code == 403
    assert world_client.get("/api/v1/monev?period=nope", headers=ppid.headers).status_code == 422
    assert world_client.get("/api/v1/monev").status_code == 401


def test_charts_escape_and_are_deterministic() -> None:
    items = [("<b>&\"x'", 3), ("Unit B", 0)]
    svg = charts.bar_chart('Judul <i>"', items, chart_id="t 1")
    assert svg == charts.bar_chart('Judul <i>"', items, chart_id="t 1")
    assert "<b>" not in svg and "&lt;b&gt;&amp;&#34;x&#39;" in svg and "<i>" not in svg
    assert 'id="t-1"' in svg and 'aria-labelledby="t-1-title t-1-desc"' in svg and "style=" not in svg
    assert re.search(r'viewBox="0 0 640 \d+"', svg)
    sla = charts.sla_chart("SLA", [("Langkah 3", 5, 1)], chart_id="s")
    assert "5 tepat waktu, 1 terlambat" in sla and "Tepat waktu" in sla
    empty = charts.column_chart("Bulan", [], chart_id="m")
    assert "<title" in empty and "Tidak ada data" in empty
