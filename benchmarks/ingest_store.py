#!/usr/bin/env python3
"""Ingest every file of ../shared/corpus through the service (store + sniff + records + audit; no text
extraction) and compare it with the durable baseline, measured in the same run: ``cp -r`` of the same files, then
``sha256sum`` of them, then ``sync``, one after the other.

A plain ``cp`` of warm files runs at memory speed and is the wrong yardstick: a content-addressed, durable store
must read every byte, hash it, write it and get it onto the disk. The baseline does exactly that work with the
standard tools, in two passes over the data; the ingest hashes while it writes (one pass), fsyncs each staged file
before linking it into the store and pays the directory fsyncs once per batch of records, then commits record +
file + audit + outbox rows. Both sides read from a warm page cache (every file is read once first), and both are
timed three times, alternating, and the medians compared, since one run on a shared machine is noisy. A large
generated file is ingested at the end (with its own baseline, for context) to show that peak memory does not grow
with file size.

Target: ingest MB/s >= 0.9 x baseline MB/s; peak RSS <= 300 MB (a 400 MB file included).
Usage: python benchmarks/ingest_store.py [--corpus PATH] [--large-mb 400] [--runs 3]
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


def time_durable_baseline(sources: list[Path], dest: Path) -> float:
    """``cp -r`` of the sources into ``dest``, then ``sha256sum`` of the same files, then ``sync``: the work a
    durable content-addressed store has to do, done by the standard tools one after the other."""
    files = [p for src in sources for p in ([src] if src.is_file() else sorted(src.rglob("*"))) if p.is_file()]
    dest.mkdir()
    started = time.perf_counter()
    subprocess.run(["cp", "-r", *map(str, sources), str(dest)], check=True)
    subprocess.run(["sha256sum", *map(str, files)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["sync"], check=True)
    seconds = time.perf_counter() - started
    shutil.rmtree(dest)
    return seconds


def time_ingest(files: list[Path], data_dir: Path) -> tuple[float, Runtime]:
    """A fresh archive each time (not timed: migrations, the unit); the ingest itself is timed."""
    rt = Runtime.from_settings(Settings(data_dir=data_dir))
    rt.migrate()
    auth.create_unit(rt, SYSTEM, "bench", "Unit Benchmark")
    subprocess.run(["sync"], check=True)  # start from a clean disk, as the baseline does
    started = time.perf_counter()
    summary = ingest_paths(rt, SYSTEM, files, DEFAULTS)
    seconds = time.perf_counter() - started
    for failed in summary.failed:
        raise SystemExit(f"failed: {failed.path}: {failed.error}")
    return seconds, rt


def make_large_pdf(path: Path, size_mb: int) -> None:
    """A big file that libmagic calls a PDF (header + filler), written in chunks."""
    block = b"%\x00" * (1 << 19)
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        for _ in range(size_mb):
            fh.write(block)
        fh.write(b"\n%%EOF\n")


DEFAULTS = {"processing_unit": "bench", "creator_org": "Benchmark", "classification_code": "000.5.3.2"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--large-mb", type=int, default=400, help="size of the generated large file (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each side; medians are compared")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not (corpus / "MANIFEST.csv").is_file():
        print(f"corpus not found at {corpus} (expected ../shared/corpus beside the clone)", file=sys.stderr)
        return 2
    if args.runs < 1:
        print("--runs must be at least 1", file=sys.stderr)
        return 2
    files = corpus_files(corpus)
    total_bytes = warm(files)
    mb = total_bytes / 1e6
    folders = [corpus / f for f in sorted({p.relative_to(corpus).parts[0] for p in files})]
    # cp -r copies whole folders; say how many bytes that is, so a folder with extra files cannot go unnoticed
    folder_mb = sum(p.stat().st_size for f in folders for p in f.rglob("*") if p.is_file()) / 1e6

    with tempfile.TemporaryDirectory(prefix="arsip-bench-") as tmp:
        work = Path(tmp)
        base_runs, ingest_runs = [], []
        for n in range(args.runs):  # alternate, so a burst of load on the shared machine hits both sides
            base_runs.append(time_durable_baseline(folders, work / f"cp{n}"))
            seconds, rt = time_ingest(files, work / f"var{n}")
            ingest_runs.append(seconds)
            if n < args.runs - 1:
                rt.close()
                shutil.rmtree(work / f"var{n}")
        base_seconds = statistics.median(base_runs)
        ingest_seconds = statistics.median(ingest_runs)
        rss_corpus_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        large_note = "no large file"
        if args.large_mb:
            big_dir = work / "besar"
            big_dir.mkdir()
            big = big_dir / "besar.pdf"
            make_large_pdf(big, args.large_mb)
            warm([big])
            big_base = time_durable_baseline([big], work / "cp-besar")
            big_started = time.perf_counter()
            big_summary = ingest_paths(rt, SYSTEM, [big], DEFAULTS)
            big_seconds = time.perf_counter() - big_started
            assert not big_summary.failed, big_summary.failed[0].error
            large_note = f"{args.large_mb} MB file (ingest {big_seconds:.2f} s; cp + sha256sum + sync {big_base:.2f} s)"
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rt.close()

    ingest_mbps = mb / ingest_seconds
    base_mbps = mb / base_seconds
    ratio = ingest_mbps / base_mbps
    print(f"corpus: {len(files)} files, {mb:.1f} MB (page cache warm); the folders cp -r copies: {folder_mb:.1f} MB")
    print(
        f"baseline cp -r + sha256sum + sync (median of {args.runs}): {base_seconds:.2f} s = {base_mbps:.1f} MB/s "
        f"[{_list(base_runs)}]"
    )
    print(
        f"ingest (median of {args.runs}): {ingest_seconds:.2f} s = {ingest_mbps:.1f} MB/s, "
        f"{len(files) / ingest_seconds:.0f} files/s [{_list(ingest_runs)}] "
        f"(store + sniff + records + audit, SQLite, local blobs, durable before commit)"
    )
    print(f"peak RSS: {rss_corpus_mb:.0f} MB after the corpus, {rss_mb:.0f} MB after the {large_note}")
    print(
        f"BENCH ingest_store value={ingest_mbps:.1f}MB/s baseline={base_mbps:.1f}MB/s ratio={ratio:.2f} "
        f"target=ratio>=0.9,peak_rss<=300MB(got {rss_mb:.0f}MB)"
    )
    return 0 if ratio >= 0.9 and rss_mb <= 300 else 1


def _list(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds)


if __name__ == "__main__":
    sys.exit(main())
