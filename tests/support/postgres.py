"""A throwaway PostgreSQL server for the test session, from the machine's Debian packages.

Started with initdb/pg_ctl on 127.0.0.1 and a free port (as the ``postgres`` user when the tests run as root,
because the server refuses to run as root), tuned for speed (no fsync), and removed at the end of the session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    as_postgres_user: bool

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres_user:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd="/")

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL server binaries not found: install Debian's 'postgresql' package "
            "(scripts/test.sh does), or set ARSIP_TEST_DATABASES=sqlite to run on SQLite only."
        )
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="arsip-pg-"))
    if as_root:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bindir=bindir, root=root, port=free_port(), as_postgres_user=as_root)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr}\n{log}") from exc
    try:
        yield server
    finally:
        server.stop()
