"""Batch ingest: records commit many to a transaction, and one bad record in a batch costs only itself."""

from __future__ import annotations

import errno
from pathlib import Path

from archive_service.services import auth
from archive_service.services.actor import SYSTEM
from archive_service.services.ingest import ingest_paths
from archive_service.storage import durability
from tests.support.checks import assert_consistent, counts
from tests.support.files import pdf_bytes

DEFAULTS = {"processing_unit": "kominfo", "creator_org": "K", "classification_code": "000.1"}


def _letters(directory: Path, count: int) -> list[Path]:
    """``count`` small PDFs, each with its own content."""
    paths = []
    for n in range(count):
        path = directory / f"surat-{n}.pdf"
        path.write_bytes(pdf_bytes(f"Surat nomor {n}"))
        paths.append(path)
    return paths


def test_duplicate_number_in_a_batch_skips_only_that_file(rt, tmp_path: Path) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    paths = _letters(tmp_path, 6)
    metadata = {"surat-2.pdf": {"record_no": "SK/001"}, "surat-4.pdf": {"record_no": "SK/001"}}
    summary = ingest_paths(rt, SYSTEM, paths, DEFAULTS, metadata, batch_size=10)
    assert [r.path.name for r in summary.failed] == ["surat-4.pdf"]
    assert "SK/001" in summary.failed[0].error
    assert len(summary.ok) == 5 and all(r.record_id for r in summary.ok)
    assert counts(rt) == {"records": 5, "files": 5, "blobs": 5}
    assert_consistent(rt)


def test_batches_number_records_without_gaps(rt, tmp_path: Path) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    for n in range(7):
        (tmp_path / f"{n}.txt").write_text(f"catatan {n}\n")
    summary = ingest_paths(
        rt,
        SYSTEM,
        [tmp_path],
        {"processing_unit": "kominfo", "creator_org": "K", "classification_code": "000.1", "doc_date": "2024-05-01"},
        batch_size=3,
    )
    from archive_service.services.records import get_record

    numbers = sorted(get_record(rt, SYSTEM, r.record_id).record_no for r in summary.ok)
    assert numbers == [f"ARS/2024/{i:06d}" for i in range(1, 8)]
    assert_consistent(rt)


def test_blobs_that_cannot_be_made_durable_commit_nothing(rt, tmp_path: Path, monkeypatch) -> None:
    """The batch's blobs are made durable before its transaction; a disk error there commits no record and
    leaves no blob behind (the I/O error is injected: a real one cannot be provoked in a test)."""
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    paths = _letters(tmp_path, 3)

    def failing_fsync(path: Path, *, directory: bool = False) -> None:
        raise OSError(errno.EIO, "Input/output error", str(path))

    monkeypatch.setattr(durability, "_SYNCFS", None)
    monkeypatch.setattr(durability, "fsync_path", failing_fsync)
    summary = ingest_paths(rt, SYSTEM, paths, DEFAULTS)
    assert [r.error for r in summary.results] == ["Input/output error"] * 3
    assert counts(rt) == {"records": 0, "files": 0, "blobs": 0}
    assert list(rt.blobs.iter_sha256()) == []
    monkeypatch.undo()
    again = ingest_paths(rt, SYSTEM, paths, DEFAULTS)
    assert len(again.ok) == 3 and counts(rt) == {"records": 3, "files": 3, "blobs": 3}
    assert_consistent(rt)
