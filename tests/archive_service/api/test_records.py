"""The records API: create with files, read, list, update with versions, download, history."""

from __future__ import annotations

import hashlib
import io

from tests.support.checks import assert_consistent, counts
from tests.support.files import pdf_bytes

from .conftest import VALID


def test_create_with_files_stores_metadata_files_and_audit(create, client, accounts, rt) -> None:
    content = pdf_bytes("Daftar Informasi Publik")
    response = create(files=[("dip.pdf", content), ("salinan.pdf", pdf_bytes("Salinan"))])
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"].endswith(f"/api/v1/records/{body['id']}")
    assert body["title"] == VALID["title"] and body["classification_code"] == "500.12.18.1"
    assert body["record_no"].startswith("ARS/2025/")
    assert [f["filename"] for f in body["files"]] == ["dip.pdf", "salinan.pdf"]
    assert body["files"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["files"][0]["mime"] == "application/pdf"
    assert body["files"][0]["size"] == len(content)
    assert body["publication_state"] == "dihimpun" and body["archival_state"] == "aktif"
    history = client.get(f"/api/v1/records/{body['id']}/history", headers=accounts["pendukung"].headers).json
    assert [h["action"] for h in history] == ["record.create", "file.add", "file.add"]
    assert history[0]["changes"]["title"] == {"before": None, "after": VALID["title"]}
    assert_consistent(rt)


def test_identical_content_is_stored_once(create, rt) -> None:
    content = pdf_bytes("Sama")
    assert create(files=[("a.pdf", content)]).status_code == 201
    assert create(metadata={"title": "Kedua"}, files=[("b.pdf", content)]).status_code == 201
    assert counts(rt) == {"records": 2, "files": 2, "blobs": 1}
    assert list(rt.blobs.iter_sha256()) == [hashlib.sha256(content).hexdigest()]
    assert_consistent(rt)


def test_download_streams_with_safe_headers(create, client, accounts) -> None:
    content = pdf_bytes("Unduh")
    name = "Laporan; akhir (Lamp I) é.pdf"
    record = create(files=[(name, content)]).json
    file_id = record["files"][0]["id"]
    response = client.get(f"/api/v1/records/{record['id']}/files/{file_id}/content", headers=accounts["ppid"].headers)
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="Laporan_ akhir (Lamp I) _.pdf"; '
        "filename*=UTF-8''Laporan%3B%20akhir%20%28Lamp%20I%29%20%C3%A9.pdf"
    )
    assert response.headers["Content-Length"] == str(len(content))
    digest = __import__("base64").b64encode(hashlib.sha256(content).digest()).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"


def test_update_needs_current_version(create, client, accounts, rt) -> None:
    record = create().json
    url, headers = f"/api/v1/records/{record['id']}", accounts["pendukung"].headers
    assert client.patch(url, json={"title": "Baru"}, headers=headers).status_code == 428
    ok = client.patch(url, json={"title": "Judul baru", "notes": "dicek"}, headers=headers | {"If-Match": '"1"'})
    assert ok.status_code == 200, ok.json
    assert ok.json["version"] == 2 and ok.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"title": "Lagi"}, headers=headers | {"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    assert stale.json["type"].endswith("stale-version")
    assert stale.json["detail"] and stale.json["detail_en"]
    assert client.get(url, headers=headers).json["title"] == "Judul baru"
    history = client.get(url + "/history", headers=headers).json
    assert history[-1]["action"] == "record.update"
    assert history[-1]["changes"] == {
        "notes": {"before": None, "after": "dicek"},
        "title": {"before": VALID["title"], "after": "Judul baru"},
    }
    assert_consistent(rt)


def test_update_rechecks_period_against_stored_values(create, client, accounts) -> None:
    record = create(metadata={"period_start": "2025-01-01", "period_end": "2025-12-31"}).json
    response = client.patch(
        f"/api/v1/records/{record['id']}",
        json={"period_end": "2024-12-31"},
        headers=accounts["pendukung"].headers | {"If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert "period_end" in response.json["errors"]


def test_list_filters_paginates_and_counts(create, client, accounts) -> None:
    for i in range(5):
        create(metadata={"title": f"Notula rapat {i}", "classification_code": "000.1.5"}, files=[])
    create(metadata={"title": "Pemusnahan arsip", "classification_code": "000.5.6.2"}, files=[])
    headers = accounts["ppid"].headers
    page = client.get("/api/v1/records?classification_code=000.1&page=1&page_size=2", headers=headers)
    assert page.status_code == 200
    assert len(page.json) == 2
    assert '"total": 5' in page.headers["X-Pagination"]
    prefix = client.get("/api/v1/records?classification_code=000.5", headers=headers).json
    assert [r["title"] for r in prefix] == ["Pemusnahan arsip"]
    assert client.get("/api/v1/records?q=NOTULA&page_size=100", headers=headers).json.__len__() == 5
    bad = client.get("/api/v1/records?classification_code=abc", headers=headers)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_add_files_bumps_version(create, client, accounts, rt) -> None:
    record = create().json
    response = client.post(
        f"/api/v1/records/{record['id']}/files",
        data={"files": [(io.BytesIO(pdf_bytes("Lampiran")), "lampiran.pdf")]},
        headers=accounts["pendukung"].headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert response.json["version"] == 2
    assert len(response.json["files"]) == 2
    assert_consistent(rt)


def test_pendukung_sees_only_its_unit(create, client, accounts) -> None:
    record = create().json
    other = accounts["pendukung_other"].headers
    assert client.get(f"/api/v1/records/{record['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/records", headers=other).json == []
    assert create(metadata={"processing_unit": "kominfo"}, role="pendukung_other").status_code == 403


def test_secret_records_hidden_from_uncleared_roles(create, client, accounts) -> None:
    record = create(metadata={"security_class": "sangat_rahasia"}).json
    url = f"/api/v1/records/{record['id']}"
    assert client.get(url, headers=accounts["ppid"].headers).status_code == 200
    assert client.get(url, headers=accounts["sekretariat"].headers).status_code == 404
    assert client.get(url, headers=accounts["pendukung"].headers).status_code == 200  # the owning unit


def test_openapi_document_and_docs_page(client) -> None:
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    for path in (
        "/api/v1/records",
        "/api/v1/records/{record_id}",
        "/api/v1/records/{record_id}/history",
        "/api/v1/records/{record_id}/files/{file_id}/content",
    ):
        assert path in paths
    assert spec.json["openapi"].startswith("3.")
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/v1/records" in page.data and b'lang="id"' in page.data


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_unknown_url_is_problem_json(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Tidak ditemukan" and response.json["title_en"] == "Not found"


def test_content_disposition_neutralises_quotes_and_controls() -> None:
    from archive_service.downloads import content_disposition

    header = content_disposition('a"b\\c\r\nSet-Cookie: x.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith(
        "attachment; filename=\"a_b_c__Set-Cookie: x.pdf\"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie"
    )
