"""``arsip serve`` as a real process on a free port, plus the slow clients that must not starve it.

Shared by ``tests/e2e/test_slow_clients.py`` and ``benchmarks/slow_clients.py``. Everything here talks plain
sockets or ``http.client`` so that what is measured is the server, not a client library's pooling or retries.
"""

from __future__ import annotations

import http.client
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class LiveServer:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def arsip_command() -> list[str]:
    script = Path(sys.executable).with_name("arsip")
    return [str(script)] if script.exists() else [sys.executable, "-m", "archive_service"]


@contextmanager
def arsip_serve(
    data_dir: Path, *, workers: int = 2, threads: int = 4, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Run ``arsip serve --workers N --threads M`` on a free port with its own data folder; stop it afterwards."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / "serve.log"
    full_env = {
        **os.environ,
        "ARSIP_DATA_DIR": str(data_dir),
        "ARSIP_PUBLIC_SEARCH_RATE_PER_MINUTE": "0",
        "ARSIP_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    cmd = [*arsip_command(), "serve", "--bind", f"{HOST}:{port}", "--workers", str(workers), "--threads", str(threads)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(port, proc, log_path)
    try:
        _wait_ready(server)
        yield server
    finally:
        _stop(proc)


def _wait_ready(server: LiveServer, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"arsip serve exited with {server.process.returncode}:\n{server.log()}")
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"arsip serve did not answer /healthz within {timeout:.0f} s:\n{server.log()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """TERM to the master only, as a supervisor would (it stops its workers); KILL to its group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


# --- the probes: ordinary visitors -------------------------------------------------------------------------------


@dataclass
class Probe:
    path: str
    seconds: float
    status: int | None  # None: timed out or the connection failed
    error: str = ""


def probe_once(port: int, path: str, timeout: float) -> Probe:
    """One GET on a fresh connection, timed from connect to the last byte of the body."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return Probe(path, time.perf_counter() - started, response.status)
    except (OSError, http.client.HTTPException) as exc:
        return Probe(path, time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def probe_mix(
    port: int, *, healthz: int = 200, searches: int = 50, timeout: float = 5.0, max_failures: int = 5
) -> list[Probe]:
    """``healthz`` GETs of /healthz and ``searches`` public searches, interleaved, one after another.

    Stops early after ``max_failures`` failed probes: on a starved server each one costs the whole timeout."""
    paths = ["/healthz"] * healthz
    step = max(1, (healthz + searches) // max(1, searches))
    for i in range(searches):
        paths.insert(min(len(paths), i * step), "/api/v1/public/search?q=laporan")
    out: list[Probe] = []
    for path in paths:
        out.append(probe_once(port, path, timeout))
        if sum(1 for p in out if p.status != 200) >= max_failures:
            break
    return out


# --- the slow clients -------------------------------------------------------------------------------------------


def silent_body_head(port: int) -> bytes:
    """A form POST that declares 1,000,000 bytes of body and then sends none (the CSRF check reads the form)."""
    return (
        f"POST /staf/masuk HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n"
    ).encode()


def slow_header_prefix(port: int) -> bytes:
    """The start of a request whose headers then arrive one byte per second and never end."""
    return f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{port}\r\nX-Slow: ".encode()


@dataclass
class SlowConn:
    kind: str  # "silent-body" or "slow-headers"
    sock: socket.socket
    opened: float
    ended: float | None = None  # when the server answered or closed
    answer: bytes = b""


@dataclass
class SlowClients:
    """Keeps ``silent`` silent-body and ``slow`` slow-header connections open against the server.

    Every second each slow-header connection sends one more byte. A connection the server answers or closes is
    recorded in ``finished`` and, while ``replace`` is set, replaced by a new one of its kind, so the server faces
    the full number for the whole measurement."""

    port: int
    silent: int = 16
    slow: int = 16
    replace: bool = True
    live: list[SlowConn] = field(default_factory=list)
    finished: list[SlowConn] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="slow-clients", daemon=True)

    def __enter__(self) -> SlowClients:
        for _ in range(self.silent):
            self._open("silent-body")
        for _ in range(self.slow):
            self._open("slow-headers")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        with self._lock:
            for conn in self.live:
                conn.sock.close()
            self.live.clear()

    def stop_replacing(self) -> None:
        self.replace = False

    def open_count(self) -> int:
        with self._lock:
            return len(self.live)

    def wait_all_closed(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.open_count() == 0:
                return True
            time.sleep(0.1)
        return self.open_count() == 0

    def _open(self, kind: str) -> None:
        try:
            sock = socket.create_connection((HOST, self.port), timeout=5)
            sock.sendall(silent_body_head(self.port) if kind == "silent-body" else slow_header_prefix(self.port))
            sock.setblocking(False)
        except OSError as exc:
            self.errors.append(f"{kind}: connect/send failed: {exc}")
            return
        with self._lock:
            self.live.append(SlowConn(kind, sock, time.monotonic()))

    def _run(self) -> None:
        next_byte = time.monotonic() + 1.0
        while not self._stop.is_set():
            with self._lock:
                conns = list(self.live)
            ended: list[SlowConn] = []
            if conns:
                sel = selectors.DefaultSelector()
                for conn in conns:
                    sel.register(conn.sock, selectors.EVENT_READ, conn)
                events = sel.select(timeout=max(0.0, min(0.1, next_byte - time.monotonic())))
                sel.close()
                now = time.monotonic()
                for key, _ in events:
                    conn = key.data
                    try:
                        data = conn.sock.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    conn.answer += data
                    if conn.ended is None:
                        conn.ended = now
                    if not data:  # the server closed the connection (FIN or RST)
                        ended.append(conn)
            else:
                time.sleep(0.05)
            if time.monotonic() >= next_byte:
                next_byte += 1.0
                for conn in conns:
                    if conn.kind == "slow-headers" and conn.ended is None and conn not in ended:
                        try:
                            conn.sock.send(b"a")
                        except BlockingIOError:
                            pass
                        except OSError:
                            conn.ended = conn.ended or time.monotonic()
                            ended.append(conn)
            for conn in ended:
                conn.sock.close()
                with self._lock:
                    if conn in self.live:
                        self.live.remove(conn)
                    self.finished.append(conn)
                if self.replace and not self._stop.is_set():
                    self._open(conn.kind)
