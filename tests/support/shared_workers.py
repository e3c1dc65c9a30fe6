"""Worker processes that share nothing but a PostgreSQL database and an S3 bucket (ARSIP_WORKER_CLAIMS=database).

Used by the scale-out test and ``benchmarks/scaleout_extract.py``: each worker is ``python -m archive_service
worker`` with its own data folder (its own tantivy index, staging and temp files), as on its own machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from .s3server import S3Server


def shared_env(database_url: str, s3: S3Server, bucket: str, *, lease_seconds: int = 60) -> dict[str, str]:
    """The settings every worker shares: the database, the bucket, database claims, no OCR."""
    return {
        "ARSIP_DATABASE_URL": database_url,
        "ARSIP_STORAGE_URL": f"s3://{bucket}/arsip",
        "ARSIP_S3_ENDPOINT_URL": s3.endpoint_url,
        "ARSIP_S3_REGION": s3.region,
        "ARSIP_S3_ACCESS_KEY": s3.access_key,
        "ARSIP_S3_SECRET_KEY": s3.secret_key,
        "ARSIP_WORKER_CLAIMS": "database",
        "ARSIP_WORKER_LEASE_SECONDS": str(lease_seconds),
        "ARSIP_OCR_ENABLED": "false",
    }


def start_worker(
    shared: dict[str, str],
    data_dir: Path,
    worker_id: str,
    *,
    extract_workers: int = 1,
    extract_only: bool = False,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """``arsip worker`` in its own process group, named ``worker_id``, with its own data folder."""
    env = {
        **os.environ,
        **shared,
        "ARSIP_DATA_DIR": str(data_dir),
        "ARSIP_WORKER_ID": worker_id,
        "ARSIP_EXTRACT_WORKERS": str(extract_workers),
        "ARSIP_WORKER_EXTRACT_ONLY": "true" if extract_only else "false",
    }
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "archive_service", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its extraction pool dies with it when the group is killed
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]


def kill_group(proc: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGKILL) -> None:
    """Send ``sig`` to the worker and its extraction processes, and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    """A clean stop (SIGINT: the worker gives its claims back), SIGKILL if it does not exit in time."""
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # extraction processes left behind, if any
