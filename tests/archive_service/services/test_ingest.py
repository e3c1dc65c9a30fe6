"""Batch ingest: records commit many to a transaction, and one bad record in a batch costs only itself."""

from __future__ import annotations

from pathlib import Path

from archive_service.services import auth
from archive_service.services.actor import SYSTEM
from archive_service.services.ingest import ingest_paths
from tests.support.checks import assert_consistent, counts
from tests.support.files import pdf_bytes


def test_duplicate_number_in_a_batch_skips_only_that_file(rt, tmp_path: Path) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    paths = []
    for n in range(6):
        path = tmp_path / f"surat-{n}.pdf"
        path.write_bytes(pdf_bytes(f"Surat nomor {n}"))
        paths.append(path)
    metadata = {"surat-2.pdf": {"record_no": "SK/001"}, "surat-4.pdf": {"record_no": "SK/001"}}
    summary = ingest_paths(
        rt,
        SYSTEM,
        paths,
        {"processing_unit": "kominfo", "creator_org": "K", "classification_code": "000.1"},
        metadata,
        batch_size=10,
    )
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
