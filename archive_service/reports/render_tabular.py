"""XLSX and CSV rendering of a ``Document``'s tables, streamed row by row.

XLSX: an openpyxl *write-only* workbook, one sheet per table. Each sheet starts with the document title, subtitle
and number and an empty row; ``Fields`` sections (e.g. the head of a control card: record no, card no) that come
before a table are written as ``label | value`` rows above that table's header in the same sheet, so a sheet reads
like the printed page. Fields with no table after them go to a last sheet "Keterangan" (a document with no tables
at all gets only that sheet). Paragraphs and charts are left out (they are prose/pictures of the PDF).

CSV: UTF-8 with a BOM (Excel then reads the accents right), ``,`` separated, RFC 4180 quoting. One table: the
header and the rows. Several tables: each preceded by a line with its title and separated by an empty line.
Fields, paragraphs and charts are left out.

Both guard against formula injection (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading ``'`` so a spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from ..exports.cells import escape_formula
from .model import Column, Document, Fields, Table

SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"


# ---------------------------------------------------------------- XLSX


def _sheet_name(table: Table, index: int, taken: set[str]) -> str:
    base = SHEET_BAD.sub(" ", (table.sheet or table.title or "").strip()).strip("' ") or f"Tabel {index}"
    base = " ".join(base.split())[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _xlsx_value(value: Any) -> Any:
    """Numbers stay numbers, dates dates (openpyxl refuses time-zone aware datetimes: the wall time is kept)."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return escape_formula(str(value))


def render_xlsx(document: Document, out: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    title_font = Font(bold=True, size=13)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook(write_only=True)
    taken: set[str] = set()

    def cell(ws: Any, value: Any, *, font: Font | None = None, numeric: bool = False) -> Any:
        c = WriteOnlyCell(ws, value=_xlsx_value(value))
        if font is not None:
            c.font = font
        if isinstance(value, datetime):
            c.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            c.number_format = DATE_FORMAT
        elif isinstance(c.value, str) and not numeric:
            c.alignment = wrap
        return c

    def head(ws: Any) -> None:
        ws.append([cell(ws, document.title, font=title_font)])
        if document.subtitle:
            ws.append([cell(ws, document.subtitle)])
        if document.number:
            ws.append([cell(ws, f"Nomor: {document.number}")])
        ws.append([])

    def fields_rows(ws: Any, fields: Sequence[Fields]) -> None:
        for section in fields:
            if section.title:
                ws.append([cell(ws, section.title, font=bold)])
            for label, value in section.items:
                ws.append([cell(ws, label, font=bold), cell(ws, value)])
            ws.append([])

    pending: list[Fields] = []
    for section in (*document.sections, *document.appendix):
        if isinstance(section, Fields):
            pending.append(section)
            continue
        if not isinstance(section, Table):
            continue
        ws = wb.create_sheet(_sheet_name(section, len(taken) + 1, taken))
        _widths(ws, section.columns)
        head(ws)
        fields_rows(ws, pending)
        pending = []
        if section.title:
            ws.append([cell(ws, section.title, font=bold)])
        ws.append([cell(ws, column.label, font=bold) for column in section.columns])
        numeric = [column.numeric for column in section.columns]
        for row in section.rows:
            ws.append([cell(ws, value, numeric=num) for value, num in zip(row, numeric, strict=False)])
        if section.totals:
            totals = zip(section.totals, numeric, strict=False)
            ws.append([cell(ws, value, font=bold, numeric=num) for value, num in totals])
    if pending or not taken:
        ws = wb.create_sheet(_sheet_name(Table((), (), title="Keterangan"), len(taken) + 1, taken))
        ws.column_dimensions["A"].width = 32
        ws.column_dimensions["B"].width = 60
        head(ws)
        fields_rows(ws, pending)
    wb.save(out)


def _widths(ws: Any, columns: Sequence[Column]) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        width = 12 if column.numeric else min(max(len(column.label) + 4, 14), 48)
        ws.column_dimensions[get_column_letter(index)].width = width


# ---------------------------------------------------------------- CSV


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return escape_formula(str(value))


def _csv_rows(rows: Iterable[Sequence[Any]]) -> Iterable[list[str]]:
    for row in rows:
        yield [_csv_value(value) for value in row]


def render_csv(document: Document, out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        tables = document.tables()
        several = len(tables) > 1
        for index, table in enumerate(tables):
            if several:
                if index:
                    writer.writerow([])
                writer.writerow([_csv_value(table.title or f"Tabel {index + 1}")])
            writer.writerow([_csv_value(column.label) for column in table.columns])
            writer.writerows(_csv_rows(table.rows))
            if table.totals:
                writer.writerow(_csv_value(value) for value in table.totals)
        text.flush()
    finally:
        text.detach()  # the caller owns ``out``; closing the wrapper would close it
