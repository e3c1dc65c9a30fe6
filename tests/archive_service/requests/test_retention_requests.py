"""Retention of the applicants' personal data (issue 18, item 6): due from the register's JRA class, held by running
objections, disputes and holds, approved and erased by two archivist-side people, the register line kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from archive_service.db import Blob, InformationRequest, Notification, RequestApplicant
from archive_service.errors import Conflict, PermissionDenied, ValidationFailed
from archive_service.services import cron, holds, requests, requests_objections, requests_retention
from archive_service.services.actor import SYSTEM
from archive_service.services.audit import verify_chain
from tests.archive_service.retention.conftest import APPROVAL, BA, sample_jra  # noqa: F401  (a fixture)

from .conftest import APPLICANT, MONDAY

# Answered on 15 December 2026; the register's class in the sample JRA (500.12.18.1 "Register permohonan &
# keberatan PPID") keeps it 2 + 3 years: due from 15 December 2031.
ANSWERED = MONDAY + timedelta(days=1)
DUE_DAY = date(2031, 12, 15)
LATER = date(2032, 1, 5)


def answered(rt, accounts, submit, **kwargs) -> str:  # type: ignore[no-untyped-def]
    """A request registered and answered on ``ANSWERED`` (the clock's start), its number."""
    number = submit(**kwargs).number
    requests.decide(
        rt,
        accounts["ppid"].actor,
        number,
        None,
        {"decision": "belum_didokumentasikan", "reasons": "Belum didokumentasikan"},
        now=ANSWERED,
    )
    return number


def _applicant(rt, number: str) -> RequestApplicant:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        req = session.execute(select(InformationRequest).where(InformationRequest.number == number)).unique()
        return req.scalar_one().applicant


@pytest.mark.usefixtures("sample_jra")
def test_the_register_class_and_its_period_decide_when_data_is_due(rt, accounts, submit) -> None:
    number = answered(rt, accounts, submit)
    with rt.db.read() as session:
        term = requests_retention.register_term(rt, session)
    assert (term.code, term.years) == ("500.12.18.1", 5)
    assert term.record_type.startswith("Register permohonan")  # not the code's first row ("Pelayanan Informasi")
    arsiparis = accounts["arsiparis"].actor
    assert requests_retention.due_erasures(rt, arsiparis, as_of=DUE_DAY - timedelta(days=1)) == []
    [due] = requests_retention.due_erasures(rt, arsiparis, as_of=DUE_DAY)
    assert (due.number, due.closed_on, due.erase_from, due.holds) == (number, ANSWERED.date(), DUE_DAY, [])
    assert APPLICANT["name"] not in repr(due) and APPLICANT["nik"] not in repr(due)  # archivists see no person
    with pytest.raises(PermissionDenied):
        requests_retention.due_erasures(rt, accounts["pendukung"].actor, as_of=DUE_DAY)


def test_no_register_class_means_nothing_is_due(rt, accounts, submit) -> None:
    number = answered(rt, accounts, submit)  # no JRA imported
    assert requests_retention.due_erasures(rt, accounts["arsiparis"].actor, as_of=LATER) == []
    with pytest.raises(Conflict) as err:
        requests_retention.approve_erasure(rt, accounts["atasan_ppid"].actor, number, APPROVAL, today=LATER)
    assert "ARSIP_REQUEST_JRA_CLASS" in str(err.value)


@pytest.mark.usefixtures("sample_jra")
def test_erasure_needs_approval_four_eyes_and_keeps_the_register_line(rt, accounts, submit) -> None:
    number = answered(rt, accounts, submit)
    cron.run(rt, jobs=("requests",), now=ANSWERED + timedelta(minutes=5))  # mail to the applicant
    with rt.db.read() as session:
        mails = session.execute(select(Notification).where(Notification.recipient == APPLICANT["email"])).scalars()
        assert len(list(mails)) >= 1
    sha = _applicant(rt, number).identity_blob_sha256
    assert sha and rt.blobs.exists(sha)
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor

    with pytest.raises(Conflict):  # not due yet
        requests_retention.approve_erasure(rt, atasan, number, APPROVAL, today=DUE_DAY - timedelta(days=1))
    with pytest.raises(Conflict):  # not approved
        requests_retention.erase(rt, arsiparis, number, BA, today=LATER)
    with pytest.raises(PermissionDenied):  # the PPID neither approves nor erases
        requests_retention.approve_erasure(rt, accounts["ppid"].actor, number, APPROVAL, today=LATER)
    with pytest.raises(ValidationFailed):  # no letter number: bad input changes nothing
        requests_retention.approve_erasure(rt, atasan, number, {**APPROVAL, "letter_no": ""}, today=LATER)
    approved = requests_retention.approve_erasure(rt, atasan, number, APPROVAL, today=LATER)
    assert approved.approval and approved.approval["by"] == "atasan.ppid"
    with pytest.raises(PermissionDenied):  # four eyes: the one who recorded the approval may not carry it out
        requests_retention.erase(rt, atasan, number, BA, today=LATER)
    with pytest.raises(ValidationFailed):  # a berita acara needs two signatories
        requests_retention.erase(rt, arsiparis, number, {**BA, "signatories": BA["signatories"][:1]}, today=LATER)
    assert _applicant(rt, number).erased_at is None and rt.blobs.exists(sha)

    done = requests_retention.erase(rt, arsiparis, number, BA, today=LATER)
    assert done["identity_deleted"] and not done["identity_kept_shared"]
    person = _applicant(rt, number)
    assert person.erased_at is not None and person.name == "" and person.address == ""
    assert (person.nik, person.email, person.phone, person.identity_filename) == (None, None, None, None)
    assert not rt.blobs.exists(sha)
    with rt.db.read() as session:
        assert session.get(Blob, sha).destroyed_at is not None  # the tombstone keeps the hash
        assert not list(
            session.execute(select(Notification).where(Notification.recipient == APPLICANT["email"])).scalars()
        )
        assert verify_chain(session).ok
    view = requests.get_request(rt, accounts["ppid"].actor, number)  # the register line stays
    assert view["number"] == number and view["information"] and view["state"] == "belum_didokumentasikan"
    assert [c.action for c in view["card"]][-2:] == ["setuju_hapus_data", "hapus_data_pemohon"]
    assert requests_retention.due_erasures(rt, arsiparis, as_of=LATER) == []  # done: no longer due
    with pytest.raises(Conflict):  # and never twice
        requests_retention.erase(rt, accounts["arsiparis"].actor, number, BA, today=LATER)


@pytest.mark.usefixtures("sample_jra")
def test_objections_disputes_and_holds_keep_the_data(rt, accounts, submit, open_record) -> None:
    number = submit().number
    ppid, atasan, arsiparis = accounts["ppid"].actor, accounts["atasan_ppid"].actor, accounts["arsiparis"].actor
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    requests.decide(rt, ppid, number, None, {"decision": "dikabulkan", "reasons": "Diberikan seluruhnya"}, now=ANSWERED)
    objection = requests_objections.file_objection(
        rt,
        number,
        {"grounds": ["tidak_sesuai_permintaan"], "reasons": "Bukan yang saya minta", "channel": "loket"},
        actor=ppid,
        now=ANSWERED + timedelta(days=2),
    )
    [due] = requests_retention.due_erasures(rt, arsiparis, as_of=LATER)
    assert due.holds == ["keberatan belum diputus / an objection is not decided"]
    with pytest.raises(Conflict) as err:
        requests_retention.approve_erasure(rt, atasan, number, APPROVAL, today=LATER)
    assert "keberatan" in str(err.value)
    decided = ANSWERED + timedelta(days=20)
    requests_objections.decide(
        rt,
        atasan,
        objection["number"],
        None,
        {"decision": "ditolak", "reasons": "Jawaban sudah sesuai permintaan"},
        now=decided,
    )
    requests_objections.record_dispute(
        rt,
        ppid,
        objection["number"],
        {"commission": "Komisi Informasi DIY", "registry_no": "KI/1/2027", "filed_on": "2027-01-20"},
    )
    [due] = requests_retention.due_erasures(rt, arsiparis, as_of=LATER)
    assert due.holds == ["sengketa Komisi Informasi berjalan / a Komisi Informasi dispute is running"]
    requests_objections.record_dispute(
        rt,
        ppid,
        objection["number"],
        {
            "commission": "Komisi Informasi DIY",
            "registry_no": "KI/1/2027",
            "filed_on": "2027-01-20",
            "outcome": "putusan_ditolak",
            "outcome_on": "2027-06-30",
        },
    )
    # the clock now runs from the dispute's outcome, the latest close: due on 30 June 2032, not in December 2031
    assert requests_retention.due_erasures(rt, arsiparis, as_of=LATER) == []
    [due] = requests_retention.due_erasures(rt, arsiparis, as_of=date(2032, 6, 30))
    assert due.closed_on == date(2027, 6, 30) and due.holds == []
    hold = holds.place_hold(rt, SYSTEM, {"name": "Perkara PTUN", "reason": "Gugatan", "record_ids": [open_record.id]})
    [due] = requests_retention.due_erasures(rt, arsiparis, as_of=date(2032, 7, 1))
    assert due.holds == ["arsip terkait ditahan (legal hold) / a linked record is under a hold"]
    with pytest.raises(Conflict):
        requests_retention.approve_erasure(rt, atasan, number, APPROVAL, today=date(2032, 7, 1))
    holds.release_hold(rt, SYSTEM, hold["id"], "Perkara selesai")
    requests_retention.approve_erasure(rt, atasan, number, APPROVAL, today=date(2032, 7, 1))
    requests_retention.erase(rt, arsiparis, number, BA, today=date(2032, 7, 1))
    assert _applicant(rt, number).erased_at is not None


@pytest.mark.usefixtures("sample_jra")
def test_the_erasure_over_the_api(client, rt, accounts, submit, monkeypatch) -> None:
    number = answered(rt, accounts, submit)
    monkeypatch.setattr(type(rt.calendar), "today", lambda self: LATER)
    arsiparis = {"Authorization": f"Bearer {accounts['arsiparis'].token}"}
    atasan = {"Authorization": f"Bearer {accounts['atasan_ppid'].token}"}
    listed = client.get("/api/v1/retention/request-erasures", headers=arsiparis)
    assert listed.status_code == 200 and [d["number"] for d in listed.get_json()] == [number]
    assert APPLICANT["name"] not in listed.get_data(as_text=True)
    base = f"/api/v1/retention/request-erasures/{number}"
    assert client.post(f"{base}/approval", json=APPROVAL, headers=arsiparis).status_code == 200
    assert client.post(f"{base}/execution", json=BA, headers=arsiparis).status_code == 403  # four eyes
    done = client.post(f"{base}/execution", json=BA, headers=atasan)
    assert done.status_code == 403  # the atasan may approve, not execute
    pendukung = {"Authorization": f"Bearer {accounts['pendukung'].token}"}
    assert client.get("/api/v1/retention/request-erasures", headers=pendukung).status_code == 403


@pytest.mark.usefixtures("sample_jra")
def test_the_due_list_on_the_command_line(rt, accounts, submit, monkeypatch) -> None:
    from click.testing import CliRunner

    from archive_service.cli import main

    number = answered(rt, accounts, submit)
    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    early = CliRunner().invoke(main, ["retention", "erase-due", "--as-of", "2031-12-14"])
    assert early.exit_code == 0, early.output
    assert "0 permohonan jatuh tempo" in early.output
    due = CliRunner().invoke(main, ["retention", "erase-due", "--as-of", "2031-12-15"])
    assert due.exit_code == 0 and f"{number}  2026-12-15  2031-12-15  -" in due.output
    assert APPLICANT["name"] not in due.output
