"""Regenerate the screenshots of the printed documents (docs/screenshots/print-*.png).

Builds a small demo-like archive in a temporary folder (the demo's units, people, office settings and sample JRA;
records walked through the SOP by the people whose step it is; a fixed DIP; a handover of permanent records with
its panel, approval and berita acara), renders the tanda terima, the kartu kontrol, the DIP and the berita acara
penyerahan as PDF (PDF/A-3b, tagged) and rasterises the first page of each with poppler's ``pdftoppm -r 60``, and
the page with the signatures when it is a later one (``print-dip-ttd.png``, ``print-berita-acara-penyerahan-ttd.png``).

    .venv/bin/python docs/screenshots/make_print_screenshots.py [--pdf-dir DIR] [--keep]

Needs poppler-utils (``pdftoppm``). Nothing outside the temporary folder and docs/screenshots is touched.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("ARSIP_ARGON2_PROFILE", "test")  # cheap password hashing for the throwaway accounts

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from archive_service.config import Settings  # noqa: E402
from archive_service.demo.loader import DEMO_OFFICE, JRA_SAMPLE, UNITS, USERS, demo_settings  # noqa: E402
from archive_service.demo.pdfgen import make_pdf  # noqa: E402
from archive_service.reports import registry  # noqa: E402
from archive_service.reports.render import render_to_file  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import auth, dip, disposition, jra, records, workflow  # noqa: E402
from archive_service.services.actor import SYSTEM, Actor  # noqa: E402
from archive_service.services.uploads import Upload  # noqa: E402
from archive_service.storage import stage_stream  # noqa: E402
from archive_service.workflow.table import MAIN_LINE, TRANSITIONS  # noqa: E402

OUT = Path(__file__).resolve().parent
SHOTS = {
    "tanda-terima": "print-tanda-terima.png",
    "kartu-kontrol": "print-kartu-kontrol.png",
    "dip": "print-dip.png",
    "berita-acara-penyerahan": "print-berita-acara-penyerahan.png",
}
PASSWORD = "arsip-demo-2026"


@dataclass
class DemoArchive:
    rt: Runtime
    people: dict[str, Actor]
    receipt_ids: list[int]  # records of the tanda terima and the kartu kontrol
    batch_id: int  # the executed penyerahan


def _record(rt: Runtime, owner: Actor, **data: Any) -> Any:
    title = data["title"]
    staged = stage_stream(
        io.BytesIO(make_pdf([[title, data.get("description", "")]], title=title)), rt.settings.staging_dir
    )
    base = {
        "classification_code": "500.12.18.1",
        "processing_unit": "diskominfo",
        "creator_org": "Dinas Komunikasi dan Informatika",
        "media": "elektronik",
        "doc_date": "2026-06-30",
        "dip_summary": f"Ringkasan: {title}.",
        "controlling_unit": "Bidang Informasi dan Komunikasi Publik",
        "responsible_official": "Kepala Bidang IKP",
        "created_place": "Sleman",
        "available_forms": ["softcopy", "hardcopy"],
    }
    return records.create_record(rt, owner, base | data, [Upload(f"{title[:40]}.pdf", staged)])


def _walk(rt: Runtime, people: dict[str, Actor], record: Any, actions: tuple[str, ...]) -> Any:
    """Move ``record`` along ``actions``, each done by the demo person whose role the step belongs to."""
    by_role = {actor.role: actor for actor in people.values() if actor.role != "pendukung"}
    for action in actions:
        transition = next(t for t in TRANSITIONS if t.action == action and record.publication_state in t.from_states)
        roles = sorted(str(r) for r in transition.roles)
        who = people["pendukung.kominfo"] if "pendukung" in roles else by_role[roles[0]]
        body: dict[str, Any] = {"action": action}
        if action in {"usulkan_kategori", "tetapkan_terbuka"}:
            body["kip_category"] = "berkala"
        if action == "kembalikan":
            body["reason"] = "Lampiran daftar hadir belum dilampirkan"
        record = workflow.apply_transition(rt, who, record.id, record.version, body)
    return record


def build_archive(data_dir: Path) -> DemoArchive:
    settings = demo_settings(Settings(data_dir=data_dir))
    rt = Runtime.from_settings(settings)
    rt.migrate()
    for code, name in UNITS:
        auth.create_unit(rt, SYSTEM, code, name)
    names = {
        "ppid": "Dra. Endah Kusumawati, M.Si.",
        "atasan": "Ir. Harda Kiswaya, M.Si.",
        "sekretariat": "Agus Prasetyo, S.Kom.",
        "pendukung.kominfo": "Rina Wulandari, S.IP.",
        "arsiparis": "Siti Nurjanah, A.Md.",
    }
    people: dict[str, Actor] = {}
    for username, full_name, role, unit in USERS:
        user = auth.create_user(
            rt,
            SYSTEM,
            {
                "username": username,
                "full_name": names.get(username, full_name),
                "role": role,
                "unit_code": unit,
                "password": PASSWORD,
            },
        )
        people[username] = auth.actor_for(user)
    jra.import_file(rt, SYSTEM, JRA_SAMPLE, name="JRA sampel (Pergub 30)", legal_basis="Pergub 30")

    pendukung = people["pendukung.kominfo"]
    report = _record(
        rt,
        pendukung,
        title="Laporan Layanan Informasi Publik Semester I Tahun 2026",
        description="Laporan layanan informasi publik PPID Diskominfo semester I",
        file_no="B-12/IKP/2026",
        period_start="2026-01-01",
        period_end="2026-06-30",
    )
    report = _walk(rt, people, report, (*MAIN_LINE[:4], "kembalikan", "serahkan_ulang", *MAIN_LINE[1:]))
    plan = _record(
        rt,
        pendukung,
        title="Rencana Kerja Dinas Komunikasi dan Informatika Tahun 2027",
        description="Rencana kerja dan anggaran tahun 2027",
        classification_code="000.2.4",
        file_no="B-07/SEK/2026",
        quantity=2,
    )
    plan = _walk(rt, people, plan, MAIN_LINE)
    dip.fix_version(
        rt,
        people["ppid"],
        {"decree_no": "000.5.6/188/KPTS/PPID/2026", "decree_date": "2026-12-03", "note": "Pemutakhiran semester II"},
    )

    old = [
        _record(
            rt,
            pendukung,
            title=title,
            description=text,
            classification_code="000.8.3.3",
            creator_org=creator,
            doc_date=None,
            period_start=start,
            period_end=end,
            development_level="asli",
        )
        for title, text, creator, start, end in (
            (
                "Keputusan Bupati tentang Pembentukan PPID",
                "Keputusan pembentukan Pejabat Pengelola Informasi dan Dokumentasi beserta lampirannya",
                "Bagian Organisasi Sekretariat Daerah",
                "2012-01-01",
                "2012-12-31",
            ),
            (
                "Standar Operasional Prosedur Pelayanan Informasi Publik",
                "SOP pelayanan informasi publik dan daftar informasi publik pertama",
                "Dinas Komunikasi dan Informatika",
                "2013-03-01",
                "2013-11-30",
            ),
        )
    ]
    ids = [r.id for r in old]
    arsiparis, atasan = people["arsiparis"], people["atasan"]
    approval = {
        "letter_no": "000.5.6.2/123/2026",
        "letter_date": "2026-10-20",
        "signer_name": "Kustini Sri Purnomo",
        "signer_title": "Bupati Sleman",
    }
    berita_acara = {
        "date": "2026-12-03",
        "place": "Sleman",
        "receiver": "Dinas Perpustakaan dan Kearsipan Daerah",
        "signatories": [
            {"name": "Ir. Harda Kiswaya, M.Si.", "title": "Kepala Dinas Komunikasi dan Informatika"},
            {"name": "Dra. Sri Handayani", "title": "Kepala Dinas Perpustakaan dan Kearsipan"},
        ],
        "witnesses": [{"name": "Budi Santoso, S.H.", "title": "Inspektur Pembantu Wilayah I"}],
    }
    moved = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": ids})
    moved = disposition.approve(rt, atasan, moved.id, moved.version, approval)
    disposition.execute(rt, arsiparis, moved.id, moved.version, berita_acara | {"location": "Gedung Arsip Lt. 2"})
    batch = disposition.propose(rt, arsiparis, {"kind": "penyerahan", "record_ids": ids})
    panel = [people[f"penilai.{i}"] for i in (1, 2, 3)]
    for member in panel:
        disposition.appraise(
            rt, member, batch.id, {"opinion": "setuju", "consideration": "Bernilai guna sejarah; JRA: permanen"}
        )
    batch = disposition.conclude_panel(rt, panel[0], batch.id, None, {"summary": "Rapat panitia 10 November 2026"})
    batch = disposition.approve(rt, atasan, batch.id, batch.version, approval)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, berita_acara)
    return DemoArchive(rt, people, [report.id, plan.id], batch.id)


def render_documents(archive: DemoArchive, pdf_dir: Path) -> dict[str, tuple[Path, str | None]]:
    """Each document as PDF, with the text that marks its signing page (its place and date), if it has one."""
    rt, people = archive.rt, archive.people
    ids = ",".join(str(i) for i in archive.receipt_ids)
    wanted = {
        "tanda-terima": (people["sekretariat"], {"record_ids": str(archive.receipt_ids[0])}),
        "kartu-kontrol": (people["ppid"], {"record_ids": ids}),
        "dip": (people["ppid"], {}),
        "berita-acara-penyerahan": (people["arsiparis"], {"batch_id": str(archive.batch_id)}),
    }
    out = {}
    for name, (actor, raw) in wanted.items():
        _spec, document = registry.build(rt, actor, name, raw)
        out[name] = (render_to_file(document, "pdf", rt.settings, pdf_dir / f"{name}.pdf"), document.place_date)
    return out


def signing_page(pdf: Path, marker: str | None) -> int | None:
    """The number of the page that holds ``marker`` (the place and date above the signatures), if not the first."""
    if not marker:
        return None
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if " ".join(marker.split()) in " ".join(page.split()):
            return number if number > 1 else None
    return None


def screenshot(pdf: Path, png: Path, page: int = 1) -> None:
    """One page at 60 dpi (``pdftoppm -png -r 60 -singlefile``)."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
        timeout=120,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-dir", type=Path, help="also keep the PDFs here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archive and print its folder")
    args = parser.parse_args(argv)
    if not shutil.which("pdftoppm"):
        parser.error("pdftoppm (poppler-utils) is required")
    work = Path(tempfile.mkdtemp(prefix="arsip-print-"))
    try:
        archive = build_archive(work / "var")
        pdf_dir = args.pdf_dir or work / "pdf"
        pdf_dir.mkdir(parents=True, exist_ok=True)
        for name, (pdf, marker) in render_documents(archive, pdf_dir).items():
            shots = [(OUT / SHOTS[name], 1)]
            page = signing_page(pdf, marker)
            if page:  # the signatures with their closing text, on a later page
                shots.append((OUT / SHOTS[name].replace(".png", "-ttd.png"), page))
            for png, number in shots:
                screenshot(pdf, png, number)
                print(f"{png.relative_to(ROOT)}  page {number}  {png.stat().st_size // 1024} KB  (from {pdf})")
        archive.rt.close()
        print(f"Kantor demo / demo office: {DEMO_OFFICE['office_address']}")
    finally:
        if args.keep:
            print(f"archive kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
