"""What ``/api/v1/reports`` lists, and the query parameters of a report run, for the OpenAPI document.

Why: the report views build their answers from the registry (``archive_service/reports/registry.py``) and read
the query string themselves (so an unknown parameter is a 422 naming it); these schemas document both.
"""

from __future__ import annotations

from schemas.base import BaseSchema, Boolean, List, String

__all__ = ["ReportInfoSchema"]


class ReportInfoSchema(BaseSchema):
    """One report of the registry, and whether the caller may run it."""

    name = String(metadata={"description": "URL name, e.g. laporan-pengumpulan."})
    title_id = String()
    title_en = String()
    sop_steps = String(metadata={"description": 'SOP steps it serves, e.g. "1", "12-14", "retensi".'})
    formats = List(String(), metadata={"description": "Of pdf, xlsx, csv; the first is the default."})
    needs = List(String(), metadata={"description": "Required parameters."})
    optional = List(String(), metadata={"description": "Accepted optional parameters."})
    permission = String(metadata={"description": "The role-matrix action it needs (docs/roles.md)."})
    may_run = Boolean()
