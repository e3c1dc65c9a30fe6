"""Checking and storing uploaded files, before any database row exists.

The order matters for "bad input changes nothing": every file of a request is checked (name, emptiness, type
sniffed from content, honest extension) before the first one is stored; a failure discards all staged temp files.
The type is sniffed from the bytes kept while staging where they settle it (indexer/mime.py), so a PDF is not
read again. Blobs are stored before the record transaction and removed again when that transaction fails, unless another
row already points at the same content (``release_unreferenced``). Both sides take the same per-blob lock so a
concurrent upload of identical bytes can never lose its blob.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indexer.mime import extension_matches, sniff_head
from schemas.files import validate_filename

from ..db import Blob
from ..db.engine import upsert_insert
from ..errors import StorageError, UnsupportedMediaType, ValidationFailed
from ..runtime import Runtime
from ..storage import PendingSync, StagedFile

log = logging.getLogger(__name__)


@dataclass
class Upload:
    """A file as it arrived: the name the client gave and the staged temp file (already hashed)."""

    filename: str
    staged: StagedFile


@dataclass(frozen=True)
class StoredFile:
    filename: str
    sha256: str
    size: int
    mime: str
    created_blob: bool


def discard_all(uploads: Iterable[Upload]) -> None:
    for upload in uploads:
        upload.staged.discard()


def check_uploads(rt: Runtime, uploads: list[Upload]) -> list[tuple[Upload, str, str]]:
    """Validate every upload; return ``(upload, clean_name, mime)``. Raises without storing anything."""
    checked: list[tuple[Upload, str, str]] = []
    errors: dict[str, list[str]] = {}
    for index, upload in enumerate(uploads):
        key = f"files.{index}"
        try:
            name = validate_filename(upload.filename)
        except ValidationError as err:
            errors[f"{key}.filename"] = list(err.messages) if isinstance(err.messages, list) else [str(err.messages)]
            continue
        if upload.staged.size == 0:
            errors[key] = [f"Berkas '{name}' kosong. / File '{name}' is empty."]
            continue
        mime = sniff_head(upload.staged.head, upload.staged.size, upload.staged.path)
        if mime not in rt.settings.allowed_mime_types:
            raise UnsupportedMediaType(
                f"Berkas '{name}' berjenis {mime}, yang tidak diizinkan.",
                f"File '{name}' is of type {mime}, which is not allowed.",
                errors={key: [f"{mime}"]},
            )
        if not extension_matches(name, mime):
            raise UnsupportedMediaType(
                f"Nama berkas '{name}' tidak sesuai isinya ({mime}).",
                f"The name '{name}' does not match its content ({mime}).",
                errors={key: [f"mislabelled: {mime}"]},
            )
        checked.append((upload, name, mime))
    if errors:
        raise ValidationFailed("Ada berkas yang tidak dapat diterima.", "Some files cannot be accepted.", errors=errors)
    return checked


def store_uploads(rt: Runtime, uploads: list[Upload], pending: PendingSync | None = None) -> list[StoredFile]:
    """Check all uploads, then put each blob in the store. On any failure nothing stays behind.

    With ``pending`` (batch ingest) making the blobs durable (and, locally, naming them) is left to the
    caller, who must flush it before committing (storage/durability.py); without it each blob is durable when
    this returns."""
    try:
        checked = check_uploads(rt, uploads)
    except Exception:
        discard_all(uploads)
        raise
    stored: list[StoredFile] = []
    try:
        for upload, name, mime in checked:
            created = rt.blobs.put_staged(upload.staged, pending)
            stored.append(StoredFile(name, upload.staged.sha256, upload.staged.size, mime, created))
    except Exception as exc:
        discard_all(uploads)
        release_created(rt, stored)
        raise StorageError("Gagal menyimpan berkas.", "Could not store the file.") from exc
    return stored


def lock_blob(session: Session, sha256: str) -> None:
    """Serialise work on one blob. SQLite write transactions are already exclusive; PostgreSQL takes an
    advisory transaction lock on a number derived from the hash."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(sha256.encode()) - 2**31
        session.execute(select(_pg_advisory_xact_lock(key)))


def _pg_advisory_xact_lock(key: int):  # type: ignore[no-untyped-def]
    from sqlalchemy import func

    return func.pg_advisory_xact_lock(key)


def ensure_blob_rows(rt: Runtime, session: Session, files: list[StoredFile]) -> None:
    """Insert the blob rows (once per content) inside the record's transaction and confirm the bytes are there."""
    unique = {f.sha256: f for f in files}
    if not unique:
        return
    for sha in sorted(unique):  # one global lock order, so two requests cannot deadlock
        lock_blob(session, sha)
        # Checked even when this request created the blob: on S3 two identical concurrent puts can both see
        # "created", and the other request's failure path may have deleted it before we took the lock.
        if not rt.blobs.exists(sha):
            raise StorageError("Berkas hilang saat disimpan; coba lagi.", "The file vanished while storing; retry.")
    insert = upsert_insert(session)
    session.execute(
        insert(Blob).on_conflict_do_nothing(),
        [{"sha256": f.sha256, "size": f.size, "mime": f.mime} for f in unique.values()],
    )
    # The same bytes as a destroyed record's: they are stored again now, for this record.
    session.execute(
        update(Blob).where(Blob.sha256.in_(sorted(unique)), Blob.destroyed_at.is_not(None)).values(destroyed_at=None)
    )


def release_created(rt: Runtime, files: Iterable[StoredFile]) -> None:
    """After a failed transaction: release the blobs this request itself created (never someone else's)."""
    release_unreferenced(rt, [f.sha256 for f in files if f.created_blob])


def release_unreferenced(rt: Runtime, shas: list[str]) -> None:
    """Delete blobs this request created when no row points at them (the request failed before commit)."""
    for sha in shas:
        try:
            with rt.db.write() as session:
                lock_blob(session, sha)
                if session.get(Blob, sha) is None:
                    rt.blobs.delete(sha)
        except Exception:  # the sweeper (`arsip sweep`) removes it later; never mask the original error
            log.exception("could not release blob %s", sha)
