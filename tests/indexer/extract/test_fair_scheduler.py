"""Bounded, fair extraction (issue 16, item 1) at the indexer's level: blank pages never reach tesseract, the OCR
of a file stops at its page cap and resumes from where it stopped, and the scheduler lets short files overtake a
long scan and a long unsplittable file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archive_service.demo.pdfgen import make_pdf
from indexer.extract import Extraction, ExtractionFailed, ExtractionPool, extract_file, tesseract_available
from indexer.extract.pdf import plan_pdf
from indexer.extract.scheduler import ExtractionScheduler
from tests.support.pdfs import blank_pdf, curves_pdf, scan_pdf

needs_tesseract = pytest.mark.skipif(not tesseract_available("ind+eng"), reason="tesseract with ind+eng not installed")
PDF = "application/pdf"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


SUBJECTS = [
    "anggaran",
    "pendidikan",
    "kesehatan",
    "perhubungan",
    "pertanian",
    "perikanan",
    "kehutanan",
    "pariwisata",
    "perdagangan",
    "keuangan",
    "kepegawaian",
    "perumahan",
    "kebudayaan",
    "olahraga",
    "ketenagakerjaan",
    "lingkungan",
]


def scan_pages(n: int) -> list[list[str]]:
    """``n`` scanned pages; page i (from 1) names the subject ``SUBJECTS[i - 1]``."""
    return [[f"Halaman {i + 1} keputusan", f"Bidang {SUBJECTS[i]}"] for i in range(n)]


def test_a_frame_or_a_few_rules_is_blank_but_curves_scans_and_broken_text_are_not(tmp_path: Path) -> None:
    framed = plan_pdf(write(tmp_path, "bingkai.pdf", blank_pdf(3)))
    assert framed.ocr_todo == () and not framed.ocr_pending
    ruled = blank_pdf(1, b"\n".join(f"56 {100 + 20 * i} m 539 {100 + 20 * i} l S".encode() for i in range(20)))
    assert plan_pdf(write(tmp_path, "garis.pdf", ruled)).ocr_todo == ()  # a ruled form without writing
    assert plan_pdf(write(tmp_path, "kurva.pdf", curves_pdf())).ocr_todo == (0,)  # outlines may be writing
    assert plan_pdf(write(tmp_path, "pindai.pdf", scan_pdf(scan_pages(2)))).ocr_todo == (0, 1)
    mixed = make_pdf([["Teks biasa yang cukup panjang untuk dibaca tanpa OCR sama sekali."], ["12"]])
    assert plan_pdf(write(tmp_path, "campur.pdf", mixed)).ocr_todo == (1,)  # a text object, but not usable text


def test_the_3000_page_blank_pdf_is_read_in_seconds_without_ocr(tmp_path: Path) -> None:
    path = write(tmp_path, "kosong.pdf", blank_pdf(3000))
    assert 300_000 < path.stat().st_size < 400_000  # the finding's 355 KB
    started = time.monotonic()
    result = extract_file(path, PDF)
    elapsed = time.monotonic() - started
    print(f"3,000 framed pages: {elapsed:.2f} s")
    assert len(result.pages) == 3000 and result.ocr_pages == 0 and not result.ocr_pending
    assert elapsed < 10


@needs_tesseract
def test_the_ocr_cap_leaves_pages_for_a_resume(tmp_path: Path) -> None:
    path = write(tmp_path, "pindai.pdf", scan_pdf(scan_pages(5)))
    first = extract_file(path, PDF, max_ocr_pages=2)
    assert first.partial and first.ocr_pending and first.ocr_todo == (2, 3, 4) and first.ocr_pages == 2
    assert SUBJECTS[1] in first.text and SUBJECTS[2] not in first.text
    assert Extraction.from_json_bytes(first.to_json_bytes()) == first  # the partial state is stored with the text
    with ExtractionPool(workers=1, timeout_s=60, analyze=True) as pool:
        scheduler = ExtractionScheduler(pool)
        queue = scheduler.queue()
        queue.submit("lanjut", path, PDF, max_ocr_pages=10, resume=first)
        [(key, resumed)] = queue.results(timeout=120)
        scheduler.close()
    assert key == "lanjut" and isinstance(resumed, Extraction)
    assert not resumed.partial and resumed.ocr_todo == () and resumed.ocr_pages == 5
    assert all(subject in resumed.text for subject in SUBJECTS[:5]) and resumed.analyzed is not None


@needs_tesseract
def test_a_short_file_overtakes_a_long_scan_whose_chunks_use_every_process(tmp_path: Path) -> None:
    long_scan = write(tmp_path, "panjang.pdf", scan_pdf(scan_pages(16)))
    short = write(tmp_path, "surat.pdf", make_pdf([["Surat edaran tentang tata naskah dinas elektronik"]]))
    with ExtractionPool(workers=2, timeout_s=60, analyze=True) as pool:
        scheduler = ExtractionScheduler(pool, ocr_chunk_pages=2)
        queue = scheduler.queue()
        started = time.monotonic()
        queue.submit("pindai", long_scan, PDF, size=long_scan.stat().st_size)
        deadline = time.monotonic() + 30  # the scan's chunks occupy both processes (0.5 s here; longer when loaded)
        while scheduler.snapshot()["running"] < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scheduler.snapshot()["running"] == 2
        queue.submit("surat", short, PDF, size=short.stat().st_size)
        finished: dict[str, float] = {}
        results: dict[str, object] = {}
        while queue.outstanding:
            for key, result in queue.results(timeout=120):
                finished[key] = time.monotonic() - started
                results[key] = result
        scheduler.close()
    print(f"short file after {finished['surat']:.1f} s, 16-page scan after {finished['pindai']:.1f} s")
    assert finished["surat"] < finished["pindai"]
    scan = results["pindai"]
    assert isinstance(scan, Extraction) and scan.ocr_pages == 16 and SUBJECTS[15] in scan.text


def test_a_long_unsplittable_file_leaves_a_process_for_short_ones(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARSIP_EXTRACT_TEST_HOOKS", "1")
    sleeper = write(tmp_path, "tidur.txt", b"30")
    short = write(tmp_path, "surat.pdf", make_pdf([["Surat edaran tentang tata naskah dinas elektronik"]]))
    with ExtractionPool(workers=2, timeout_s=60, ocr=False) as pool:
        scheduler = ExtractionScheduler(pool, long_file_bytes=1000)
        queue = scheduler.queue()
        for n in range(2):  # two long files: only one may run at a time
            queue.submit(f"tidur{n}", sleeper, "application/x-arsip-test-sleep", size=10_000)
        time.sleep(0.5)
        started = time.monotonic()
        queue.submit("surat", short, PDF, size=short.stat().st_size)
        [(key, result)] = queue.results(timeout=20)
        waited = time.monotonic() - started
        assert key == "surat" and isinstance(result, Extraction) and waited < 10
        assert scheduler.snapshot()["long_files"] == 1  # the second long file still waits
        queue.close()  # forgets the sleepers: their process is stopped
        scheduler.close()


def test_a_crash_fails_only_its_own_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARSIP_EXTRACT_TEST_HOOKS", "1")
    crasher = write(tmp_path, "mati.txt", b"x")
    short = write(tmp_path, "surat.pdf", make_pdf([["Surat edaran tentang tata naskah dinas elektronik"]]))
    with ExtractionPool(workers=1, timeout_s=30, ocr=False) as pool:
        scheduler = ExtractionScheduler(pool)
        queue = scheduler.queue()
        queue.submit("mati", crasher, "application/x-arsip-test-crash")
        queue.submit("surat", short, PDF)
        results: dict[str, object] = {}
        while queue.outstanding:
            results.update(queue.results(timeout=30))
        scheduler.close()
    assert isinstance(results["mati"], ExtractionFailed) and results["mati"].reason == "crashed"
    assert isinstance(results["surat"], Extraction) and "naskah" in results["surat"].text
