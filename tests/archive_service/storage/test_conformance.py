"""The same behaviour from every backend: services cannot tell which store they were given."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from archive_service.storage import BlobNotFound, BlobStore, FileTooLarge, StagedFile, stage_stream

BAD_SHAS = ["../etc/passwd", "A" * 64, "ab" * 31, "g" * 64, "a" * 64 + "/", "/" + "a" * 63, ""]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> BlobStore:
    return request.getfixturevalue(f"{request.param}_store")


def read_all(store: BlobStore, sha: str) -> bytes:
    with store.open(sha) as stream:
        return stream.read()


def test_is_a_blob_store(store: BlobStore) -> None:
    assert isinstance(store, BlobStore)
    assert store.kind in {"local", "s3"}


@pytest.mark.parametrize("size", [0, 1, 70_000])
def test_put_then_open_gives_the_same_bytes(store: BlobStore, size: int) -> None:
    data = os.urandom(size)
    sha, stored_size, created = store.put_stream(io.BytesIO(data))
    assert (sha, stored_size, created) == (hashlib.sha256(data).hexdigest(), size, True)
    assert read_all(store, sha) == data
    assert store.size(sha) == size
    assert store.exists(sha)


def test_open_streams_in_chunks(store: BlobStore) -> None:
    data = os.urandom(300_000)
    sha, _, _ = store.put_stream(io.BytesIO(data))
    chunks = []
    with store.open(sha) as stream:
        while block := stream.read(65536):
            chunks.append(block)
    assert b"".join(chunks) == data
    assert len(chunks) > 1


def test_identical_content_is_stored_once(store: BlobStore, staging_dir: Path) -> None:
    first = stage_stream(io.BytesIO(b"same bytes"), staging_dir)
    second = stage_stream(io.BytesIO(b"same bytes"), staging_dir)
    other = stage_stream(io.BytesIO(b"other bytes"), staging_dir)
    assert store.put_staged(first) is True
    assert store.put_staged(second) is False
    assert store.put_staged(other) is True
    assert sorted(store.iter_sha256()) == sorted([first.sha256, other.sha256])
    assert read_all(store, first.sha256) == b"same bytes"


def test_staged_temp_files_are_gone_after_put(store: BlobStore, staging_dir: Path) -> None:
    new = stage_stream(io.BytesIO(b"new"), staging_dir)
    dup = stage_stream(io.BytesIO(b"new"), staging_dir)
    store.put_staged(new)
    store.put_staged(dup)
    assert not new.path.exists() and not dup.path.exists()
    assert list(staging_dir.iterdir()) == []


def test_delete_removes_the_blob(store: BlobStore) -> None:
    sha, _, _ = store.put_stream(io.BytesIO(b"to be deleted"))
    store.delete(sha)
    assert not store.exists(sha)
    with pytest.raises(BlobNotFound):
        store.open(sha)
    with pytest.raises(BlobNotFound):
        store.size(sha)
    assert sha not in set(store.iter_sha256())
    store.delete(sha)  # missing is not an error
    sha_again, _, created = store.put_stream(io.BytesIO(b"to be deleted"))
    assert (sha_again, created) == (sha, True)


def test_unknown_sha_is_not_found(store: BlobStore) -> None:
    sha = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(sha)
    with pytest.raises(BlobNotFound):
        store.open(sha)
    with pytest.raises(BlobNotFound):
        store.size(sha)


@pytest.mark.parametrize("bad", BAD_SHAS)
def test_bad_sha256_is_rejected(store: BlobStore, bad: str) -> None:
    for call in (store.open, store.size, store.exists, store.delete):
        with pytest.raises(ValueError):
            call(bad)


def test_staged_file_with_bad_sha_is_rejected_and_consumed(store: BlobStore, staging_dir: Path) -> None:
    real = stage_stream(io.BytesIO(b"data"), staging_dir)
    forged = StagedFile(real.path, "../../escape", real.size, real.head)
    with pytest.raises(ValueError):
        store.put_staged(forged)
    assert not real.path.exists()
    assert list(store.iter_sha256()) == []


def test_put_stream_over_limit_stores_nothing(store: BlobStore, staging_dir: Path) -> None:
    with pytest.raises(FileTooLarge):
        store.put_stream(io.BytesIO(b"z" * 101), max_size=100)
    assert list(store.iter_sha256()) == []
    assert list(staging_dir.iterdir()) == []


def test_iter_sha256_lists_every_blob(store: BlobStore) -> None:
    shas = {store.put_stream(io.BytesIO(f"blob {i}".encode()))[0] for i in range(25)}
    listed = list(store.iter_sha256())
    assert len(listed) == 25
    assert set(listed) == shas
