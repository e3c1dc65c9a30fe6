"""S3 store specifics, against a real (moto) S3 endpoint: multipart, metadata, versioned deletion, listing."""

from __future__ import annotations

import hashlib
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from archive_service.storage import BlobNotFound, open_blob_store, stage_stream
from archive_service.storage.s3 import S3BlobStore
from tests.support.s3server import S3Server

MiB = 1024 * 1024


def test_large_file_goes_up_in_parts_and_reads_back(s3_server: S3Server, s3_bucket: str, staging_dir: Path) -> None:
    store = S3BlobStore(s3_bucket, "", s3_server.client(), 5 * MiB, staging_dir=staging_dir)
    data = os.urandom(12 * MiB)
    staged = stage_stream(io.BytesIO(data), staging_dir)
    assert store.put_staged(staged) is True
    head = s3_server.client().head_object(Bucket=s3_bucket, Key=store.key(staged.sha256))
    assert re.fullmatch(r'"[0-9a-f]{32}-3"', head["ETag"]), head["ETag"]
    assert head["ContentLength"] == len(data)
    digest = hashlib.sha256()
    with store.open(staged.sha256) as stream:
        while block := stream.read(MiB):
            digest.update(block)
    assert digest.hexdigest() == staged.sha256


def test_small_file_is_a_single_put_with_metadata(s3_store: S3BlobStore, s3_server: S3Server) -> None:
    sha, _, _ = s3_store.put_stream(io.BytesIO(b"small"))
    head = s3_server.client().head_object(Bucket=s3_store.bucket, Key=s3_store.key(sha))
    assert "-" not in head["ETag"]
    assert head["ContentType"] == "application/octet-stream"
    assert head["Metadata"] == {"sha256": sha}


def test_keys_follow_the_local_layout(s3_server: S3Server, s3_bucket: str, staging_dir: Path) -> None:
    sha = hashlib.sha256(b"k").hexdigest()
    client = s3_server.client()
    assert S3BlobStore(s3_bucket, "", client, staging_dir=staging_dir).key(sha) == f"{sha[:2]}/{sha[2:4]}/{sha}"
    assert S3BlobStore(s3_bucket, "/a/b/", client, staging_dir=staging_dir).key(sha) == (
        f"a/b/{sha[:2]}/{sha[2:4]}/{sha}"
    )


def test_delete_on_versioned_bucket_leaves_no_version_or_marker(s3_store: S3BlobStore, s3_server: S3Server) -> None:
    client = s3_server.client()
    client.put_bucket_versioning(Bucket=s3_store.bucket, VersioningConfiguration={"Status": "Enabled"})
    data = b"versioned content"
    sha = hashlib.sha256(data).hexdigest()
    key = s3_store.key(sha)
    client.put_object(Bucket=s3_store.bucket, Key=key, Body=data)
    client.delete_object(Bucket=s3_store.bucket, Key=key)  # leaves a delete marker
    client.put_object(Bucket=s3_store.bucket, Key=key, Body=data)
    client.put_object(Bucket=s3_store.bucket, Key=key, Body=data)
    neighbour, _, _ = s3_store.put_stream(io.BytesIO(data + b"!"))
    before = client.list_object_versions(Bucket=s3_store.bucket, Prefix=key)
    assert len(before.get("Versions", [])) == 3 and len(before.get("DeleteMarkers", [])) == 1

    s3_store.delete(sha)

    after = client.list_object_versions(Bucket=s3_store.bucket, Prefix=key)
    assert [v for v in after.get("Versions", []) if v["Key"] == key] == []
    assert [m for m in after.get("DeleteMarkers", []) if m["Key"] == key] == []
    assert not s3_store.exists(sha)
    assert s3_store.exists(neighbour)


def test_iter_sha256_pages_past_1000_keys_and_skips_foreign_keys(s3_store: S3BlobStore, s3_server: S3Server) -> None:
    client = s3_server.client()
    shas = sorted(hashlib.sha256(str(i).encode()).hexdigest() for i in range(1005))

    def put(sha: str) -> None:
        client.put_object(Bucket=s3_store.bucket, Key=s3_store.key(sha), Body=b"")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, shas))
    client.put_object(Bucket=s3_store.bucket, Key="blobs/notes.txt", Body=b"")
    client.put_object(Bucket=s3_store.bucket, Key=f"blobs/zz/{shas[0]}", Body=b"")  # misplaced
    client.put_object(Bucket=s3_store.bucket, Key=f"other/{shas[0][:2]}/{shas[0][2:4]}/{shas[0]}", Body=b"")
    assert sorted(s3_store.iter_sha256()) == shas


def test_missing_bucket_is_an_error_not_a_missing_blob(s3_server: S3Server, staging_dir: Path) -> None:
    store = S3BlobStore("arsip-no-such-bucket", "", s3_server.client(), staging_dir=staging_dir)
    with pytest.raises(ClientError) as info:
        store.open(hashlib.sha256(b"x").hexdigest())
    assert not isinstance(info.value, BlobNotFound)
    assert info.value.response["Error"]["Code"] == "NoSuchBucket"


def test_factory_parses_bucket_and_prefix(s3_server: S3Server, staging_dir: Path) -> None:
    store = open_blob_store(
        "s3://my-bucket/some/prefix/",
        staging_dir=staging_dir,
        s3_endpoint_url=s3_server.endpoint_url,
        s3_region="us-east-1",
        s3_access_key="testing",
        s3_secret_key="testing",
        s3_multipart_threshold=6 * MiB,
    )
    assert isinstance(store, S3BlobStore)
    assert (store.kind, store.bucket, store.prefix) == ("s3", "my-bucket", "some/prefix")
    assert store.transfer_config.multipart_threshold == 6 * MiB


def test_open_of_missing_object_raises_blob_not_found(s3_store: S3BlobStore) -> None:
    with pytest.raises(BlobNotFound):
        s3_store.open(hashlib.sha256(b"absent").hexdigest())
