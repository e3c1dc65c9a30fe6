"""Deferred directory fsyncs: what a batched put owes, that a flush pays it, and that a failed flush keeps it owed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from archive_service.storage import PendingSync, stage_stream
from archive_service.storage.local import LocalBlobStore


def test_batched_put_owes_every_directory_level_and_the_flush_pays_it(local_store: LocalBlobStore) -> None:
    pending = PendingSync()
    staged = stage_stream(io.BytesIO(b"owed"), local_store.staging_dir)
    assert local_store.put_staged(staged, pending) is True
    dest = local_store.path(staged.sha256)
    assert dest.read_bytes() == b"owed"
    assert len(pending) == 3  # root, ab, ab/cd
    pending.flush()
    assert len(pending) == 0


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


def test_a_failed_flush_keeps_everything_owed(tmp_path: Path) -> None:
    gone = tmp_path / "vanished"
    pending = PendingSync(use_syncfs=False)
    pending.add(dirs=[tmp_path, gone])
    with pytest.raises(FileNotFoundError):
        pending.flush()
    assert len(pending) == 2
    gone.mkdir()
    pending.flush()
    assert len(pending) == 0
