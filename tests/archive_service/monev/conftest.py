"""A realistic office for the monev figures and the periodic reports, built once per database per package.

The demo data (``load_demo``: units, users, its records, two of them published) plus 20 small corpus PDFs walked
through the SOP by the real roles (Tim Pendukung of two units, Tim Sekretariat, PPID): most published in the three
open categories, some returned once before verification, some exempted (one ``rahasia``, one ending within the
reminder window, one with no expiry), some left mid-way, a DIP version fixed half-way (so step 14 finds published
records missing from it). Ingest is real (text extraction of small PDFs).

Moved directly in the database, because the services only ever write "now" and the figures need history:
* ``created_at`` of the corpus records is spread over the months of the current semester (never before it);
* two control-card lines are marked ``late`` (as if the step had been done after its due time);
* two records mid-way get a ``step_due_at`` two days ago (open and overdue);
* one exemption's end date is moved three days into the past (ended, not yet reviewed by cron or the PPID).
The tests never mutate this world; anything that changes data makes its own records.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from archive_service.config import Settings
from archive_service.db import ControlCardEntry, Record
from archive_service.db.types import utcnow
from archive_service.demo.loader import load_demo
from archive_service.reports.period import Period, semester_of
from archive_service.runtime import Runtime
from archive_service.services import auth, dip, indexing, records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.conftest import DATABASES, UNITS, Account, make_account

HOSTILE = "<script>alert('monev')</script> Rencana Anggaran"
CATEGORIES = ("berkala", "serta_merta", "setiap_saat")
CODES = ("400.14.9", "000.1.5", "000.5.3.2", "400.14.3")


@dataclass
class World:
    rt: Runtime
    accounts: dict[str, Account]
    period: Period
    today: date
    ids: dict[str, list[int]] = field(default_factory=dict)  # outcome -> record ids
    hostile_id: int = 0
    rahasia_id: int = 0
    dip_version: int = 0


def pick_corpus(corpus: Path, n: int = 20) -> list[Path]:
    """The ``n`` smallest text PDFs of the manifest (ties by name): fast to extract, always the same."""
    with (corpus / "MANIFEST.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["mime"] == "application/pdf" and r["has_text"] == "yes"]
    rows.sort(key=lambda r: (int(r["bytes"]), r["file"]))
    return [corpus / r["file"] for r in rows[:n]]


def _accounts(rt: Runtime) -> dict[str, Account]:
    for code, name in UNITS.items():
        auth.create_unit(rt, SYSTEM, code, name)
    out = {
        role: make_account(rt, role.replace("_", "."), role, "kominfo" if role == "pendukung" else None)
        for role in ("admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis")
    }
    out["pendukung_other"] = make_account(rt, "pendukung.bappeda", "pendukung", "bappeda")
    return out


def _move(rt: Runtime, actor: Any, record_id: int, action: str, **body: Any) -> Record:
    record = records.get_record(rt, actor, record_id)
    return workflow.apply_transition(rt, actor, record_id, record.version, {"action": action, **body})


def _exempt_body(record: Record, ground: str, until: date | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "exemption_ground": ground,
        "exemption_basis": f"UU 14/2008 Pasal 17 huruf {ground}",
        "exemption_decree_no": f"SK-PPID/{record.id}/2026",
        "consequence_test": {
            "summary": "Uji konsekuensi",
            "harm": "Membahayakan",
            "public_interest": "Kepentingan umum lebih kecil",
            "participants": ["PPID", "Tim Pertimbangan"],
            "signed_sheet_file_id": record.files[0].id,
        },
    }
    if until is None:
        body["exemption_no_expiry"] = True
    else:
        body["exemption_until"] = until.isoformat()
    return body


def build_world(rt: Runtime, corpus: Path) -> World:
    accounts = _accounts(rt)
    load_demo(rt, corpus=None)
    a = {k: v.actor for k, v in accounts.items()}
    today = rt.calendar.today()
    world = World(rt, accounts, semester_of(today), today)
    outcome: dict[int, str] = {}
    created: list[int] = []
    for i, path in enumerate(pick_corpus(corpus)):
        unit, pendukung = ("kominfo", a["pendukung"]) if i % 2 == 0 else ("bappeda", a["pendukung_other"])
        title = HOSTILE if i == 16 else f"Dokumen {i:02d}: {path.stem.replace('_', ' ')[:80]}"
        data = {
            "title": title,
            "classification_code": CODES[i % len(CODES)],
            "processing_unit": unit,
            "creator_org": UNITS[unit],
            "file_no": f"B-{i:02d}",
            "description": f"Dokumen korpus {path.name}",
            "doc_date": "2024-01-10" if i % 3 == 0 else "2026-03-02",
            "dip_summary": f"Ringkasan {path.stem[:60]}",
            "controlling_unit": UNITS[unit],
            "responsible_official": "Kepala Bidang",
            "created_place": "Sleman",
            "available_forms": ["softcopy", "hardcopy"] if i % 2 else ["softcopy"],
            "security_class": "rahasia" if i == 13 else "biasa_terbuka",
        }
        with path.open("rb") as fh:
            staged = stage_stream(fh, rt.settings.staging_dir, rt.settings.max_file_size)
        record = records.create_record(rt, pendukung, data, [Upload(path.name, staged)])
        created.append(record.id)
        if i == 15:
            outcome[record.id] = "dihimpun"
            continue
        _move(rt, pendukung, record.id, "serahkan")
        if i == 16:
            outcome[record.id] = "diserahkan"
            continue
        category = CATEGORIES[i % 3] if i < 12 else "setiap_saat"
        _move(rt, pendukung, record.id, "usulkan_kategori", kip_category=category if i < 12 else "berkala")
        _move(rt, pendukung, record.id, "dokumentasikan")
        sek = SYSTEM if i == 13 else a["sekretariat"]  # the secretariat is not cleared for a rahasia record
        _move(rt, sek, record.id, "terima")
        if i in (2, 5, 18):  # returned once for correction
            _move(rt, sek, record.id, "kembalikan", reason="Lampiran belum lengkap")
            if i == 18:
                outcome[record.id] = "perlu_perbaikan"
                continue
            _move(rt, pendukung, record.id, "serahkan_ulang")
            _move(rt, pendukung, record.id, "usulkan_kategori", kip_category=category)
            _move(rt, pendukung, record.id, "dokumentasikan")
            _move(rt, sek, record.id, "terima")
        if i == 17:
            outcome[record.id] = "diterima"
            continue
        _move(rt, sek, record.id, "verifikasi")
        _move(rt, sek, record.id, "laporkan")
        if i == 19:
            outcome[record.id] = "dilaporkan"
            continue
        if 12 <= i <= 14:
            ground, until = {
                12: ("b", today + timedelta(days=10)),
                13: ("h", None),
                14: ("c", today + timedelta(days=20)),
            }[i]
            _move(rt, a["ppid"], record.id, "kecualikan", **_exempt_body(record, ground, until))
            outcome[record.id] = "dikecualikan"
            continue
        _move(rt, a["ppid"], record.id, "tetapkan_terbuka", kip_category=category)
        if i < 8:
            _move(rt, a["sekretariat"], record.id, "publikasikan")
        outcome[record.id] = "dipublikasikan"
        if i == 7:
            version = dip.fix_version(
                rt, a["ppid"], {"decree_no": "SK-PPID/DIP/01/2026", "decree_date": today.isoformat()}
            )
            world.dip_version = version.version_no
    for record_id, state in outcome.items():  # the four determined after the DIP was fixed are published now
        record = records.get_record(rt, a["ppid"], record_id)
        if state == "dipublikasikan" and record.publication_state == "ditetapkan_terbuka":
            _move(rt, a["sekretariat"], record_id, "publikasikan")
    _backdate(rt, world, created, today)
    indexing.drain(rt, timeout=300)
    for record_id, state in outcome.items():
        world.ids.setdefault(state, []).append(record_id)
    world.hostile_id = created[16]
    world.rahasia_id = created[13]
    return world


def _backdate(rt: Runtime, world: World, created: list[int], today: date) -> None:
    """History the services cannot write: see the module docstring."""
    now = utcnow()
    semester_start = datetime.combine(world.period.start, datetime.min.time(), tzinfo=rt.calendar.tz)
    with rt.db.write() as session:
        for i, record_id in enumerate(created):
            when = now - timedelta(days=31 * (i % 5))
            if when < semester_start + timedelta(hours=12):
                when = now
            session.execute(update(Record).where(Record.id == record_id).values(created_at=when))
        firsts = session.execute(
            select(ControlCardEntry.id)
            .where(ControlCardEntry.record_id.in_(created[:2]), ControlCardEntry.action == "terima")
            .order_by(ControlCardEntry.id)
        ).scalars()
        session.execute(update(ControlCardEntry).where(ControlCardEntry.id.in_(list(firsts))).values(late=True))
        session.execute(
            update(Record).where(Record.id.in_([created[16], created[17]])).values(step_due_at=now - timedelta(days=2))
        )
        session.execute(
            update(Record).where(Record.id == created[12]).values(exemption_until=today - timedelta(days=3))
        )


@pytest.fixture(scope="package", params=DATABASES)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, extraction_pool: Any, corpus: Path
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"monev-{request.param}")
    template = request.getfixturevalue("sqlite_template" if request.param == "sqlite" else "postgres_template")
    url = template.new_database(tmp)
    settings = Settings(data_dir=tmp / "var", database_url=url, max_file_size=64 * 1024 * 1024, office_city="Sleman")
    runtime = Runtime.from_settings(settings)
    runtime._extractor = extraction_pool
    try:
        yield build_world(runtime, corpus)
    finally:
        runtime._extractor = None
        runtime.close()
        if request.param == "postgresql":
            template.drop(url)


@pytest.fixture(scope="package")
def world_app(world: World) -> Any:
    from archive_service.app import create_app

    application = create_app(runtime=world.rt)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def world_client(world_app: Any) -> Any:
    return world_app.test_client()
