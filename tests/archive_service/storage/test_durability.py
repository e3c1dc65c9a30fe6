"""Deferred directory fsyncs: what a batched put owes, that a flush pays it, and that a failed flush keeps it owed."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest

from archive_service.storage import PendingSync, durability, stage_stream
from archive_service.storage.local import LocalBlobStore


def test_batched_put_names_the_blob_only_when_the_flush_made_its_bytes_durable(local_store: LocalBlobStore) -> None:
    pending = PendingSync()
    staged = stage_stream(io.BytesIO(b"owed"), local_store.staging_dir)
    assert local_store.put_staged(staged, pending) is True
    dest = local_store.path(staged.sha256)
    assert not dest.exists() and staged.path.exists()  # no name before the data is on disk
    assert len(pending) == 5  # the staged data, its link, and root, ab, ab/cd
    pending.flush()
    assert len(pending) == 0
    assert dest.read_bytes() == b"owed"
    assert not staged.path.exists()
    assert list(local_store.iter_sha256()) == [staged.sha256]


@pytest.mark.parametrize("use_syncfs", [True, False])
def test_a_batch_with_the_same_content_twice_stores_it_once(local_store: LocalBlobStore, use_syncfs: bool) -> None:
    pending = PendingSync(use_syncfs=use_syncfs)
    first = stage_stream(io.BytesIO(b"twice in one batch"), local_store.staging_dir)
    second = stage_stream(io.BytesIO(b"twice in one batch"), local_store.staging_dir)
    local_store.put_staged(first, pending)
    local_store.put_staged(second, pending)
    pending.flush()
    assert list(local_store.iter_sha256()) == [first.sha256]
    assert list(local_store.staging_dir.iterdir()) == []


def test_a_staged_file_discarded_before_the_flush_is_not_published(local_store: LocalBlobStore) -> None:
    """Its record failed after the put (services/uploads.py discards every staged file of the request)."""
    pending = PendingSync(use_syncfs=False)
    staged = stage_stream(io.BytesIO(b"given up"), local_store.staging_dir)
    local_store.put_staged(staged, pending)
    staged.discard()
    pending.flush()
    assert list(local_store.iter_sha256()) == []


def test_abandon_discards_what_was_never_published(local_store: LocalBlobStore) -> None:
    pending = PendingSync()
    staged = stage_stream(io.BytesIO(b"abandoned"), local_store.staging_dir)
    local_store.put_staged(staged, pending)
    pending.abandon()
    assert len(pending) == 0
    assert list(local_store.staging_dir.iterdir()) == []
    assert list(local_store.iter_sha256()) == []


def test_a_blob_already_there_is_owed_too(local_store: LocalBlobStore) -> None:
    """Another writer may have linked it a moment ago with its directory fsyncs still pending."""
    local_store.put_stream(io.BytesIO(b"twice"))
    pending = PendingSync()
    staged = stage_stream(io.BytesIO(b"twice"), local_store.staging_dir)
    assert local_store.put_staged(staged, pending) is False
    assert not staged.path.exists()
    assert len(pending) == 3


@pytest.mark.parametrize("use_syncfs", [True, False])
def test_flush_syncs_files_and_directories(tmp_path: Path, use_syncfs: bool) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_bytes(b"x")
    pending = PendingSync(use_syncfs=use_syncfs)
    pending.add(files=[tmp_path / "d" / "f"], dirs=[tmp_path, tmp_path / "d"])
    pending.flush()
    assert len(pending) == 0


def test_a_failed_flush_keeps_everything_owed(local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk error (injected: a real one cannot be provoked here) names nothing, and a retry pays it all."""
    pending = PendingSync(use_syncfs=False)
    staged = stage_stream(io.BytesIO(b"retried"), local_store.staging_dir)
    local_store.put_staged(staged, pending)

    def failing_fsync(path: Path, *, directory: bool = False) -> None:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(durability, "fsync_path", failing_fsync)
    with pytest.raises(OSError, match="Input/output error"):
        pending.flush()
    assert len(pending) == 5
    assert list(local_store.iter_sha256()) == []
    monkeypatch.undo()
    pending.flush()
    assert len(pending) == 0
    assert list(local_store.iter_sha256()) == [staged.sha256]
