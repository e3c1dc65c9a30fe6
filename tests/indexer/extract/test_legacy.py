"""Word and Excel 97-2003: the binary readers of ``indexer/extract/legacy.py`` (issue 16, item 3: every accepted
type is extracted). The files come from ``tests/support/legacy_office.py``, built from the specifications."""

from __future__ import annotations

import contextlib
import random
import struct
import time
from pathlib import Path

import pytest

from indexer.extract import ExtractionFailed, ExtractionPool, extract_file, office
from indexer.extract.legacy import CompoundFile
from indexer.mime import sniff_path
from tests.support.legacy_office import compound_file, doc_bytes, xls_bytes

DOC = "application/msword"
XLS = "application/vnd.ms-excel"


def _write(tmp_path: Path, data: bytes, name: str = "blob") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- Word ------------------------------------------------------------------------------------------------------


def test_doc_8bit_text_with_a_field(tmp_path: Path) -> None:
    paragraphs = [
        "Keputusan Bupati tentang gaharu",
        'Lihat \x13 HYPERLINK "https://jdih.example.go.id" \x14laman JDIH\x15.',
    ]
    path = _write(tmp_path, doc_bytes(paragraphs))
    assert sniff_path(path) == DOC
    result = extract_file(path, DOC)
    assert result.method == "doc"
    assert result.pages == ["Keputusan Bupati tentang gaharu\nLihat laman JDIH."]  # the instruction is not text


def test_doc_unicode_text(tmp_path: Path) -> None:
    result = extract_file(_write(tmp_path, doc_bytes(["Kabupatén Sléman — “arsip” €5", "Baris dua"], wide=True)), DOC)
    assert result.pages == ["Kabupatén Sléman — “arsip” €5\nBaris dua"]


def test_doc_cp1252_text(tmp_path: Path) -> None:
    result = extract_file(_write(tmp_path, doc_bytes(["Surat “resmi” – nomor 5"])), DOC)
    assert result.text == "Surat “resmi” – nomor 5"


def test_doc_encrypted(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as caught:
        extract_file(_write(tmp_path, doc_bytes(["rahasia"], encrypted=True)), DOC)
    assert caught.value.reason == "encrypted"


def test_doc_from_word_95_is_unsupported_not_failed(tmp_path: Path) -> None:
    data = bytearray(doc_bytes(["lama"]))
    cfb = CompoundFile(bytes(data))
    entry = cfb.entries[cfb.root_streams()["WordDocument"]]
    offset = (cfb._chain(entry.start, cfb.fat)[0] + 1) * cfb.sector_size
    struct.pack_into("<H", data, offset + 2, 0x0065)  # nFib of Word 6/95
    assert extract_file(_write(tmp_path, bytes(data)), DOC).method == "unsupported"


def test_sector_loop_is_corrupt_not_a_hang(tmp_path: Path) -> None:
    data = bytearray(doc_bytes(["putaran"]))
    cfb = CompoundFile(bytes(data))
    entry = cfb.entries[cfb.root_streams()["WordDocument"]]
    chain = cfb._chain(entry.start, cfb.fat)
    struct.pack_into("<I", data, 512 + 4 * chain[-1], chain[0])  # the FAT is sector 0 in these files
    started = time.monotonic()
    with pytest.raises(ExtractionFailed) as caught:
        extract_file(_write(tmp_path, bytes(data)), DOC)
    assert caught.value.reason == "corrupt" and time.monotonic() - started < 5


def test_truncated_compound_file_is_corrupt(tmp_path: Path, extraction_pool: ExtractionPool) -> None:
    data = doc_bytes(["terpotong"] * 50)
    with pytest.raises(ExtractionFailed) as caught:
        extraction_pool.extract(_write(tmp_path, data[: len(data) // 2]), DOC)
    assert caught.value.reason == "corrupt"


# ---- Excel -----------------------------------------------------------------------------------------------------


def test_xls_cells_sheets_and_formulas(tmp_path: Path) -> None:
    data = xls_bytes(
        {
            "Anggaran 2025": [["Uraian", "Jumlah"], ["Bibit halia", 1500], [2.5, True, ("=", "hasil rumus")]],
            "Rekap": [[1, 2, 3], ["Kabupatén Sléman €"]],
        }
    )
    path = _write(tmp_path, data)
    assert sniff_path(path) == XLS
    result = extract_file(path, XLS)
    assert result.method == "xls"
    assert result.pages == [
        "Anggaran 2025\nUraian\tJumlah\nBibit halia\t1500\n2.5\tTRUE\thasil rumus",
        "Rekap\n1\t2\t3\nKabupatén Sléman €",
    ]


@pytest.mark.parametrize("limit", [9, 10, 11, 13, 40])
def test_xls_shared_strings_across_continue_records(tmp_path: Path, limit: int) -> None:
    """Strings cut between records, 8-bit and UTF-16, at every offset the small record limits produce."""
    strings = ["awal", "Kabupatén", "€uro-wide ☃ text", "panjang " * 20, "akhir"]
    data = xls_bytes({"S": [[text] for text in strings]}, sst_record_limit=limit)
    result = extract_file(_write(tmp_path, data), XLS)
    assert result.pages[0].split("\n")[1:] == [" ".join(text.split()) for text in strings]


def test_xls_small_workbook_in_the_mini_stream(tmp_path: Path) -> None:
    data = xls_bytes({"S": [["kecil"]]})
    cfb = CompoundFile(data)
    assert cfb.entries[cfb.root_streams()["Workbook"]].size < cfb.mini_cutoff
    assert extract_file(_write(tmp_path, data), XLS).pages == ["S\nkecil"]


def test_xls_encrypted(tmp_path: Path) -> None:
    with pytest.raises(ExtractionFailed) as caught:
        extract_file(_write(tmp_path, xls_bytes({"S": [["rahasia"]]}, encrypted=True)), XLS)
    assert caught.value.reason == "encrypted"


def test_xls_from_excel_95_is_unsupported(tmp_path: Path) -> None:
    assert extract_file(_write(tmp_path, compound_file({"Book": b"\x09\x08" + b"\x00" * 5000})), XLS).method == (
        "unsupported"
    )


def test_xls_cell_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = xls_bytes({"S": [[f"baris{n}"] for n in range(1, 101)]})
    monkeypatch.setattr(office, "MAX_CELLS", 10)
    text = extract_file(_write(tmp_path, data), XLS).text
    assert "baris10" in text and "baris11" not in text


# ---- hostile bytes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mime", [DOC, XLS])
def test_mutated_files_end_quickly(tmp_path: Path, mime: str) -> None:
    """Hundreds of files with random bytes changed: each ends in well under a second, with text or a failure."""
    original = doc_bytes(["Surat mutasi"] * 30) if mime == DOC else xls_bytes({"S": [["sel", 1, 2.5]] * 30})
    rng = random.Random(16)
    path = tmp_path / "blob"
    for _ in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        started = time.monotonic()
        # the pool reports any of these as "corrupt"
        with contextlib.suppress(ExtractionFailed, ValueError, IndexError, struct.error, KeyError):
            extract_file(path, mime)
        assert time.monotonic() - started < 1.0
