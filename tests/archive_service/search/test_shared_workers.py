"""Three workers that share nothing but PostgreSQL and an S3 bucket (ARSIP_WORKER_CLAIMS=database, issue 19).

What must hold, as on three machines: every file is extracted and every record indexed exactly once; a worker
killed with SIGKILL in the middle of its jobs loses nothing, because its leases run out and another worker takes
them; the work done twice is at most what the dead worker held under its lease; extraction spreads over the
workers while one of them (the holder of the index-writer lease) writes the embedded index.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive_service.cli import main
from archive_service.config import Settings
from archive_service.db import Extraction, OutboxEvent, RecordFile
from archive_service.runtime import Runtime
from archive_service.services import auth, index_rebuild, indexing, records, search
from archive_service.services import work_claims as claims
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.conftest import DATABASES, make_account
from tests.support.files import pdf_bytes
from tests.support.shared_workers import kill_group, shared_env, start_worker, stop_worker

from .conftest import READY

needs_postgres = pytest.mark.skipif("postgresql" not in DATABASES, reason="database claims need PostgreSQL")

RECORDS = 24
LEASE_S = 5
CAPACITY = 2  # jobs a worker with one extraction process claims at once (shared_worker.SharedWorker.capacity)


@pytest.fixture
def shared(tmp_path, postgres_template, s3_server, s3_bucket) -> Iterator[tuple[Runtime, dict[str, str]]]:  # type: ignore[no-untyped-def]
    url = postgres_template.new_database(tmp_path)
    env = shared_env(url, s3_server, s3_bucket, lease_seconds=LEASE_S)
    settings = Settings(
        data_dir=tmp_path / "office",
        database_url=url,
        storage_url=env["ARSIP_STORAGE_URL"],
        s3_endpoint_url=s3_server.endpoint_url,
        s3_region=s3_server.region,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
        worker_claims="database",
    )
    runtime = Runtime.from_settings(settings)
    yield runtime, env
    runtime.close()
    postgres_template.drop(url)


def _count(rt: Runtime, stmt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return int(session.execute(stmt).scalar_one())


def _add_records(rt: Runtime) -> list[int]:
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    actor = make_account(rt, "pendukung", "pendukung", "kominfo").actor
    ids = []
    for i in range(RECORDS):
        pages = [f"Notulen rapat nomor {i} kata{i}unik"] + [f"Halaman {p} isi notulen koordinasi" for p in range(80)]
        staged = stage_stream(io.BytesIO(pdf_bytes(*pages)), rt.settings.staging_dir)
        record = records.create_record(rt, actor, READY | {"title": f"Notulen {i}"}, [Upload(f"n{i}.pdf", staged)])
        ids.append(record.id)
    return ids


def _wait(what: str, done, timeout: float, workers) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not done():
        for name, proc in workers.items():
            assert proc.poll() is None or name == "killed", f"worker {name} exited with {proc.returncode}"
        assert time.monotonic() < deadline, f"{what} not within {timeout:.0f} s"
        time.sleep(0.02)


@needs_postgres
def test_three_workers_share_the_work_and_survive_a_kill(shared, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rt, env = shared
    ids = _add_records(rt)
    # w1 holds the index (the machine the web processes read); w2 and w3, "on other machines", only extract.
    procs = {
        n: start_worker(env, tmp_path / n, n, extract_only=n != "w1", log=tmp_path / f"{n}.log")
        for n in ("w1", "w2", "w3")
    }
    writer = "w1"
    try:
        # The victim: an extract-only worker caught holding extraction jobs it has not finished.
        holding = select(Extraction.claimed_by).where(
            Extraction.state == "pending",
            Extraction.lease_until > func.now(),
            Extraction.claimed_by.in_(("w2", "w3")),
        )

        def victim_found() -> bool:
            with rt.db.read() as session:
                return session.execute(holding.limit(1)).first() is not None

        _wait("an extract-only worker holding jobs", victim_found, 60, procs)
        with rt.db.read() as session:
            victim = sorted(set(session.execute(holding).scalars()))[0]
        kill_group(procs[victim])
        procs["killed"] = procs.pop(victim)
        with rt.db.read() as session:
            orphans = set(
                session.execute(
                    select(Extraction.blob_sha256).where(Extraction.state == "pending", Extraction.claimed_by == victim)
                ).scalars()
            )
        assert orphans, "the victim was killed between two jobs; nothing to take over"
        assert len(orphans) <= CAPACITY  # what it held under its lease: all the work that may be done twice

        unprocessed = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
        _wait("every outbox row processed", lambda: _count(rt, unprocessed) == 0, 50, procs)
    finally:
        for proc in procs.values():
            stop_worker(proc)

    with rt.db.read() as session:
        rows = session.execute(select(Extraction).where(Extraction.state != "pending")).scalars().all()
        events = session.execute(select(OutboxEvent)).scalars().all()
    texts = [r for r in rows if r.text_sha256 is not None]
    assert len(rows) == RECORDS and all(r.state == "done" for r in rows)
    # Extracted exactly once: each result recorded once, the dead worker's jobs by the others.
    assert [r.attempts for r in rows] == [1] * RECORDS
    taken_over = {r.blob_sha256: r.claimed_by for r in rows if r.blob_sha256 in orphans}
    assert set(taken_over) == orphans and victim not in taken_over.values()
    per_worker = Counter(r.claimed_by for r in rows)
    print(
        f"\nkilled {victim} holding {len(orphans)} job(s), redone by {sorted(set(taken_over.values()))}; "
        f"extractions per worker {dict(sorted(per_worker.items()))}"
    )
    assert len(per_worker) >= 2, "extraction did not spread over the workers"
    assert all(rt.blobs.exists(r.text_sha256) for r in texts)  # the texts are in the shared bucket
    # Indexed exactly once, by the writer only: no row failed or was parked, every one applied by the writer.
    assert all(e.processed_at is not None and e.attempts == 0 and e.dead_at is None for e in events)
    assert {e.claimed_by for e in events} == {writer}

    assert claims.lease_holder(rt, claims.INDEX_WRITER) is None  # w1 gave the writer role back when it stopped
    writer_rt = Runtime.from_settings(replace(rt.settings, data_dir=tmp_path / writer, search_url=""))
    try:
        report = index_rebuild.verify(writer_rt, indexing.INTERNAL)
        assert report.expected == len(ids) and report.clean
        assert search.internal_search(writer_rt, SYSTEM, {"q": '"kata7unik"'}).total == 1
    finally:
        writer_rt.close()


@needs_postgres
def test_the_writer_lease_is_held_by_one_and_taken_over_when_it_runs_out(shared) -> None:  # type: ignore[no-untyped-def]
    rt, _env = shared
    fast = replace(rt.settings, worker_lease_seconds=2, data_dir=rt.settings.data_dir)
    short = Runtime(settings=fast, db=rt.db, blobs=rt.blobs, calendar=rt.calendar)
    assert claims.hold_lease(short, claims.INDEX_WRITER, "a")
    assert not claims.hold_lease(short, claims.INDEX_WRITER, "b")  # held: refused, not waited for
    assert claims.hold_lease(short, claims.INDEX_WRITER, "a")  # renewed by its holder
    assert claims.lease_holder(short, claims.INDEX_WRITER) == "a"
    time.sleep(2.2)  # "a" died: no renewal
    assert claims.hold_lease(short, claims.INDEX_WRITER, "b")
    assert not claims.hold_lease(short, claims.INDEX_WRITER, "a")
    claims.drop_lease(short, claims.INDEX_WRITER, "b")
    assert claims.lease_holder(short, claims.INDEX_WRITER) is None


@needs_postgres
def test_jobs_are_claimed_once_and_index_status_shows_who_holds_them(shared, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rt, env = shared
    _add_records(rt)
    with rt.db.read() as session:
        shas = sorted(set(session.execute(select(RecordFile.blob_sha256)).scalars()))
    claims.ensure_pending(rt, shas)
    first = claims.claim_extractions(rt, "a", 5)
    second = claims.claim_extractions(rt, "b", 100)
    assert len(first) == 5 and len(second) == RECORDS - 5 and not set(first) & set(second)
    assert claims.claim_extractions(rt, "c", 100) == []  # all held under live leases
    assert claims.live_claims(rt) == {"a": 5, "b": RECORDS - 5}
    assert claims.renew_extractions(rt, "a", [*first, second[0]]) == 5  # only its own
    claims.release_extractions(rt, "b", second)
    assert claims.claim_extractions(rt, "c", 100) == second  # given back: claimable at once
    assert claims.claim_outbox(rt, "a", 3) and claims.claim_outbox(rt, "b", 3)
    for key, value in {**env, "ARSIP_DATA_DIR": str(rt.settings.data_dir)}.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["index", "status"], catch_exceptions=False)
    assert "extractions claimed: a: 5, c: " + str(RECORDS - 5) in result.output, result.output


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ARSIP_WORKER_CLAIMS": "database"}, "needs PostgreSQL"),  # the default database is SQLite
        ({"ARSIP_WORKER_CLAIMS": "redis"}, "must be lock or database"),
        ({"ARSIP_WORKER_LEASE_SECONDS": "1"}, "at least 2"),
        ({"ARSIP_WORKER_LEASE_SECONDS": "sebentar"}, "whole number"),
        ({"ARSIP_WORKER_EXTRACT_ONLY": "kadang"}, "true or false"),
    ],
)
def test_bad_claim_settings_stop_start_up_with_a_clear_message(tmp_path: Path, env, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"ARSIP_DATA_DIR": str(tmp_path), **env})
