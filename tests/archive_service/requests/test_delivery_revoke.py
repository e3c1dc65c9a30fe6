"""Revoking a delivery link (issue 18, item 8): by the request's deliverers, audited, on the control card; a revoked
link answers exactly like an unknown one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from archive_service.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from archive_service.services import requests

from .conftest import MONDAY

NOW = MONDAY + timedelta(days=2)


def _granted_with_link(rt, accounts, submit, open_record) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    number = submit().number
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    requests.decide(rt, ppid, number, None, {"decision": "dikabulkan", "reasons": "Diberikan seluruhnya"}, now=NOW)
    return number, requests.issue_delivery(rt, ppid, number, {"days": 7}, now=NOW)["token"]


def _not_valid(rt, token: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as err:
        requests.delivery_listing(rt, token, now=NOW)
    return str(err.value)


def test_a_revoked_link_is_like_an_unknown_one(rt, accounts, submit, open_record) -> None:
    number, token = _granted_with_link(rt, accounts, submit, open_record)
    other = requests.issue_delivery(rt, accounts["ppid"].actor, number, {"days": 7}, now=NOW)["token"]
    sekretariat = accounts["sekretariat"].actor
    with pytest.raises(PermissionDenied):
        requests.revoke_delivery(rt, accounts["arsiparis"].actor, number, {"reason": "Salah alamat"}, now=NOW)
    with pytest.raises(ValidationFailed):  # a reason is required: bad input changes nothing
        requests.revoke_delivery(rt, sekretariat, number, {"token": token}, now=NOW)
    with pytest.raises(NotFound):  # a token of no link of this request
        requests.revoke_delivery(rt, sekretariat, number, {"token": "bukan-token", "reason": "Salah"}, now=NOW)
    assert requests.delivery_listing(rt, token, now=NOW)["number"] == number

    done = requests.revoke_delivery(
        rt, sekretariat, number, {"token": token, "reason": "Terkirim ke alamat lain"}, now=NOW
    )
    assert done == {"number": number, "revoked": 1}
    assert _not_valid(rt, token) == _not_valid(rt, "tidak-pernah-ada")  # the same answer as an unknown token
    with pytest.raises(NotFound):
        requests.open_delivery_file(rt, token, "f1", now=NOW)
    assert requests.delivery_listing(rt, other, now=NOW)["number"] == number  # only that one
    assert requests.revoke_delivery(rt, sekretariat, number, {"reason": "Semua dicabut"}, now=NOW)["revoked"] == 1
    _not_valid(rt, other)
    with pytest.raises(Conflict):  # nothing left in force
        requests.revoke_delivery(rt, sekretariat, number, {"reason": "Semua dicabut"}, now=NOW)
    view = requests.get_request(rt, accounts["ppid"].actor, number)
    assert [c.action for c in view["card"]].count("cabut_tautan") == 2
    assert [c.note for c in view["card"] if c.action == "cabut_tautan"] == ["Terkirim ke alamat lain", "Semua dicabut"]


def test_revoking_over_the_api(client, rt, accounts, submit, open_record) -> None:
    number, token = _granted_with_link(rt, accounts, submit, open_record)
    url = f"/api/v1/requests/{number}/delivery/revocation"
    assert client.post(url, json={"reason": "Salah"}, headers=accounts["arsiparis"].headers).status_code == 403
    assert client.post(url, json={}, headers=accounts["ppid"].headers).status_code == 422
    answer = client.post(url, json={"token": token, "reason": "Salah alamat"}, headers=accounts["ppid"].headers)
    assert answer.status_code == 200 and answer.get_json() == {"number": number, "revoked": 1}
    revoked = client.get(f"/api/v1/public/deliveries/{token}")
    unknown = client.get("/api/v1/public/deliveries/tidak-pernah-ada")
    assert revoked.status_code == unknown.status_code == 404 and revoked.get_data() == unknown.get_data()
    assert client.post(url, json={"reason": "Lagi"}, headers=accounts["ppid"].headers).status_code == 409
