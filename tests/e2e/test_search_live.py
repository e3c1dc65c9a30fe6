"""The embedded setup over a real socket: the web process's own index worker thread picks up an upload, and the
public search of a published record answers over HTTP."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from archive_service.app import create_app
from tests.support.files import pdf_bytes

from .test_http import METADATA, _conn, _multipart


@pytest.fixture
def worker_app(rt):  # type: ignore[no-untyped-def]
    app = create_app(runtime=rt, start_index_worker=True)
    yield app
    app.extensions["arsip_index_worker"].stop()


def test_upload_becomes_searchable_through_the_worker_thread(worker_app, accounts) -> None:  # type: ignore[no-untyped-def]
    import threading

    server = make_server("127.0.0.1", 0, worker_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        body, content_type = _multipart(
            METADATA, [("rencana.pdf", pdf_bytes("Rencana induk pengembangan pelabuhan perikanan"))]
        )
        conn = _conn(base)
        conn.request(
            "POST",
            "/api/v1/records",
            body=body,
            headers={"Content-Type": content_type, **accounts["pendukung"].headers},
        )
        response = conn.getresponse()
        assert response.status == 201, response.read()
        record_id = json.loads(response.read())["id"]
        url = f"{base}/api/v1/search?" + urllib.parse.urlencode({"q": "pelabuhan perikanan"})
        deadline = time.monotonic() + 30
        while True:
            request = urllib.request.Request(url, headers=accounts["ppid"].headers)
            with urllib.request.urlopen(request, timeout=10) as answer:
                hits = json.loads(answer.read())["hits"]
            if hits:
                break
            assert time.monotonic() < deadline, "the worker thread did not index the upload"
            time.sleep(0.1)
        assert [h["id"] for h in hits] == [record_id]
        assert "<mark>pelabuhan</mark>" in hits[0]["snippet"].lower()
        public = f"{base}/api/v1/public/search?" + urllib.parse.urlencode({"q": "pelabuhan"})
        with urllib.request.urlopen(public, timeout=10) as answer:
            assert json.loads(answer.read())["total"] == 0  # not published
    finally:
        server.shutdown()
        thread.join(timeout=5)
