"""``/api/v1/monev``: the monitoring-and-evaluation figures behind the staff dashboard.

The same ``services.monev.figures`` call as the dashboard and the semester report, as JSON (definitions in
docs/monev.md). Counts are pairs ``{key, count}`` so the order (SOP order, months in order) survives JSON.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.monev import MonevQuerySchema, MonevSchema

from ..reports.period import parse_period, semester_of
from ..services import monev as svc
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "monev",
    __name__,
    url_prefix="/api/v1/monev",
    description="Monitoring dan evaluasi / Monitoring and evaluation",
)


def _pairs(items: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"key": key, "count": count} for key, count in items]


def _sla(row: svc.SlaRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "sla": row.sla,
        "completed": row.completed,
        "on_time": row.on_time,
        "late": row.late,
        "compliance": row.compliance,
        "open_overdue": row.open_overdue,
    }


def as_json(fig: svc.Figures) -> dict[str, Any]:
    """The figures as plain data for ``MonevSchema``."""
    return {
        "period": {"key": fig.period.key, "label": fig.period.label, "start": fig.period.start, "end": fig.period.end},
        "unit": fig.unit,
        "as_of": fig.now,
        "total": fig.total,
        "by_category": _pairs(fig.by_category),
        "by_unit": _pairs(fig.by_unit),
        "by_month": _pairs(fig.by_month),
        "by_state": _pairs(fig.by_state),
        "sla_by_step": [_sla(r) for r in fig.sla_by_step],
        "sla_by_unit": [_sla(r) for r in fig.sla_by_unit],
        "sla_total": _sla(fig.sla_total) if fig.sla_total else None,
        "overdue": [{**i.__dict__, "late_seconds": int(i.late_by.total_seconds())} for i in fig.overdue],
        "exemption_days": fig.exemption_days,
        "exemptions_expiring": [i.__dict__ for i in fig.exemptions_expiring],
        "exemptions_expired": [i.__dict__ for i in fig.exemptions_expired],
        "retention_due": None if fig.retention_due is None else [r.__dict__ for r in fig.retention_due],
    }


@blp.route("")
class Monev(MethodView):
    @endpoint_action("monev.read")
    @blp.arguments(MonevQuerySchema, location="query")
    @blp.response(200, MonevSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """Angka monev untuk satu periode / Monev figures for one period (default: the current semester)."""
        rt = runtime()
        period = parse_period(query["period"]) if query.get("period") else semester_of(rt.calendar.today())
        return as_json(svc.figures(rt, current_actor(), period, unit=query.get("unit")))
