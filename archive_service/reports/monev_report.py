"""The semester monev report (SOP steps 12-14, UU 14/2008 Pasal 9(3)): SLA compliance per step and unit, the
information collected by category, unit and month (the dashboard's charts, each followed by its table), overdue
items, exemptions ending, retention due, and open information missing from the latest fixed DIP (step 14).

The figures come from ``services.monev.figures`` — the same call the dashboard and ``/api/v1/monev`` make — so the
report prints exactly what the dashboard shows for the same period, unit and moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.enums import Role
from schemas.requests import ObjectionGround

from ..runtime import Runtime
from ..services import monev
from ..services.actor import Actor
from ..services.request_figures import RequestFigures
from ..workflow.requests_table import GROUND_LABELS
from . import charts
from .model import Chart, Column, Document, Paragraph, Section, Table
from .registry import ReportParams, report
from .request_registers import OBJECTION_STATE_LABELS, OUTCOME_LABELS, STATE_LABELS, ground_text
from .signers import office_signature
from .sop_periodic import (
    ATASAN,
    PPID,
    _scope,
    category_label,
    exemption_table,
    filename,
    local,
    percent,
    place_date,
    state_label,
    subtitle,
    today_of,
)

DUE_KIND_LABELS = {
    "pemindahan": "Pemindahan",
    "pemusnahan": "Pemusnahan",
    "penyerahan": "Penyerahan",
    "penilaian_kembali": "Penilaian kembali",
}


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    svg: str


def chart_set(fig: monev.Figures, t: Callable[[str], str] = lambda s: s, prefix: str = "monev") -> list[ChartSpec]:
    """The four monev charts; ``t`` translates titles and category labels (the dashboard passes gettext)."""
    titles = {
        "category": t("Informasi menurut kategori"),
        "unit": t("Informasi menurut unit pengolah"),
        "month": t("Informasi menurut bulan"),
        "sla": t("Kepatuhan waktu per langkah SOP"),
    }
    category_items = [(t(monev.CATEGORY_LABELS[c]), n) for c, n in fig.by_category]
    unit_items = list(fig.by_unit)  # codes: short, and unique where names may repeat
    month_items = [(monev.month_label(key), n) for key, n in fig.by_month]
    sla_items = [(f"{t('Langkah')} {row.key}", row.on_time, row.late) for row in fig.sla_by_step]
    return [
        ChartSpec(
            "category",
            titles["category"],
            charts.bar_chart(titles["category"], category_items, chart_id=f"{prefix}-category"),
        ),
        ChartSpec("unit", titles["unit"], charts.bar_chart(titles["unit"], unit_items, chart_id=f"{prefix}-unit")),
        ChartSpec(
            "month", titles["month"], charts.column_chart(titles["month"], month_items, chart_id=f"{prefix}-month")
        ),
        ChartSpec("sla", titles["sla"], charts.sla_chart(titles["sla"], sla_items, chart_id=f"{prefix}-sla")),
    ]


def sla_table(rows: list[monev.SlaRow], total: monev.SlaRow | None, first: str, title: str, sheet: str) -> Table:
    columns = [Column("key", first)]
    if first == "Langkah":
        columns += [Column("name", "Uraian", width="wide"), Column("sla", "Batas waktu")]
    columns += [
        Column("completed", "Diselesaikan", numeric=True),
        Column("on_time", "Tepat waktu", numeric=True),
        Column("late", "Terlambat", numeric=True),
        Column("compliance", "Kepatuhan", numeric=True),
        Column("overdue", "Terbuka lewat batas", numeric=True),
    ]

    def cells(row: monev.SlaRow) -> tuple[object, ...]:
        head: tuple[object, ...] = (row.key, row.label, row.sla or "") if first == "Langkah" else (row.label,)
        return (*head, row.completed, row.on_time, row.late, percent(row.compliance), row.open_overdue)

    totals = None
    if total is not None:
        pad = ("", "") if first == "Langkah" else ()
        totals = ("Jumlah", *pad, total.completed, total.on_time, total.late, percent(total.compliance))
        totals = (*totals, total.open_overdue)
    return Table(columns, [cells(r) for r in rows], title=title, totals=totals, sheet=sheet)


def count_table(first: str, items: list[tuple[str, int]], title: str, sheet: str) -> Table:
    return Table(
        [Column("key", first), Column("count", "Jumlah", numeric=True)],
        items,
        title=title,
        totals=("Jumlah", sum(n for _k, n in items)),
        sheet=sheet,
    )


def _sections(rt: Runtime, fig: monev.Figures, missing: list, dip_version: int | None) -> list[Section]:
    specs = {spec.key: spec for spec in chart_set(fig, prefix="laporan")}
    sla_steps = sla_table(fig.sla_by_step, fig.sla_total, "Langkah", "Kepatuhan waktu per langkah SOP", "SLA langkah")
    sla_units = sla_table(fig.sla_by_unit, None, "Unit", "Kepatuhan waktu per unit", "SLA unit")
    overdue = Table(
        [
            Column("record_no", "Nomor arsip"),
            Column("title", "Judul", width="wide"),
            Column("unit", "Unit"),
            Column("step", "Langkah"),
            Column("due", "Batas waktu"),
            Column("late", "Terlambat"),
        ],
        [
            (i.record_no, i.title, i.unit, f"{i.step} {i.step_name}", local(rt, i.due_at), i.late_text)
            for i in fig.overdue
        ],
        title="Langkah yang melewati batas waktu",
        sheet="Terlambat",
    )
    sections: list[Section] = [
        Paragraph(
            f"Monitoring dan evaluasi pengolahan informasi publik periode {fig.period.label} (langkah 12-14 SOP; "
            f"UU 14/2008 Pasal 9 ayat 3). Informasi yang dihimpun dalam periode: {fig.total}. Langkah SOP yang "
            f"diselesaikan: {fig.sla_total.completed if fig.sla_total else 0}, kepatuhan waktu "
            f"{percent(fig.sla_total.compliance if fig.sla_total else None)}."
        ),
        Paragraph("A. Kepatuhan waktu layanan", heading=True),
        Chart(specs["sla"].svg, specs["sla"].title),
        sla_steps,
        sla_units,
        Paragraph("B. Informasi yang dihimpun", heading=True),
        Chart(specs["category"].svg, specs["category"].title),
        count_table(
            "Kategori", [(category_label(c), n) for c, n in fig.by_category], specs["category"].title, "Kategori"
        ),
        Chart(specs["unit"].svg, specs["unit"].title),
        count_table("Unit", [(fig.unit_label(c), n) for c, n in fig.by_unit], specs["unit"].title, "Unit"),
        Chart(specs["month"].svg, specs["month"].title),
        count_table("Bulan", [(monev.month_label(k), n) for k, n in fig.by_month], specs["month"].title, "Bulan"),
        Paragraph("C. Tindak lanjut", heading=True),
        overdue,
        exemption_table(
            fig.exemptions_expiring + fig.exemptions_expired,
            f"Pengecualian yang berakhir dalam {fig.exemption_days} hari atau telah berakhir",
        ),
    ]
    if fig.retention_due is not None:
        sections.append(
            Table(
                [
                    Column("kind", "Prosedur"),
                    Column("unit", "Unit"),
                    Column("month", "Bulan jatuh tempo"),
                    Column("count", "Jumlah", numeric=True),
                    Column("held", "Ditahan", numeric=True),
                    Column("vital", "Vital", numeric=True),
                ],
                [
                    (DUE_KIND_LABELS.get(r.kind, r.kind), r.processing_unit, r.month, r.count, r.held, r.vital)
                    for r in fig.retention_due
                ],
                title="Arsip yang jatuh tempo retensi",
                totals=("Jumlah", "", "", sum(r.count for r in fig.retention_due), "", ""),
                sheet="Retensi",
            )
        )
    if fig.requests is not None:
        sections += request_sections(fig.requests)
    against = f"DIP versi {dip_version}" if dip_version else "DIP (belum ada versi yang ditetapkan)"
    sections.append(
        Table(
            [
                Column("record_no", "Nomor arsip"),
                Column("title", "Judul", width="wide"),
                Column("unit", "Unit"),
                Column("category", "Kategori"),
                Column("state", "Status"),
            ],
            [
                (
                    r.record_no,
                    r.title,
                    r.processing_unit,
                    category_label(r.kip_category),
                    state_label(r.publication_state),
                )
                for r in missing
            ],
            title=f"Informasi terbuka yang belum tercantum dalam {against} (langkah 14)",
            sheet="Belum di DIP",
        )
    )
    return sections


def request_sections(req: RequestFigures) -> list[Section]:
    """D. The information service (issue 18): the figures the Komisi Informasi's e-monev asks for, aggregates only."""
    average = "-" if req.days_average is None else f"{req.days_average:.1f}".replace(".", ",")
    summary: list[tuple[str, object]] = [
        ("Permohonan diterima dalam periode", req.received),
        ("Dijawab (pemberitahuan tertulis)", req.answered),
        ("Belum dijawab", req.open),
        ("Dijawab tepat waktu", req.on_time),
        ("Dijawab terlambat", req.late),
        ("Belum dijawab dan lewat batas waktu", req.open_overdue),
        ("Diperpanjang (Pasal 22 ayat 8)", req.extended),
        ("Rata-rata waktu menjawab (hari kerja)", average),
        ("Waktu menjawab terlama (hari kerja)", "-" if req.days_longest is None else req.days_longest),
        ("Keberatan diajukan dalam periode", req.objections),
        ("Sengketa ke Komisi Informasi dalam periode", req.disputes),
    ]
    return [
        Paragraph("D. Layanan permohonan informasi publik", heading=True),
        Table(
            [Column("key", "Uraian", width="wide"), Column("value", "Jumlah", numeric=True)],
            summary,
            title="Ringkasan layanan permohonan (permohonan yang diterima dalam periode)",
            sheet="Permohonan",
        ),
        count_table(
            "Keputusan",
            [(STATE_LABELS[d], n) for d, n in req.by_decision],
            "Permohonan menurut keputusan",
            "Keputusan",
        ),
        Table(
            [
                Column("ground", "Alasan pengecualian", width="wide"),
                Column("refused", "Ditolak", numeric=True),
                Column("partly", "Dikabulkan sebagian", numeric=True),
            ],
            [(ground_text(g), refused, partly) for g, refused, partly in req.by_ground],
            title="Penolakan dan pengabulan sebagian menurut alasan Pasal 17",
            totals=("Jumlah", sum(r for _g, r, _p in req.by_ground), sum(p for _g, _r, p in req.by_ground)),
            sheet="Pasal 17",
        ),
        count_table(
            "Putusan Atasan PPID",
            [(OBJECTION_STATE_LABELS[s], n) for s, n in req.objections_by_state],
            "Keberatan menurut putusan",
            "Keberatan",
        ),
        Table(
            [Column("ground", "Alasan keberatan (Pasal 35)", width="wide"), Column("count", "Jumlah", numeric=True)],
            [(GROUND_LABELS[ObjectionGround(g)][0], n) for g, n in req.objections_by_ground],
            title="Keberatan menurut alasan (satu keberatan dapat memuat beberapa alasan)",
            sheet="Alasan keberatan",
        ),
        count_table(
            "Hasil", [(OUTCOME_LABELS[o], n) for o, n in req.disputes_by_outcome], "Sengketa menurut hasil", "Sengketa"
        ),
        Table(
            [
                Column("record_no", "Nomor arsip"),
                Column("title", "Judul", width="wide"),
                Column("requests", "Permohonan", numeric=True),
                Column("not_in_dip", "Belum di DIP", numeric=True),
            ],
            [(i.record_no, i.title, i.requests, i.not_in_dip) for i in req.most_asked],
            title="Informasi yang paling banyak diminta",
            sheet="Paling diminta",
        ),
    ]


@report(
    "laporan-monev",
    title_id="Laporan monitoring dan evaluasi semester",
    title_en="Semester monitoring and evaluation report",
    sop_steps="12-14",
    permission="report.management",
    needs=("period",),
    optional=("unit",),
)
def build_monev(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    period, unit = _scope(rt, actor, params, "report.management")
    fig = monev.figures(rt, actor, period, unit=unit, action="report.management")
    dip_version, missing = monev.not_in_latest_dip(rt, actor, unit)
    return Document(
        name="laporan-monev",
        title="LAPORAN MONITORING DAN EVALUASI PENGOLAHAN INFORMASI PUBLIK",
        subtitle=subtitle(rt, period, unit),
        sections=_sections(rt, fig, missing, dip_version),
        signatures=[
            office_signature(rt, Role.PPID, PPID, "Yang melaporkan"),
            office_signature(rt, Role.ATASAN_PPID, ATASAN, "Mengetahui"),
        ],
        place_date=place_date(rt.settings, today_of(rt, params)),
        landscape=True,
        filename=filename("laporan-monev", period, unit),
    )
