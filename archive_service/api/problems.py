"""The one mapping from errors to ``application/problem+json`` (RFC 9457), bilingual.

Werkzeug's HTTP errors (404 for an unknown URL, 405, 413 from MAX_CONTENT_LENGTH, webargs' 422) and our own
``ArsipError`` all leave through here, so a client sees one error shape whatever failed.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from schemas.problems import flatten_errors

from ..errors import ArsipError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from ..storage import FileTooLarge

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

_HTTP_TEXT: dict[int, tuple[str, str]] = {
    400: ("Permintaan tidak valid", "Bad request"),
    401: ("Perlu masuk", "Authentication required"),
    403: ("Tidak diizinkan", "Forbidden"),
    404: ("Tidak ditemukan", "Not found"),
    405: ("Metode tidak diizinkan", "Method not allowed"),
    409: ("Konflik", "Conflict"),
    411: ("Panjang isi wajib disebut", "Length required"),
    413: ("Kiriman terlalu besar", "Payload too large"),
    415: ("Jenis isi tidak didukung", "Unsupported media type"),
    422: ("Data tidak valid", "Invalid data"),
    428: ("Perlu If-Match", "Precondition required"),
    429: ("Terlalu banyak permintaan", "Too many requests"),
    500: ("Kesalahan server", "Internal server error"),
}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=body["status"], mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_arsip_error(error: ArsipError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="arsip"'} if error.status == 401 else None
    if retry_after := getattr(error, "retry_after", None):
        headers = {"Retry-After": str(retry_after)}
    return problem_response(error.to_problem(), headers)


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 413:
        return from_arsip_error(
            PayloadTooLarge("Kiriman melebihi batas ukuran.", "The request is larger than allowed.")
        )
    if status == 422:
        messages = (getattr(error, "data", None) or {}).get("messages")
        flat: dict[str, list[str]] = {}
        for _location, fields in (messages or {}).items():  # {"json": {"a": {"0": ["msg"]}}} -> {"a.0": ["msg"]}
            for name, texts in flatten_errors(fields).items():
                flat.setdefault(name, []).extend(texts)
        return from_arsip_error(
            ValidationFailed("Periksa isian yang ditandai.", "Check the fields marked.", errors=flat or None)
        )
    title_id, title_en = _HTTP_TEXT.get(status, (error.name, error.name))
    body = {
        "type": "about:blank",
        "title": title_id,
        "title_en": title_en,
        "status": status,
        "detail": title_id,
        "detail_en": error.description or title_en,
    }
    response = problem_response(body)
    if status == 405 and (allowed := getattr(error, "valid_methods", None)):
        response.headers["Allow"] = ", ".join(allowed)
    return response


def register(app: Flask) -> None:
    @app.before_request
    def _read_query_string_first() -> None:
        """Read the (strict) query string before any other hook or view: a malformed one is then this 400 problem,
        never an error raised later while an error page is rendered (``api/strict_input.py``)."""
        request.args  # noqa: B018

    app.register_error_handler(ArsipError, from_arsip_error)
    app.register_error_handler(
        FileTooLarge,
        lambda err: from_arsip_error(
            PayloadTooLarge(
                f"Berkas melebihi batas {err.limit} bita.", f"A file exceeds the limit of {err.limit} bytes."
            )
        ),
    )
    app.register_error_handler(HTTPException, from_http_exception)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:  # never a stack trace to the client
        if isinstance(error, HTTPException):
            return from_http_exception(error)
        log.exception("unhandled error")
        return problem_response(
            {
                "type": "about:blank",
                "title": _HTTP_TEXT[500][0],
                "title_en": _HTTP_TEXT[500][1],
                "status": 500,
                "detail": "Terjadi kesalahan tak terduga.",
                "detail_en": "An unexpected error occurred.",
            }
        )


__all__ = ["PROBLEM_JSON", "UnsupportedMediaType", "problem_response", "register"]
