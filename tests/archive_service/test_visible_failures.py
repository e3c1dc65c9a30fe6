"""Issue 16, item 7: extraction failures visible on the record (API and page, retry for admins), `arsip ingest`
safe to rerun after a crash, and adding a file without If-Match never conflicting with a concurrent edit."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from archive_service.cli import main
from archive_service.db import Extraction, OutboxEvent, Record
from archive_service.errors import StaleVersion
from archive_service.services import auth, indexing, records
from archive_service.services.actor import SYSTEM
from archive_service.services.ingest import ingest_paths
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.web.test_staff_more import post, signed_in
from tests.archive_service.workflow.conftest import READY
from tests.support.files import pdf_bytes

BROKEN_PDF = b"%PDF-1.7\n" + b"\x00\x13 not really a pdf \xff" * 200


def _create(rt, actor, name: str, content: bytes):  # type: ignore[no-untyped-def]
    staged = stage_stream(io.BytesIO(content), rt.settings.staging_dir)
    return records.create_record(rt, actor, READY | {"title": name}, [Upload(name, staged)])


def test_a_failed_extraction_shows_on_the_record_with_its_reason_and_an_admin_retry(rt, accounts, client) -> None:
    record = _create(rt, accounts["pendukung"].actor, "rusak.pdf", BROKEN_PDF)
    good = _create(rt, accounts["pendukung"].actor, "baik.pdf", pdf_bytes("Laporan kinerja"))
    indexing.drain(rt)
    answer = client.get(f"/api/v1/records/{record.id}", headers=accounts["sekretariat"].headers).json
    state = answer["files"][0]["extraction"]
    assert state["state"] == "failed" and state["reason"] and state["reason_en"]
    assert state["label"] == "Gagal dibaca" and state["label_en"] == "Extraction failed"
    done = client.get(f"/api/v1/records/{good.id}", headers=accounts["sekretariat"].headers).json
    assert done["files"][0]["extraction"]["state"] == "done"

    clerk = signed_in(client.application, accounts["sekretariat"].actor.username)
    page = clerk.get(f"/staf/arsip/{record.id}").get_data(as_text=True)
    assert "Gagal dibaca" in page and state["reason"] in page
    assert "form-ulangi-ekstraksi" not in page  # only an administrator retries
    assert post(clerk, f"/staf/arsip/{record.id}/ekstraksi/ulangi").status_code == 403

    admin = signed_in(client.application, accounts["admin"].actor.username)
    assert "form-ulangi-ekstraksi" in admin.get(f"/staf/arsip/{record.id}").get_data(as_text=True)
    assert post(admin, f"/staf/arsip/{record.id}/ekstraksi/ulangi").status_code == 302
    with rt.db.read() as session:
        sha = record.files[0].blob_sha256
        assert session.get(Extraction, sha).state == "pending"
        queued = session.execute(
            select(func.count()).where(OutboxEvent.record_id == record.id, OutboxEvent.topic == "extraction.retry")
        ).scalar_one()
    assert queued == 1


def _tree(root: Path, n: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = root / f"surat-{i:02d}.pdf"
        path.write_bytes(pdf_bytes(f"Surat keluar nomor {i}"))
        paths.append(path)
    return paths


def _count(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return session.execute(select(func.count()).select_from(Record)).scalar_one()


def test_ingest_rerun_after_a_crash_creates_no_duplicates(rt, tmp_path: Path, monkeypatch) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    paths = _tree(tmp_path / "masuk", 8)
    defaults = {"processing_unit": "kominfo", "creator_org": "kominfo", "classification_code": "000"}
    # the first run stopped after 3 files (a crash between batches leaves exactly the committed ones)
    ingest_paths(rt, SYSTEM, paths[:3], defaults, batch_size=1)
    assert _count(rt) == 3
    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    runner = CliRunner()
    again = runner.invoke(main, ["ingest", str(tmp_path / "masuk"), "--unit", "kominfo", "--quiet"])
    assert again.exit_code == 0, again.output
    assert "5 masuk / ingested, 3 sudah ada / already in" in again.output
    assert _count(rt) == 8
    third = runner.invoke(main, ["ingest", str(tmp_path / "masuk"), "--unit", "kominfo", "--quiet"])
    assert "0 masuk / ingested, 8 sudah ada / already in" in third.output and _count(rt) == 8
    # a changed file at the same path is new content: it goes in
    paths[0].write_bytes(pdf_bytes("Surat keluar nomor 0, perbaikan"))
    fourth = runner.invoke(main, ["ingest", str(tmp_path / "masuk"), "--unit", "kominfo", "--quiet"])
    assert "1 masuk / ingested, 7 sudah ada / already in" in fourth.output and _count(rt) == 9
    forced = runner.invoke(main, ["ingest", str(paths[1]), "--unit", "kominfo", "--quiet", "--force"])
    assert "1 masuk / ingested" in forced.output and _count(rt) == 10


def test_adding_files_without_if_match_never_conflicts_with_concurrent_edits(rt, accounts) -> None:
    who = accounts["pendukung"].actor
    record = _create(rt, who, "awal.pdf", pdf_bytes("Awal"))
    stop = threading.Event()
    edits = [0]

    def edit() -> None:
        n = 0
        while not stop.is_set():
            current = records.get_record(rt, who, record.id)
            try:
                records.update_record(rt, who, record.id, current.version, {"description": f"Revisi {n}"})
                edits[0] += 1
            except StaleVersion:
                pass
            n += 1

    editor = threading.Thread(target=edit)
    editor.start()
    failures = []
    try:
        for i in range(15):
            staged = stage_stream(io.BytesIO(pdf_bytes(f"Lampiran {i}")), rt.settings.staging_dir)
            try:
                records.add_files(rt, who, record.id, [Upload(f"lampiran-{i}.pdf", staged)])
            except StaleVersion as exc:  # the finding: 409 without If-Match
                failures.append(exc)
    finally:
        stop.set()
        editor.join()
    assert not failures and edits[0] > 0
    assert len(records.get_record(rt, who, record.id).files) == 16


def test_failure_reason_table_knows_every_reason_the_extractor_gives() -> None:
    from schemas.files import EXTRACTION_REASONS

    source = (Path(__file__).resolve().parents[2] / "indexer" / "extract" / "model.py").read_text()
    for code in ("corrupt", "encrypted", "timeout", "memory", "unsupported", "crashed", "io", "ocr"):
        assert f"``{code}``" in source
        assert code in EXTRACTION_REASONS
