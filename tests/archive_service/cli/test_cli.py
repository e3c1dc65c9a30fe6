"""The ``arsip`` command line, run in-process through click with the environment a user would set."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from archive_service.cli import main
from archive_service.db import AuditEvent, Record
from archive_service.services import auth, records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.support.checks import assert_consistent, counts
from tests.support.files import executable_bytes, pdf_bytes


@pytest.fixture
def run(settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARSIP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", settings.database_url)
    runner = CliRunner()

    def _run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return _run


def test_init_twice_is_safe(run, rt) -> None:
    first, second = run("init"), run("init")
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert "Siap / Ready" in second.output
    assert counts(rt) == {"records": 0, "files": 0, "blobs": 0}


def test_user_and_token_commands(run, rt) -> None:
    run("unit", "add", "kominfo", "Dinas Kominfo")
    added = run(
        "user",
        "add",
        "siti",
        "--role",
        "pendukung",
        "--full-name",
        "Siti",
        "--unit",
        "kominfo",
        input="kata-sandi-rahasia-12\nkata-sandi-rahasia-12\n",
    )
    assert added.exit_code == 0, added.output
    token = run("token", "create", "siti").output.strip().splitlines()[-1]
    assert token.startswith("arsip_")
    assert auth.authenticate_token(rt, token).username == "siti"
    assert "siti\tpendukung\tkominfo" in run("user", "list").output
    bad = run(
        "user",
        "add",
        "budi",
        "--role",
        "pendukung",
        "--full-name",
        "Budi",
        input="kata-sandi-rahasia-12\nkata-sandi-rahasia-12\n",
    )
    assert bad.exit_code == 2 and "unit_code" in bad.output


def _write_tree(root: Path) -> dict[str, bytes]:
    files = {
        "surat/nota-dinas.pdf": pdf_bytes("Nota dinas"),
        "surat/laporan.pdf": pdf_bytes("Laporan bulanan"),
        "surat/kosong.pdf": b"",
        "program.pdf": executable_bytes(),
        "catatan.txt": b"Catatan rapat koordinasi PPID\n",
    }
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    return files


def test_ingest_reports_bad_files_and_keeps_the_rest(run, rt, tmp_path: Path) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    tree = tmp_path / "masuk"
    files = _write_tree(tree)
    meta = tmp_path / "meta.csv"
    with meta.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "title", "classification_code", "security_class", "access_groups"])
        writer.writerow(["surat/nota-dinas.pdf", "Nota Dinas Kepala Dinas", "000.1.2.3", "terbatas", "ppid;arsip"])
    result = run("ingest", str(tree), "--metadata", str(meta), "--unit", "kominfo", "--quiet")
    assert result.exit_code == 1
    assert "3 masuk / ingested, 0 sudah ada / already in, 2 dilewati / skipped" in result.output
    assert "kosong.pdf" in result.output and "program.pdf" in result.output
    with rt.db.read() as session:
        rows = {r.title: r for r in session.execute(select(Record)).scalars()}
    nota = rows["Nota Dinas Kepala Dinas"]
    assert nota.classification_code == "000.1.2.3" and nota.security_class == "terbatas"
    assert nota.access_groups == ["ppid", "arsip"]
    assert {f.blob_sha256 for f in nota.files} == {hashlib.sha256(files["surat/nota-dinas.pdf"]).hexdigest()}
    assert "catatan" in rows and rows["catatan"].files[0].mime == "text/plain"
    assert_consistent(rt)


def test_fixity_detects_missing_and_altered_blobs(run, rt, tmp_path: Path) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    tree = tmp_path / "masuk"
    tree.mkdir()
    (tree / "a.pdf").write_bytes(pdf_bytes("satu"))
    (tree / "b.pdf").write_bytes(pdf_bytes("dua"))
    assert run("ingest", str(tree), "--unit", "kominfo", "--quiet").exit_code == 0
    clean = run("fixity")
    assert clean.exit_code == 0 and "2 blob" in clean.output
    sha_a, sha_b = (hashlib.sha256((tree / n).read_bytes()).hexdigest() for n in ("a.pdf", "b.pdf"))
    root = Path(rt.settings.storage_url.removeprefix("file://"))
    (root / sha_a[:2] / sha_a[2:4] / sha_a).unlink()
    path_b = root / sha_b[:2] / sha_b[2:4] / sha_b
    path_b.chmod(0o644)
    path_b.write_bytes(b"%PDF-1.4 diubah")
    broken = run("fixity")
    assert broken.exit_code == 1
    assert f"MISSING  {sha_a}" in broken.output and f"ALTERED {sha_b}" in broken.output


def test_audit_verify_command(run, rt) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    auth.create_unit(rt, SYSTEM, "bappeda", "Bappeda")
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and "2 baris / rows" in ok.output
    with rt.db.write() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == 1).values(entity_id="setda"))
    broken = run("audit", "verify")
    assert broken.exit_code == 1 and "row 1 [altered]" in broken.output


def test_demo_loads_generated_records_and_is_idempotent(run, rt, tmp_path: Path) -> None:
    empty_corpus = tmp_path / "no-corpus"
    empty_corpus.mkdir()
    first = run("demo", "--corpus", str(empty_corpus))
    assert first.exit_code == 0, first.output
    assert "Token API demo" in first.output
    before = counts(rt)
    assert before["records"] >= 4
    from archive_service.services import jra
    from archive_service.services import records as record_service

    assert [s["row_count"] for s in jra.list_schedules(rt, SYSTEM)] == [17]  # the sample JRA ships as demo data
    notula = next(r for r in record_service.list_records(rt, SYSTEM, {}, 1, 50).items if r.title.startswith("Notula"))
    assert notula.jra_ref == "JRA v1 000.1.5" and notula.final_disposition == "musnah"
    second = run("demo", "--corpus", str(empty_corpus))
    assert second.exit_code == 0 and counts(rt) == before
    assert_consistent(rt)


def test_roles_prints_the_matrix(run) -> None:
    output = run("roles").output
    assert "record.create" in output and "user.delete" in output


def _sop_record(rt, accounts, state: str, *, now: datetime | None = None, **overrides):  # type: ignore[no-untyped-def]
    """A record with DIP fields and a file, moved as SYSTEM to ``state`` (transitions dated ``now``)."""
    staged = stage_stream(io.BytesIO(pdf_bytes("Laporan", state, str(overrides))), rt.settings.staging_dir)
    creator = accounts["pendukung_other" if overrides.get("processing_unit") == "bappeda" else "pendukung"].actor
    record = records.create_record(rt, creator, READY | overrides, [Upload("laporan.pdf", staged)])
    for action in TO_STATE_PATH[state]:
        body = payload_for(action, record)
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, body, now=now)
    return record


def test_workflow_due_lists_overdue_and_due_soon(run, rt, accounts) -> None:
    wib = ZoneInfo("Asia/Jakarta")
    stale = _sop_record(rt, accounts, "didokumentasikan", now=datetime.now(wib) - timedelta(days=10))
    fresh = _sop_record(rt, accounts, "dihimpun")  # due one working day from now
    other = _sop_record(rt, accounts, "dihimpun", processing_unit="bappeda")

    soon = run("workflow", "due")
    assert soon.exit_code == 0, soon.output
    lines = soon.output.splitlines()
    assert lines[0].split() == ["record_no", "state", "step", "due"]
    row = next(line for line in lines if line.startswith(stale.record_no))
    due = stale.step_due_at.astimezone(wib).strftime("%Y-%m-%d %H:%M WIB")
    assert row.split() == [stale.record_no, "didokumentasikan", "5", *due.split(), "TERLAMBAT/OVERDUE"]
    assert fresh.record_no not in soon.output and "1 arsip / records, 1 terlambat / overdue" in soon.output

    later = run("workflow", "due", "--within-hours", "2000")
    assert {stale.record_no, fresh.record_no, other.record_no} <= set(later.output.split())
    mine = run("workflow", "due", "--within-hours", "2000", "--role", "pendukung", "--unit", "kominfo")
    assert fresh.record_no in mine.output and other.record_no not in mine.output
    assert stale.record_no not in mine.output and "OVERDUE" not in mine.output
    secretariat = run("workflow", "due", "--within-hours", "2000", "--role", "sekretariat")
    assert stale.record_no in secretariat.output and fresh.record_no not in secretariat.output

    nothing = run("workflow", "due", "--unit", "bappeda")
    assert nothing.exit_code == 0 and "nothing due within 4 hours" in nothing.output
    assert run("workflow", "due", "--role", "arsiparis").exit_code == 2  # no step of that role: refused by click


def test_workflow_expire_returns_ended_exemptions(run, rt, accounts) -> None:
    def exempt(until: date | None):  # type: ignore[no-untyped-def]
        record = _sop_record(rt, accounts, "dilaporkan")
        body = payload_for("kecualikan", record)
        if until is not None:
            body |= {"exemption_ground": "b", "exemption_no_expiry": False, "exemption_until": until.isoformat()}
        decided = datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(days=60)  # decided when the date was ahead
        return workflow.apply_transition(rt, accounts["ppid"].actor, record.id, record.version, body, now=decided)

    today = date.today()
    ended = exempt(today - timedelta(days=1))
    running = exempt(today + timedelta(days=90))
    forever = exempt(None)

    result = run("workflow", "expire")
    assert result.exit_code == 0, result.output
    assert f"arsip / record {ended.id} -> dilaporkan" in result.output
    assert "1 arsip dikembalikan ke penetapan / records returned to determination" in result.output
    states = {r: records.get_record(rt, SYSTEM, r).publication_state for r in (ended.id, running.id, forever.id)}
    assert states == {ended.id: "dilaporkan", running.id: "dikecualikan", forever.id: "dikecualikan"}
    card = workflow.control_card(rt, SYSTEM, ended.id)
    assert (card["entries"][-1].action, card["entries"][-1].actor_name) == ("buka_pengecualian", "system")

    again = run("workflow", "expire")
    assert again.exit_code == 0 and again.output.strip().endswith(
        "0 arsip dikembalikan ke penetapan / records returned to determination"
    )
