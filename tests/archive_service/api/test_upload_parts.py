"""Every ``files`` part counts (issue 16, item 4): a request never creates a record with fewer files than it sent.

A part without a file name (``curl -F 'files=<x.pdf'``) lands among werkzeug's text fields, and a raw CR/LF in
a file name used to cut the header so that the part lost its name and went the same way: both created the record
with ``files: []`` and 201. Now the first is refused (422, no generated name: see ``api/uploads.py``) and the
second reaches the file-name rule (422, "control character U+000A"), through the API and the staff forms.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.archive_service.api.conftest import VALID
from tests.archive_service.web.test_staff_core import intake_form, login, token
from tests.support.checks import assert_consistent
from tests.support.files import pdf_bytes
from tests.support.raw_requests import MULTIPART, body, field, file_part, part, snapshot

PDF = pdf_bytes("Laporan layanan informasi")
OTHER = pdf_bytes("Lampiran laporan")

# (parts after the metadata, expected status, error key)
REFUSED: dict[str, tuple[list[bytes], int, str]] = {
    "part without a file name": ([file_part(None, PDF)], 422, "files"),
    "named and nameless parts": ([file_part(b"laporan.pdf", PDF), file_part(None, OTHER)], 422, "files"),
    "nameless text part": ([file_part(None, b"isi surat biasa")], 422, "files"),
    "CR LF in the file name": ([file_part(b"laporan\r\nbaru.pdf", PDF)], 422, "files.0.filename"),
    "LF in the file name": ([file_part(b"laporan\nbaru.pdf", PDF)], 422, "files.0.filename"),
    "CR in the file name": ([file_part(b"laporan\rbaru.pdf", PDF)], 422, "files.0.filename"),
    "CR LF in the second name": (
        [file_part(b"satu.pdf", PDF), file_part(b"dua\r\n.pdf", OTHER)],
        422,
        "files.1.filename",
    ),
    "control character in the name": ([file_part(b"a\x01b.pdf", PDF)], 422, "files.0.filename"),
    "unterminated quote": ([part(b'form-data; name="files"; filename="laporan.pdf', PDF)], 400, ""),
}


def _post(client: Any, headers: dict[str, str], *parts: bytes, path: str = "/api/v1/records") -> Any:
    return client.post(path, data=body(*parts), headers=headers, content_type=MULTIPART)


@pytest.mark.parametrize("case", list(REFUSED))
def test_api_refuses_parts_it_cannot_keep(client, accounts, rt, case: str) -> None:
    parts, status, key = REFUSED[case]
    before = snapshot(rt)
    response = _post(client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), *parts)
    assert response.status_code == status, response.data[:400]
    assert response.mimetype == "application/problem+json"
    if key:
        assert key in response.json["errors"], response.json
        assert " / " in response.json["errors"][key][0]
    assert snapshot(rt) == before
    assert_consistent(rt)


def test_line_break_is_named_in_the_error(client, accounts) -> None:
    response = _post(
        client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), *REFUSED["LF in the file name"][0]
    )
    assert "U+000A" in response.json["errors"]["files.0.filename"][0]


def test_nameless_part_explains_what_to_send(client, accounts) -> None:
    response = _post(client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), file_part(None, PDF))
    assert "files=@" in response.json["detail_en"] and "filename" in response.json["detail"]


def test_every_part_sent_is_a_file_of_the_record(client, accounts, rt) -> None:
    response = _post(
        client,
        accounts["admin"].headers,
        field("metadata", json.dumps(VALID)),
        file_part(b"laporan.pdf", PDF),
        file_part(b"lampiran.pdf", OTHER),
    )
    assert response.status_code == 201, response.data
    assert [f["filename"] for f in response.json["files"]] == ["laporan.pdf", "lampiran.pdf"]
    assert_consistent(rt)


def test_folded_header_is_still_read(client, accounts) -> None:
    """A header folded onto a second line (break, then a space) is one header, as RFC 822 folding always was."""
    folded = part(b'form-data; name="files";\r\n filename="laporan.pdf"', PDF, b"application/pdf")
    response = _post(client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), folded)
    assert response.status_code == 201, response.data
    assert [f["filename"] for f in response.json["files"]] == ["laporan.pdf"]


def test_nameless_part_is_not_held_in_memory(client, accounts, rt) -> None:
    """A nameless part larger than the 2 MiB form-field limit is still the clear 422, not a 413."""
    big = PDF + b"%" * (3 * 1024 * 1024)
    response = _post(client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), file_part(None, big))
    assert response.status_code == 422 and "files" in response.json["errors"]
    assert_consistent(rt)


def test_nameless_parts_count_towards_the_limit(client, accounts, rt) -> None:
    rt.settings.max_files_per_request = 2
    parts = [file_part(b"a.pdf", PDF), file_part(b"b.pdf", OTHER), file_part(None, PDF)]
    response = _post(client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), *parts)
    assert response.status_code == 422 and "At most 2 files" in response.json["detail_en"]
    assert_consistent(rt)


@pytest.mark.parametrize("case", ["part without a file name", "CR LF in the file name", "named and nameless parts"])
def test_adding_files_refuses_the_same_parts(client, accounts, rt, case: str) -> None:
    created = client.post("/api/v1/records", json=VALID, headers=accounts["admin"].headers)
    assert created.status_code == 201
    before = snapshot(rt)
    parts, status, _key = REFUSED[case]
    response = _post(client, accounts["admin"].headers, *parts, path=f"/api/v1/records/{created.json['id']}/files")
    assert response.status_code == status, response.data[:300]
    assert snapshot(rt) == before
    record = client.get(f"/api/v1/records/{created.json['id']}", headers=accounts["admin"].headers).json
    assert record["files"] == [] and record["version"] == created.json["version"]


# ---- the staff intake form (/staf/unggah) --------------------------------------------------------------------------


@pytest.fixture
def pendukung(app, accounts):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert login(client, "pendukung").status_code == 302
    return client


def _intake(client: Any, *files: bytes) -> Any:
    parts = [field("csrf_token", token(client, "/staf/unggah"))]
    for name, value in intake_form().items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(field(name, item))
    return client.post("/staf/unggah", data=body(*parts, *files), content_type=MULTIPART)


@pytest.mark.parametrize(
    "case",
    ["part without a file name", "named and nameless parts", "CR LF in the file name", "CR LF in the second name"],
)
def test_staff_intake_refuses_parts_it_cannot_keep(pendukung, rt, case: str) -> None:
    parts, status, _key = REFUSED[case]
    before = snapshot(rt)
    response = _intake(pendukung, *parts)
    assert response.status_code == status, response.data[:300]
    html = response.get_data(as_text=True)
    assert 'id="err-berkas"' in html  # the error is shown at the file input, the form is shown again
    assert 'value="Dinas Komunikasi dan Informatika"' in html
    assert snapshot(rt) == before
    assert_consistent(rt)


def test_staff_intake_keeps_every_file_and_ignores_an_empty_input(pendukung, rt) -> None:
    """A browser's empty file input (filename="" and no bytes) is "no file chosen", not a lost file."""
    response = _intake(
        pendukung,
        file_part(b"laporan.pdf", PDF),
        file_part(b"", b""),
        file_part(b"lampiran.pdf", OTHER),
    )
    assert response.status_code == 302, response.data[:300]
    record = pendukung.get(response.headers["Location"]).get_data(as_text=True)
    assert "laporan.pdf" in record and "lampiran.pdf" in record
    assert snapshot(rt)["files"] == 2
    assert_consistent(rt)


def test_file_under_another_part_name_is_refused(client, accounts, rt) -> None:
    """``curl -F 'file=@x.pdf'`` (singular): no view reads that part, so it would have been dropped."""
    before = snapshot(rt)
    parts = [file_part(b"laporan.pdf", PDF), file_part(b"lampiran.pdf", OTHER, name=b"file")]
    response = _post(client, accounts["admin"].headers, field("metadata", json.dumps(VALID)), *parts)
    assert response.status_code == 422 and "'file'" in response.json["detail_en"]
    assert snapshot(rt) == before
