"""Word 97-2003 (.doc) and Excel 97-2003 (.xls) files made on the spot, byte by byte from the specifications
([MS-CFB], [MS-DOC], [MS-XLS]), since no library the project uses writes them.

They are what the readers in ``indexer/extract/legacy.py`` must handle: a compound file with a mini stream (small
streams) and regular streams, a Word piece table with 8-bit and UTF-16 pieces and a field, an Excel workbook whose
shared strings cross CONTINUE records in the middle of a string. libmagic recognises them as the real thing
(``application/msword``, ``application/vnd.ms-excel``), which checks the container against an independent reader.
"""

from __future__ import annotations

import math
import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, start: int, size: int, right: int = NOSTREAM, child: int = NOSTREAM) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # created, modified
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file holding ``streams`` at its root (small ones in the mini stream)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # a valid (right-leaning) red-black tree order
    small = [n for n in names if len(streams[n]) < CUTOFF]
    big = [n for n in names if len(streams[n]) >= CUTOFF]
    mini_stream = bytearray()
    minifat: list[int] = []
    mini_start: dict[str, int] = {}
    for name in small:
        data = streams[name]
        count = max(1, math.ceil(len(data) / MINI)) if data else 0
        mini_start[name] = len(minifat) if count else END
        first = len(minifat)
        minifat.extend([*range(first + 1, first + count), END] if count else [])
        mini_stream += data.ljust(count * MINI, b"\x00")
    dir_sectors = math.ceil((len(names) + 1) * 128 / SECTOR)
    minifat_sectors = math.ceil(len(minifat) * 4 / SECTOR)
    ministream_sectors = math.ceil(len(mini_stream) / SECTOR)
    big_sectors = {name: math.ceil(len(streams[name]) / SECTOR) for name in big}
    others = dir_sectors + minifat_sectors + ministream_sectors + sum(big_sectors.values())
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + others:
        fat_sectors += 1
    assert fat_sectors <= 109
    fat: list[int] = [FATSECT] * fat_sectors
    layout: dict[str, int] = {}

    def chain(label: str, count: int) -> None:
        layout[label] = len(fat) if count else END
        start = len(fat)
        fat.extend([*range(start + 1, start + count), END] if count else [])

    chain("<dir>", dir_sectors)
    chain("<minifat>", minifat_sectors)
    chain("<ministream>", ministream_sectors)
    for name in big:
        chain(name, big_sectors[name])
    fat.extend([FREE] * (fat_sectors * (SECTOR // 4) - len(fat)))

    entries = [_entry("Root Entry", 5, layout["<ministream>"], len(mini_stream), child=1 if names else NOSTREAM)]
    for i, name in enumerate(names, start=1):
        start = layout[name] if name in big else mini_start[name]
        entries.append(_entry(name, 2, start, len(streams[name]), right=i + 1 if i < len(names) else NOSTREAM))
    unused = b"\x00" * 68 + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * 48
    directory = b"".join(entries) + unused * (dir_sectors * SECTOR // 128 - len(entries))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack(
            "<IIIIIIIII", 0, fat_sectors, layout["<dir>"], 0, CUTOFF, layout["<minifat>"], minifat_sectors, END, 0
        )
        + struct.pack("<109I", *(list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)))
    )
    assert len(header) == SECTOR
    body = (
        struct.pack(f"<{len(fat)}I", *fat)
        + directory
        + struct.pack(f"<{len(minifat)}I", *minifat).ljust(minifat_sectors * SECTOR, b"\xff")
        + bytes(mini_stream).ljust(ministream_sectors * SECTOR, b"\x00")
        + b"".join(streams[name].ljust(big_sectors[name] * SECTOR, b"\x00") for name in big)
    )
    return header + body


# -- Word 97-2003 --------------------------------------------------------------------------------------------------


def doc_bytes(paragraphs: list[str], *, wide: bool = False, encrypted: bool = False) -> bytes:
    """A Word 97 document with ``paragraphs`` as its body, in one 8-bit (Windows-1252) or UTF-16 piece.

    A paragraph may hold a field: ``\\x13 instruction \\x14 result \\x15``."""
    text = "".join(p + "\r" for p in paragraphs)
    fib = bytearray(0x400)
    flags = 0x0200 | (0x0100 if encrypted else 0)  # fWhichTblStm: the table stream is "1Table"
    struct.pack_into("<HHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0421)
    struct.pack_into("<H", fib, 0x0A, flags)
    struct.pack_into("<H", fib, 0x20, 14)  # csw
    struct.pack_into("<H", fib, 0x3E, 22)  # cslw
    struct.pack_into("<I", fib, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", fib, 0x98, 0x5D)  # cbRgFcLcb (Word 97)
    if wide:
        encoded, fc = text.encode("utf-16-le"), 0x400
    else:
        encoded, fc = text.encode("cp1252"), (0x400 * 2) | 0x40000000
    pcdt = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, fc, 0)
    clx = b"\x01" + struct.pack("<h", 2) + b"\x00\x00" + b"\x02" + struct.pack("<I", len(pcdt)) + pcdt  # Prc, Pcdt
    struct.pack_into("<II", fib, 0x01A2, 0, len(clx))  # fcClx, lcbClx
    word = bytes(fib) + encoded
    return compound_file({"WordDocument": word.ljust(CUTOFF + 100, b"\x00"), "1Table": clx})


# -- Excel 97-2003 ---------------------------------------------------------------------------------------------------


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0006))


def _short_string(text: str) -> bytes:
    wide = any(ord(c) > 0xFF for c in text)
    return struct.pack("<BB", len(text), int(wide)) + text.encode("utf-16-le" if wide else "latin-1")


def _unicode_string(text: str) -> bytes:
    wide = any(ord(c) > 0xFF for c in text)
    return struct.pack("<HB", len(text), int(wide)) + text.encode("utf-16-le" if wide else "latin-1")


def _sst(strings: list[str], limit: int) -> bytes:
    """SST and CONTINUE records of at most ``limit`` data bytes each; a string's characters may be cut, and the
    CONTINUE record then starts with the option byte again."""
    records: list[bytearray] = [bytearray(struct.pack("<II", len(strings), len(strings)))]

    def room() -> int:
        return limit - len(records[-1])

    for text in strings:
        wide = any(ord(c) > 0xFF for c in text)
        head = struct.pack("<HB", len(text), int(wide))
        if room() < len(head) + (2 if wide else 1):
            records.append(bytearray())
        records[-1] += head
        for char in text:
            encoded = char.encode("utf-16-le" if wide else "latin-1")
            if room() < len(encoded):
                records.append(bytearray(bytes([int(wide)])))
            records[-1] += encoded
    return _record(0x00FC, bytes(records[0])) + b"".join(_record(0x003C, bytes(r)) for r in records[1:])


def xls_bytes(sheets: dict[str, list[list[object]]], *, sst_record_limit: int = 8224, encrypted: bool = False) -> bytes:
    """A BIFF8 workbook. Cell values: ``str`` (shared strings), ``int`` (RK, and MULRK for a row of ints),
    ``float`` (NUMBER), ``bool`` (BOOLERR), ``("=", "text")`` (a formula whose cached result is a string)."""
    strings: list[str] = []
    index: dict[str, int] = {}
    for rows in sheets.values():
        for row in rows:
            for value in row:
                if isinstance(value, str) and value not in index:
                    index[value] = len(strings)
                    strings.append(value)
    bodies = []
    for rows in sheets.values():
        cells = bytearray()
        for r, row in enumerate(rows):
            if row and all(isinstance(v, int) and not isinstance(v, bool) for v in row) and len(row) > 1:
                rks = b"".join(struct.pack("<HI", 15, (v << 2) | 0x02) for v in row)
                cells += _record(0x00BD, struct.pack("<HH", r, 0) + rks + struct.pack("<H", len(row) - 1))
                continue
            for c, value in enumerate(row):
                head = struct.pack("<HHH", r, c, 15)
                if isinstance(value, bool):
                    cells += _record(0x0205, head + struct.pack("<BB", int(value), 0))
                elif isinstance(value, int):
                    cells += _record(0x027E, head + struct.pack("<I", (value << 2) | 0x02))
                elif isinstance(value, float):
                    cells += _record(0x0203, head + struct.pack("<d", value))
                elif isinstance(value, tuple):
                    cells += _record(0x0006, head + b"\x00" * 6 + b"\xff\xff" + b"\x00" * 6 + b"\x03\x00\x1e\x01\x00")
                    cells += _record(0x0207, _unicode_string(value[1]))
                elif isinstance(value, str):
                    cells += _record(0x00FD, head + struct.pack("<I", index[value]))
        bodies.append(_bof(0x0010) + bytes(cells) + _record(0x000A, b""))
    names = list(sheets)

    def globals_part(offsets: list[int]) -> bytes:
        parts = [_bof(0x0005)]
        if encrypted:
            parts.append(_record(0x002F, b"\x01\x00" + b"\x00" * 52))
        parts += [
            _record(0x0085, struct.pack("<IBB", off, 0, 0) + _short_string(n))
            for off, n in zip(offsets, names, strict=True)
        ]
        parts += [_sst(strings, sst_record_limit), _record(0x000A, b"")]
        return b"".join(parts)

    start = len(globals_part([0] * len(names)))
    offsets = []
    for body in bodies:
        offsets.append(start)
        start += len(body)
    workbook = globals_part(offsets) + b"".join(bodies)
    return compound_file({"Workbook": workbook})
