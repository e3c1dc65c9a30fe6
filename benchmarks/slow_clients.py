#!/usr/bin/env python3
"""``/healthz`` latency while 32 slow clients hold connections, against the same server with none, in one run.

The server is ``arsip serve --workers 2 --threads 4`` (the Docker image's command) on 127.0.0.1 with a fresh data
folder and the default timeouts (``ARSIP_SERVER_*``, 30 s: longer than the measurement, so nothing is dropped
while it runs). The slow clients: 16 connections that declare a 1,000,000-byte form body and send none, and 16
that send their headers one byte per second; the server never answers them within the run. One client sends the
probes one after another, each on a fresh connection, timed from connect to the last byte. A probe that gets no
answer within ``--timeout`` counts as that many milliseconds (and as a failure).

Baseline: the same probes with no slow connection. Target: p99 <= 200 ms under the slow clients.
Usage: python benchmarks/slow_clients.py [--probes 1000] [--timeout 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.live_serve import SlowClients, arsip_serve, percentile, probe_once  # noqa: E402

TARGET_MS = 200.0


def measure(port: int, probes: int, timeout: float, max_failures: int) -> tuple[list[float], int]:
    """Latencies (ms) of up to ``probes`` GET /healthz; a failed probe counts as ``timeout``."""
    out, failures = [], 0
    for _ in range(probes):
        probe = probe_once(port, "/healthz", timeout)
        if probe.status == 200:
            out.append(probe.seconds * 1000)
        else:
            failures += 1
            out.append(max(probe.seconds, timeout) * 1000)
            if failures >= max_failures:
                break
    return out, failures


def describe(name: str, values: list[float], failures: int, planned: int) -> str:
    stopped = f", stopped after {len(values)} of {planned}" if len(values) < planned else ""
    return (
        f"{name}: {len(values)} probes, p50 {percentile(values, 50):.1f} ms, p99 {percentile(values, 99):.1f} ms, "
        f"max {max(values):.1f} ms, {failures} failed{stopped}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds a probe waits for its answer")
    parser.add_argument("--max-failures", type=int, default=50, help="stop a phase after this many failed probes")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="arsip-bench-slow-") as tmp,
        arsip_serve(Path(tmp) / "var", workers=2, threads=4) as server,
    ):
        measure(server.port, 50, args.timeout, args.max_failures)  # warm-up: imports, first queries
        base, base_failed = measure(server.port, args.probes, args.timeout, args.max_failures)
        with SlowClients(server.port, silent=16, slow=16) as slow:
            time.sleep(1.5)  # every slow connection is inside the server
            held = slow.open_count()
            loaded, loaded_failed = measure(server.port, args.probes, args.timeout, args.max_failures)
            still_held = slow.open_count()
    print("server: arsip serve --workers 2 --threads 4 (127.0.0.1), each probe on a new connection")
    print(describe("baseline, no slow connection", base, base_failed, args.probes))
    print(f"slow connections held: {held} at the start, {still_held} at the end (16 silent body, 16 slow headers)")
    print(describe("under 32 slow connections", loaded, loaded_failed, args.probes))
    value, baseline = percentile(loaded, 99), percentile(base, 99)
    print(
        f"BENCH slow_clients value={value:.1f}ms baseline={baseline:.1f}ms ratio={value / baseline:.2f} "
        f"target=p99<={TARGET_MS:.0f}ms"
    )


if __name__ == "__main__":
    main()
