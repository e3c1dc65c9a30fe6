#!/usr/bin/env python3
"""A large, realistic Arsip database of published open records, built fast, for the search benchmarks.

Why synthetic: the real corpus has a few hundred documents, far too few to measure search at archive scale. Why
"realistic": search cost depends on the shape of the text, not only its size. Descriptions are therefore drawn
word by word from the *frequencies of the real corpus* (common words common, the long tail rare: Zipf-like), and
the metadata has the skews of a regional government (a few big units, a long tail of small ones; more records in
later years; most information *setiap saat*). The records carry no files: the description (plus the DIP summary)
is the full text the index gets.

Everything is deterministic in ``seed``: rows come in fixed chunks and chunk ``k`` draws from its own
``random.Random`` derived from ``(seed, k)``, so a rebuild gives byte-identical rows, and so chunks can be
generated in a second process while the first one inserts (two cores: one generates, one writes).

``build_database(data_dir, n)`` builds (or reuses) the data folder; ``sample_queries(data_dir, n)`` gives a mix of
public-search parameter dicts drawn from the same vocabulary. ``python benchmarks/synthetic.py --n 10000
--data-dir /tmp/x`` builds a small one.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import resource
import shutil
import sys
import time
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Column, Connection, Dialect, insert  # noqa: E402
from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # noqa: E402

from archive_service.config import Settings  # noqa: E402
from archive_service.db.models import Counter as CounterRow  # noqa: E402
from archive_service.db.models import Record, WorkUnit  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402

__all__ = [
    "CHUNK",
    "QUERY_MIX",
    "UNITS",
    "VERSION",
    "build_database",
    "classification_codes",
    "load_vocabulary",
    "sample_queries",
    "sample_queries_by_kind",
]

VERSION = 1
"""Bump whenever the generated rows change: a folder built by another version is rebuilt, never reused."""

CHUNK = 10_000
"""Rows per generated chunk and per insert transaction. Part of the determinism: chunk k seeds its own Random."""

MARKER = "synthetic.json"
VOCAB_FILE = "synthetic-vocab.json"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MAX_CORPUS_PDFS = 60
MAX_PAGES_PER_PDF = 200  # a few long treaty texts would otherwise dominate the vocabulary and the read time

AS_OF = date(2026, 11, 27)
"""The archive's "today". Fixed, not ``date.today()``, so that a rebuild next month gives the same rows."""
FIRST_YEAR, LAST_YEAR = 2015, 2026
LAST_DOC_DATE = date(2026, 9, 10)  # + at most 75 days of registration and publication lag: before AS_OF
REGION = "Kabupaten Sukamaju"  # fictional, so nobody mistakes a synthetic record for a real one
TOWN = "Sukamaju"

KIP_WEIGHTS = (("setiap_saat", 60), ("berkala", 35), ("serta_merta", 5))

# (code, name, top-level classification codes of the unit's own business). Ordered roughly by size: the rank is
# the Zipf rank of the unit's share of records (big offices like the Secretariat, Education and Health first).
UNITS: list[tuple[str, str, tuple[str, ...]]] = [
    ("setda", "Sekretariat Daerah", ("000", "100", "200")),
    ("disdik", "Dinas Pendidikan", ("400",)),
    ("dinkes", "Dinas Kesehatan", ("400",)),
    ("bpkad", "Badan Pengelolaan Keuangan dan Aset Daerah", ("900",)),
    ("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", ("600",)),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah", ("000", "500")),
    ("diskominfo", "Dinas Komunikasi dan Informatika", ("000", "500")),
    ("bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", ("800",)),
    ("dukcapil", "Dinas Kependudukan dan Pencatatan Sipil", ("100", "400")),
    ("rsud", "Rumah Sakit Umum Daerah", ("400",)),
    ("bapenda", "Badan Pendapatan Daerah", ("900",)),
    ("dinsos", "Dinas Sosial", ("400",)),
    ("setwan", "Sekretariat DPRD", ("000", "100", "200")),
    ("inspektorat", "Inspektorat Daerah", ("700",)),
    ("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", ("500",)),
    ("dishub", "Dinas Perhubungan", ("500",)),
    ("dlh", "Dinas Lingkungan Hidup", ("600",)),
    ("distan", "Dinas Pertanian", ("500",)),
    ("disperkim", "Dinas Perumahan dan Kawasan Permukiman", ("600",)),
    ("satpolpp", "Satuan Polisi Pamong Praja", ("300",)),
    ("bpbd", "Badan Penanggulangan Bencana Daerah", ("300", "400")),
    ("dpmd", "Dinas Pemberdayaan Masyarakat dan Desa", ("100", "400")),
    ("disnaker", "Dinas Tenaga Kerja", ("500",)),
    ("disperindag", "Dinas Perindustrian dan Perdagangan", ("500",)),
    ("dinkopukm", "Dinas Koperasi dan Usaha Kecil dan Menengah", ("500",)),
    ("dp3a", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", ("400",)),
    ("dppkb", "Dinas Pengendalian Penduduk dan Keluarga Berencana", ("400",)),
    ("disbudpar", "Dinas Kebudayaan dan Pariwisata", ("400", "500")),
    ("dispora", "Dinas Kepemudaan dan Olahraga", ("400",)),
    ("dkp", "Dinas Ketahanan Pangan dan Perikanan", ("500",)),
    ("disnak", "Dinas Peternakan dan Kesehatan Hewan", ("500",)),
    ("dispersip", "Dinas Perpustakaan dan Kearsipan", ("000",)),
    ("kesbangpol", "Badan Kesatuan Bangsa dan Politik", ("200", "300")),
    ("damkar", "Dinas Pemadam Kebakaran dan Penyelamatan", ("300",)),
    ("bag-hukum", "Bagian Hukum Sekretariat Daerah", ("100",)),
    ("bag-pbj", "Bagian Pengadaan Barang dan Jasa Sekretariat Daerah", ("000",)),
    ("bag-prokopim", "Bagian Protokol dan Komunikasi Pimpinan Sekretariat Daerah", ("000",)),
    ("kec-sukamaju", "Kecamatan Sukamaju", ("100", "400")),
    ("kec-mekarsari", "Kecamatan Mekarsari", ("100", "400")),
    ("kec-sukaraja", "Kecamatan Sukaraja", ("100", "400")),
]

COMMON_TOPS = ("000", "800", "900")  # every unit has general affairs, staff and finance records
OWN_BUSINESS_SHARE = 0.55

EXTERNAL_CREATORS = (
    "Kementerian Dalam Negeri",
    "Pemerintah Provinsi Jawa Tengah",
    "Badan Pusat Statistik Kabupaten Sukamaju",
    "Komisi Informasi Provinsi Jawa Tengah",
    "Ombudsman Republik Indonesia",
    "Dewan Perwakilan Rakyat Daerah Kabupaten Sukamaju",
    "Arsip Nasional Republik Indonesia",
    "Badan Pemeriksa Keuangan Perwakilan Provinsi Jawa Tengah",
)

# (document type that opens the title, weight, joins with "tentang").
DOC_TYPES: tuple[tuple[str, int, bool], ...] = (
    ("Laporan", 14, False),
    ("Laporan Kinerja", 6, False),
    ("Laporan Realisasi Anggaran", 4, False),
    ("Keputusan Bupati", 6, True),
    ("Keputusan Kepala Dinas", 5, True),
    ("Peraturan Bupati", 4, True),
    ("Surat Edaran", 5, True),
    ("Nota Dinas", 5, True),
    ("Notulen Rapat", 5, False),
    ("Berita Acara", 5, False),
    ("Rencana Kerja", 4, False),
    ("Rencana Strategis", 2, False),
    ("Dokumen Pelaksanaan Anggaran", 3, False),
    ("Standar Operasional Prosedur", 3, False),
    ("Standar Pelayanan", 2, False),
    ("Petunjuk Teknis", 2, False),
    ("Daftar", 4, False),
    ("Rekapitulasi", 3, False),
    ("Profil", 2, False),
    ("Pengumuman", 3, False),
    ("Kerangka Acuan Kerja", 2, False),
    ("Perjanjian Kerja Sama", 2, True),
    ("Undangan", 2, False),
    ("Surat Keterangan", 2, False),
)

RETENTION_TEXT = {
    "berkala": ("1 tahun", "Selama berlaku", "2 tahun"),
    "setiap_saat": ("Selama berlaku", "5 tahun", "Permanen", "10 tahun"),
    "serta_merta": ("Selama keadaan berlangsung", "Selama berlaku"),
}
AVAILABLE_FORMS: tuple[tuple[list[str], int], ...] = (
    (["softcopy"], 45),
    (["softcopy", "hardcopy"], 30),
    (["online"], 10),
    (["softcopy", "online"], 10),
    (["hardcopy"], 5),
)
QUANTITY_UNITS = (("halaman", 50), ("lembar", 30), ("berkas", 15), ("file", 5))

QUERY_MIX: dict[str, float] = {
    "rare": 0.28,  # one word from the long tail: few hits, the cheapest postings
    "zero": 0.02,  # a word that occurs nowhere: the index answers from the term dictionary alone
    "common": 0.25,  # one frequent word: long postings, top-k over many hits
    "and": 0.15,  # two words, both required
    "phrase": 0.10,  # two adjacent words of a generated description, quoted
    "facet": 0.10,  # a word (or nothing) with kip_category / year / unit / class_top filters
    "prefix": 0.05,  # ``rencan*``
    "code_or": 0.05,  # a classification code or record number, or ``a OR b``
}
"""Share of each kind in `sample_queries`; a benchmark can report latency per kind with `sample_queries_by_kind`."""


# ---- vocabulary ---------------------------------------------------------------------------------------------------
@dataclass
class Vocabulary:
    """Words with their counts, most frequent first. Sampling a word with probability count/total is the same as
    picking a random token of the source text, which is what keeps the synthetic text's statistics realistic."""

    words: list[str]
    counts: list[int]
    source: str  # "corpus" or "builtin"
    files: list[str] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return sum(self.counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "source": self.source,
            "files": self.files,
            "tokens": self.tokens,
            "words": [[w, c] for w, c in zip(self.words, self.counts, strict=True)],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Vocabulary:
        pairs = data["words"]
        return cls([w for w, _ in pairs], [int(c) for _, c in pairs], data["source"], list(data.get("files", [])))


_WORD = re.compile(r"[A-Za-z]+")


def corpus_vocabulary(corpus: Path, max_files: int = MAX_CORPUS_PDFS) -> Vocabulary:
    """Word counts of up to ``max_files`` text PDFs of the corpus, read with pypdfium2 (text layer only: fast).

    The files are spread over the whole manifest (laws of every decade, agency regulations, the regional
    documents) rather than the first ones, so that no single kind of document sets the vocabulary. Words are
    ASCII letters only (mojibake and digits split them), lowercased, 2–20 letters long.
    """
    import pypdfium2 as pdfium

    with (corpus / "MANIFEST.csv").open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("has_text") == "yes" and r["file"].lower().endswith(".pdf")]
    rows.sort(key=lambda r: r["file"])
    regional = [r for r in rows if r["file"].startswith("daerah/")]
    rest = [r for r in rows if not r["file"].startswith("daerah/")]
    take = max(0, max_files - len(regional))
    picked = regional[:max_files] + [rest[i * len(rest) // take] for i in range(take)] if rest and take else regional
    counts: Counter[str] = Counter()
    files: list[str] = []
    for row in picked:
        path = corpus / row["file"]
        if not path.is_file():
            continue
        try:
            pdf = pdfium.PdfDocument(str(path))
        except Exception as exc:
            print(f"synthetic: skipping {row['file']}: {exc}", file=sys.stderr)
            continue
        try:
            for index in range(min(len(pdf), MAX_PAGES_PER_PDF)):
                page = pdf[index]
                textpage = page.get_textpage()
                try:
                    words = _WORD.findall(textpage.get_text_range())
                finally:
                    textpage.close()
                    page.close()
                counts.update(w.lower() for w in words if 2 <= len(w) <= 20)
        finally:
            pdf.close()
        files.append(row["file"])
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Vocabulary([w for w, _ in ranked], [c for _, c in ranked], "corpus", files)


# Roots of Indonesian administrative language; each yields its affixed forms (meN-, di-, peN-…-an, …) below.
_ROOTS_TEXT = """
kelola atur laksana rencana anggar lapor awas bina didik sehat bangun hubung ukur nilai tetap putus terbit kirim
terima catat simpan arsip data daftar kembang tingkat kuat dukung guna pakai ada beli jual bayar pungut tagih
periksa audit uji teliti kaji ajar latih tugas tempat pindah angkat henti cuti gaji tunjang kerja usaha modal
dagang ternak tanam panen bantu layan informasi umum sebar siar publikasi dokumentasi verifikasi validasi
evaluasi monitor koordinasi sosialisasi fasilitasi alokasi realisasi selenggara tanggung tindak lanjut ubah
hapus musnah serah pelihara rawat jaga lindung cegah tangan tanggulang pulih tata tertib tegak kendali ikut
libat capai hasil terap aju usul setuju tanda cetak salin pindai unggah unduh akses minta mohon adu proses olah
susun rumus bahas undang hadir sepakat bagi hitung rekam tulis baca cari temu pilih tentu batas izin tunda tolak
kabul sedia penuh ambil beri ganti tambah kurang biaya dana belanja setor tarik pinjam sewa kuasa milik peta
pasang sambung alir angkut jalan timbang ingat laku cabut batal mulai akhir tutup buka resmi lantik asuh obat
tular bersih buang hijau rusak cemar daya rinci tampung kumpul gabung satu pisah rekap koreksi sesuai selesai
"""
_ROOTS = _ROOTS_TEXT.split()

_STANDALONE_TEXT = """
dan yang di ke dari untuk dengan dalam pada atau ini itu tahun oleh sebagai tersebut adalah tidak serta bagi
kepada terhadap secara antara melalui sesuai bahwa nomor tentang pasal ayat huruf angka bab bagian paragraf
peraturan keputusan undang daerah pemerintah kabupaten kota provinsi desa kelurahan kecamatan bupati wakil
sekretaris kepala dinas badan kantor bidang seksi subbagian unit pelaksana teknis pejabat pegawai aparatur sipil
negara republik indonesia nasional regional lokal masyarakat warga penduduk publik informasi dokumen arsip
surat berkas laporan anggaran belanja pendapatan keuangan aset barang jasa modal program kegiatan subkegiatan
sasaran tujuan indikator kinerja target capaian realisasi persen rupiah ribu juta miliar triwulan semester
bulan minggu hari tanggal januari februari maret april mei juni juli agustus september oktober november desember
pendidikan kesehatan sosial ekonomi pertanian perikanan peternakan perdagangan industri koperasi pariwisata
kebudayaan olahraga pemuda perempuan anak keluarga lingkungan hidup kehutanan perhubungan jalan jembatan
irigasi air minum sanitasi perumahan permukiman tata ruang bencana kebakaran keamanan ketertiban pamong praja
kependudukan pencatatan sipil akta kelahiran kematian perkawinan kartu identitas penduduk tenaga kerja upah
investasi perizinan pelayanan terpadu pintu sekolah dasar menengah guru murid siswa puskesmas rumah sakit dokter
bidan perawat pasien gizi stunting imunisasi vaksin posyandu sampah limbah pencemaran banjir longsor kemarau
kekeringan pangan beras harga pasar toko usaha mikro kecil menengah bantuan hibah subsidi pajak retribusi
restoran hotel reklame parkir bumi bangunan tanah sertifikat batas wilayah peta jaringan internet aplikasi
sistem elektronik digital website portal server keterbukaan transparansi akuntabilitas integritas reformasi
birokrasi zona wilayah bebas korupsi inspeksi temuan rekomendasi tindak lanjut pemeriksaan keberatan sengketa
komisi ombudsman pengadilan putusan banding kasasi gugatan saksi ahli notulen rapat koordinasi forum musyawarah
pembangunan rencana strategis jangka panjang menengah tahunan prioritas kebijakan strategi standar prosedur
operasional petunjuk pedoman teknis juknis juklak formulir lampiran daftar rekapitulasi profil statistik
sensus survei kajian analisis evaluasi monitoring pengendalian pengawasan audit reviu inventarisasi
pemutakhiran validasi verifikasi sinkronisasi harmonisasi integrasi kolaborasi kemitraan kerja sama nota
kesepahaman perjanjian kontrak addendum lelang tender pengadaan penyedia pemenang kualifikasi penawaran
dokumen jaminan uang muka termin pembayaran pencairan kuitansi faktur bukti kas umum bendahara pengeluaran
penerimaan rekening bank daerah neraca arus catatan atas laporan operasional ekuitas utang piutang persediaan
penyusutan inventaris kendaraan dinas gedung ruang rapat aula peralatan mesin komputer laptop printer jaringan
listrik telepon honorarium perjalanan dinas uang harian penginapan transportasi konsumsi rapat kegiatan sosialisasi
bimbingan teknis pelatihan diklat sertifikasi kompetensi jabatan fungsional struktural pangkat golongan
kenaikan gaji berkala pensiun mutasi promosi rotasi disiplin cuti tahunan izin belajar tugas belajar absensi
kehadiran tunjangan kinerja penghasilan tambahan satuan kerja perangkat organisasi struktur nomenklatur
tugas pokok fungsi uraian visi misi nilai budaya motto maklumat pengaduan saran kepuasan indeks survei
"""
_STANDALONE = _STANDALONE_TEXT.split()


def _nasal(prefix: str, root: str) -> str:
    """meN-/peN- with the nasal that Indonesian morphology gives the root's first sound."""
    head = root[0]
    if head in "aiueogh":
        return prefix + "ng" + root
    if head == "k":
        return prefix + "ng" + root[1:]
    if head in "bfv":
        return prefix + "m" + root
    if head == "p":
        return prefix + "m" + root[1:]
    if head in "cdjz":
        return prefix + "n" + root
    if head == "t":
        return prefix + "n" + root[1:]
    if head == "s":
        return prefix + "ny" + root[1:]
    return prefix + root


def builtin_vocabulary() -> Vocabulary:
    """About 2,400 Indonesian administrative words with Zipf counts, the same on every run (no corpus needed).

    Function words and frequent nouns take the top ranks; affixed forms of the roots follow in a fixed shuffled
    order; the count of rank r is 1,000,000 / (r + 1), the classic Zipf law of natural text.
    """
    head = list(dict.fromkeys(_STANDALONE))
    forms: list[str] = []
    for root in _ROOTS:
        me = _nasal("me", root)
        pe = _nasal("pe", root)
        forms += [
            root,
            me,
            me + "kan",
            "di" + root,
            "di" + root + "kan",
            pe + "an",
            pe,
            "ter" + root,
            root + "an",
            root + "nya",
            "ke" + root + "an",
        ]
    seen = set(head)
    tail = [w for w in dict.fromkeys(forms) if w not in seen and 2 <= len(w) <= 20]
    random.Random(83).shuffle(tail)
    words = head[:60] + tail[:400] + head[60:] + tail[400:]
    return Vocabulary(words, [round(1_000_000 / (rank + 1)) for rank in range(len(words))], "builtin")


def load_vocabulary(data_dir: Path) -> Vocabulary:
    """The vocabulary a build used (``synthetic-vocab.json``), so queries match the text without rebuilding."""
    return Vocabulary.from_json(json.loads((Path(data_dir) / VOCAB_FILE).read_text(encoding="utf-8")))


def _slot_table(words: list[str], weights: list[int], bits: int) -> list[str]:
    """A table of ``2**bits`` words in which each word fills slots in proportion to its weight (largest remainder;
    every word keeps at least one slot, taken from the heaviest words when the table is tight)."""
    size = 1 << bits
    total = sum(weights)
    slots = [max(1, w * size // total) for w in weights]
    diff = size - sum(slots)
    if diff > 0:  # hand the rounding leftovers to the largest remainders
        order = sorted(range(len(words)), key=lambda i: (-(weights[i] * size % total), i))
        for i in order[:diff]:
            slots[i] += 1
    while diff < 0:
        for i in sorted(range(len(words)), key=lambda i: -slots[i]):
            if diff == 0:
                break
            if slots[i] > 1:
                slots[i] -= 1
                diff += 1
    table: list[str] = []
    for word, n in zip(words, slots, strict=True):
        table.extend([word] * n)
    return table


_TAIL = "\x00"  # never a word: a head slot that says "draw from the tail table instead"


@dataclass
class _Sampler:
    """Frequency-weighted words, fast: a uniform random slot of a table in which each word fills slots in
    proportion to its count is a frequency-weighted word.

    Why two tables: slots must come from ``randbytes`` through ``map`` with no Python-level loop per word (a
    million descriptions are ~130 million words), and C can only cut bytes into 16-bit indexes, so the head table
    has 65,536 slots. Too coarse for the long tail: the mass below one head slot (the rare words and the rounding
    remainders, ~5-10 % of draws) sits in ``_TAIL`` slots, and each such draw is replaced by a draw from a finer
    tail table. The result is the corpus distribution to within one part in about 2**20.
    """

    head: list[str]
    tail: list[str]
    tail_bits: int

    @classmethod
    def build(cls, words: list[str], counts: list[int]) -> _Sampler:
        total = sum(counts)
        head_size = 1 << 16
        head_slots = [c * head_size // total for c in counts]
        head = [w for w, h in zip(words, head_slots, strict=True) for _ in range(h)]
        residual = [(w, c * head_size - h * total) for w, c, h in zip(words, counts, head_slots, strict=True)]
        residual = [(w, r) for w, r in residual if r > 0]
        if not residual:
            return cls(head, [], 0)
        head += [_TAIL] * (head_size - len(head))
        tail_bits = min(20, max(12, (16 * len(residual)).bit_length()))
        tail = _slot_table([w for w, _ in residual], [r for _, r in residual], tail_bits)
        return cls(head, tail, tail_bits)

    def draw(self, rng: random.Random, count: int) -> list[str]:
        words = list(map(self.head.__getitem__, memoryview(rng.randbytes(2 * count)).cast("H")))
        if self.tail:
            tail, bits, getrandbits, index = self.tail, self.tail_bits, rng.getrandbits, words.index
            i = -1
            try:
                while True:
                    i = index(_TAIL, i + 1)
                    words[i] = tail[getrandbits(bits)]
            except ValueError:
                pass
        return words


# ---- classification codes, units, years ---------------------------------------------------------------------------
_SECOND_LEVEL = {"000": 9, "100": 4, "200": 3, "300": 2, "400": 14, "500": 19, "600": 12, "700": 2, "800": 2, "900": 2}
_KNOWN_CODES = (
    "000.1.5",
    "000.5.6.2",
    "000.5.3.2",
    "000.8.3.3",
    "100.3.2",
    "100.3.3.2",
    "400.14.1",
    "500.12.18.1",
    "800.1.11",
    "900.1.3",
    "900.1.3.10",
)


def classification_codes(count: int = 200) -> list[str]:
    """``count`` plausible Permendagri 83/2022 codes (``000.5.6.2``), always the same, the well-known ones first.

    The real scheme has ten main codes with 2–19 subdivisions each and up to two further levels; codes are drawn
    from that shape with a fixed seed, so every build and every query sampler sees the same list.
    """
    rng = random.Random(832022)
    codes = list(_KNOWN_CODES)
    seen = set(codes)
    tops = sorted(_SECOND_LEVEL)
    while len(codes) < count:
        top = rng.choice(tops)
        parts = [top, str(rng.randint(1, _SECOND_LEVEL[top]))]
        depth = rng.choices((1, 2, 3), weights=(1, 5, 3))[0]
        if depth >= 2:
            parts.append(str(rng.randint(1, 20 if depth == 2 else 12)))
        if depth == 3:
            parts.append(str(rng.randint(1, 12)))
        code = ".".join(parts)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes[:count]


def _zipf_weights(count: int, s: float) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(count)]


def _cumulative(weights: list[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


def year_plan(n: int) -> list[tuple[int, int, int]]:
    """``(year, first id, count)`` per year: ids grow with time like a real archive's, more records every year as
    digitisation spreads, 2026 counted until ``LAST_DOC_DATE``. Record numbers are ``ARS/<year>/<seq>``."""
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    weights = [1.0 + 0.18 * (y - FIRST_YEAR) for y in years]
    weights[-1] *= (LAST_DOC_DATE.timetuple().tm_yday) / 365
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(years)), key=lambda i: counts[i] - exact[i])[: n - sum(counts)]:
        counts[i] += 1
    plan, first = [], 1
    for year, count in zip(years, counts, strict=True):
        plan.append((year, first, count))
        first += count
    return plan


# ---- row generation -------------------------------------------------------------------------------------------------
_EPOCH = date(1970, 1, 1).toordinal()
_FIRST_DAY = date(FIRST_YEAR, 1, 1).toordinal() - _EPOCH  # epoch day of the first possible document
_AS_OF_TS = (AS_OF.toordinal() - _EPOCH) * 86400 + 10 * 3600
_DOC_TYPE_CUM = _cumulative([float(w) for _, w, _ in DOC_TYPES])
_FORMS_CUM = _cumulative([float(w) for _, w in AVAILABLE_FORMS])
_QTY_CUM = _cumulative([float(w) for _, w in QUANTITY_UNITS])
_KIP_CUM = _cumulative([float(w) for _, w in KIP_WEIGHTS])

# Columns every chunk sets itself; all others take one value for all rows (``_Plan.constants``).
_VARYING = (
    "id",
    "record_no",
    "file_no",
    "creator_org",
    "processing_unit",
    "classification_code",
    "title",
    "description",
    "doc_date",
    "period_start",
    "period_end",
    "development_level",
    "quantity",
    "quantity_unit",
    "is_vital",
    "dip_summary",
    "controlling_unit",
    "responsible_official",
    "available_forms",
    "dip_retention_text",
    "kip_category",
    "proposed_kip_category",
    "receipt_no",
    "control_card_no",
    "published_url",
    "step_started_at",
    "published_at",
    "created_at",
    "updated_at",
)
_CONSTANTS: dict[str, Any] = {
    "version": 1,
    "classification_scheme": "permendagri_83_2022",
    "media": "elektronik",
    "security_class": "biasa_terbuka",
    "access_groups": [],
    "is_terjaga": False,
    "created_place": TOWN,
    "publication_state": "dipublikasikan",
    "public_version": 1,  # published: the live row is its approved public version (services/public_versions.py)
    "verification_round": 1,  # verified once by the secretariat, then fixed open and published
    "archival_state": "aktif",
    "legal_hold": False,
    "exemption_no_expiry": False,
}


def _bind(dialect: Dialect, column: Column[Any], value: Any) -> Any:
    """``value`` as SQLAlchemy would store it in ``column`` (the column type's own bind processor)."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None and value is not None else value


@dataclass
class _Plan:
    """Everything a chunk needs, built once and shipped to the generator processes (picklable, no database).

    Rows are made as tuples of *stored* values (the text SQLite keeps for a date, a UTC datetime, a JSON list)
    in the order of ``columns``. Why: SQLAlchemy's per-row parameter processing cost more than SQLite's insert
    itself, and it ran in the one process that must write serially. The generators do it instead, with values
    that come from the column types' own bind processors (constants, dates, JSON) or are checked against them
    (datetimes, see `_check_formats`); `_verify_sample` reads rows back through the ORM after the load.
    """

    n: int
    seed: int
    desc_words: _Sampler
    title_words: _Sampler  # content words only (no stop words, four letters or more): titles name things
    unit_cum: list[float]
    unit_codes: list[tuple[list[str], list[float]]]  # per unit: codes and their cumulative weights
    years: list[tuple[int, int, int]]
    base_url: str
    columns: list[str]
    constants: dict[str, Any]
    day_text: list[str]  # stored DATE of epoch day ``_FIRST_DAY + i``
    bool_text: tuple[Any, Any]
    forms_text: list[Any]

    @property
    def chunks(self) -> int:
        return math.ceil(self.n / CHUNK)

    def datetime_text(self, ts: int) -> str:
        """Stored UTC DATETIME of a whole-second Unix time (what `UTCDateTime` writes on SQLite)."""
        day, second = divmod(ts, 86400)
        return (
            f"{self.day_text[day - _FIRST_DAY]} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000000"
        )


def _make_plan(n: int, seed: int, vocab: Vocabulary, base_url: str, dialect: Dialect) -> _Plan:
    from indexer.analysis import STOP_WORDS

    table = Record.__table__
    columns = [c.name for c in table.columns]
    unknown = set(_VARYING) - set(columns)
    if unknown:
        raise RuntimeError(f"records has no column {sorted(unknown)}; update benchmarks/synthetic.py")
    constants: dict[str, Any] = {}
    for column in table.columns:
        if column.name in _VARYING:
            continue
        if column.name in _CONSTANTS:
            value = _CONSTANTS[column.name]
        elif column.nullable:
            value = None
        elif column.default is not None and column.default.is_scalar:
            value = column.default.arg  # a column added after this file was written: its own default
        else:
            raise RuntimeError(f"records.{column.name} is NOT NULL without a scalar default; set it in synthetic.py")
        constants[column.name] = _bind(dialect, column, value)

    content = [(w, c) for w, c in zip(vocab.words, vocab.counts, strict=True) if len(w) >= 4 and w not in STOP_WORDS]
    content = content or list(zip(vocab.words, vocab.counts, strict=True))

    codes = classification_codes()
    code_rank = {code: rank for rank, code in enumerate(codes)}
    code_weight = dict(zip(codes, _zipf_weights(len(codes), 0.7), strict=True))
    common = [c for c in codes if c.split(".", 1)[0] in COMMON_TOPS]
    unit_codes = []
    for _, _, tops in UNITS:
        own = [c for c in codes if c.split(".", 1)[0] in tops]
        own_total = sum(code_weight[c] for c in own)
        common_total = sum(code_weight[c] for c in common)
        weights: dict[str, float] = {}
        for c in own:
            weights[c] = weights.get(c, 0.0) + OWN_BUSINESS_SHARE * code_weight[c] / own_total
        for c in common:
            weights[c] = weights.get(c, 0.0) + (1 - OWN_BUSINESS_SHARE) * code_weight[c] / common_total
        ordered = sorted(weights, key=code_rank.__getitem__)
        unit_codes.append((ordered, _cumulative([weights[c] for c in ordered])))

    doc_date, is_vital, forms = table.c.doc_date, table.c.is_vital, table.c.available_forms
    last_day = date(LAST_YEAR + 1, 1, 1).toordinal() - _EPOCH  # room for period_end and late publications
    plan = _Plan(
        n=n,
        seed=seed,
        desc_words=_Sampler.build(vocab.words, vocab.counts),
        title_words=_Sampler.build([w for w, _ in content], [c for _, c in content]),
        unit_cum=_cumulative(_zipf_weights(len(UNITS), 0.9)),
        unit_codes=unit_codes,
        years=year_plan(n),
        base_url=base_url.rstrip("/"),
        columns=columns,
        constants=constants,
        day_text=[_bind(dialect, doc_date, date.fromordinal(d + _EPOCH)) for d in range(_FIRST_DAY, last_day + 1)],
        bool_text=(_bind(dialect, is_vital, False), _bind(dialect, is_vital, True)),
        forms_text=[_bind(dialect, forms, value) for value, _ in AVAILABLE_FORMS],
    )
    _check_formats(plan, dialect)
    return plan


def _check_formats(plan: _Plan, dialect: Dialect) -> None:
    """Fail before loading if the fast datetime text differs from what `UTCDateTime` itself would store."""
    column = Record.__table__.c.created_at
    first = _FIRST_DAY * 86400
    for ts in (first, first + 3661, first + 86399, _AS_OF_TS, (first + _AS_OF_TS) // 2 + 12345):
        expected = _bind(dialect, column, datetime.fromtimestamp(ts, UTC))
        if plan.datetime_text(ts) != expected:
            raise RuntimeError(f"stored datetime format changed: {plan.datetime_text(ts)!r} != {expected!r}")


def _chunk_rows(plan: _Plan, chunk_no: int) -> list[tuple[Any, ...]]:
    """The rows of chunk ``chunk_no`` (ids ``chunk_no * CHUNK + 1`` …) as stored-value tuples in ``plan.columns``
    order, from the chunk's own seeded Random."""
    rng = random.Random(plan.seed * 1_000_003 + chunk_no)
    rand = rng.random
    first = chunk_no * CHUNK + 1
    last = min(plan.n, first + CHUNK - 1)
    count = last - first + 1
    desc_lens = [60 + int(rand() * 141) for _ in range(count)]
    title_lens = [4 + int(rand() * 9) for _ in range(count)]
    desc_total = sum(desc_lens)
    desc_words = plan.desc_words.draw(rng, desc_total)
    title_words = plan.title_words.draw(rng, sum(title_lens))
    # Sentences of 6-18 words over the chunk's whole word stream: a full stop after the last word, a capital on
    # the next. Marking the stream once is far cheaper than joining and capitalising sentence by sentence.
    pos = -1
    for step in rng.randbytes(desc_total // 6 + 1):
        pos += 6 + step % 13
        if pos >= desc_total - 1:
            break
        desc_words[pos] += "."
        desc_words[pos + 1] = desc_words[pos + 1].capitalize()

    year_starts = [start for _, start, _ in plan.years]
    # Per year: epoch days of 1 January, of the last possible document date, and of 31 December.
    year_days = {
        year: (
            date(year, 1, 1).toordinal() - _EPOCH,
            (LAST_DOC_DATE if year == LAST_YEAR else date(year, 12, 31)).toordinal() - _EPOCH,
            date(year, 12, 31).toordinal() - _EPOCH,
        )
        for year, _, _ in plan.years
    }
    day_text, datetime_text, bool_text = plan.day_text, plan.datetime_text, plan.bool_text
    unit_cum, unit_total = plan.unit_cum, plan.unit_cum[-1]
    as_row = itemgetter(*plan.columns)
    constants = plan.constants
    rows: list[tuple[Any, ...]] = []
    dpos = tpos = 0
    for j in range(count):
        rid = first + j
        year, year_first, _ = plan.years[bisect_right(year_starts, rid) - 1]
        seq = rid - year_first + 1
        unit_index = bisect_right(unit_cum, rand() * unit_total)
        unit_code, unit_name, _ = UNITS[unit_index]
        codes, code_cum = plan.unit_codes[unit_index]
        code = codes[bisect_right(code_cum, rand() * code_cum[-1])]
        kip = KIP_WEIGHTS[bisect_right(_KIP_CUM, rand() * _KIP_CUM[-1])][0]

        first_day, last_day, year_end = year_days[year]
        doc_day = first_day + int(rand() * (last_day - first_day + 1))
        # Registered 0-45 days after the document's date, in office hours (08-16 WIB = 01-09 UTC); published
        # after the SOP's verification steps, 1-30 days later.
        created_ts = doc_day * 86400 + int(rand() * 46) * 86400 + 3600 + int(rand() * 8 * 3600)
        published_ts = min(created_ts + 86400 + int(rand() * 29 * 86400), _AS_OF_TS)
        created = datetime_text(min(created_ts, published_ts))
        published = datetime_text(published_ts)

        # Title: a document type, content words, often the year.
        doc_type, _, with_tentang = DOC_TYPES[bisect_right(_DOC_TYPE_CUM, rand() * _DOC_TYPE_CUM[-1])]
        tlen = title_lens[j]
        with_year = rand() < 0.4
        n_content = max(1, tlen - doc_type.count(" ") - 1 - (2 if with_year else 0) - (1 if with_tentang else 0))
        subject = " ".join(title_words[tpos : tpos + n_content])
        tpos += tlen
        title = f"{doc_type} {'tentang ' if with_tentang else ''}{subject.title()}"
        if with_year:
            title += f" Tahun {year}"

        # Description: a stretch of the stream; it opens with a capital and closes with a full stop like any text.
        description = " ".join(desc_words[dpos : dpos + desc_lens[j]])
        dpos += desc_lens[j]
        description = description[:1].upper() + description[1:]
        if not description.endswith("."):
            description += "."

        external = rand() < 0.08
        berkala = kip == "berkala"
        row = {
            **constants,
            "id": rid,
            "record_no": f"ARS/{year}/{seq:06d}",
            "file_no": f"{code}/{1 + int(rand() * 2999)}/{unit_code.upper().replace('-', '.')}/{year}"
            if rand() < 0.8
            else None,
            "creator_org": EXTERNAL_CREATORS[int(rand() * len(EXTERNAL_CREATORS))]
            if external
            else f"{unit_name} {REGION}",
            "processing_unit": unit_code,
            "classification_code": code,
            "title": title,
            "description": description,
            "doc_date": day_text[doc_day - _FIRST_DAY],
            # Periodic information covers a period: the calendar year of the report.
            "period_start": day_text[first_day - _FIRST_DAY] if berkala else None,
            "period_end": day_text[year_end - _FIRST_DAY] if berkala else None,
            "development_level": "salinan" if external or rand() < 0.05 else "asli",
            "quantity": 1 + int(rand() ** 3 * 300),
            "quantity_unit": QUANTITY_UNITS[bisect_right(_QTY_CUM, rand() * _QTY_CUM[-1])][0],
            "is_vital": bool_text[rand() < 0.02],
            "dip_summary": f"{doc_type} mengenai {subject} pada {unit_name} tahun {year}.",
            "controlling_unit": unit_name,
            "responsible_official": f"Kepala {unit_name}" if rand() < 0.7 else f"PPID Pelaksana {unit_name}",
            "available_forms": plan.forms_text[bisect_right(_FORMS_CUM, rand() * _FORMS_CUM[-1])],
            "dip_retention_text": RETENTION_TEXT[kip][int(rand() * len(RETENTION_TEXT[kip]))],
            "kip_category": kip,
            "proposed_kip_category": kip,
            "receipt_no": f"TT/{created[:4]}/{created[5:7]}/{seq:04d}",
            "control_card_no": f"KK/{created[:4]}/{seq:04d}",
            "published_url": f"{plan.base_url}/informasi/{rid}",
            "step_started_at": published,
            "published_at": published,
            "created_at": created,
            "updated_at": published,
        }
        rows.append(as_row(row))
    return rows


# Generator process state: the plan arrives once through the pool initializer, not with every chunk.
_WORKER_PLAN: _Plan | None = None


def _init_worker(plan: _Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan
    # Chunks are lists of tuples of strings and numbers: no reference cycles, so the cyclic collector only costs.
    gc.disable()


def _worker_chunk(chunk_no: int) -> list[tuple[Any, ...]]:
    assert _WORKER_PLAN is not None
    return _chunk_rows(_WORKER_PLAN, chunk_no)


def _generate(plan: _Plan, workers: int) -> Iterator[list[tuple[Any, ...]]]:
    """Chunks in order. With ``workers`` > 0 they are made in other processes, at most a few ahead of the
    inserter (a sliding window, so memory stays bounded when the database is the slower side). Workers are
    spawned, not forked: the parent has threads (the progress bar) and an open database."""
    if workers <= 0:
        for chunk_no in range(plan.chunks):
            yield _chunk_rows(plan, chunk_no)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(plan,)) as pool:
        window: deque[Future[list[tuple[Any, ...]]]] = deque()
        next_chunk = 0
        while next_chunk < plan.chunks or window:
            while next_chunk < plan.chunks and len(window) < 2 * workers + 1:
                window.append(pool.submit(_worker_chunk, next_chunk))
                next_chunk += 1
            yield window.popleft().result()


# ---- build ----------------------------------------------------------------------------------------------------------
def _read_marker(data_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((data_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(data_dir: Path, payload: dict[str, Any]) -> None:
    tmp = data_dir / (MARKER + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, data_dir / MARKER)


def _db_path(settings: Settings) -> Path:
    prefix = "sqlite:///"
    if not settings.database_url.startswith(prefix):
        raise RuntimeError(f"synthetic databases are SQLite only, not {settings.database_url}")
    return Path(settings.database_url[len(prefix) :])


def _record_count(db_path: Path) -> int | None:
    """Rows of ``records``, or None when there is no database or no table yet (read-only, nothing created)."""
    import sqlite3

    if not db_path.exists():
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()


def _db_size(db_path: Path) -> int:
    return sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*") if p.is_file())


def _wipe(data_dir: Path, settings: Settings, db_path: Path) -> None:
    """Remove what an earlier synthetic build left (database, its index, vocabulary) before building anew."""
    for path in db_path.parent.glob(db_path.name + "*"):
        path.unlink()
    index = settings.search_url.removeprefix("tantivy://")
    if settings.search_url.startswith("tantivy://") and Path(index).is_dir():
        shutil.rmtree(index)
    for name in (VOCAB_FILE, MARKER):
        (data_dir / name).unlink(missing_ok=True)


def _vocabulary(corpus: Path | None) -> Vocabulary:
    corpus = DEFAULT_CORPUS if corpus is None else Path(corpus)
    if (corpus / "MANIFEST.csv").is_file():
        vocab = corpus_vocabulary(corpus)
        if vocab.words:
            return vocab
        print(f"synthetic: no text read from {corpus}; using the built-in vocabulary", file=sys.stderr)
    else:
        print(
            f"synthetic: corpus not found at {corpus}; using the built-in vocabulary of Indonesian administrative "
            "words (search statistics are less realistic)",
            file=sys.stderr,
        )
    return builtin_vocabulary()


def _insert_reference_rows(conn: Connection, plan: _Plan, created_at: datetime) -> None:
    units = [{"code": code, "name": name, "created_at": created_at} for code, name, _ in UNITS]
    conn.execute(sqlite_insert(WorkUnit.__table__).on_conflict_do_nothing(), units)
    # Record numbers are unique: the app's counters continue where the synthetic ones end.
    counters = [{"name": f"record_no:{year}", "value": count} for year, _, count in plan.years if count]
    if counters:
        stmt = sqlite_insert(CounterRow.__table__)
        conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"value": stmt.excluded.value}), counters)


def build_database(
    data_dir: Path,
    n: int = 1_000_000,
    *,
    seed: int = 2026,
    corpus: Path | None = None,
    progress: bool = True,
    workers: int | None = None,
) -> Path:
    """Create (or reuse) an Arsip data folder holding ``n`` published open records; returns the folder.

    Reused as is when ``synthetic.json`` says a complete build of this version, ``n`` and ``seed`` and the
    database holds exactly ``n`` records. A folder built by this function otherwise is wiped and rebuilt (its
    search index too, which would be stale); a folder with records not made here is refused, never overwritten.
    ``workers`` generator processes (default: one per two cores, at most three; none on one core or below
    100,000 records) make chunks while this process inserts them.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    data_dir = Path(data_dir).resolve()
    settings = Settings(data_dir=data_dir)
    db_path = _db_path(settings)
    marker = _read_marker(data_dir)
    existing = _record_count(db_path)
    if (
        marker
        and marker.get("complete")
        and (marker.get("version"), marker.get("n"), marker.get("seed")) == (VERSION, n, seed)
        and existing == n
        and (data_dir / VOCAB_FILE).is_file()
    ):
        print(f"synthetic: reusing {data_dir} ({n:,} records, seed {seed})", file=sys.stderr)
        return data_dir
    if marker is not None:
        _wipe(data_dir, settings, db_path)
    elif existing:
        raise RuntimeError(
            f"{data_dir} holds {existing:,} records not built by benchmarks/synthetic.py; not touching it"
        )

    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    _write_marker(data_dir, {"version": VERSION, "n": n, "seed": seed, "complete": False})
    vocab = _vocabulary(corpus)
    (data_dir / VOCAB_FILE).write_text(json.dumps(vocab.to_json(), ensure_ascii=False), encoding="utf-8")
    vocab_seconds = time.perf_counter() - started

    rt = Runtime.from_settings(settings)
    try:
        rt.migrate()
        engine = rt.db.engine
        plan = _make_plan(n, seed, vocab, settings.public_base_url, engine.dialect)
        if workers is None:
            # Generating a chunk costs about what inserting it does: one generator per writer core. Starting a
            # process costs a few chunks' worth of time, so small builds generate inline.
            cores = os.cpu_count() or 1
            workers = 0 if cores < 2 or plan.chunks < 10 else min(3, cores // 2)
        load_started = time.perf_counter()
        with engine.connect() as conn:
            # Bulk load only: no fsync per commit, a big page cache for the index B-trees. Set on the DBAPI
            # connection (autocommit, outside any transaction) and put back afterwards: the pool reuses it.
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA synchronous=OFF")
            raw.execute("PRAGMA cache_size=-262144")  # KiB: 256 MB
            try:
                with conn.begin():
                    _insert_reference_rows(conn, plan, datetime(FIRST_YEAR - 1, 12, 1, 2, tzinfo=UTC))
                insert_seconds = _load(conn, plan, workers, progress)
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.execute("PRAGMA synchronous=NORMAL")
                raw.execute("PRAGMA cache_size=-2000")
        load_seconds = time.perf_counter() - load_started
        _verify_sample(rt, n)
    finally:
        rt.close()

    count = _record_count(db_path)
    if count != n:
        raise RuntimeError(f"synthetic: expected {n:,} records, found {count}")
    seconds = time.perf_counter() - started
    size = _db_size(db_path)
    _write_marker(
        data_dir,
        {
            "version": VERSION,
            "n": n,
            "seed": seed,
            "complete": True,
            "vocabulary": {"source": vocab.source, "files": len(vocab.files), "words": len(vocab.words)},
            "seconds": round(seconds, 1),
            "db_bytes": size,
        },
    )
    rate = n / load_seconds if load_seconds else 0.0
    print(
        f"synthetic: {n:,} records in {seconds:.1f} s (vocabulary {vocab_seconds:.1f} s, load {load_seconds:.1f} s, "
        f"{rate:,.0f} rows/s; {insert_seconds:.1f} s of it inserting, {workers} generator process(es)), "
        f"DB {size / 1e6:,.0f} MB at {db_path}",
        file=sys.stderr,
    )
    return data_dir


def _load(conn: Connection, plan: _Plan, workers: int, progress: bool) -> float:
    """Insert every chunk, one transaction each, as an executemany of the statement Core compiles for
    ``insert(Record.__table__)`` over stored-value tuples (see `_Plan` for why not ``conn.execute(insert, dicts)``).
    Returns the seconds spent inserting (the rest of the load is waiting for the generators).

    The cyclic garbage collector is paused meanwhile: millions of short-lived tuples would trigger it constantly."""
    compiled = insert(Record.__table__).compile(dialect=conn.dialect, column_keys=plan.columns)
    if list(compiled.positiontup or ()) != plan.columns:
        raise RuntimeError("the compiled INSERT does not take the columns in table order")
    sql = str(compiled)
    inserting = 0.0

    def insert_all(advance: Callable[[int], None]) -> None:
        nonlocal inserting
        for rows in _generate(plan, workers):
            started = time.perf_counter()
            with conn.begin():
                conn.exec_driver_sql(sql, rows)
            inserting += time.perf_counter() - started
            advance(len(rows))

    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if not progress:
            insert_all(lambda _: None)
            return inserting
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("records"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("records", total=plan.n)
            insert_all(lambda count: bar.advance(task, count))
        return inserting
    finally:
        if gc_was_enabled:
            gc.enable()


def _verify_sample(rt: Runtime, n: int) -> None:
    """Read a few records back through the ORM and check that what is stored is exactly what SQLAlchemy itself
    would store for those values, and that they are published open records: the fast path must not drift."""
    if n == 0:
        return
    columns = list(Record.__table__.columns)
    select_sql = f"SELECT {', '.join(c.name for c in columns)} FROM records WHERE id = ?"
    open_categories = {category for category, _ in KIP_WEIGHTS}
    dialect = rt.db.engine.dialect
    with rt.db.read() as session:
        for record_id in sorted({1, (n + 1) // 2, n}):
            record = session.get(Record, record_id)
            if record is None:
                raise RuntimeError(f"synthetic: record {record_id} is missing")
            public = (
                record.publication_state == "dipublikasikan"
                and record.security_class == "biasa_terbuka"
                and record.kip_category in open_categories
                and record.published_at is not None
            )
            if not public:
                raise RuntimeError(f"synthetic: record {record_id} is not a published open record")
            stored = session.connection().exec_driver_sql(select_sql, (record_id,)).one()
            for column, raw in zip(columns, stored, strict=True):
                expected = _bind(dialect, column, getattr(record, column.key))
                if expected != raw:
                    raise RuntimeError(
                        f"synthetic: records.{column.name} stored {raw!r}, SQLAlchemy writes {expected!r}"
                    )


# ---- queries --------------------------------------------------------------------------------------------------------
def sample_queries(data_dir: Path, n: int = 1000, *, seed: int = 7) -> list[dict[str, str | list[str]]]:
    """``n`` parameter dicts for ``GET /api/v1/public/search`` in the `QUERY_MIX` proportions, deterministic in
    ``seed``; lists are repeated query parameters (``kip_category=…&kip_category=…``)."""
    return [params for _, params in sample_queries_by_kind(data_dir, n, seed=seed)]


def sample_queries_by_kind(
    data_dir: Path, n: int = 1000, *, seed: int = 7
) -> list[tuple[str, dict[str, str | list[str]]]]:
    """Like `sample_queries`, each dict paired with its `QUERY_MIX` kind, for per-kind latency reports.

    Words come from the build's vocabulary with its frequencies, so "common" means common in the indexed text and
    "rare" means a long-tail word that does occur; phrases are adjacent words of actual stored descriptions.
    """
    from indexer.analysis import STOP_WORDS

    data_dir = Path(data_dir).resolve()
    vocab = load_vocabulary(data_dir)
    marker = _read_marker(data_dir) or {}
    built_n = int(marker.get("n") or 0)
    rng = random.Random(seed)

    content = [
        (w, c)
        for w, c in zip(vocab.words, vocab.counts, strict=True)
        if len(w) >= 3 and w not in STOP_WORDS and w.isalpha()
    ]
    if not content:
        raise RuntimeError(f"{data_dir / VOCAB_FILE} has no usable words")
    head = content[:300]
    mid = content[:3000]
    tail_cut = max(1, len(content) * 4 // 5)
    rare = [w for w, c in content if c <= 3] or [w for w, _ in content[tail_cut:]] or [content[-1][0]]

    def weighted(pool: list[tuple[str, int]]) -> str:
        return rng.choices([w for w, _ in pool], weights=[c for _, c in pool])[0]

    known = set(vocab.words)

    def nonsense() -> str:
        while True:
            word = "".join(rng.choice("qxzjvwky") + rng.choice("aiueo") for _ in range(3)) + rng.choice("qxz")
            if word not in known:
                return word

    counts = {kind: int(n * share) for kind, share in QUERY_MIX.items()}
    for kind in sorted(QUERY_MIX, key=lambda k: -QUERY_MIX[k])[: n - sum(counts.values())]:
        counts[kind] += 1
    kinds = [kind for kind, count in counts.items() for _ in range(count)]
    rng.shuffle(kinds)

    phrases = _phrases(data_dir, built_n, counts.get("phrase", 0), rng)
    codes = classification_codes()
    plan_years = year_plan(built_n) if built_n else []
    unit_cum = _cumulative(_zipf_weights(len(UNITS), 0.9))
    years = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]

    out: list[tuple[str, dict[str, str | list[str]]]] = []
    for kind in kinds:
        params: dict[str, str | list[str]] = {}
        if kind == "rare":
            params["q"] = rng.choice(rare)
        elif kind == "zero":
            params["q"] = nonsense()
        elif kind == "common":
            params["q"] = weighted(head)
        elif kind == "and":
            first = weighted(mid)
            second = weighted(mid)
            while second == first:
                second = weighted(mid)
            params["q"] = f"{first} {second}"
        elif kind == "phrase":
            params["q"] = f'"{phrases.pop()}"' if phrases else f'"{weighted(head)} {weighted(head)}"'
        elif kind == "facet":
            params["q"] = weighted(mid) if rng.random() < 0.7 else ""
            for facet in rng.sample(("kip_category", "year", "unit", "class_top"), rng.choice((1, 1, 2))):
                if facet == "kip_category":
                    values = rng.choices([k for k, _ in KIP_WEIGHTS], weights=[w for _, w in KIP_WEIGHTS], k=2)
                    params[facet] = sorted(set(values[: rng.choice((1, 1, 2))]))
                elif facet == "year":
                    params[facet] = sorted(set(rng.sample(years, rng.choice((1, 1, 2)))))
                elif facet == "unit":
                    params[facet] = [UNITS[bisect_right(unit_cum, rng.random() * unit_cum[-1])][0]]
                else:
                    params[facet] = [rng.choice(sorted(_SECOND_LEVEL))]
            if rng.random() < 0.3:
                params["sort"] = "date_desc"
        elif kind == "prefix":
            word = weighted([(w, c) for w, c in mid if len(w) >= 6] or mid)
            params["q"] = word[: rng.randint(3, min(6, len(word) - 1))] + "*"
        else:  # code_or
            pick = rng.random()
            if pick < 0.25:
                params["q"] = ".".join(rng.choice(codes).split(".")[:2])  # a code prefix, e.g. 000.5
            elif pick < 0.45:
                params["q"] = rng.choice(codes)
            elif pick < 0.55 and plan_years:
                year, _, count = rng.choice([p for p in plan_years if p[2]])
                params["q"] = f"ARS/{year}/{rng.randint(1, count):06d}"
            else:
                params["q"] = f"{weighted(mid)} OR {weighted(mid)}"
        if kind in ("common", "and", "facet") and rng.random() < 0.12:
            params["page"] = str(rng.randint(2, 5))
        if kind in ("common", "and") and "sort" not in params and rng.random() < 0.08:
            params["sort"] = "date_desc"
        out.append((kind, params))
    return out


def _phrases(data_dir: Path, built_n: int, count: int, rng: random.Random) -> list[str]:
    """``count`` pairs of adjacent words (same sentence, neither a stop-word-only pair) from stored descriptions."""
    import sqlite3

    from indexer.analysis import STOP_WORDS

    db_path = _db_path(Settings(data_dir=data_dir))
    if not count or not built_n or not db_path.exists():
        return []
    ids = sorted({rng.randint(1, built_n) for _ in range(count * 2)})
    descriptions: list[str | None] = []
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for start in range(0, len(ids), 500):  # SQLite caps the number of parameters of one statement
            batch = ids[start : start + 500]
            sql = f"SELECT description FROM records WHERE id IN ({','.join('?' * len(batch))}) ORDER BY id"
            descriptions += [d for (d,) in conn.execute(sql, batch)]
    finally:
        conn.close()
    out: list[str] = []
    for description in descriptions:
        tokens = (description or "").split()
        candidates = [
            (a, b.rstrip("."))
            for a, b in itertools.pairwise(tokens)
            if not a.endswith(".") and len(a) >= 3 and len(b.rstrip(".")) >= 3
            if not (a.lower() in STOP_WORDS and b.rstrip(".").lower() in STOP_WORDS)
        ]
        if candidates:
            a, b = rng.choice(candidates)
            out.append(f"{a.lower()} {b.lower()}")
    rng.shuffle(out)
    return out[:count]


# ---- command line ---------------------------------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    """Peak resident memory of this process and its finished children (the generator), in MB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of records (default 1,000,000)")
    parser.add_argument("--data-dir", type=Path, required=True, help="Arsip data folder to create or reuse")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--corpus", type=Path, default=None, help=f"default {DEFAULT_CORPUS}")
    parser.add_argument("--workers", type=int, default=None, help="generator processes (0: generate inline)")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--queries", type=int, default=0, help="also print this many sample queries as JSON lines")
    args = parser.parse_args(argv)
    build_database(
        args.data_dir,
        args.n,
        seed=args.seed,
        corpus=args.corpus,
        progress=not args.no_progress,
        workers=args.workers,
    )
    print(f"synthetic: peak RSS {_peak_rss_mb():,.0f} MB (largest of this process and its children)", file=sys.stderr)
    if args.queries:
        for kind, params in sample_queries_by_kind(args.data_dir, args.queries):
            print(json.dumps({"kind": kind, "params": params}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
