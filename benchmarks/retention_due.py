#!/usr/bin/env python3
"""Time the retention due list (``retention_due.due_summary``) over 1,000,000 records in 200 JRA classes, on SQLite
and on PostgreSQL. The baseline, measured in the same run on the same table, is a bare ``SELECT count(*) FROM
records``: the floor of any question asked of the whole table.

What is measured: ``due_summary(rt, SYSTEM, as_of=2026-11-30)`` end to end — the one SQL scan with a ``CASE`` that
names the procedure (pemindahan, pemusnahan, penyerahan, penilaian kembali) and a ``GROUP BY`` unit and month of
the due date, plus turning the summary rows into ``DueRow``s. Each figure is the best of 3 runs (``count(*)`` after
one warm-up run), with the database in the OS page cache (SQLite's own cache is its 2 MB default, PostgreSQL's
``shared_buffers`` its 128 MB default, both far smaller than the table): the figure is the query, not the disk.
The first of the 3 due runs is printed too. ``as_of`` is fixed, not today, so a run next year gives the same answer,
and the due counts are checked against what the generator knows it made.

Why synthetic and how realistic: an archive of a regional government has a JRA of a few hundred classes and
records whose clocks ran out at every point of the last 25 years. The data therefore has one JRA version of 200
classes (musnah / permanen / dinilai kembali; active 1-5 years, inactive 1-10; one class in twenty waits for an
event, "2 th setelah pemeriksaan"), 20 work units of Zipf-like sizes, and records dated 1996-2026 (more in later
years) whose ``active_until`` / ``inactive_until`` follow from their class as the retention service computes them
(1997-2041). Their ``archival_state`` is what a backlog looks like: units move records to the records centre 0-4
years late (those still ``aktif`` are due for pemindahan), disposition follows 0-10 years after the inactive period
ends (``dimusnahkan``, ``diserahkan_statis``, re-appraised with new dates, a few in an open batch), records waiting
for their event have no dates. About 0.5 % are under legal hold (never disposed of), 1 % are vital. Titles and
descriptions are short (about 150 characters): SQLite's scan cost grows with the bytes of the table.

The data is built in chunks of 10,000 rows, each generated just before it is written (memory stays flat): Core
``insert(Record.__table__)`` executemany on SQLite; ``COPY`` on PostgreSQL, with the foreign-key triggers off while
loading and the references checked in one query afterwards. Then ``ANALYZE`` (SQLite) / ``VACUUM (ANALYZE)``
(PostgreSQL: hint bits and visibility map set, so autovacuum does not start in the middle of the measure). A JRA
class and a few records read back through the ORM must be equal on both engines. The SQLite database is kept in
``--data-dir`` and reused while it matches (version, ``--n``, ``--seed``, a digest of the generated rows, row
count); PostgreSQL is a throwaway server started by the test suite's helper (``tests/support/postgres.py``:
initdb/pg_ctl of the Debian packages, 127.0.0.1, a free port, fsync off) and loaded anew each run. Build times are
printed apart and are not part of the measure.

Target: due list <= 10 s on SQLite and on PostgreSQL; peak RSS <= 300 MB. The RSS is this process's own peak over
the whole run, the builds included (``resource.getrusage``); the PostgreSQL server's processes are not ours and are
not counted. ``--explain`` prints each engine's plan of the due query on stderr.

Usage: python benchmarks/retention_due.py [--n 1000000] [--data-dir /tmp/arsip-bench-retention] [--sqlite-only]
       [--explain]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import itertools
import json
import random
import resource
import sys
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, Connection, Engine, create_engine, event, insert, text  # noqa: E402

from archive_service.config import Settings  # noqa: E402
from archive_service.db import JraClass, JraSchedule, Record, WorkUnit  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services.actor import SYSTEM  # noqa: E402
from archive_service.services.retention_due import DUE_RULES, DueRow, due_summary  # noqa: E402
from retention.periods import parse_period  # noqa: E402
from retention.rules import add_years  # noqa: E402
from schemas.enums import ArchivalState, FinalDisposition  # noqa: E402
from tests.support.postgres import PostgresServer, find_bindir, start_postgres  # noqa: E402

VERSION = 1
"""Bump whenever the generated rows change: a cached database of another version is rebuilt, never reused."""

CHUNK = 10_000
"""Rows per generated chunk and per insert transaction; chunk k draws from its own Random, seeded by (seed, k)."""

MARKER = "retention_due.json"
DB_NAME = "arsip.sqlite3"

AS_OF = date(2026, 11, 30)
"""The archive's "today", for the generated states and for the due list. Fixed so runs are repeatable."""
FIRST_YEAR, LAST_YEAR = 1996, 2026
LAST_DOC_DATE = date(2026, 10, 31)  # + at most 30 days of registration lag: before AS_OF
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 300
RUNS = 3

REGION = "Kabupaten Sukamaju"  # fictional, as in benchmarks/synthetic.py
# Work units, biggest first (the rank is the Zipf rank of their share of records).
UNITS: list[tuple[str, str]] = [
    ("setda", "Sekretariat Daerah"),
    ("disdik", "Dinas Pendidikan"),
    ("dinkes", "Dinas Kesehatan"),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("dukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("rsud", "Rumah Sakit Umum Daerah"),
    ("bapenda", "Badan Pendapatan Daerah"),
    ("dinsos", "Dinas Sosial"),
    ("setwan", "Sekretariat DPRD"),
    ("inspektorat", "Inspektorat Daerah"),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("dishub", "Dinas Perhubungan"),
    ("dlh", "Dinas Lingkungan Hidup"),
    ("distan", "Dinas Pertanian"),
    ("satpolpp", "Satuan Polisi Pamong Praja"),
    ("dispersip", "Dinas Perpustakaan dan Kearsipan"),
    ("kec-sukamaju", "Kecamatan Sukamaju"),
]
TOPS = ("000", "100", "200", "300", "400", "500", "600", "700", "800", "900")
CLASSES_PER_TOP = 20
RECORD_TYPES = (
    "Surat Keputusan",
    "Surat Edaran",
    "Nota Dinas",
    "Laporan Kegiatan",
    "Laporan Keuangan",
    "Laporan Realisasi Anggaran",
    "Dokumen Pelaksanaan Anggaran",
    "Surat Perintah Pencairan Dana",
    "Berkas Pengadaan Barang dan Jasa",
    "Kontrak Kerja",
    "Berita Acara Serah Terima",
    "Notulen Rapat",
    "Daftar Hadir",
    "Berkas Kepegawaian",
    "Usulan Kenaikan Pangkat",
    "Rencana Kerja",
    "Rencana Strategis",
    "Peraturan Bupati",
    "Perjanjian Kerja Sama",
    "Berkas Perizinan",
    "Laporan Hasil Pemeriksaan",
    "Data Statistik",
    "Dokumen Perencanaan",
    "Surat Masuk",
    "Surat Keluar",
)
DISPOSITIONS = (FinalDisposition.MUSNAH, FinalDisposition.PERMANEN, FinalDisposition.DINILAI_KEMBALI)
TRIGGER_EVENT = "setelah pemeriksaan"
# A record whose disposition has started but not ended: the states of an open batch (retention/lifecycle.py).
IN_PROCESS: dict[str, tuple[str, ...]] = {
    FinalDisposition.MUSNAH: (ArchivalState.USUL_MUSNAH, ArchivalState.DINILAI_PANITIA, ArchivalState.DISETUJUI_MUSNAH),
    FinalDisposition.PERMANEN: (ArchivalState.USUL_SERAH,),
    FinalDisposition.DINILAI_KEMBALI: (ArchivalState.DINILAI_KEMBALI,),
}
KIND_OF_DISPOSITION = {str(disposition): kind for kind, (_, _, disposition) in DUE_RULES.items() if disposition}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the data -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClassSpec:
    """One generated JRA row; ``active`` / ``inactive`` are what ``parse_period`` makes of the cell text."""

    id: int
    code: str
    record_type: str
    active: dict[str, Any]
    inactive: dict[str, Any]
    disposition: str


def jra_classes(seed: int) -> list[ClassSpec]:
    rng = random.Random(seed)
    out: list[ClassSpec] = []
    for i in range(len(TOPS) * CLASSES_PER_TOP):
        j = i % CLASSES_PER_TOP
        code = f"{TOPS[i // CLASSES_PER_TOP]}.{j // 5 + 1}.{j % 5 + 1}"
        active_years = rng.choices(range(1, 6), weights=(25, 35, 15, 5, 20))[0]
        inactive_years = rng.choices(range(1, 11), weights=(10, 15, 15, 5, 20, 3, 3, 3, 3, 20))[0]
        disposition = rng.choices(DISPOSITIONS, weights=(65, 20, 15))[0]
        word = rng.choice(("th", "tahun", "Tahun"))
        active_text = f"{active_years} {word}" + (f" {TRIGGER_EVENT}" if j == 7 else "")
        out.append(
            ClassSpec(
                id=i + 1,
                code=code,
                record_type=rng.choice(RECORD_TYPES),
                active=parse_period(active_text).to_dict(),
                inactive=parse_period(f"{inactive_years} {word}").to_dict(),
                disposition=str(disposition),
            )
        )
    return out


def _cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class Plan:
    n: int
    seed: int
    classes: list[ClassSpec]
    class_cum: list[float]
    unit_cum: list[float]
    year_cum: list[float]

    @classmethod
    def make(cls, n: int, seed: int) -> Plan:
        classes = jra_classes(seed)
        order = list(range(len(classes)))
        random.Random(seed + 1).shuffle(order)  # big and small classes in every top-level code
        class_weights = [0.0] * len(classes)
        for rank, index in enumerate(order):
            class_weights[index] = 1 / (rank + 1) ** 0.8
        return cls(
            n=n,
            seed=seed,
            classes=classes,
            class_cum=_cumulative(class_weights),
            unit_cum=_cumulative([1 / (rank + 1) ** 0.9 for rank in range(len(UNITS))]),
            # More records in later years (digital registration grew): 1996 weighs 1, 2026 weighs 7.
            year_cum=_cumulative([1 + 0.2 * (y - FIRST_YEAR) for y in range(FIRST_YEAR, LAST_YEAR + 1)]),
        )

    @property
    def chunks(self) -> int:
        return -(-self.n // CHUNK)


def _pick(cum: list[float], r: float) -> int:
    return bisect_right(cum, r * cum[-1])


def _at(day: int, rand: Callable[[], float]) -> datetime:
    """A moment on epoch-ordinal ``day`` in office hours (08-16 WIB = 01-09 UTC)."""
    return datetime.fromordinal(day).replace(tzinfo=UTC) + timedelta(seconds=3600 + int(rand() * 8 * 3600))


def chunk_rows(plan: Plan, chunk_no: int) -> tuple[list[dict[str, Any]], Counter[str]]:
    """The rows of chunk ``chunk_no`` (ids ``chunk_no * CHUNK + 1`` …) as Core insert parameters, and how many of
    them are due per kind at ``AS_OF`` (what ``due_summary`` must find)."""
    rng = random.Random(plan.seed * 1_000_003 + chunk_no)
    rand = rng.random
    as_of = AS_OF.toordinal()
    first = chunk_no * CHUNK + 1
    last = min(plan.n, first + CHUNK - 1)
    rows: list[dict[str, Any]] = []
    due: Counter[str] = Counter()
    for rid in range(first, last + 1):
        spec = plan.classes[_pick(plan.class_cum, rand())]
        unit_code, unit_name = UNITS[_pick(plan.unit_cum, rand())]
        year = FIRST_YEAR + _pick(plan.year_cum, rand())
        first_day = date(year, 1, 1).toordinal()
        last_day = min(date(year, 12, 31), LAST_DOC_DATE).toordinal()
        doc_day = first_day + int(rand() * (last_day - first_day + 1))
        doc_date = date.fromordinal(doc_day)
        active_years, inactive_years = spec.active["years"], spec.inactive["years"]

        # The clock, as retention.rules.compute_dates runs it: from the record's date, or from the trigger event.
        start: date | None = doc_date
        trigger_date = waiting_for = None
        if spec.active["trigger"] is not None:
            event_day = doc_day + 30 + int(rand() * 3 * 365)
            if event_day <= as_of and rand() < 0.7:
                trigger_date = start = date.fromordinal(event_day)
            else:
                waiting_for, start = spec.active["trigger"], None
        active_until = add_years(start, active_years) if start else None
        inactive_until = add_years(active_until, inactive_years) if active_until else None

        held = rand() < 0.005
        vital = rand() < 0.01
        state = ArchivalState.AKTIF
        finished: datetime | None = None
        updated_day = doc_day
        if active_until is not None and active_until.toordinal() <= as_of:
            moved = active_until.toordinal() + int(rand() ** 2 * 4 * 365)  # pemindahan backlog, 0-4 years
            if moved > as_of:
                state = ArchivalState.USUL_PINDAH if rand() < 0.03 else ArchivalState.AKTIF
            else:
                state, updated_day = ArchivalState.INAKTIF, moved
                assert inactive_until is not None
                if inactive_until.toordinal() <= as_of and not held:
                    done = inactive_until.toordinal() + int(rand() ** 0.5 * 10 * 365)  # disposition lag, 0-10 y
                    if done > as_of:
                        if rand() < 0.06:
                            state = rng.choice(IN_PROCESS[spec.disposition])
                    elif spec.disposition == FinalDisposition.MUSNAH:
                        state, finished = ArchivalState.DIMUSNAHKAN, _at(done, rand)
                    elif spec.disposition == FinalDisposition.PERMANEN:
                        state, finished = ArchivalState.DISERAHKAN_STATIS, _at(done, rand)
                    else:  # re-appraised: kept, its inactive period runs again from the appraisal (services.retention)
                        inactive_until, updated_day = add_years(date.fromordinal(done), inactive_years), done
        state = str(state)
        if state == ArchivalState.AKTIF and active_until is not None and active_until.toordinal() <= as_of:
            due["pemindahan"] += 1
        elif state == ArchivalState.INAKTIF and inactive_until is not None and inactive_until.toordinal() <= as_of:
            due[KIND_OF_DISPOSITION[spec.disposition]] += 1

        created = _at(doc_day + int(rand() * 31), rand)
        updated = finished or max(created, _at(updated_day, rand))
        code = spec.code if rand() < 0.7 else f"{spec.code}.{1 + int(rand() * 9)}"
        seq = 1 + int(rand() * 4999)
        rows.append(
            {
                "id": rid,
                "version": 1,
                "record_no": f"RET/{year}/{rid:07d}",
                "file_no": f"{code}/{seq}/{unit_code.upper()}/{year}",
                "creator_org": f"{unit_name} {REGION}",
                "processing_unit": unit_code,
                "classification_code": code,
                "title": f"{spec.record_type} {unit_name} Nomor {seq} Tahun {year}",
                "description": f"{spec.record_type} nomor {code}/{seq}/{year} dari {unit_name} {REGION}, "
                f"disimpan menurut JRA kelas {spec.code}.",
                "doc_date": doc_date,
                "quantity": 1 + int(rand() ** 3 * 200),
                "quantity_unit": "berkas" if rand() < 0.3 else "lembar",
                "media": "tekstual" if year < 2015 and rand() < 0.7 else "elektronik",
                "is_vital": vital,
                "legal_hold": held,
                "jra_class_id": spec.id,
                "jra_ref": f"JRA v1 {spec.code}",
                "final_disposition": spec.disposition,
                "retention_total_years": active_years + inactive_years,
                "retention_trigger_date": trigger_date,
                "retention_waiting_for": waiting_for,
                "active_until": active_until,
                "inactive_until": inactive_until,
                "archival_state": state,
                "destroyed_at": finished if state == ArchivalState.DIMUSNAHKAN else None,
                "transferred_at": finished if state == ArchivalState.DISERAHKAN_STATIS else None,
                "created_at": created,
                "updated_at": updated,
            }
        )
    return rows, due


def _reference_rows(conn: Any, plan: Plan) -> None:
    when = datetime(FIRST_YEAR - 1, 12, 1, 2, tzinfo=UTC)
    conn.execute(insert(WorkUnit.__table__), [{"code": code, "name": name, "created_at": when} for code, name in UNITS])
    conn.execute(
        insert(JraSchedule.__table__),
        [
            {
                "id": 1,
                "version_no": 1,
                "name": f"Jadwal Retensi Arsip {REGION} (sintetis)",
                "legal_basis": "Peraturan Bupati Sukamaju Nomor 1 Tahun 1995",
                "source_filename": "jra-sintetis.csv",
                "source_sha256": None,
                "row_count": len(plan.classes),
                "imported_at": when,
                "imported_by": "system",
            }
        ],
    )
    conn.execute(
        insert(JraClass.__table__),
        [
            {
                "id": c.id,
                "schedule_id": 1,
                "position": c.id,
                "source_line": c.id + 2,
                "code": c.code,
                "record_type": c.record_type,
                "active": c.active,
                "inactive": c.inactive,
                "active_years": c.active["years"],
                "inactive_years": c.inactive["years"],
                "final_disposition": c.disposition,
                "disposition_note": None,
                "notes": None,
            }
            for c in plan.classes
        ],
    )


def _copy_writer(conn: Connection, first: dict[str, Any]) -> Callable[[list[dict[str, Any]]], None]:
    """PostgreSQL: write a chunk with ``COPY records … FROM STDIN`` (psycopg adapts dates, aware datetimes, booleans
    as Core would bind them). COPY applies no SQLAlchemy defaults, so the NOT NULL columns the generator leaves out
    get their column default here; the stored rows are compared with SQLite's through the ORM afterwards."""
    defaults: dict[str, Any] = {}
    for column in Record.__table__.columns:
        if column.name in first or column.nullable:
            continue
        if column.default is None:
            raise RuntimeError(f"records.{column.name} is NOT NULL without a default: set it in chunk_rows")
        value = column.default.arg if column.default.is_scalar else column.default.arg(None)  # type: ignore[attr-defined]
        # JSON as its text: COPY parses it into jsonb, and it is serialised once instead of once a row.
        defaults[column.name] = json.dumps(value) if isinstance(column.type, JSON) else value
    constants = tuple(defaults.values())
    sql = f"COPY records ({', '.join([*first, *defaults])}) FROM STDIN"
    raw = conn.connection.dbapi_connection
    assert raw is not None

    def write(rows: list[dict[str, Any]]) -> None:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row.values(), *constants))

    return write


def load(engine: Engine, plan: Plan, label: str) -> tuple[float, Counter[str]]:
    """Insert the reference rows and every chunk (one transaction each): Core executemany on SQLite, COPY on
    PostgreSQL. Returns the seconds and the expected due counts. The cyclic GC is paused meanwhile: millions of
    short-lived dicts only feed it.

    On PostgreSQL the foreign-key triggers are off while loading (``session_replication_role = replica``: they
    cost half the load) and the references are checked in one query afterwards instead."""
    started = time.perf_counter()
    due: Counter[str] = Counter()
    last_report = started
    postgres = engine.dialect.name == "postgresql"
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with engine.connect() as conn:
            with conn.begin():
                _reference_rows(conn, plan)
            if postgres:
                conn.exec_driver_sql("SET session_replication_role = replica")
                conn.commit()
            stmt = insert(Record.__table__)
            write: Callable[[list[dict[str, Any]]], None] | None = None
            done = 0
            for chunk_no in range(plan.chunks):
                rows, chunk_due = chunk_rows(plan, chunk_no)
                if write is None:
                    write = _copy_writer(conn, rows[0]) if postgres else lambda rows: conn.execute(stmt, rows)
                with conn.begin():
                    write(rows)
                due.update(chunk_due)
                done += len(rows)
                del rows
                if time.perf_counter() - last_report > 15:
                    last_report = time.perf_counter()
                    rate = done / (last_report - started)
                    rss = peak_rss_mb()
                    print(f"  {label}: {done:,} records, {rate:,.0f}/s, peak RSS {rss:.0f} MB", file=sys.stderr)
            if postgres:
                conn.exec_driver_sql("SET session_replication_role = DEFAULT")
                conn.commit()
                dangling = conn.execute(
                    text(
                        "SELECT count(*) FROM records r"
                        " LEFT JOIN work_units u ON u.code = r.processing_unit"
                        " LEFT JOIN jra_classes c ON c.id = r.jra_class_id"
                        " WHERE u.code IS NULL OR (r.jra_class_id IS NOT NULL AND c.id IS NULL)"
                    )
                ).scalar_one()
                conn.rollback()
                if dangling:
                    raise RuntimeError(f"{dangling} records point at a missing work unit or JRA class")
    finally:
        if gc_was_enabled:
            gc.enable()
    return time.perf_counter() - started, due


def fingerprint(plan: Plan) -> str:
    """A digest of the classes and the first chunk: a cached database made by other generator code is rebuilt
    even when nobody bumped ``VERSION``."""
    rows, due = chunk_rows(plan, 0)
    return hashlib.sha256(repr((plan.classes, rows, sorted(due.items()))).encode()).hexdigest()[:16]


def sample(rt: Runtime, n: int) -> list[dict[str, Any]]:
    """A few records and a JRA class as the ORM reads them back: SQLite's and PostgreSQL's must be equal."""
    out = []
    with rt.db.read() as session:
        for row in [session.get(JraClass, 8), *(session.get(Record, i) for i in sorted({1, (n + 1) // 2, n}))]:
            assert row is not None
            out.append({c.key: getattr(row, c.key) for c in row.__table__.columns})
    return out


def states(engine: Engine) -> str:
    """How many records are in each archival state (printed with the build, not part of the measure)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT archival_state, count(*) FROM records GROUP BY archival_state ORDER BY 2 DESC")
        ).all()
    return ", ".join(f"{state} {count:,}" for state, count in rows)


# ---- SQLite: built once, reused -------------------------------------------------------------------------------------
def _read_marker(data_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((data_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _record_count(engine: Engine) -> int | None:
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM records")).scalar_one())
    except Exception:
        return None


def sqlite_runtime(data_dir: Path, plan: Plan) -> tuple[Runtime, Counter[str]]:
    """A runtime on the cached SQLite database, built first unless the one in ``data_dir`` matches this plan."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / DB_NAME
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{db_path}", index_worker_thread=False)
    marker = _read_marker(data_dir)
    wanted = {"version": VERSION, "n": plan.n, "seed": plan.seed, "fingerprint": fingerprint(plan)}
    if db_path.exists():
        rt = Runtime.from_settings(settings)
        count = _record_count(rt.db.engine)
        if marker.get("complete") and {k: marker.get(k) for k in wanted} == wanted and count == plan.n:
            print(f"sqlite: reusing {db_path} ({count:,} records; built in {marker.get('seconds')} s)")
            return rt, Counter(marker["due"])
        rt.close()
        if not marker and count:
            sys.exit(f"{db_path} holds {count:,} records not built by this benchmark; not touching it")
        for path in data_dir.glob(DB_NAME + "*"):
            path.unlink()
    # Written before building, so that a build cut short is known as ours and rebuilt by the next run.
    (data_dir / MARKER).write_text(json.dumps({**wanted, "complete": False}) + "\n", encoding="utf-8")

    rt = Runtime.from_settings(settings)
    started = time.perf_counter()
    rt.migrate()
    engine = rt.db.engine
    with engine.connect() as conn:
        # Bulk load only: no fsync per commit, a larger page cache for the index B-trees (both put back afterwards:
        # the pool reuses the connection).
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-32768")  # KiB: 32 MB (and no more: the peak RSS counts the build too)
    try:
        load_seconds, due = load(engine, plan, "sqlite")
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA synchronous=NORMAL")
            raw.execute("PRAGMA cache_size=-2000")
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in data_dir.glob(DB_NAME + "*"))
    payload = {**wanted, "complete": True, "seconds": round(seconds, 1), "due": dict(due), "db_bytes": size}
    (data_dir / MARKER).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(
        f"sqlite: built {plan.n:,} records in {seconds:.1f} s (insert {load_seconds:.1f} s, "
        f"{plan.n / load_seconds:,.0f} rows/s), DB {size / 1e6:,.0f} MB at {db_path}"
    )
    # Measure on fresh connections, as a reused database is: none of the bulk load's settings left on them.
    rt.close()
    return Runtime.from_settings(settings), due


# ---- PostgreSQL: a throwaway server, loaded each run -----------------------------------------------------------------
def postgres_runtime(server: PostgresServer, data_dir: Path, plan: Plan) -> tuple[Runtime, Counter[str]]:
    admin = create_engine(server.url().replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE arsip_bench"))
    settings = Settings(
        data_dir=data_dir / "postgresql", database_url=server.url("arsip_bench"), index_worker_thread=False
    )
    rt = Runtime.from_settings(settings)
    started = time.perf_counter()
    rt.migrate()
    load_seconds, due = load(rt.db.engine, plan, "postgresql")
    # VACUUM (not only ANALYZE): sets hint bits and the visibility map as a settled table has them, and leaves
    # autovacuum nothing to start during the measure.
    vacuum = rt.db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with vacuum.connect() as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")
    admin.dispose()
    seconds = time.perf_counter() - started
    with rt.db.engine.connect() as conn:
        size = int(conn.execute(text("SELECT pg_total_relation_size('records')")).scalar_one())
    print(
        f"postgresql: built {plan.n:,} records in {seconds:.1f} s (insert {load_seconds:.1f} s, "
        f"{plan.n / load_seconds:,.0f} rows/s), records table + indexes {size / 1e6:,.0f} MB "
        f"(PostgreSQL {server.bindir.parent.name}, port {server.port})"
    )
    return rt, due


# ---- measuring ------------------------------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    due_seconds: float
    first_due_seconds: float
    count_seconds: float
    rows: list[DueRow]
    count: int
    sample: list[dict[str, Any]]

    def due_by_kind(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for row in self.rows:
            out[row.kind] += row.count
        return out


def _timed(fn: Callable[[], Any]) -> tuple[list[float], Any]:
    """The seconds of each of `RUNS` calls of ``fn``, and what the last returned."""
    seconds, value = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - started)
    return seconds, value


def measure(name: str, rt: Runtime) -> Result:
    def count() -> int:
        with rt.db.read() as session:
            return int(session.execute(text("SELECT count(*) FROM records")).scalar_one())

    count()  # warm: the table's pages into the cache
    count_seconds, n = _timed(count)
    due_seconds, rows = _timed(lambda: due_summary(rt, SYSTEM, as_of=AS_OF))
    return Result(name, min(due_seconds), due_seconds[0], min(count_seconds), rows, n, sample(rt, n))


def explain(name: str, rt: Runtime) -> None:
    """Print the plan of the statement ``due_summary`` sends (caught on its way to the driver)."""
    caught: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "GROUP BY" in statement:
            caught.append((statement, parameters))

    engine = rt.db.engine
    event.listen(engine, "before_cursor_execute", catch)
    try:
        due_summary(rt, SYSTEM, as_of=AS_OF)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    statement, parameters = caught[-1]
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(prefix + statement, parameters).all()
    print(f"{name}: plan of the due query:", file=sys.stderr)
    for row in plan:
        print("  " + (" ".join(str(c) for c in row[1:]) if sqlite else str(row[0])), file=sys.stderr)


def report(result: Result, expected: Counter[str], n: int) -> None:
    by_kind = result.due_by_kind()
    total = sum(by_kind.values())
    held = sum(r.held for r in result.rows)
    vital = sum(r.vital for r in result.rows)
    kinds = ", ".join(f"{kind} {by_kind.get(kind, 0):,}" for kind in DUE_RULES)
    print(
        f"{result.name}: due_summary {result.due_seconds:.3f} s (first run {result.first_due_seconds:.3f} s), "
        f"count(*) {result.count_seconds:.4f} s (best of {RUNS}); {len(result.rows):,} summary rows, "
        f"{total:,} due records ({kinds}; held {held:,}, vital {vital:,})"
    )
    if result.count != n:
        sys.exit(f"{result.name}: records holds {result.count:,} rows, expected {n:,}")
    if {k: by_kind.get(k, 0) for k in DUE_RULES} != {k: expected.get(k, 0) for k in DUE_RULES}:
        sys.exit(f"{result.name}: due counts {dict(by_kind)} differ from the generated data's {dict(expected)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="number of records (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/arsip-bench-retention"))
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--explain", action="store_true", help="print the due query's plan on each database")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # in order with the notes on stderr
    data_dir = args.data_dir.resolve()
    if not args.sqlite_only and find_bindir() is None:
        print(
            "retention_due: PostgreSQL server binaries not found (initdb under /usr/lib/postgresql/*/bin or on "
            "PATH): install Debian's 'postgresql' package, or pass --sqlite-only",
            file=sys.stderr,
        )
        sys.exit(2)

    plan = Plan.make(args.n, args.seed)
    print(f"retention_due: {args.n:,} records, {len(plan.classes)} JRA classes, {len(UNITS)} units, as_of {AS_OF}")
    results: list[Result] = []
    expected: dict[str, Counter[str]] = {}

    def run(name: str, rt: Runtime) -> None:
        try:
            print(f"{name}: records by archival_state: {states(rt.db.engine)}")
            results.append(measure(name, rt))
            if args.explain:
                explain(name, rt)
        finally:
            rt.close()

    rt, expected["sqlite"] = sqlite_runtime(data_dir, plan)
    run("sqlite", rt)
    if not args.sqlite_only:
        with contextlib.contextmanager(start_postgres)() as server:
            rt, expected["postgresql"] = postgres_runtime(server, data_dir, plan)
            run("postgresql", rt)

    for result in results:
        report(result, expected[result.name], args.n)
    if len(results) == 2 and results[0].sample != results[1].sample:
        diff = [
            (a.get("id"), key, a[key], b.get(key))
            for a, b in zip(results[0].sample, results[1].sample, strict=True)
            for key in a
            if a[key] != b.get(key)
        ]
        sys.exit(f"sqlite and postgresql store different rows (id, column, sqlite, postgresql): {diff[:10]}")
    if len(results) == 2 and results[0].rows != results[1].rows:
        sys.exit("sqlite and postgresql return different due summaries")
    rss = peak_rss_mb()
    slowest = max(results, key=lambda r: r.due_seconds)
    where = "sqlite_and_postgresql" if len(results) == 2 else "sqlite(postgresql_skipped)"
    over = [r.name for r in results if r.due_seconds > TARGET_SECONDS]
    if over or rss > TARGET_RSS_MB:
        print(f"retention_due: over target ({', '.join(over) or 'peak RSS'})", file=sys.stderr)
    print(
        f"BENCH retention_due value={slowest.due_seconds:.4f}s baseline={slowest.count_seconds:.4f}s "
        f"ratio={slowest.due_seconds / slowest.count_seconds:.1f} "
        f"target=<={TARGET_SECONDS:.0f}s_{where},peak_rss<={TARGET_RSS_MB}MB(got {rss:.0f}MB)"
    )


if __name__ == "__main__":
    main()
