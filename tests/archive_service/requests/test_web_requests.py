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

from .conftest import FORM, counts, png_bytes

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
