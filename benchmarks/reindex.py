#!/usr/bin/env python3
"""Reindex 1,000,000 records from the database into a fresh tantivy index and swap it in; print records/s and
peak RSS. The baseline, measured in the same run, is a bare streamed read of the same rows (``SELECT`` of every
column the index needs, no analysis, no index): the floor any rebuild from the database stands on.

The records come from ``benchmarks/synthetic.py`` (built once and reused from ``--data-dir``): published, open
records whose description holds 60-200 words drawn from the corpus vocabulary.

Target (issue 19): >= 15,000 records/s, peak RSS <= 1 GB for the main process and the worker processes together.
Two peaks are printed: the main process's (``ru_maxrss``), and the largest sum of the RSS of the main process and
all its descendants (the forkserver and the pool workers), sampled from ``/proc`` every 0.1 s. The sum of each
process's own peak (``VmHWM``), an upper bound of the latter that sampling cannot miss, is printed too.
Usage: python benchmarks/reindex.py [--n 1000000] [--data-dir /tmp/arsip-bench-1m] [--index internal]
"""

from __future__ import annotations

import argparse
import os
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


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux ``/proc/<pid>/task/<tid>/children``): the forkserver and its workers."""
    out: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            out.extend(kids)
            stack.extend(kids)
    return out


def rss_of(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MB; zeros when it is gone."""
    rss = hwm = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, hwm


def cpu_seconds(stat_path: Path) -> tuple[str, float]:
    """(name, user + system CPU seconds) from a ``/proc/.../stat`` file; ("", 0) when it is gone."""
    try:
        text = stat_path.read_text()
    except OSError:
        return "", 0.0
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PeakSampler(threading.Thread):
    """Samples the RSS split in the background, so short peaks (merges, the final commit) are seen too; and the
    RSS of this process and all its descendants together."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = {"RssAnon": 0.0, "RssFile": 0.0}
        self.peak_total = 0.0  # largest sampled sum of VmRSS over this process and its descendants
        self.hwm: dict[int, float] = {}  # each descendant's own peak (VmHWM), last seen
        self.cpu: dict[int, float] = {}  # each descendant's CPU seconds, last seen
        self.threads: dict[str, float] = {}  # this process's CPU seconds by thread name (tantivy names its own)
        self._halt = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._halt.wait(0.1):
            for key, value in memory_now().items():
                if key in self.peak:
                    self.peak[key] = max(self.peak[key], value)
            total = rss_of(me)[0]
            for pid in descendants(me):
                rss, hwm = rss_of(pid)
                total += rss
                self.hwm[pid] = max(self.hwm.get(pid, 0.0), hwm)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_seconds(Path(f"/proc/{pid}/stat"))[1])
            self.peak_total = max(self.peak_total, total)
            by_name: dict[str, float] = {}
            for task in Path(f"/proc/{me}/task").iterdir():
                name, seconds = cpu_seconds(task / "stat")
                if name:
                    key = name.rstrip("0123456789")
                    by_name[key] = by_name.get(key, 0.0) + seconds
            for key, seconds in by_name.items():  # (threads that ended keep their last sum)
                self.threads[key] = max(self.threads.get(key, 0.0), seconds)

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
    rt.migrate()  # a folder built by an older version: bring its schema to this one's (as ``arsip init`` does)
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
    together = sampler.peak_total
    upper = rss + sum(sampler.hwm.values())
    print(
        f"peak RSS main + workers together: {together:.0f} MB (largest sum of VmRSS of this process, the forkserver "
        f"and the pool workers, sampled from /proc every 0.1 s); sum of each process's own peak {upper:.0f} MB "
        f"({len(sampler.hwm)} descendant processes)"
    )
    split = ", ".join(f"{name} {seconds:.1f}" for name, seconds in sorted(sampler.threads.items(), key=lambda x: -x[1]))
    print(
        f"CPU seconds (sampled from /proc every 0.1 s, from the start of the reindex): workers and forkserver "
        f"{sum(sampler.cpu.values()):.1f} s; this process by thread name: {split}"
    )
    if count != args.n:
        sys.exit(f"index holds {count}, expected {args.n}")
    print(
        f"BENCH reindex value={rate:.0f}records/s baseline={base_rate:.0f}rows/s ratio={rate / base_rate:.3f} "
        f"target=>=15000records/s,peak_rss<=1024MB(main {rss:.0f}MB, main+workers {together:.0f}MB sampled /proc)"
    )


if __name__ == "__main__":
    main()
