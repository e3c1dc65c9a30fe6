"""The worker pool: files extract in child processes, and a file that hangs, eats memory or kills its worker
costs only itself. The misbehaving files are the private test MIME types of ``indexer.extract.dispatch``,
switched on by ARSIP_EXTRACT_TEST_HOOKS=1 (the pool hands the variable to its workers)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_service.demo.pdfgen import make_pdf
from indexer.extract import Extraction, ExtractionFailed, ExtractionPool

SLEEP = "application/x-arsip-test-sleep"
MEMORY = "application/x-arsip-test-memory"
CRASH = "application/x-arsip-test-crash"
PROGRESS = "application/x-arsip-test-progress"


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARSIP_EXTRACT_TEST_HOOKS", "1")


@pytest.fixture
def pdfs(tmp_path: Path) -> list[Path]:
    paths = []
    for number in range(4):
        path = tmp_path / f"surat-{number}.pdf"
        path.write_bytes(make_pdf([[f"Surat edaran nomor {number} tentang tata naskah dinas elektronik"]]))
        paths.append(path)
    return paths


@pytest.fixture
def sleeper(tmp_path: Path) -> Path:
    path = tmp_path / "tidur.txt"
    path.write_text("60")
    return path


def assert_extracts(pool: ExtractionPool, pdf: Path) -> None:
    result = pool.extract(pdf, "application/pdf")
    assert "tata naskah dinas" in result.text


def test_map_unordered_returns_every_key(pdfs: list[Path], tmp_path: Path) -> None:
    note = tmp_path / "catatan.txt"
    note.write_text("Catatan rapat pimpinan")
    items = [(str(p), p, "application/pdf") for p in pdfs] + [("catatan", note, "text/plain")]
    with ExtractionPool(workers=2, ocr=False) as pool:
        results = dict(pool.map_unordered(items))
    assert set(results) == {key for key, _, _ in items}
    assert all(isinstance(r, Extraction) for r in results.values())
    assert results["catatan"].text == "Catatan rapat pimpinan"
    assert "nomor 3" in results[str(pdfs[3])].text


def test_timeout_kills_only_that_file(hooks: None, pdfs: list[Path], sleeper: Path) -> None:
    items = [("tidur", sleeper, SLEEP)] + [(str(p), p, "application/pdf") for p in pdfs]
    started = time.monotonic()
    with ExtractionPool(workers=2, timeout_s=1, ocr=False) as pool:
        results = dict(pool.map_unordered(items))
        assert time.monotonic() - started < 15
        failure = results.pop("tidur")
        assert isinstance(failure, ExtractionFailed) and failure.reason == "timeout"
        assert len(results) == len(pdfs)  # the other files in flight were not lost
        assert all(isinstance(r, Extraction) and "tata naskah" in r.text for r in results.values())
        assert_extracts(pool, pdfs[0])  # and the pool carries on with a fresh worker


def test_extract_raises_timeout(hooks: None, sleeper: Path) -> None:
    with ExtractionPool(workers=1, timeout_s=1) as pool, pytest.raises(ExtractionFailed) as info:
        pool.extract(sleeper, SLEEP)
    assert info.value.reason == "timeout"


def test_progress_extends_the_deadline_up_to_the_total(hooks: None, tmp_path: Path) -> None:
    """Long OCR jobs report each page; that earns more time, but never beyond total_timeout_s."""
    busy = tmp_path / "sibuk.txt"
    busy.write_text("2.5")
    with ExtractionPool(workers=1, timeout_s=1, total_timeout_s=30) as pool:
        assert pool.extract(busy, PROGRESS).pages == ["bangun"]
    with ExtractionPool(workers=1, timeout_s=1, total_timeout_s=1.5) as pool, pytest.raises(ExtractionFailed) as info:
        pool.extract(busy, PROGRESS)
    assert info.value.reason == "timeout" and "in total" in info.value.message


def test_memory_bomb_is_contained(hooks: None, pdfs: list[Path], sleeper: Path) -> None:
    with ExtractionPool(workers=1, memory_mb=256, ocr=False) as pool:
        with pytest.raises(ExtractionFailed) as info:
            pool.extract(sleeper, MEMORY)
        assert info.value.reason == "memory"
        assert_extracts(pool, pdfs[1])


def test_killed_worker_is_replaced(hooks: None, pdfs: list[Path], sleeper: Path) -> None:
    with ExtractionPool(workers=2, ocr=False) as pool:
        results = dict(pool.map_unordered([("mati", sleeper, CRASH), ("surat", pdfs[2], "application/pdf")]))
        assert isinstance(results["mati"], ExtractionFailed) and results["mati"].reason == "crashed"
        assert isinstance(results["surat"], Extraction)
        for pdf in pdfs:
            assert_extracts(pool, pdf)


def test_corrupt_file_is_reported(tmp_path: Path, pdfs: list[Path]) -> None:
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(make_pdf([["Dokumen terpotong"]])[:300])
    with ExtractionPool(workers=1, timeout_s=30, ocr=False) as pool:
        results = dict(pool.map_unordered([("rusak", broken, "application/pdf"), ("baik", pdfs[0], "application/pdf")]))
    assert isinstance(results["rusak"], ExtractionFailed) and results["rusak"].reason == "corrupt"
    assert isinstance(results["baik"], Extraction)


def test_items_are_read_lazily(pdfs: list[Path]) -> None:
    pulled = 0

    def items() -> Iterator[tuple[int, Path, str]]:
        nonlocal pulled
        for number in range(20):
            pulled += 1
            yield number, pdfs[number % len(pdfs)], "application/pdf"

    with ExtractionPool(workers=2, ocr=False) as pool:
        stream = pool.map_unordered(items())
        next(stream)
        assert pulled <= 3  # two in flight, at most one more taken when the first finished
        rest = list(stream)
    assert len(rest) == 19 and pulled == 20


def test_leaving_early_kills_busy_workers(hooks: None, pdfs: list[Path], sleeper: Path) -> None:
    with ExtractionPool(workers=2, timeout_s=60, ocr=False) as pool:
        stream = pool.map_unordered([("surat", pdfs[0], "application/pdf"), ("tidur", sleeper, SLEEP)])
        key, _ = next(stream)
        assert key == "surat"
        started = time.monotonic()
        stream.close()  # the sleeping worker is killed, not waited for
        assert time.monotonic() - started < 10
        assert_extracts(pool, pdfs[1])


def test_in_process_mode(tmp_path: Path, pdfs: list[Path]) -> None:
    broken = tmp_path / "rusak.docx"
    broken.write_bytes(b"PK\x03\x04 bukan docx")
    pool = ExtractionPool(workers=0)
    assert_extracts(pool, pdfs[0])
    results = dict(
        pool.map_unordered(
            [("rusak", broken, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
        )
    )
    assert isinstance(results["rusak"], ExtractionFailed) and results["rusak"].reason == "corrupt"
    pool.close()


def test_closed_pool_refuses_work(pdfs: list[Path]) -> None:
    pool = ExtractionPool(workers=1, ocr=False)
    assert_extracts(pool, pdfs[0])
    pool.close()
    with pytest.raises(RuntimeError):
        pool.extract(pdfs[0], "application/pdf")
