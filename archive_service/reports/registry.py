"""Every report by name: what it needs, which formats it comes in, who may have it and how it is built.

Builders register themselves with ``@report(...)`` at import time; ``load_all()`` imports every builder module
once, so the API, the CLI (``arsip report NAME``) and the staff pages see the same list. A report is looked up by
name, its parameters are checked here (bilingual 422 on anything missing or unknown), then the permission
(``role_may(actor.role, spec.permission)``), then the builder runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..permissions import role_may
from ..runtime import Runtime
from ..services.actor import Actor
from .model import Document
from .period import Period, parse_period

FORMATS = ("pdf", "xlsx", "csv")
PARAMS = ("period", "unit", "record_ids", "batch_id", "version_no", "number")
# Modules holding @report builders; imported by load_all().
BUILDER_MODULES = ("sop_records", "sop_periodic", "retention_docs", "monev_report", "request_letters")


@dataclass(frozen=True)
class ReportParams:
    """The parameters of one run; each report declares which it needs (``ReportSpec.needs``)."""

    period: Period | None = None
    unit: str | None = None
    record_ids: tuple[int, ...] = ()
    batch_id: int | None = None
    version_no: int | None = None  # DIP version; None = the latest fixed one
    number: str | None = None  # a request's or an objection's number (the letters of issue 18)
    today: date | None = None  # the office's today, for "as of" figures; None = WorkCalendar.today()


Builder = Callable[[Runtime, Actor, ReportParams], Document]


@dataclass(frozen=True)
class ReportSpec:
    name: str  # URL- and CLI-safe, e.g. "laporan-pengumpulan"
    title_id: str
    title_en: str
    sop_steps: str  # e.g. "1", "2, 5", "12-14", "retensi"
    permission: str  # an action of permissions.ROLE_MATRIX
    formats: tuple[str, ...]  # subset of FORMATS, "pdf" first
    needs: tuple[str, ...]  # required parameters, subset of PARAMS
    optional: tuple[str, ...] = ()  # accepted but not required (e.g. "unit")
    build: Builder = field(default=lambda rt, actor, params: Document("", ""), compare=False, repr=False)


REPORTS: dict[str, ReportSpec] = {}


def report(
    name: str,
    *,
    title_id: str,
    title_en: str,
    sop_steps: str,
    permission: str,
    formats: tuple[str, ...] = FORMATS,
    needs: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
) -> Callable[[Builder], Builder]:
    """Register ``build`` under ``name``; a second registration of one name is a programming error."""

    def register(build: Builder) -> Builder:
        if name in REPORTS:
            raise RuntimeError(f"report {name!r} registered twice")
        if not (set(needs) | set(optional)) <= set(PARAMS) or not set(formats) <= set(FORMATS):
            raise RuntimeError(f"report {name!r}: unknown parameter or format")
        REPORTS[name] = ReportSpec(name, title_id, title_en, sop_steps, permission, formats, needs, optional, build)
        return build

    return register


def load_all() -> dict[str, ReportSpec]:
    for module in BUILDER_MODULES:
        importlib.import_module(f"{__package__}.{module}")
    return REPORTS


def get_spec(name: str) -> ReportSpec:
    spec = load_all().get(name)
    if spec is None:
        raise NotFound(f"Laporan '{name}' tidak ada", f"There is no report '{name}'")
    return spec


def parse_params(spec: ReportSpec, raw: dict[str, Any]) -> ReportParams:
    """Turn strings (query string, CLI options) into ``ReportParams``; every problem is reported at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    allowed = set(spec.needs) | set(spec.optional)
    for key, value in raw.items():
        if value in (None, "", (), []):
            continue
        if key not in allowed:
            errors[key] = ["not accepted by this report"]
            continue
        try:
            values[key] = _convert(key, value)
        except (ValueError, ValidationFailed):
            errors[key] = ["invalid"]
    for key in spec.needs:
        if key not in values and key not in errors:
            errors[key] = ["required"]
    if errors:
        names = ", ".join(sorted(errors))
        raise ValidationFailed(
            f"Parameter laporan '{spec.name}' tidak valid: {names}",
            f"Invalid parameters for report '{spec.name}': {names}",
            errors,
        )
    return ReportParams(**values)


def _convert(key: str, value: Any) -> Any:
    if key == "period":
        return value if isinstance(value, Period) else parse_period(str(value))
    if key == "record_ids":
        items = value if isinstance(value, (list, tuple)) else str(value).split(",")
        ids = tuple(int(str(item).strip()) for item in items if str(item).strip())
        if not ids or any(i < 1 for i in ids):
            raise ValueError(key)
        return ids
    if key in {"batch_id", "version_no"}:
        number = int(value)
        if number < 1:
            raise ValueError(key)
        return number
    return str(value).strip()


def check_format(spec: ReportSpec, fmt: str) -> str:
    fmt = (fmt or "pdf").lower()
    if fmt not in spec.formats:
        raise ValidationFailed(
            f"Laporan '{spec.name}' tersedia dalam format: {', '.join(spec.formats)}",
            f"Report '{spec.name}' is available as: {', '.join(spec.formats)}",
            {"format": ["unsupported"]},
        )
    return fmt


def may_run(actor: Actor, spec: ReportSpec) -> bool:
    return actor.is_system or role_may(actor.role, spec.permission)


def build(
    rt: Runtime, actor: Actor, name: str, raw: dict[str, Any], *, fmt: str | None = None
) -> tuple[ReportSpec, Document]:
    """Look up, check parameters and permission (and ``fmt`` when given), then build.

    Raises NotFound / ValidationFailed / PermissionDenied before any query runs.
    """
    spec = get_spec(name)
    params = parse_params(spec, raw)
    if not may_run(actor, spec):
        raise PermissionDenied(
            f"Peran {actor.role} tidak boleh membuat laporan '{name}'",
            f"Role {actor.role} may not produce report '{name}'",
        )
    if fmt is not None:
        check_format(spec, fmt)
    return spec, spec.build(rt, actor, params)


# Issue 18, the registers of the information service (buku register permohonan, register keberatan).
BUILDER_MODULES += ("request_registers",)
