#!/usr/bin/env python3
"""The whole public catalogue as CSV (``/ekspor/katalog.csv``), streamed, against writing the same rows' raw columns
to CSV straight from the database, measured in the same run; and the memory it takes.

Setup (reused from ``--data-dir`` when already built): ``benchmarks/synthetic.py`` builds the published open
records. The export runs through the Flask app in this process (WSGI, no socket), the body consumed chunk by
chunk as a client would and only counted, never kept. Its rows are checked: one per public record plus the header.

Baseline: keyset-paged ``SELECT`` of the same ORM rows in id order, pages of the same size, each row's columns
written with ``csv.writer`` to a sink that only counts (the least any CSV dump of the catalogue costs).

Targets: peak RSS <= 300 MB whatever the archive size (the export streams), and at most 5x the baseline's time.
Usage: python benchmarks/catalogue_export.py [--n 1000000] [--data-dir /tmp/arsip-bench-1m]
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive_service.app import create_app
from archive_service.config import Settings
from archive_service.db import Record
from archive_service.runtime import Runtime
from archive_service.services.catalogue_export import BATCH
from archive_service.services.indexing import public_condition
from benchmarks.synthetic import build_database


class CountingSink:
    """A file that only counts what is written to it."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(bytes, lines) of the streamed CSV export."""
    client = app.test_client()
    response = client.get("/ekspor/katalog.csv", buffered=False)
    if response.status_code != 200 or not response.is_streamed:
        sys.exit(f"/ekspor/katalog.csv: {response.status_code}, streamed={response.is_streamed}")
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return size, lines


def baseline(rt: Runtime) -> tuple[int, int]:
    sink = CountingSink()
    writer = csv.writer(sink)
    rows, after = 0, 0
    columns = [c.key for c in Record.__table__.columns]
    while True:
        with rt.db.read() as session:
            batch = (
                session.execute(
                    select(Record).where(public_condition(), Record.id > after).order_by(Record.id).limit(BATCH)
                )
                .scalars()
                .all()
            )
            for record in batch:
                writer.writerow([getattr(record, key) for key in columns])
        if not batch:
            return sink.chars, rows
        rows += len(batch)
        after = batch[-1].id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="records in the synthetic database")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arsip-bench-1m"))
    args = parser.parse_args()
    build_database(args.data_dir, args.n)
    rt = Runtime.from_settings(
        Settings(data_dir=args.data_dir, index_worker_thread=False, public_search_rate_per_minute=0)
    )
    rt.migrate()
    try:
        with rt.db.read() as session:
            public = session.execute(select(func.count()).select_from(Record).where(public_condition())).scalar_one()
        app = create_app(runtime=rt)
        started = time.perf_counter()
        base_chars, base_rows = baseline(rt)
        base_s = time.perf_counter() - started
        started = time.perf_counter()
        size, lines = export(app)
        export_s = time.perf_counter() - started
    finally:
        rt.close()
    if base_rows != public or lines < public + 1:
        sys.exit(f"exported {lines} lines, baseline {base_rows} rows, public {public}")
    rss = peak_rss_mb()
    print(f"{public:,} published records")
    print(
        f"export: {size / 1e6:,.0f} MB of CSV, {lines:,} lines in {export_s:.1f} s ({public / export_s:,.0f} records/s)"
    )
    print(f"baseline: {base_chars / 1e6:,.0f} MB of raw-column CSV in {base_s:.1f} s; peak RSS {rss:.0f} MB")
    print(
        f"BENCH catalogue_export value={export_s:.1f}s baseline={base_s:.1f}s ratio={export_s / base_s:.2f} "
        f"target=ratio<=5,peak_rss<=300MB(got {rss:.0f}MB)"
    )


if __name__ == "__main__":
    main()
