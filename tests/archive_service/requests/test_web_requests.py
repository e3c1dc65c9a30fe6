"""The web faces of requests for information (issue 18): the public form and tracking page, the staff worklists and
request page, a full round through the forms."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest

from archive_service.db.types import utcnow
from tests.conftest import PASSWORD

from .conftest import FORM, counts, pdf_bytes, png_bytes

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: Any, path: str) -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def form_fields(client: Any) -> dict[str, Any]:
    """The form's CSRF token and the challenge, answered like a person would."""
    html = client.get("/permohonan").get_data(as_text=True)
    token = TOKEN.search(html).group(1)  # type: ignore[union-attr]
    challenge = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    a, b = map(int, re.findall(r"Berapa (\d+) ditambah (\d+)", html)[0])
    return {"csrf_token": token, "challenge_token": challenge, "challenge_answer": str(a + b)}


def public_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"applicant.{k}": v for k, v in FORM["applicant"].items()}
    data.update(
        information=FORM["information"],
        purpose=FORM["purpose"],
        receipt_forms=FORM["receipt_forms"],
        delivery_methods=FORM["delivery_methods"],
    )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def submit(client: Any, files: list[tuple[str, bytes]] | None = None, **changes: Any) -> Any:
    files = [("ktp.png", png_bytes())] if files is None else files
    data = {**form_fields(client), **public_form(**changes)}
    data["identity_file"] = [(io.BytesIO(c), n) for n, c in files]
    later = utcnow() + timedelta(seconds=5)  # a person takes a few seconds to answer
    with mock.patch("archive_service.services.requests.utcnow", return_value=later):
        return client.post("/permohonan", data=data, content_type="multipart/form-data")


def registered(client: Any) -> tuple[str, str]:
    response = submit(client)
    assert response.status_code == 201, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    number = re.search(r'id="request-number">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="request-secret">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    return number, secret


# ---- public ----------------------------------------------------------------------------------------------------------
def test_the_form_is_linked_and_bilingual(client) -> None:
    assert 'href="/permohonan"' in client.get("/").get_data(as_text=True)
    page = client.get("/permohonan").get_data(as_text=True)
    assert "Permohonan informasi publik" in page and 'name="website"' in page and "Berapa " in page
    english = client.get("/permohonan?lang=en").get_data(as_text=True)
    assert "Request for public information" in english and "What is " in english


def test_public_form_happy_path_shows_number_and_tracking_link(rt, client) -> None:
    before = counts(rt)
    number, secret = registered(client)
    assert number.startswith("PMH-") and counts(rt)[0] == before[0] + 1
    page = client.get(f"/permohonan/{number}", query_string={"kode": secret})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert number in html and "Diterima" in html and FORM["applicant"]["name"] not in html


@pytest.mark.parametrize(
    ("changes", "files", "field"),
    [
        ({"website": "http://spam"}, None, None),
        ({"challenge_answer": "0"}, None, "challenge_answer"),
        ({"applicant.name": ""}, None, "applicant-name"),
        ({"applicant.nik": "12"}, None, "applicant-nik"),
        ({"receipt_forms": None}, None, "receipt_forms"),
        ({}, [], "identity_file"),
        ({}, [("ktp.txt", b"teks biasa saja")], None),
    ],
)
def test_public_bad_input_stores_nothing(rt, client, changes, files, field) -> None:
    before = counts(rt)
    response = submit(client, files, **changes)
    assert response.status_code in {400, 422}, response.status_code
    html = response.get_data(as_text=True)
    assert 'id="request-form"' in html and ('role="alert"' in html)
    if field:
        assert f'id="{field}-error"' in html
    assert counts(rt) == before


def test_unknown_number_and_wrong_secret_give_the_same_404(rt, client) -> None:
    number, secret = registered(client)
    wrong = client.get(f"/permohonan/{number}", query_string={"kode": "salah"})
    unknown = client.get("/permohonan/PMH-2099-0001", query_string={"kode": secret})
    missing = client.get(f"/permohonan/{number}")
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.get_data() == unknown.get_data() == missing.get_data()
    assert secret not in unknown.get_data(as_text=True)


# ---- staff -----------------------------------------------------------------------------------------------------------
def login(app: Any, role: str) -> Any:
    client = app.test_client()
    data = {"username": role.replace("_", "."), "password": PASSWORD, "csrf_token": csrf(client, "/staf/masuk")}
    assert client.post("/staf/masuk", data=data).status_code == 302
    return client


def staff_post(client: Any, path: str, page: str, **data: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf(client, page), **data})


def version_of(client: Any, page: str, form_id: str) -> str:
    html = client.get(page).get_data(as_text=True)
    form = html[html.index(f'id="{form_id}"') :]
    return re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("role", "worklist", "link"),
    [
        ("ppid", 200, True),
        ("sekretariat", 200, True),
        ("atasan_ppid", 200, False),
        ("admin", 403, False),
        ("pendukung", 403, False),
        ("arsiparis", 403, False),
    ],
)
def test_staff_pages_per_role(app, client, accounts, role, worklist, link) -> None:
    number, _secret = registered(client)
    staff = login(app, role)
    home = staff.get("/staf/").get_data(as_text=True)
    assert ('href="/staf/permohonan"' in home) is link
    response = staff.get("/staf/permohonan")
    assert response.status_code == worklist
    html = response.get_data(as_text=True)
    assert (number in html) is (role in {"ppid", "sekretariat"})
    page = staff.get(f"/staf/permohonan/{number}")
    text = page.get_data(as_text=True)
    if role in {"ppid", "sekretariat"}:
        assert page.status_code == 200 and FORM["applicant"]["nik"] in text and 'id="applicant"' in text
        assert ('id="decide-form"' in text) is (role == "ppid") and 'id="take-up-form"' in text
    else:  # the Atasan PPID sees a request only once it is under objection; the others never
        assert page.status_code in {403, 404} and FORM["applicant"]["nik"] not in text
    assert FORM["applicant"]["nik"] not in staff.get("/staf/keberatan").get_data(as_text=True)


def test_full_round_through_the_forms(rt, app, client, accounts, open_record) -> None:
    number, secret = registered(client)
    ppid, sekretariat, atasan = login(app, "ppid"), login(app, "sekretariat"), login(app, "atasan_ppid")
    page = f"/staf/permohonan/{number}"
    assert number in sekretariat.get("/staf/permohonan").get_data(as_text=True)

    take_up = {"version": version_of(sekretariat, page, "take-up-form")}
    assert staff_post(sekretariat, f"{page}/proses", page, **take_up).status_code == 302
    # the extension needs reasons: refused with the field's message, nothing changes
    short = staff_post(ppid, f"{page}/perpanjang", page, reasons="")
    assert short.status_code in {400, 422} and 'id="extend-reasons-error"' in short.get_data(as_text=True)
    extend = {"version": version_of(ppid, page, "extend-form"), "reasons": "Arsip harus dicari di depo arsip inaktif."}
    assert staff_post(ppid, f"{page}/perpanjang", page, **extend).status_code == 302
    assert "diperpanjang" in ppid.get(page).get_data(as_text=True)

    searched = sekretariat.get(page, query_string={"cari": "1"})
    assert searched.status_code == 200 and 'id="request-q"' in searched.get_data(as_text=True)
    linked = staff_post(sekretariat, f"{page}/tautan", page, record_id=str(open_record.id), note="Laporan")
    assert linked.status_code == 302
    assert open_record.record_no in ppid.get(page).get_data(as_text=True)
    # a refusal under Pasal 17 without a cited determination is refused next to its field
    refused = staff_post(ppid, f"{page}/putusan", page, decision="ditolak_pasal17", reasons="Dikecualikan")
    assert refused.status_code == 422 and 'id="form-error"' in refused.get_data(as_text=True)
    decide = {
        "version": version_of(ppid, page, "decide-form"),
        "decision": "dikabulkan",
        "reasons": "Informasi terbuka; salinan dikirim melalui e-mail.",
    }
    assert staff_post(ppid, f"{page}/putusan", page, **decide).status_code == 302
    assert 'id="decide-form"' not in ppid.get(page).get_data(as_text=True)

    tracking = f"/permohonan/{number}?kode={secret}"
    html = client.get(tracking).get_data(as_text=True)
    assert "Dikabulkan" in html and 'id="objection-form"' in html
    grounds = re.findall(r'name="grounds" value="([^"]+)"', html)
    assert "tidak_sesuai_permintaan" in grounds
    bad = client.post(
        f"/permohonan/{number}/keberatan",
        data={
            "csrf_token": csrf(client, tracking),
            "kode": secret,
            "grounds": "tidak_sesuai_permintaan",
            "reasons": "",
        },
    )
    assert bad.status_code == 422 and 'id="objection-reasons-error"' in bad.get_data(as_text=True)
    wrong = client.post(
        f"/permohonan/{number}/keberatan",
        data={"csrf_token": csrf(client, tracking), "kode": "salah", "grounds": "tidak_sesuai_permintaan"},
    )
    assert wrong.status_code == 404
    filed = client.post(
        f"/permohonan/{number}/keberatan",
        data={
            "csrf_token": csrf(client, tracking),
            "kode": secret,
            "grounds": "tidak_sesuai_permintaan",
            "reasons": "Salinan yang dikirim bukan laporan yang saya minta.",
        },
    )
    assert filed.status_code == 201
    objection_no = re.search(r'id="objection-filed">.*?<strong>([^<]+)</strong>', filed.get_data(as_text=True))
    assert objection_no
    number_o = objection_no.group(1)

    worklist = atasan.get("/staf/keberatan").get_data(as_text=True)
    assert number_o in worklist and "objection-decide-form" in worklist
    assert FORM["applicant"]["nik"] in atasan.get(page).get_data(as_text=True)  # under objection: the Atasan reads it
    assert "objection-decide-form" not in ppid.get("/staf/keberatan").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', worklist).group(1)  # type: ignore[union-attr]
    decided = staff_post(
        atasan,
        f"/staf/keberatan/{number_o}/putusan",
        "/staf/keberatan",
        version=version,
        decision="ditolak",
        reasons="Salinan yang diberikan sesuai permohonan.",
    )
    assert decided.status_code == 302
    assert number_o not in atasan.get("/staf/keberatan").get_data(as_text=True)
    after = client.get(tracking).get_data(as_text=True)
    assert "Salinan yang diberikan sesuai permohonan." in after and "Putusan atas keberatan" in after


def test_staff_pages_in_english(app, client, accounts) -> None:
    number, _secret = registered(client)
    ppid = login(app, "ppid")
    html = ppid.get(f"/staf/permohonan/{number}?lang=en").get_data(as_text=True)
    assert "Control card" in html and "Written answer" in html and "Kartu kendali" not in html


def test_every_string_of_these_pages_has_its_english() -> None:
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    from archive_service.web.i18n import SOURCE

    web = SOURCE.parent / "web"
    files = [web / "public_requests.py"]
    files += [web / "staff" / n for n in ("requests.py", "requests_desk.py", "objections.py", "reports.py")]
    files += [
        web / "templates" / "public" / n
        for n in ("request_form.html", "request_done.html", "request_track.html", "_request_fields.html", "error.html")
    ]
    files += [web / "templates" / "public" / "_request_words.html", web / "templates" / "public" / "_nav.html"]
    files += [
        web / "templates" / "staff" / n
        for n in (
            "requests.html",
            "request.html",
            "request_new.html",
            "request_registered.html",
            "objections.html",
            "objection.html",
            "reports_form.html",
            "base.html",
        )
    ]
    ids = {
        message
        for path in files
        for _line, message, _comments, _context in extract_from_file(
            "python" if path.suffix == ".py" else "jinja2", str(path), keywords={"_": None}
        )
    }
    english = set()
    for po in (SOURCE / "en" / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            english |= {m.id for m in read_po(fh, locale="en") if m.id and m.string}
    assert ids and not sorted(ids - english)


def test_an_oversized_identity_file_on_the_form_is_a_page_not_a_crash(rt, client) -> None:
    """Over the identity size limit: 413 on the form page itself, the message next to the form, nothing stored."""
    rt.settings.request_identity_max_size = 100
    before = counts(rt)
    answer = submit(client, files=[("ktp.pdf", pdf_bytes("KTP") + b"%" * 500)])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 413 and 'id="request-form"' in html and "100" in html
    assert counts(rt) == before
