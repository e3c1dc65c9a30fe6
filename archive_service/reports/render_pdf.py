"""PDF rendering: a ``Document`` laid out on A4 under the office's letterhead (WeasyPrint).

The HTML comes from ``web/templates/reports/document.html`` through a Jinja environment of its own (the CLI has
no Flask app) with autoescape on, so every text of a document (titles, record titles typed by staff) is text,
never markup. Nothing is fetched from the network: the stylesheet is inlined, the logo and the charts are
``data:`` URIs and the URL fetcher refuses everything else.

Every PDF is PDF/A-3b and tagged: minutes, decrees and the DIP are kept permanently (UU 43/2009; the berita acara of
a disposition is itself a permanent record), so the file must stay readable without the software that made it.
WeasyPrint embeds (subsets of) every font, adds the sRGB output intent (``/GTS_PDFA1``) and the XMP packet with
``pdfaid:part``/``conformance``, title (``<title>``), creator (``<meta name=author>``) and description; the
language (``dc:language``, besides the catalogue's ``/Lang`` from ``<html lang>``) is added to the XMP here.
``tests/archive_service/reports/test_printed_documents.py`` checks all of it with pikepdf.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..config import Settings
from .model import Chart, Column, Document, Fields, Paragraph, Signature, Table, column_widths
from .period import date_id, indonesian_dates

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "reports"
CSS_FILE = Path(__file__).resolve().parent / "assets" / "report.css"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
PDF_VARIANT = "pdf/a-3b"  # ISO 19005-3, level B; tagged besides (pdf_tags)
LANGUAGE = "id"  # documents are Indonesian (model.py); <html lang>, /Lang and dc:language
GENERATOR = "Arsip (sistem arsip dan pengelolaan informasi publik)"


def format_value(value: Any) -> str:
    """A cell as printed in an Indonesian document: ``1.234``, ``12,5``, ``30 November 2026``, ``Ya``/``Tidak``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, (float, Decimal)):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if isinstance(value, datetime):
        return f"{date_id(value.date())} {value:%H.%M}"
    if isinstance(value, date):
        return date_id(value)
    return indonesian_dates(str(value))  # a date typed or stored as text (2026-01-01) reads like the others


def _chunks(items: Sequence[Signature], size: int = 3) -> Iterator[Sequence[Signature]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _svg_uri(svg: str) -> str:
    return _data_uri(svg.encode("utf-8"), "image/svg+xml")


def logo_uri(path: Path | None) -> str | None:
    """The letterhead logo as a ``data:`` URI; a missing or unsupported file is logged and left out."""
    if not path:
        return None
    path = Path(path)
    mime = LOGO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if mime not in LOGO_TYPES.values():
        log.warning("letterhead logo %s: unsupported type, left out", path)
        return None
    try:
        return _data_uri(path.read_bytes(), mime)
    except OSError as exc:
        log.warning("letterhead logo %s: %s, left out", path, exc)
        return None


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = format_value
    env.filters["svg_uri"] = _svg_uri
    env.globals.update(
        is_table=lambda s: isinstance(s, Table),
        is_fields=lambda s: isinstance(s, Fields),
        is_paragraph=lambda s: isinstance(s, Paragraph),
        is_chart=lambda s: isinstance(s, Chart),
        chunks=_chunks,
    )
    return env


def _column_classes(columns: Sequence[Column]) -> list[str]:
    return [" ".join(c for c, on in (("num", column.numeric), ("ident", column.nowrap)) if on) for column in columns]


def _column_widths(columns: Sequence[Column]) -> list[str]:
    """The ``<col>`` widths of ``table-layout: fixed`` (WeasyPrint's auto layout measures every cell: slow on long
    reports), from each column's own definition (``model.Column.width``)."""
    return [f"{width:.2f}%" for width in column_widths(columns)]


def render_html(document: Document, settings: Settings, created: datetime | None = None) -> str:
    """The HTML WeasyPrint lays out (also handy to look at while designing a template)."""
    institution = (settings.institution_name or "").strip()
    office = (settings.office_name or "").strip()
    return (
        _environment()
        .get_template("document.html")
        .render(
            doc=document,
            css=CSS_FILE.read_text(encoding="utf-8"),
            lang=LANGUAGE,
            institution=institution.upper(),
            office=office,
            address=(settings.office_address or "").strip(),
            logo=logo_uri(settings.letterhead_logo),
            author=", ".join(part for part in (office, institution) if part) or "Arsip",
            generator=GENERATOR,
            created=(created or datetime.now().astimezone()).isoformat(timespec="seconds"),
            column_classes=_column_classes,
            column_widths=_column_widths,
            rows=_rows,
        )
    )


def _rows(table: Table) -> Iterable[Sequence[Any]]:
    return table.rows


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that only serves ``data:`` URIs: no file and no network access from a report."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


def _xmp_language(lang: str) -> Any:
    """A WeasyPrint ``finisher`` that declares the document's language in the XMP packet (``dc:language``); the
    packet WeasyPrint writes for PDF/A has the title, creator and PDF/A identification but not the language."""
    description = (
        '<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about=""><dc:language><rdf:Bag><rdf:li>{lang}</rdf:li>'
        "</rdf:Bag></dc:language></rdf:Description>"
    ).encode()

    def finish(_document: Any, pdf: Any) -> None:
        for stream in pdf.objects:
            if getattr(stream, "extra", None) and stream.extra.get("Type") == "/Metadata":
                packet = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)
                if b"</rdf:RDF>" in packet and b"dc:language" not in packet:
                    stream.stream = [packet.replace(b"</rdf:RDF>", description + b"</rdf:RDF>", 1)]

    return finish


def render_pdf(document: Document, settings: Settings, out: BinaryIO) -> None:
    import weasyprint

    html = weasyprint.HTML(string=render_html(document, settings), base_url=None, url_fetcher=_fetcher())
    html.write_pdf(out, pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=_xmp_language(LANGUAGE))
