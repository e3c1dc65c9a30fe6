#!/usr/bin/env python3
"""The information service at 100,000 requests (issue 18): the two registers as CSV and XLSX, the monev's request
figures and the public register's first and last pages, each timed once against a baseline measured in the same
run.

Setup: a fresh SQLite data folder (``--data-dir``, wiped) migrated to head; ``--n`` requests received over one
year with their applicants, a third answered (every decision kind, some cited under Pasal 17), one in twenty with
an objection. Inserted with Core ``INSERT`` in batches: no service call per row, which would take minutes.

Baseline: the same rows' raw columns (a plain ``SELECT`` with the applicant joined) written with ``csv.writer``
to a sink that only counts: the least any register of those rows costs. The register is streamed, so its time is
the rows' formatting and the renderer's; the target is 1 s for CSV (the issue's limit for a list or report), and
the XLSX is reported with its ratio (openpyxl writes each cell as an object).

Usage: python benchmarks/request_registers.py [--n 100000] [--data-dir /tmp/arsip-bench-requests]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive_service.config import Settings
from archive_service.db import InformationObjection, InformationRequest, RequestApplicant
from archive_service.reports.period import parse_period
from archive_service.reports.registry import build
from archive_service.reports.render import render
from archive_service.runtime import Runtime
from archive_service.services import monev, public_register
from archive_service.services.actor import SYSTEM

DECISIONS = ("dikabulkan", "dikabulkan_sebagian", "tidak_dikuasai", "belum_didokumentasikan", "ditolak_pasal17")


class Sink:
    """A binary file that only counts what is written to it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False


def populate(rt: Runtime, n: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    applicants, requests, objections = [], [], []
    for i in range(1, n + 1):
        received = start + timedelta(minutes=int(i * 525_000 / n))
        answered = received + timedelta(days=rng.randint(0, 20)) if i % 3 else None
        state = DECISIONS[i % len(DECISIONS)] if answered else "diterima"
        applicants.append(
            {"id": i, "kind": "perorangan", "name": f"Pemohon {i}", "nik": f"{3400000000000000 + i}",
             "address": f"Jl. Contoh {i}", "email": f"p{i}@contoh.invalid", "phone": f"08{i:010d}",
             "created_at": received}
        )  # fmt: skip
        requests.append(
            {"id": i, "version": 1, "number": f"PMH-2026-{i:06d}", "year": 2026, "channel": "portal",
             "applicant_id": i, "information": f"Salinan dokumen anggaran kegiatan nomor {i} tahun 2025 " * 3,
             "purpose": "Penelitian", "receipt_forms": ["softcopy"], "delivery_methods": ["email"], "state": state,
             "received_at": received, "due_at": received + timedelta(days=14), "answered_at": answered,
             "decision_reasons": "Alasan keputusan" if answered else None, "decided_by": "ppid" if answered else None,
             "public_text": bool(i % 2), "tracking_secret_hash": f"{i:064d}", "created_at": received,
             "updated_at": received, "created_by": "pemohon"}
        )  # fmt: skip
        if answered and i % 20 == 0:
            objections.append(
                {"version": 1, "number": f"KBR-2026-{i:06d}", "request_id": i, "grounds": ["tidak_dipenuhi"],
                 "reasons": "Informasi tidak lengkap", "channel": "portal", "state": "diajukan",
                 "filed_at": answered + timedelta(days=1), "due_at": answered + timedelta(days=45),
                 "created_by": "pemohon"}
            )  # fmt: skip
    with rt.db.engine.begin() as conn:
        for table, rows in ((RequestApplicant, applicants), (InformationRequest, requests)):
            for at in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[at : at + 5000])
        if objections:
            conn.execute(insert(InformationObjection), objections)


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.3f}s", file=sys.stderr)
    return seconds


def baseline(rt: Runtime) -> None:
    writer = csv.writer(_Text(), lineterminator="\r\n")
    req, app = InformationRequest, RequestApplicant
    with rt.db.read() as session:
        query = select(req.number, req.received_at, req.information, req.purpose, req.state, req.answered_at,
                       app.name, app.address, app.email, app.phone).join(app, app.id == req.applicant_id)  # fmt: skip
        for row in session.execute(query).yield_per(2000):
            writer.writerow(row)


class _Text:
    def write(self, text: str) -> int:
        return len(text)


def register(rt: Runtime, name: str, fmt: str) -> None:
    _spec, document = build(rt, SYSTEM, name, {"period": "2026"})
    render(document, fmt, rt.settings, Sink())  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arsip-bench-requests"))
    args = parser.parse_args()
    shutil.rmtree(args.data_dir, ignore_errors=True)
    rt = Runtime.from_settings(Settings(data_dir=args.data_dir))
    try:
        rt.migrate()
        timed(f"insert {args.n:,} requests", lambda: populate(rt, args.n))
        base = timed("baseline: raw SELECT to CSV", lambda: baseline(rt))
        results = {
            f"{name.replace('-', '_')}_{fmt}": timed(f"{name} {fmt.upper()}", lambda n=name, f=fmt: register(rt, n, f))
            for name, fmt in (
                ("register-permohonan", "csv"),
                ("register-permohonan", "xlsx"),
                ("register-keberatan", "csv"),
            )
        }
        results["monev_request_figures"] = timed(
            "monev figures (records and requests)", lambda: monev.figures(rt, SYSTEM, parse_period("2026"))
        )
        results["public_register_first_page"] = timed(
            "public register page 1", lambda: public_register.register_page(rt)
        )
        last = args.n // public_register.PER_PAGE
        results["public_register_last_page"] = timed(
            "public register last page", lambda: public_register.register_page(rt, last)
        )
    finally:
        rt.close()
    for name, seconds in results.items():
        target = "<=1s" if not name.endswith("xlsx") else "report-only"
        print(f"BENCH {name} value={seconds:.3f}s baseline={base:.3f}s ratio={seconds / base:.2f} target={target}")


if __name__ == "__main__":
    main()
