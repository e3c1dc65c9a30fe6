"""Local store specifics: layout, atomic publishing, cross-filesystem staging, URL parsing."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from pathlib import Path

import pytest

from archive_service.storage import durability, open_blob_store, stage_stream
from archive_service.storage import local as local_module
from archive_service.storage.local import LocalBlobStore


def test_layout_is_two_level_fan_out(local_store: LocalBlobStore) -> None:
    sha, _, _ = local_store.put_stream(io.BytesIO(b"layout"))
    assert (local_store.root / sha[:2] / sha[2:4] / sha).read_bytes() == b"layout"


def test_put_leaves_only_complete_blobs_named_by_their_hash(local_store: LocalBlobStore) -> None:
    for i in range(20):
        local_store.put_stream(io.BytesIO(os.urandom(1000 + i)))
    local_store.put_stream(io.BytesIO(b"dup"))
    local_store.put_stream(io.BytesIO(b"dup"))
    files = [p for p in local_store.root.rglob("*") if p.is_file()]
    assert len(files) == 21
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert path.name == digest
        assert path.relative_to(local_store.root) == Path(digest[:2], digest[2:4], digest)


def test_delete_keeps_other_blobs(local_store: LocalBlobStore) -> None:
    keep, _, _ = local_store.put_stream(io.BytesIO(b"keep"))
    gone, _, _ = local_store.put_stream(io.BytesIO(b"gone"))
    local_store.delete(gone)
    assert list(local_store.iter_sha256()) == [keep]


def test_iter_sha256_ignores_foreign_files(local_store: LocalBlobStore) -> None:
    sha, _, _ = local_store.put_stream(io.BytesIO(b"real"))
    misplaced = hashlib.sha256(b"misplaced").hexdigest()
    (local_store.root / sha[:2] / sha[2:4] / ".tmp-leftover").write_bytes(b"x")
    (local_store.root / sha[:2] / sha[2:4] / misplaced).write_bytes(b"misplaced")
    (local_store.root / "README").write_text("not a blob")
    (local_store.root / "zz").mkdir()
    assert list(local_store.iter_sha256()) == [sha]


def test_staging_on_another_filesystem_is_copied_then_published(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a staging directory on a different filesystem (/dev/shm)")
    with tempfile.TemporaryDirectory(dir=shm) as other_fs:
        store = LocalBlobStore(tmp_path / "blobs", Path(other_fs))
        data = os.urandom(200_000)
        staged = stage_stream(io.BytesIO(data), Path(other_fs))
        assert store.put_staged(staged) is True
        assert not staged.path.exists()
        files = [p for p in store.root.rglob("*") if p.is_file()]
        assert files == [store.path(staged.sha256)]
        assert files[0].read_bytes() == data


def test_concurrent_puts_of_identical_content_create_it_once(local_store: LocalBlobStore) -> None:
    staged = [stage_stream(io.BytesIO(b"race"), local_store.staging_dir) for _ in range(8)]
    barrier = threading.Barrier(len(staged))
    results: list[bool] = []

    def put(item: object) -> None:
        barrier.wait()
        results.append(local_store.put_staged(item))  # type: ignore[arg-type]

    threads = [threading.Thread(target=put, args=(s,)) for s in staged]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    assert list(local_store.staging_dir.iterdir()) == []


def test_factory_accepts_file_url_and_plain_path(tmp_path: Path) -> None:
    from_url = open_blob_store(f"file://{tmp_path}/a", staging_dir=tmp_path / "tmp")
    plain = open_blob_store(str(tmp_path / "b"), staging_dir=tmp_path / "tmp")
    assert isinstance(from_url, LocalBlobStore) and from_url.root == tmp_path / "a"
    assert isinstance(plain, LocalBlobStore) and plain.root == tmp_path / "b"
    assert from_url.kind == plain.kind == "local"
    assert (tmp_path / "a").is_dir() and (tmp_path / "tmp").is_dir()


@pytest.mark.parametrize("url", ["", "ftp://host/x", "file://otherhost/x", "s3:///no-bucket"])
def test_factory_rejects_bad_urls(tmp_path: Path, url: str) -> None:
    with pytest.raises(ValueError):
        open_blob_store(url, staging_dir=tmp_path / "tmp")


def test_single_put_owes_nothing_afterwards(local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a PendingSync the put syncs the file and all three directory levels before it returns."""
    synced: list[tuple[Path, bool]] = []
    real = local_module.fsync_path

    def record(path: Path, *, directory: bool = False) -> None:
        synced.append((Path(path), directory))
        real(path, directory=directory)

    monkeypatch.setattr(local_module, "fsync_path", record)
    monkeypatch.setattr(durability, "fsync_path", record)
    sha, _, created = local_store.put_stream(io.BytesIO(b"alone"))
    dest = local_store.path(sha)
    assert created
    levels = sorted([local_store.root, dest.parent.parent, dest.parent])
    assert [d for d in synced if d[1]] == [(p, True) for p in levels]
    assert len([d for d in synced if not d[1]]) == 1  # the staged file, before it got its name
