"""Rendering a ``Document`` to a file: one entry point for the API, the CLI and the staff pages.

Why one module: every caller picks the format by its short name and needs the media type and a safe download
name with it; the PDF renderer (WeasyPrint) is imported only when a PDF is asked for, so CSV/XLSX stay cheap.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..config import Settings
from ..errors import ValidationFailed
from .model import Document
from .registry import ReportSpec, build

if TYPE_CHECKING:
    from ..runtime import Runtime
    from ..services.actor import Actor

MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def render(document: Document, fmt: str, settings: Settings, out: BinaryIO) -> None:
    """Write ``document`` as ``fmt`` (pdf, xlsx, csv) to the binary stream ``out``."""
    if fmt == "pdf":
        from .render_pdf import render_pdf

        check_pdf_size(document)

        render_pdf(document, settings, out)
    elif fmt == "xlsx":
        from .render_tabular import render_xlsx

        render_xlsx(document, out)
    elif fmt == "csv":
        from .render_tabular import render_csv

        render_csv(document, out)
    else:
        raise ValueError(f"unknown report format {fmt!r}")


def check_pdf_size(document: Document) -> None:
    """Refuse a PDF of more rows than the document allows (WeasyPrint lays out every row in memory)."""
    limit, rows = document.pdf_max_rows, document.row_count
    if limit is not None and rows is not None and rows > limit:
        raise ValidationFailed(
            f"{rows} baris terlalu banyak untuk PDF (paling banyak {limit}); pilih periode yang lebih pendek atau "
            "unduh XLSX/CSV.",
            f"{rows} rows are too many for a PDF (at most {limit}); choose a shorter period or download XLSX/CSV.",
            {"format": ["too_many_rows_for_pdf"]},
        )


def render_to_file(document: Document, fmt: str, settings: Settings, path: Path) -> Path:
    """Render into ``path``; a failed render leaves no partial file behind."""
    path = Path(path)
    try:
        with path.open("wb") as out:
            render(document, fmt, settings, out)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def slug(text: str) -> str:
    """ASCII file-name stem: accents folded, anything but letters, digits, ``.``, ``_`` and ``-`` becomes ``-``."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-._")
    return re.sub(r"-{2,}", "-", cleaned)[:120].strip("-._")


def download_name(document: Document, fmt: str) -> str:
    """E.g. ``laporan-pengumpulan-2026-11.pdf``; never empty, never a path."""
    stem = slug(document.filename) or slug(document.name) or "laporan"
    return f"{stem}.{fmt}"


@dataclass
class Rendered:
    """A report rendered into an anonymous temporary file (gone when ``stream`` is closed), ready to send."""

    spec: ReportSpec
    document: Document
    fmt: str
    stream: BinaryIO  # positioned at 0
    size: int

    @property
    def filename(self) -> str:
        return download_name(self.document, self.fmt)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]


def produce(rt: Runtime, actor: Actor, name: str, raw: dict[str, Any], fmt: str | None) -> Rendered:
    """Registry lookup, checks, build and render in one call: what the API and the staff pages both do.

    The file is an unnamed temporary file under the staging directory (same disk as the data, not /tmp in RAM),
    so a large report does not sit in memory and nothing is left behind if the client goes away.
    """
    fmt = (fmt or "pdf").strip().lower()
    spec, document = build(rt, actor, name, raw, fmt=fmt)
    staging = rt.settings.staging_dir
    staging.mkdir(parents=True, exist_ok=True)
    stream = tempfile.TemporaryFile(dir=staging, prefix="report-")  # noqa: SIM115 - closed by the response
    try:
        render(document, fmt, rt.settings, stream)
        size = stream.tell()
        stream.seek(0)
    except BaseException:
        stream.close()
        raise
    return Rendered(spec, document, fmt, stream, size)  # type: ignore[arg-type]
