"""Over a real socket: oversized declarations, streamed downloads, and concurrent writers over HTTP."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
import uuid

from tests.support.checks import assert_consistent, counts
from tests.support.files import pdf_bytes

METADATA = {
    "title": "Arsip HTTP",
    "classification_code": "000.1.5",
    "processing_unit": "kominfo",
    "creator_org": "Kominfo",
}


def _conn(base: str) -> http.client.HTTPConnection:
    parsed = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)


def _multipart(metadata: dict, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n'.encode()
        + json.dumps(metadata).encode()
        + b"\r\n"
    ]
    for name, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_declared_2gb_with_small_body_is_refused(live_server, accounts, rt) -> None:
    body, content_type = _multipart(METADATA, [("besar.pdf", pdf_bytes("kecil"))])
    conn = _conn(live_server)
    conn.putrequest("POST", "/api/v1/records")
    conn.putheader("Authorization", accounts["admin"].headers["Authorization"])
    conn.putheader("Content-Type", content_type)
    conn.putheader("Content-Length", str(2 * 1024**3))
    conn.endheaders()
    conn.send(body)
    response = conn.getresponse()
    payload = json.loads(response.read())
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
    assert payload["title_en"] == "Payload too large"
    conn.close()
    assert counts(rt) == {"records": 0, "files": 0, "blobs": 0}
    assert_consistent(rt)


def test_upload_and_streamed_download_over_http(live_server, accounts, rt) -> None:
    content = pdf_bytes(*[f"Baris {i} dari laporan panjang" for i in range(40)]) * 1
    body, content_type = _multipart(METADATA, [("laporan.pdf", content)])
    conn = _conn(live_server)
    conn.request(
        "POST",
        "/api/v1/records",
        body=body,
        headers=accounts["admin"].headers | {"Content-Type": content_type},
    )
    response = conn.getresponse()
    created = json.loads(response.read())
    assert response.status == 201, created
    file_id = created["files"][0]["id"]
    conn.request("GET", f"/api/v1/records/{created['id']}/files/{file_id}/content", headers=accounts["ppid"].headers)
    download = conn.getresponse()
    assert download.status == 200
    assert download.read() == content
    assert download.getheader("X-Content-Type-Options") == "nosniff"
    conn.close()


def test_concurrent_http_updates(live_server, accounts, rt) -> None:
    body, content_type = _multipart(METADATA, [])
    conn = _conn(live_server)
    conn.request(
        "POST",
        "/api/v1/records",
        body=body,
        headers=accounts["admin"].headers | {"Content-Type": content_type},
    )
    record = json.loads(conn.getresponse().read())
    conn.close()
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def patch(n: int) -> None:
        c = _conn(live_server)
        barrier.wait()
        c.request(
            "PATCH",
            f"/api/v1/records/{record['id']}",
            body=json.dumps({"notes": f"n{n}"}),
            headers=accounts["sekretariat"].headers | {"If-Match": '"1"', "Content-Type": "application/json"},
        )
        r = c.getresponse()
        r.read()
        statuses.append(r.status)
        c.close()

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    assert_consistent(rt)
