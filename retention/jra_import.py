"""Read a JRA (retention schedule) from the spreadsheet or CSV a records unit actually has.

Why this is careful rather than simple: a Pemda's JRA is a 1,000-3,000-row table typed by hand, exported from
Excel with ``;`` separators or saved as XLSX with a merged two-row header ("Retensi" over "Aktif | Inaktif"),
with section heading rows between the entries and the odd typo. An import must turn the good rows into data and
report every bad row with its line, column, value and reason (in Indonesian and English), so a person fixes
the source instead of the system guessing a retention period (DOMAIN.md §4.4, §8).

`parse_jra_rows` does the work on plain ``(line, cells)`` tuples so it can be tested and reused without files;
`read_jra` turns an XLSX or CSV byte stream into those tuples, row by row, without loading the whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from retention.disposition_text import DispositionParseError, parse_disposition
from retention.periods import PeriodParseError, RetentionPeriod, parse_period
from schemas.enums import FinalDisposition
from schemas.validators import CLASSIFICATION_CODE_PATTERN

__all__ = [
    "HEADER_SCAN_ROWS",
    "JraFormatError",
    "JraParseResult",
    "JraRow",
    "RowProblem",
    "parse_jra_rows",
    "read_jra",
]

HEADER_SCAN_ROWS = 30
"""The header row must be among the first rows: real files put a title, a decree number and blank rows above it."""

_CSV_DELIMITERS = (";", ",", "\t")
_CSV_SAMPLE_LINES = 64
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and .doc)
_CODE_RE = re.compile(CLASSIFICATION_CODE_PATTERN)

# Header cell patterns, matched against the cell lower-cased, with spaces collapsed and any "(...)" removed.
_KODE_RE = re.compile(r"(?:no\.?\s*|nomor\s+)?kode(?:\s+klasifikasi)?(?:\s+arsip)?")
_JENIS_RE = re.compile(
    r"(?:jenis(?:\s*/\s*series)?(?:\s+arsip)?|series\s+arsip|uraian(?:\s+informasi)?(?:\s+arsip)?)"
    r"(?:\s*/\s*(?:jenis|series|uraian)(?:\s+arsip)?)?"
)
_PERIOD_PREFIX = r"(?:retensi|masa\s+simpan|jangka\s+simpan|jangka\s+waktu\s+simpan)?\s*(?:arsip\s+)?"
_AKTIF_RE = re.compile(_PERIOD_PREFIX + r"aktif")
_INAKTIF_RE = re.compile(_PERIOD_PREFIX + r"in\s*aktif")
_DISPOSITION_RE = re.compile(r"nasib\s+akhir(?:\s+arsip)?|penyusutan\s+akhir|disposisi(?:\s+akhir)?")
_KETERANGAN_RE = re.compile(r"ket(?:erangan|\.)?")
_CATATAN_RE = re.compile(r"catatan")


class JraFormatError(ValueError):
    """The file as a whole cannot be read as a JRA (not XLSX/CSV, corrupt, or no header row found)."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id = message_id
        self.message_en = message_en


@dataclass(frozen=True)
class JraRow:
    """One accepted schedule entry: a classification code and record type with its two periods and disposition."""

    line: int
    code: str
    record_type: str
    active: RetentionPeriod
    inactive: RetentionPeriod
    disposition: FinalDisposition
    disposition_note: str | None
    notes: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (import previews, API responses, fixtures)."""
        return {
            "line": self.line,
            "code": self.code,
            "record_type": self.record_type,
            "active": self.active.to_dict(),
            "inactive": self.inactive.to_dict(),
            "disposition": str(self.disposition),
            "disposition_note": self.disposition_note,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class RowProblem:
    """Why one cell or row was not imported, precise enough to find and fix it in the source file."""

    line: int
    column: str | None
    value: str
    message_id: str
    message_en: str

    def to_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message_id": self.message_id,
            "message_en": self.message_en,
        }


@dataclass
class JraParseResult:
    """The accepted rows and every problem found; ``headings`` counts rows skipped on purpose."""

    rows: list[JraRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    headings: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Columns:
    """Where each field is in the data rows (0-based cell indexes)."""

    kode: int
    jenis: int
    aktif: int | None = None
    inaktif: int | None = None
    keterangan: int | None = None
    catatan: int | None = None
    nasib_akhir: int | None = None  # an explicit disposition column beats "Keterangan"

    def complete(self) -> bool:
        return self.aktif is not None and self.inaktif is not None and self.disposition is not None

    @property
    def disposition(self) -> int | None:
        return self.nasib_akhir if self.nasib_akhir is not None else self.keterangan

    @property
    def notes(self) -> int | None:
        """The "Catatan" column; or "Keterangan" when a separate disposition column exists, as some JRAs have."""
        if self.catatan is not None or self.nasib_akhir is None:
            return self.catatan
        return self.keterangan


# --------------------------------------------------------------------------------------------------------------
# Rows → result


def parse_jra_rows(rows: Iterable[tuple[int, Sequence[object]]]) -> JraParseResult:
    """Find the header among the first rows, then turn every data row into a `JraRow` or `RowProblem`s.

    A row with any problem is reported and left out (never half-imported); parsing goes on, so one run lists
    every mistake in the file. Raises `JraFormatError` when no usable header is found.
    """
    iterator = iter(rows)
    columns = _read_header(iterator)
    result = JraParseResult()
    seen: dict[tuple[str, str], int] = {}
    for line, cells in iterator:
        _parse_data_row(line, cells, columns, result, seen)
    return result


def _read_header(rows: Iterator[tuple[int, Sequence[object]]]) -> _Columns:
    """Consume rows up to and including the header: one row, or two when "Aktif | Inaktif" sit under a merged
    "Retensi" cell. Raise `JraFormatError` when there is none or it lacks a required column."""
    for _ in range(HEADER_SCAN_ROWS):
        item = next(rows, None)
        if item is None:
            break
        columns = _header_columns(item[1])
        if columns is None:
            continue
        if columns.complete():
            return columns
        below = next(rows, None)
        if below is not None and _add_sub_header(columns, below[1]) and columns.complete():
            return columns
        if columns.aktif is not None and columns.inaktif is not None:
            raise _format_error_missing("Keterangan / Nasib Akhir", "disposition (Keterangan / Nasib Akhir)")
        raise _format_error_missing("Retensi Aktif dan Inaktif", "active and inactive retention")
    raise JraFormatError(
        f"Baris judul kolom tidak ditemukan dalam {HEADER_SCAN_ROWS} baris pertama (perlu kolom 'Kode Klasifikasi' "
        "dan 'Jenis Arsip').",
        f"No header row found in the first {HEADER_SCAN_ROWS} rows (needs 'Kode Klasifikasi' and 'Jenis Arsip' "
        "columns).",
    )


def _format_error_missing(name_id: str, name_en: str) -> JraFormatError:
    return JraFormatError(f"Kolom {name_id} tidak ditemukan.", f"Column for {name_en} not found.")


def _header_text(value: object) -> str:
    """A header cell normalised for matching: lower case, single spaces, "(...)" and trailing ":"/"." dropped."""
    text = re.sub(r"\([^)]*\)", " ", _cell_text(value).lower())
    text = re.sub(r"\s*/\s*", "/", " ".join(text.split()))
    return text.rstrip(":. ").strip()


def _header_columns(cells: Sequence[object]) -> _Columns | None:
    """The columns named in one row, or None when it is not a header (no kode or no jenis cell)."""
    kode = jenis = None
    for index, value in enumerate(cells):
        text = _header_text(value)
        if kode is None and _KODE_RE.fullmatch(text):
            kode = index
        elif jenis is None and _JENIS_RE.fullmatch(text):
            jenis = index
    if kode is None or jenis is None:
        return None
    columns = _Columns(kode=kode, jenis=jenis)
    _add_sub_header(columns, cells)
    return columns


def _add_sub_header(columns: _Columns, cells: Sequence[object]) -> bool:
    """Fill the retention, disposition and notes columns found in ``cells``; True when any was found."""
    found = False
    for index, value in enumerate(cells):
        text = _header_text(value)
        for name, pattern in (
            ("aktif", _AKTIF_RE),
            ("inaktif", _INAKTIF_RE),
            ("nasib_akhir", _DISPOSITION_RE),
            ("keterangan", _KETERANGAN_RE),
            ("catatan", _CATATAN_RE),
        ):
            if getattr(columns, name) is None and pattern.fullmatch(text):
                setattr(columns, name, index)
                found = True
                break
    return found


def _parse_data_row(
    line: int,
    cells: Sequence[object],
    columns: _Columns,
    result: JraParseResult,
    seen: dict[tuple[str, str], int],
) -> None:
    """Add the row to ``result`` as a `JraRow`, as problems, or as a skipped heading."""
    code = _code_text(_cell(cells, columns.kode))
    record_type = _cell_text(_cell(cells, columns.jenis))
    # Period cells keep their inner spacing: RetentionPeriod.text is the cell as written.
    active_text = _cell_text(_cell(cells, columns.aktif), collapse=False)
    inactive_text = _cell_text(_cell(cells, columns.inaktif), collapse=False)
    disposition_text = _cell_text(_cell(cells, columns.disposition))
    if _is_heading(code, record_type, active_text, inactive_text, disposition_text, cells):
        result.headings += 1
        return
    problems: list[RowProblem] = []
    _check_code(line, code, problems)
    if not record_type:
        problems.append(RowProblem(line, "jenis", "", "Jenis arsip kosong.", "The record type (jenis arsip) is empty."))
    active = _period(line, "aktif", active_text, problems)
    inactive = _period(line, "inaktif", inactive_text, problems)
    disposition = _disposition(line, disposition_text, problems)
    if problems or active is None or inactive is None or disposition is None:
        result.problems.extend(problems)
        return
    key = (code, " ".join(record_type.casefold().split()))
    if key in seen:
        result.problems.append(
            RowProblem(
                line,
                None,
                f"{code} {record_type}",
                f"Baris duplikat: kode dan jenis arsip sama dengan baris {seen[key]}.",
                f"Duplicate row: same code and record type as line {seen[key]}.",
            )
        )
        return
    seen[key] = line
    notes = _cell_text(_cell(cells, columns.notes)) or None
    result.rows.append(JraRow(line, code, record_type, active, inactive, disposition[0], disposition[1], notes))


def _is_heading(
    code: str, record_type: str, active: str, inactive: str, disposition: str, cells: Sequence[object]
) -> bool:
    """Rows skipped on purpose, not errors.

    - no code and no retention: a blank row or a section heading ("A. KETATAUSAHAAN");
    - a code but nothing in any retention or disposition cell: a classification heading ("000.1 Ketatausahaan"),
      which Permendagri-style JRAs list above their entries;
    - the column-number row ("1 | 2 | 3 | 4 | 5") printed under many official tables;
    - the header (or its "Aktif | Inaktif" second row) repeated, as in tables pasted page by page from a PDF.
    """
    if not active and not inactive and (not code or not disposition):
        return True
    if _KODE_RE.fullmatch(_header_text(code)) or (
        not code and _AKTIF_RE.fullmatch(_header_text(active)) and _INAKTIF_RE.fullmatch(_header_text(inactive))
    ):
        return True
    numbers = [text for text in map(_cell_text, cells) if text]
    return len(numbers) >= 3 and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _check_code(line: int, code: str, problems: list[RowProblem]) -> None:
    if not code:
        problems.append(RowProblem(line, "kode", "", "Kode klasifikasi kosong.", "The classification code is empty."))
    elif not _CODE_RE.fullmatch(code):
        problems.append(
            RowProblem(
                line,
                "kode",
                code,
                "Kode klasifikasi tidak sah: tiga digit, lalu hingga tiga tingkat angka dipisah titik "
                "(mis. 000.5.6.2).",
                "Invalid classification code: three digits, then up to three dot-separated numeric levels "
                "(e.g. 000.5.6.2).",
            )
        )


def _period(line: int, column: str, text: str, problems: list[RowProblem]) -> RetentionPeriod | None:
    try:
        return parse_period(text)
    except PeriodParseError as exc:
        problems.append(RowProblem(line, column, text, exc.message_id, exc.message_en))
        return None


def _disposition(line: int, text: str, problems: list[RowProblem]) -> tuple[FinalDisposition, str | None] | None:
    try:
        return parse_disposition(text)
    except DispositionParseError as exc:
        problems.append(RowProblem(line, "keterangan", text, exc.message_id, exc.message_en))
        return None


def _cell(cells: Sequence[object], index: int | None) -> object:
    return cells[index] if index is not None and index < len(cells) else None


def _cell_text(value: object, collapse: bool = True) -> str:
    """Any cell value as stripped text (inner whitespace and line breaks collapsed unless ``collapse`` is False);
    numbers without a spurious ".0" (Excel stores 2 as 2.0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return " ".join(str(value).split()) if collapse else str(value).strip()


def _code_text(value: object) -> str:
    """A classification code cell as text, undoing what Excel does to codes typed as numbers.

    100 (int) → "100"; 400.1 (float) → "400.1"; 0 → "000" and 5.3 → "005.3", since the top level always has
    three digits and Excel drops leading zeros. A trailing zero Excel dropped (500.10 → 500.1) cannot be
    recovered; such a code reads as its shorter sibling, so JRAs should store codes as text.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _cell_text(value)
    text = _cell_text(value)
    top, dot, rest = text.partition(".")
    return f"{top.zfill(3)}{dot}{rest}" if top.isdigit() else text


# --------------------------------------------------------------------------------------------------------------
# Bytes → rows


def read_jra(stream: BinaryIO, filename: str = "") -> JraParseResult:
    """Parse a JRA from an XLSX or CSV byte stream (type detected from the content, not the name).

    ``filename`` is used only to make error messages helpful. Raises `JraFormatError` for unreadable files.
    """
    head, stream = _peek(stream, 8)
    if head.startswith(_XLSX_MAGIC):
        return _read_xlsx(stream, filename)
    if head.startswith(_OLE_MAGIC):
        raise JraFormatError(
            f"Format Excel lama (.xls) tidak didukung{_named(filename)}; simpan sebagai .xlsx atau .csv.",
            f"Legacy Excel (.xls) is not supported{_named(filename)}; save as .xlsx or .csv.",
        )
    return parse_jra_rows(_csv_rows(stream, head, filename))


def _named(filename: str) -> str:
    return f" ({filename})" if filename else ""


def _peek(stream: BinaryIO, size: int) -> tuple[bytes, BinaryIO]:
    """The first bytes of the stream, and a stream that still starts at the beginning."""
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        position = stream.tell()
        head = stream.read(size)
        stream.seek(position)
        return head, stream
    head = b""
    while len(head) < size and (chunk := stream.read(size - len(head))):
        head += chunk
    return head, typing.cast(BinaryIO, io.BufferedReader(_Prepended(head, stream)))


class _Prepended(io.RawIOBase):
    """An unseekable stream with the bytes already read from it put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: typing.Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._head[: len(view)] if self._head else self._rest.read(len(view))
        self._head = self._head[len(data) :]
        view[: len(data)] = data
        return len(data)


def _read_xlsx(stream: BinaryIO, filename: str) -> JraParseResult:
    """Stream the first worksheet with openpyxl's read-only mode (rows are parsed from the zip as iterated)."""
    import openpyxl  # here, so importing the package stays light for code that never reads spreadsheets

    if not stream.seekable():  # a zip needs random access; only an unseekable upload is copied into memory
        stream = io.BytesIO(stream.read())
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (zip, XML, KeyError) for a corrupt or non-xlsx zip
        raise _unreadable(filename) from exc
    try:
        if not workbook.worksheets:
            raise JraFormatError("Berkas tidak berisi lembar kerja.", "The workbook has no worksheet.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # stored dimensions are often wrong in generated files; read what is there
        return parse_jra_rows(_xlsx_rows(sheet, filename))
    finally:
        workbook.close()


def _xlsx_rows(sheet: typing.Any, filename: str) -> Iterator[tuple[int, Sequence[object]]]:
    """Numbered rows of a read-only sheet; errors while streaming a damaged sheet become `JraFormatError`."""
    try:
        # min_row=1 makes openpyxl yield the empty leading rows too, so the numbers match the spreadsheet.
        yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    except Exception as exc:  # only openpyxl's own iteration runs inside this try
        raise _unreadable(filename) from exc


def _unreadable(filename: str) -> JraFormatError:
    return JraFormatError(
        f"Berkas{_named(filename)} tidak dapat dibaca sebagai XLSX atau CSV (rusak atau jenis lain).",
        f"File{_named(filename)} cannot be read as XLSX or CSV (corrupt or another type).",
    )


def _csv_rows(stream: BinaryIO, head: bytes, filename: str) -> Iterator[tuple[int, Sequence[object]]]:
    """Numbered CSV records; the delimiter is the one under which the header row is found."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text" export
        # A codecs reader, not io.TextIOWrapper: that would close the caller's stream when garbage-collected.
        lines: Iterator[str] = iter(codecs.getreader("utf-16")(stream))
    else:
        lines = _decoded_lines(stream)
    sample = [line for _, line in zip(range(_CSV_SAMPLE_LINES), lines, strict=False)]
    delimiter = _sniff_delimiter(sample)
    records = csv.reader(_chain_lines(sample, lines), delimiter=delimiter)
    try:
        yield from enumerate(records, start=1)
    except csv.Error as exc:
        raise _unreadable(filename) from exc


def _chain_lines(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _sniff_delimiter(sample: list[str]) -> str:
    """Pick ``;``, ``,`` or tab: the one under which a header row appears (``,`` when none does; the header
    search then reports the missing header)."""
    for delimiter in _CSV_DELIMITERS:
        try:
            records = list(csv.reader(sample, delimiter=delimiter))
        except csv.Error:
            continue
        if any(_header_columns(record) is not None for record in records[:HEADER_SCAN_ROWS]):
            return delimiter
    return ","


def _decoded_lines(stream: BinaryIO) -> Iterator[str]:
    """Decode line by line: UTF-8 (BOM dropped) until a line is not UTF-8, then cp1252, then latin-1.

    Why per line: a CSV saved by an Indonesian Excel is usually cp1252, but its first non-ASCII byte may be
    thousands of lines in; switching at that line decodes the file correctly without reading it twice (every
    earlier line was ASCII, which all three encodings read alike).
    """
    encodings = ["utf-8", "cp1252", "latin-1"]
    first = True
    for raw in stream:
        if first:
            raw = raw.removeprefix(codecs.BOM_UTF8)
            first = False
        while True:
            try:
                yield raw.decode(encodings[0])
                break
            except UnicodeDecodeError:
                encodings.pop(0)  # latin-1 decodes every byte, so the list never runs out
