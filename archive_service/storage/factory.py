"""Turn the configured storage URL into a store, so the rest of Arsip never names a backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .base import BlobStore
from .local import LocalBlobStore


def open_blob_store(
    url: str,
    *,
    staging_dir: Path,
    s3_endpoint_url: str | None = None,
    s3_region: str | None = None,
    s3_access_key: str | None = None,
    s3_secret_key: str | None = None,
    s3_multipart_threshold: int = 64 * 1024 * 1024,
) -> BlobStore:
    """``file:///abs/path`` or a plain path gives a local store, ``s3://bucket/prefix`` an S3 store.

    S3 credentials left as None come from boto3's usual chain (environment, instance role), so production
    can avoid keys in configuration.
    """
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"storage URL needs a bucket: {url!r}")
        from .s3 import S3BlobStore  # boto3 costs ~0.25 s to import; local installs never pay it

        client = make_s3_client(s3_endpoint_url, s3_region, s3_access_key, s3_secret_key)
        return S3BlobStore(parts.netloc, unquote(parts.path), client, s3_multipart_threshold, staging_dir=staging_dir)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file URLs must be local (file:///path): {url!r}")
        return LocalBlobStore(Path(unquote(parts.path)), staging_dir)
    if parts.scheme == "" and url:
        return LocalBlobStore(Path(url).resolve(), staging_dir)
    raise ValueError(f"unsupported storage URL {url!r}; use file:///path or s3://bucket/prefix")


def make_s3_client(endpoint_url: str | None, region: str | None, access_key: str | None, secret_key: str | None) -> Any:
    """One place for client options: path-style addressing for custom endpoints (MinIO, moto) and retries."""
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region)
    return session.client("s3", endpoint_url=endpoint_url, config=config)
