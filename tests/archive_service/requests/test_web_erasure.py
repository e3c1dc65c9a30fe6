"""The archivists' pages for erasing applicants' personal data when the register's retention ends (issue 18,
item 6): who sees the due list, the approval and the erasure through the forms (four eyes), refusals that change
nothing, and no personal data on these pages."""

from __future__ import annotations

import pytest

from archive_service.services import requests, requests_objections, requests_retention
from tests.archive_service.retention.conftest import APPROVAL, BA, sample_jra  # noqa: F401  (a fixture)
from tests.conftest import PASSWORD, make_account

from .conftest import APPLICANT
from .test_retention_requests import ANSWERED, LATER, _applicant, answered
from .test_web_requests import csrf, login, staff_post

LIST = "/staf/retensi/data-pemohon"
PERSONAL = [APPLICANT[k] for k in ("name", "nik", "address", "email", "phone")] + ["ktp.png"]


@pytest.fixture
def due(rt, accounts, submit, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """A request answered in December 2026 and "today" in January 2032: its applicant data is due (5 years)."""
    monkeypatch.setattr(type(rt.calendar), "today", lambda self: LATER)
    return answered(rt, accounts, submit)


def approval_form() -> dict[str, str]:
    return dict(APPROVAL)


def ba_form(signatories: int = 2) -> dict[str, str]:
    form = {k: BA[k] for k in ("date", "place", "method")}
    for i, person in enumerate(BA["signatories"][:signatories], start=1):
        form.update({f"sig_name_{i}": person["name"], f"sig_title_{i}": person["title"], f"sig_role_{i}": ""})
    form.update(wit_name_1=BA["witnesses"][0]["name"], wit_title_1=BA["witnesses"][0]["title"])
    return form


def no_personal_data(html: str) -> None:
    for value in PERSONAL:
        assert value not in html, value


def card_actions(rt, accounts, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.action for line in requests.get_request(rt, accounts["ppid"].actor, number)["card"]]


@pytest.mark.usefixtures("sample_jra")
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("arsiparis", 200),
        ("atasan_ppid", 200),
        ("ppid", 200),
        ("admin", 200),
        ("sekretariat", 403),
        ("pendukung", 403),
    ],
)
def test_the_due_list_per_role(app, due, role, status) -> None:
    staff = login(app, role)
    retention = staff.get("/staf/retensi").get_data(as_text=True)
    assert (f'href="{LIST}"' in retention) is (status == 200)  # the sub-nav link only for who may see the list
    response = staff.get(LIST)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert (due in html) is (status == 200)
    no_personal_data(html)
    if status == 200:
        assert 'id="erasure-term"' in html and "500.12.18.1" in html and "5" in html
        row = html[html.index(f'id="erasure-{due}"') :]
        assert "2026-12-15" in row and "2031-12-15" in row  # closed on the answer's day, due five years later
    detail = staff.get(f"{LIST}/{due}")
    assert detail.status_code == status
    text = detail.get_data(as_text=True)
    no_personal_data(text)
    assert ('id="approve-form"' in text) is (role in {"arsiparis", "atasan_ppid"})
    assert 'id="execute-form"' not in text  # nothing approved yet


@pytest.mark.usefixtures("sample_jra")
def test_a_held_request_shows_why_and_offers_no_form(rt, app, accounts, submit, monkeypatch) -> None:
    monkeypatch.setattr(type(rt.calendar), "today", lambda self: LATER)
    number = answered(rt, accounts, submit)
    requests_objections.file_objection(
        rt,
        number,
        {"grounds": ["tidak_sesuai_permintaan"], "reasons": "Bukan yang saya minta", "channel": "loket"},
        actor=accounts["ppid"].actor,
        now=ANSWERED,
    )
    arsiparis = login(app, "arsiparis")
    row = arsiparis.get(LIST).get_data(as_text=True)
    row = row[row.index(f'id="erasure-{number}"') :]
    assert "keberatan belum diputus" in row[: row.index("</tr>")]
    english = arsiparis.get(LIST, query_string={"lang": "en"}).get_data(as_text=True)
    assert "an objection is not decided" in english and "keberatan belum diputus" not in english
    assert "Due for erasure" in english and "Request closed" in english
    detail = arsiparis.get(f"{LIST}/{number}").get_data(as_text=True)
    assert 'id="erasure-holds"' in detail and 'id="approve-form"' not in detail
    # posted anyway: the service's 409 with the reason, and nothing is recorded
    refused = staff_post(arsiparis, f"{LIST}/{number}/persetujuan", LIST, **approval_form())
    assert refused.status_code == 409 and "keberatan belum diputus" in refused.get_data(as_text=True)
    assert "setuju_hapus_data" not in card_actions(rt, accounts, number)


@pytest.mark.usefixtures("sample_jra")
def test_approve_then_erase_through_the_forms(rt, app, accounts, due) -> None:
    sha = _applicant(rt, due).identity_blob_sha256
    assert sha and rt.blobs.exists(sha)
    atasan, arsiparis, ppid = login(app, "atasan_ppid"), login(app, "arsiparis"), login(app, "ppid")
    page = f"{LIST}/{due}"

    approved = staff_post(atasan, f"{page}/persetujuan", page, **approval_form())
    assert approved.status_code == 302 and approved.headers["Location"].endswith(page)
    html = atasan.get(page).get_data(as_text=True)
    assert APPROVAL["letter_no"] in html and 'id="approve-form"' not in html
    assert 'id="execute-form"' not in html  # the Atasan PPID approves; only an archivist erases
    assert staff_post(atasan, f"{page}/pelaksanaan", page, **ba_form()).status_code == 403
    assert _applicant(rt, due).erased_at is None

    html = arsiparis.get(page).get_data(as_text=True)
    assert 'id="execute-form"' in html and 'id="four-eyes-note"' not in html
    erased = staff_post(arsiparis, f"{page}/pelaksanaan", page, **ba_form())
    assert erased.status_code == 302

    person = _applicant(rt, due)
    assert person.erased_at is not None and (person.name, person.address) == ("", "")
    assert (person.nik, person.email, person.phone, person.identity_filename) == (None, None, None, None)
    assert person.identity_blob_sha256 == sha and not rt.blobs.exists(sha)  # the hash stays, the bytes go

    day = person.erased_at.astimezone(rt.calendar.tz)
    done = arsiparis.get(page).get_data(as_text=True)
    assert 'id="erased-note"' in done and "Data pribadi pemohon telah dimusnahkan pada" in done
    assert day.date().isoformat() in done and "BA-HAPUS-" + due in done
    listing = arsiparis.get(LIST).get_data(as_text=True)
    assert f'id="erased-{due}"' in listing and f'id="erasure-{due}"' not in listing
    # the handlers' request page: the register line stays, the applicant is gone, the card says when
    request_page = ppid.get(f"/staf/permohonan/{due}")
    assert request_page.status_code == 200
    text = request_page.get_data(as_text=True)
    assert 'id="applicant"' not in text and 'id="request-information"' in text
    assert f"Data pribadi pemohon telah dimusnahkan pada {day:%d-%m-%Y}" in text
    for html in (done, listing, text):
        no_personal_data(html)
    assert requests_retention.due_erasures(rt, accounts["arsiparis"].actor) == []


@pytest.mark.usefixtures("sample_jra")
def test_four_eyes_refused_on_the_page_with_the_input_kept(rt, app, accounts, due) -> None:
    arsiparis = login(app, "arsiparis")
    page = f"{LIST}/{due}"
    assert staff_post(arsiparis, f"{page}/persetujuan", page, **approval_form()).status_code == 302
    html = arsiparis.get(page).get_data(as_text=True)
    assert 'id="four-eyes-note"' in html and 'id="execute-form"' in html
    refused = staff_post(arsiparis, f"{page}/pelaksanaan", page, **{**ba_form(), "place": "Ruang Arsip Sleman"})
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert 'id="step-error"' in text and "empat mata" in text and 'value="Ruang Arsip Sleman"' in text
    assert _applicant(rt, due).erased_at is None
    english = staff_post(arsiparis, f"{page}/pelaksanaan?lang=en", page, **ba_form())
    assert english.status_code == 403 and "four eyes" in english.get_data(as_text=True)

    make_account(rt, "arsiparis.dua", "arsiparis")  # a second archivist carries it out
    other = app.test_client()
    sign_in = {"username": "arsiparis.dua", "password": PASSWORD, "csrf_token": csrf(other, "/staf/masuk")}
    assert other.post("/staf/masuk", data=sign_in).status_code == 302
    assert staff_post(other, f"{page}/pelaksanaan", page, **ba_form()).status_code == 302
    assert _applicant(rt, due).erased_at is not None


@pytest.mark.usefixtures("sample_jra")
@pytest.mark.parametrize(
    ("step", "changes", "field"),
    [
        ("persetujuan", {"letter_no": ""}, "letter_no"),
        ("persetujuan", {"letter_date": "2099-01-01"}, "letter_date"),
        ("persetujuan", {"letter_date": "bukan tanggal"}, "letter_date"),
        ("pelaksanaan", {"sig_name_2": "", "sig_title_2": ""}, "signatories"),
        ("pelaksanaan", {"place": ""}, "ba_place"),
        ("pelaksanaan", {"date": "2099-01-01"}, "ba_date"),
    ],
)
def test_bad_input_changes_nothing(rt, app, accounts, due, step, changes, field) -> None:
    page = f"{LIST}/{due}"
    if step == "pelaksanaan":
        requests_retention.approve_erasure(rt, accounts["atasan_ppid"].actor, due, APPROVAL)
    before = card_actions(rt, accounts, due)
    form = {**(approval_form() if step == "persetujuan" else ba_form()), **changes}
    response = staff_post(login(app, "arsiparis"), f"{page}/{step}", page, **form)
    assert response.status_code in {400, 422}, response.status_code
    html = response.get_data(as_text=True)
    assert 'id="step-error"' in html and f'id="{field}-error"' in html
    kept = next(v for k, v in form.items() if v and k not in changes)
    assert f'value="{kept}"' in html  # the rest of the input is kept
    assert card_actions(rt, accounts, due) == before and _applicant(rt, due).erased_at is None
    no_personal_data(html)


@pytest.mark.usefixtures("sample_jra")
def test_unknown_and_not_due_requests(rt, app, accounts, submit) -> None:
    number = answered(rt, accounts, submit)  # "today" is the real day: answered in December 2026, not due yet
    arsiparis = login(app, "arsiparis")
    assert arsiparis.get(f"{LIST}/PMH-2099-0001").status_code == 404
    response = arsiparis.get(f"{LIST}/{number}")
    assert response.status_code == 409 and "belum jatuh tempo" in response.get_data(as_text=True)
    assert number not in arsiparis.get(LIST).get_data(as_text=True)


def test_without_a_register_class_the_page_says_so(app, accounts) -> None:
    html = login(app, "arsiparis").get(LIST).get_data(as_text=True)
    assert "ARSIP_REQUEST_JRA_CLASS" in html and 'id="erasures-empty"' in html
