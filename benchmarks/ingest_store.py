#!/usr/bin/env python3
"""Ingest every file of ../shared/corpus through the service (store + records + audit; no text extraction)
and compare its throughput with a plain ``cp`` of the same files, measured in the same run.

Both sides read from a warm page cache (every file is read once first), so the comparison is of the work each
does, not of the disk. The ingest side streams each file into a staged temp file while hashing it, sniffs its type,
stores it by hard link with fsync (durable, which cp is not), and commits record + file + audit + outbox rows.
A large generated file is ingested at the end to show that peak memory does not grow with file size.

Target: ingest MB/s >= 0.5 x cp MB/s; peak RSS < 300 MB.
Usage: python benchmarks/ingest_store.py [--corpus PATH] [--large-mb 400]
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive_service.config import Settings  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import auth  # noqa: E402
from archive_service.services.actor import SYSTEM  # noqa: E402
from archive_service.services.ingest import ingest_paths  # noqa: E402


def corpus_files(corpus: Path) -> list[Path]:
    with (corpus / "MANIFEST.csv").open(newline="") as fh:
        return [corpus / row["file"] for row in csv.DictReader(fh)]


def warm(files: list[Path]) -> int:
    total = 0
    for path in files:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                total += len(block)
    return total


def time_cp(files: list[Path], corpus: Path, dest: Path) -> float:
    """One cp process per top-level folder (cp -r), as a person would copy the corpus."""
    folders = sorted({p.relative_to(corpus).parts[0] for p in files})
    started = time.perf_counter()
    subprocess.run(["cp", "-r", *[str(corpus / f) for f in folders], str(dest)], check=True)
    return time.perf_counter() - started


def make_large_pdf(path: Path, size_mb: int) -> None:
    """A big file that libmagic calls a PDF (header + filler), written in chunks."""
    block = b"%\x00" * (1 << 19)
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for _ in range(size_mb):
            fh.write(block)
        fh.write(b"\n%%EOF\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--large-mb", type=int, default=400, help="size of the generated large file (0: none)")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not (corpus / "MANIFEST.csv").is_file():
        print(f"corpus not found at {corpus} (expected ../shared/corpus beside the clone)", file=sys.stderr)
        return 2
    files = corpus_files(corpus)
    total_bytes = warm(files)
    mb = total_bytes / 1e6

    with tempfile.TemporaryDirectory(prefix="arsip-bench-") as tmp:
        work = Path(tmp)
        cp_runs = []
        for _ in range(3):  # cp on a warm cache is quick and noisy: take the median of three
            (work / "cp").mkdir()
            cp_runs.append(time_cp(files, corpus, work / "cp"))
            shutil.rmtree(work / "cp")
        cp_seconds = statistics.median(cp_runs)
        (work / "cp2").mkdir()
        sync_started = time.perf_counter()
        time_cp(files, corpus, work / "cp2")
        subprocess.run(["sync", "-f", str(work / "cp2")], check=True)
        cp_sync_seconds = time.perf_counter() - sync_started
        shutil.rmtree(work / "cp2")

        settings = Settings(data_dir=work / "var")
        rt = Runtime.from_settings(settings)
        rt.migrate()
        auth.create_unit(rt, SYSTEM, "bench", "Unit Benchmark")
        defaults = {"processing_unit": "bench", "creator_org": "Benchmark", "classification_code": "000.5.3.2"}
        started = time.perf_counter()
        summary = ingest_paths(rt, SYSTEM, files, defaults)
        ingest_seconds = time.perf_counter() - started
        if summary.failed:
            for failed in summary.failed:
                print(f"failed: {failed.path}: {failed.error}", file=sys.stderr)
            return 1
        rss_corpus_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        large_note = "no large file"
        if args.large_mb:
            big = work / "besar.pdf"
            make_large_pdf(big, args.large_mb)
            big_started = time.perf_counter()
            big_summary = ingest_paths(rt, SYSTEM, [big], defaults)
            big_seconds = time.perf_counter() - big_started
            assert not big_summary.failed, big_summary.failed[0].error
            large_note = f"{args.large_mb} MB file ingested in {big_seconds:.1f} s"
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rt.close()

    ingest_mbps = mb / ingest_seconds
    cp_mbps = mb / cp_seconds
    ratio = ingest_mbps / cp_mbps
    print(f"corpus: {len(files)} files, {mb:.1f} MB (page cache warm)")
    print(f"cp -r (median of 3):  {cp_seconds:.2f} s = {cp_mbps:.1f} MB/s, {len(files) / cp_seconds:.0f} files/s")
    print(f"cp -r + sync (durable, for context): {cp_sync_seconds:.2f} s = {mb / cp_sync_seconds:.1f} MB/s")
    print(
        f"ingest: {ingest_seconds:.2f} s = {ingest_mbps:.1f} MB/s, {len(files) / ingest_seconds:.0f} files/s "
        f"(store + records + audit, SQLite, local blobs with fsync)"
    )
    print(f"peak RSS: {rss_corpus_mb:.0f} MB after the corpus, {rss_mb:.0f} MB after the {large_note}")
    print(
        f"BENCH ingest_store value={ingest_mbps:.1f}MB/s baseline={cp_mbps:.1f}MB/s ratio={ratio:.2f} "
        f"target=ratio>=0.5,peak_rss<300MB(got {rss_mb:.0f}MB)"
    )
    return 0 if ratio >= 0.5 and rss_mb < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
