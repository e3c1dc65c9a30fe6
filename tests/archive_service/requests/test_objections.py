"""Objections (UU 14/2008 Pasal 35-36) and disputes with the Komisi Informasi (Pasal 37-38), issue 18."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from archive_service.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from archive_service.services import requests, requests_objections
from archive_service.services.actor import SYSTEM as SYSTEM_ACTOR

from .conftest import DUE, MONDAY

# A refusal on Tuesday 15 December 2026, 10:00 WIB; 30 working days later (Christmas, the cuti bersama, New Year
# and 5 January between) is Monday 1 February 2027, 10:00 WIB.
ANSWERED = MONDAY + timedelta(days=1)
WINDOW_END = datetime(2027, 2, 1, 3, 0, tzinfo=UTC)
OBJECTION = {"grounds": ["penolakan_pasal17"], "reasons": "Informasi ini menyangkut kepentingan umum yang lebih besar"}


@pytest.fixture
def refused(rt, accounts, submit, exempted_record):  # type: ignore[no-untyped-def]
    registered = submit()
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, registered.number, {"record_id": exempted_record.id})
    requests.decide(
        rt,
        ppid,
        registered.number,
        None,
        {"decision": "ditolak_pasal17", "reasons": "Dikecualikan huruf h", "exemption_record_id": exempted_record.id},
        now=ANSWERED,
    )
    return registered


def test_the_window_is_30_working_days_from_the_ground(rt, refused) -> None:
    assert requests_objections.window_end(rt, ANSWERED) == WINDOW_END
    late = {**OBJECTION, "secret": refused.secret}
    with pytest.raises(ValidationFailed) as caught:
        requests_objections.file_objection(rt, refused.number, late, now=WINDOW_END + timedelta(minutes=1))
    assert "30" in str(caught.value.errors)
    filed = requests_objections.file_objection(rt, refused.number, late, now=WINDOW_END)
    assert filed["number"] == "KBR-2027-0001"
    assert filed["due_at"] == rt.calendar.add(WINDOW_END, requests_objections.OBJECTION_ANSWER_SLA)


def test_only_grounds_that_arose_may_be_claimed(rt, accounts, submit, refused) -> None:
    pending = submit()
    with pytest.raises(ValidationFailed):  # not answered yet, and not yet late
        requests_objections.file_objection(
            rt, pending.number, {**OBJECTION, "grounds": ["tidak_ditanggapi"], "secret": pending.secret}, now=MONDAY
        )
    with pytest.raises(ValidationFailed):  # no Pasal 17 refusal on an unanswered request
        requests_objections.file_objection(rt, pending.number, {**OBJECTION, "secret": pending.secret}, now=MONDAY)
    with pytest.raises(ValidationFailed):  # not a Pasal 35 ground at all
        requests_objections.file_objection(
            rt, pending.number, {**OBJECTION, "grounds": ["tidak_suka"], "secret": pending.secret}, now=MONDAY
        )
    after_due = DUE + timedelta(hours=1)
    seen = requests.track(rt, pending.number, pending.secret, now=after_due)
    assert "tidak_ditanggapi" in seen["objection_grounds_open"]
    filed = requests_objections.file_objection(
        rt, pending.number, {**OBJECTION, "grounds": ["tidak_ditanggapi"], "secret": pending.secret}, now=after_due
    )
    assert filed["state"] == "diajukan"
    with pytest.raises(Conflict):  # one pending objection at a time
        requests_objections.file_objection(
            rt, pending.number, {**OBJECTION, "grounds": ["terlambat"], "secret": pending.secret}, now=after_due
        )


def test_a_wrong_secret_files_nothing_and_answers_like_an_unknown_number(rt, refused) -> None:
    problems = []
    for number, secret in [(refused.number, "salah"), ("PMH-2026-0999", refused.secret)]:
        with pytest.raises(NotFound) as caught:
            requests_objections.file_objection(rt, number, {**OBJECTION, "secret": secret}, now=ANSWERED)
        problems.append(caught.value.to_problem())
    assert problems[0] == problems[1]
    assert requests_objections.worklist(rt, SYSTEM_ACTOR) == []


def test_the_atasan_ppid_decides_and_a_dispute_follows(rt, accounts, refused) -> None:
    filed = requests_objections.file_objection(
        rt, refused.number, {**OBJECTION, "secret": refused.secret}, now=ANSWERED + timedelta(days=1)
    )
    atasan = accounts["atasan_ppid"].actor
    work = requests_objections.worklist(rt, atasan, now=ANSWERED + timedelta(days=2))
    assert [w["number"] for w in work] == [filed["number"]]
    # the Atasan PPID sees the request under objection, and only that one
    assert requests.get_request(rt, atasan, refused.number)["number"] == refused.number
    dispute = {"filed_on": "2027-01-20", "registry_no": "012/I/KI-DIY-PS/2027", "outcome": "berjalan"}
    with pytest.raises(Conflict):  # no dispute before the objection is decided (or its time has passed)
        requests_objections.record_dispute(rt, atasan, filed["number"], dispute, now=ANSWERED + timedelta(days=2))
    decision = {"decision": "ditolak", "reasons": "Pengecualian sudah diuji konsekuensinya dengan benar"}
    for role in ("ppid", "sekretariat", "admin"):
        with pytest.raises(PermissionDenied):
            requests_objections.decide(rt, accounts[role].actor, filed["number"], None, decision)
    decided = requests_objections.decide(rt, atasan, filed["number"], None, decision, now=ANSWERED + timedelta(days=5))
    assert decided["state"] == "ditolak" and decided["decided_by"] == "atasan.ppid"
    with pytest.raises(Conflict):
        requests_objections.decide(rt, atasan, filed["number"], None, {**decision, "decision": "dikabulkan"})
    recorded = requests_objections.record_dispute(rt, accounts["ppid"].actor, filed["number"], dispute)
    assert recorded["disputes"][0].registry_no == "012/I/KI-DIY-PS/2027"
    updated = requests_objections.record_dispute(
        rt, atasan, filed["number"], {**dispute, "outcome": "mediasi_berhasil", "outcome_on": "2027-03-01"}
    )
    assert len(updated["disputes"]) == 1 and updated["disputes"][0].outcome == "mediasi_berhasil"
    seen = requests.track(rt, refused.number, refused.secret, now=ANSWERED + timedelta(days=6))
    assert f"putusan_keberatan:{filed['number']}" in seen["letters"]
    assert seen["objections"][0]["state"] == "ditolak"
