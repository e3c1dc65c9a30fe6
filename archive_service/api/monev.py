"""``/api/v1/monev``: the monitoring-and-evaluation figures behind the staff dashboard."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "monev",
    __name__,
    url_prefix="/api/v1/monev",
    description="Monitoring dan evaluasi / Monitoring and evaluation",
)
