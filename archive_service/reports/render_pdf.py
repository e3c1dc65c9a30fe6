"""PDF rendering: a ``Document`` laid out on A4 under the office's letterhead (WeasyPrint).

The HTML comes from ``web/templates/reports/document.html`` through a Jinja environment of its own (the CLI has
no Flask app) with autoescape on, so every text of a document (titles, record titles typed by staff) is text,
never markup. Nothing is fetched from the network: the stylesheet is inlined, the logo and the charts are
``data:`` URIs and the URL fetcher refuses everything else.
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
from .model import Chart, Column, Document, Fields, Paragraph, Signature, Table
from .period import date_id

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "reports"
CSS_FILE = Path(__file__).resolve().parent / "assets" / "report.css"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


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
    return str(value)


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
    return [" ".join(c for c, on in (("num", column.numeric), ("nowrap", column.nowrap)) if on) for column in columns]


def _column_widths(columns: Sequence[Column]) -> list[str]:
    """Widths for ``table-layout: fixed`` (WeasyPrint's auto layout measures every cell: slow on long reports).

    A column's own hint wins; numeric columns without one get a narrow share; the rest split what is left.
    """
    hinted = [_percent(column.width) for column in columns]
    pairs = zip(hinted, columns, strict=True)
    fixed = [h if h is not None else (7.0 if column.numeric else None) for h, column in pairs]
    free = [i for i, w in enumerate(fixed) if w is None]
    left = max(100.0 - sum(w for w in fixed if w is not None), 5.0 * len(free))
    share = left / len(free) if free else 0.0
    return [f"{(w if w is not None else share):.2f}%" for w in fixed]


def _percent(width: str | None) -> float | None:
    if width and width.strip().endswith("%"):
        try:
            return float(width.strip()[:-1])
        except ValueError:
            return None
    return None


def render_html(document: Document, settings: Settings) -> str:
    """The HTML WeasyPrint lays out (also handy to look at while designing a template)."""
    return (
        _environment()
        .get_template("document.html")
        .render(
            doc=document,
            css=CSS_FILE.read_text(encoding="utf-8"),
            institution=(settings.institution_name or "").upper(),
            office=settings.office_name,
            address=settings.office_address,
            logo=logo_uri(settings.letterhead_logo),
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


def render_pdf(document: Document, settings: Settings, out: BinaryIO) -> None:
    import weasyprint

    html = weasyprint.HTML(string=render_html(document, settings), base_url=None, url_fetcher=_fetcher())
    html.write_pdf(out)
