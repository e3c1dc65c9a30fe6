"""The JSON API of requests and objections (issue 18): public form with challenge and honeypot, tracking, roles."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from unittest import mock

import pytest

from archive_service.db.types import utcnow
from archive_service.permissions import ROLE_MATRIX

from .conftest import FORM, counts, png_bytes

ROLES = ["admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis"]


def _challenge(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    body = client.get("/api/v1/public/requests/challenge").get_json()
    a, b = map(int, re.findall(r"\d+", body["question"]))
    return {"challenge_token": body["token"], "challenge_answer": str(a + b)}


def _post(client, form: dict, files: list[tuple[str, bytes]] | None = None):  # type: ignore[no-untyped-def]
    files = [("ktp.png", png_bytes())] if files is None else files
    data = {"metadata": json.dumps(form), "identity_file": [(io.BytesIO(c), n) for n, c in files]}
    later = utcnow() + timedelta(seconds=5)  # a person takes a few seconds to answer
    with mock.patch("archive_service.services.requests.utcnow", return_value=later):
        return client.post("/api/v1/public/requests", data=data, content_type="multipart/form-data")


def test_public_form_registers_and_tracks(rt, client) -> None:
    response = _post(client, {**FORM, **_challenge(client)})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"].startswith("PMH-") and body["secret"]
    seen = client.get(f"/api/v1/public/requests/{body['number']}", query_string={"secret": body["secret"]})
    assert seen.status_code == 200 and seen.get_json()["state"] == "diterima"
    wrong = client.get(f"/api/v1/public/requests/{body['number']}", query_string={"secret": "x"})
    unknown = client.get("/api/v1/public/requests/PMH-2099-0001", query_string={"secret": body["secret"]})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()
    assert wrong.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("change", "files", "status"),
    [
        ({"website": "http://spam"}, None, 422),
        ({"challenge_answer": "0"}, None, 422),
        ({"applicant": {**FORM["applicant"], "name": ""}}, None, 422),
        ({}, [], 422),
        ({}, [("ktp.txt", b"teks biasa saja")], 415),
        ({}, [("ktp.pdf", b"MZ\x90\x00bukan pdf")], 415),
    ],
)
def test_public_bad_input_is_bilingual_and_stores_nothing(rt, client, change, files, status) -> None:
    before = counts(rt)
    response = _post(client, {**FORM, **_challenge(client), **change}, files)
    assert response.status_code == status, response.get_json()
    problem = response.get_json()
    assert problem["detail"] and problem["detail_en"] and problem["detail"] != problem["detail_en"]
    assert counts(rt) == before


def test_the_public_form_is_rate_limited(rt, client) -> None:
    rt.settings.request_rate_per_minute = 2
    statuses = [_post(client, {**FORM, **_challenge(client)}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_staff_flow_and_objection_over_http(rt, client, accounts, open_record) -> None:
    registered = _post(client, {**FORM, **_challenge(client)}).get_json()
    number = registered["number"]
    ppid, sekretariat = accounts["ppid"].headers, accounts["sekretariat"].headers
    work = client.get("/api/v1/requests", headers=sekretariat).get_json()
    assert [w["number"] for w in work] == [number]
    assert client.post(f"/api/v1/requests/{number}/take-up", headers=sekretariat).status_code == 200
    linked = client.post(f"/api/v1/requests/{number}/links", json={"record_id": open_record.id}, headers=sekretariat)
    assert linked.status_code == 201, linked.get_json()
    decided = client.post(
        f"/api/v1/requests/{number}/decision", json={"decision": "dikabulkan", "reasons": "Diberikan"}, headers=ppid
    )
    assert decided.status_code == 200, decided.get_json()
    delivery = client.post(f"/api/v1/requests/{number}/delivery", json={"days": 2}, headers=sekretariat)
    assert delivery.status_code == 201
    token = delivery.get_json()["token"]
    listing = client.get(f"/api/v1/public/deliveries/{token}").get_json()
    key = listing["files"][0]["key"]
    download = client.get(f"/api/v1/public/deliveries/{token}/{key}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    objection = client.post(
        f"/api/v1/public/requests/{number}/objections",
        json={
            "secret": registered["secret"],
            "grounds": ["tidak_sesuai_permintaan"],
            "reasons": "Bukan yang saya minta",
        },
    )
    assert objection.status_code == 201, objection.get_json()
    objection_no = objection.get_json()["number"]
    atasan = accounts["atasan_ppid"].headers
    assert [w["number"] for w in client.get("/api/v1/objections", headers=atasan).get_json()] == [objection_no]
    refused = client.post(
        f"/api/v1/objections/{objection_no}/decision", json={"decision": "ditolak", "reasons": "x" * 12}, headers=ppid
    )
    assert refused.status_code == 403
    decided = client.post(
        f"/api/v1/objections/{objection_no}/decision",
        json={"decision": "dikabulkan", "reasons": "Keberatan beralasan"},
        headers=atasan,
    )
    assert decided.status_code == 200, decided.get_json()


@pytest.mark.parametrize("role", ROLES)
def test_roles_see_and_act_as_the_matrix_says(rt, client, accounts, role) -> None:
    """Roles enumerated: who may read requests (and so personal data), register, decide, decide objections."""
    registered = _post(client, {**FORM, **_challenge(client)}).get_json()
    headers = accounts[role].headers
    number = registered["number"]
    got = client.get(f"/api/v1/requests/{number}", headers=headers)
    if role in {"ppid", "sekretariat"}:
        assert got.status_code == 200 and got.get_json()["applicant"]["nik"] == FORM["applicant"]["nik"]
    elif role == "atasan_ppid":
        assert got.status_code == 404  # no objection to this request: not the Atasan's to see
    else:
        assert got.status_code == 403
    decided = client.post(
        f"/api/v1/requests/{number}/decision",
        json={"decision": "belum_didokumentasikan", "reasons": "Belum didokumentasikan"},
        headers=headers,
    )
    assert (decided.status_code == 200) == (role in ROLE_MATRIX["request.decide"]), decided.get_json()
    desk = client.post("/api/v1/requests", json={**FORM, "channel": "loket"}, headers=headers)
    assert (desk.status_code == 201) == (role in ROLE_MATRIX["request.register"]), desk.get_json()
    assert ROLE_MATRIX["objection.decide"] == {"atasan_ppid"}
    assert "admin" not in ROLE_MATRIX["request.read"]  # personal data: not even the administrator


def test_openapi_documents_the_new_operations(client) -> None:
    spec = client.get("/api/openapi.json").get_json()
    post = spec["paths"]["/api/v1/public/requests"]["post"]
    assert post["security"] == [] and "429" in post["responses"] and "422" in post["responses"]
    assert "/api/v1/objections/{objection_no}/decision" in spec["paths"]
