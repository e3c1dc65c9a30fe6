"""Office documents: Word, Excel and PowerPoint (OOXML), and OpenDocument text and spreadsheets.

The readers walk the document XML themselves rather than use each library's convenience views: those skip text
in content controls and text boxes, and python-docx's table grid repeats a merged cell once per column it spans.

Files are opened by content, never by name: stored blobs have no extension (they are named by their SHA-256), and
openpyxl refuses a path without ``.xlsx``, so every reader gets an open file object.

Bomb defences, all checked before a library parses anything (``check_package``) or while reading:

- ``MAX_PACKAGE_BYTES``: the uncompressed size of all parts of the ZIP package, as its central directory declares
  it (Python's zipfile never inflates a part beyond its declared size, so the declaration is a true bound). A
  few kilobytes that unpack to gigabytes fail at once with ``memory`` instead of filling the worker's memory.
- ``MAX_PACKAGE_PARTS``: parts in the package.
- ``MAX_SHARED_STRINGS_BYTES``: an XLSX's shared-string table, which openpyxl reads whole into memory before the
  first cell (the sheets themselves are streamed).
- ``MAX_CELLS``: cells read from a spreadsheet. A sheet can declare 17 billion cells in 5 KB (a cell at XFD1048576:
  openpyxl pads every row to the declared width); reading stops at the cap and the text read so far is kept, as
  for OpenDocument, whose "repeated" attributes are never expanded.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .model import Extraction, ExtractionFailed
from .text import clean_text

MAX_CELLS = 2_000_000
MAX_PACKAGE_BYTES = 1024**3
MAX_PACKAGE_PARTS = 10_000
MAX_SHARED_STRINGS_BYTES = 128 * 1024**2
_CONTENT_TYPES_MAX = 1024**2
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>", re.IGNORECASE)
_PART_NAME = re.compile(rb"""PartName\s*=\s*["']/?([^"']+)["']""")
_SHARED_STRINGS_TYPE = re.compile(rb"""ContentType\s*=\s*["'][^"']*sharedStrings\+xml["']""")


# -- the ZIP package -------------------------------------------------------------------------------------------


def check_package(path: Path, kind: str) -> None:
    """Refuse a ZIP package (OOXML, OpenDocument) that is not one (``corrupt``) or unpacks beyond the limits
    (``memory``), reading only its central directory (and an XLSX's small content-type list)."""
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
            if len(parts) > MAX_PACKAGE_PARTS:
                raise ExtractionFailed("memory", f"{kind} has {len(parts)} parts, more than {MAX_PACKAGE_PARTS}")
            total = sum(part.file_size for part in parts)
            if total > MAX_PACKAGE_BYTES:
                raise ExtractionFailed(
                    "memory",
                    f"{kind} unpacks to {total} bytes, more than the limit of {MAX_PACKAGE_BYTES} (a ZIP bomb?)",
                )
            if kind == "XLSX":
                for name in _shared_string_parts(package):
                    size = package.getinfo(name).file_size
                    if size > MAX_SHARED_STRINGS_BYTES:
                        raise ExtractionFailed(
                            "memory",
                            f"XLSX shared strings unpack to {size} bytes, more than the limit of "
                            f"{MAX_SHARED_STRINGS_BYTES}",
                        )
    except zipfile.BadZipFile as exc:
        raise ExtractionFailed("corrupt", f"not a readable {kind} package: {exc}") from exc


def _shared_string_parts(package: zipfile.ZipFile) -> list[str]:
    """The parts holding an XLSX's shared strings: whatever [Content_Types].xml declares, and the usual name."""
    names = {info.filename for info in package.infolist()}
    found = {name for name in names if name.lower().endswith("sharedstrings.xml")}
    try:
        info = package.getinfo("[Content_Types].xml")
    except KeyError:
        return sorted(found)
    if info.file_size > _CONTENT_TYPES_MAX:
        raise ExtractionFailed("memory", f"XLSX content types unpack to {info.file_size} bytes")
    for tag in _OVERRIDE.findall(package.read(info)):
        if _SHARED_STRINGS_TYPE.search(tag) and (match := _PART_NAME.search(tag)):
            name = match.group(1).decode("utf-8", "replace")
            if name in names:
                found.add(name)
    return sorted(found)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOCX_SIDE_PARTS = ("/header", "/footer", "/footnotes", "/endnotes")


# -- DOCX ------------------------------------------------------------------------------------------------------


def extract_docx(path: Path) -> Extraction:
    """Body text in reading order (paragraphs, then table rows with cells tab-separated), then the distinct
    headers, footers, footnotes and endnotes. Word stores no page breaks it computed, so it is one page."""
    import docx
    from docx.oxml.parser import parse_xml

    check_package(path, "DOCX")
    with open(path, "rb") as f:
        document = docx.Document(f)
    lines: list[str] = []
    _docx_blocks(document.element.body, lines)
    seen: set[str] = set()
    for rel in document.part.rels.values():
        if rel.is_external or not rel.reltype.endswith(_DOCX_SIDE_PARTS):
            continue
        part = rel.target_part
        element = getattr(part, "element", None)
        if element is None:
            element = parse_xml(part.blob)
        side: list[str] = []
        _docx_blocks(element, side)
        text = "\n".join(side).strip()
        if text and text not in seen:  # every section repeats the same letterhead
            seen.add(text)
            lines.append(text)
    return Extraction(pages=[clean_text("\n".join(lines))], method="docx")


def _docx_blocks(element: Any, out: list[str]) -> None:
    """Append one line per paragraph and table row found under ``element``, in document order."""
    for child in element:
        tag = child.tag
        if tag == W + "p":
            boxes: list[str] = []
            out.append(_docx_paragraph(child, boxes))
            out.extend(boxes)
        elif tag == W + "tbl":
            for row in child.iter(W + "tr"):
                if _nearest_table(row) is not child:
                    continue  # a nested table's rows come out through its cell
                cells = []
                for cell in row:
                    if cell.tag == W + "tc":
                        inner: list[str] = []
                        _docx_blocks(cell, inner)
                        cells.append(" ".join(line for line in inner if line.strip()))
                out.append("\t".join(cells).rstrip())
        elif tag in (MC_FALLBACK, W + "sectPr", W + "tblPr", W + "pPr", W + "rPr"):
            continue
        else:  # content controls, custom XML, tracked insertions: containers of paragraphs
            _docx_blocks(child, out)


def _nearest_table(row: Any) -> Any:
    parent = row.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def _docx_paragraph(p: Any, boxes: list[str]) -> str:
    """A paragraph's text; paragraphs in text boxes anchored in it go to ``boxes``, not into its line."""
    parts: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "txbxContent":
                _docx_blocks(child, boxes)
            elif tag in (MC_FALLBACK, W + "delText", W + "instrText", W + "rPr", W + "pPr"):
                continue
            else:
                walk(child)

    walk(p)
    return "".join(parts)


# -- XLSX ------------------------------------------------------------------------------------------------------


def extract_xlsx(path: Path, max_cells: int | None = None) -> Extraction:
    """One page per worksheet: its name, then one line per non-empty row with cells tab-separated.

    Read-only mode streams the sheet XML instead of building every cell object; data_only gives the values
    Excel last computed rather than formulas, which is what a reader sees. The workbook is opened from a file
    object: openpyxl refuses a path whose name does not end in ``.xlsx``, and stored blobs have no extension.
    """
    import openpyxl

    check_package(path, "XLSX")
    source = open(path, "rb")  # noqa: SIM115 (read-only workbooks read their sheets lazily from it; closed below)
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except BaseException:
        source.close()
        raise
    pages: list[str] = []
    budget = MAX_CELLS if max_cells is None else max_cells
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # chart sheets hold no cells
            lines = [str(sheet.title)]
            if budget > 0:
                rows, budget = _rows_within(sheet.iter_rows(values_only=True), budget)
                lines.extend(rows)
            pages.append(clean_text("\n".join(lines)))
    finally:
        workbook.close()
        source.close()
    return Extraction(pages=pages, method="xlsx")


def _rows_within(rows: Iterable[tuple[Any, ...]], budget: int) -> tuple[list[str], int]:
    out: list[str] = []
    for row in rows:
        budget -= max(1, len(row))
        cells = [_cell_text(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append("\t".join(cells))
        if budget <= 0:
            break
    return out, budget


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return " ".join(str(value).split())


# -- PPTX ------------------------------------------------------------------------------------------------------


def extract_pptx(path: Path) -> Extraction:
    """One page per slide: text frames and tables in shape order (groups opened), then the speaker notes."""
    import pptx

    check_package(path, "PPTX")
    with open(path, "rb") as f:
        presentation = pptx.Presentation(f)
    pages: list[str] = []
    for slide in presentation.slides:
        lines: list[str] = []
        _pptx_shapes(slide.shapes, lines)
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and notes.text.strip():
                lines.append(notes.text)
        pages.append(clean_text("\n".join(lines)))
    return Extraction(pages=pages, method="pptx")


def _pptx_shapes(shapes: Iterable[Any], lines: list[str], depth: int = 0) -> None:
    for shape in shapes:
        if getattr(shape, "shape_type", None) is not None and hasattr(shape, "shapes") and depth < 20:
            _pptx_shapes(shape.shapes, lines, depth + 1)  # a group
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            lines.append(shape.text_frame.text.replace("\x0b", "\n"))
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                lines.append("\t".join(" ".join(cell.text.split()) for cell in row.cells).rstrip())


# -- OpenDocument ----------------------------------------------------------------------------------------------


def extract_odf(path: Path) -> Extraction:
    """ODT: one page of paragraphs, headings, lists and tables, then header/footer text from the master pages.
    ODS: one page per sheet, named, with one line per non-empty row."""
    from odf import opendocument

    check_package(path, "OpenDocument")
    with open(path, "rb") as f:
        document = opendocument.load(f)
    spreadsheet = document.spreadsheet if document.mimetype.endswith("spreadsheet") else None
    if spreadsheet is not None:
        pages = []
        budget = [MAX_CELLS]
        for sheet in _children(spreadsheet, "table"):
            lines = [sheet.getAttribute("name") or ""]
            _odf_table(sheet, lines, budget)
            pages.append(clean_text("\n".join(lines)))
        return Extraction(pages=pages, method="odf")
    lines = []
    budget = [MAX_CELLS]
    _odf_blocks(document.text, lines, budget)
    seen: set[str] = set()
    for master in _children(document.masterstyles, "master-page"):
        side: list[str] = []
        _odf_blocks(master, side, budget)
        text = "\n".join(side).strip()
        if text and text not in seen:
            seen.add(text)
            lines.append(text)
    return Extraction(pages=[clean_text("\n".join(lines))], method="odf")


def _children(element: Any, local_name: str) -> Iterator[Any]:
    for child in getattr(element, "childNodes", ()):
        if getattr(child, "qname", (None, None))[1] == local_name:
            yield child


def _local(element: Any) -> str | None:
    qname = getattr(element, "qname", None)
    return qname[1] if qname else None


def _odf_blocks(element: Any, out: list[str], budget: list[int]) -> None:
    from odf import teletype

    for child in getattr(element, "childNodes", ()):
        name = _local(child)
        if name in ("p", "h"):
            out.append(teletype.extractText(child))
        elif name == "table":
            _odf_table(child, out, budget)
        elif name in ("tracked-changes", "sequence-decls", "variable-decls", "user-field-decls", "forms"):
            continue
        elif name is not None:
            _odf_blocks(child, out, budget)


def _odf_table(table: Any, out: list[str], budget: list[int]) -> None:
    """Rows of a table (row groups and header rows included); repeated rows and cells are read once."""
    for child in getattr(table, "childNodes", ()):
        if budget[0] <= 0:
            return
        name = _local(child)
        if name == "table-row":
            cells = []
            for cell in child.childNodes:
                if _local(cell) in ("table-cell", "covered-table-cell"):
                    inner: list[str] = []
                    _odf_blocks(cell, inner, budget)
                    cells.append(" ".join(" ".join(line.split()) for line in inner if line.strip()))
                    budget[0] -= 1
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                out.append("\t".join(cells))
        elif name in ("table-header-rows", "table-rows", "table-row-group"):
            _odf_table(child, out, budget)
