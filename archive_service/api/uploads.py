"""Multipart uploads streamed straight to staged temp files while they are hashed.

Werkzeug asks the request for a file object per uploaded part; ``ArsipRequest`` hands it a
``HashingFileWriter`` in the staging directory, so an upload is written to disk once, hashed on the way, and
never held in memory. Every writer a request opened is discarded when the request ends, so a rejected or
interrupted upload leaves no temp file.
"""

from __future__ import annotations

from typing import Any

from flask import Request, current_app, g, request

from ..errors import ValidationFailed
from ..services.uploads import Upload
from ..storage import HashingFileWriter


class ArsipRequest(Request):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> Any:
        settings = current_app.extensions["arsip"].settings
        writer = HashingFileWriter(settings.staging_dir, settings.max_file_size)
        g.setdefault("upload_writers", []).append(writer)
        return writer


def collect_uploads(field: str = "files") -> list[Upload]:
    """The uploaded parts named ``field`` as staged uploads (hash, size and head already known)."""
    storages = request.files.getlist(field)
    limit = current_app.extensions["arsip"].settings.max_files_per_request
    if len(storages) > limit:
        raise ValidationFailed(f"Paling banyak {limit} berkas per permintaan.", f"At most {limit} files per request.")
    uploads = []
    for storage in storages:
        writer = storage.stream
        if not isinstance(writer, HashingFileWriter):  # only possible for tiny in-memory test parts
            raise ValidationFailed("Berkas tidak terbaca.", "Unreadable file part.")
        uploads.append(Upload(filename=storage.filename or "", staged=writer.finish()))
    return uploads


def discard_request_uploads(_exc: BaseException | None = None) -> None:
    """Teardown: remove whatever temp files this request staged and nobody consumed."""
    for writer in g.pop("upload_writers", []):
        writer.discard()
