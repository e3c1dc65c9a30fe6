"""Bad input of every kind named in the foundation issue: a clear problem+json error, and nothing changed."""

from __future__ import annotations

import pytest

from tests.support.checks import assert_consistent, counts
from tests.support.files import executable_bytes, pdf_bytes

EMPTY = {"records": 0, "files": 0, "blobs": 0}


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["title_en"] and body["detail"] and body["detail_en"]
    return body


def test_empty_file(create, rt) -> None:
    body = assert_problem(create(files=[("kosong.pdf", b"")]), 422)
    assert "files.0" in body["errors"]
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_pdf_that_is_an_executable(create, rt) -> None:
    body = assert_problem(create(files=[("laporan.pdf", executable_bytes())]), 415)
    assert "executable" in body["detail_en"] or "x-" in body["detail_en"]
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_mislabelled_file_is_refused(create, rt) -> None:
    """A PDF named .docx is refused even though PDFs are allowed."""
    body = assert_problem(create(files=[("surat.docx", pdf_bytes("x"))]), 415)
    assert "application/pdf" in body["detail_en"]
    assert counts(rt) == EMPTY


def test_one_bad_file_refuses_the_whole_request(create, rt) -> None:
    response = create(files=[("baik.pdf", pdf_bytes("baik")), ("jahat.pdf", executable_bytes())])
    assert_problem(response, 415)
    assert counts(rt) == EMPTY
    assert_consistent(rt)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..",
        "a\x00b.pdf",
        "\u202efdp.exe.pdf",
        "x" * 300 + ".pdf",
        "dir/file.pdf",
        "tab\there.pdf",
    ],
)
def test_hostile_filenames(create, rt, name: str) -> None:
    body = assert_problem(create(files=[(name, pdf_bytes("nama"))]), 422)
    assert "files.0.filename" in body["errors"]
    assert counts(rt) == EMPTY
    assert_consistent(rt)


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"warna": "merah"}, "warna"),
        ({"classification_code": "000..5"}, "classification_code"),
        ({"classification_code": "12"}, "classification_code"),
        ({"period_start": "2025-06-01", "period_end": "2025-01-01"}, "period_end"),
        ({"security_class": "top_secret"}, "security_class"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_metadata(create, rt, metadata: dict, field: str) -> None:
    body = assert_problem(create(metadata=metadata), 422)
    assert field in body["errors"]
    message = " ".join(map(str, body["errors"][field]))
    assert " / " in message  # Indonesian / English
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_unknown_unit(create, rt) -> None:
    body = assert_problem(create(metadata={"processing_unit": "tidakada"}, role="admin"), 422)
    assert "processing_unit" in body["errors"]
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_metadata_not_json(client, accounts, rt) -> None:
    response = client.post(
        "/api/v1/records",
        data={"metadata": "{nope"},
        headers=accounts["admin"].headers,
        content_type="multipart/form-data",
    )
    assert "metadata" in assert_problem(response, 422)["errors"]


def test_file_over_the_size_limit(create, rt) -> None:
    rt.settings.max_file_size = 1000
    assert_problem(create(files=[("besar.pdf", pdf_bytes(*["baris panjang sekali"] * 200))]), 413)
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_token_of_deleted_user(client, accounts, rt) -> None:
    headers = accounts["sekretariat"].headers
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/users/sekretariat", headers=accounts["admin"].headers).status_code == 204
    body = assert_problem(client.get("/api/v1/records", headers=headers), 401)
    assert body["detail_en"] == "Invalid or revoked token."
    assert_consistent(rt)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer arsip_notatoken", "Basic YWRtaW46eA=="])
def test_missing_or_bad_token(client, header) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/records", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", ["baris\nbaru.pdf", "c:\\win\\x.pdf", "..\\..\\boot.ini", "a\x7fb.pdf"])
def test_hostile_filenames_from_other_clients(rt, accounts, name: str) -> None:
    """Names the HTTP multipart layer would already mangle, given straight to the service (CLI, other clients)."""
    import io

    from archive_service.errors import ValidationFailed
    from archive_service.services import records
    from archive_service.services.uploads import Upload
    from archive_service.storage import stage_stream

    staged = stage_stream(io.BytesIO(pdf_bytes("nama")), rt.settings.staging_dir)
    with pytest.raises(ValidationFailed) as caught:
        records.create_record(
            rt,
            accounts["admin"].actor,
            {"title": "x", "classification_code": "000.1", "processing_unit": "kominfo", "creator_org": "x"},
            [Upload(name, staged)],
        )
    assert "files.0.filename" in caught.value.errors
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_security_class_above_own_clearance_is_refused(create, rt) -> None:
    """A secretariat member cannot file a record they could not read back (it would vanish with a 404)."""
    body = assert_problem(create(metadata={"security_class": "rahasia"}, role="sekretariat"), 403)
    assert "rahasia" in body["detail_en"]
    assert counts(rt) == EMPTY
    assert_consistent(rt)


def test_nested_field_errors_are_flattened(create) -> None:
    body = assert_problem(create(metadata={"access_groups": ["ppid", "BUKAN VALID"]}), 422)
    assert "access_groups.1" in body["errors"]
