"""Scale-out of extraction (issue 19, item 4): files per second with 1 and with 2 worker processes that share
nothing but a PostgreSQL database and an S3 bucket (``ARSIP_WORKER_CLAIMS=database``).

Setup, per round: a fresh database and bucket; the corpus's PDFs with a text layer (381 of 387; ``--files N``: the
first N in MANIFEST order) ingested through the record service onto moto's S3 server; ``--workers`` ``arsip worker``
processes, extract-only, each with its own data folder and an extraction pool of ``--pool`` processes (one
"machine" each). A warm-up file per worker starts their pools; then an extraction job is made for every file and
the clock runs until the last is recorded (text blob in the bucket, ``extractions`` row). OCR is off.

- **baseline**: files/s with 1 worker;
- **value**: files/s with ``--workers`` workers (default 2);
- **ratio**: value / baseline, the scaling (2.0 is ideal for 2 workers, when the machine has the cores for them).

On a 2-core machine two workers with one pool process each use both cores, as one worker with a pool of two would:
the figure shows that claims add no serialisation, not that a second machine doubles a 2-core one.

Measured 2026-12-05 (2 cores, shared with a CI run): 1 worker 381 files in 147.51 s, 2 workers in 76.83 s::

    BENCH scaleout_extract value=4.96files/s baseline=2.58files/s ratio=1.92 target=report_scaling_2_workers(ideal=2.0)

Run::

    .venv/bin/python benchmarks/scaleout_extract.py [--files N] [--workers 2] [--pool 1]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from archive_service.config import Settings  # noqa: E402
from archive_service.db import Extraction, RecordFile  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import auth, records  # noqa: E402
from archive_service.services import work_claims as claims  # noqa: E402
from archive_service.services.actor import SYSTEM  # noqa: E402
from archive_service.services.uploads import Upload  # noqa: E402
from archive_service.storage import stage_stream  # noqa: E402
from tests.support.databases import PostgresTemplate  # noqa: E402
from tests.support.files import pdf_bytes  # noqa: E402
from tests.support.postgres import start_postgres  # noqa: E402
from tests.support.s3server import S3Server, running_s3_server  # noqa: E402
from tests.support.shared_workers import shared_env, start_worker, stop_worker  # noqa: E402

DESCRIPTION = {
    "classification_code": "000.5",
    "processing_unit": "kominfo",
    "creator_org": "Dinas Komunikasi dan Informatika",
    "doc_date": "2025-06-30",
}


def corpus_pdfs(corpus: Path, n: int) -> list[Path]:
    with (corpus / "MANIFEST.csv").open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["mime"] == "application/pdf" and r["has_text"] == "yes"]
    return [corpus / r["file"] for r in (rows[:n] if n else rows)]


def ingest(rt: Runtime, files: list[Path]) -> list[str]:
    """Each file as one record on the S3 store; the files' SHA-256."""
    for path in files:
        with path.open("rb") as fh:
            staged = stage_stream(fh, rt.settings.staging_dir)
        records.create_record(rt, SYSTEM, DESCRIPTION | {"title": path.stem}, [Upload(path.name, staged)])
    with rt.db.read() as session:
        return sorted(set(session.execute(select(RecordFile.blob_sha256)).scalars()))


def pending(rt: Runtime, shas: list[str]) -> int:
    with rt.db.read() as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(Extraction)
                .where(Extraction.blob_sha256.in_(shas), Extraction.state == "pending")
            ).scalar_one()
        )


def wait_done(rt: Runtime, shas: list[str], procs: list, timeout: float) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while pending(rt, shas):
        if any(p.poll() is not None for p in procs):
            sys.exit("a worker exited during the benchmark")
        if time.monotonic() > deadline:
            sys.exit(f"extraction not done within {timeout:.0f} s")
        time.sleep(0.05)


def one_round(
    template: PostgresTemplate, s3: S3Server, files: list[Path], workers: int, pool: int, tmp: Path
) -> tuple[float, int]:
    """Seconds to extract ``files`` with ``workers`` worker processes, and how many files that was."""
    url = template.new_database(tmp)
    bucket = f"arsip-bench-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=bucket)
    env = shared_env(url, s3, bucket)
    work = tmp / f"round-{workers}"
    settings = Settings(
        data_dir=work / "office",
        database_url=url,
        storage_url=env["ARSIP_STORAGE_URL"],
        s3_endpoint_url=s3.endpoint_url,
        s3_region=s3.region,
        s3_access_key=s3.access_key,
        s3_secret_key=s3.secret_key,
        worker_claims="database",
    )
    rt = Runtime.from_settings(settings)
    procs = []
    try:
        auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Komunikasi dan Informatika")
        shas = ingest(rt, files)
        warm: list[str] = []
        for i in range(workers):
            staged = stage_stream(io.BytesIO(pdf_bytes(f"Pemanasan {i} {uuid.uuid4().hex}")), settings.staging_dir)
            record = records.create_record(
                rt, SYSTEM, DESCRIPTION | {"title": f"Pemanasan {i}"}, [Upload("w.pdf", staged)]
            )
            warm.append(record.files[0].blob_sha256)
        procs = [
            start_worker(env, work / f"w{i}", f"w{i}", extract_workers=pool, extract_only=True, log=work / f"w{i}.log")
            for i in range(workers)
        ]
        claims.ensure_pending(rt, warm)
        wait_done(rt, warm, procs, 120)
        time.sleep(2.0)  # the pools of workers that got no warm-up file start too
        started = time.perf_counter()
        claims.ensure_pending(rt, shas)
        wait_done(rt, shas, procs, 1800)
        seconds = time.perf_counter() - started
        with rt.db.read() as session:
            by = dict(
                session.execute(
                    select(Extraction.claimed_by, func.count())
                    .where(Extraction.blob_sha256.in_(shas))
                    .group_by(Extraction.claimed_by)
                ).all()
            )
            states = dict(
                session.execute(
                    select(Extraction.state, func.count())
                    .where(Extraction.blob_sha256.in_(shas))
                    .group_by(Extraction.state)
                ).all()
            )
        print(f"{workers} worker(s): {len(shas)} files in {seconds:.2f} s; per worker {by}; states {states}")
        return seconds, len(shas)
    finally:
        for proc in procs:
            stop_worker(proc)
        rt.close()
        template.drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--files", type=int, default=0, help="PDFs of the corpus to extract (0: all with text)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the measured round")
    parser.add_argument("--pool", type=int, default=1, help="extraction processes per worker")
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.csv").is_file():
        sys.exit(f"corpus not found at {args.corpus}")
    files = corpus_pdfs(args.corpus, args.files)
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    print(f"scaleout_extract: {len(files)} PDFs ({megabytes:.1f} MB), pool of {args.pool} per worker, OCR off")
    with tempfile.TemporaryDirectory(prefix="arsip-bench-scaleout-") as tmp_name:
        tmp = Path(tmp_name)
        with contextlib.contextmanager(start_postgres)() as server, running_s3_server(tmp / "moto.log") as s3:
            template = PostgresTemplate(server)
            base_s, n = one_round(template, s3, files, 1, args.pool, tmp)
            value_s, _ = one_round(template, s3, files, args.workers, args.pool, tmp)
    base, value = n / base_s, n / value_s
    print(
        f"BENCH scaleout_extract value={value:.2f}files/s baseline={base:.2f}files/s ratio={value / base:.2f} "
        f"target=report_scaling_{args.workers}_workers(ideal={float(args.workers):.1f})"
    )


if __name__ == "__main__":
    main()
