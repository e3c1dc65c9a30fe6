"""``/api/v1/index``: the indexing machinery for administrators (status, dead letters, extraction retries)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.index_admin import ExtractionRetrySchema, IndexStatusSchema, RequeuedSchema

from ..services import index_admin as svc
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "index_admin",
    __name__,
    url_prefix="/api/v1/index",
    description="Indeks pencarian untuk admin / Search indexes, for administrators",
)


@blp.route("/status")
class IndexStatus(MethodView):
    @endpoint_action("index.admin")
    @blp.response(200, IndexStatusSchema)
    def get(self) -> Any:
        """Isi indeks, antrean, surat mati, ekstraksi gagal / Index sizes, backlog, dead letters, failed files."""
        return svc.status(runtime(), current_actor())


@blp.route("/dead-letters/retry")
class RetryDeadLetters(MethodView):
    @endpoint_action("index.admin")
    @blp.response(200, RequeuedSchema)
    def post(self) -> Any:
        """Antrekan ulang surat mati / Put parked outbox rows back in the queue."""
        return svc.retry_dead_letters(runtime(), current_actor())


@blp.route("/extractions/retry")
class RetryExtractions(MethodView):
    @endpoint_action("index.admin")
    @blp.response(202, ExtractionRetrySchema)
    def post(self) -> Any:
        """Ulangi ekstraksi gagal dan OCR tertunda / Retry failed and OCR-pending extractions (by the worker)."""
        return svc.requeue_extractions(runtime(), current_actor())
