"""The periodic SOP reports and the monev report: right numbers, rendered to PDF (checked with poppler), XLSX, CSV."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from archive_service.errors import PermissionDenied
from archive_service.reports import registry
from archive_service.reports.model import Chart, Fields, Table
from archive_service.reports.render import render, render_to_file
from archive_service.services import monev

from . import expected as ex

pytestmark = pytest.mark.corpus


def build(world, role: str, name: str, **params):  # type: ignore[no-untyped-def]
    raw = {"period": world.period.key, **params}
    return registry.build(world.rt, world.accounts[role].actor, name, raw)[1]


def table(doc, title_part: str) -> Table:  # type: ignore[no-untyped-def]
    return next(t for t in doc.tables() if title_part in (t.title or ""))


def fields(doc) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {k: v for s in doc.sections if isinstance(s, Fields) for k, v in s.items}


def pdf_text(world, doc, tmp_path: Path) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Render to PDF, rasterise with pdftoppm (page count), extract with pdftotext -layout."""
    pdf = render_to_file(doc, "pdf", world.rt.settings, tmp_path / f"{doc.name}.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = len(list(tmp_path.glob("page*.png")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return pages, " ".join(text.split())


def test_pengumpulan_numbers_and_scope(world) -> None:  # type: ignore[no-untyped-def]
    rt, rows = world.rt, ex.load(world.rt)
    doc = build(world, "ppid", "laporan-pengumpulan")
    listing = list(table(doc, "Daftar").rows)
    mine = ex.collected(rt, rows, world.accounts["ppid"].actor, world.period)
    assert len(listing) == len(mine) and {r[1] for r in listing} == {r.record_no for r in mine}
    totals = table(doc, "per unit")
    assert {code: n for code, _name, n in totals.rows} == ex.by(mine, lambda r: r.processing_unit)
    assert totals.totals[-1] == len(mine)
    assert doc.place_date.startswith("Sleman, ") and doc.signatures
    # a pendukung gets its own unit whatever it asks, and 403 for another unit
    own = build(world, "pendukung", "laporan-pengumpulan")
    kominfo = ex.collected(rt, rows, world.accounts["pendukung"].actor, world.period)
    assert {r[1] for r in table(own, "Daftar").rows} == {r.record_no for r in kominfo}
    assert all(r.processing_unit == "kominfo" for r in kominfo)
    rahasia = next(r for r in rows.records if r.id == world.rahasia_id)
    assert rahasia.record_no not in {r[1] for r in table(own, "Daftar").rows}
    with pytest.raises(PermissionDenied):
        build(world, "pendukung", "laporan-pengumpulan", unit="bappeda")


def test_klasifikasi_numbers(world) -> None:  # type: ignore[no-untyped-def]
    rt, rows = world.rt, ex.load(world.rt)
    doc = build(world, "sekretariat", "laporan-klasifikasi", unit="kominfo")
    mine = ex.collected(rt, rows, world.accounts["sekretariat"].actor, world.period, unit="kominfo")
    summary = table(doc, "Rekapitulasi")
    keys = ["unit"] + [c.key for c in summary.columns[1:]]
    (row,) = [dict(zip(keys, r, strict=True)) for r in summary.rows]
    assert row["collected"] == len(mine)
    assert row["proposed_berkala"] == sum(r.proposed_kip_category == "berkala" for r in mine)
    assert row["determined_dikecualikan"] == sum(r.kip_category == "dikecualikan" for r in mine)
    assert row["returned"] == sum(r.verification_round > 0 for r in mine) >= 2
    assert row["rounds"] == sum(r.verification_round for r in mine)
    assert row["with_jra"] == sum(r.jra_class_id is not None for r in mine)
    assert len(list(table(doc, "Daftar arsip").rows)) == len(mine)


def test_bulanan_numbers(world) -> None:  # type: ignore[no-untyped-def]
    rt, rows = world.rt, ex.load(world.rt)
    ppid = world.accounts["ppid"].actor
    doc = build(world, "ppid", "laporan-bulanan")
    published = [r for r in rows.records if r.publication_state == "dipublikasikan" and sees_all(r)]
    figures = table(doc, "per kategori")
    available = {label: n for label, n, _new in figures.rows}
    assert sum(available.values()) == len(published) == figures.totals[1]
    assert available["Serta merta"] == sum(r.kip_category == "serta_merta" for r in published)
    in_period = [r for r in published if world.period.contains(ex.local_day(rt, r.published_at))]
    assert figures.totals[2] == len(in_period) == len(list(table(doc, "dipublikasikan dalam").rows))
    f = fields(doc)
    assert f["Ditetapkan dikecualikan"] == len(ex.entries_with(rt, rows, ppid, world.period, {"kecualikan"})) == 3
    assert f["Dilaporkan kepada PPID (langkah 7)"] == len(ex.entries_with(rt, rows, ppid, world.period, {"laporkan"}))


def sees_all(record) -> bool:  # type: ignore[no-untyped-def]
    return record.destroyed_at is None


def test_pengelolaan_numbers(world) -> None:  # type: ignore[no-untyped-def]
    rt, rows = world.rt, ex.load(world.rt)
    ppid = world.accounts["ppid"].actor
    doc = build(world, "atasan_ppid", "laporan-pengelolaan")
    f = fields(doc)
    assert f["Informasi dihimpun"] == len(ex.collected(rt, rows, ppid, world.period))
    assert f["Diverifikasi lengkap dan sesuai"] == len(ex.entries_with(rt, rows, ppid, world.period, {"verifikasi"}))
    assert f["Ditetapkan sebagai informasi terbuka"] == len(
        ex.entries_with(rt, rows, ppid, world.period, {"tetapkan_terbuka", "tambahkan_ke_dip"})
    )
    assert f["Dipublikasikan"] == len(ex.entries_with(rt, rows, ppid, world.period, {"publikasikan"}))
    late = sum(bool(e.late) for e in rows.entries if world.period.contains(ex.local_day(rt, e.at)))
    assert f["Diselesaikan terlambat"] == late
    grounds = table(doc, "Pasal 17")
    assert dict(grounds.rows) == {"b": 1, "c": 1, "h": 1}
    versions = list(table(doc, "Penetapan DIP").rows)
    assert [v[1] for v in versions] == ["SK-PPID/DIP/01/2026"]
    assert [s.label for s in doc.signatures] == ["Yang melaporkan", "Mengetahui"]
    with pytest.raises(PermissionDenied):
        build(world, "pendukung", "laporan-pengelolaan")


def test_monev_report_numbers(world) -> None:  # type: ignore[no-untyped-def]
    rt, rows = world.rt, ex.load(world.rt)
    doc = build(world, "ppid", "laporan-monev")
    charts = [s for s in doc.sections if isinstance(s, Chart)]
    assert len(charts) == 4 and all("<title" in c.svg for c in charts)
    steps = table(doc, "per langkah SOP")
    completed = sum(1 for e in rows.entries if world.period.contains(ex.local_day(rt, e.at)))
    assert steps.totals[3] == completed
    missing = table(doc, "belum tercantum")
    want = {
        r.record_no for r in rows.records if r.publication_state == "dipublikasikan" and r.id not in dip_rows(world)
    }
    assert {r[0] for r in missing.rows} == want and len(want) == 4  # the four published after the DIP was fixed
    assert f"versi {world.dip_version}" in missing.title
    assert len(list(table(doc, "melewati batas").rows)) >= 2
    retention = table(doc, "retensi")
    assert retention.totals[3] >= 1


def dip_rows(world) -> set[int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from archive_service.db import DipRow

    with world.rt.db.read() as session:
        return set(session.execute(select(DipRow.record_id)).scalars())


# Rendering does not depend on the database (the numbers are checked on both): render from the SQLite world only.
@pytest.mark.parametrize("world", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "name,role",
    [
        ("laporan-pengumpulan", "pendukung"),
        ("laporan-klasifikasi", "sekretariat"),
        ("laporan-bulanan", "sekretariat"),
        ("laporan-pengelolaan", "ppid"),
        ("laporan-monev", "ppid"),
    ],
)
def test_renders_pdf_xlsx_csv(world, tmp_path: Path, name: str, role: str) -> None:  # type: ignore[no-untyped-def]
    doc = build(world, role, name)
    pages, text = pdf_text(world, doc, tmp_path)
    assert 1 <= pages <= 12
    assert doc.title.split()[0] in text and world.period.label in text
    first_table = doc.tables()[0]
    if first_table.totals:
        assert str(first_table.totals[-1]).replace(".", ",") in text or f"{first_table.totals[-1]}" in text
    if name in ("laporan-monev", "laporan-pengelolaan"):
        _steps, _units, total = monev.sla_rows(world.rt, world.accounts[role].actor, world.period)
        assert f"{total.compliance:.1f}%".replace(".", ",") in text  # the overall SLA compliance, as printed
    buffer = io.BytesIO()
    render(doc, "xlsx", world.rt.settings, buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    assert len(book.sheetnames) >= len(doc.tables())
    out = io.BytesIO()
    render(doc, "csv", world.rt.settings, out)
    lines = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert any(first_table.columns[0].label in line for line in lines)
