"""Hand-made request bodies (multipart parts no HTTP client library would send) and a snapshot of everything a
refused request must leave unchanged."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from archive_service.db import AuditEvent, Blob, Record, RecordFile
from archive_service.runtime import Runtime

BOUNDARY = b"ArsipBatasUji7f3a"
MULTIPART = "multipart/form-data; boundary=" + BOUNDARY.decode()


def part(disposition: bytes, content: bytes, content_type: bytes | None = None) -> bytes:
    """One part; ``disposition`` is the raw value of its Content-Disposition header (any bytes at all)."""
    head = b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition + b"\r\n"
    if content_type:
        head += b"Content-Type: " + content_type + b"\r\n"
    return head + b"\r\n" + content + b"\r\n"


def field(name: str, value: bytes | str) -> bytes:
    return part(b'form-data; name="' + name.encode() + b'"', value.encode() if isinstance(value, str) else value)


def file_part(filename: bytes | None, content: bytes, name: bytes = b"files") -> bytes:
    """A file part; ``filename=None`` leaves the parameter out (``curl -F 'files=<x.pdf'``)."""
    disposition = b'form-data; name="' + name + b'"'
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    return part(disposition, content, b"application/octet-stream")


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n"


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Rows of records, files, blobs and audit events, the blobs on disk and the staged temp files."""
    with rt.db.read() as session:
        rows = {
            name: session.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in (("records", Record), ("files", RecordFile), ("blobs", Blob), ("audit", AuditEvent))
        }
    staging = rt.settings.staging_dir
    return rows | {
        "stored": sorted(rt.blobs.iter_sha256()),
        "staged": sorted(p.name for p in staging.iterdir()) if staging.exists() else [],
    }
