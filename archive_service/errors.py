"""The one exception hierarchy of Arsip.

Services raise these; the HTTP layer maps them once to ``application/problem+json`` (``api/problems.py``) and the
CLI maps them once to a message and a non-zero exit. Every error carries its message in Bahasa Indonesia first
and English second, because staff read the first and integrators the second.
"""

from __future__ import annotations

from typing import Any


class ArsipError(Exception):
    """Base of every expected failure. ``status`` is the HTTP status the API answers with."""

    status = 400
    code = "bad-request"
    title_id = "Permintaan tidak valid"
    title_en = "Bad request"

    def __init__(
        self,
        detail_id: str | None = None,
        detail_en: str | None = None,
        errors: dict[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        self.detail_id = detail_id or self.title_id
        self.detail_en = detail_en or self.title_en
        self.errors = errors
        self.extra = extra
        super().__init__(f"{self.detail_id} / {self.detail_en}")

    def to_problem(self) -> dict[str, Any]:
        """RFC 9457 problem body, with the Indonesian text in the standard members."""
        body: dict[str, Any] = {
            "type": f"https://arsip.example/problems/{self.code}",
            "title": self.title_id,
            "title_en": self.title_en,
            "status": self.status,
            "detail": self.detail_id,
            "detail_en": self.detail_en,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class ValidationFailed(ArsipError):
    status = 422
    code = "validation"
    title_id = "Data tidak valid"
    title_en = "Invalid data"


class NotFound(ArsipError):
    status = 404
    code = "not-found"
    title_id = "Tidak ditemukan"
    title_en = "Not found"


class AuthenticationRequired(ArsipError):
    status = 401
    code = "unauthenticated"
    title_id = "Perlu masuk"
    title_en = "Authentication required"


class PermissionDenied(ArsipError):
    status = 403
    code = "forbidden"
    title_id = "Tidak diizinkan"
    title_en = "Forbidden"


class Conflict(ArsipError):
    status = 409
    code = "conflict"
    title_id = "Konflik"
    title_en = "Conflict"


class Gone(ArsipError):
    """The thing existed and was destroyed under a disposition decision; only its tombstone remains."""

    status = 410
    code = "gone"
    title_id = "Sudah dimusnahkan"
    title_en = "Gone (destroyed)"


class StaleVersion(Conflict):
    code = "stale-version"
    title_id = "Versi sudah berubah"
    title_en = "Stale version"


class PreconditionRequired(ArsipError):
    status = 428
    code = "precondition-required"
    title_id = "Perlu If-Match"
    title_en = "Precondition required"


class PayloadTooLarge(ArsipError):
    status = 413
    code = "too-large"
    title_id = "Berkas terlalu besar"
    title_en = "Payload too large"


class UnsupportedMediaType(ArsipError):
    status = 415
    code = "unsupported-media-type"
    title_id = "Jenis berkas tidak diizinkan"
    title_en = "Unsupported media type"


class StorageError(ArsipError):
    status = 503
    code = "storage"
    title_id = "Penyimpanan tidak tersedia"
    title_en = "Storage unavailable"


class TooManyRequests(ArsipError):
    status = 429
    code = "rate-limited"
    title_id = "Terlalu banyak permintaan"
    title_en = "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Terlalu banyak permintaan; coba lagi dalam {retry_after} detik.",
            f"Too many requests; try again in {retry_after} seconds.",
        )
        self.retry_after = retry_after


class SearchUnavailable(ArsipError):
    status = 503
    code = "search-unavailable"
    title_id = "Pencarian tidak tersedia"
    title_en = "Search unavailable"
