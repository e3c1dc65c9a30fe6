"""Every accepted file type is extracted, by content (issue 16, item 3), and the XLSX bomb limits are reached.

Stored blobs are named by their hash, without an extension, and openpyxl refused such a path: every XLSX ended
``failed: corrupt`` and its text was never searchable. Here each accepted type is written for real, saved under
an extension-less name as the blob store does, sniffed, and extracted, in this process and through the worker
pool; the XLSX limits (package size, shared strings, cells) are each exceeded and fail (or stop) as they say.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest

from indexer.extract import SUPPORTED_TYPES, ExtractionFailed, ExtractionPool, extract_file, office
from indexer.mime import sniff_path
from tests.support.every_type import ACCEPTED, DOCX, XLSX, sample


def _blob(tmp_path: Path, data: bytes, name: str = "3f2a9c0e") -> Path:
    """Bytes saved as the local blob store saves them: under a hash-like name with no extension."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_every_accepted_type_has_an_extractor() -> None:
    assert set(ACCEPTED) <= SUPPORTED_TYPES, set(ACCEPTED) - SUPPORTED_TYPES


@pytest.mark.parametrize("mime", ACCEPTED)
def test_each_type_is_extracted_by_content(tmp_path: Path, mime: str) -> None:
    _name, data, word = sample(mime)
    path = _blob(tmp_path, data)
    assert sniff_path(path) == mime  # the sample is what it claims, to libmagic as to the upload check
    result = extract_file(path, mime)
    assert result.method != "unsupported" and not result.ocr_pending
    assert word.lower() in result.text.lower(), result.text[:300]


def test_every_type_through_the_worker_pool(tmp_path: Path, extraction_pool: ExtractionPool) -> None:
    """The way the indexer runs it: worker processes with time and memory limits, blobs without extensions."""
    items = []
    words = {}
    for index, mime in enumerate(ACCEPTED):
        _name, data, word = sample(mime)
        items.append((mime, _blob(tmp_path, data, f"blob{index}"), mime))
        words[mime] = word
    results = dict(extraction_pool.map_unordered(items))
    failed = {mime: result for mime, result in results.items() if isinstance(result, ExtractionFailed)}
    assert failed == {}
    for mime, result in results.items():
        assert words[mime].lower() in result.text.lower(), (mime, result.text[:200])


def test_plain_two_cell_xlsx(tmp_path: Path) -> None:
    """The case from the issue: the smallest spreadsheet there is."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"], workbook.active["B1"] = "Nomor", "Perihal"
    out = io.BytesIO()
    workbook.save(out)
    result = extract_file(_blob(tmp_path, out.getvalue()), XLSX)
    assert result.method == "xlsx" and "Nomor\tPerihal" in result.text


# ---- the XLSX (and OOXML) bomb limits -------------------------------------------------------------------------------


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """The package with ``member``'s uncompressed size in the central directory set to ``size``: a ZIP bomb as
    the extractor sees it before inflating anything (zipfile never inflates beyond the declared size)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46 : pos + 46 + name_len].decode() == member:
            struct.pack_into("<I", out, pos + 24, size)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"{member} not in the package")


def _xlsx_with_strings(count: int, part: str = "xl/sharedStrings.xml") -> bytes:
    """A workbook whose cells refer to a shared-string table, as Excel writes them (openpyxl writes its strings
    inline): openpyxl's package with the table added under ``part`` and declared in the content types."""
    from xml.sax.saxutils import escape

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    out = io.BytesIO()
    workbook.save(out)
    strings = [f"teks berbeda nomor {n} " + "x" * 40 for n in range(1, count + 1)]
    table = (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{n - 1}</v></c></row>' for n in range(1, count + 1))
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as src, zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "[Content_Types].xml":
                override = (
                    f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.sharedStrings+xml"/>'
                )
                content = content.replace(b"</Types>", override.encode() + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rel = (
                    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    f'sharedStrings" Target="/{part}" Id="rId9"/>'
                )
                content = content.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:A1"/>', f'<dimension ref="A1:A{count}"/>'.encode())
                start, end = content.index(b"<sheetData>"), content.index(b"</sheetData>")
                content = content[: start + 11] + rows.encode() + content[end:]
            dst.writestr(info.filename, content)
        dst.writestr(part, table)
    return package.getvalue()


def test_xlsx_bomb_by_package_size(tmp_path: Path, extraction_pool: ExtractionPool) -> None:
    data = _declare_size(sample(XLSX)[1], "xl/worksheets/sheet1.xml", office.MAX_PACKAGE_BYTES + 1)
    with zipfile.ZipFile(io.BytesIO(data)) as package:  # still a well-formed package, only "large"
        assert package.getinfo("xl/worksheets/sheet1.xml").file_size == office.MAX_PACKAGE_BYTES + 1
    with pytest.raises(ExtractionFailed) as caught:
        extraction_pool.extract(_blob(tmp_path, data), XLSX)
    assert caught.value.reason == "memory" and "ZIP bomb" in caught.value.message


def test_xlsx_bomb_by_shared_strings(tmp_path: Path, extraction_pool: ExtractionPool) -> None:
    data = _declare_size(_xlsx_with_strings(3), "xl/sharedStrings.xml", office.MAX_SHARED_STRINGS_BYTES + 1)
    with pytest.raises(ExtractionFailed) as caught:
        extraction_pool.extract(_blob(tmp_path, data), XLSX)
    assert caught.value.reason == "memory" and "shared strings" in caught.value.message


def test_xlsx_real_shared_strings_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A genuine workbook whose shared-string table is larger than the limit (lowered, to keep the file small),
    extracted in this process (``workers=0``) as the pool would."""
    data = _xlsx_with_strings(500)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        size = package.getinfo("xl/sharedStrings.xml").file_size
    path = _blob(tmp_path, data)
    assert "teks berbeda nomor 500" in extract_file(path, XLSX).text  # under the real limit: read
    monkeypatch.setattr(office, "MAX_SHARED_STRINGS_BYTES", size - 1)
    with ExtractionPool(workers=0) as pool, pytest.raises(ExtractionFailed) as caught:
        pool.extract(path, XLSX)
    assert caught.value.reason == "memory" and f"{size} bytes" in caught.value.message


def test_xlsx_shared_strings_under_another_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit follows [Content_Types].xml, not the usual part name."""
    data = _xlsx_with_strings(50, part="xl/teks.xml")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not any("sharedStrings" in name for name in package.namelist())
    path = _blob(tmp_path, data)
    assert "teks berbeda nomor 50" in extract_file(path, XLSX).text  # openpyxl follows the content types too
    monkeypatch.setattr(office, "MAX_SHARED_STRINGS_BYTES", 100)
    with pytest.raises(ExtractionFailed) as caught:
        extract_file(path, XLSX)
    assert caught.value.reason == "memory"


def test_xlsx_bomb_by_declared_cells(tmp_path: Path) -> None:
    """5 KB declaring 17 billion cells (a cell at XFD1048576): reading stops at the cell cap, quickly, with the
    text read so far, and is never reported as corrupt."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "awal"
    workbook.active["XFD1048576"] = "akhir"
    out = io.BytesIO()
    workbook.save(out)
    assert len(out.getvalue()) < 10_000
    started = time.monotonic()
    result = extract_file(_blob(tmp_path, out.getvalue()), XLSX)
    assert time.monotonic() - started < 30
    assert result.method == "xlsx" and "awal" in result.text and "akhir" not in result.text


def test_xlsx_cell_cap_is_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in range(1, 101):
        workbook.active.cell(row=row, column=1, value=f"baris{row}")
    out = io.BytesIO()
    workbook.save(out)
    monkeypatch.setattr(office, "MAX_CELLS", 10)
    text = extract_file(_blob(tmp_path, out.getvalue()), XLSX).text
    assert "baris10" in text and "baris11" not in text


def test_docx_bomb_by_package_size(tmp_path: Path, extraction_pool: ExtractionPool) -> None:
    data = _declare_size(sample(DOCX)[1], "word/document.xml", office.MAX_PACKAGE_BYTES + 1)
    with pytest.raises(ExtractionFailed) as caught:
        extraction_pool.extract(_blob(tmp_path, data), DOCX)
    assert caught.value.reason == "memory"


def test_package_with_too_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "MAX_PACKAGE_PARTS", 3)
    with pytest.raises(ExtractionFailed) as caught:
        extract_file(_blob(tmp_path, sample(XLSX)[1]), XLSX)
    assert caught.value.reason == "memory"


@pytest.mark.parametrize("mime", [XLSX, DOCX])
def test_not_a_package_is_corrupt(tmp_path: Path, mime: str) -> None:
    with pytest.raises(ExtractionFailed) as caught:
        extract_file(_blob(tmp_path, b"PK\x03\x04 bukan zip sama sekali"), mime)
    assert caught.value.reason == "corrupt"
