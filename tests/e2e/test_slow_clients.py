"""Over real sockets, against ``arsip serve`` itself (2 workers × 4 threads, the Docker image's command).

Slow clients must not starve the others: 16 connections that declare a 1,000,000-byte body and send none, and 16
that send their headers one byte per second, are held open (and replaced as the server drops them) while 200
``/healthz`` probes and 50 public searches run one after another. The held connections are answered 408 and
closed within the configured timeout; a slow upload that keeps making progress succeeds; an idle kept-alive
connection is closed cleanly, and only after its timeout; the server's own refusals are problem+json.
On the previous server (gunicorn gthread workers) 30 % of the probes timed out.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive_service.config import Settings
from archive_service.runtime import Runtime
from archive_service.services import auth
from archive_service.services.actor import SYSTEM
from tests.support.live_serve import HOST, LiveServer, SlowClients, arsip_serve, percentile, probe_mix

TIMEOUT = 3  # ARSIP_SERVER_HEADER_TIMEOUT, _READ_TIMEOUT and _KEEPALIVE_TIMEOUT for this server
SLACK = 5.0  # the timeouts are checked once a second; a loaded 2-core machine adds a few seconds at worst
MAX_REQUEST = 16 * 1024 * 1024
P99_LIMIT_MS = 200.0


@dataclass
class Served:
    server: LiveServer
    token: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("slow-clients") / "var"
    rt = Runtime.from_settings(Settings(data_dir=data_dir))
    try:
        rt.migrate()
        auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Komunikasi dan Informatika")
        auth.create_user(
            rt, SYSTEM, {"username": "admin", "full_name": "Admin", "role": "admin", "password": "kata sandi panjang"}
        )
        token = auth.create_token(rt, SYSTEM, "admin", "slow-clients")
    finally:
        rt.close()
    env = {
        "ARSIP_SERVER_HEADER_TIMEOUT": str(TIMEOUT),
        "ARSIP_SERVER_READ_TIMEOUT": str(TIMEOUT),
        "ARSIP_SERVER_KEEPALIVE_TIMEOUT": str(TIMEOUT),
        "ARSIP_MAX_REQUEST_SIZE": str(MAX_REQUEST),
        "ARSIP_EXTRACT_WORKERS": "1",
    }
    with arsip_serve(data_dir, workers=2, threads=4, env=env) as server:
        yield Served(server, token)
        log = server.log()
    for sign in ("uncaptured python exception", "Exception when servicing", "Unexpected exception"):
        assert sign not in log, log[-4000:]


# --- raw HTTP helpers ---------------------------------------------------------------------------------------------


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.x response with a Content-Length body, read off a blocking socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before the end of the head: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the end of the body")
        body += chunk
    return status, headers, body[:length]


def assert_problem(status: int, headers: dict[str, str], body: bytes, expected: int) -> dict:
    assert status == expected, body
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == expected
    for member in ("type", "title", "title_en", "detail", "detail_en"):
        assert isinstance(problem[member], str) and problem[member], problem
    assert problem["title"] != problem["title_en"]  # Indonesian first, English second
    return problem


def multipart(token: str, size: int) -> tuple[bytes, bytes]:
    """Head and body of an upload of one ``size``-byte text file as a new record."""
    metadata = {
        "title": "Laporan unggahan lambat",
        "classification_code": "000.1.5",
        "processing_unit": "kominfo",
        "creator_org": "Kominfo",
    }
    boundary = uuid.uuid4().hex
    line = b"laporan kegiatan dinas komunikasi dan informatika, unggahan lambat\n"
    content = (line * (size // len(line) + 1))[:size]
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n'.encode(),
            json.dumps(metadata).encode() + b"\r\n",
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="laporan.txt"\r\n'.encode(),
            b"Content-Type: text/plain\r\n\r\n" + content + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
    )
    head = (
        f"POST /api/v1/records HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head, body


@dataclass
class SlowUpload:
    status: int | None = None
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""


def slow_upload(port: int, token: str, out: SlowUpload, size: int, piece: int, interval: float) -> None:
    """Send an upload ``piece`` bytes at a time, one piece per ``interval`` seconds, then read the answer."""
    head, body = multipart(token, size)
    started = time.monotonic()
    try:
        with socket.create_connection((HOST, port), timeout=60) as sock:
            sock.sendall(head)
            for offset in range(0, len(body), piece):
                sock.sendall(body[offset : offset + piece])
                if offset + piece < len(body):
                    time.sleep(interval)
            out.status, _, out.body = read_response(sock)
    except OSError as exc:
        out.error = f"{type(exc).__name__}: {exc}"
    out.seconds = time.monotonic() - started


# --- the tests ----------------------------------------------------------------------------------------------------


def test_slow_clients_do_not_starve_the_others(served: Served) -> None:
    port = served.server.port
    upload = SlowUpload()
    # 2 MiB at 128 KiB/s: 16 s on the wire, five times every timeout, never quiet for more than a second
    uploader = threading.Thread(
        target=slow_upload, args=(port, served.token, upload, 2 * 1024 * 1024, 128 * 1024, 1.0), daemon=True
    )
    with SlowClients(port, silent=16, slow=16) as slow:
        uploader.start()
        time.sleep(1.0)  # every slow connection is now inside the server, holding its place
        assert slow.open_count() == 32, slow.errors
        probes = probe_mix(port, healthz=200, searches=50, timeout=5.0)
        uploader.join(timeout=90)
        slow.stop_replacing()
        all_closed = slow.wait_all_closed(TIMEOUT + SLACK)

    failed = [p for p in probes if p.status != 200]
    assert not failed, [(p.path, p.status, p.error, round(p.seconds, 2)) for p in failed[:5]]
    assert len(probes) == 250
    latencies = [p.seconds * 1000 for p in probes]
    p99 = percentile(latencies, 99)
    assert p99 <= P99_LIMIT_MS, f"p99 {p99:.0f} ms, max {max(latencies):.0f} ms"

    assert upload.status == 201, (upload.error, upload.body[:500])
    assert upload.seconds > 3 * TIMEOUT  # it really was slower than every timeout
    created = json.loads(upload.body)
    assert created["files"][0]["size"] == 2 * 1024 * 1024

    assert all_closed, f"{slow.open_count()} slow connections still open after {TIMEOUT + SLACK} s"
    assert not slow.errors, slow.errors[:5]
    assert len(slow.finished) >= 64  # held for the whole upload: each of the 32 replaced at least once
    for conn in slow.finished:
        lifetime = conn.ended - conn.opened  # type: ignore[operator]
        assert TIMEOUT - 0.5 <= lifetime <= TIMEOUT + SLACK, (conn.kind, lifetime)
        head, _, body = conn.answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408 "), (conn.kind, conn.answer[:200])
        assert b"Content-Type: application/problem+json" in head
        assert json.loads(body)["title_en"] == "Request timeout"


def test_idle_keepalive_connection_is_closed_cleanly_after_its_timeout(served: Served) -> None:
    with socket.create_connection((HOST, served.server.port), timeout=TIMEOUT + SLACK + 5) as sock:
        request = f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
        sock.sendall(request)
        assert read_response(sock)[0] == 200
        time.sleep(TIMEOUT - 1)  # quiet, but not for long enough: the connection still serves
        sock.sendall(request)
        status, headers, _ = read_response(sock)
        assert status == 200 and headers.get("connection") != "close"
        idle_since = time.monotonic()
        try:
            data = sock.recv(1)
        except ConnectionResetError:
            pytest.fail("the server reset the idle connection instead of closing it")
        idle = time.monotonic() - idle_since
    assert data == b""  # an orderly close (FIN), not an answer
    assert TIMEOUT - 0.5 <= idle <= TIMEOUT + SLACK


def _exchange(port: int, head: bytes, body_to_send: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall(head)
        if body_to_send:  # a client that keeps sending its body while the server has already refused it

            def pump() -> None:
                try:
                    for offset in range(0, len(body_to_send), 65536):
                        sock.sendall(body_to_send[offset : offset + 65536])
                except OSError:
                    pass

            threading.Thread(target=pump, daemon=True).start()
        answer = read_response(sock)
        sock.settimeout(TIMEOUT + SLACK)
        try:
            while sock.recv(65536):
                pass
        except ConnectionResetError:
            pass  # the server gives up discarding after its linger; the answer had arrived whole before that
        return answer


def test_server_settings_are_read_and_checked(tmp_path: Path) -> None:
    settings = Settings.from_env({"ARSIP_SERVER_READ_TIMEOUT": "7"}, data_dir=tmp_path)
    assert (settings.server_header_timeout, settings.server_read_timeout) == (30, 7)
    assert (settings.server_keepalive_timeout, settings.server_connection_limit) == (75, 1000)
    with pytest.raises(ValueError, match="ARSIP_SERVER_KEEPALIVE_TIMEOUT must be at least 1 second"):
        Settings.from_env({"ARSIP_SERVER_KEEPALIVE_TIMEOUT": "0"}, data_dir=tmp_path)
    with pytest.raises(ValueError, match="ARSIP_SERVER_HEADER_TIMEOUT must be a whole number"):
        Settings.from_env({"ARSIP_SERVER_HEADER_TIMEOUT": "lama"}, data_dir=tmp_path)


def test_server_refusals_are_problem_json(served: Served) -> None:
    port = served.server.port
    host = f"Host: {HOST}\r\n".encode()

    problem = assert_problem(*_exchange(port, b"NOT A REQUEST LINE AT ALL\r\n" + host + b"\r\n"), 400)
    assert problem["title"] == "Permintaan tidak valid"

    long_line = b"GET /api/v1/public/search?q=" + b"a" * 10_000 + b" HTTP/1.1\r\n"
    assert_problem(*_exchange(port, long_line + host + b"\r\n"), 414)

    many = b"".join(b"X-Isi-%d: %s\r\n" % (i, b"x" * 1000) for i in range(80))
    assert_problem(*_exchange(port, b"GET /healthz HTTP/1.1\r\n" + host + many + b"\r\n"), 431)

    declared = 2 * MAX_REQUEST
    too_big = (
        b"POST /api/v1/records HTTP/1.1\r\n" + host + b"Content-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\n\r\n" % declared
    )
    problem = assert_problem(*_exchange(port, too_big, b"x" * (4 * 1024 * 1024)), 413)
    assert problem["title_en"] == "Payload too large"

    # and the server carries on as before
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/healthz")
    ok = conn.getresponse()
    ok.read()
    conn.close()
    assert ok.status == 200
