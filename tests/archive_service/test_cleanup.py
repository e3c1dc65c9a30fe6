"""Restarts clean up after crashes (issue 16, item 5).

The finding: orphan blobs stayed until someone ran ``arsip sweep`` by hand, staging files of killed uploads were
ignored for 24 h, ``extract-*`` folders and OCR page images piled up, and abandoned tantivy generations were never
deleted. Here real processes are killed with SIGKILL — an ingest mid-way, a worker mid-OCR, a reindex mid-build —
and a restart (``arsip worker``, whose start-up clean-up runs when it takes the worker lock) must leave nothing
behind. The grace for staging files and blobs is set to zero (``ARSIP_UPLOAD_MAX_SECONDS=0``) so that the test
need not wait for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive_service.cli import main
from archive_service.config import Settings
from archive_service.db import Blob
from archive_service.runtime import Runtime
from archive_service.services import cleanup, cron, index_admin, indexing
from archive_service.services.actor import SYSTEM
from indexer.extract import tesseract_available
from tests.support.pdfs import bulky_pdf, scan_pdf

needs_tesseract = pytest.mark.skipif(not tesseract_available("ind+eng"), reason="tesseract with ind+eng not installed")


@pytest.fixture
def env(settings, monkeypatch):  # type: ignore[no-untyped-def]
    values = {"ARSIP_DATA_DIR": str(settings.data_dir), "ARSIP_DATABASE_URL": settings.database_url}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **values}


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The clean-up also looks at the system's temp folder, where other programs' test runs leave folders of their
    killed processes: each test gets its own."""
    folder = tmp_path / "systmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(rt: Runtime) -> dict[str, int]:
    """What is on disk that nothing refers to, counted directly (not by the clean-up's own code)."""
    with rt.db.read() as session:
        rows = set(session.execute(select(Blob.sha256)).scalars())
    stored = set(rt.blobs.iter_sha256())
    tmp = rt.settings.staging_dir
    gens = 0
    for name in indexing.INDEXES:
        folder = rt.settings.data_dir / "index" / name
        if (folder / "CURRENT").exists():
            current = (folder / "CURRENT").read_text().strip()
            gens += sum(1 for p in folder.glob("gen-*") if p.name != current)
    return {
        "staging_files": len(list(tmp.glob("stage-*"))),
        "orphan_blobs": len(stored - rows),
        "temp_folders": len([p for p in tmp.iterdir() if p.is_dir() and "extract-" in p.name]),
        "index_generations": gens,
    }


def kill_group(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@needs_tesseract
def test_a_restart_after_killed_ingest_worker_and_reindex_leaves_nothing_behind(rt, accounts, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    inbox = tmp_path / "masuk"
    inbox.mkdir()
    for n in range(240):
        words = ["Surat", "dinas", "nomor", f"{n}", "tentang", "pengelolaan", "arsip"]
        (inbox / f"surat-{n:03d}.pdf").write_bytes(bulky_pdf(words, 600_000))
    for n in range(2):
        pages = [[f"Pindaian lampiran {n} halaman {p}", "Keputusan Kepala Dinas"] for p in range(12)]
        (inbox / f"pindai-{n}.pdf").write_bytes(scan_pdf(pages))

    # 1. an ingest killed mid-way: blobs stored whose records never committed, files half staged
    ingest = subprocess.Popen(
        [sys.executable, "-m", "archive_service", "ingest", str(inbox), "--unit", "kominfo", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    try:
        while True:
            assert ingest.poll() is None, "the ingest ended before it could be killed mid-way"
            assert time.monotonic() < deadline
            found = leftovers(rt)
            if found["staging_files"] and found["orphan_blobs"] and _rows(rt) >= 2:  # the scans are committed
                break
            time.sleep(0.002)
    finally:
        kill_group(ingest)
    after_ingest = leftovers(rt)
    assert after_ingest["staging_files"] > 0 and after_ingest["orphan_blobs"] > 0
    assert 2 <= _rows(rt) < 242  # mid-way indeed

    # 2. a worker killed mid-OCR: its extraction processes' folders (OCR page images inside) stay behind
    worker = subprocess.Popen(
        [sys.executable, "-m", "archive_service", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    try:
        while not any(p.name.startswith("arsip-ocr-") for p in rt.settings.staging_dir.glob("arsip-extract-*/*")):
            assert worker.poll() is None and time.monotonic() < deadline, "the worker never started OCR"
            time.sleep(0.01)
    finally:
        kill_group(worker)
    assert leftovers(rt)["temp_folders"] > 0

    # 3. a reindex killed mid-build: its new generation stays beside the live one
    script = textwrap.dedent(
        """
        import os, signal
        from archive_service.config import Settings
        from archive_service.runtime import Runtime
        from indexer.model import IndexDocument
        rt = Runtime.from_settings(Settings.from_env())
        build = rt.search.index("internal").begin_rebuild()
        build.add([IndexDocument(id=n, version=1, title=f"dokumen {n}") for n in range(1, 50)])
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    before = leftovers(rt)
    assert before["index_generations"] > 0
    print(f"\nleft behind by the kills: {before}")

    # what the clean-up would remove (dry run, zero grace) is exactly what is left over
    zero = Runtime.from_settings(Settings(**{**rt.settings.__dict__, "upload_max_seconds": 0}))
    try:
        would = cleanup.run(zero, reason="check", dry_run=True)
    finally:
        zero.close()
    assert (would.staging_files, would.orphan_blobs, would.temp_folders, would.index_generations) == (
        before["staging_files"],
        before["orphan_blobs"],
        before["temp_folders"],
        before["index_generations"],
    )

    # 4. the restart: the worker takes the lock, cleans up, then indexes what the ingest committed
    restarted = CliRunner().invoke(main, ["worker", "--once"], env={"ARSIP_UPLOAD_MAX_SECONDS": "0"})
    assert restarted.exit_code == 0, restarted.output
    after = leftovers(rt)
    print(f"after the restart: {after}")
    assert after == {"staging_files": 0, "orphan_blobs": 0, "temp_folders": 0, "index_generations": 0}
    report = cleanup.last(rt)
    assert report is not None and report["reason"] == "startup"
    assert (report["staging_files"], report["orphan_blobs"], report["temp_folders"], report["index_generations"]) == (
        before["staging_files"],
        before["orphan_blobs"],
        before["temp_folders"],
        before["index_generations"],
    )
    print(report["line"])
    assert report["line"] == index_admin.status(rt, SYSTEM)["cleanup"]["line"]
    assert indexing.backlog(rt)["pending"] == 0  # and the committed records were indexed
    assert CliRunner().invoke(main, ["index", "verify"]).exit_code == 0


def test_the_clean_up_spares_live_work(rt, private_tmp) -> None:  # type: ignore[no-untyped-def]
    """With the default grace nothing young is touched; a folder of a live process and a generation being built
    stay (the folder of a dead one goes); a successful reindex removes a stray generation by itself."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    dead = private_tmp / f"arsip-extract-{ended.pid}-{_host()}-mati"  # e.g. OCR images of a killed run
    (dead / "arsip-ocr-x").mkdir(parents=True)
    staged = rt.settings.staging_dir / "stage-muda.part"
    staged.write_bytes(b"sedang diunggah")
    sha, _size, _created = rt.blobs.put_stream(__import__("io").BytesIO(b"disimpan, belum di-commit"))
    live = rt.settings.staging_dir / f"arsip-extract-{os.getpid()}-{_host()}-hidup"
    live.mkdir()
    old_dead = rt.settings.staging_dir / "extract-99999999-00000000-lama"  # another machine's: judged by age
    old_dead.mkdir()
    index = rt.search.index(indexing.INTERNAL)
    build = index.begin_rebuild()  # a reindex in progress holds its generation's writer
    report = cleanup.run(rt, reason="test")
    assert (report.staging_files, report.orphan_blobs, report.temp_folders, report.index_generations) == (0, 0, 1, 0)
    assert staged.exists() and rt.blobs.exists(sha) and live.exists() and old_dead.exists() and not dead.exists()
    assert (index.dir / build.gen).is_dir()
    build.abort()

    stray = index.begin_rebuild()  # killed: its writer is dropped without a swap
    stray.writer.rollback()
    del stray.writer
    __import__("gc").collect()
    assert index.remove_stray_generations(dry_run=True) == 1
    index.begin_rebuild().swap()  # a successful reindex deletes the stray generation too
    assert len(list(index.dir.glob("gen-*"))) == 1

    old = time.time() - 10 * 24 * 3600
    os.utime(staged, (old, old))
    os.utime(old_dead, (old, old))
    report = cleanup.run(rt, reason="test", now=time.time())
    assert (report.staging_files, report.temp_folders) == (1, 1)
    assert not staged.exists() and not old_dead.exists() and live.exists()


def test_cron_runs_the_clean_up(rt) -> None:  # type: ignore[no-untyped-def]
    leftover = rt.settings.staging_dir / "stage-lama.part"
    leftover.write_bytes(b"x")
    old = time.time() - 10 * 24 * 3600
    os.utime(leftover, (old, old))
    report = cron.run(rt, dry_run=True)
    assert report.cleanup is not None and report.cleanup.staging_files == 1 and leftover.exists()
    report = cron.run(rt)
    assert report.cleanup is not None and report.cleanup.staging_files == 1 and not leftover.exists()
    assert cleanup.last(rt)["reason"] == "cron"  # type: ignore[index]


def _rows(rt: Runtime) -> int:
    with rt.db.read() as session:
        return int(session.execute(select(func.count()).select_from(Blob)).scalar_one())


def _host() -> str:
    from indexer.extract.pool import owner_tag

    return owner_tag().split("-", 1)[1]
