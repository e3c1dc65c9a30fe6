"""Demo requests for information (issue 18): a few requests in the states a PPID office sees in a normal week.

The quick start's worklists, tracking page, letters and registers are empty without them. Every request is made
through the services as the demo's own users would (desk registration by the Tim Sekretariat, decisions by the
PPID, the objection filed at the desk), so the demo exercises the same rules as real use. The applicants are
invented (no real person's name or NIK) and the e-mail addresses use the reserved ``example.org`` domain.
"""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from ..db import InformationRequest, Record, User
from ..db.types import utcnow
from ..runtime import Runtime
from ..services import auth, requests, requests_objections
from ..services.actor import Actor
from ..services.uploads import Upload
from ..storage import stage_stream
from .pdfgen import make_pdf

# (name, NIK, information, purpose, channel, days ago) — invented applicants, typical questions of a Diskominfo.
DEMO_REQUESTS = [
    (
        "Rina Kusumawati",
        "3404014107950001",
        "Salinan laporan layanan informasi publik tahun 2025 beserta jumlah permohonan yang ditolak",
        "Bahan skripsi tentang keterbukaan informasi di pemerintah daerah",
        "email",
        1,
    ),
    (
        "Agus Prasetyo",
        "3404011203880002",
        "Daftar dan anggaran kegiatan pengembangan jaringan internet desa tahun 2026",
        "Pengawasan anggaran oleh forum warga desa",
        "surat",
        6,
    ),
    (
        "Dewi Lestari",
        "3404015506920003",
        "Laporan keterbukaan informasi dan dokumentasi Dinas Komunikasi dan Informatika",
        "Bahan liputan media lokal",
        "loket",
        9,
    ),
    (
        "Bambang Wijaya",
        "3404010101800004",
        "Dokumen kontrak pengadaan menara telekomunikasi di Kecamatan Depok",
        "Keperluan gugatan perdata",
        "loket",
        12,
    ),
]


def _actor(rt: Runtime, username: str) -> Actor:
    with rt.db.read() as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return auth.actor_for(user)


def _identity(rt: Runtime, name: str) -> Upload:
    """A generated PDF stands in for the scanned identity card."""
    pdf = make_pdf([["KARTU TANDA PENDUDUK (CONTOH DEMO)", f"Nama: {name}"]], title="KTP contoh")
    return Upload("ktp-contoh.pdf", stage_stream(io.BytesIO(pdf), rt.settings.staging_dir))


def load_demo_requests(rt: Runtime) -> list[requests.Registered]:
    """Register the demo requests once (nothing when the archive holds requests already); return them (with their
    tracking secrets, which are stored only hashed: the demo prints one so a visitor can open its tracking page)."""
    with rt.db.read() as session:
        if session.execute(select(func.count()).select_from(InformationRequest)).scalar_one():
            return []
        published = list(
            session.execute(select(Record.id).where(Record.published_at.is_not(None)).order_by(Record.id)).scalars()
        )
    desk, ppid = _actor(rt, "sekretariat"), _actor(rt, "ppid")
    now = utcnow()
    made: list[requests.Registered] = []
    for name, nik, information, purpose, channel, days_ago in DEMO_REQUESTS:
        form = {
            "applicant": {
                "kind": "perorangan",
                "name": name,
                "nik": nik,
                "address": "Jl. Contoh No. 1, Sleman",
                "email": name.split()[0].lower() + "@example.org",
                "phone": "0274000000",
            },
            "information": information,
            "purpose": purpose,
            "receipt_forms": ["softcopy"],
            "delivery_methods": ["email"],
            "channel": channel,
            "received_at": (now - timedelta(days=days_ago)).isoformat(),
        }
        made.append(requests.register_desk(rt, desk, form, [_identity(rt, name)], now=now))
    numbers = [r.number for r in made]
    # 1: just arrived. 2: taken up and extended, with written reasons.
    requests.take_up(rt, desk, numbers[1])
    requests.extend(
        rt,
        ppid,
        numbers[1],
        None,
        {"reasons": "Data anggaran masih dihimpun dari tiga bidang; diperlukan waktu tambahan untuk memeriksanya."},
    )
    # 3: granted from a published record, with a download link for the applicant.
    if published:
        requests.take_up(rt, desk, numbers[2])
        requests.link_record(rt, desk, numbers[2], {"record_id": published[0], "note": "Menjawab seluruh permohonan"})
        requests.decide(
            rt,
            ppid,
            numbers[2],
            None,
            {"decision": "dikabulkan", "reasons": "Informasi terbuka dan tersedia; salinannya dikirim melalui tautan."},
        )
        requests.issue_delivery(rt, desk, numbers[2], {"days": 7})
    # 4: not held, the holder named; the applicant objects at the desk: the Atasan PPID's worklist has it, open.
    requests.decide(
        rt,
        ppid,
        numbers[3],
        None,
        {
            "decision": "tidak_dikuasai",
            "reasons": "Kontrak pengadaan menara dikelola oleh dinas lain.",
            "not_held_holder": "Dinas Pekerjaan Umum dan Perumahan Rakyat",
        },
    )
    requests_objections.file_objection(
        rt,
        numbers[3],
        {
            "grounds": ["tidak_dipenuhi"],
            "reasons": "Menurut pemohon, salinan kontrak juga disimpan oleh Diskominfo sebagai pengguna menara.",
            "channel": "loket",
        },
        actor=desk,
    )
    return made
