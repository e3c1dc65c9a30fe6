"""``arsip cron`` through click, with the environment an operator's crontab would set."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archive_service.cli import main
from archive_service.services import workflow
from archive_service.services.actor import SYSTEM

from .conftest import BASE_URL, address, free_port, notification_rows


@pytest.fixture
def run(rt, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("ARSIP_PUBLIC_BASE_URL", BASE_URL)
    monkeypatch.delenv("ARSIP_SMTP_HOST", raising=False)

    def _run(*args: str, smtp_port: int | None = None):  # type: ignore[no-untyped-def]
        env = {"ARSIP_SMTP_HOST": "127.0.0.1", "ARSIP_SMTP_PORT": str(smtp_port)} if smtp_port else {}
        return CliRunner().invoke(main, ["cron", *args], env=env, catch_exceptions=False)

    return _run


def _documented(rt, make_record):  # type: ignore[no-untyped-def]
    record = make_record("diklasifikasi_usulan")
    return workflow.apply_transition(rt, SYSTEM, record.id, record.version, {"action": "dokumentasikan"})


def test_cron_twice_mails_once(run, rt, smtp, staff, make_record) -> None:
    record = _documented(rt, make_record)
    first = run(smtp_port=smtp.port)
    assert first.exit_code == 0, first.output
    assert "langkah dibuka / steps opened: 2 pesan / messages, 2 baru dicatat / newly recorded" in first.output
    assert "Surel / mail: 2 terkirim / sent, 0 gagal / failed, 0 belum terkirim / unsent" in first.output
    second = run(smtp_port=smtp.port)
    assert second.exit_code == 0 and "0 baru dicatat" in second.output and "0 terkirim" in second.output
    assert len(smtp.inbox.messages) == 2
    msg = smtp.inbox.to(address("sekretariat"))[0]
    assert msg.subject.startswith("[Arsip] Tugas baru: langkah 5")
    assert f"{BASE_URL}/staf/arsip/{record.id}" in msg.text


def test_mail_off_records_but_sends_nothing_and_exits_0(run, rt, staff, make_record) -> None:
    _documented(rt, make_record)
    result = run("--job", "notify")
    assert result.exit_code == 0, result.output
    assert "mail is off (no ARSIP_SMTP_HOST): 2 messages waiting" in result.output
    rows = notification_rows(rt)
    assert len(rows) == 2 and all(r.sent_at is None and r.attempts == 0 for r in rows)


def test_smtp_down_exits_non_zero_then_delivers_once(run, rt, smtp, staff, make_record) -> None:
    _documented(rt, make_record)
    down = run(smtp_port=free_port())
    assert down.exit_code == 1
    assert "Galat / Error: 1 pesan gagal dikirim" in down.output and "messages could not be sent" in down.output
    assert smtp.inbox.messages == []
    up = run(smtp_port=smtp.port)
    assert up.exit_code == 0, up.output
    assert len(smtp.inbox.messages) == 2


def test_dry_run_and_now_and_bad_options(run, rt, smtp, staff, make_record) -> None:
    _documented(rt, make_record)
    dry = run("--dry-run", "--now", "2026-12-01T09:00", smtp_port=smtp.port)
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing recorded or sent" in dry.output
    assert notification_rows(rt) == [] and smtp.inbox.messages == []
    assert run("--now", "kemarin").exit_code == 2
    assert run("--job", "semua").exit_code == 2
