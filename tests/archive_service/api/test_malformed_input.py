"""Malformed input of every kind (issue 16, item 6): a 4xx problem+json, never a 500, and nothing stored.

Lone surrogates, NUL, JSON nested 50,000 deep, 5,000-digit numbers, invalid UTF-8 (JSON bodies, form fields,
multipart file names, query strings) and document dates outside ARSIP_MIN_DOC_YEAR..next year, through the JSON
API, the multipart API, the staff intake form and the schemas themselves, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from marshmallow import ValidationError

from archive_service.config import Settings
from archive_service.errors import ValidationFailed
from archive_service.services import records
from schemas.base import DEFAULT_MIN_DOCUMENT_YEAR, min_document_year
from schemas.records import RecordCreateSchema, RecordListQuerySchema, RecordUpdateSchema
from tests.archive_service.api.conftest import VALID
from tests.archive_service.web.test_staff_core import intake_form, login, token
from tests.support.files import pdf_bytes
from tests.support.raw_requests import MULTIPART, body, field, file_part, part, snapshot

NEXT_YEAR = dt.date.today().year + 1


def assert_problem(response: Any, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.data[:500])
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["title"] and problem["title_en"] and problem["detail"] and problem["detail_en"]
    return problem


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode()


def _deep(levels: int) -> bytes:
    return b'{"title": "x", "notes": ' + b"[" * levels + b"]" * levels + b"}"


# Raw JSON documents, each sent as the JSON body and as the ``metadata`` part of a multipart request.
BAD_JSON: dict[str, tuple[bytes, int, str]] = {
    "lone surrogate in a value": (_json(VALID | {"title": "Laporan \ud800"}), 400, "title"),
    "lone surrogate escaped low": (_json(VALID | {"description": "x\udfff"}), 400, "description"),
    "lone surrogate in a key": (_json(VALID | {"\ud800": "x"}), 400, "\\ud800"),
    "lone surrogate in a list": (_json(VALID | {"access_groups": ["ppid", "\ud83d"]}), 400, "access_groups.1"),
    "NUL in the title": (_json(VALID | {"title": "Laporan\x00 rahasia"}), 400, "title"),
    "NUL in a list item": (_json(VALID | {"access_groups": ["pp\x00id"]}), 400, "access_groups.0"),
    "NUL in a key": (_json(VALID | {"ti\x00tle": "x"}), 400, "ti\x00tle"),
    "nested 50,000 deep": (_deep(50_000), 400, ""),
    "nested 65 deep": (_deep(65), 400, ""),
    "5,000-digit integer": (b'{"quantity": ' + b"7" * 5000 + b"}", 400, ""),
    "5,000-digit fraction": (b'{"quantity": 1.' + b"7" * 5000 + b"}", 400, ""),
    "exponent to infinity": (b'{"quantity": 1e999}', 400, ""),
    "NaN": (b'{"quantity": NaN}', 400, ""),
    "Infinity": (b'{"quantity": -Infinity}', 400, ""),
    "invalid UTF-8": (_json(VALID).replace(b"Laporan", b"Lap\xff\xfeoran"), 400, ""),
    "UTF-8 encoded surrogate": (_json(VALID).replace(b"Laporan", b"Lap\xed\xa0\x80oran"), 400, ""),
    "overlong UTF-8": (_json(VALID).replace(b"Laporan", b"Lap\xc0\xaforan"), 400, ""),
    "30-digit quantity": (_json(VALID | {"quantity": 10**30}), 422, "quantity"),
    "document dated 0001-01-01": (_json(VALID | {"doc_date": "0001-01-01"}), 422, "doc_date"),
    "document dated 1499-12-31": (_json(VALID | {"doc_date": "1499-12-31"}), 422, "doc_date"),
    "period starting in year 1": (_json(VALID | {"period_start": "0001-01-01"}), 422, "period_start"),
    "period ending after next year": (_json(VALID | {"period_end": f"{NEXT_YEAR + 1}-01-01"}), 422, "period_end"),
    "period ending in 9999": (_json(VALID | {"period_end": "9999-12-31"}), 422, "period_end"),
}


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_bad_json_body_is_refused_and_stores_nothing(client, accounts, rt, case: str) -> None:
    raw, status, key = BAD_JSON[case]
    before = snapshot(rt)
    response = client.post(
        "/api/v1/records", data=raw, headers=accounts["admin"].headers, content_type="application/json"
    )
    problem = assert_problem(response, status)
    if key:
        assert key in problem.get("errors", {}), problem
    assert snapshot(rt) == before


@pytest.mark.parametrize("case", list(BAD_JSON))
def test_bad_metadata_part_is_refused_and_stores_nothing(client, accounts, rt, case: str) -> None:
    raw, status, _key = BAD_JSON[case]
    before = snapshot(rt)
    data = body(field("metadata", raw), file_part(b"laporan.pdf", pdf_bytes("Laporan layanan")))
    response = client.post("/api/v1/records", data=data, headers=accounts["admin"].headers, content_type=MULTIPART)
    assert_problem(response, status)
    assert snapshot(rt) == before


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"notes": "\ud800"}, "notes"),
        ({"doc_date": "0001-01-01"}, "doc_date"),
        ({"period_end": "1200-05-05"}, "period_end"),
    ],
)
def test_bad_patch_is_refused(client, accounts, rt, change: dict[str, Any], key: str) -> None:
    created = client.post("/api/v1/records", json=VALID, headers=accounts["admin"].headers)
    assert created.status_code == 201, created.data
    before = snapshot(rt)
    response = client.patch(
        f"/api/v1/records/{created.json['id']}",
        data=_json(change),
        headers=accounts["admin"].headers | {"If-Match": created.headers["ETag"]},
        content_type="application/json",
    )
    assert key in assert_problem(response, 400, 422)["errors"]
    assert snapshot(rt) == before
    assert client.get(f"/api/v1/records/{created.json['id']}", headers=accounts["admin"].headers).json == created.json


def test_colonial_era_and_next_year_dates_are_accepted(client, accounts, rt) -> None:
    old = client.post(
        "/api/v1/records",
        json=VALID | {"doc_date": "1500-01-01", "period_start": "1500-01-01", "period_end": f"{NEXT_YEAR}-12-31"},
        headers=accounts["admin"].headers,
    )
    assert old.status_code == 201, old.data
    assert old.json["record_no"].startswith("ARS/1500/")


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=a%00b",
        "q=%FF",
        "q=%ED%A0%80",  # a surrogate, UTF-8 encoded
        "q=%C0%AF",  # overlong "/"
        "%FF=1",
        "page=" + "9" * 30,
        "page=" + "9" * 5000,
        "page_size=" + "9" * 5000,
        "doc_date_from=" + "9" * 5000,
    ],
)
def test_bad_query_string_on_the_record_list(client, accounts, rt, query: str) -> None:
    before = snapshot(rt)
    response = client.get("/api/v1/records?" + query, headers=accounts["admin"].headers)
    assert_problem(response, 400, 422)
    assert snapshot(rt) == before


@pytest.mark.parametrize("raw", ["q=\xff", "q=Kabupat\xe9n", "q=\xed\xa0\x80"])
def test_raw_bytes_in_the_query_string(client, accounts, raw: str) -> None:
    """Bytes sent unescaped (the WSGI environ carries them as Latin-1 characters) are judged like escapes."""
    response = client.get("/api/v1/records", headers=accounts["admin"].headers, environ_overrides={"QUERY_STRING": raw})
    assert_problem(response, 400)


def test_valid_utf8_query_still_works(client, accounts) -> None:
    created = client.post(
        "/api/v1/records", json=VALID | {"title": "Surat Kabupatén"}, headers=accounts["admin"].headers
    )
    assert created.status_code == 201
    found = client.get("/api/v1/records?q=Kabupat%C3%A9n", headers=accounts["admin"].headers)
    assert found.status_code == 200 and [r["id"] for r in found.json] == [created.json["id"]]
    plus = client.get("/api/v1/records?q=Surat+Kabupat%C3%A9n", headers=accounts["admin"].headers)
    assert [r["id"] for r in plus.json] == [created.json["id"]]


@pytest.mark.parametrize(
    ("disposition", "status"),
    [
        (b"form-data; name=\"files\"; filename*=UTF-8''%FF%FE.pdf", 400),  # werkzeug made it "��.pdf"
        (b'form-data; name="files"; filename="\xff\xfe.pdf"', 400),  # werkzeug dropped the whole form: 422 later
        (b'form-data; name="files"; filename="laporan\xc3.pdf"', 400),
        (b'form-data; name="files"; filename="a\x00b.pdf"', 422),  # the file-name rule, as before
    ],
)
def test_invalid_utf8_file_name(client, accounts, rt, disposition: bytes, status: int) -> None:
    before = snapshot(rt)
    data = body(field("metadata", _json(VALID)), part(disposition, pdf_bytes("Laporan"), b"application/pdf"))
    response = client.post("/api/v1/records", data=data, headers=accounts["admin"].headers, content_type=MULTIPART)
    assert_problem(response, status)
    assert snapshot(rt) == before


def test_valid_extended_file_name_is_kept(client, accounts) -> None:
    disposition = b"form-data; name=\"files\"; filename*=UTF-8''Laporan%20%E2%82%AC%20Kabupat%C3%A9n.pdf"
    data = body(field("metadata", _json(VALID)), part(disposition, pdf_bytes("Laporan"), b"application/pdf"))
    response = client.post("/api/v1/records", data=data, headers=accounts["admin"].headers, content_type=MULTIPART)
    assert response.status_code == 201, response.data
    assert [f["filename"] for f in response.json["files"]] == ["Laporan € Kabupatén.pdf"]


# ---- the staff intake form -----------------------------------------------------------------------------------------


@pytest.fixture
def pendukung(app, accounts):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert login(client, "pendukung").status_code == 302
    return client


def _intake(client: Any, fields: dict[str, Any], *files: bytes) -> Any:
    parts = [field("csrf_token", token(client, "/staf/unggah"))]
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(field(name, item))
    return client.post("/staf/unggah", data=body(*parts, *files), content_type=MULTIPART)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"title": b"Laporan \xff\xfe"}, 400),
        ({"description": b"Uraian \xed\xa0\x80"}, 400),
        ({"title": "Laporan\x00"}, 400),
        ({"doc_date": "0001-01-01"}, 422),
        ({"doc_date": "1499-12-31"}, 422),
    ],
)
def test_staff_intake_refuses_malformed_fields(pendukung, rt, change: dict[str, Any], status: int) -> None:
    before = snapshot(rt)
    response = _intake(pendukung, intake_form() | change, file_part(b"laporan.pdf", pdf_bytes("Laporan")))
    assert response.status_code == status, response.data[:300]
    assert snapshot(rt) == before


def test_staff_intake_refuses_bad_query_string(pendukung) -> None:
    assert_problem(pendukung.get("/staf/arsip?q=%00"), 400)
    assert_problem(pendukung.get("/staf/arsip?q=%FF"), 400)


def test_urlencoded_form_is_read_strictly(app, accounts) -> None:
    client = app.test_client()
    csrf = token(client, "/staf/masuk")
    response = client.post(
        "/staf/masuk",
        data=f"csrf_token={csrf}&username=pendukung&password=%FF",
        content_type="application/x-www-form-urlencoded",
    )
    assert_problem(response, 400)


# ---- the schemas, for callers that do not come through HTTP --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"title": "a\ud800b"}, "title"),
        ({"access_groups": ["ppid", "p\x00"]}, "access_groups.1"),
        ({"\ud800": 1}, "\\ud800"),
        ({"quantity": 10**30}, "quantity"),
        ({"quantity": "9" * 5000}, "quantity"),
        ({"quantity": float("inf")}, "quantity"),
        ({"doc_date": "0001-01-01"}, "doc_date"),
        ({"period_end": f"{NEXT_YEAR + 1}-01-01"}, "period_end"),
    ],
)
def test_schemas_refuse_unstorable_values(data: dict[str, Any], key: str) -> None:
    for schema in (RecordCreateSchema(), RecordUpdateSchema()):
        with pytest.raises(ValidationError) as caught:
            schema.load(VALID | data)
        assert key in caught.value.messages, caught.value.messages
        json.dumps(caught.value.messages, ensure_ascii=False).encode("utf-8")  # the answer can be sent


def test_list_query_schema_refuses_nul() -> None:
    with pytest.raises(ValidationError) as caught:
        RecordListQuerySchema().load({"q": "a\x00"})
    assert "q" in caught.value.messages


def test_service_refuses_nul_on_every_database(rt, accounts) -> None:
    """The same answer on SQLite (which would store the NUL) and PostgreSQL (which cannot)."""
    before = snapshot(rt)
    for bad in ({"title": "Laporan\x00"}, {"creator_org": "\udc80"}, {"doc_date": dt.date(1, 1, 1).isoformat()}):
        with pytest.raises(ValidationFailed):
            records.create_record(rt, accounts["admin"].actor, VALID | bad, [])
    assert snapshot(rt) == before


def test_min_doc_year_setting(tmp_path) -> None:
    try:
        settings = Settings.from_env({"ARSIP_MIN_DOC_YEAR": "1800"}, data_dir=tmp_path)
        assert settings.min_doc_year == 1800 and min_document_year() == 1800
        with pytest.raises(ValidationError) as caught:
            RecordCreateSchema().load(VALID | {"doc_date": "1799-12-31"})
        assert "1800" in caught.value.messages["doc_date"][0]
        assert RecordCreateSchema().load(VALID | {"doc_date": "1800-01-01"})["doc_date"] == dt.date(1800, 1, 1)
        for bad in ("0", "99999", "tahun"):
            with pytest.raises(ValueError, match="ARSIP_MIN_DOC_YEAR"):
                Settings.from_env({"ARSIP_MIN_DOC_YEAR": bad}, data_dir=tmp_path)
    finally:
        Settings(data_dir=tmp_path)
    assert min_document_year() == DEFAULT_MIN_DOCUMENT_YEAR


@pytest.mark.parametrize("path", ["/tidak-ada", "/api/v1/tidak-ada", "/", "/cari", "/staf/masuk"])
def test_bad_query_string_anywhere_is_a_400_not_a_500(client, path: str) -> None:
    """Also where a page (or the 404 page) would read ``?lang=`` while it renders."""
    assert_problem(client.get(path + "?lang=%FF&q=%00"), 400)
