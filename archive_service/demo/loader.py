"""``arsip demo``: a small, realistic office to click through.

Units and users mirror a Diskominfo PPID office. Records come from ``../shared/corpus`` when it is present (real
documents), otherwise from PDFs generated here. Running it twice adds nothing twice.

A few corpus documents are loaded the way ``arsip ingest`` loads a folder without a metadata CSV: without a
title. They are named after their files at first, and the extraction at the end of the load replaces each name by
the title derived from the document's first page (services/titles.py), so the demo shows those titles too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from schemas.enums import TitleSource

from ..config import Settings
from ..db import Record, User, WorkUnit
from ..runtime import Runtime
from ..services import auth, indexing, jra, records, workflow
from ..services.actor import SYSTEM
from ..services.uploads import Upload
from ..storage import stage_stream
from ..workflow.table import MAIN_LINE
from .pdfgen import make_pdf
from .requests_demo import load_demo_requests

JRA_SAMPLE = Path(__file__).resolve().parent.parent / "data" / "jra_sample.csv"

# The demo office's letterhead and place of signing (ARSIP_INSTITUTION_NAME, ARSIP_OFFICE_NAME,
# ARSIP_OFFICE_ADDRESS, ARSIP_OFFICE_CITY): a regional Diskominfo, so printed documents look like the real thing.
# Applied only to settings still at their defaults: whatever the operator configured wins.
DEMO_OFFICE = {
    "institution_name": "Pemerintah Kabupaten Sleman",
    "office_name": "Dinas Komunikasi dan Informatika",
    "office_address": "Jl. Parasamya No. 1, Beran, Tridadi, Sleman, Daerah Istimewa Yogyakarta 55511",
    "office_city": "Sleman",
}


def demo_settings(settings: Settings) -> Settings:
    """``settings`` with the demo office filled into the letterhead settings left at their defaults (in place)."""
    defaults = Settings.__dataclass_fields__
    for name, value in DEMO_OFFICE.items():
        if getattr(settings, name) in ("", None, defaults[name].default):
            setattr(settings, name, value)
    return settings


DEMO_PASSWORD = "arsip-demo-2026"

UNITS = [
    ("diskominfo", "Dinas Komunikasi dan Informatika"),
    ("setda", "Sekretariat Daerah"),
    ("bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("dpmptsp", "Dinas Penanaman Modal dan PTSP"),
]

USERS = [
    ("admin", "Administrator Arsip", "admin", None),
    ("ppid", "Pejabat Pengelola Informasi dan Dokumentasi", "ppid", None),
    ("atasan", "Atasan PPID", "atasan_ppid", None),
    ("sekretariat", "Tim Sekretariat PPID", "sekretariat", None),
    ("pendukung.kominfo", "Tim Pendukung Diskominfo", "pendukung", "diskominfo"),
    ("pendukung.bappeda", "Tim Pendukung Bappeda", "pendukung", "bappeda"),
    ("arsiparis", "Arsiparis Unit Kearsipan", "arsiparis", None),
    ("penilai.1", "Ketua Panitia Penilai Arsip", "panitia_penilai", None),
    ("penilai.2", "Sekretaris Panitia Penilai Arsip", "panitia_penilai", None),
    ("penilai.3", "Anggota Panitia Penilai Arsip", "panitia_penilai", None),
]

# (corpus file, title, classification code, unit) — chosen from the corpus to fit a PPID office.
CORPUS_PICKS = [
    ("uu/uu_2008-14.pdf", "UU 14/2008 tentang Keterbukaan Informasi Publik", "100.3.3.2", "diskominfo"),
    ("uu/uu_2009-43.pdf", "UU 43/2009 tentang Kearsipan", "000.5.3.2", "diskominfo"),
    ("uu/uu_2009-25.pdf", "UU 25/2009 tentang Pelayanan Publik", "500.12.18.1", "diskominfo"),
    ("daerah/sop-pelayanan-umum.pdf", "SOP Pelayanan Informasi Publik PPID Pembantu", "000.8.3.3", "setda"),
    (
        "daerah/sop-pelayanan-perizinan.pdf",
        "Perbup Sukoharjo 26/2022 SOP Pelayanan Perizinan",
        "000.8.3.3",
        "dpmptsp",
    ),
    (
        "daerah/2025pd3304008.pdf",
        "Perda Banjarnegara 8/2025 Pajak dan Retribusi Daerah",
        "900.1.3.10",
        "bappeda",
    ),
]

# (corpus file, classification code, unit) — loaded without a title: the worker derives it from the text.
UNTITLED_PICKS = [
    ("uu/uu_2011-12.pdf", "100.3.3.2", "diskominfo"),
    ("bapeten/surat_edaran/Bapeten_SE.0842KIV2020.2020.pdf", "000.8.3.3", "setda"),
    ("daerah/abstrak_perda_8_th_2025.pdf", "900.1.3.10", "bappeda"),
]

GENERATED = [
    (
        "Laporan Layanan Informasi Publik Semester I",
        "500.12.18.1",
        "diskominfo",
        [
            "Laporan Layanan Informasi Publik",
            "Semester I",
            "Jumlah permohonan informasi: 124",
            "Dikabulkan seluruhnya: 110",
            "Pengelolaan informasi publik oleh PPID.",
        ],
    ),
    (
        "Daftar Informasi Publik Diskominfo",
        "500.12.18.1",
        "diskominfo",
        ["Daftar Informasi Publik (DIP)", "Informasi berkala, serta merta, setiap saat."],
    ),
    (
        "Notula Rapat Pimpinan Januari",
        "000.1.5",
        "setda",
        ["Notula Rapat Pimpinan", "Agenda: penetapan daftar informasi publik dan jadwal retensi arsip."],
    ),
    (
        "Rencana Kerja Bappeda",
        "000.2.4",
        "bappeda",
        ["Rencana Kerja Perangkat Daerah", "Program dan kegiatan perencanaan pembangunan daerah."],
    ),
]


@dataclass
class DemoSummary:
    users: int
    records: int
    token: str
    source: str
    requests: int = 0
    tracking: str | None = None  # a demo request's tracking URL (path with its secret), on first load only


def find_corpus(start: Path | None = None) -> Path | None:
    """``../shared/corpus`` next to the checkout (or the working directory), if present."""
    here = Path(__file__).resolve()
    candidates = [Path.cwd() / ".." / "shared" / "corpus"] + [p / "shared" / "corpus" for p in here.parents]
    if start:
        candidates.insert(0, start)
    for candidate in candidates:
        if (candidate / "MANIFEST.csv").is_file():
            return candidate.resolve()
    return None


def load_demo(rt: Runtime, corpus: Path | None = None) -> DemoSummary:
    demo_settings(rt.settings)  # documents printed by this process carry the demo letterhead
    with rt.db.read() as session:
        have_units = set(session.execute(select(WorkUnit.code)).scalars())
        have_users = set(session.execute(select(User.username)).scalars())
        have_records = session.execute(select(Record.id).limit(1)).first() is not None
    for code, name in UNITS:
        if code not in have_units:
            auth.create_unit(rt, SYSTEM, code, name)
    for username, full_name, role, unit in USERS:
        if username not in have_users:
            auth.create_user(
                rt,
                SYSTEM,
                {
                    "username": username,
                    "full_name": full_name,
                    "role": role,
                    "unit_code": unit,
                    "password": DEMO_PASSWORD,
                },
            )
    if not jra.list_schedules(rt, SYSTEM):  # the sample JRA of DOMAIN.md §8, so records get retention classes
        jra.import_file(rt, SYSTEM, JRA_SAMPLE, name="JRA sampel (Pergub 30, DOMAIN.md §8)", legal_basis="Pergub 30")
    corpus = corpus or find_corpus()
    count = 0
    if not have_records:
        count = _load_records(rt, corpus)
    indexing.drain(rt, timeout=600)  # extract and index now, so search works as soon as the server starts
    made = load_demo_requests(rt)  # after the records: one request is answered from a published record
    token = auth.create_token(rt, SYSTEM, "admin", "demo", expires_days=30)
    return DemoSummary(
        users=len(USERS),
        records=count,
        token=token,
        source=str(corpus) if corpus else "generated PDFs",
        requests=len(made),
        tracking=made[2].tracking_url if made else None,  # the granted one: letters and a download link
    )


def _create(rt: Runtime, title: str | None, code: str, unit: str, filename: str, stream: io.BufferedIOBase) -> Record:
    """One demo record with its file; ``title`` None: titled like ``arsip ingest`` without a CSV (from the text)."""
    staged = stage_stream(stream, rt.settings.staging_dir, rt.settings.max_file_size)
    data = {
        "classification_code": code,
        "processing_unit": unit,
        "creator_org": dict(UNITS)[unit],
        "media": "elektronik",
        "description": f"Contoh arsip demo: {title}." if title else "Contoh arsip demo; judulnya diambil dari isinya.",
        "dip_summary": f"Ringkasan: {title}." if title else "Ringkasan isi berkas.",
        "controlling_unit": dict(UNITS)[unit],
        "responsible_official": "PPID Pelaksana",
        "created_place": "Kantor " + dict(UNITS)[unit],
        "available_forms": ["softcopy"],
        "file_no": f"DEMO/{code}",
        "doc_date": "2026-06-30",
    }
    if title:
        data["title"] = title
    return records.create_record(rt, SYSTEM, data, [Upload(filename, staged)], untitled=TitleSource.FILE_NAME_AUTO)


def _publish(rt: Runtime, record: Record) -> None:
    """Walk one demo record through the SOP to publication, so the public search has something to find."""
    for action in MAIN_LINE:
        body: dict[str, object] = {"action": action}
        if action in {"usulkan_kategori", "tetapkan_terbuka"}:
            body["kip_category"] = "berkala"
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, body)


def _load_records(rt: Runtime, corpus: Path | None) -> int:
    count = 0
    if corpus:
        for rel, title, code, unit in CORPUS_PICKS:
            path = corpus / rel
            if path.is_file():
                with path.open("rb") as fh:
                    _create(rt, title, code, unit, path.name, fh)  # type: ignore[arg-type]
                count += 1
        for rel, code, unit in UNTITLED_PICKS:
            path = corpus / rel
            if path.is_file():
                with path.open("rb") as fh:
                    _create(rt, None, code, unit, path.name, fh)  # type: ignore[arg-type]
                count += 1
    for position, (title, code, unit, lines) in enumerate(GENERATED):
        pdf = make_pdf([lines], title=title)
        record = _create(rt, title, code, unit, title.lower().replace(" ", "-") + ".pdf", io.BytesIO(pdf))
        if position < 2:  # the two diskominfo documents are published; the rest stay internal
            _publish(rt, record)
        count += 1
    return count
