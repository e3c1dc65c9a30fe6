"""The Daftar Informasi Publik at the boundary: rows in the PerKI columns, fixed versions, comparisons."""

from __future__ import annotations

from schemas.base import BaseSchema, Boolean, Date, DateTime, Dict, Integer, List, Nested, String
from schemas.validators import Length


class DipRowSchema(BaseSchema):
    """One DIP row: *nomor, ringkasan isi, pejabat/unit yang menguasai, penanggung jawab, waktu dan tempat
    pembuatan, bentuk informasi, jangka waktu penyimpanan* (DOMAIN.md §3)."""

    record_id = Integer(allow_none=True)  # None on a redacted line (services/access.py)
    dip_no = String()
    category = String()
    title = String()
    summary = String(allow_none=True)
    controlling_unit = String(allow_none=True)
    responsible_official = String(allow_none=True)
    created_time = String(allow_none=True)
    created_place = String(allow_none=True)
    available_forms = List(String())
    retention_text = String(allow_none=True)
    published_url = String(allow_none=True)
    redacted = Boolean(dump_default=False)  # a line whose record the reader may not read: number and codes only


class DipFixSchema(BaseSchema):
    """``POST /api/v1/dip/versions``: the PPID's decree fixing the current DIP."""

    decree_no = String(required=True, validate=Length(min=1, max=128))
    decree_date = Date(required=True)
    note = String(allow_none=True, validate=Length(max=5000))


class DipVersionSchema(BaseSchema):
    version_no = Integer()
    decree_no = String()
    decree_date = Date()
    note = String(allow_none=True)
    fixed_at = DateTime()
    fixed_by = String()
    rows = List(Nested(DipRowSchema))


class DipVersionSummarySchema(DipVersionSchema):
    class Meta:
        exclude = ("rows",)


class DipChangeSchema(BaseSchema):
    record_id = Integer()
    title = String()
    changes = Dict()


class DipComparisonSchema(BaseSchema):
    from_version = Integer()
    to_version = Integer()
    added = List(Nested(DipRowSchema))
    removed = List(Nested(DipRowSchema))
    changed = List(Nested(DipChangeSchema))


class DipCompareQuerySchema(BaseSchema):
    from_version = Integer(required=True, data_key="from")
    to_version = Integer(required=True, data_key="to")
