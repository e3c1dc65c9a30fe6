"""Word 97-2003 (``.doc``) and Excel 97-2003 (``.xls``): text from the binary formats, in pure Python.

Both are accepted uploads (``DEFAULT_ALLOWED_MIME_TYPES``), and Indonesian offices still produce them, so their
text must be searchable like any other file's. No library in the project reads them, and the usual programs
(antiword, catdoc) are not on every machine, so the three small readers live here, written from Microsoft's
published specifications:

- `CompoundFile` reads the container both formats share ([MS-CFB]: a FAT file system in a file).
- `extract_doc` reads a Word document's piece table ([MS-DOC] 2.4.1 "Retrieving Text"): the text of every story
  (body, footnotes, headers, text boxes), with field instructions (``HYPERLINK "…"``) left out and their results
  kept.
- `extract_xls` reads a BIFF8 workbook ([MS-XLS]): the shared-string table (strings cut across CONTINUE records
  included) and the cells with text, numbers, booleans and the cached results of formulas; one page per sheet.

Hostile files: every sector chain is checked for loops and bounds, sizes are checked against the file, the
whole file is read at most once (``MAX_FILE_BYTES``) and spreadsheets stop at ``office.MAX_CELLS`` cells. An
encrypted file fails with ``encrypted``; a structure that does not add up fails with ``corrupt``; Word 6/95 and
Excel 5/95 files (older formats with other layouts) are ``unsupported``, as before.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from .model import Extraction, ExtractionFailed
from .text import clean_text

MAX_FILE_BYTES = 512 * 1024**2
CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_FREE, _END_OF_CHAIN, _FAT_SECTOR, _DIFAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
_NO_STREAM = 0xFFFFFFFF


def _corrupt(message: str) -> ExtractionFailed:
    return ExtractionFailed("corrupt", message)


# -- the compound file ([MS-CFB]) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    left: int
    right: int
    child: int
    start: int
    size: int


class CompoundFile:
    """The streams of an OLE2 compound file, read from memory with every chain and size checked."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != CFB_SIGNATURE:
            raise _corrupt("not an OLE2 compound file")
        self.data = data
        major, _order, sector_shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        if major not in (3, 4) or sector_shift not in (9, 12) or mini_shift != 6:
            raise _corrupt(f"unknown compound file version {major} (sector shift {sector_shift})")
        self.sector_size = 1 << sector_shift
        self.mini_size = 1 << mini_shift
        (num_fat, first_dir, _txn, self.mini_cutoff, first_minifat, num_minifat, first_difat, num_difat) = (
            struct.unpack_from("<IIIIIIII", data, 0x2C)
        )
        self.sectors = -(-(len(data) - self.sector_size) // self.sector_size)  # a short last sector still counts
        self.fat = self._read_fat(num_fat, first_difat, num_difat)
        self.entries = self._read_directory(first_dir)
        if not self.entries or self.entries[0].kind != 5:
            raise _corrupt("the compound file has no root entry")
        root = self.entries[0]
        self.minifat: list[int] = []
        if num_minifat and first_minifat < _DIFAT_SECTOR:
            raw = self._chain_bytes(first_minifat)
            self.minifat = list(struct.unpack_from(f"<{len(raw) // 4}I", raw))
        self.mini_stream = self._chain_bytes(root.start, root.size) if root.start < _DIFAT_SECTOR else b""

    def _sector(self, number: int) -> bytes:
        if number >= self.sectors:
            raise _corrupt(f"sector {number} lies beyond the end of the file")
        offset = (number + 1) * self.sector_size
        return self.data[offset : offset + self.sector_size]

    def _read_fat(self, num_fat: int, first_difat: int, num_difat: int) -> list[int]:
        per_sector = self.sector_size // 4
        locations = [n for n in struct.unpack_from("<109I", self.data, 0x4C) if n < _DIFAT_SECTOR]
        sector, seen = first_difat, set()
        while sector < _DIFAT_SECTOR and len(seen) <= num_difat:
            if sector in seen:
                raise _corrupt("the DIFAT chain loops")
            seen.add(sector)
            values = struct.unpack_from(f"<{per_sector}I", self._sector(sector))
            locations.extend(n for n in values[:-1] if n < _DIFAT_SECTOR)
            sector = values[-1]
        if len(locations) > self.sectors:
            raise _corrupt("more FAT sectors than sectors")
        fat: list[int] = []
        for number in locations[: max(num_fat, 0) or len(locations)]:
            fat.extend(struct.unpack_from(f"<{per_sector}I", self._sector(number)))
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector not in (_END_OF_CHAIN, _FREE):
            if sector >= len(table) or sector in seen:
                raise _corrupt("a sector chain loops or leaves the allocation table")
            seen.add(sector)
            chain.append(sector)
            sector = table[sector]
        return chain

    def _chain_bytes(self, start: int, size: int | None = None) -> bytes:
        data = b"".join(self._sector(n) for n in self._chain(start, self.fat))
        if size is not None:
            if size > len(data):
                raise _corrupt("a stream is longer than its sectors")
            data = data[:size]
        return data

    def _read_directory(self, first: int) -> list[_Entry]:
        raw = self._chain_bytes(first)
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            name_len = struct.unpack_from("<H", raw, offset + 64)[0]
            name = raw[offset : offset + min(max(name_len - 2, 0), 64)].decode("utf-16-le", "replace")
            kind = raw[offset + 66]
            left, right, child = struct.unpack_from("<III", raw, offset + 68)
            start = struct.unpack_from("<I", raw, offset + 116)[0]
            size = struct.unpack_from("<Q", raw, offset + 120)[0]
            if self.sector_size == 512:
                size &= 0xFFFFFFFF  # version 3 files may leave garbage in the high half
            entries.append(_Entry(name, kind, left, right, child, start, size))
        return entries

    def root_streams(self) -> dict[str, int]:
        """Names of the streams directly under the root (not those of embedded objects), to entry numbers."""
        found: dict[str, int] = {}
        stack, seen = [self.entries[0].child], set()
        while stack:
            number = stack.pop()
            if number == _NO_STREAM or number >= len(self.entries) or number in seen:
                continue
            seen.add(number)
            entry = self.entries[number]
            if entry.kind == 2:
                found.setdefault(entry.name, number)
            stack.extend((entry.left, entry.right))
        return found

    def read(self, name: str) -> bytes | None:
        number = self.root_streams().get(name)
        if number is None:
            return None
        entry = self.entries[number]
        if entry.size > len(self.data):
            raise _corrupt(f"stream {name!r} claims {entry.size} bytes, more than the file")
        if entry.size >= self.mini_cutoff:
            return self._chain_bytes(entry.start, entry.size)
        data = b"".join(
            self.mini_stream[n * self.mini_size : (n + 1) * self.mini_size]
            for n in self._chain(entry.start, self.minifat)
        )
        if entry.size > len(data):
            raise _corrupt(f"stream {name!r} is longer than its mini sectors")
        return data[: entry.size]


def _open(path: Path) -> CompoundFile:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ExtractionFailed("memory", f"the file is larger than {MAX_FILE_BYTES} bytes")
    return CompoundFile(path.read_bytes())


# -- Word 97-2003 ([MS-DOC]) -------------------------------------------------------------------------------------

_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_DOC_CONTROLS = str.maketrans({"\r": "\n", "\x07": "\t", "\x0b": "\n", "\x0c": "\n", "\x1e": "-", "\x1f": ""})


def extract_doc(path: Path) -> Extraction:
    """The text of a Word 97-2003 document: all its stories, in the order the piece table holds them."""
    cfb = _open(path)
    word = cfb.read("WordDocument")
    if word is None or len(word) < 0x1AA:
        raise _corrupt("no WordDocument stream")
    ident, nfib = struct.unpack_from("<HH", word, 0)
    if ident != 0xA5EC:
        raise _corrupt("the WordDocument stream does not start with a Word FIB")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:
        raise ExtractionFailed("encrypted", "the document is encrypted (it needs a password)")
    if nfib < 0x00C1 or struct.unpack_from("<H", word, 0x20)[0] < 14:
        return Extraction(pages=[], method="unsupported")  # Word 6/95: another FIB layout
    table = cfb.read("1Table" if flags & 0x0200 else "0Table")
    if table is None:
        raise _corrupt("the table stream is missing")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    if lcb_clx == 0 or fc_clx + lcb_clx > len(table):
        raise _corrupt("the piece table lies outside the table stream")
    text = "".join(_pieces(word, table[fc_clx : fc_clx + lcb_clx]))
    return Extraction(pages=[clean_text(_without_field_codes(text).translate(_DOC_CONTROLS))], method="doc")


def _pieces(word: bytes, clx: bytes) -> list[str]:
    """The text of each piece of the piece table (Clx: Prc records, then one Pcdt)."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: formatting, skipped
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise _corrupt("no piece table (Pcdt) in the Clx")
    size = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + size]
    count = (len(plc) - 4) // 12
    if count < 1 or len(plc) != count * 12 + 4:
        raise _corrupt("the piece table has a bad size")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    out = []
    for index in range(count):
        chars = cps[index + 1] - cps[index]
        if chars < 0 or chars > len(word):
            raise _corrupt("the piece table's character positions are not ascending")
        fc_raw = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)[0]
        if fc_raw & 0x40000000:  # compressed: one byte per character, Windows-1252
            start = (fc_raw & 0x3FFFFFFF) // 2
            piece = word[start : start + chars]
            text = piece.decode("cp1252", "replace")
        else:
            start = fc_raw & 0x3FFFFFFF
            piece = word[start : start + 2 * chars]
            text = piece.decode("utf-16-le", "replace")
        if len(piece) < (chars if fc_raw & 0x40000000 else 2 * chars):
            raise _corrupt("a piece of text lies beyond the end of the WordDocument stream")
        out.append(text)
    return out


def _without_field_codes(text: str) -> str:
    """Drop field instructions (between field begin and separator), keep field results; fields nest."""
    if _FIELD_BEGIN not in text:
        return text
    out: list[str] = []
    stack: list[bool] = []  # per open field: True while in its instruction part
    for char in text:
        if char == _FIELD_BEGIN:
            stack.append(True)
        elif char == _FIELD_SEPARATOR and stack:
            stack[-1] = False
        elif char == _FIELD_END and stack:
            stack.pop()
        elif not (stack and stack[-1]):
            out.append(char)
    return "".join(out)


# -- Excel 97-2003 ([MS-XLS], BIFF8) --------------------------------------------------------------------------------

_BOF, _EOF, _CONTINUE, _FILEPASS, _BOUNDSHEET, _SST = 0x0809, 0x000A, 0x003C, 0x002F, 0x0085, 0x00FC
_LABELSST, _LABEL, _RSTRING, _NUMBER, _RK, _MULRK = 0x00FD, 0x0204, 0x00D6, 0x0203, 0x027E, 0x00BD
_FORMULA, _STRING, _BOOLERR = 0x0006, 0x0207, 0x0205
_WORKSHEET = 0x0010


def _records(stream: bytes) -> list[tuple[int, int, bytes]]:
    """(offset, type, data) of every record of a BIFF stream."""
    out = []
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + size > len(stream):
            break  # a truncated last record: keep what came before
        out.append((pos, kind, stream[pos + 4 : pos + 4 + size]))
        pos += 4 + size
    return out


class _Segments:
    """Bytes of one record and its CONTINUE records, read as one, except that characters of a string that crosses
    into a CONTINUE record start there with a fresh option byte (one or two bytes per character)."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.part = 0
        self.pos = 0

    def _room(self) -> int:
        while self.part < len(self.parts) and self.pos >= len(self.parts[self.part]):
            self.part += 1
            self.pos = 0
        if self.part >= len(self.parts):
            raise _corrupt("a string runs past the end of the shared-string table")
        return len(self.parts[self.part]) - self.pos

    def take(self, count: int) -> bytes:
        out = bytearray()
        while count > 0:
            n = min(count, self._room())
            out += self.parts[self.part][self.pos : self.pos + n]
            self.pos += n
            count -= n
        return bytes(out)

    def skip(self, count: int) -> None:
        while count > 0:
            n = min(count, self._room())
            self.pos += n
            count -= n

    def chars(self, count: int, wide: bool) -> str:
        out = []
        while count > 0:
            if self.part < len(self.parts) and self.pos >= len(self.parts[self.part]):
                # the characters go on in the next (CONTINUE) record, which starts with its own option byte
                self.part += 1
                if self.part >= len(self.parts) or not self.parts[self.part]:
                    raise _corrupt("a string runs past the end of the shared-string table")
                wide, self.pos = bool(self.parts[self.part][0] & 0x01), 1
            width = 2 if wide else 1
            n = min(count, (len(self.parts[self.part]) - self.pos) // width)
            if n <= 0:
                raise _corrupt("a character is cut in two between records")
            raw = self.parts[self.part][self.pos : self.pos + n * width]
            self.pos += n * width
            out.append(raw.decode("utf-16-le" if wide else "latin-1", "replace"))
            count -= n
        return "".join(out)

    @property
    def done(self) -> bool:
        return self.part >= len(self.parts) or (
            self.part == len(self.parts) - 1 and self.pos >= len(self.parts[self.part])
        )


def _unicode_string(data: bytes, pos: int, length_bytes: int = 2) -> str:
    """An XLUnicodeString (cch, options, characters) inside one record."""
    (count,) = struct.unpack_from("<H" if length_bytes == 2 else "<B", data, pos)
    options = data[pos + length_bytes]
    start = pos + length_bytes + 1
    if options & 0x01:
        return data[start : start + 2 * count].decode("utf-16-le", "replace")
    return data[start : start + count].decode("latin-1", "replace")


def _shared_strings(parts: list[bytes], limit: int) -> list[str]:
    reader = _Segments(parts)
    reader.skip(8)  # cstTotal, cstUnique: counts a hostile file may lie about
    strings: list[str] = []
    while not reader.done and len(strings) < limit:
        count = struct.unpack("<H", reader.take(2))[0]
        options = reader.take(1)[0]
        runs = struct.unpack("<H", reader.take(2))[0] if options & 0x08 else 0
        ext = struct.unpack("<i", reader.take(4))[0] if options & 0x04 else 0
        strings.append(reader.chars(count, bool(options & 0x01)) if count else "")
        reader.skip(4 * runs + max(ext, 0))
    return strings


def _rk(value: int) -> float | int:
    if value & 0x02:
        number: float | int = value >> 2 if not value & 0x80000000 else (value >> 2) - (1 << 30)
    else:
        number = struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    if value & 0x01:
        number = number / 100
    return number


def extract_xls(path: Path, max_cells: int | None = None) -> Extraction:
    """One page per worksheet of a BIFF8 workbook: its name, then one line per row with cells tab-separated."""
    from . import office

    cfb = _open(path)
    stream = cfb.read("Workbook")
    if stream is None:
        if cfb.read("Book") is not None:
            return Extraction(pages=[], method="unsupported")  # Excel 5/95 (BIFF5)
        raise _corrupt("no Workbook stream")
    records = _records(stream)
    if not records or records[0][1] != _BOF or struct.unpack_from("<H", records[0][2], 0)[0] != 0x0600:
        return Extraction(pages=[], method="unsupported")  # not BIFF8
    budget = office.MAX_CELLS if max_cells is None else max_cells
    sheet_names: dict[int, str] = {}
    strings: list[str] = []
    sheets: list[tuple[str, dict[tuple[int, int], str]]] = []
    cells: dict[tuple[int, int], str] | None = None
    depth = 0
    index = 0
    pending_formula: tuple[int, int] | None = None
    while index < len(records):
        offset, kind, data = records[index]
        index += 1
        if kind == _BOF:
            depth += 1
            if depth == 1 and len(data) >= 4 and struct.unpack_from("<H", data, 2)[0] == _WORKSHEET:
                cells = {}
                sheets.append((sheet_names.get(offset, f"Sheet{len(sheets) + 1}"), cells))
            continue
        if kind == _EOF:
            depth = max(0, depth - 1)
            if depth == 0:
                cells = None
            continue
        if kind == _FILEPASS:
            raise ExtractionFailed("encrypted", "the workbook is encrypted (it needs a password)")
        if kind == _BOUNDSHEET and len(data) >= 8:
            sheet_names[struct.unpack_from("<I", data, 0)[0]] = _unicode_string(data, 6, length_bytes=1)
        elif kind == _SST:
            parts = [data[8:]]
            while index < len(records) and records[index][1] == _CONTINUE:
                parts.append(records[index][2])
                index += 1
            strings = _shared_strings([data[:8], *parts], limit=budget)
        elif cells is not None and depth == 1 and budget > 0:
            budget -= _read_cell(kind, data, cells, strings)
            if kind == _FORMULA and len(data) >= 14 and data[12:14] == b"\xff\xff" and data[6] == 0:
                pending_formula = struct.unpack_from("<HH", data, 0)
            elif kind == _STRING and pending_formula is not None:
                cells[pending_formula] = _unicode_string(data, 0)
                pending_formula = None
    pages = []
    for name, sheet in sheets:
        rows: dict[int, dict[int, str]] = {}
        for (row, col), value in sheet.items():
            if value:
                rows.setdefault(row, {})[col] = value
        lines = [name]
        for row in sorted(rows):
            line = rows[row]
            lines.append("\t".join(line[col] for col in sorted(line)))  # empty columns are no words
        pages.append(clean_text("\n".join(lines)))
    return Extraction(pages=pages, method="xls")


def _read_cell(kind: int, data: bytes, cells: dict[tuple[int, int], str], strings: list[str]) -> int:
    """Put the value of one cell record into ``cells``; return how many cells it held."""
    from .office import _cell_text

    if len(data) < 6:
        return 0
    row, col = struct.unpack_from("<HH", data, 0)
    if kind == _LABELSST and len(data) >= 10:
        number = struct.unpack_from("<I", data, 6)[0]
        cells[(row, col)] = " ".join(strings[number].split()) if number < len(strings) else ""
    elif kind in (_LABEL, _RSTRING) and len(data) >= 9:
        cells[(row, col)] = " ".join(_unicode_string(data, 6).split())
    elif kind == _NUMBER and len(data) >= 14:
        cells[(row, col)] = _cell_text(struct.unpack_from("<d", data, 6)[0])
    elif kind == _RK and len(data) >= 10:
        cells[(row, col)] = _cell_text(_rk(struct.unpack_from("<I", data, 6)[0]))
    elif kind == _MULRK and len(data) >= 12:
        count = (len(data) - 6) // 6
        for i in range(count):
            cells[(row, col + i)] = _cell_text(_rk(struct.unpack_from("<I", data, 4 + 6 * i + 2)[0]))
        return count
    elif kind == _BOOLERR and len(data) >= 8:
        if data[7] == 0:
            cells[(row, col)] = "TRUE" if data[6] else "FALSE"
    elif kind == _FORMULA and len(data) >= 14:
        if data[12:14] != b"\xff\xff":
            cells[(row, col)] = _cell_text(struct.unpack_from("<d", data, 6)[0])
        elif data[6] == 1:
            cells[(row, col)] = "TRUE" if data[8] else "FALSE"
    else:
        return 0
    return 1
