"""``arsip serve``: the production HTTP server, embedded, so one console script runs it on a bare Debian machine.

The stack: **gunicorn's arbiter with waitress's HTTP channel in each worker** (``WaitressWorker`` below).

- gunicorn stays the process manager: ``--workers`` processes forked from one master that binds the socket,
  restarts a dead worker, kills a stuck one (``timeout`` 120 s), and handles TERM (graceful), INT/QUIT, HUP and
  TTIN/TTOU as before. Each worker builds the app after the fork (``_Gunicorn.load``), so every worker's thread
  competes for the index-worker ``flock`` and exactly one wins (``index_worker.py``), as with the gthread worker.
- Inside a worker, waitress does the HTTP/1.1 part. Its event loop reads every request **completely** (request
  line, headers and body; a body above ``INBUF_SPOOL_BYTES`` is spooled to a temporary file in ``$TMPDIR``)
  before one of the ``--threads`` threads sees it. A client that sends its headers or body slowly, or declares a
  body and never sends it, therefore holds a socket and a few kilobytes, never a thread.
- Timeouts (``ARSIP_SERVER_*``, docs/configuration.md), checked once a second by ``_Channel.check_timeouts``:
  the head of a request must arrive within ``server_header_timeout`` s; a body (or a response the client does
  not read) may pause at most ``server_read_timeout`` s between two packets, so a slow upload that keeps making
  progress is never cut off; an idle kept-alive connection is closed after ``server_keepalive_timeout`` s. A
  request that runs out of time is answered 408 before its connection closes.
- Closing is clean: the server half-closes (FIN) and reads and discards what the client still sends for up to
  ``LINGER_SECONDS`` before it lets go, so a client that is still sending gets the answer (408, 413) rather
  than a reset.
- The server's own answers (400 malformed request, 408, 413 body above ``ARSIP_MAX_REQUEST_SIZE``, 414 request
  line above ``MAX_REQUEST_LINE``, 431 head above ``MAX_HEADER_BYTES``, 501 unknown transfer coding, 500) are
  ``application/problem+json`` with the same bilingual members as the app's (``api/problems.py``).

Measured with ``benchmarks/slow_clients.py`` (``--workers 2 --threads 4``; 16 connections that declare a body
and send none, 16 that send their headers one byte per second; 1,000 ``/healthz`` probes, 2 s timeout each):
gunicorn's gthread worker, which blocks a thread per connection from its first byte until the request is read,
answered none of the first 50 probes under the slow clients (p99 2,008 ms = the timeout, against 6.2 ms without
them); this stack has p99 8.2 ms under them against 8.3 ms without. More threads would only move the threshold.
gevent or eventlet would monkey-patch a process that runs psycopg, SQLite, tantivy's native threads and a
forkserver extraction pool: one blocking native call (a tantivy search, a SQLite write) stalls every greenlet
of the worker. nginx in front buffers well, but it is a second program to install, configure and supervise,
which ``arsip serve`` on a fresh machine (the README quick start) should not need; behind one, this server still
works. waitress alone (``waitress-serve``) is one process: one GIL for every request and nothing that restarts
it, hence gunicorn as the process manager. The price: a request reaches the app only once it is complete, so an
upload with a bad token is received whole before its 401 (its size limit is checked on the declared
``Content-Length`` before any of it is read).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import resource
import socket
import time
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer, UnixWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import BadRequest, Error, RequestHeaderFieldsTooLarge

from .api.problems import PROBLEM_JSON
from .config import Settings
from .errors import ArsipError, PayloadTooLarge

MAX_REQUEST_LINE = 8190  # bytes; a longer request line is answered 414 (gunicorn's and nginx's buffer size)
MAX_HEADER_BYTES = 64 * 1024  # request line + headers; more is answered 431
INBUF_SPOOL_BYTES = 256 * 1024  # a request body above this waits in a temporary file, not in memory
LINGER_SECONDS = 2.0  # after a half-close, how long to read and discard what the client still sends
STOP_LINGER_SECONDS = 2.0  # a stopping worker keeps idle kept-alive connections this long (see _serve_until_done)
MAINTENANCE_SECONDS = 1  # how often the timeouts are checked


@dataclass(frozen=True)
class ServerLimits:
    """The limits one worker enforces; from ``ARSIP_SERVER_*`` and ``ARSIP_MAX_REQUEST_SIZE``."""

    header_timeout: float
    read_timeout: float
    keepalive_timeout: float
    connection_limit: int
    max_request_size: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerLimits:
        return cls(
            header_timeout=float(settings.server_header_timeout),
            read_timeout=float(settings.server_read_timeout),
            keepalive_timeout=float(settings.server_keepalive_timeout),
            connection_limit=settings.server_connection_limit,
            max_request_size=settings.max_request_size,
        )


# --- the server's own answers, as problem+json --------------------------------------------------------------------


class RequestTimeout(Error):
    code = 408
    reason = "Request Timeout"


class UriTooLong(BadRequest):
    code = 414
    reason = "URI Too Long"


class _RequestTimedOut(ArsipError):
    status = 408
    code = "request-timeout"
    title_id = "Waktu permintaan habis"
    title_en = "Request timeout"


class _RequestLineTooLong(ArsipError):
    status = 414
    code = "uri-too-long"
    title_id = "URI terlalu panjang"
    title_en = "URI too long"


class _HeadTooLarge(ArsipError):
    status = 431
    code = "header-too-large"
    title_id = "Kepala permintaan terlalu besar"
    title_en = "Request header fields too large"


class _NotImplemented(ArsipError):
    status = 501
    code = "not-implemented"
    title_id = "Tidak didukung"
    title_en = "Not implemented"


class _ServerFault(ArsipError):
    status = 500
    code = "server-error"
    title_id = "Kesalahan server"
    title_en = "Internal server error"


def _refusal(error: Error) -> ArsipError:
    """The project's error for one of waitress's (the texts the app would use; 413 exactly the app's own)."""
    reason = str(error.body or "").rstrip(".")
    if error.code == 408:
        return _RequestTimedOut(
            "Permintaan tidak diterima lengkap dalam batas waktu.", "The request did not arrive completely in time."
        )
    if error.code == 413:  # as api/problems.py answers the app's own 413
        return PayloadTooLarge("Kiriman melebihi batas ukuran.", "The request is larger than allowed.")
    if error.code == 414:
        return _RequestLineTooLong(
            f"Baris permintaan melebihi {MAX_REQUEST_LINE} bita.", f"The request line exceeds {MAX_REQUEST_LINE} bytes."
        )
    if error.code == 431:
        return _HeadTooLarge(
            f"Kepala permintaan melebihi {MAX_HEADER_BYTES} bita.",
            f"The request line and headers exceed {MAX_HEADER_BYTES} bytes.",
        )
    if error.code == 501:
        return _NotImplemented("Transfer-Encoding ini tidak didukung.", "This Transfer-Encoding is not supported.")
    if 400 <= error.code < 500:  # the parser's reason, e.g. "Malformed HTTP method", helps an integrator
        return ArsipError("Permintaan HTTP tidak dapat dibaca.", f"The HTTP request could not be parsed: {reason}.")
    return _ServerFault("Terjadi kesalahan tak terduga.", "An unexpected error occurred.")


def server_problem(error: Error) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, headers and body of the problem+json answer to a request the server refused by itself."""
    refusal = _refusal(error)
    payload = json.dumps(refusal.to_problem(), ensure_ascii=False).encode()
    return f"{refusal.status} {error.reason}", [("Content-Type", PROBLEM_JSON)], payload


# --- waitress, adapted ------------------------------------------------------------------------------------------


class _Parser(HTTPRequestParser):  # type: ignore[misc]
    """Notes when the request began (for the header deadline) and answers 414 for an overlong request line."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.time()

    def received(self, data: bytes) -> int:
        if self.completed:
            return 0
        in_head = self.body_rcv is None and not self.headers_finished
        before = self.header_plus
        consumed = int(super().received(data))
        if self.error is not None:
            self.expect_continue = False  # a refused request gets its refusal, not "100 Continue" first
        if not in_head:
            return consumed
        if self.error is None and self.headers_finished:
            line_length = len(getattr(self, "first_line", b""))
        elif self.error is None or isinstance(self.error, RequestHeaderFieldsTooLarge):
            seen = (self.header_plus if self.error is None else before + data[:consumed]).lstrip()
            line_end = seen.find(b"\n")
            line_length = len(seen) if line_end < 0 else line_end
        else:
            return consumed
        if line_length > MAX_REQUEST_LINE:
            if not self.headers_finished:
                self.parse_header(b"GET / HTTP/1.0\r\n")
            self.error = UriTooLong(f"the request line exceeds {MAX_REQUEST_LINE} bytes")
            self.completed = self.headers_finished = True
            self.expect_continue = False
        return consumed


class _AccessLog:
    """One access log line per answer, in gunicorn's default format, on gunicorn's access logger."""

    channel: Any
    request: Any
    status: str
    content_bytes_written: int
    start_time: float

    def service(self) -> None:
        try:
            super().service()  # type: ignore[misc]
        finally:
            server = self.channel.server
            access = server.access_log
            if access is not None and access.handlers:
                req = self.request
                line = f"{getattr(req, 'command', None) or '-'} {getattr(req, 'request_uri', '-')} HTTP/{req.version}"
                headers = req.headers or {}
                access.info(
                    '%s - - [%s] "%s" %s %s "%s" "%s"',
                    self.channel.addr[0] if self.channel.addr else "-",
                    time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(self.start_time or time.time())),
                    line,
                    self.status.split(" ", 1)[0],
                    self.content_bytes_written or "-",
                    headers.get("REFERER", "-"),
                    headers.get("USER_AGENT", "-"),
                )


class _ErrorTask(_AccessLog, ErrorTask):  # type: ignore[misc]
    def execute(self) -> None:
        status, headers, body = server_problem(self.request.error)
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _AppTask(_AccessLog, WSGITask):  # type: ignore[misc]
    def build_response_header(self) -> bytes:
        if self.channel.server.stopping:  # RFC 9112 §9.6: tell the client this connection ends here
            self.set_close_on_finish()
        return bytes(super().build_response_header())


class _Channel(HTTPChannel):  # type: ignore[misc]
    """One client connection: waitress's, plus the timeouts, lingering close and a count of answered requests."""

    task_class = _AppTask
    error_task_class = _ErrorTask
    parser_class = _Parser

    linger_until: float | None = None
    answered = 0
    _in_read = False

    def service(self) -> None:
        super().service()
        self.answered += 1

    def readable(self) -> bool:
        return True if self.linger_until is not None else bool(super().readable())

    def writable(self) -> bool:
        return False if self.linger_until is not None else bool(super().writable())

    def handle_read(self) -> None:
        if self.linger_until is not None:  # half-closed: discard until the client closes too
            try:
                data = self.socket.recv(65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self.close_now()
            return
        self._in_read = True
        try:
            super().handle_read()
        finally:
            self._in_read = False

    def handle_close(self) -> None:
        """The server's own close is a half-close with a linger; the client's close or an error closes at once."""
        if self._in_read or self.linger_until is not None or not self.connected or self.requests:
            self.close_now()
            return
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            self.close_now()
            return
        self.linger_until = time.time() + LINGER_SECONDS
        self.will_close = self.close_when_flushed = False

    def close_now(self) -> None:
        self.linger_until = None
        HTTPChannel.handle_close(self)

    def check_timeouts(self, now: float, limits: ServerLimits) -> None:
        """Called once a second from the event loop (the only thread that reads, accepts or closes)."""
        if self.linger_until is not None:
            if now >= self.linger_until:
                self.close_now()
            return
        quiet = now - self.last_activity
        if self.requests or self.total_outbufs_len:
            # An answer is being computed or sent. Computing may take long; a client that stops reading may not.
            if self.total_outbufs_len and quiet > limits.read_timeout:
                self.close_now()  # also releases a thread blocked on a full output buffer
            return
        request = self.request
        if request is None:
            if quiet > (limits.keepalive_timeout if self.answered else limits.header_timeout):
                self.will_close = True  # nothing started: close quietly (the loop closes it, cleanly)
            return
        late_head = not request.headers_finished and now - request.started > limits.header_timeout
        if late_head or quiet > limits.read_timeout:
            self._answer_timeout(now)

    def _answer_timeout(self, now: float) -> None:
        with self.requests_lock:
            partial, self.request = self.request, None
            if partial is not None:
                partial.close()
            answer = self.parser_class(self.adj)
            answer.version = "1.1"
            if partial is not None and partial.headers_finished:  # for the access log
                answer.command, answer.request_uri = partial.command, partial.request_uri
            answer.error = RequestTimeout("the request did not arrive completely in time")
            answer.completed = True
            self.requests.append(answer)
            self.last_activity = now
        self.server.add_task(self)


class _WakeUp(wasyncore.file_dispatcher):  # type: ignore[misc]
    """gunicorn's signal pipe in the event loop: a TERM wakes the loop at once, and the pipe never fills up."""

    def writable(self) -> bool:
        return False

    def handle_read(self) -> None:
        with contextlib.suppress(OSError):
            os.read(self._fileno, 4096)


class _ServerMixin:
    """What both listener kinds add to waitress's server: the limits, the stop flag, our channel."""

    channel_class = _Channel
    limits: ServerLimits
    stopping = False
    access_log: logging.Logger | None = None
    active_channels: dict[int, _Channel]

    def maintenance(self, now: float) -> None:
        for channel in list(self.active_channels.values()):
            channel.check_timeouts(now, self.limits)


class _TcpServer(_ServerMixin, TcpWSGIServer):  # type: ignore[misc]
    pass


class _UnixServer(_ServerMixin, UnixWSGIServer):  # type: ignore[misc]
    pass


def _forwarded_scheme(app: Any, trusted: list[str]) -> Any:
    """``https`` as the URL scheme when a trusted proxy says so, with gunicorn's default headers (and only those:
    the client address is never taken from ``X-Forwarded-For``, see ratelimit.py)."""
    secure = {"HTTP_X_FORWARDED_PROTOCOL": "ssl", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_SSL": "on"}

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        if "*" in trusted or environ.get("REMOTE_ADDR") in trusted:
            for key, value in secure.items():
                if environ.get(key, "").lower() == value:
                    environ["wsgi.url_scheme"] = "https"
                    break
        return app(environ, start_response)

    return wrapped


def _file_limit(wanted: int) -> int:
    """Raise this process's open-file limit towards ``wanted`` (up to the hard limit); return what it is now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return 1 << 30 if soft == resource.RLIM_INFINITY else int(soft)


class WaitressWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker whose connections are served by waitress (see the module docstring)."""

    def run(self) -> None:
        limits: ServerLimits = self.app.limits
        # each connection may hold a socket and a spooled body: keep two descriptors per connection in reserve
        files = _file_limit(2 * limits.connection_limit + 256)
        connection_limit = max(16, min(limits.connection_limit, (files - 256) // 2))
        if connection_limit < limits.connection_limit:
            self.log.warning("open-file limit %d: at most %d connections per worker", files, connection_limit)
        adj = Adjustments(
            threads=self.cfg.threads,
            backlog=self.cfg.backlog,
            connection_limit=connection_limit,
            cleanup_interval=MAINTENANCE_SECONDS,
            channel_timeout=int(max(limits.keepalive_timeout, limits.read_timeout, limits.header_timeout)) + 1,
            max_request_header_size=MAX_HEADER_BYTES,
            # waitress refuses at >=, the app (MAX_CONTENT_LENGTH) above: the same largest allowed body
            max_request_body_size=limits.max_request_size + 1,
            inbuf_overflow=INBUF_SPOOL_BYTES,
            clear_untrusted_proxy_headers=False,
            log_socket_errors=False,
            ident="arsip",
            asyncore_use_poll=True,  # select() stops at descriptor 1024
        )
        # waitress warns on every request that has to wait for a thread; under load that is a line per request
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(adj.threads)
        app = _forwarded_scheme(self.wsgi, list(self.cfg.forwarded_allow_ips))
        socket_map: dict[int, Any] = {}
        servers: list[_ServerMixin] = []
        for listener in self.sockets:
            sock = listener.sock
            kind = _UnixServer if sock.family == getattr(socket, "AF_UNIX", None) else _TcpServer
            server = kind(
                app,
                socket_map,
                True,
                sock,
                dispatcher=dispatcher,
                adj=adj,
                bind_socket=False,
                sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()),
            )
            server.limits = limits
            server.access_log = getattr(self.log, "access_log", None)
            servers.append(server)
        _WakeUp(self.PIPE[0], socket_map)
        try:
            while self.alive:
                self.notify()
                wasyncore.loop(timeout=1.0, map=socket_map, use_poll=True, count=1)
                if self.ppid != os.getppid():
                    self.log.info("Parent changed, shutting down: %s", self)
                    break
            self._serve_until_done(servers, socket_map)
        finally:
            dispatcher.shutdown(cancel_pending=True, timeout=5)
            wasyncore.close_all(socket_map)

    def _serve_until_done(self, servers: list[_ServerMixin], socket_map: dict[int, Any]) -> None:
        """Graceful stop: accept nothing new, finish what is running (up to ``graceful_timeout``), answer a
        request that arrives meanwhile on a kept-alive connection with ``Connection: close``."""
        stop_started = time.time()
        deadline = stop_started + self.cfg.graceful_timeout
        for server in servers:
            server.stopping = True
            server.accepting = False  # type: ignore[attr-defined]
        while time.time() < deadline:
            channels = [c for s in servers for c in list(s.active_channels.values())]
            if not channels:
                return
            if time.time() - stop_started >= STOP_LINGER_SECONDS:
                for channel in channels:
                    if channel.request is None and not channel.requests and not channel.total_outbufs_len:
                        channel.will_close = True
            self.notify()
            wasyncore.loop(timeout=0.2, map=socket_map, use_poll=True, count=1)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any], limits: ServerLimits) -> None:
        self.options = options
        self.limits = limits
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn >= 25.1 opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl):
            # a second `arsip serve` on the machine (staging, tests) would take it over. Nothing here uses it.
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Any:
        from .app import create_app

        settings = Settings.from_env()
        return create_app(settings, start_index_worker=settings.index_worker_thread)


def run_server(bind: str, workers: int, threads: int, settings: Settings | None = None) -> None:
    """Run ``workers`` processes of ``threads`` threads each on ``bind`` until stopped (gunicorn's signals)."""
    settings = settings or Settings.from_env()
    _Gunicorn(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": WaitressWorker,
            "timeout": 120,
            "accesslog": "-",
            "forwarded_allow_ips": "127.0.0.1",
        },
        ServerLimits.from_settings(settings),
    ).run()
