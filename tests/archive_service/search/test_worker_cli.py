"""The worker and index commands as an operator runs them: a kill mid-batch loses nothing, ``index verify``
reports drift with its exit status, ``reindex`` repairs it, failed extractions are visible and retried."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive_service.cli import main
from archive_service.db import Extraction, OutboxEvent
from archive_service.services import index_rebuild, indexing, records
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from indexer.model import IndexDocument
from tests.support.files import pdf_bytes

from .conftest import READY


@pytest.fixture
def env(settings, monkeypatch):  # type: ignore[no-untyped-def]
    values = {"ARSIP_DATA_DIR": str(settings.data_dir), "ARSIP_DATABASE_URL": settings.database_url}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **values}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _add(rt, actor, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for i in range(n):
        pages = [f"Catatan rapat koordinasi nomor {i} kata{i}unik"] + [f"Halaman {p} isi notulen" for p in range(30)]
        staged = stage_stream(io.BytesIO(pdf_bytes(*pages)), rt.settings.staging_dir)
        record = records.create_record(rt, actor, READY | {"title": f"Notulen {i}"}, [Upload(f"n{i}.pdf", staged)])
        ids.append(record.id)
    return ids


def _count(rt, stmt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return int(session.execute(stmt).scalar_one())


def test_killing_the_worker_mid_batch_loses_nothing(rt, accounts, env) -> None:  # type: ignore[no-untyped-def]
    ids = _add(rt, accounts["pendukung"].actor, 40)
    worker = subprocess.Popen(
        [sys.executable, "-m", "archive_service", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _count(rt, select(func.count()).select_from(Extraction)) < 3:  # extraction of the batch has begun
            assert worker.poll() is None and time.monotonic() < deadline, "worker did not start extracting"
            time.sleep(0.02)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    unprocessed = _count(rt, select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None)))
    assert unprocessed > 0  # killed mid-batch: its rows were not marked done
    result = run("worker", "--once")
    assert result.exit_code == 0, result.output
    verified = run("index", "verify")
    assert verified.exit_code == 0, verified.output
    assert "internal: bersih / clean" in verified.output
    hits = index_rebuild.verify(rt, indexing.INTERNAL)
    assert hits.expected == len(ids) and hits.clean
    found = run("search", '"kata7unik"')  # quoted: exactly this word, no typo tolerance
    assert "1 hasil/results" in found.output


def test_verify_exits_non_zero_on_drift_and_reindex_repairs(rt, accounts, env) -> None:  # type: ignore[no-untyped-def]
    ids = _add(rt, accounts["pendukung"].actor, 3)
    assert run("worker", "--once").exit_code == 0
    rt.search.index(indexing.INTERNAL).delete([ids[0]])
    rt.search.index(indexing.PUBLIC).upsert([IndexDocument(id=ids[1], version=1, title="bocor")])
    drift = run("index", "verify")
    assert drift.exit_code == 1
    assert f"missing: {ids[0]}" in drift.output and f"extra: {ids[1]}" in drift.output
    rebuilt = run("reindex")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "internal: 3 arsip/records" in rebuilt.output and "public: 0 arsip/records" in rebuilt.output
    assert run("index", "verify").exit_code == 0


def test_a_corrupt_file_is_archived_marked_and_retried(rt, accounts, env) -> None:  # type: ignore[no-untyped-def]
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"\x00garbage" * 50
    staged = stage_stream(io.BytesIO(broken), rt.settings.staging_dir)
    record = records.create_record(
        rt, accounts["pendukung"].actor, READY | {"title": "Berkas rusak"}, [Upload("rusak.pdf", staged)]
    )
    assert run("worker", "--once").exit_code == 0
    with rt.db.read() as session:
        extraction = session.get(Extraction, record.files[0].blob_sha256)
        assert extraction is not None and extraction.state == "failed" and extraction.error
    status = run("index", "status")
    assert "extraction failed" in status.output
    assert "berkas rusak" in run("search", "rusak").output.lower()  # still found by its metadata
    retried = run("extract", "retry")
    assert retried.exit_code == 1 and "1 gagal/failed" in retried.output
    with rt.db.read() as session:
        assert session.get(Extraction, record.files[0].blob_sha256).attempts == 2
