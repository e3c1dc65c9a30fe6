"""Requests for information (UU 14/2008 Pasal 21-22): registration, deadlines in working days, numbering, tracking,
the handler's moves and their guards, delivery (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from archive_service.db import AuditEvent, InformationRequest, RequestCardLine
from archive_service.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    UnsupportedMediaType,
    ValidationFailed,
)
from archive_service.services import requests
from tests.support.files import executable_bytes

from .conftest import DUE, EXTENDED_DUE, FORM, MONDAY, counts, grant_in_part, pdf_bytes, png_bytes, solve, upload


def test_the_answer_is_due_in_ten_working_days_with_the_holidays_between(rt, submit) -> None:
    registered = submit()
    assert registered.due_at == DUE  # 24 (cuti bersama) and 25 December (Natal) do not count
    assert registered.secret and registered.secret in registered.tracking_url


def test_one_extension_of_seven_working_days_with_reasons(rt, accounts, submit) -> None:
    number = submit().number
    ppid = accounts["ppid"].actor
    with pytest.raises(ValidationFailed):
        requests.extend(rt, ppid, number, None, {"reasons": ""})
    with pytest.raises(PermissionDenied):  # the PPID signs the extension, not the secretariat
        requests.extend(rt, accounts["sekretariat"].actor, number, None, {"reasons": "Arsip di gudang luar kota"})
    view = requests.extend(rt, ppid, number, None, {"reasons": "Arsip berada di depo arsip luar kota"}, now=MONDAY)
    assert view["state"] == "diperpanjang"
    assert view["due_at"] == EXTENDED_DUE  # 1 and 5 January are holidays
    assert view["original_due_at"] == DUE
    with pytest.raises(Conflict):  # once only (Pasal 22(8))
        requests.extend(rt, ppid, number, None, {"reasons": "Sekali lagi karena banyak"}, now=MONDAY)


def test_numbers_are_gapless_per_year_even_after_a_refused_request(rt, submit) -> None:
    first = submit(now=datetime(2026, 12, 30, 3, 0, tzinfo=UTC)).number
    with pytest.raises(ValidationFailed):
        submit(now=datetime(2026, 12, 30, 4, 0, tzinfo=UTC), information="")
    second = submit(now=datetime(2026, 12, 31, 3, 0, tzinfo=UTC)).number
    # New Year's Eve in UTC is already 1 January 2027 in Jakarta: the new year starts at 1
    third = submit(now=datetime(2026, 12, 31, 18, 0, tzinfo=UTC)).number
    assert (first, second, third) == ("PMH-2026-0001", "PMH-2026-0002", "PMH-2027-0001")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"applicant": {**FORM["applicant"], "nik": None}}, ValidationFailed),  # missing identity
        ({"applicant": {**FORM["applicant"], "nik": "12345"}}, ValidationFailed),
        ({"information": "x" * 5001}, ValidationFailed),  # oversized text
        ({"website": "http://spam.example"}, ValidationFailed),  # the honeypot
        ({"challenge_answer": "999"}, ValidationFailed),
        ({"unexpected": "field"}, ValidationFailed),
    ],
)
def test_bad_input_stores_nothing(rt, submit, change, error) -> None:
    before = counts(rt)
    with pytest.raises(error) as caught:
        submit(**change)
    assert " / " in str(caught.value)  # Indonesian / English
    assert counts(rt) == before
    assert not list(rt.settings.staging_dir.glob("*"))  # no staged file left either


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ([], ValidationFailed),  # no identity document
        ([("ktp.exe", executable_bytes())], Exception),  # not an image or PDF (refused by type)
        ([("ktp.txt", b"bukan gambar")], UnsupportedMediaType),
        ([("ktp.png", png_bytes()), ("kk.png", png_bytes())], ValidationFailed),
    ],
)
def test_an_identity_file_that_is_not_one_image_or_pdf_stores_nothing(rt, submit, files, error) -> None:
    before = counts(rt)
    with pytest.raises(error):
        submit(identity=[upload(rt, name, content) for name, content in files])
    assert counts(rt) == before


def test_an_oversized_identity_file_stores_nothing(rt, submit) -> None:
    rt.settings.request_identity_max_size = 100
    before = counts(rt)
    with pytest.raises(PayloadTooLarge):
        submit(identity=[upload(rt, "ktp.pdf", pdf_bytes("KTP"))])
    assert counts(rt) == before


def test_a_pdf_identity_is_accepted_and_a_challenge_registers_one_request(rt) -> None:
    form = {**FORM, **solve(rt, MONDAY)}
    requests.register_public(rt, form, [upload(rt, "ktp.pdf", pdf_bytes("KTP"))], now=MONDAY)
    before = counts(rt)
    with pytest.raises(ValidationFailed):  # the same solution again
        requests.register_public(rt, form, [upload(rt, "ktp.pdf", pdf_bytes("KTP lain"))], now=MONDAY)
    assert counts(rt) == before


def test_unknown_number_and_wrong_secret_answer_identically(rt, submit) -> None:
    registered = submit()
    answers = []
    for number, secret in [("PMH-2026-9999", registered.secret), (registered.number, "salah"), (registered.number, "")]:
        with pytest.raises(NotFound) as caught:
            requests.track(rt, number, secret)
        answers.append(caught.value.to_problem())
    assert answers[0] == answers[1] == answers[2]
    seen = requests.track(rt, registered.number, registered.secret, now=MONDAY)
    assert seen["state"] == "diterima" and seen["letters"] == ["tanda_bukti_penerimaan"]
    assert "Siti" not in str(seen)  # the tracking page shows status and letters, no personal data is needed


def test_desk_registration_by_staff_only(rt, accounts) -> None:
    desk = {**FORM, "channel": "surat", "received_at": "2026-12-14T03:00:00+00:00"}
    with pytest.raises(PermissionDenied):
        requests.register_desk(rt, accounts["pendukung"].actor, desk, [])
    registered = requests.register_desk(rt, accounts["sekretariat"].actor, desk, [], now=MONDAY + timedelta(days=1))
    assert registered.due_at == DUE  # the letter's day of receipt counts, not the day it was typed in
    view = requests.get_request(rt, accounts["ppid"].actor, registered.number)
    assert view["channel"] == "surat" and view["applicant"].name == "Siti Rahmawati"


def test_the_worklist_shows_due_soon_and_overdue(rt, accounts, submit) -> None:
    number = submit().number
    items = requests.worklist(rt, accounts["sekretariat"].actor, now=datetime(2026, 12, 28, 3, 0, tzinfo=UTC))
    assert [(i["number"], i["due_soon"], i["overdue"]) for i in items] == [(number, True, False)]
    items = requests.worklist(rt, accounts["ppid"].actor, now=DUE + timedelta(minutes=1))
    assert items[0]["overdue"] is True
    with pytest.raises(PermissionDenied):
        requests.worklist(rt, accounts["arsiparis"].actor)


def test_a_pasal_17_refusal_needs_a_cited_exemption_determination(rt, accounts, submit, open_record, exempted_record):
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    refusal = {"decision": "ditolak_pasal17", "reasons": "Informasi dikecualikan Pasal 17 huruf h"}
    with pytest.raises(ValidationFailed):  # nothing cited
        requests.decide(rt, ppid, number, None, refusal)
    with pytest.raises(ValidationFailed):  # an open record is no exemption
        requests.decide(rt, ppid, number, None, {**refusal, "exemption_record_id": open_record.id})
    with pytest.raises(ValidationFailed):  # an exempted record that is not linked
        requests.decide(rt, ppid, number, None, {**refusal, "exemption_record_id": exempted_record.id})
    requests.link_record(rt, ppid, number, {"record_id": exempted_record.id})
    view = requests.decide(rt, ppid, number, None, {**refusal, "exemption_record_id": exempted_record.id})
    assert view["state"] == "ditolak_pasal17"
    assert view["exemption_record_id"] == exempted_record.id and view["exemption_test_id"] is not None
    with pytest.raises(Conflict):  # answered: no second answer
        requests.decide(rt, ppid, number, None, {"decision": "belum_didokumentasikan", "reasons": "Belum ada"})


def test_a_full_grant_of_an_exempted_record_is_refused(rt, accounts, submit, exempted_record) -> None:
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": exempted_record.id})
    with pytest.raises(ValidationFailed):
        requests.decide(rt, ppid, number, None, {"decision": "dikabulkan", "reasons": "Diberikan seluruhnya"})


def test_not_held_names_the_holder(rt, accounts, submit) -> None:
    number = submit().number
    ppid = accounts["ppid"].actor
    with pytest.raises(ValidationFailed):
        requests.decide(rt, ppid, number, None, {"decision": "tidak_dikuasai", "reasons": "Bukan kewenangan kami"})
    view = requests.decide(
        rt,
        ppid,
        number,
        None,
        {"decision": "tidak_dikuasai", "reasons": "Bukan kewenangan kami", "not_held_holder": "BPS Kab. Sleman"},
        now=DUE + timedelta(days=1),
    )
    assert view["not_held_holder"] == "BPS Kab. Sleman"
    assert view["card"][-1].late is True  # answered after the due day: the control card says late


def test_only_records_the_handler_may_read_can_be_linked(rt, accounts, submit, make_record) -> None:
    secret_record = make_record("dihimpun", security_class="rahasia")
    number = submit().number
    with pytest.raises(NotFound):  # the secretariat is not cleared for rahasia: as if it did not exist
        requests.link_record(rt, accounts["sekretariat"].actor, number, {"record_id": secret_record.id})


def test_delivery_reaches_only_linked_files_and_expires(
    rt, accounts, submit, open_record, exempted_record, make_record
):
    other = make_record("ditetapkan_terbuka")
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    requests.link_record(
        rt, ppid, number, {"record_id": exempted_record.id}, [upload(rt, "dihitamkan.pdf", pdf_bytes("XXXX"))]
    )
    with pytest.raises(Conflict):  # not granted yet
        requests.issue_delivery(rt, ppid, number)
    requests.decide(
        rt,
        ppid,
        number,
        None,
        {
            "decision": "dikabulkan_sebagian",
            "reasons": "Sebagian dihitamkan",
            "exemption_record_id": exempted_record.id,
        },
        now=MONDAY + timedelta(days=1),
    )
    now = MONDAY + timedelta(days=2)
    link = requests.issue_delivery(rt, accounts["sekretariat"].actor, number, {"days": 3}, now=now)
    listing = requests.delivery_listing(rt, link["token"], now=now)
    keys = {f["key"] for f in listing["files"]}
    assert keys == {f"f{open_record.files[0].id}", f"r{_link_id(rt, number, exempted_record.id)}"}
    # the exempted record's own file and an unlinked record's file are not reachable
    for key in (f"f{exempted_record.files[0].id}", f"f{other.files[0].id}", "f999999", "x"):
        with pytest.raises(NotFound):
            requests.open_delivery_file(rt, link["token"], key, now=now)
    _name, _mime, size, stream = requests.open_delivery_file(rt, link["token"], f"f{open_record.files[0].id}", now=now)
    with stream:
        assert stream.read(5) == b"%PDF-" and size > 0
    with pytest.raises(NotFound):  # expired
        requests.delivery_listing(rt, link["token"], now=now + timedelta(days=3, seconds=1))
    with pytest.raises(NotFound):
        requests.delivery_listing(rt, "not-a-token", now=now)


def _link_id(rt, number: str, record_id: int) -> int:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        req = session.execute(select(InformationRequest).where(InformationRequest.number == number)).scalar_one()
        return next(link.id for link in req.links if link.record_id == record_id)


def test_every_step_is_on_the_control_card_and_in_the_audit_without_personal_data(rt, accounts, submit, open_record):
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.take_up(rt, accounts["sekretariat"].actor, number)
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    requests.decide(rt, ppid, number, None, {"decision": "dikabulkan", "reasons": "Diberikan"})
    with rt.db.read() as session:
        lines = session.execute(select(RequestCardLine.action).order_by(RequestCardLine.id)).scalars().all()
        events = (
            session.execute(select(AuditEvent).where(AuditEvent.entity_type == "information_request")).scalars().all()
        )
    assert lines == ["registrasi", "proses", "tautkan", "kabulkan"]
    assert [e.action for e in events] == ["request.register", "request.proses", "request.link", "request.kabulkan"]
    assert not any("Siti" in str(e.changes) or "3404015208900002" in str(e.changes) for e in events)


def test_step_14_feedback_marks_information_not_in_the_dip(rt, accounts, submit, open_record) -> None:
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    view = requests.decide(rt, ppid, number, None, {"decision": "dikabulkan", "reasons": "Diberikan"})
    assert view["links"][0]["not_in_dip"] is True
    followups = requests.dip_followups(rt, ppid)
    assert [(f["record_id"], f["requests"]) for f in followups] == [(open_record.id, [number])]


WHO_MAY = {
    "register_desk": {"ppid", "sekretariat"},
    "take_up": {"ppid", "sekretariat"},
    "link": {"ppid", "sekretariat"},
    "extend": {"ppid"},
    "decide": {"ppid"},
    "deliver": {"ppid", "sekretariat"},
    "decide_objection": {"atasan_ppid"},
    "record_dispute": {"ppid", "atasan_ppid"},
}


@pytest.mark.parametrize("role", ["admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis"])
def test_who_may_do_what(rt, accounts, submit, open_record, role) -> None:
    """Every use case × every role, refused with 403 exactly where the table says (the rest may still fail on
    content, never on the role)."""
    from archive_service.services import requests_objections
    from archive_service.services.actor import SYSTEM

    actor = accounts[role].actor
    number = submit().number
    granted = submit(now=MONDAY + timedelta(minutes=1)).number
    requests.link_record(rt, SYSTEM, granted, {"record_id": open_record.id})
    requests.decide(rt, SYSTEM, granted, None, {"decision": "dikabulkan", "reasons": "Diberikan"})
    objection = requests_objections.file_objection(
        rt, granted, {"grounds": ["tidak_dipenuhi"], "reasons": "Tidak dipenuhi seluruhnya"}, actor=SYSTEM
    )
    calls = {
        "register_desk": lambda: requests.register_desk(rt, actor, {**FORM, "channel": "email"}, []),
        "take_up": lambda: requests.take_up(rt, actor, number),
        "link": lambda: requests.link_record(rt, actor, number, {"record_id": open_record.id}),
        "extend": lambda: requests.extend(rt, actor, number, None, {"reasons": "Arsip di depo luar kota"}),
        "decide": lambda: requests.decide(
            rt, actor, number, None, {"decision": "belum_didokumentasikan", "reasons": "Belum"}
        ),
        "deliver": lambda: requests.issue_delivery(rt, actor, granted),
        "decide_objection": lambda: requests_objections.decide(
            rt, actor, objection["number"], None, {"decision": "ditolak", "reasons": "Sudah dipenuhi seluruhnya"}
        ),
        "record_dispute": lambda: requests_objections.record_dispute(
            rt, actor, objection["number"], {"filed_on": "2027-02-01", "registry_no": "001/KI/2027"}
        ),
    }
    for name, call in calls.items():
        try:
            call()
        except PermissionDenied:
            assert role not in WHO_MAY[name], (role, name)
        except (Conflict, NotFound, ValidationFailed):
            assert role in WHO_MAY[name], (role, name)  # refused for content, not for the role
        else:
            assert role in WHO_MAY[name], (role, name)


def test_a_classified_record_is_never_given_whole(rt, accounts, submit, make_record, exempted_record) -> None:
    """A record classified *terbatas* or above (security class, not a KIP exemption) cannot be granted whole, and
    its own files never reach a delivery link; its redacted copy can."""
    restricted = make_record("diverifikasi", security_class="terbatas")
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": restricted.id})
    with pytest.raises(ValidationFailed) as refused:
        requests.decide(rt, ppid, number, None, {"decision": "dikabulkan", "reasons": "Terbuka"}, now=MONDAY)
    assert str(restricted.id) in str(refused.value.errors)
    assert _state(rt, number) == "diterima"
    # in part: the exempted record cited, the restricted one linked without a redacted copy gives nothing of its own
    grant_in_part(rt, ppid, number, exempted_record)
    link = requests.issue_delivery(rt, ppid, number, {"days": 3}, now=MONDAY)
    keys = {f["key"] for f in requests.delivery_listing(rt, link["token"], now=MONDAY)["files"]}
    assert keys == {f"r{_link_id(rt, number, exempted_record.id)}"}


def _state(rt, number: str) -> str:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return session.execute(select(InformationRequest.state).where(InformationRequest.number == number)).scalar_one()
