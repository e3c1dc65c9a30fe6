"""Titles derived from a file's first pages (``indexer.titles``): made-up texts shaped like what extraction gives,
plus one measurement on the real corpus when ``../shared/corpus`` is present."""

from __future__ import annotations

import re

import pytest

from indexer.extract.pdf import first_pages_text
from indexer.titles import MAX_TITLE, derive_title
from tests.support.corpus import CORPUS, require_corpus


# ---- regulations --------------------------------------------------------------------------------------------------
def test_law_heading_becomes_its_citation() -> None:
    text = """PRESIDEN
REPUBLIK INDONESIA

UNDANG-UNDANG REPUBLIK INDONESIA
NOMOR 14 TAHUN 2008
TENTANG
KETERBUKAAN INFORMASI PUBLIK
DENGAN RAHMAT TUHAN YANG MAHA ESA
PRESIDEN REPUBLIK INDONESIA,
Menimbang : a. bahwa informasi merupakan kebutuhan pokok setiap orang;
"""
    assert derive_title(text) == "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"


def test_subject_over_lines_stops_at_the_enacting_official_and_keeps_small_words_low() -> None:
    text = """SALINAN
KEPALA BADAN PENGAWAS TENAGA NUKLIR
REPUBLIK INDONESIA
PERATURAN BADAN PENGAWAS TENAGA NUKLIR
REPUBLIK INDONESIA
NOMOR 3 TAHUN 2024
TENTANG
PEMBATASAN IMPOR DAN EKSPOR BARANG KONSUMEN, SUMBER
RADIASI PENGION, DAN BAHAN NUKLIR
KEPALA BADAN PENGAWAS TENAGA NUKLIR
REPUBLIK INDONESIA,
Menimbang: a. bahwa …
"""
    assert derive_title(text) == (
        "Peraturan Badan Pengawas Tenaga Nuklir Nomor 3 Tahun 2024 tentang Pembatasan Impor dan Ekspor Barang "
        "Konsumen, Sumber Radiasi Pengion, dan Bahan Nuklir"
    )


def test_a_repeated_page_header_ends_the_subject() -> None:
    text = """PRESIDEN
REPUBLIK INDONESIA
PERATURAN PEMERINTAH REPUBLIK INDONESIA
NOMOR 26 TAHUN 2002
TENTANG
KESELAMATAN PENGANGKUTAN ZAT RADIOAKTIF

PRESIDEN
REPUBLIK INDONESIA
- 2 -
Pasal 1
"""
    assert (
        derive_title(text) == "Peraturan Pemerintah Nomor 26 Tahun 2002 tentang Keselamatan Pengangkutan Zat Radioaktif"
    )


def test_decree_number_with_letters_and_acronyms_kept() -> None:
    text = """KEPUTUSAN KEPALA BADAN PENGAWAS TENAGA NUKLIR
NOMOR : 10/Ka-BAPETEN/VI-99
TENTANG
PEDOMAN KERJA SAMA DENGAN IAEA DAN PELAPORAN KEPADA DPR
ATAS PENGGUNAAN APBN
KEPALA BADAN PENGAWAS TENAGA NUKLIR,
Menimbang : a. bahwa Badan Pengawas Tenaga Nuklir (BAPETEN) perlu …
"""
    assert derive_title(text) == (
        "Keputusan Kepala Badan Pengawas Tenaga Nuklir Nomor 10/Ka-BAPETEN/VI-99 tentang Pedoman Kerja Sama dengan "
        "IAEA dan Pelaporan kepada DPR atas Penggunaan APBN"
    )


def test_an_acronym_the_document_itself_writes_in_capitals_stays_in_capitals() -> None:
    text = """PERATURAN MENTERI DALAM NEGERI
NOMOR 83 TAHUN 2022
TENTANG
PENGELOLAAN ARSIP DINAMIS OLEH SIKD
DENGAN RAHMAT TUHAN YANG MAHA ESA
Menimbang : a. bahwa aplikasi SIKD dipakai oleh setiap perangkat daerah;
"""
    assert derive_title(text) == (
        "Peraturan Menteri Dalam Negeri Nomor 83 Tahun 2022 tentang Pengelolaan Arsip Dinamis oleh SIKD"
    )


def test_ocr_spacing_letter_spaced_words_and_a_misread_year() -> None:
    text = """U N D A N G - U N D A N G  R E P U B L I K  I N D O N E S I A
NOMOR   14    TAHUN   2OO8
T E N T A N G
KETERBUKAAN    INFORMASI
PUBLIK
D E N G A N  R A H M A T  T U H A N  Y A N G  M A H A  E S A
"""
    assert derive_title(text) == "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"


def test_hyphenation_across_line_breaks() -> None:
    text = """PERATURAN DAERAH KABUPATEN SLEMAN
NOMOR 5 TAHUN 2024
TENTANG
PENYELENGGARAAN KETERBUKA-
AN INFORMASI PUBLIK DAN PENGELOLAAN ARSIP UNDANG-
UNDANG
DENGAN RAHMAT TUHAN YANG MAHA ESA
"""
    assert derive_title(text) == (
        "Peraturan Daerah Kabupaten Sleman Nomor 5 Tahun 2024 tentang Penyelenggaraan Keterbukaan Informasi "
        "Publik dan Pengelolaan Arsip Undang-Undang"
    )


def test_heading_in_title_case_keeps_the_authors_case() -> None:
    text = """Peraturan Bupati Sleman
Nomor 12 Tahun 2024
tentang
Pedoman Pengelolaan Arsip Dinamis di Lingkungan Pemerintah Kabupa-
ten Sleman
Menimbang : a. bahwa arsip dinamis perlu dikelola;
"""
    assert derive_title(text) == (
        "Peraturan Bupati Sleman Nomor 12 Tahun 2024 tentang Pedoman Pengelolaan Arsip Dinamis di Lingkungan "
        "Pemerintah Kabupaten Sleman"
    )


def test_a_citation_in_the_body_is_not_the_heading() -> None:
    text = """Hasil rapat koordinasi pengelolaan informasi publik yang dilaksanakan di ruang rapat utama.
Sesuai dengan
Peraturan Pemerintah Nomor 61 Tahun 2010 tentang Pelaksanaan Undang-Undang Keterbukaan Informasi Publik,
setiap badan publik wajib menyediakan informasi.
"""
    assert derive_title(text) is None


def test_very_long_subject_is_cut_at_a_word() -> None:
    subject = " ".join(["PENGELOLAAN ARSIP DINAMIS DAN STATIS"] * 20)
    text = f"PERATURAN GUBERNUR DAERAH ISTIMEWA YOGYAKARTA\nNOMOR 30 TAHUN 2017\nTENTANG\n{subject}\nGUBERNUR DIY,\n"
    title = derive_title(text)
    assert title is not None and len(title) <= MAX_TITLE
    assert title.startswith("Peraturan Gubernur Daerah Istimewa Yogyakarta Nomor 30 Tahun 2017 tentang Pengelolaan")
    assert title.endswith("…")
    assert title[:-1].split()[-1] in {"Pengelolaan", "Arsip", "Dinamis", "dan", "Statis"}  # a whole word


def test_appendix_names_itself_and_stops_before_its_own_heading() -> None:
    text = """LAMPIRAN I
PERATURAN KEPALA BADAN PENGAWAS TENAGA NUKLIR
NOMOR 16 TAHUN 2012
TENTANG
TINGKAT KLIERENS
TINGKAT KLIERENS UNTUK RADIONUKLIDA BUATAN
Lampiran ini berisi: a. Tabel 1 …
"""
    assert derive_title(text) == (
        "Lampiran I Peraturan Kepala Badan Pengawas Tenaga Nuklir Nomor 16 Tahun 2012 tentang Tingkat Klierens"
    )


# ---- letters ------------------------------------------------------------------------------------------------------
def test_letter_subject_line() -> None:
    text = """PEMERINTAH KABUPATEN SLEMAN
DINAS KOMUNIKASI DAN INFORMATIKA
Jalan Magelang Km 6, Telp. (0274) 868405, www.slemankab.go.id
Sleman, 3 Februari 2025
Nomor    : 045/123/Kominfo/2025
Lampiran : 1 (satu) berkas
Perihal  : Undangan rapat koordinasi pengelolaan
           informasi publik
Kepada Yth. Kepala Perangkat Daerah
di Sleman
"""
    assert derive_title(text) == "Undangan rapat koordinasi pengelolaan informasi publik"


def test_nota_dinas_hal_in_capitals_and_on_its_own_line() -> None:
    text = "NOTA DINAS\nKepada : Sekretaris Daerah\nDari : Kepala Dinas\nHal\n: PERMOHONAN DATA ARSIP VITAL\n"
    assert derive_title(text) == "Permohonan Data Arsip Vital"
    assert derive_title("Hal : Laporan kegiatan PPID semester I\nDengan hormat,") == (
        "Laporan kegiatan PPID semester I"
    )


def test_surat_edaran_takes_its_type_and_tentang() -> None:
    text = """KEMENTERIAN DALAM NEGERI
REPUBLIK INDONESIA
Yth. 1. Gubernur; 2. Bupati/Wali Kota
di-
Seluruh Indonesia
SURAT EDARAN MENTERI DALAM NEGERI
NOMOR 000.5/1234/SJ
TENTANG
PENYELENGGARAAN KEARSIPAN DI LINGKUNGAN PEMERINTAH DAERAH
Dalam rangka tertib arsip di lingkungan pemerintah daerah, …
"""
    assert derive_title(text) == (
        "Surat Edaran Menteri Dalam Negeri Nomor 000.5/1234/SJ tentang Penyelenggaraan Kearsipan di Lingkungan "
        "Pemerintah Daerah"
    )


# ---- headings -----------------------------------------------------------------------------------------------------
def test_report_heading_after_the_letterhead() -> None:
    text = """PEMERINTAH KABUPATEN SLEMAN
DINAS KOMUNIKASI DAN INFORMATIKA
Jl. Magelang Km 6 Sleman, Telp. (0274) 868405, www.slemankab.go.id

LAPORAN LAYANAN INFORMASI PUBLIK
TAHUN 2024 (PPID)

BAB I
PENDAHULUAN
Laporan ini disusun sebagai pertanggungjawaban pelaksanaan layanan informasi publik.
"""
    assert derive_title(text) == "Laporan Layanan Informasi Publik Tahun 2024 (PPID)"


def test_title_case_heading_and_its_second_line() -> None:
    text = "Notula Rapat Pimpinan\nBulan Januari\nAgenda: penetapan daftar informasi publik dan jadwal retensi arsip."
    assert derive_title(text) == "Notula Rapat Pimpinan Bulan Januari"


def test_section_words_are_not_titles() -> None:
    text = "DAFTAR ISI\nKATA PENGANTAR\nRENCANA STRATEGIS DINAS KEARSIPAN\n2025-2029\n"
    assert derive_title(text) == "Rencana Strategis Dinas Kearsipan"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "12345 67 89\n- 1 -",
        "bahwa dalam rangka pelaksanaan kegiatan tersebut perlu disusun laporan yang memuat hasil kegiatan.",
        "PEMERINTAH KABUPATEN SLEMAN\nJl. Magelang Km 6\nTelp. (0274) 868405\nwww.slemankab.go.id\n",
        "PRESIDEN\nREPUBLIK INDONESIA\n",
        "jdih.bapeten.go.id\n\n- 2 -\nMengingat : 1. Undang-Undang Nomor 10 Tahun 1997 tentang\nKetenaganukliran;",
        "!\"# !$ !%&!'\"!!'\n+0!!,!0(!\" .1!0+)!'!\n",
        "PRE5IDEy REPUDLlK ' . INDONESIA, .\nMen i mbang :. a. bah~a mkeapaap'. slam,^ flora ban fauna",
    ],
)
def test_nothing_sensible_gives_none(text: str) -> None:
    assert derive_title(text) is None


def test_a_title_that_only_repeats_the_file_name_is_no_proposal() -> None:
    text = "LAPORAN KEGIATAN PPID\nisi laporan kegiatan yang cukup panjang untuk dibaca oleh semua orang."
    assert derive_title(text, "Laporan_Kegiatan_PPID.pdf") is None
    assert derive_title(text, "scan-0001.pdf") == "Laporan Kegiatan PPID"


def test_only_the_first_pages_are_read() -> None:
    text = "x " * 5000 + "\nUNDANG-UNDANG NOMOR 1 TAHUN 2000\nTENTANG\nSESUATU YANG JAUH\n"
    assert derive_title(text) is None


# ---- the real corpus ----------------------------------------------------------------------------------------------
@pytest.mark.corpus
def test_corpus_laws_get_their_tentang_subject() -> None:
    """At least 90 % of the laws in ``uu/`` get a title containing the first word of their TENTANG subject."""
    folder = CORPUS / "uu"
    require_corpus()
    files = sorted(folder.glob("*.pdf"))
    hits, misses = 0, []
    for path in files:
        text = first_pages_text(path)
        expected = re.search(r"\bTENTANG\b\s*:?\s*([A-Za-z][\w-]*)", text)
        title = derive_title(text, path.name)
        if expected and title and expected.group(1).lower() in title.lower():
            hits += 1
        else:
            misses.append((path.name, title))
    assert files and hits >= 0.9 * len(files), f"{hits}/{len(files)}; missed: {misses}"
