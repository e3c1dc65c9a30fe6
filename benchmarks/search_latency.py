#!/usr/bin/env python3
"""1,000 mixed public queries through the HTTP API over 1,000,000 published records, against the raw engine
time of the same queries measured in the same run.

Setup (reused from ``--data-dir`` when already built): ``benchmarks/synthetic.py`` builds the records (text drawn
from the corpus vocabulary, realistic metadata), then the public tantivy index is rebuilt from them. The server is
``arsip serve`` (gunicorn, 2 workers) on 127.0.0.1; one client sends the queries one after another over a kept-alive
connection and times each response to its last byte. The query mix (``synthetic.sample_queries``): rare and common
words, AND of two words, phrases, prefixes, codes, OR, facet filters, sorts by date and later pages; every request
computes facets and highlights, and every hit is re-checked against the database, as a visitor's would be. The
public rate limit is switched off for the run (one client sends far more than a person would).

Targets: API p50 <= 15 ms and p95 <= 50 ms; API p50 at most 3x the raw engine p50.
Usage: python benchmarks/search_latency.py [--n 1000000] [--queries 1000] [--data-dir /tmp/arsip-bench-1m]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive_service.config import Settings  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import index_rebuild, indexing  # noqa: E402
from archive_service.services.search import _request, parse_params  # noqa: E402
from benchmarks.synthetic import build_database, sample_queries  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_public_index(rt: Runtime, n: int) -> None:
    index = rt.search.index(indexing.PUBLIC)
    if index.count() == n:
        return
    print(f"building the public index of {n:,} records …", file=sys.stderr)
    stats = index_rebuild.reindex(rt, indexing.PUBLIC)
    print(f"  {stats.records:,} records in {stats.seconds:.0f} s", file=sys.stderr)


def engine_times(rt: Runtime, queries: list[dict]) -> list[float]:
    index = rt.search.index(indexing.PUBLIC)
    out = []
    for params in queries:
        request = _request(parse_params(params), None)
        started = time.perf_counter()
        index.search(request)
        out.append((time.perf_counter() - started) * 1000)
    return out


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "ARSIP_DATA_DIR": str(data_dir),
        "ARSIP_INDEX_WORKER_THREAD": "false",
        "ARSIP_PUBLIC_SEARCH_RATE_PER_MINUTE": "0",
        "ARSIP_LOG_LEVEL": "WARNING",
    }
    arsip = Path(sys.executable).with_name("arsip")
    cmd = [str(arsip), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    sys.exit("the server did not start")


def api_times(port: int, queries: list[dict]) -> tuple[list[float], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out, hits = [], 0
    for params in queries:
        url = "/api/v1/public/search?" + urllib.parse.urlencode(params, doseq=True)
        started = time.perf_counter()
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read()
        out.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            sys.exit(f"{url}: HTTP {response.status} {body[:300]!r}")
        hits += len(json.loads(body)["hits"])
    return out, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arsip-bench-1m"))
    args = parser.parse_args()
    build_database(args.data_dir, args.n)
    queries = sample_queries(args.data_dir, args.queries)
    warmup = sample_queries(args.data_dir, 200, seed=99)
    rt = Runtime.from_settings(Settings(data_dir=args.data_dir))
    try:
        ensure_public_index(rt, args.n)
        engine_times(rt, warmup)
        engine = engine_times(rt, queries)
    finally:
        rt.close()
    port = free_port()
    server = start_server(args.data_dir, port)
    try:
        api_times(port, warmup)
        api, hits = api_times(port, queries)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    e50, e95 = percentile(engine, 50), percentile(engine, 95)
    a50, a95 = percentile(api, 50), percentile(api, 95)
    print(f"{len(queries)} queries over {args.n:,} published records, {hits:,} hits returned")
    mean = statistics.mean(engine)
    print(f"raw engine (tantivy, facets + highlights): p50 {e50:.1f} ms, p95 {e95:.1f} ms, mean {mean:.1f} ms")
    print(f"HTTP API (gunicorn, re-check, JSON): p50 {a50:.1f} ms, p95 {a95:.1f} ms, max {max(api):.1f} ms")
    print(f"API / engine: p50 {a50 / e50:.2f}x, p95 {a95 / e95:.2f}x")
    print(
        f"BENCH search_latency value={a95:.1f}ms baseline={e95:.1f}ms ratio={a95 / e95:.2f} "
        f"target=p50<=15ms(got {a50:.1f}ms),p95<=50ms,api<=3x_engine"
    )


if __name__ == "__main__":
    main()
