"""Backup and restore (services/backup.py, services/restore.py, ``arsip backup``/``arsip restore``).

A backup taken while uploads run restores every record acknowledged before it began, byte for byte, with fixity,
the audit chain and both search indexes clean; a second backup copies only new blobs; S3 works as a target; and
restore refuses a non-empty target, an incomplete backup, a tampered blob and a schema newer than the code.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from archive_service.cli import main
from archive_service.config import Settings
from archive_service.db import Extraction
from archive_service.runtime import Runtime
from archive_service.services import auth, indexing, records
from archive_service.services.actor import SYSTEM
from archive_service.services.audit import verify_chain
from archive_service.services.backup import MANIFEST, backup
from archive_service.services.fixity import check_fixity
from archive_service.services.index_rebuild import verify
from archive_service.services.indexing import INDEXES
from archive_service.services.restore import restore
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.support.files import pdf_bytes
from tests.support.s3server import S3Server

META = {"classification_code": "000.1.5", "processing_unit": "kominfo", "creator_org": "Dinas Kominfo"}
_names = itertools.count(1)


def _upload(rt: Runtime, label: str) -> tuple[int, str]:
    body = pdf_bytes(f"Arsip cadangan {label}", uuid.uuid4().hex)
    staged = stage_stream(io.BytesIO(body), rt.settings.staging_dir)
    record = records.create_record(rt, SYSTEM, {**META, "title": f"Arsip {label}"}, [Upload(f"{label}.pdf", staged)])
    return record.id, hashlib.sha256(body).hexdigest()


def _sha_of_blob(rt: Runtime, sha: str) -> str:
    digest = hashlib.sha256()
    with rt.blobs.open(sha) as stream:
        while block := stream.read(65536):
            digest.update(block)
    return digest.hexdigest()


def _assert_clean(rt: Runtime, records_expected: int) -> None:
    """What the restore drill checks: ``arsip fixity``, ``arsip audit verify`` and ``arsip index verify``."""
    fixity = check_fixity(rt)
    assert fixity.ok and fixity.checked > 0, (fixity.missing, fixity.altered)
    with rt.db.read() as session:
        chain = verify_chain(session)
    assert chain.ok, chain.problems
    for name in INDEXES:
        drift = verify(rt, name)
        assert drift.clean, drift
    assert verify(rt, "internal").expected == records_expected


@pytest.fixture
def fresh(request: pytest.FixtureRequest, tmp_path: Path, settings: Settings) -> Iterator[Callable[..., Settings]]:
    """Settings for an empty data folder and, on PostgreSQL, a new empty database (not the migrated template)."""
    created: list[str] = []
    template: Any = request.getfixturevalue("postgres_template") if not settings.is_sqlite else None

    def make(**overrides: Any) -> Settings:
        data_dir = tmp_path / f"restored-{next(_names)}"
        if template is None:
            return Settings(data_dir=data_dir, **overrides)
        name = f"arsip_restore_{uuid.uuid4().hex[:12]}"
        with template.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = template.server.url(name)
        created.append(url)
        return Settings(data_dir=data_dir, database_url=url, **overrides)

    yield make
    for url in created:
        template.drop(url)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """``arsip`` in-process with the given ``ARSIP_*`` settings in the environment."""

    def run(env: dict[str, str], *args: str) -> Any:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_backup_during_uploads_restores_every_acknowledged_record(rt, tmp_path, fresh) -> None:  # type: ignore[no-untyped-def]
    auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Kominfo")
    acked: list[tuple[float, int, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    guard = threading.Lock()

    def uploader(n: int) -> None:
        for i in itertools.count():
            if stop.is_set():
                return
            try:
                rid, sha = _upload(rt, f"{n}-{i}")
            except BaseException as exc:
                errors.append(exc)
                return
            with guard:
                acked.append((time.monotonic(), rid, sha))

    threads = [threading.Thread(target=uploader, args=(n,), daemon=True) for n in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acked) < 6 and time.monotonic() < deadline and not errors:
        time.sleep(0.01)
    committed_during: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        # At the first blob, after the snapshot: wait for one more upload to be acknowledged, so uploads certainly
        # committed while this backup ran (and their blobs are rightly absent from it).
        if stage == "blobs" and not committed_during:
            seen, until = len(acked), time.monotonic() + 10
            while len(acked) == seen and time.monotonic() < until:
                time.sleep(0.005)
            committed_during.append(len(acked) - seen)

    began = time.monotonic()
    try:
        result = backup(rt, str(tmp_path / "backups"), progress=progress)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not errors, errors
    before = [(rid, sha) for at, rid, sha in acked if at < began]
    assert len(before) >= 6 and committed_during and committed_during[0] > 0
    assert result.blobs.copied == result.blobs.listed == result.manifest["blobs"]["count"] >= len(before)
    assert result.counts["records"] >= len(before)

    target = fresh()
    restored = restore(target, str(tmp_path / "backups"))
    assert restored.name == result.name and restored.blobs.copied == result.blobs.listed
    assert restored.indexed["internal"] == result.counts["records"]
    rt2 = Runtime.from_settings(target)
    try:
        for rid, sha in before:
            record = records.get_record(rt2, SYSTEM, rid)
            assert [f.sha256 for f in record.files] == [sha]
            assert _sha_of_blob(rt2, sha) == sha
        _assert_clean(rt2, result.counts["records"])
    finally:
        rt2.close()


def test_second_backup_copies_only_new_blobs_and_keep_prunes(rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Kominfo")
    folder = tmp_path / "backups"
    for n in range(3):
        _upload(rt, f"a{n}")
    first = backup(rt, str(folder))
    assert (first.blobs.copied, first.blobs.present) == (3, 0)
    for n in range(2):
        _upload(rt, f"b{n}")
    second = backup(rt, str(folder))
    assert (second.blobs.copied, second.blobs.present, second.blobs.listed) == (2, 3, 5)
    assert second.manifest["blobs"]["copied"] == 2 and second.manifest["counts"]["records"] == 5

    stray = b"a blob no snapshot lists"
    sha = hashlib.sha256(stray).hexdigest()
    (folder / "blobs" / sha[:2] / sha[2:4]).mkdir(parents=True)
    (folder / "blobs" / sha[:2] / sha[2:4] / sha).write_bytes(stray)
    third = backup(rt, str(folder), keep=1)
    assert (third.blobs.copied, third.blobs.present) == (0, 5)
    assert third.pruned_snapshots == [first.name, second.name] and third.pruned_blobs == 1
    assert sorted(p.name for p in (folder / "snapshots").iterdir()) == [third.name]
    assert sum(1 for p in (folder / "blobs").rglob("*") if p.is_file()) == 5


def test_backup_and_restore_through_s3_with_the_cli(  # type: ignore[no-untyped-def]
    rt, tmp_path, fresh, cli, s3_server: S3Server, s3_bucket: str
) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Kominfo")
    uploaded = [_upload(rt, f"s3-{n}") for n in range(3)]
    indexing.drain(rt)  # the worker extracts the text: derived blobs, which the backup must carry too
    s3_env = {
        "ARSIP_S3_ENDPOINT_URL": s3_server.endpoint_url,
        "ARSIP_S3_REGION": s3_server.region,
        "ARSIP_S3_ACCESS_KEY": s3_server.access_key,
        "ARSIP_S3_SECRET_KEY": s3_server.secret_key,
    }
    source_env = {**s3_env, "ARSIP_DATA_DIR": str(rt.settings.data_dir), "ARSIP_DATABASE_URL": rt.settings.database_url}
    url = f"s3://{s3_bucket}/nightly"
    done = cli(source_env, "backup", url, "--quiet")
    assert done.exit_code == 0, done.output
    assert "Cadangan / backup" in done.output and "6 blob" in done.output and "6 disalin/copied" in done.output
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_bucket)["Contents"]]
    assert sum(k.startswith("nightly/blobs/") for k in keys) == 6
    assert any(k.startswith("nightly/snapshots/") and k.endswith("/manifest.json") for k in keys)

    listed = cli(source_env, "restore", url, "--list")
    assert listed.exit_code == 0 and "1 cadangan / backups, 1 lengkap / complete" in listed.output

    target = fresh()
    target_env = {**s3_env, "ARSIP_DATABASE_URL": target.database_url}
    done = cli(target_env, "restore", url, "--data-dir", str(target.data_dir), "--quiet")
    assert done.exit_code == 0, done.output
    assert "Dipulihkan / restored" in done.output and "3 arsip/records" in done.output
    rt2 = Runtime.from_settings(target)
    try:
        for n, (rid, sha) in enumerate(uploaded):
            assert [f.sha256 for f in records.get_record(rt2, SYSTEM, rid).files] == [sha]
            with rt2.db.read() as session:
                text_sha = session.get(Extraction, sha).text_sha256
            assert f"Arsip cadangan s3-{n}" in indexing.read_text(rt2, text_sha)
        _assert_clean(rt2, 3)
    finally:
        rt2.close()


def test_restore_refuses_bad_input(rt, tmp_path, fresh, cli) -> None:  # type: ignore[no-untyped-def]
    auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Kominfo")
    uploaded = [_upload(rt, f"r{n}") for n in range(2)]
    folder = tmp_path / "backups"
    name = backup(rt, str(folder)).name
    snapshot = folder / "snapshots" / name

    def attempt(target: Settings, *extra: str) -> Any:
        env = {"ARSIP_DATABASE_URL": target.database_url}
        return cli(env, "restore", str(folder), "--data-dir", str(target.data_dir), "--quiet", *extra)

    # A data folder with a file in it.
    busy = fresh()
    busy.data_dir.mkdir(parents=True)
    (busy.data_dir / "catatan.txt").write_text("jangan ditimpa")
    refused = attempt(busy)
    assert refused.exit_code == 2 and "restore target is not empty" in refused.output
    assert "catatan.txt" in refused.output

    # A database that is in use (the source's own: SQLite file exists / PostgreSQL has tables).
    in_use = Settings(data_dir=tmp_path / "empty-but-db-in-use", database_url=rt.settings.database_url)
    refused = attempt(in_use)
    assert refused.exit_code == 2 and "restore target is not empty" in refused.output
    assert ("tables" if not rt.settings.is_sqlite else "exists") in refused.output

    # A schema newer than this code.
    original = (snapshot / MANIFEST).read_bytes()
    manifest = json.loads(original)
    manifest["database"]["schema_revision"] = "9999"
    (snapshot / MANIFEST).write_text(json.dumps(manifest))
    refused = attempt(fresh())
    assert refused.exit_code == 2 and "newer than this version of Arsip" in refused.output
    (snapshot / MANIFEST).write_bytes(original)

    # A blob altered in the backup.
    sha = uploaded[0][1]
    blob = folder / "blobs" / sha[:2] / sha[2:4] / sha
    good = blob.read_bytes()
    blob.write_bytes(good[:-1] + b"X")
    refused = attempt(fresh())
    assert refused.exit_code == 2 and f"Blob {sha} in backup {name} does not match its SHA-256" in refused.output
    blob.write_bytes(good)

    # An interrupted backup: no manifest.
    (snapshot / MANIFEST).unlink()
    refused = attempt(fresh())
    assert refused.exit_code == 2 and f"No complete backup in {folder}; without manifest.json: {name}" in refused.output
    refused = attempt(fresh(), "--snapshot", name)
    assert refused.exit_code == 2 and "incomplete (no manifest.json)" in refused.output

    # No backup at all.
    refused = cli({}, "restore", str(tmp_path / "nothing-here"), "--data-dir", str(tmp_path / "x"), "--quiet")
    assert refused.exit_code == 2 and "No backup found" in refused.output
