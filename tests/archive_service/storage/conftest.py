"""Stores under test: a local store in ``tmp_path`` and an S3 store on a fresh bucket of the moto server."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_service.storage import open_blob_store
from archive_service.storage.local import LocalBlobStore
from archive_service.storage.s3 import S3BlobStore
from tests.support.s3server import S3Server


@pytest.fixture
def staging_dir(tmp_path: Path) -> Path:
    path = tmp_path / "staging"
    path.mkdir()
    return path


@pytest.fixture
def local_store(tmp_path: Path, staging_dir: Path) -> LocalBlobStore:
    store = open_blob_store(f"file://{tmp_path / 'blobs'}", staging_dir=staging_dir)
    assert isinstance(store, LocalBlobStore)
    return store


@pytest.fixture
def s3_store(s3_server: S3Server, s3_bucket: str, staging_dir: Path) -> S3BlobStore:
    store = open_blob_store(
        f"s3://{s3_bucket}/blobs",
        staging_dir=staging_dir,
        s3_endpoint_url=s3_server.endpoint_url,
        s3_region=s3_server.region,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
    )
    assert isinstance(store, S3BlobStore)
    return store
