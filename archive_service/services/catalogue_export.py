"""The public catalogue as open data: Dublin Core (XML, JSON), a CSV and a JSON dump, for the portal and the CLI.

Why one module: the per-record exports, the whole-catalogue dumps and the OAI-PMH endpoint must describe a record
with exactly the same public fields, so `public_dump` (what the portal and the DIP show: the PerKI columns, the
record page's fields, the file list) and `dc_source` (its Dublin Core input) are defined once, here. Internal
fields (notes, storage location, access groups, workflow and retention bookkeeping, who did what) never appear.

What a record's row alone cannot say comes from its JRA class, looked up once per batch (`classes_of`): the class
name for ``dc:subject`` ("code — name") and, when the record gives no text of its own, the retention text of the
DIP column "jangka waktu penyimpanan" (the same `dip.retention_for` the DIP uses). The licence URI
(``ARSIP_PUBLIC_LICENSE_URI``) goes with every ``dc:rights`` of open information.

Every query filters by ``indexing.public_condition()``; the dumps walk the records in id order with keyset
pagination, `BATCH` at a time in a fresh read session, so a large archive never sits in memory and each yielded
chunk is one batch. Nothing here depends on Flask: URLs are built from ``settings.public_base_url``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select

from ..config import Settings
from ..db import JraClass, Record
from ..exports.cells import escape_formula
from ..exports.dublin_core import DC_ELEMENTS, clean_text, dc_element, dc_elements
from ..runtime import Runtime
from .dip import created_time_text, retention_for, retention_terms
from .indexing import public_condition
from .public import get_public_record
from .public_versions import public_view

__all__ = [
    "BATCH",
    "CSV_COLUMNS",
    "FORMATS",
    "catalogue",
    "catalogue_csv",
    "catalogue_dc_xml",
    "catalogue_json",
    "classes_of",
    "dc_json",
    "dc_source",
    "iter_public_records",
    "public_dump",
    "public_record",
    "publisher",
    "record_url",
]

BATCH = 500
FORMATS = ("csv", "json", "dc-xml")


@dataclass(frozen=True)
class Classes:
    """The JRA classes of a batch of records: ``names`` (class id -> (code, name)) and ``terms`` (class id ->
    retention terms, `dip.jra_terms`)."""

    names: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    terms: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)


NO_CLASSES = Classes()


def classes_of(rt: Runtime, records: list[Any]) -> Classes:
    """The JRA classes ``records`` are classified under, read once: their names and their retention terms."""
    ids = {r.jra_class_id for r in records if getattr(r, "jra_class_id", None) is not None}
    if not ids:
        return NO_CLASSES
    with rt.db.read() as session:
        rows = list(session.execute(select(JraClass).where(JraClass.id.in_(ids))).scalars())
        return Classes(
            names={row.id: (row.code, row.record_type) for row in rows},
            terms={row.id: retention_terms(row) for row in rows},
        )


def record_url(settings: Settings, record_id: int) -> str:
    """The record's page on the portal (the same URL the workflow stores as ``published_url``)."""
    return f"{settings.public_base_url.rstrip('/')}/informasi/{record_id}"


def publisher(settings: Settings) -> str:
    """The body that makes the information public: the PPID of the office, for ``dc:publisher``."""
    return f"PPID {settings.office_name}, {settings.institution_name}"


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(microsecond=0)
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def public_dump(settings: Settings, record: Record, classes: Classes = NO_CLASSES) -> dict[str, Any]:
    """A public record as a JSON-ready mapping: only what the portal and the published DIP already show."""
    base = settings.public_base_url.rstrip("/")
    retention, _ = retention_for(record, classes.terms)
    return {
        "id": record.id,
        "record_no": record.record_no,
        "kip_category": record.kip_category,
        "title": record.title,
        "summary": record.dip_summary,
        "description": record.description,
        "controlling_unit": record.controlling_unit,
        "responsible_official": record.responsible_official,
        "created_time": created_time_text(record),
        "created_place": record.created_place,
        "available_forms": list(record.available_forms or []),
        "retention_text": retention,
        "processing_unit": record.processing_unit,
        "classification_code": record.classification_code,
        "creator_org": record.creator_org,
        "doc_date": _iso(record.doc_date),
        "period_start": _iso(record.period_start),
        "period_end": _iso(record.period_end),
        "media": record.media,
        "published_at": _iso(record.published_at),
        "url": record_url(settings, record.id),
        "files": [
            {
                "filename": f.filename,
                "mime": f.mime,
                "size": f.size,
                "url": f"{base}/informasi/{record.id}/berkas/{f.id}",
            }
            for f in record.files
        ],
    }


def dc_source(settings: Settings, record: Record, classes: Classes = NO_CLASSES) -> dict[str, Any]:
    """The input of ``exports.dublin_core.dc_elements`` for a public record (the DIP summary first, then the
    description, as ``dc:description``; the portal URL as ``dc:identifier``; the PPID as ``dc:publisher``; the
    class name for ``dc:subject``; the licence URI for ``dc:rights``)."""
    source: dict[str, Any] = {
        "title": record.title,
        "creator_org": record.creator_org,
        "classification_code": record.classification_code,
        "description": record.dip_summary or record.description,
        "notes": record.description if record.dip_summary else None,
        "publisher": publisher(settings),
        "doc_date": record.doc_date,
        "period_start": record.period_start,
        "period_end": record.period_end,
        "media": record.media,
        "files": [{"mime": f.mime} for f in record.files],
        "record_no": record.record_no,
        "published_url": record_url(settings, record.id),
        "security_class": record.security_class,
        "kip_category": record.kip_category,
        "license_uri": settings.public_license_uri,
    }
    class_id = getattr(record, "jra_class_id", None)
    if class_id in classes.names:
        source["classification_name_code"], source["classification_name"] = classes.names[class_id]
    return source


def dc_json(settings: Settings, record: Record, classes: Classes = NO_CLASSES) -> dict[str, list[str]]:
    """The 15 DC elements of a public record, each as a JSON array (empty when the record has no value)."""
    out: dict[str, list[str]] = {name: [] for name in DC_ELEMENTS}
    for name, value in dc_elements(dc_source(settings, record, classes)):
        out[name].append(value)
    return out


def public_record(rt: Runtime, record_id: int) -> Record:
    """The record if it is public (``NotFound`` otherwise, exactly like the portal's record page)."""
    return get_public_record(rt, record_id)


def iter_public_records(rt: Runtime, *, batch: int = BATCH) -> Iterator[list[Record]]:
    """Every public record in id order, one list per batch (keyset pagination on the primary key)."""
    last = 0
    while True:
        with rt.db.read() as session:
            rows = list(
                session.execute(
                    select(Record).where(public_condition(), Record.id > last).order_by(Record.id).limit(batch)
                ).scalars()
            )
        if not rows:
            return
        yield [public_view(r) for r in rows]  # the approved version of each (services/public_versions.py)
        if len(rows) < batch:
            return
        last = rows[-1].id


# ---- CSV -----------------------------------------------------------------------------------------------------------
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "record_no",
    "kip_category",
    "title",
    "summary",
    "description",
    "controlling_unit",
    "responsible_official",
    "created_time",
    "created_place",
    "available_forms",
    "retention_text",
    "processing_unit",
    "classification_code",
    "creator_org",
    "doc_date",
    "published_at",
    *(f"dc_{name}" for name in DC_ELEMENTS),
    "url",
)
"""The DIP columns and public fields, then one column per DC element (several values joined by `` | ``), then the
record's URL."""


def csv_cell(value: Any) -> str:
    """A value as a CSV cell that no spreadsheet will run as a formula (a leading ``'`` neutralises it)."""
    if value is None:
        return ""
    return escape_formula(str(value))


def _csv_row(settings: Settings, record: Record, classes: Classes) -> list[str]:
    dump = public_dump(settings, record, classes)
    dump["available_forms"] = ", ".join(dump["available_forms"])
    for name, values in dc_json(settings, record, classes).items():
        dump[f"dc_{name}"] = " | ".join(values)
    return [csv_cell(dump.get(column)) for column in CSV_COLUMNS]


def catalogue_csv(rt: Runtime, *, batch: int = BATCH) -> Iterator[bytes]:
    """The public catalogue as UTF-8 CSV (RFC 4180, CRLF line ends), a header then one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode("utf-8")
    for records in iter_public_records(rt, batch=batch):
        buffer.seek(0)
        buffer.truncate()
        classes = classes_of(rt, records)
        writer.writerows(_csv_row(rt.settings, r, classes) for r in records)
        yield buffer.getvalue().encode("utf-8")


# ---- JSON ----------------------------------------------------------------------------------------------------------
def _json_record(settings: Settings, record: Record, classes: Classes) -> dict[str, Any]:
    return {**public_dump(settings, record, classes), "dc": dc_json(settings, record, classes)}


def catalogue_json(rt: Runtime, *, batch: int = BATCH) -> Iterator[bytes]:
    """The public catalogue as one streamed JSON array of records (each with its ``dc`` elements)."""
    yield b"["
    first = True
    for records in iter_public_records(rt, batch=batch):
        parts = []
        classes = classes_of(rt, records)
        for record in records:
            text = json.dumps(_json_record(rt.settings, record, classes), ensure_ascii=False, separators=(",", ":"))
            parts.append(("\n" if first else ",\n") + text)
            first = False
        yield "".join(parts).encode("utf-8")
    yield b"\n]\n"


# ---- Dublin Core XML -----------------------------------------------------------------------------------------------
def _xml_attr(value: str) -> str:
    value = clean_text(value) or ""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def catalogue_dc_xml(rt: Runtime, *, batch: int = BATCH) -> Iterator[bytes]:
    """The public catalogue as one streamed XML document: ``<katalog>`` holding an ``<informasi id url>`` per
    record, each wrapping the record's ``oai_dc:dc`` element (valid against ``oai_dc.xsd``)."""
    settings = rt.settings
    generated = _iso(datetime.now(UTC))
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<katalog sumber="{_xml_attr(settings.public_base_url)}" dibuat="{generated}" '
        f'penerbit="{_xml_attr(publisher(settings))}">\n'
    ).encode()
    for records in iter_public_records(rt, batch=batch):
        parts = []
        classes = classes_of(rt, records)
        for record in records:
            dc = ET.tostring(dc_element(dc_elements(dc_source(settings, record, classes))), encoding="unicode")
            url = _xml_attr(record_url(settings, record.id))
            parts.append(f'<informasi id="{record.id}" url="{url}">{dc}</informasi>\n')
        yield "".join(parts).encode("utf-8")
    yield b"</katalog>\n"


def catalogue(rt: Runtime, fmt: str) -> Iterator[bytes]:
    """The catalogue in one of `FORMATS` (the CLI's ``--format``)."""
    producers = {"csv": catalogue_csv, "json": catalogue_json, "dc-xml": catalogue_dc_xml}
    return producers[fmt](rt)
