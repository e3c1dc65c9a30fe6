"""JRA import: the disposition column, header detection, CSV and XLSX files, and the per-line problem report."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from retention.disposition_text import DispositionParseError, parse_disposition
from retention.jra_import import JraFormatError, JraParseResult, parse_jra_rows, read_jra
from retention.periods import RetentionPeriod
from schemas.enums import FinalDisposition

MUSNAH, PERMANEN, DK = FinalDisposition.MUSNAH, FinalDisposition.PERMANEN, FinalDisposition.DINILAI_KEMBALI

HEADER = "Kode Klasifikasi;Jenis Arsip;Retensi Aktif;Retensi Inaktif;Keterangan"

# DOMAIN.md §8: 15 real rows of a Jawa Timur JRA and 2 illustrative ones.
SAMPLE_ROWS = [
    ("000.1.5", "Rapat Pimpinan: Notula/Risalah", "2 th", "4 th", "Musnah"),
    ("000.1.2.3", "Perjalanan Dinas Pegawai", "5 th", "3 th", "Musnah"),
    ("000.2.4", "Penghapusan Barang Milik Daerah", "3 th setelah dipertanggungjawabkan", "7 th", "Permanen"),
    ("000.3.2", "Pengadaan Langsung", "2 th", "3 th", "Musnah"),
    ("000.5.3.2", "Pemberkasan Arsip Aktif", "2 th", "3 th", "Musnah"),
    ("000.5.6.1", "Pemindahan Arsip", "1 th", "1 th", "Musnah"),
    ("000.5.6.2", "Pemusnahan Arsip", "1 th", "1 th", "Permanen"),
    ("000.5.6.3", "Penyerahan Arsip Statis", "1 th", "1 th", "Permanen"),
    ("000.8.3.3", "Standar Operasional Prosedur", "2 th", "3 th", "Permanen"),
    ("100.3.3.2", "Keputusan/Ketetapan Bupati", "2 th", "3 th", "Permanen"),
    ("400.14.3", "Dokumentasi/Liputan Kegiatan Pimpinan", "1 th", "3 th", "Permanen"),
    ("400.14.9", "Publikasi Media Cetak/Elektronik", "1 th", "1 th", "Musnah"),
    ("500.12.16.1", "Portal dan Konten", "2 th", "3 th", "Musnah"),
    ("500.12.18.1", "Pelayanan Informasi", "2 th", "3 th", "Musnah"),
    ("900.1.3.10", "Laporan Keuangan (Tahunan)", "2 th sejak Perda Pertanggungjawaban APBD", "5 th", "Permanen"),
    ("500.12.18.1", "Register permohonan & keberatan PPID", "2 th", "3 th", "Dinilai Kembali"),
    ("500.12.18.1", "SK DIP/DIK + lembar uji konsekuensi", "2 th setelah diperbarui", "8 th", "Permanen"),
]


def csv_bytes(lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> io.BytesIO:
    return io.BytesIO((newline.join(lines) + newline).encode(encoding))


def sample_csv() -> list[str]:
    return [HEADER, *(";".join(row) for row in SAMPLE_ROWS)]


def problems_by_line(result: JraParseResult) -> list[tuple[int, str | None]]:
    return [(p.line, p.column) for p in result.problems]


# --------------------------------------------------------------------------------------------------------------
# parse_disposition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Musnah", (MUSNAH, None)),
        ("MUSNAH", (MUSNAH, None)),
        ("musnah.", (MUSNAH, None)),
        ("Permanen", (PERMANEN, None)),
        ("Dinilai Kembali", (DK, None)),
        ("Dinilai  kembali", (DK, None)),
        ("Dinilai Ulang", (DK, None)),
        ("DK", (DK, None)),
        ("Musnah, Kecuali barang Tidak Bergerak", (MUSNAH, "Kecuali barang Tidak Bergerak")),
        ("Musnah; kecuali yang bernilai guna sejarah.", (MUSNAH, "kecuali yang bernilai guna sejarah")),
        ("Musnah - kecuali tanah", (MUSNAH, "kecuali tanah")),
        ("Musnah – kecuali tanah", (MUSNAH, "kecuali tanah")),
        ("Permanen (untuk tingkat provinsi)", (PERMANEN, "untuk tingkat provinsi")),
        ("Permanen (untuk tingkat provinsi).", (PERMANEN, "untuk tingkat provinsi")),
        ("Musnah,", (MUSNAH, None)),
    ],
)
def test_dispositions(text: str, expected: tuple[FinalDisposition, str | None]) -> None:
    assert parse_disposition(text) == expected


@pytest.mark.parametrize(
    "text", ["", "  ", "Simpan", "Musnah/Permanen", "Musnah atau Permanen", "Permanen (tingkat provinsi", "Mus nah"]
)
def test_unknown_dispositions_are_refused(text: str) -> None:
    with pytest.raises(DispositionParseError) as info:
        parse_disposition(text)
    assert str(info.value) == f"{info.value.message_id} / {info.value.message_en}"


# --------------------------------------------------------------------------------------------------------------
# The sample JRA


def test_sample_jra_parses_without_problems() -> None:
    result = read_jra(csv_bytes(sample_csv()), "jra.csv")
    assert result.ok, result.problems
    assert result.headings == 0
    assert [(r.code, r.record_type) for r in result.rows] == [(c, j) for c, j, *_ in SAMPLE_ROWS]
    assert [r.line for r in result.rows] == list(range(2, 19))
    lkpd = result.rows[14]
    assert (lkpd.active.years, lkpd.active.trigger) == (2, "perda_pertanggungjawaban_apbd")
    assert lkpd.inactive == RetentionPeriod(5, None, None, "5 th")
    assert lkpd.disposition is PERMANEN
    assert result.rows[15].disposition is DK
    assert result.rows[16].to_dict() == {
        "line": 18,
        "code": "500.12.18.1",
        "record_type": "SK DIP/DIK + lembar uji konsekuensi",
        "active": {
            "years": 2,
            "trigger": "diperbarui",
            "note": "setelah diperbarui",
            "text": "2 th setelah diperbarui",
        },
        "inactive": {"years": 8, "trigger": None, "note": None, "text": "8 th"},
        "disposition": "permanen",
        "disposition_note": None,
        "notes": None,
    }


def test_shipped_demo_jra_parses_without_problems() -> None:
    import archive_service

    path = Path(archive_service.__file__).parent / "data" / "jra_sample.csv"
    with path.open("rb") as stream:
        result = read_jra(stream, path.name)
    assert result.ok, result.problems
    assert len(result.rows) == 17
    assert [(r.code, r.record_type, r.active.text, r.inactive.text) for r in result.rows] == [
        (c, j, a, i) for c, j, a, i, _ in SAMPLE_ROWS
    ]


# --------------------------------------------------------------------------------------------------------------
# CSV files


def test_odd_rows_are_reported_by_line_and_good_rows_kept() -> None:
    lines = [
        "JADWAL RETENSI ARSIP;;;;",  # 1: title above the header
        ";;;;",  # 2
        HEADER,  # 3
        "1;2;3;4;5",  # 4: column numbers
        ";A. UMUM;;;",  # 5: section heading
        "000.1;Ketatausahaan dan Kerumahtanggaan;;;",  # 6: classification heading
        "000.1.5;Rapat Pimpinan: Notula/Risalah;2 th;4 th;Musnah",  # 7: good
        "000.1.6;Undangan;sesuai ketentuan;2 th;Musnah",  # 8: bad active period
        "000.1.7;Memo;1 th;1 th;Simpan",  # 9: bad disposition
        "12.3;Kode salah;1 th;1 th;Musnah",  # 10: bad code
        "000.1.5;Rapat  pimpinan: notula/risalah;2 th;4 th;Musnah",  # 11: duplicate of 7 (case/space aside)
        ";;;;",  # 12: blank
        "000.2.4;Penghapusan Barang Milik Daerah;3 th setelah dipertanggungjawabkan;7 th;Musnah, Kecuali barang "
        "Tidak Bergerak",  # 13: good, with a remark
        "000.3;;2 th;2-5 th;Dinilai",  # 14: three problems in one row
        "000.3.2;Pengadaan Langsung;2 th;3 th;Musnah",  # 15: good
        "000.5.3.2;Pemberkasan;;3 th;Musnah",  # 16: active period missing
    ]
    result = read_jra(csv_bytes(lines), "odd.csv")
    assert not result.ok
    assert problems_by_line(result) == [
        (8, "aktif"),
        (9, "keterangan"),
        (10, "kode"),
        (11, None),
        (14, "jenis"),
        (14, "inaktif"),
        (14, "keterangan"),
        (16, "aktif"),
    ]
    assert [(r.line, r.code) for r in result.rows] == [(7, "000.1.5"), (13, "000.2.4"), (15, "000.3.2")]
    assert result.headings == 4  # lines 4, 5, 6 and 12; lines 1-2 are above the header and not counted
    bad_period, bad_disposition, bad_code, duplicate = result.problems[:4]
    assert (bad_period.value, bad_disposition.value, bad_code.value) == ("sesuai ketentuan", "Simpan", "12.3")
    assert bad_period.message_id.startswith("Masa retensi tidak dikenali")
    assert bad_period.message_en.startswith("Unrecognised retention period")
    assert "baris 7" in duplicate.message_id and "line 7" in duplicate.message_en
    assert result.rows[1].disposition_note == "Kecuali barang Tidak Bergerak"
    assert result.problems[0].to_dict()["column"] == "aktif"


def test_semicolon_csv_with_bom_and_crlf() -> None:
    stream = io.BytesIO(b"\xef\xbb\xbf" + ("\r\n".join(sample_csv()) + "\r\n").encode("utf-8"))
    result = read_jra(stream, "jra.csv")
    assert result.ok, result.problems
    assert len(result.rows) == 17
    assert result.rows[0].code == "000.1.5"  # the BOM did not stick to the first header cell


def test_comma_csv_with_quotes_and_a_notes_column() -> None:
    lines = [
        "No,KODE KLASIFIKASI,Jenis/Series Arsip,Retensi Aktif (tahun),Retensi Inaktif (tahun),Keterangan,Catatan",
        '1,000.1.5,"Rapat Pimpinan: Notula, Risalah",2,4,Musnah,',
        '2,400.14.3,Dokumentasi,1 th,3 th,"Permanen, untuk tingkat provinsi","Lihat juga 400.14.9"',
        '3,900.1.3.10,"Laporan\nKeuangan","2 th\nsejak Perda APBD",5 th,Permanen,',  # cells with line breaks
        "4,000.1.5,Rapat,2 th,4 thn,Musnah,",
    ]
    result = read_jra(csv_bytes(lines))
    assert result.ok, result.problems
    first, second, third, fourth = result.rows
    assert (third.record_type, third.active.text, third.active.trigger) == (
        "Laporan Keuangan",
        "2 th\nsejak Perda APBD",
        "perda_apbd",
    )
    assert fourth.line == 5  # records, as a spreadsheet numbers them, not physical lines
    assert (first.record_type, first.active.years, first.notes) == ("Rapat Pimpinan: Notula, Risalah", 2, None)
    assert (second.disposition, second.disposition_note, second.notes) == (
        PERMANEN,
        "untuk tingkat provinsi",
        "Lihat juga 400.14.9",
    )


def test_tab_separated_cp1252_file() -> None:
    lines = ["Kode\tUraian\tAktif\tInaktif\tKeterangan", "000.1.5\tRapat – Notula\t2 th\t4 th\tMusnah"]
    result = read_jra(csv_bytes(lines, "cp1252"))
    assert result.ok, result.problems
    assert result.rows[0].record_type == "Rapat – Notula"


def test_late_non_utf8_byte_switches_encoding_for_that_line() -> None:
    lines = [HEADER] + [f"000.1.{n};Jenis {n};2 th;3 th;Musnah" for n in range(1, 200)]
    lines.append("000.2.1;Surat Keputusan Dinas Pendidikan – Kebudayaan;2 th;3 th;Musnah")
    result = read_jra(csv_bytes(lines, "cp1252"))
    assert result.ok, result.problems
    assert result.rows[-1].record_type == "Surat Keputusan Dinas Pendidikan – Kebudayaan"


def test_unicode_text_export() -> None:
    lines = ["Kode\tJenis Arsip\tAktif\tInaktif\tKeterangan", "000.1.5\tRapat Pimpinan\t2 th\t4 th\tMusnah"]
    result = read_jra(io.BytesIO(("\r\n".join(lines) + "\r\n").encode("utf-16")))
    assert result.ok, result.problems
    assert result.rows[0].code == "000.1.5"


class _Unseekable(io.RawIOBase):
    """An upload stream that can only be read forward."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(buffer), 7))  # deliberately small reads
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_unseekable_stream() -> None:
    result = read_jra(_Unseekable(("\n".join(sample_csv()) + "\n").encode()))  # type: ignore[arg-type]
    assert result.ok and len(result.rows) == 17


def test_caller_stream_stays_open() -> None:
    stream = csv_bytes(sample_csv())
    read_jra(stream)
    assert not stream.closed


# --------------------------------------------------------------------------------------------------------------
# Header detection and whole-file errors


@pytest.mark.parametrize(
    "header",
    [
        ["No. Kode", "Jenis Arsip/Uraian", "Aktif", "Inaktif", "Nasib Akhir"],
        ["Kode", "Uraian", "Jangka Simpan Aktif", "Jangka Simpan Inaktif", "Penyusutan Akhir"],
        ["  kode   klasifikasi ", "JENIS ARSIP", "RETENSI AKTIF", "RETENSI INAKTIF", "Disposisi"],
    ],
)
def test_header_variants(header: list[str]) -> None:
    result = parse_jra_rows([(1, header), (2, ["000.1.5", "Rapat", "2 th", "4 th", "Musnah"])])
    assert result.ok and result.rows[0].active.years == 2


def test_keterangan_is_notes_when_there_is_a_nasib_akhir_column() -> None:
    header = ["Kode", "Jenis Arsip", "Aktif", "Inaktif", "Nasib Akhir", "Keterangan"]
    result = parse_jra_rows([(1, header), (2, ["000.1.5", "Rapat", "2 th", "4 th", "Musnah", "lihat SE 2024"])])
    assert (result.rows[0].disposition, result.rows[0].notes) == (MUSNAH, "lihat SE 2024")


def test_two_row_header_in_rows() -> None:
    rows = [
        (1, ["Kode", "Jenis Arsip", "Retensi", None, "Keterangan"]),
        (2, [None, None, "Aktif", "Inaktif", None]),
        (3, ["000.1.5", "Rapat", "2 th", "4 th", "Musnah"]),
    ]
    result = parse_jra_rows(rows)
    assert result.ok and result.rows[0].line == 3


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([], "tidak ditemukan"),
        ([(n, ["Judul", f"baris {n}"]) for n in range(1, 60)], "tidak ditemukan"),
        ([(1, ["Kode", "Jenis Arsip", "Keterangan"]), (2, ["000.1", "x", "Musnah"])], "Retensi Aktif"),
        ([(1, ["Kode", "Jenis Arsip", "Aktif", "Inaktif"])], "Keterangan"),
    ],
)
def test_missing_header_or_columns(rows: list[tuple[int, list[object]]], reason: str) -> None:
    with pytest.raises(JraFormatError) as info:
        parse_jra_rows(rows)
    assert reason in info.value.message_id
    assert str(info.value) == f"{info.value.message_id} / {info.value.message_en}"


def test_header_after_29_rows_is_found_but_not_after_30() -> None:
    body = [["000.1.5", "Rapat", "2 th", "4 th", "Musnah"]]
    header = ["Kode", "Jenis Arsip", "Aktif", "Inaktif", "Keterangan"]
    rows = [[f"judul {n}"] for n in range(29)]
    assert parse_jra_rows(enumerate([*rows, header, *body], start=1)).rows[0].line == 31
    with pytest.raises(JraFormatError):
        parse_jra_rows(enumerate([*rows, ["satu lagi"], header, *body], start=1))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04 this is not really a zip", "tidak dapat dibaca"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "tidak ditemukan"),
        (b"", "tidak ditemukan"),
    ],
)
def test_unreadable_files(data: bytes, reason: str) -> None:
    with pytest.raises(JraFormatError) as info:
        read_jra(io.BytesIO(data), "jra.bin")
    assert reason in info.value.message_id


def test_zip_that_is_not_a_workbook() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")  # e.g. an .ods file
    buffer.seek(0)
    with pytest.raises(JraFormatError):
        read_jra(buffer, "jra.ods")


# --------------------------------------------------------------------------------------------------------------
# XLSX files


def xlsx_bytes(build: object) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    build(workbook.active)  # type: ignore[operator]
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_xlsx_with_two_row_merged_header_and_numeric_codes() -> None:
    def build(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet["A1"] = "JADWAL RETENSI ARSIP PEMERINTAH PROVINSI"
        sheet.merge_cells("A1:F1")
        # Header on rows 3-4: "Retensi" merged over "Aktif | Inaktif", the other headers merged vertically.
        for column, title in (("A", "No"), ("B", "Kode Klasifikasi"), ("C", "Jenis Arsip"), ("F", "Keterangan")):
            sheet[f"{column}3"] = title
            sheet.merge_cells(f"{column}3:{column}4")
        sheet["D3"] = "Retensi"
        sheet.merge_cells("D3:E3")
        sheet["D4"], sheet["E4"] = "Aktif", "Inaktif"
        sheet.append([1, 2, 3, 4, 5, 6])  # row 5: column numbers
        sheet.append([None, None, "UMUM", None, None, None])  # row 6: heading
        sheet.append([1, 100, "Pemerintahan", 2, 3, "Musnah"])  # row 7: integer code and periods
        sheet.append([2, 400.1, "Kesejahteraan", "1 th", "2 th", "Permanen"])  # row 8: float code
        sheet.append([3, 500.12, "Kominfo", "2 Tahun Setelah Pemeriksaan", "Selama Berlaku", "Dinilai Kembali"])
        sheet.append([4, "000.5.6.2", "Pemusnahan Arsip", "1 th", "1 th", "Permanen"])  # row 10: text code
        sheet.append([5, 0.5, "Kearsipan", "1 th", "1 th", "Musnah"])  # row 11: "000.5" typed as a number
        sheet.append([6, "12.3", "Salah", "1 th", "1 th", "Musnah"])  # row 12: bad code

    result = read_jra(xlsx_bytes(build), "jra.xlsx")
    assert [(r.line, r.code) for r in result.rows] == [
        (7, "100"),
        (8, "400.1"),
        (9, "500.12"),
        (10, "000.5.6.2"),
        (11, "000.5"),
    ]
    assert [(p.line, p.column, p.value) for p in result.problems] == [(12, "kode", "12.3")]
    assert result.headings == 2
    first, _, third, *_ = result.rows
    assert (first.active.years, first.inactive.years, first.active.text) == (2, 3, "2")
    assert (third.active.trigger, third.inactive.trigger, third.disposition) == ("pemeriksaan", "tidak_berlaku", DK)


def test_xlsx_sample_jra_and_first_sheet_only() -> None:
    def build(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet.append(HEADER.split(";"))
        for row in SAMPLE_ROWS:
            sheet.append(list(row))
        sheet.parent.create_sheet("Lain").append(["Kode", "Jenis Arsip", "Aktif", "Inaktif", "Keterangan"])

    result = read_jra(xlsx_bytes(build))
    assert result.ok, result.problems
    assert len(result.rows) == 17
