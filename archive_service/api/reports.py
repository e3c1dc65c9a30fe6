"""``/api/v1/reports``: every generated document (issue 8), listed and rendered on request.

The outer gate is ``report.record`` (every role has it); each report's own permission is checked by the registry,
so a role that may not have one report gets 403 for it while the list still shows it (``may_run: false``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.reports import ReportInfoSchema

from ..downloads import file_response
from ..reports.registry import FORMATS, PARAMS, load_all, may_run
from ..reports.render import MEDIA_TYPES, produce
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Laporan dan berita acara / Reports and official minutes",
)


def query_params() -> dict[str, Any]:
    """The report parameters of the query string; ``record_ids`` may be ``1,2`` or repeated."""
    raw: dict[str, Any] = {}
    for key in PARAMS:
        values = [v for v in request.args.getlist(key) if v.strip()]
        if values:
            raw[key] = ",".join(values) if key == "record_ids" else values[-1]
    return raw


_BINARY = {"schema": {"type": "string", "format": "binary"}}
QUERY_PARAMETERS = [
    {
        "in": "query",
        "name": "format",
        "schema": {"type": "string", "enum": list(FORMATS)},
        "description": "pdf (default), xlsx or csv; the report's ``formats`` says which it has.",
    },
    {
        "in": "query",
        "name": "period",
        "schema": {"type": "string"},
        "description": "2026-11 (month), 2026-S1 (semester), 2026-Q3 (quarter), 2026 (year) or 2026-01-01..2026-03-31.",
    },
    {"in": "query", "name": "unit", "schema": {"type": "string"}, "description": "A work unit's code."},
    {
        "in": "query",
        "name": "record_ids",
        "schema": {"type": "string"},
        "description": "Record ids, comma-separated (``1,2``) or the parameter repeated.",
    },
    {"in": "query", "name": "batch_id", "schema": {"type": "integer", "minimum": 1}},
    {
        "in": "query",
        "name": "version_no",
        "schema": {"type": "integer", "minimum": 1},
        "description": "A fixed DIP version (default: the latest).",
    },
    {
        "in": "query",
        "name": "number",
        "schema": {"type": "string", "maxLength": 64},
        "description": "A request's number (``PMH-2026-0001``) or an objection's (``KBR-2026-0001``), for the "
        "request letters; only the request's handlers get them (another request is a 404).",
    },
]
"""Every report parameter (``registry.PARAMS``); a report refuses (422) one it does not take (its ``needs`` and
``optional`` in the list say which)."""


@blp.route("")
class ReportList(MethodView):
    @endpoint_action("report.record")
    @blp.response(200, ReportInfoSchema(many=True))
    def get(self) -> Any:
        """Daftar laporan / Every report: name, titles, SOP steps, formats, parameters, whether you may run it."""
        actor = current_actor()
        return [
            {
                "name": spec.name,
                "title_id": spec.title_id,
                "title_en": spec.title_en,
                "sop_steps": spec.sop_steps,
                "formats": list(spec.formats),
                "needs": list(spec.needs),
                "optional": list(spec.optional),
                "permission": spec.permission,
                "may_run": may_run(actor, spec),
            }
            for spec in sorted(load_all().values(), key=lambda s: s.name)
        ]


@blp.route("/<name>")
class ReportFile(MethodView):
    @endpoint_action("report.record")
    @blp.doc(
        parameters=QUERY_PARAMETERS,
        responses={
            "200": {
                "description": "Berkas laporan / The report as a file (attachment).",
                "content": {MEDIA_TYPES[fmt].split(";")[0]: _BINARY for fmt in FORMATS},
                "headers": {"Content-Disposition": {"required": True, "schema": {"type": "string"}}},
            }
        },
    )
    def get(self, name: str) -> Response:
        """Buat laporan / Render a report: ``?format=pdf|xlsx|csv&period=2026-11&unit=…&record_ids=1,2&…``."""
        rendered = produce(runtime(), current_actor(), name, query_params(), request.args.get("format"))
        return file_response(
            rendered.stream,
            filename=rendered.filename,
            mime=rendered.media_type.split(";")[0],  # Werkzeug adds the charset of text/* itself
            size=rendered.size,
            cache_control="no-store",
        )
