"""Mail about requests through the existing cron and mailer (issue 18): applicants and handlers, each once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from archive_service.db import Notification
from archive_service.services import cron, requests, requests_objections

from .conftest import EXTENDED_DUE, MONDAY


def _mails(rt) -> list[Notification]:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return list(session.execute(select(Notification).order_by(Notification.id)).scalars())


def test_applicant_and_handlers_are_told_once(rt, accounts, submit) -> None:
    for username in ("ppid", "sekretariat", "atasan.ppid"):
        _set_email(rt, username)
    registered = submit()
    cron.run(rt, jobs=("requests",), now=MONDAY + timedelta(minutes=5))
    first = _mails(rt)
    applicant = [m for m in first if m.user_id is None]
    handlers = [m for m in first if m.user_id is not None]
    assert [m.recipient for m in applicant] == ["siti.rahmawati@example.org"]
    assert registered.number in applicant[0].subject and registered.secret not in applicant[0].body
    assert {m.recipient for m in handlers} == {"ppid@pemda.example.go.id", "sekretariat@pemda.example.go.id"}
    assert not any("Siti" in m.body for m in handlers)  # handlers' mail names the number, not the person
    cron.run(rt, jobs=("requests",), now=MONDAY + timedelta(minutes=10))
    assert len(_mails(rt)) == len(first)  # run twice, recorded once

    ppid = accounts["ppid"].actor
    requests.extend(rt, ppid, registered.number, None, {"reasons": "Arsip di depo luar kota"}, now=MONDAY)
    cron.run(rt, jobs=("requests",), now=MONDAY + timedelta(minutes=15))
    cron.run(rt, jobs=("requests",), now=EXTENDED_DUE + timedelta(days=1))  # after the extended due day too: overdue
    kinds = [m.dedupe_key.split(":")[0] for m in _mails(rt)]
    assert "request_extended" in kinds and "request_overdue" in kinds

    requests.decide(
        rt,
        ppid,
        registered.number,
        None,
        {"decision": "belum_didokumentasikan", "reasons": "Belum didokumentasikan"},
        now=EXTENDED_DUE + timedelta(days=1),
    )
    filed = requests_objections.file_objection(
        rt,
        registered.number,
        {"grounds": ["terlambat"], "reasons": "Jawaban datang terlambat", "secret": registered.secret},
        now=EXTENDED_DUE + timedelta(days=2),
    )
    cron.run(rt, jobs=("requests",), now=EXTENDED_DUE + timedelta(days=2, minutes=1))
    requests_objections.decide(
        rt,
        accounts["atasan_ppid"].actor,
        filed["number"],
        None,
        {"decision": "dikabulkan", "reasons": "Keberatan beralasan, informasi diberikan"},
        now=EXTENDED_DUE + timedelta(days=3),
    )
    cron.run(rt, jobs=("requests",), now=EXTENDED_DUE + timedelta(days=3, minutes=1))
    kinds = [m.dedupe_key.split(":")[0] for m in _mails(rt)]
    assert {"request_answered", "objection_new", "objection_decided"} <= set(kinds)


def _set_email(rt, username: str) -> None:  # type: ignore[no-untyped-def]
    from archive_service.db import User

    with rt.db.write() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        user.email = f"{username}@pemda.example.go.id"
