"""What a generated document is, independent of its format.

A builder returns a ``Document``: a title, a number, the sections (key/value fields, paragraphs, tables) and the
signature blocks. The PDF renderer lays it out on A4 under the office's letterhead; the XLSX and CSV renderers
write its tables. Table rows may be a generator, so a long report streams to CSV/XLSX without being held in
memory; a builder that needs its rows twice (counts and the table) makes a list on purpose.

Documents are official Indonesian documents, so their text is Bahasa Indonesia only (no UI translation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False  # right-aligned in PDF, a number cell in XLSX
    width: str | None = None  # CSS width hint for the PDF, e.g. "12%"
    nowrap: bool = False  # PDF: keep on one line (numbers like ARS/2025/000001 must not break at "/")


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
    name: str  # the registry name, e.g. "laporan-pengumpulan"
    title: str  # e.g. "LAPORAN PENGUMPULAN DATA SESUAI DAFTAR INFORMASI PUBLIK"
    sections: list[Section] = field(default_factory=list)
    number: str | None = None  # document number (nomor berita acara, nomor tanda terima)
    subtitle: str | None = None  # e.g. "Periode November 2026 · Unit Diskominfo"
    signatures: list[Signature] = field(default_factory=list)
    place_date: str | None = None  # written above the signatures, e.g. "Sleman, 30 November 2026"
    landscape: bool = False  # wide tables (DIP, daftar arsip) print on landscape A4
    filename: str = "laporan"  # file name stem of the download, without extension

    def tables(self) -> list[Table]:
        return [section for section in self.sections if isinstance(section, Table)]
