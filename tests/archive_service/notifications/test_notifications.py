"""E-mail notifications and ``arsip cron`` against a real SMTP server (aiosmtpd on 127.0.0.1).

What must hold: the right people get each message once (not twice when cron runs twice, or twice at once),
nobody hears of a record they may not see, a dead mail server loses nothing and duplicates nothing.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

from archive_service.db.models import Notification
from archive_service.services import cron, notifications, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.mailer import message_id
from archive_service.services.notifications import STEP_OPENED
from tests.archive_service.workflow.conftest import payload_for

from .conftest import BASE_URL, address, free_port, notification_rows


def office_morning(rt, days_ahead: int) -> datetime:  # type: ignore[no-untyped-def]
    """09:00 local on the first working day at least ``days_ahead`` days from today, in UTC."""
    day = rt.calendar.today() + timedelta(days=days_ahead)
    while not rt.calendar.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time().replace(hour=9), tzinfo=rt.calendar.tz).astimezone(UTC)


def next_working_day(rt, at: datetime) -> datetime:  # type: ignore[no-untyped-def]
    nxt = at + timedelta(days=1)
    while not rt.calendar.is_working_day(nxt.astimezone(rt.calendar.tz).date()):
        nxt += timedelta(days=1)
    return nxt


def test_step_opened_reaches_the_next_actors_once(mail_rt, smtp, staff, make_record) -> None:
    record = make_record("diklasifikasi_usulan")
    record = workflow.apply_transition(mail_rt, SYSTEM, record.id, record.version, {"action": "dokumentasikan"})
    first = cron.run(mail_rt, jobs=("notify",))
    assert first.ok and first.sent == 2, first
    inbox = smtp.inbox
    assert sorted(m.to for m in inbox.messages) == sorted([address("sekretariat"), address("sekretariat.dua")])
    msg = inbox.to(address("sekretariat"))[0]
    assert msg.subject == (f"[Arsip] Tugas baru: langkah 5, {record.record_no} / New task: step 5, {record.record_no}")
    text = msg.text
    assert text.index("Ada langkah SOP yang menunggu tindakan Anda.") < text.index("A step of the SOP is waiting")
    assert "Terima daftar dan fisik informasi" in text and "Receive the list and the material" in text
    assert record.title in text and f"{BASE_URL}/staf/arsip/{record.id}" in text
    assert msg.msg["Message-ID"] == message_id(
        f"{STEP_OPENED}:{record.id}:{record.step_started_at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}:{staff['sekretariat'].actor.user_id}",
        "arsip@arsip.test",
    )
    assert msg.msg.get_content_charset() == "utf-8"

    second = cron.run(mail_rt, jobs=("notify",))
    assert second.ok and second.sent == 0 and [j.recorded for j in second.jobs] == [0]
    assert len(inbox.messages) == 2
    rows = notification_rows(mail_rt)
    assert len(rows) == 2 and all(r.sent_at is not None and r.attempts == 1 for r in rows)


def test_pendukung_hears_only_of_its_own_unit(mail_rt, smtp, staff, make_record) -> None:
    make_record("dihimpun")  # created, not entered: nobody is told (the unit made it itself)
    assert cron.run(mail_rt, jobs=("notify",)).sent == 0
    record = make_record("diserahkan")  # serahkan opens step 3 for the kominfo unit
    report = cron.run(mail_rt, jobs=("notify",))
    assert report.sent == 1
    assert [m.to for m in smtp.inbox.messages] == [address("pendukung")]
    assert "Usulkan kategori informasi" in smtp.inbox.messages[0].text
    assert f"/staf/arsip/{record.id}" in smtp.inbox.messages[0].text
    assert not smtp.inbox.to(address("pendukung.bappeda"))


def test_a_secret_title_never_reaches_a_role_without_clearance(mail_rt, smtp, staff, make_record) -> None:
    secret = make_record("diklasifikasi_usulan", title="RAHASIA Rencana Pengamanan Server", security_class="rahasia")
    plain = make_record("diklasifikasi_usulan", title="Laporan Biasa")
    for rec in (secret, plain):
        workflow.apply_transition(mail_rt, SYSTEM, rec.id, rec.version, {"action": "dokumentasikan"})
    cron.run(mail_rt, jobs=("notify",))
    # the sekretariat may not see a rahasia record at all: told about the plain one only; its step 5 fell to the
    # PPID (classified records: permissions.acting_roles), who is told about the secret one only
    told = {m.to for m in smtp.inbox.messages}
    assert told == {address("sekretariat"), address("sekretariat.dua"), address("ppid")}
    assert all("Laporan Biasa" in m.text for m in smtp.inbox.messages if m.to != address("ppid"))
    assert any("RAHASIA Rencana" in m.text for m in smtp.inbox.to(address("ppid")))
    assert not any(
        "RAHASIA" in m.text or "RAHASIA" in m.subject for m in smtp.inbox.messages if m.to != address("ppid")
    )
    # nor in their digest, where the overdue secret record is left out too (it is in the PPID's)
    cron.run(mail_rt, jobs=("digest",), now=office_morning(mail_rt, 7))
    digests = [m for m in smtp.inbox.messages if "Ringkasan harian" in m.subject]
    assert {m.to for m in digests} == {address("sekretariat"), address("sekretariat.dua"), address("ppid")}
    assert not any("RAHASIA" in m.text for m in smtp.inbox.messages if m.to != address("ppid"))
    # the PPID (cleared) is told when the secret record reaches its determination step too
    for action in ("terima", "verifikasi", "laporkan"):
        secret = workflow.apply_transition(mail_rt, SYSTEM, secret.id, None, {"action": action})
    cron.run(mail_rt, jobs=("notify",))
    assert sum("RAHASIA Rencana" in m.text for m in smtp.inbox.to(address("ppid"))) >= 3
    assert not any("RAHASIA" in m.text for m in smtp.inbox.messages if m.to != address("ppid"))


def test_daily_digest_once_per_office_day_and_only_when_something_is_due(mail_rt, smtp, staff, make_record) -> None:
    record = make_record("didokumentasikan")  # due within 30 working minutes: overdue a week later
    morning = office_morning(mail_rt, 7)
    for _ in range(2):
        report = cron.run(mail_rt, jobs=("digest",), now=morning)
        assert report.ok
    digests = smtp.inbox.messages
    assert sorted(m.to for m in digests) == sorted(
        [address("sekretariat"), address("sekretariat.dua")]
    )  # not ppid/pendukung
    day = morning.astimezone(mail_rt.calendar.tz).date().isoformat()
    msg = smtp.inbox.to(address("sekretariat"))[0]
    assert msg.subject == f"[Arsip] Ringkasan harian {day}: 1 tugas, 1 terlambat / Daily digest: 1 tasks, 1 overdue"
    assert "TERLAMBAT" in msg.text and "OVERDUE" in msg.text and record.record_no in msg.text
    assert f"{BASE_URL}/staf/arsip/{record.id}" in msg.text
    # the next office day brings another; a weekend day or a time before office hours none
    cron.run(mail_rt, jobs=("digest",), now=next_working_day(mail_rt, morning))
    assert len(smtp.inbox.to(address("sekretariat"))) == 2
    day_off = morning
    while mail_rt.calendar.is_working_day(day_off.astimezone(mail_rt.calendar.tz).date()):
        day_off += timedelta(days=1)
    for at in (morning - timedelta(hours=3), day_off):  # 06:00 local; a weekend day or holiday
        assert cron.run(mail_rt, jobs=("digest",), now=at).jobs[0].composed == 0
    assert len(smtp.inbox.to(address("sekretariat"))) == 2


def test_exemption_reminder_once_then_expiry_returns_the_record(mail_rt, smtp, staff, make_record) -> None:
    record = make_record("dilaporkan")
    until = mail_rt.calendar.today() + timedelta(days=10)
    body = payload_for("kecualikan", record) | {"exemption_no_expiry": False, "exemption_until": until.isoformat()}
    record = workflow.apply_transition(mail_rt, SYSTEM, record.id, record.version, body)
    smtp.inbox.messages.clear()
    for _ in range(2):
        assert cron.run(mail_rt, jobs=("exemptions",)).ok
    assert [m.to for m in smtp.inbox.messages] == [address("ppid")]
    msg = smtp.inbox.messages[0]
    assert msg.subject == (
        f"[Arsip] Pengecualian berakhir {until.isoformat()}: {record.record_no}"
        f" / Exemption ends {until.isoformat()}: {record.record_no}"
    )
    assert "berakhir dalam 10 hari" in msg.text and "ends in 10 days" in msg.text
    assert f"{BASE_URL}/staf/arsip/{record.id}" in msg.text
    # on the end date cron returns it to the PPID (expire_exemptions) and no further reminder goes out
    on_the_day = datetime.combine(until, datetime.min.time().replace(hour=1), tzinfo=mail_rt.calendar.tz)
    report = cron.run(mail_rt, jobs=("exemptions",), now=on_the_day)
    assert report.jobs[0].expired == [record.id]
    assert workflow.control_card(mail_rt, SYSTEM, record.id)["publication_state"] == "dilaporkan"
    assert len(smtp.inbox.messages) == 1


def test_retention_reminder_once_a_month(mail_rt, smtp, staff, sample_jra, make_old) -> None:
    make_old(doc_date="2014-01-01")
    make_old(doc_date="2014-02-01", is_vital=True)
    now = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    for _ in range(2):
        assert cron.run(mail_rt, jobs=("retention",), now=now).ok
    assert [m.to for m in smtp.inbox.messages] == [address("arsiparis")]
    msg = smtp.inbox.messages[0]
    assert msg.subject == "[Arsip] Retensi jatuh tempo 2026-12: 2 arsip / Retention due 2026-12: 2 records"
    assert "pemindahan ke unit kearsipan: unit kominfo, jatuh tempo 2016-01: 1 arsip" in msg.text
    assert "transfer to the records centre: unit kominfo, due 2016-02: 1 records (on hold 0, vital 1)" in msg.text
    assert f"{BASE_URL}/staf/retensi/jatuh-tempo" in msg.text
    cron.run(mail_rt, jobs=("retention",), now=now + timedelta(days=20))  # same month
    assert len(smtp.inbox.messages) == 1
    cron.run(mail_rt, jobs=("retention",), now=datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    assert len(smtp.inbox.messages) == 2 and "2027-01" in smtp.inbox.messages[1].subject


def test_smtp_down_then_up_delivers_each_message_once(mail_rt, smtp, staff, make_record) -> None:
    live = mail_rt.settings
    mail_rt.settings = dataclasses.replace(live, smtp_port=free_port())  # nothing listens there
    record = make_record("diklasifikasi_usulan")
    workflow.apply_transition(mail_rt, SYSTEM, record.id, record.version, {"action": "dokumentasikan"})
    down = cron.run(mail_rt, jobs=("notify",))
    assert not down.ok and down.sent == 0 and down.failed == 1 and down.pending == 2
    rows = notification_rows(mail_rt)
    assert [r.attempts for r in rows] == [1, 0]  # the run stopped after the server proved unreachable
    assert rows[0].last_error and rows[0].sent_at is None and rows[0].claim_token is None
    mail_rt.settings = live
    up = cron.run(mail_rt, jobs=("notify",))
    assert up.ok and up.sent == 2 and up.pending == 0
    assert sorted(m.to for m in smtp.inbox.messages) == sorted([address("sekretariat"), address("sekretariat.dua")])
    assert cron.run(mail_rt).sent == 0 and len(smtp.inbox.messages) == 2
    assert [r.attempts for r in notification_rows(mail_rt)] == [2, 1]


def test_a_refused_recipient_does_not_stop_the_others(mail_rt, smtp, staff, make_record) -> None:
    smtp.inbox.refuse.add(address("sekretariat"))  # "550 mailbox unavailable" for this one
    record = make_record("diklasifikasi_usulan")
    workflow.apply_transition(mail_rt, SYSTEM, record.id, record.version, {"action": "dokumentasikan"})
    report = cron.run(mail_rt, jobs=("notify",))
    assert not report.ok and report.failed == 1 and report.sent == 1
    assert [m.to for m in smtp.inbox.messages] == [address("sekretariat.dua")]
    refused = next(r for r in notification_rows(mail_rt) if r.recipient == address("sekretariat"))
    assert "550" in (refused.last_error or "") and refused.sent_at is None
    for _ in range(6):
        cron.run(mail_rt, jobs=("notify",))
    assert max(r.attempts for r in notification_rows(mail_rt)) == cron.MAX_ATTEMPTS  # then it is given up


def test_dry_run_records_and_sends_nothing(mail_rt, smtp, staff, make_record) -> None:
    record = make_record("diklasifikasi_usulan")
    workflow.apply_transition(mail_rt, SYSTEM, record.id, record.version, {"action": "dokumentasikan"})
    report = cron.run(mail_rt, dry_run=True)
    notify = next(j for j in report.jobs if j.name == "notify")
    assert notify.composed == 2 and notify.recorded == 2
    assert notification_rows(mail_rt) == [] and smtp.inbox.messages == []


def test_two_runs_at_once_deliver_each_message_once(mail_rt, smtp, staff, make_record) -> None:
    for _ in range(3):
        record = make_record("diklasifikasi_usulan")
        workflow.apply_transition(mail_rt, SYSTEM, record.id, record.version, {"action": "dokumentasikan"})
    barrier = threading.Barrier(3)
    reports: list[cron.CronReport] = []

    def one_run() -> None:
        barrier.wait()
        reports.append(cron.run(mail_rt, jobs=("notify",)))

    threads = [threading.Thread(target=one_run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in reports) and sum(r.sent for r in reports) == 6
    ids = [m.msg["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 6 and len(set(ids)) == 6


def test_a_claim_is_won_by_one_run_only(mail_rt, staff, make_record) -> None:
    record = make_record("diserahkan")
    assert cron.record(mail_rt, notifications.step_opened(mail_rt, datetime.now(UTC))) == 1
    assert cron.record(mail_rt, notifications.step_opened(mail_rt, datetime.now(UTC))) == 0
    row = notification_rows(mail_rt)[0]
    assert row.record_id == record.id
    assert cron.claim(mail_rt, row.id, "a" * 32) is not None
    assert cron.claim(mail_rt, row.id, "b" * 32) is None  # held by the first run
    with mail_rt.db.write() as session:  # a claim older than CLAIM_TTL is a crashed run: taken over
        session.get(Notification, row.id).claimed_at = datetime.now(UTC) - cron.CLAIM_TTL - timedelta(seconds=1)
    assert cron.claim(mail_rt, row.id, "c" * 32) is not None
