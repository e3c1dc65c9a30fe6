"""Sending a stored file over HTTP: streamed, with safe headers; shared by the API, the portal and the workspace.

Why one place: the headers are the security here (``nosniff``, a ``Content-Disposition`` that cannot be abused by a
hostile file name, and for previews a CSP that lets only Arsip's own pages frame the file and only PDF and images
show inline), and three copies would drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, stream_with_context

CHUNK = 256 * 1024
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})
PREVIEW_CSP = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266 header: an ASCII fallback with quotes and control characters removed, plus the UTF-8 name."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(
    stream: BinaryIO,
    *,
    filename: str,
    mime: str,
    size: int,
    cache_control: str = "private, no-store",
    preview: bool = False,
) -> Response:
    """A streamed download (or, with ``preview``, an inline view that only Arsip's pages may frame)."""

    def chunks() -> Iterator[bytes]:
        with stream:
            while block := stream.read(CHUNK):
                yield block

    inline = preview and mime in INLINE_TYPES
    response = Response(stream_with_context(chunks()), mimetype=mime, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = content_disposition(filename, "inline" if inline else "attachment")
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    if preview:
        response.headers["Content-Security-Policy"] = PREVIEW_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
