"""What a generated document is, independent of its format.

A builder returns a ``Document``: a title, a number, the sections (key/value fields, paragraphs, tables) and the
signature blocks. The PDF renderer lays it out on A4 under the office's letterhead; the XLSX and CSV renderers
write its tables. Table rows may be a generator, so a long report streams to CSV/XLSX without being held in
memory; a builder that needs its rows twice (counts and the table) makes a list on purpose.

Documents are official Indonesian documents, so their text is Bahasa Indonesia only (no UI translation): dates are
written the Indonesian way everywhere (``period.date_id``, ``period.indonesian_dates``), whatever the UI language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Relative widths of the size words a column may give instead of a percentage (see ``Column.width``).
SIZES = {"narrow": 5.0, "normal": 11.0, "wide": 24.0}


@dataclass(frozen=True)
class Column:
    """One column of a table. Its width is part of its definition: a PDF table is laid out with fixed column widths
    (WeasyPrint's automatic layout measures every cell, too slow for a list of thousands of records), so a "No"
    column stays narrow and a description column wide whatever the rows hold."""

    key: str
    label: str
    numeric: bool = False  # right-aligned in PDF, a number cell in XLSX
    # Relative width in the PDF: a percentage ("12%"), a size word ("narrow", "normal", "wide") or None (numeric
    # columns narrow, the others normal). The widths of a table are scaled to fill the page (``column_widths``).
    width: str | None = None
    # PDF: an identifier (ARS/2025/000001, TT/2026/11/0007) that is not wrapped at ordinary break points, but is
    # broken between any two characters rather than run over its cell's border when the column is too narrow.
    nowrap: bool = False

    @property
    def weight(self) -> float:
        hint = (self.width or "").strip().lower()
        if hint.endswith("%"):
            try:
                return max(float(hint[:-1]), 1.0)
            except ValueError:
                pass
        return SIZES.get(hint) or SIZES["narrow" if self.numeric else "normal"]


def column_widths(columns: Sequence[Column]) -> list[float]:
    """The columns' widths in percent of the table, summing to 100, in proportion to their ``weight``."""
    weights = [column.weight for column in columns]
    total = sum(weights) or 1.0
    return [100.0 * w / total for w in weights]


@dataclass
class Table:
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: str | None = None
    totals: Sequence[Any] | None = None  # a last row in bold ("Jumlah")
    sheet: str | None = None  # XLSX sheet name (≤ 31 chars); defaults to the title


@dataclass
class Fields:
    """Label/value pairs, e.g. the head of a berita acara (nomor, tanggal, tempat)."""

    items: Sequence[tuple[str, Any]]
    title: str | None = None


@dataclass
class Paragraph:
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Chart:
    """A server-rendered SVG chart (monev), shown in the PDF above its table; ignored by XLSX/CSV."""

    svg: str
    title: str


Section = Table | Fields | Paragraph | Chart


@dataclass(frozen=True)
class Signature:
    """One signature block: who signs in which capacity; the name line is left blank when unknown."""

    capacity: str  # e.g. "Pejabat Pengelola Informasi dan Dokumentasi"
    name: str | None = None
    id_no: str | None = None  # NIP
    label: str | None = None  # e.g. "Yang menyerahkan", "Mengetahui"


@dataclass
class Document:
    """A generated document. Printed in this order: the letterhead, title, number and subtitle; the sections; the
    closing text, the place and date and the signature blocks (kept together on one page); then the appendix
    (*lampiran*, e.g. the *daftar arsip* of a berita acara), which starts on a new page under its own heading."""

    name: str  # the registry name, e.g. "laporan-pengumpulan"
    title: str  # e.g. "LAPORAN PENGUMPULAN DATA SESUAI DAFTAR INFORMASI PUBLIK"
    sections: list[Section] = field(default_factory=list)
    number: str | None = None  # document number (nomor berita acara, nomor tanda terima)
    subtitle: str | None = None  # e.g. "Periode November 2026 · Unit Diskominfo"
    signatures: list[Signature] = field(default_factory=list)
    place_date: str | None = None  # written above the signatures, e.g. "Sleman, 30 November 2026"
    closing: str | None = None  # the closing sentence ("Demikian berita acara ini dibuat ..."), kept with signatures
    appendix: list[Section] = field(default_factory=list)  # the lampiran, after the signatures on a new page
    appendix_title: str | None = None  # e.g. "Lampiran Berita Acara Penyerahan Arsip Statis Nomor BA-..."
    landscape: bool = False  # wide tables (DIP, daftar arsip) print on landscape A4
    filename: str = "laporan"  # file name stem of the download, without extension
    # A long list (a register) whose rows stream to XLSX/CSV may be too long to lay out as a PDF: when
    # ``row_count`` is over ``pdf_max_rows`` the PDF is refused (422) before anything is rendered.
    row_count: int | None = None
    pdf_max_rows: int | None = None

    def tables(self) -> list[Table]:
        """Every table, the appendix's included (XLSX sheets and CSV blocks follow this order)."""
        return [section for section in (*self.sections, *self.appendix) if isinstance(section, Table)]
