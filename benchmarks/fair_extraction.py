"""Fair extraction (issue 16, item 1): how long a normal PDF waits to become searchable behind a hostile one.

The finding: a 355 KB PDF of 3,000 pages, each holding only a drawn rectangle, had every page OCRed (26 minutes),
and a normal record uploaded a minute later became searchable 25 minutes later while the second extraction
process sat idle.

Setup: a fresh data folder, the index worker in its background thread (as ``arsip serve`` starts it) with an
extraction pool of ``--workers`` processes, warmed up with one upload. Each round uploads through the record
service and polls the internal search until the normal PDF's unique word is found:

- **value**: the 3,000-page blank PDF (``tests/support/pdfs.py: blank_pdf``) is uploaded, then the normal PDF;
  the time from the normal PDF's commit until a search finds it;
- **baseline**: the same normal PDF with nothing ahead of it.

Both are the median of ``--rounds`` rounds, measured in the same run. ``--scan N`` adds a round with an N-page
scan (real OCR) ahead of the normal PDF, printed for information. Run::

    .venv/bin/python benchmarks/fair_extraction.py
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive_service.config import Settings  # noqa: E402
from archive_service.index_worker import IndexWorker  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import auth, records, search  # noqa: E402
from archive_service.services.actor import SYSTEM  # noqa: E402
from archive_service.services.uploads import Upload  # noqa: E402
from archive_service.storage import stage_stream  # noqa: E402
from tests.support.files import pdf_bytes  # noqa: E402
from tests.support.pdfs import blank_pdf, scan_pdf  # noqa: E402

TARGET_S = 30.0
DESCRIPTION = {
    "classification_code": "000.5",
    "processing_unit": "kominfo",
    "creator_org": "Dinas Komunikasi dan Informatika",
    "doc_date": "2025-06-30",
}


def upload(rt: Runtime, name: str, data: bytes, title: str) -> None:
    staged = stage_stream(io.BytesIO(data), rt.settings.staging_dir)
    records.create_record(rt, SYSTEM, DESCRIPTION | {"title": title}, [Upload(name, staged)])


def searchable_after(rt: Runtime, word: str, since: float, timeout: float) -> float:
    while search.internal_search(rt, SYSTEM, {"q": f'"{word}"'}).total == 0:
        if time.monotonic() - since > timeout:
            return float("inf")
        time.sleep(0.02)
    return time.monotonic() - since


def normal_round(rt: Runtime, tag: str, ahead: bytes | None, timeout: float) -> float:
    """Upload ``ahead`` (if any), then a normal PDF; seconds until the normal PDF is found."""
    if ahead is not None:
        upload(rt, f"depan-{tag}.pdf", ahead, f"Berkas di depan {tag}")
    word = f"suratnormal{tag}"
    upload(rt, f"surat-{tag}.pdf", pdf_bytes(f"Surat edaran {word} tentang tata naskah dinas"), f"Surat {tag}")
    return searchable_after(rt, word, time.monotonic(), timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000, help="pages of the blank PDF")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    parser.add_argument("--scan", type=int, default=0, help="also a round with a scan of this many pages ahead")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    blank = blank_pdf(args.pages)
    print(f"blank PDF: {args.pages} pages, {len(blank) / 1000:.0f} KB; {args.workers} extraction processes")
    with tempfile.TemporaryDirectory(prefix="arsip-bench-fair-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "var", extract_workers=args.workers)
        rt = Runtime.from_settings(settings)
        rt.migrate()
        auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Komunikasi dan Informatika")
        worker = IndexWorker(rt, cleanup_at_start=False)
        worker.start_thread()
        try:
            normal_round(rt, "pemanasan", None, args.timeout)  # starts the extraction processes
            baseline, value = [], []
            for n in range(args.rounds):  # interleaved, so both see the same machine load
                baseline.append(normal_round(rt, f"b{n}", None, args.timeout))
                value.append(normal_round(rt, f"v{n}", blank, args.timeout))
                print(f"round {n + 1}: alone {baseline[-1]:.2f} s, behind the blank PDF {value[-1]:.2f} s")
            if args.scan:
                pages = [[f"Halaman {p} pindaian keputusan", "Kepala Dinas Pendidikan"] for p in range(args.scan)]
                scan_s = normal_round(rt, "pindai", scan_pdf(pages), args.timeout)
                print(f"behind a {args.scan}-page scan (real OCR): {scan_s:.2f} s")
        finally:
            worker.stop(60)
            rt.close()
    v, b = statistics.median(value), statistics.median(baseline)
    print(f"median: {v:.2f} s behind the {args.pages}-page blank PDF, {b:.2f} s alone")
    print(f"BENCH fair_extraction value={v:.2f}s baseline={b:.2f}s ratio={v / b:.2f} target=<={TARGET_S:g}s")


if __name__ == "__main__":
    main()
