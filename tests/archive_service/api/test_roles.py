"""Walk every API endpoint with every role and compare the answer with the role matrix.

The matrix (``archive_service.permissions.ROLE_MATRIX``) is the specification: a role the matrix refuses must
get 403 from every endpoint of that action, and a role it allows must never get 403.
"""

from __future__ import annotations

import re

import pytest

from archive_service.permissions import ROLE_MATRIX
from tests.conftest import make_account
from tests.support.files import pdf_bytes

from .conftest import multipart

ROLES = ["admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis", "panitia_penilai"]
UNPROTECTED = {"/healthz", "/api/docs", "/api/openapi.json", "/api/v1/public/search"}
# Requests for information (issue 18): the applicant has no account; the number and secret, the challenge or the
# delivery token are the credential (tests/archive_service/requests).
UNPROTECTED |= {
    "/api/v1/public/requests",
    "/api/v1/public/requests/challenge",
    "/api/v1/public/requests/<number>",
    "/api/v1/public/requests/<number>/objections",
    "/api/v1/public/deliveries/<token>",
    "/api/v1/public/deliveries/<token>/<key>",
}


def api_endpoints(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(method, rule, action) for every API route; fails if a route carries no action marker."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule in UNPROTECTED or rule.endpoint == "static" or not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        cls = getattr(view, "view_class", None)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            handler = getattr(cls, method.lower()) if cls else view
            action = getattr(handler, "arsip_action", None)
            assert action, f"{method} {rule.rule} has no endpoint_action marker"
            out.append((method, rule.rule, action))
    return out


def test_every_action_is_in_the_matrix(app) -> None:
    endpoints = api_endpoints(app)
    assert len(endpoints) >= 12
    for _method, _rule, action in endpoints:
        assert action in ROLE_MATRIX


def _request_for(method: str, rule: str, record_id: int, file_id: int, role: str, seeds: dict[str, int]):  # type: ignore[no-untyped-def]
    url = re.sub(r"<int:record_id>", str(record_id), rule)
    url = re.sub(r"<int:hold_id>", str(seeds["hold_id"]), url)
    url = re.sub(r"<int:batch_id>", str(seeds["batch_id"]), url)
    url = re.sub(r"<int:file_id>", str(file_id), url)
    url = re.sub(r"<username>", "arsiparis", url)  # the delete target; only admin may, and it runs last
    url = re.sub(r"<int:version_no>", "1", url)
    url = re.sub(r"<number>", seeds["request_number"], url)
    url = re.sub(r"<objection_no>", seeds["objection_number"], url)
    url = re.sub(r"<name>", f"kartu-kontrol?record_ids={record_id}&format=csv", url)
    if rule.endswith("/dip/compare"):
        url += "?from=1&to=1"
    if rule.endswith("/due/records"):
        url += "?kind=pemindahan"
    kwargs: dict = {}
    if rule == "/api/v1/records" and method == "POST":
        kwargs = {
            "data": multipart(
                {
                    "title": "Uji peran",
                    "classification_code": "000.1.5",
                    "processing_unit": "kominfo",
                    "creator_org": "Kominfo",
                },
                [("uji.pdf", pdf_bytes("peran"))],
            ),
            "content_type": "multipart/form-data",
        }
    elif rule.endswith("/files") and method == "POST":
        kwargs = {
            "data": multipart(None, [("lampiran.pdf", pdf_bytes(role))]),
            "content_type": "multipart/form-data",
        }
    elif method == "PATCH":
        kwargs = {"json": {"notes": f"oleh {role}"}, "headers": {"If-Match": "*"}}
    elif rule.endswith("/tokens"):
        kwargs = {"json": {"name": "uji"}}
    elif rule == "/api/v1/users" and method == "POST":
        kwargs = {
            "json": {
                "username": f"baru.{role}",
                "full_name": "Baru",
                "role": "ppid",
                "password": "kata sandi yang panjang",
            }
        }
    elif rule == "/api/v1/dip/versions" and method == "POST":
        kwargs = {"json": {"decree_no": f"SK/{role}", "decree_date": "2026-01-05"}}
    elif rule == "/api/v1/units" and method == "POST":
        kwargs = {"json": {"code": f"unit-{role}", "name": "Unit"}}
    return method, url, kwargs


def _seed_retention(rt, accounts) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A JRA, a record old enough to be due, a hold on another record and a pemindahan batch."""
    import io

    from archive_service.services import disposition, holds, jra, records
    from archive_service.services.actor import SYSTEM
    from archive_service.services.uploads import Upload
    from archive_service.storage import stage_stream

    jra.import_schedule(
        rt,
        SYSTEM,
        io.BytesIO(
            b"Kode Klasifikasi;Jenis Arsip;Retensi Aktif;Retensi Inaktif;Keterangan\n000.1.5;Notula;2 th;4 th;Musnah\n"
        ),
        "jra.csv",
        name="JRA",
    )

    def old(title: str) -> int:
        staged = stage_stream(io.BytesIO(pdf_bytes(title)), rt.settings.staging_dir)
        data = {"title": title, "classification_code": "000.1.5", "processing_unit": "kominfo", "creator_org": "K"}
        return records.create_record(rt, SYSTEM, {**data, "doc_date": "2012-01-01"}, [Upload("a.pdf", staged)]).id

    held = holds.place_hold(rt, SYSTEM, {"name": "Uji", "reason": "Uji", "record_ids": [old("ditahan")]})
    batch = disposition.propose(rt, SYSTEM, {"kind": "pemindahan", "record_ids": [old("dipindah")]})
    from archive_service.services import requests, requests_objections
    from schemas.requests import RequestChannel

    form = {
        "applicant": {"name": "Pemohon Uji", "nik": "3404010101900001", "address": "Sleman", "phone": "0274"},
        "information": "Informasi untuk uji peran",
        "purpose": "Uji peran",
        "receipt_forms": ["softcopy"],
        "delivery_methods": ["email"],
        "channel": str(RequestChannel.LOKET),
    }
    number = requests.register_desk(rt, SYSTEM, form, []).number
    objection = requests_objections.file_objection(
        rt, number, {"grounds": ["berkala_tidak_disediakan"], "reasons": "Uji peran keberatan"}, actor=SYSTEM
    )
    return {
        "hold_id": held["id"],
        "batch_id": batch.id,
        "request_number": number,
        "objection_number": objection["number"],
    }


@pytest.mark.parametrize("role", ROLES)
def test_role_walk(app, client, accounts, role: str) -> None:
    seed = client.post(
        "/api/v1/records",
        data=multipart(
            {
                "title": "Arsip bersama",
                "classification_code": "000.1.5",
                "processing_unit": "kominfo",
                "creator_org": "Kominfo",
            },
            [("a.pdf", pdf_bytes("bersama"))],
        ),
        headers=accounts["admin"].headers,
        content_type="multipart/form-data",
    ).json
    record_id, file_id = seed["id"], seed["files"][0]["id"]
    from archive_service.services import dip

    dip.fix_version(
        client.application.extensions["arsip"],
        accounts["ppid"].actor,
        {"decree_no": "SK-PPID/01", "decree_date": "2026-01-05"},
    )
    seeds = _seed_retention(client.application.extensions["arsip"], accounts)
    if role not in accounts:
        accounts[role] = make_account(client.application.extensions["arsip"], role.replace("_", "."), role)
    endpoints = sorted(api_endpoints(app), key=lambda e: e[0] == "DELETE")
    for method, rule, action in endpoints:
        method, url, kwargs = _request_for(method, rule, record_id, file_id, role, seeds)
        headers = accounts[role].headers | kwargs.pop("headers", {})
        if method == "PATCH":
            current = client.get(f"/api/v1/records/{record_id}", headers=accounts["admin"].headers)
            headers["If-Match"] = current.headers["ETag"]
        response = client.open(url, method=method, headers=headers, **kwargs)
        allowed = role in ROLE_MATRIX[action]
        if allowed and method == "GET" and not rule.endswith("/package"):  # (a pemindahan batch has no package)
            assert response.status_code == 200, (role, method, url, response.json)
        elif allowed:  # a write may rightly be refused for its content (409/422), never for the role
            assert response.status_code not in (401, 403) and response.status_code < 500, (role, method, url)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)
            assert response.mimetype == "application/problem+json"
