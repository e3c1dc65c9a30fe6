#!/usr/bin/env python3
"""Reindex 1,000,000 records from the database into a fresh tantivy index and swap it in; print records/s and
peak RSS. The baseline, measured in the same run, is a bare streamed read of the same rows (``SELECT`` of every
column the index needs, no analysis, no index): the floor any rebuild from the database stands on.

The records come from ``benchmarks/synthetic.py`` (built once and reused from ``--data-dir``): published, open
records whose description holds 60-200 words drawn from the corpus vocabulary.

Target: peak RSS <= 1 GB (the rebuild streams in bounded chunks, whatever the number of records).
Usage: python benchmarks/reindex.py [--n 1000000] [--data-dir /tmp/arsip-bench-1m] [--index internal]
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from archive_service.config import Settings  # noqa: E402
from archive_service.db import Record  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import index_rebuild, indexing  # noqa: E402
from benchmarks.synthetic import build_database  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_now() -> dict[str, float]:
    """Current RSS split (Linux): anonymous memory the process owns, and file pages it has mapped (tantivy reads
    its segments through mmap; those pages are page cache the kernel can drop at any time)."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in {"RssAnon", "RssFile", "VmHWM"}:
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def scan(rt: Runtime) -> tuple[int, float]:
    """Stream every record's indexed columns, as the rebuild reads them, and do nothing else."""
    started = time.perf_counter()
    n = 0
    cols = (Record.id, Record.version, Record.title, Record.description, Record.classification_code)
    with rt.db.read() as session:
        for _row in session.execute(select(*cols).order_by(Record.id).execution_options(yield_per=5000)):
            n += 1
    return n, time.perf_counter() - started


class PeakSampler(threading.Thread):
    """Samples the RSS split in the background, so short peaks (merges, the final commit) are seen too."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = {"RssAnon": 0.0, "RssFile": 0.0}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.1):
            for key, value in memory_now().items():
                if key in self.peak:
                    self.peak[key] = max(self.peak[key], value)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arsip-bench-1m"))
    parser.add_argument("--index", default="internal", choices=list(indexing.INDEXES))
    args = parser.parse_args()
    build_database(args.data_dir, args.n)
    rt = Runtime.from_settings(Settings(data_dir=args.data_dir))
    try:
        base_n, base_s = scan(rt)
        rss_before = peak_rss_mb()
        done = [0]
        last = [time.perf_counter()]

        sampler = PeakSampler()
        sampler.start()

        def progress(k: int) -> None:
            done[0] += k
            mem = memory_now()
            if time.perf_counter() - last[0] > 10:
                last[0] = time.perf_counter()
                print(f"  {done[0]:,} records, peak RSS {peak_rss_mb():.0f} MB, now {mem}", file=sys.stderr)

        stats = index_rebuild.reindex(rt, args.index, progress=progress)
        count = rt.search.index(args.index).count()
        sampler.stop()
    finally:
        rt.close()
    rss = peak_rss_mb()
    rate, base_rate = stats.records / stats.seconds, base_n / base_s
    print(f"scan (baseline): {base_n:,} rows in {base_s:.1f} s = {base_rate:,.0f} rows/s; RSS {rss_before:.0f} MB")
    print(f"reindex {args.index}: {stats.records:,} records in {stats.seconds:.1f} s = {rate:,.0f} records/s")
    print(f"index holds {count:,} documents; peak RSS {rss:.0f} MB")
    print(
        f"peak RSS split (sampled every 0.1 s): anonymous {sampler.peak['RssAnon']:.0f} MB, "
        f"mapped index files {sampler.peak['RssFile']:.0f} MB (page cache the kernel can reclaim)"
    )
    if count != args.n:
        sys.exit(f"index holds {count}, expected {args.n}")
    print(
        f"BENCH reindex value={rate:.0f}records/s baseline={base_rate:.0f}rows/s ratio={rate / base_rate:.3f} "
        f"target=peak_rss<=1024MB(got {rss:.0f}MB)"
    )


if __name__ == "__main__":
    main()
