"""The record documents (tanda terima, kartu kontrol, DIP) on the realistic office of ``conftest.world``: the rows
are the data's rows, and the rendered PDF says so (pdftoppm for pages, pdftotext for text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive_service.db import ControlCardEntry, DipRow, DipVersion, Receipt, Record

from .test_reports import build, pdf_text

pytestmark = pytest.mark.corpus
SQLITE_ONLY = pytest.mark.parametrize("world", ["sqlite"], indirect=True)  # rendering does not depend on the DB


@SQLITE_ONLY
def test_tanda_terima_lists_every_record_handed_over(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with world.rt.db.read() as session:
        handed = session.execute(
            select(Record.id, Record.record_no)
            .where(Record.receipt_no.is_not(None), Record.security_class == "biasa_terbuka")
            .order_by(Record.id)
        ).all()
        receipts = session.execute(
            select(func.count()).select_from(Receipt).where(Receipt.record_id.in_([r.id for r in handed]))
        ).scalar_one()
    assert len(handed) >= 10
    doc = build(world, "sekretariat", "tanda-terima", period=None, record_ids=",".join(str(r.id) for r in handed))
    items = next(t for t in doc.tables() if t.title == "Daftar informasi yang diserahkan")
    assert [row[1] for row in list(items.rows)] == [r.record_no for r in handed]
    receipt_rows = next(t for t in doc.tables() if t.title == "Tanda terima")
    assert len(list(receipt_rows.rows)) == receipts
    doc = build(world, "sekretariat", "tanda-terima", period=None, record_ids=",".join(str(r.id) for r in handed))
    pages, text = pdf_text(world, doc, tmp_path)
    assert pages >= 1 and "TANDA TERIMA" in text.upper()
    assert handed[0].record_no in text and handed[-1].record_no in text


@SQLITE_ONLY
def test_kartu_kontrol_has_every_step_of_the_busiest_record(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with world.rt.db.read() as session:
        record_id, entries = session.execute(
            select(ControlCardEntry.record_id, func.count())
            .join(Record, Record.id == ControlCardEntry.record_id)
            .where(Record.security_class == "biasa_terbuka")
            .group_by(ControlCardEntry.record_id)
            .order_by(func.count().desc(), ControlCardEntry.record_id)
            .limit(1)
        ).one()
    assert entries >= 8  # a record walked through the SOP to publication
    doc = build(world, "ppid", "kartu-kontrol", period=None, record_ids=str(record_id))
    assert sum(len(list(t.rows)) for t in doc.tables()) == entries
    doc = build(world, "ppid", "kartu-kontrol", period=None, record_ids=str(record_id))
    pages, text = pdf_text(world, doc, tmp_path)
    assert pages >= 1 and "KARTU KONTROL" in text.upper()


@SQLITE_ONLY
def test_dip_document_is_the_fixed_version(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with world.rt.db.read() as session:
        version = session.execute(select(DipVersion).where(DipVersion.version_no == world.dip_version)).scalar_one()
        rows = session.execute(
            select(DipRow.dip_no, DipRow.title).where(DipRow.version_id == version.id).order_by(DipRow.position)
        ).all()
        decree = version.decree_no
    assert rows
    doc = build(world, "ppid", "dip", period=None, version_no=str(world.dip_version))
    assert doc.number == decree
    listed = [(row[0], row[1]) for t in doc.tables() for row in t.rows]
    assert listed == [(r.dip_no, r.title) for r in rows]
    doc = build(world, "ppid", "dip", period=None, version_no=str(world.dip_version))
    pages, text = pdf_text(world, doc, tmp_path)
    assert pages >= 1 and decree in text and "DAFTAR INFORMASI PUBLIK" in text.upper()
