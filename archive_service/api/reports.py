"""``/api/v1/reports``: every generated document (issue 8), listed and rendered on request."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Laporan dan berita acara / Reports and official minutes",
)
