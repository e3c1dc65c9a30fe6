#!/usr/bin/env python3
"""A full OAI-PMH harvest (ListRecords, oai_dc, resumption tokens) of every published record, against reading the
same records straight from the database, measured in the same run.

Setup (reused from ``--data-dir`` when already built): ``benchmarks/synthetic.py`` builds the published open
records (realistic metadata and text). The first OAI request registers them all in ``oai_items`` (one set-based
``INSERT … SELECT``); that first sync is timed and printed on its own. Then the harvest: the Flask app in this
process, driven through its WSGI interface (no socket: the figure is the repository's own cost, the same code path
gunicorn runs), page after page with the resumption token of the previous answer, each body read to the end and
its ``<record>`` elements counted; ``completeListSize`` must equal the number harvested.

Baseline: the same rows (item and record) read with plain ``SELECT``s keyset-paged by record id, in pages of the
same size (what any harvest must at least pay to get the data out of the database).

Targets: at least 1,000 records/s on SQLite, peak RSS <= 300 MB (the answer is streamed and each page is small;
a harvest must not grow with the archive).
Usage: python benchmarks/oai_harvest.py [--n 1000000] [--page-size 500] [--data-dir /tmp/arsip-bench-1m]
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive_service.app import create_app
from archive_service.config import Settings
from archive_service.db import OaiItem, Record
from archive_service.oai import repository
from archive_service.runtime import Runtime
from archive_service.services.indexing import public_condition
from benchmarks.synthetic import build_database

TOKEN = re.compile(rb"<resumptionToken([^>]*)>([^<]*)</resumptionToken>")
SIZE = re.compile(rb'completeListSize="(\d+)"')


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def first_sync(rt: Runtime) -> tuple[float, int]:
    """Seconds of one sync, and how many items were registered before it (0: the first sync, registering all)."""
    with rt.db.read() as session:
        before = session.execute(select(func.count()).select_from(OaiItem)).scalar_one()
    started = time.perf_counter()
    repository.sync(rt)
    return time.perf_counter() - started, before


def harvest(app, limit: int | None) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(records, pages, completeListSize) of a full ListRecords harvest through the WSGI app."""
    client = app.test_client()
    query = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
    records = pages = complete = 0
    while True:
        response = client.get(query, buffered=False)
        body = b"".join(response.response)
        response.close()
        if response.status_code != 200 or b"<error" in body:
            sys.exit(f"{query}: {response.status_code} {body[:300]!r}")
        pages += 1
        records += body.count(b"<record>")
        match = TOKEN.search(body)
        size = SIZE.search(match.group(1)) if match else None
        if size:
            complete = int(size.group(1))
        if not match or not match.group(2) or (limit and records >= limit):
            return records, pages, complete
        query = "/oai?verb=ListRecords&resumptionToken=" + match.group(2).decode()


def baseline(rt: Runtime, page_size: int, limit: int | None) -> int:
    """The same rows (item and record), keyset-paged by record id, with no protocol and no XML."""
    seen, after = 0, 0
    while True:
        with rt.db.read() as session:
            rows = session.execute(
                select(OaiItem, Record)
                .join(Record, Record.id == OaiItem.record_id)
                .where(OaiItem.record_id > after)
                .order_by(OaiItem.record_id)
                .limit(page_size)
            ).all()
        if not rows:
            return seen
        seen += len(rows)
        after = rows[-1][0].record_id
        if limit and seen >= limit:
            return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="records in the synthetic database")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--limit", type=int, default=0, help="stop after this many records (0: harvest all)")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arsip-bench-1m"))
    args = parser.parse_args()
    build_database(args.data_dir, args.n)
    settings = Settings(data_dir=args.data_dir, oai_page_size=args.page_size, index_worker_thread=False)
    rt = Runtime.from_settings(settings)
    rt.migrate()
    limit = args.limit or None
    try:
        with rt.db.read() as session:
            public = session.execute(select(func.count()).select_from(Record).where(public_condition())).scalar_one()
        sync_s, registered = first_sync(rt)
        app = create_app(runtime=rt)
        base_started = time.perf_counter()
        base_rows = baseline(rt, args.page_size, limit)
        base_s = time.perf_counter() - base_started
        started = time.perf_counter()
        records, pages, complete = harvest(app, limit)
        harvest_s = time.perf_counter() - started
    finally:
        rt.close()
    if limit is None and (records != public or complete != public or base_rows != public):
        sys.exit(f"harvested {records}, completeListSize {complete}, baseline {base_rows}, public {public}")
    rate, base_rate = records / harvest_s, base_rows / base_s
    rss = peak_rss_mb()
    what = "first sync (register all in oai_items)" if not registered else f"sync over {registered:,} items"
    print(f"{public:,} published records; {what} {sync_s:.1f} s")
    print(f"harvest: {records:,} records in {pages:,} pages of {args.page_size} in {harvest_s:.1f} s ({rate:,.0f}/s)")
    print(
        f"baseline: {base_rows:,} rows by keyset SELECT in {base_s:.1f} s ({base_rate:,.0f}/s); peak RSS {rss:.0f} MB"
    )
    print(
        f"BENCH oai_harvest value={rate:.0f}records/s baseline={base_rate:.0f}rows/s ratio={rate / base_rate:.3f} "
        f"target=>=1000records/s,peak_rss<=300MB(got {rss:.0f}MB)"
    )


if __name__ == "__main__":
    main()
