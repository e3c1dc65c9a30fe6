"""A throwaway S3 endpoint for the test session: moto's standalone server in a subprocess.

A real HTTP server (not moto's in-process mock) exercises the same botocore code paths, multipart uploads and
streaming bodies as production. Credentials are passed explicitly, so no AWS configuration is needed or used.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str = "testing"
    secret_key: str = "testing"
    region: str = "us-east-1"

    def client(self) -> Any:
        """A boto3 S3 client for this server, independent of any AWS settings in the environment."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session(
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key, region_name=self.region
        ).client("s3", endpoint_url=self.endpoint_url, config=Config(s3={"addressing_style": "path"}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP status means the server is up
    except OSError:
        return False


@contextlib.contextmanager
def running_s3_server(log_path: Path) -> Iterator[S3Server]:
    """moto's S3 server in a subprocess on a free port, stopped on exit (the fixture below; benchmarks too)."""
    port = _free_port()
    server = S3Server(endpoint_url=f"http://127.0.0.1:{port}")
    env = {
        **os.environ,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_DEFAULT_REGION": server.region,
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not _answers(server.endpoint_url + "/"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with running_s3_server(tmp_path_factory.mktemp("moto") / "server.log") as server:
        yield server


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> Iterator[str]:
    client = s3_server.client()
    name = f"arsip-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    yield name
    try:  # best effort: keep the server's memory small over a long session
        items = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for page in client.get_paginator("list_object_versions").paginate(Bucket=name)
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        ]
        for start in range(0, len(items), 1000):
            client.delete_objects(Bucket=name, Delete={"Objects": items[start : start + 1000], "Quiet": True})
        client.delete_bucket(Bucket=name)
    except Exception:
        pass
