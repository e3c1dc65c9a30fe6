"""``/api/v1/dip``: the current DIP, its fixed versions, and comparisons between versions."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.dip import (
    DipCompareQuerySchema,
    DipComparisonSchema,
    DipFixSchema,
    DipRowSchema,
    DipVersionSchema,
    DipVersionSummarySchema,
)

from ..services import dip as svc
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "dip",
    __name__,
    url_prefix="/api/v1/dip",
    description="Daftar Informasi Publik: versi dan perbandingan / Public Information List: versions",
)


@blp.route("")
class CurrentDip(MethodView):
    @endpoint_action("dip.read")
    @blp.response(200, DipRowSchema(many=True))
    def get(self) -> Any:
        """DIP saat ini per kategori (kolom PerKI) / The current DIP by category (PerKI columns)."""
        return svc.current_dip(runtime(), current_actor())


@blp.route("/versions")
class DipVersions(MethodView):
    @endpoint_action("dip.read")
    @blp.response(200, DipVersionSummarySchema(many=True))
    def get(self) -> Any:
        """Versi DIP yang telah ditetapkan / Fixed DIP versions, newest first."""
        return svc.list_versions(runtime(), current_actor())

    @endpoint_action("dip.fix")
    @blp.arguments(DipFixSchema)
    @blp.response(201, DipVersionSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Tetapkan DIP (PPID) / Fix the current DIP as a new version under a decree (PPID)."""
        return svc.fix_version(runtime(), current_actor(), data)


@blp.route("/versions/<int:version_no>")
class DipVersionItem(MethodView):
    @endpoint_action("dip.read")
    @blp.response(200, DipVersionSchema)
    def get(self, version_no: int) -> Any:
        """Satu versi DIP / One fixed DIP version."""
        return svc.get_version(runtime(), current_actor(), version_no)


@blp.route("/compare")
class DipCompare(MethodView):
    @endpoint_action("dip.read")
    @blp.arguments(DipCompareQuerySchema, location="query")
    @blp.response(200, DipComparisonSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, query: dict[str, Any]) -> Any:
        """Bandingkan dua versi / Compare two versions: added, removed, changed rows."""
        return svc.compare_versions(runtime(), current_actor(), query["from_version"], query["to_version"])
