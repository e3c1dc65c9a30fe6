"""The SOP's periodic reports: pengumpulan (step 1), klasifikasi dan ketersediaan (3, 4, 6), bulanan (7, 9, 10)
and pengelolaan informasi for the Atasan PPID (11).

Builders only arrange figures from ``services.monev`` (set-based queries over what the actor may see; the
definitions are in that module and docs/monev.md) into a ``Document``. A pendukung's report covers its own unit;
asking for another unit is refused (403) before anything is read.
"""

from __future__ import annotations

from datetime import date, datetime

from schemas.enums import PUBLICATION_STATE_LABELS, PublicationState, Role

from ..config import Settings
from ..runtime import Runtime
from ..services import monev
from ..services.actor import Actor
from ..services.auth import authorize
from . import signers
from .model import Column, Document, Fields, Paragraph, Signature, Table
from .period import Period
from .registry import ReportParams, report
from .signers import office_signature

PPID = "Pejabat Pengelola Informasi dan Dokumentasi (PPID)"
ATASAN = "Atasan PPID"
SEKRETARIAT = "Tim Sekretariat PPID"
PENDUKUNG = "Tim Pendukung PPID"


# ---- shared pieces ---------------------------------------------------------------------------------------------------
def today_of(rt: Runtime, params: ReportParams) -> date:
    return params.today or rt.calendar.today()


def place_date(settings: Settings, day: date) -> str:
    """``Sleman, 30 November 2026`` (the date alone when no place of signing is known: ``signers.place_date``)."""
    return signers.place_date(settings, day)


def subtitle(rt: Runtime, period: Period, unit: str | None) -> str:
    text = f"Periode {period.label}"
    if unit:
        text += f" · Unit {monev.unit_names(rt).get(unit, unit)}"
    return text


def filename(name: str, period: Period, unit: str | None) -> str:
    return f"{name}-{period.key}" + (f"-{unit}" if unit else "")


def state_label(state: str) -> str:
    pair = PUBLICATION_STATE_LABELS.get(PublicationState(state)) if state in set(PublicationState) else None
    return pair[0] if pair else state


def category_label(category: str | None) -> str:
    return monev.CATEGORY_LABELS.get(category or monev.UNSET, category or "")


def local(rt: Runtime, moment: datetime | None) -> datetime | None:
    """A stored UTC moment in the office's time zone, as documents print it."""
    return moment.astimezone(rt.calendar.tz) if moment else None


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%".replace(".", ",")


def unit_totals_table(rt: Runtime, rows: list[tuple[str, int]], title: str = "Jumlah per unit") -> Table:
    names = monev.unit_names(rt)
    return Table(
        [
            Column("unit", "Unit pengolah"),
            Column("name", "Nama unit", width="wide"),
            Column("count", "Jumlah", numeric=True),
        ],
        [(code, names.get(code, code), n) for code, n in rows],
        title=title,
        totals=("Jumlah", "", sum(n for _c, n in rows)),
        sheet="Per unit",
    )


def _scope(rt: Runtime, actor: Actor, params: ReportParams, permission: str) -> tuple[Period, str | None]:
    authorize(actor, permission)
    assert params.period is not None  # the registry requires it
    return params.period, monev.scope_unit(actor, params.unit)


# ---- step 1: laporan pengumpulan data sesuai DIP ---------------------------------------------------------------------
@report(
    "laporan-pengumpulan",
    title_id="Laporan pengumpulan data sesuai DIP",
    title_en="Data collection report (per DIP)",
    sop_steps="1",
    permission="report.sop",
    needs=("period",),
    optional=("unit",),
)
def build_collection(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, unit = _scope(rt, actor, params, "report.sop")
    records = monev.collected_records(rt, actor, period, unit)
    counts = monev.collected_counts(rt, actor, period, unit)
    table = Table(
        [
            Column("no", "No.", numeric=True, width="4%"),
            Column("record_no", "Nomor arsip", width="11%"),
            Column("title", "Judul", width="18%"),
            Column("classification", "Klasifikasi", width="8%"),
            Column("summary", "Ringkasan isi (DIP)", width="18%"),
            Column("controlling_unit", "Pejabat/unit yang menguasai", width="12%"),
            Column("responsible", "Penanggung jawab", width="10%"),
            Column("forms", "Bentuk informasi", width="9%"),
            Column("state", "Status", width="10%"),
        ],
        [
            (
                i,
                r.record_no,
                r.title,
                r.classification_code,
                r.dip_summary or "",
                r.controlling_unit or "",
                r.responsible_official or "",
                ", ".join(r.available_forms or []),
                state_label(r.publication_state),
            )
            for i, r in enumerate(records, start=1)
        ],
        title="Daftar informasi yang dihimpun",
        sheet="Daftar",
    )
    return Document(
        name="laporan-pengumpulan",
        title="LAPORAN PENGUMPULAN DATA SESUAI DAFTAR INFORMASI PUBLIK",
        subtitle=subtitle(rt, period, unit),
        sections=[
            Paragraph(
                f"Informasi yang dihimpun Tim Pendukung pada periode {period.label} sesuai kolom Daftar Informasi "
                f"Publik (langkah 1 SOP Pengolahan Informasi Publik): {len(records)} arsip."
            ),
            table,
            unit_totals_table(rt, counts["by_unit"]),
        ],
        signatures=[
            Signature(PENDUKUNG, label="Yang menyerahkan"),
            Signature(SEKRETARIAT, label="Yang menerima"),
        ],
        place_date=place_date(rt.settings, today_of(rt, params)),
        landscape=True,
        filename=filename("laporan-pengumpulan", period, unit),
    )


# ---- steps 3, 4, 6: laporan klasifikasi dan ketersediaan data --------------------------------------------------------
CLASSIFICATION_COLUMNS = (
    ("collected", "Dihimpun"),
    ("proposed_berkala", "Usul berkala"),
    ("proposed_serta_merta", "Usul serta merta"),
    ("proposed_setiap_saat", "Usul setiap saat"),
    ("proposed_dikecualikan", "Usul dikecualikan"),
    ("determined_berkala", "Tetap berkala"),
    ("determined_serta_merta", "Tetap serta merta"),
    ("determined_setiap_saat", "Tetap setiap saat"),
    ("determined_dikecualikan", "Tetap dikecualikan"),
    ("documented", "Dok. selesai"),
    ("with_jra", "Ber-JRA"),
    ("returned", "Perlu >1 putaran"),
    ("rounds", "Jml. kembali"),
)


@report(
    "laporan-klasifikasi",
    title_id="Laporan klasifikasi dan ketersediaan data",
    title_en="Classification and availability report",
    sop_steps="3, 4, 6",
    permission="report.sop",
    needs=("period",),
    optional=("unit",),
)
def build_classification(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, unit = _scope(rt, actor, params, "report.sop")
    per_unit = monev.classification_by_unit(rt, actor, period, unit)
    records = monev.collected_records(rt, actor, period, unit)
    summary = Table(
        [Column("unit", "Unit", width="9%")]
        + [Column(key, label, numeric=True, width="7%") for key, label in CLASSIFICATION_COLUMNS],
        [(row["unit"], *(row[key] for key, _l in CLASSIFICATION_COLUMNS)) for row in per_unit],
        title="Rekapitulasi per unit",
        totals=("Jumlah", *(sum(row[key] for row in per_unit) for key, _l in CLASSIFICATION_COLUMNS)),
        sheet="Rekap per unit",
    )
    listing = Table(
        [
            Column("no", "No.", numeric=True, width="4%"),
            Column("record_no", "Nomor arsip", width="12%"),
            Column("title", "Judul", width="22%"),
            Column("unit", "Unit", width="8%"),
            Column("classification", "Kode klasifikasi", width="9%"),
            Column("jra", "Ref. JRA", width="8%"),
            Column("proposed", "Kategori usulan", width="9%"),
            Column("determined", "Kategori ditetapkan", width="9%"),
            Column("rounds", "Pengembalian", numeric=True, width="7%"),
            Column("state", "Status", width="12%"),
        ],
        [
            (
                i,
                r.record_no,
                r.title,
                r.processing_unit,
                r.classification_code,
                r.jra_ref or "",
                category_label(r.proposed_kip_category) if r.proposed_kip_category else "",
                category_label(r.kip_category) if r.kip_category else "",
                r.verification_round,
                state_label(r.publication_state),
            )
            for i, r in enumerate(records, start=1)
        ],
        title="Daftar arsip",
        sheet="Daftar",
    )
    total = sum(row["collected"] for row in per_unit)
    returned = sum(row["returned"] for row in per_unit)
    return Document(
        name="laporan-klasifikasi",
        title="LAPORAN KLASIFIKASI DAN KETERSEDIAAN DATA",
        subtitle=subtitle(rt, period, unit),
        sections=[
            Paragraph(
                f"Usulan kategori informasi (UU 14/2008), pemberkasan (UU 43/2009) dan verifikasi kelengkapan "
                f"(langkah 3, 4 dan 6 SOP) atas {total} arsip yang dihimpun pada periode {period.label}; "
                f"{returned} arsip memerlukan lebih dari satu putaran verifikasi."
            ),
            summary,
            listing,
        ],
        signatures=[Signature(SEKRETARIAT, label="Yang membuat"), office_signature(rt, Role.PPID, PPID, "Mengetahui")],
        place_date=place_date(rt.settings, today_of(rt, params)),
        landscape=True,
        filename=filename("laporan-klasifikasi", period, unit),
    )


# ---- steps 7, 9, 10: laporan bulanan ketersediaan informasi ----------------------------------------------------------
@report(
    "laporan-bulanan",
    title_id="Laporan bulanan ketersediaan informasi",
    title_en="Monthly information availability report",
    sop_steps="7, 9, 10",
    permission="report.sop",
    needs=("period",),
    optional=("unit",),
)
def build_monthly(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, unit = _scope(rt, actor, params, "report.sop")
    available = monev.published_by_category(rt, actor, unit)
    published = monev.published_in(rt, actor, period, unit)
    # counted from the listed records themselves, so the table and the list agree
    new_by_category = {c: sum(1 for r in published if r.kip_category == c) for c in monev.CATEGORIES[:3]}
    withdrawn = monev.records_with_action(rt, actor, period, monev.WITHDRAW_ACTIONS, unit)
    exempted = monev.records_with_action(rt, actor, period, ("kecualikan",), unit)
    reported = monev.records_with_action(rt, actor, period, ("laporkan",), unit)
    figures = Table(
        [
            Column("category", "Kategori informasi"),
            Column("available", "Tersedia (dipublikasikan)", numeric=True),
            Column("new", "Baru dipublikasikan dalam periode", numeric=True),
        ],
        [(category_label(c), n, new_by_category.get(c, 0)) for c, n in available],
        title="Ketersediaan informasi per kategori",
        totals=("Jumlah", sum(n for _c, n in available), len(published)),
        sheet="Per kategori",
    )
    movements = Fields(
        [
            ("Dilaporkan kepada PPID (langkah 7)", reported),
            ("Baru dipublikasikan (langkah 9)", len(published)),
            ("Ditarik dari publikasi", withdrawn),
            ("Ditetapkan dikecualikan", exempted),
        ],
        title="Perubahan dalam periode",
    )
    listing = Table(
        [
            Column("no", "No.", numeric=True, width="5%"),
            Column("record_no", "Nomor arsip", width="15%"),
            Column("title", "Judul", width="35%"),
            Column("category", "Kategori", width="12%"),
            Column("published", "Tanggal publikasi", width="13%"),
            Column("url", "Alamat (URL)", width="20%"),
        ],
        [
            (
                i,
                r.record_no,
                r.title,
                category_label(r.kip_category),
                local(rt, r.published_at).date() if r.published_at else None,
                r.published_url or "",
            )
            for i, r in enumerate(published, start=1)
        ],
        title="Informasi yang dipublikasikan dalam periode",
        sheet="Dipublikasikan",
    )
    return Document(
        name="laporan-bulanan",
        title="LAPORAN BULANAN KETERSEDIAAN INFORMASI PUBLIK",
        subtitle=subtitle(rt, period, unit),
        sections=[figures, movements, listing],
        signatures=[
            Signature(SEKRETARIAT, label="Yang melaporkan"),
            office_signature(rt, Role.PPID, PPID, "Mengetahui"),
        ],
        place_date=place_date(rt.settings, today_of(rt, params)),
        filename=filename("laporan-bulanan", period, unit),
    )


# ---- step 11: laporan pengelolaan informasi kepada Atasan PPID ---------------------------------------------------
def management_figures(rt: Runtime, actor: Actor, period: Period, unit: str | None = None) -> dict[str, object]:
    """The summary numbers of the management report (also used by its tests)."""
    counts = monev.collected_counts(rt, actor, period, unit)
    _steps, _units, total = monev.sla_rows(rt, actor, period, unit)
    return {
        "collected": sum(n for _c, n in counts["by_category"]),
        "verified": monev.records_with_action(rt, actor, period, ("verifikasi",), unit),
        "determined_open": monev.records_with_action(rt, actor, period, monev.DETERMINE_OPEN_ACTIONS, unit),
        "exempted": monev.records_with_action(rt, actor, period, ("kecualikan",), unit),
        "grounds": monev.exempted_by_ground(rt, actor, period, unit),
        "published": monev.records_with_action(rt, actor, period, ("publikasikan",), unit),
        "overdue": total.open_overdue,
        "sla": total,
    }


@report(
    "laporan-pengelolaan",
    title_id="Laporan pengelolaan informasi kepada Atasan PPID",
    title_en="Information management report to the PPID's superior",
    sop_steps="11",
    permission="report.management",
    needs=("period",),
)
def build_management(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, unit = _scope(rt, actor, params, "report.management")
    f = management_figures(rt, actor, period, unit)
    sla: monev.SlaRow = f["sla"]  # type: ignore[assignment]
    grounds: list[tuple[str, int]] = f["grounds"]  # type: ignore[assignment]
    versions = monev.dip_versions_in(rt, period)
    expiring, expired = monev.exemptions(rt, actor, unit, today=today_of(rt, params))
    summary = Fields(
        [
            ("Informasi dihimpun", f["collected"]),
            ("Diverifikasi lengkap dan sesuai", f["verified"]),
            ("Ditetapkan sebagai informasi terbuka", f["determined_open"]),
            ("Ditetapkan sebagai informasi yang dikecualikan", f["exempted"]),
            ("Dipublikasikan", f["published"]),
            ("Langkah SOP yang diselesaikan", sla.completed),
            ("Diselesaikan tepat waktu", sla.on_time),
            ("Diselesaikan terlambat", sla.late),
            ("Kepatuhan waktu layanan (SLA)", percent(sla.compliance)),
            ("Langkah terbuka yang melewati batas waktu", f["overdue"]),
        ],
        title="Ringkasan",
    )
    grounds_table = Table(
        [Column("ground", "Pasal 17 huruf"), Column("count", "Jumlah", numeric=True)],
        grounds,
        title="Pengecualian menurut alasan (UU 14/2008 Pasal 17)",
        totals=("Jumlah", sum(n for _g, n in grounds)),
        sheet="Pasal 17",
    )
    versions_table = Table(
        [
            Column("version", "Versi DIP", numeric=True),
            Column("decree", "Nomor keputusan"),
            Column("date", "Tanggal keputusan"),
            Column("rows", "Jumlah informasi", numeric=True),
        ],
        [(v.version_no, v.decree_no, v.decree_date, len(v.rows)) for v in versions],
        title="Penetapan DIP dalam periode",
        sheet="DIP",
    )
    return Document(
        name="laporan-pengelolaan",
        title="LAPORAN PENGELOLAAN INFORMASI PUBLIK",
        subtitle=subtitle(rt, period, unit),
        sections=[
            Paragraph(
                f"Laporan PPID kepada Atasan PPID atas pengelolaan informasi publik periode {period.label} "
                "(langkah 11 SOP Pengolahan Informasi Publik)."
            ),
            summary,
            grounds_table,
            versions_table,
            exemption_table(expiring + expired, "Pengecualian yang berakhir atau segera berakhir"),
        ],
        signatures=[
            office_signature(rt, Role.PPID, PPID, "Yang melaporkan"),
            office_signature(rt, Role.ATASAN_PPID, ATASAN, "Mengetahui"),
        ],
        place_date=place_date(rt.settings, today_of(rt, params)),
        filename=filename("laporan-pengelolaan", period, unit),
    )


def exemption_table(items: list[monev.ExemptionItem], title: str) -> Table:
    return Table(
        [
            Column("record_no", "Nomor arsip"),
            Column("title", "Judul", width="wide"),
            Column("unit", "Unit"),
            Column("ground", "Pasal 17 huruf"),
            Column("decree", "Nomor penetapan"),
            Column("until", "Berakhir"),
            Column("days", "Sisa hari", numeric=True),
        ],
        [(i.record_no, i.title, i.unit, i.ground or "", i.decree_no or "", i.until, i.days_left) for i in items],
        title=title,
        sheet="Pengecualian",
    )
