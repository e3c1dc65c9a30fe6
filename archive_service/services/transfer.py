"""The transfer package of a *penyerahan arsip statis*: a validated BagIt bag, stored as a tar in the blob store.

Built before the transaction that marks the records transferred (it copies every file, which may take long), in a
private folder under the data directory's ``tmp``; then tarred and stored content-addressed like any blob, so the
exact package handed over stays downloadable and fixity-checked. If the transaction then fails, the stored package
is released again (``TransferPackage.discard``): no orphan.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import RecordSchema

from ..config import Settings
from ..db import Blob, DispositionBatch, Record
from ..db.engine import upsert_insert
from ..errors import StorageError
from ..exports.bagit_package import (
    BagFile,
    BagRecord,
    PackageError,
    build_bag,
    safe_component,
    sender_bag_info,
    write_tar,
)
from ..runtime import Runtime
from . import audit
from .actor import Actor
from .uploads import lock_blob, release_unreferenced

PACKAGE_MIME = "application/x-tar"


@dataclass
class TransferPackage:
    sha256: str
    size: int
    created: bool

    def register(self, session: Session) -> None:
        """The package's blob row, in the transaction that marks the records transferred."""
        lock_blob(session, self.sha256)
        session.execute(
            upsert_insert(session)(Blob).on_conflict_do_nothing(),
            [{"sha256": self.sha256, "size": self.size, "mime": PACKAGE_MIME}],
        )

    def discard(self, rt: Runtime) -> None:
        if self.created:
            release_unreferenced(rt, [self.sha256])


def _history(session: Session, record_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor_name,
            "action": e.action,
            "changes": e.changes,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in audit.history(session, record_id)
    ]


def _bag_records(rt: Runtime, session: Session, batch: DispositionBatch) -> list[BagRecord]:
    ids = [item.record_id for item in batch.items if not item.excluded]
    records = {r.id: r for r in session.execute(select(Record).where(Record.id.in_(ids))).scalars()}
    out = []
    for rid in ids:
        record = records[rid]
        out.append(
            BagRecord(
                record_id=record.id,
                record_no=record.record_no,
                # as handed over: the state the records reach when this package is accepted
                metadata={**RecordSchema().dump(record), "archival_state": "diserahkan_statis"},
                files=[
                    BagFile(f.filename, f.sha256, f.size, f.mime, lambda sha=f.sha256: rt.blobs.open(sha))
                    for f in record.files
                ],
                history=_history(session, record.id),
            )
        )
    return out


def build_package(rt: Runtime, actor: Actor, batch_id: int, berita_acara: dict[str, Any]) -> TransferPackage:
    """Build, validate, tar and store the package of an approved penyerahan batch, in a child process.

    Why a child process: bagit-python's ``make_bag`` changes the process's working directory while it runs, which
    would disturb the other threads of a web server process (requests, the index worker). The child has its own."""
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_build_in_child, rt.settings, actor.username, batch_id, berita_acara).result()


def _build_in_child(settings: Settings, username: str, batch_id: int, berita_acara: dict[str, Any]) -> TransferPackage:
    rt = Runtime.from_settings(settings)
    try:
        return _build(rt, username, batch_id, berita_acara)
    finally:
        rt.close()


def _build(rt: Runtime, username: str, batch_id: int, berita_acara: dict[str, Any]) -> TransferPackage:
    work = Path(tempfile.mkdtemp(prefix=f"bag-{batch_id}-", dir=_tmp_dir(rt)))
    try:
        with rt.db.read() as session:
            batch = session.get(DispositionBatch, batch_id)
            assert batch is not None
            records = _bag_records(rt, session, batch)
            ba = {
                "batch_no": batch.no,
                "source_organization": rt.settings.institution_name,
                "kind": batch.kind,
                "berita_acara": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in berita_acara.items()},
                "approval": batch.approval,
                "proposed_by": batch.proposed_by,
                "approved_by": batch.approved_by,
                "recorded_by": username,
                "daftar": [item.row for item in batch.items if not item.excluded],
            }
            name = safe_component(batch.no.replace("/", "-"), fallback=f"penyerahan-{batch_id}")
        try:
            bag = build_bag(
                work / name,
                {**sender_bag_info(rt.settings), "External-Description": f"Penyerahan arsip statis {ba['batch_no']}"},
                records,
                batch=ba,
            )
        except PackageError as exc:
            raise StorageError(exc.message_id, exc.message_en, errors={"package": exc.details}) from exc
        tar_path = work / f"{name}.tar"
        with tar_path.open("wb") as out:
            write_tar(bag, out)
        with tar_path.open("rb") as fh:
            sha, size, created = rt.blobs.put_stream(fh)
        return TransferPackage(sha, size, created)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _tmp_dir(rt: Runtime) -> Path:
    """The staging folder (same filesystem as local blobs); package folders in it are removed when done."""
    rt.settings.staging_dir.mkdir(parents=True, exist_ok=True)
    return rt.settings.staging_dir
