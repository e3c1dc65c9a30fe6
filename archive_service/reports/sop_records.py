"""The documents of single records and of the fixed DIP: *tanda terima*, *kartu kontrol* (SOP steps 2, 5) and the
DIP as fixed by the PPID (step 8).

Visibility: records are loaded with ``services.records.load_visible``, so a record the actor may not see is a 404
exactly like a missing one (no existence leak). Times are printed in the office's time zone (``rt.calendar.tz``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.enums import (
    AVAILABLE_FORM_LABELS,
    KIP_CATEGORY_LABELS,
    PUBLICATION_STATE_LABELS,
    QUANTITY_UNIT_LABELS,
    ROLE_LABELS,
    KipCategory,
)

from ..db import ControlCardEntry, Receipt, Record, RecordFile, User, WorkUnit
from ..errors import Conflict
from ..runtime import Runtime
from ..services import dip
from ..services.access import load_visible
from ..services.actor import Actor
from ..workflow.table import LABELLED
from .model import Column, Document, Fields, Paragraph, Signature, Table
from .period import date_id, indonesian_dates
from .registry import ReportParams, report
from .signers import place_date, signing_place

TZ_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


# ---------------------------------------------------------------- helpers shared by the builders here


def tz_label(rt: Runtime) -> str:
    key = str(getattr(rt.calendar.tz, "key", rt.calendar.tz))
    return TZ_LABELS.get(key, key)


def local_time(rt: Runtime, at: datetime | None) -> datetime | None:
    """``at`` as the office's wall time, without tzinfo (XLSX cells cannot hold a zone; the label says which)."""
    if at is None:
        return None
    return at.astimezone(rt.calendar.tz).replace(tzinfo=None)


def time_text(rt: Runtime, at: datetime | None) -> str:
    """``30 November 2026 14.05 WIB``."""
    local = local_time(rt, at)
    return f"{date_id(local.date())} {local:%H.%M} {tz_label(rt)}" if local else "-"


def full_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """Username → full name (the name printed under a signature); unknown names map to themselves."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    found = dict(session.execute(select(User.username, User.full_name).where(User.username.in_(wanted))).all())
    return {name: found.get(name) or name for name in wanted}


def unit_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(WorkUnit.code, WorkUnit.name)).all())


def _label(labels: dict[Any, tuple[str, str]], value: str | None) -> str:
    if not value:
        return "-"
    found = labels.get(value)  # type: ignore[call-overload]
    return found[0] if found else value


def forms_text(forms: Sequence[str] | None) -> str:
    return ", ".join(_label(AVAILABLE_FORM_LABELS, f) for f in forms or ()) or "-"


def _load_records(session: Session, actor: Actor, record_ids: Sequence[int]) -> list[Record]:
    """The records in the order asked, each once; any one not visible → 404 (the whole document fails)."""
    seen: dict[int, Record] = {}
    for record_id in record_ids:
        if record_id not in seen:
            seen[record_id] = load_visible(session, actor, record_id)
    return list(seen.values())


def creators_text(creators: Iterable[str | None]) -> str:
    """The *pencipta arsip* of the records a document covers: each creator once, in order of appearance."""
    seen = dict.fromkeys(c.strip() for c in creators if c and c.strip())
    return "; ".join(seen) or "-"


def action_label(action: str) -> str:
    """A control-card action as the SOP names it (``serahkan_ulang`` → "Serahkan ulang setelah perbaikan")."""
    transition = LABELLED.get(action)
    return transition.label_id if transition else action.replace("_", " ").capitalize()


def _records_stem(records: Sequence[Record]) -> str:
    if len(records) == 1:
        return records[0].record_no
    return f"{len(records)}-arsip"


# ---------------------------------------------------------------- tanda terima


@report(
    "tanda-terima",
    title_id="Tanda terima penyerahan informasi",
    title_en="Receipt for records handed over",
    sop_steps="2, 5",
    permission="report.record",
    formats=("pdf",),
    needs=("record_ids",),
)
def build_receipt(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    with rt.db.read() as session:
        records = _load_records(session, actor, params.record_ids)
        ids = [r.id for r in records]
        receipts = list(
            session.execute(select(Receipt).where(Receipt.record_id.in_(ids)).order_by(Receipt.id)).scalars()
        )
        file_counts = dict(
            session.execute(
                select(RecordFile.record_id, func.count(RecordFile.id))
                .where(RecordFile.record_id.in_(ids))
                .group_by(RecordFile.record_id)
            ).all()
        )
        by_record: dict[int, list[Receipt]] = {}
        for receipt in receipts:
            by_record.setdefault(receipt.record_id, []).append(receipt)
        missing = [r.record_no for r in records if r.id not in by_record]
        if missing:
            names = ", ".join(missing)
            raise Conflict(
                f"Arsip {names} belum diserahkan (SOP langkah 2), jadi belum ada tanda terimanya.",
                f"Record(s) {names} have not been handed over (SOP step 2) yet, so there is no receipt.",
                {"record_ids": ["no receipt"]},
            )
        latest = [by_record[r.id][-1] for r in records]
        names = full_names(session, [x.issued_by for x in receipts] + [x.countersigned_by for x in receipts])
        units = unit_names(session)
    record_no = {r.id: r.record_no for r in records}

    items = Table(
        columns=(
            Column("no", "No", numeric=True, width="5%"),
            Column("record_no", "Nomor arsip", width="19%", nowrap=True),
            Column("title", "Judul / uraian informasi", width="29%"),
            Column("code", "Kode klasifikasi", width="13%", nowrap=True),
            Column("files", "Berkas digital", numeric=True, width="9%"),
            Column("forms", "Bentuk yang tersedia", width="14%"),
            Column("quantity", "Jumlah fisik", width="11%"),
        ),
        rows=[
            (
                i,
                r.record_no,
                r.title,
                r.classification_code,
                file_counts.get(r.id, 0),
                forms_text(r.available_forms),
                f"{r.quantity} {_label(QUANTITY_UNIT_LABELS, r.quantity_unit).lower()}",
            )
            for i, r in enumerate(records, start=1)
        ],
        title="Daftar informasi yang diserahkan",
        totals=("", "Jumlah", f"{len(records)} arsip", "", sum(file_counts.get(r.id, 0) for r in records), "", ""),
    )
    receipt_table = Table(
        columns=(
            Column("no", "Nomor tanda terima", width="19%", nowrap=True),
            Column("record_no", "Nomor arsip", width="19%", nowrap=True),
            Column("round", "Putaran", numeric=True, width="9%"),
            Column("issued_at", f"Diserahkan ({tz_label(rt)})", width="14%"),
            Column("issued_by", "Diserahkan oleh", width="12%"),
            Column("countersigned_at", f"Diterima ({tz_label(rt)})", width="14%"),
            Column("countersigned_by", "Diterima oleh", width="13%"),
        ),
        rows=[
            (
                x.no,
                record_no[x.record_id],
                x.round,
                time_text(rt, x.issued_at),
                names.get(x.issued_by, x.issued_by),
                time_text(rt, x.countersigned_at) if x.countersigned_at else "belum diterima",
                names.get(x.countersigned_by or "", "-") if x.countersigned_by else "-",
            )
            for x in receipts
        ],
        title="Tanda terima",
    )
    unit_codes = sorted({r.processing_unit for r in records})
    unit_text = ", ".join(units.get(code, code) for code in unit_codes)
    issuers = {x.issued_by for x in latest}
    receivers = {x.countersigned_by for x in latest}
    single = latest[0] if len(latest) == 1 else None
    head = Fields(
        [
            ("Pencipta arsip", creators_text(r.creator_org for r in records)),
            ("Unit pengolah", unit_text),
            ("Jumlah arsip", len(records)),
            ("Diserahkan pada", time_text(rt, single.issued_at) if single else _span(rt, latest, "issued_at")),
            (
                "Diterima pada",
                (time_text(rt, single.countersigned_at) if single.countersigned_at else "belum diterima")
                if single
                else _span(rt, latest, "countersigned_at"),
            ),
        ]
    )
    return Document(
        name="tanda-terima",
        title="Tanda terima penyerahan daftar dan fisik informasi",
        number=single.no if single else None,
        subtitle="SOP Pengolahan Informasi Publik langkah 2 dan 5",
        sections=[
            head,
            Paragraph(
                "Tim Pendukung unit pengolah menyerahkan daftar dan fisik (digital dan cetak) informasi berikut "
                "kepada Tim Sekretariat PPID, dan Tim Sekretariat menerimanya."
            ),
            items,
            receipt_table,
        ],
        signatures=[
            Signature(
                f"Tim Pendukung {unit_text}",
                name=names.get(next(iter(issuers))) if len(issuers) == 1 else None,
                label="Yang menyerahkan",
            ),
            Signature(
                "Tim Sekretariat PPID",
                name=names.get(next(iter(receivers)) or "") if len(receivers) == 1 else None,
                label="Yang menerima",
            ),
        ],
        place_date=_place_date(rt, latest[-1].issued_at),
        filename=f"tanda-terima-{_records_stem(records)}",
    )


def _span(rt: Runtime, receipts: Sequence[Receipt], attr: str) -> str:
    times = [getattr(x, attr) for x in receipts if getattr(x, attr)]
    if not times:
        return "belum diterima"
    first, last = min(times), max(times)
    return time_text(rt, first) if first == last else f"{time_text(rt, first)} s.d. {time_text(rt, last)}"


def _place_date(rt: Runtime, at: datetime | None) -> str:
    local = local_time(rt, at) or local_time(rt, datetime.now(rt.calendar.tz))
    assert local is not None
    return place_date(rt.settings, local.date())


# ---------------------------------------------------------------- kartu kontrol

ENTRY_COLUMNS = (
    Column("round", "Putaran", numeric=True, width="7%"),
    Column("step", "Langkah SOP", width="7%"),
    Column("action", "Tindakan", width="15%"),
    Column("from_to", "Dari → ke", width="14%"),
    Column("actor", "Pelaksana", width="13%"),
    Column("at", "Waktu", width="10%"),
    Column("due", "Batas waktu", width="10%"),
    Column("late", "Terlambat", width="8%"),
    Column("note", "Catatan", width="16%"),
)


def _entry_rows(rt: Runtime, entries: Sequence[ControlCardEntry], names: dict[str, str]) -> Iterable[tuple[Any, ...]]:
    for e in entries:
        yield (
            e.round,
            e.step,
            action_label(e.action),
            f"{_label(PUBLICATION_STATE_LABELS, e.from_state)} → {_label(PUBLICATION_STATE_LABELS, e.to_state)}",
            f"{names.get(e.actor_name, e.actor_name)} ({_label(ROLE_LABELS, e.actor_role).split(' (')[0]})",
            local_time(rt, e.at),
            local_time(rt, e.due_at),
            bool(e.late),
            e.note or "",
        )


@report(
    "kartu-kontrol",
    title_id="Kartu kontrol",
    title_en="Control card",
    sop_steps="2, 5",
    permission="report.record",
    needs=("record_ids",),
)
def build_control_card(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    with rt.db.read() as session:
        records = _load_records(session, actor, params.record_ids)
        ids = [r.id for r in records]
        entries = list(
            session.execute(
                select(ControlCardEntry)
                .where(ControlCardEntry.record_id.in_(ids))
                .order_by(ControlCardEntry.record_id, ControlCardEntry.id)
            ).scalars()
        )
        names = full_names(session, [e.actor_name for e in entries])
        units = unit_names(session)
    by_record: dict[int, list[ControlCardEntry]] = {}
    for entry in entries:
        by_record.setdefault(entry.record_id, []).append(entry)
    zone = tz_label(rt)
    columns = tuple(
        Column(c.key, f"{c.label} ({zone})", c.numeric, c.width, c.nowrap) if c.key in {"at", "due"} else c
        for c in ENTRY_COLUMNS
    )
    sections: list[Any] = []
    for record in records:
        sections.append(
            Fields(
                [
                    ("Nomor arsip", record.record_no),
                    ("Nomor kartu kontrol", record.control_card_no or "belum diserahkan"),
                    ("Judul", record.title),
                    ("Pencipta arsip", creators_text([record.creator_org])),
                    ("Unit pengolah", units.get(record.processing_unit, record.processing_unit)),
                    ("Kode klasifikasi", record.classification_code),
                    ("Tahap saat ini", _label(PUBLICATION_STATE_LABELS, record.publication_state)),
                    ("Putaran verifikasi", record.verification_round),
                ],
                title=f"Kartu kontrol {record.control_card_no or record.record_no}",
            )
        )
        sections.append(
            Table(
                columns=columns,
                rows=list(_entry_rows(rt, by_record.get(record.id, []), names)),
                title=f"Riwayat langkah {record.record_no}",
                sheet=record.control_card_no or record.record_no,
            )
        )
    single = records[0] if len(records) == 1 else None
    return Document(
        name="kartu-kontrol",
        title="Kartu kontrol pengolahan informasi publik",
        number=single.control_card_no if single else None,
        subtitle="SOP Pengolahan Informasi Publik langkah 2 dan 5",
        sections=sections,
        landscape=True,
        filename=f"kartu-kontrol-{_records_stem(records)}",
    )


# ---------------------------------------------------------------- DIP (step 8)

DIP_COLUMNS = (
    Column("no", "No", width="4%", nowrap=True),
    Column("title", "Judul informasi", width="16%"),
    Column("summary", "Ringkasan isi informasi", width="22%"),
    Column("controlling_unit", "Pejabat/unit yang menguasai informasi", width="12%"),
    Column("responsible_official", "Penanggung jawab pembuatan/penerbitan informasi", width="12%"),
    Column("created", "Waktu dan tempat pembuatan informasi", width="12%"),
    Column("forms", "Bentuk informasi yang tersedia", width="11%"),
    Column("retention", "Jangka waktu penyimpanan", width="11%"),
)


def _dip_rows(rows: Sequence[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
    for row in rows:
        when = indonesian_dates(row["created_time"] or "")  # stored as ISO text in the fixed version
        created = ", ".join(part for part in (when, row["created_place"]) if part) or "-"
        yield (
            row["dip_no"],
            row["title"],
            row["summary"] or "-",
            row["controlling_unit"] or "-",
            row["responsible_official"] or "-",
            created,
            forms_text(row["available_forms"] or []),
            row["retention_text"] or "-",
        )


@report(
    "dip",
    title_id="Daftar Informasi Publik (ditetapkan PPID)",
    title_en="List of public information (as fixed by the PPID)",
    sop_steps="8",
    permission="report.dip",
    optional=("version_no",),
)
def build_dip(rt: Runtime, actor: Actor, params: ReportParams) -> Document:
    version = dip.get_version(rt, actor, params.version_no or None)  # lines the actor may not read are redacted
    rows = version.rows
    with rt.db.read() as session:
        fixer = full_names(session, [version.fixed_by]).get(version.fixed_by)
    sections: list[Any] = [
        Fields(
            [
                ("Nomor keputusan", version.decree_no),
                ("Tanggal keputusan", version.decree_date),
                ("Versi DIP", version.version_no),
                ("Jumlah informasi", len(rows)),
            ]
        )
    ]
    if version.note:
        sections.append(Paragraph(version.note))
    for index, category in enumerate((KipCategory.BERKALA, KipCategory.SERTA_MERTA, KipCategory.SETIAP_SAAT), 1):
        members = [row for row in rows if row["category"] == category]
        sections.append(
            Table(
                columns=DIP_COLUMNS,
                rows=list(_dip_rows(members)),
                title=f"{index}. {KIP_CATEGORY_LABELS[category][0]}",
                sheet=f"{index} {category.replace('_', ' ').title()}",
            )
        )
    city = signing_place(rt.settings)
    where = f"Ditetapkan di {city}, pada tanggal" if city else "Ditetapkan pada tanggal"
    office = (rt.settings.office_name or "").strip()
    closing = (
        f"Daftar Informasi Publik {office or 'ini'} versi {version.version_no} memuat {len(rows)} informasi publik "
        f"dan ditetapkan dengan Keputusan PPID Nomor {version.decree_no} tanggal {date_id(version.decree_date)}. "
        "Informasi yang dikecualikan tidak tercantum dalam daftar ini."
    )
    return Document(
        name="dip",
        title="Daftar Informasi Publik",
        number=version.decree_no,
        subtitle=f"{rt.settings.office_name} · Versi {version.version_no}",
        sections=sections,
        signatures=[Signature("Pejabat Pengelola Informasi dan Dokumentasi", name=fixer, label="PPID")],
        closing=closing,
        place_date=f"{where} {date_id(version.decree_date)}",
        landscape=True,
        filename=f"dip-versi-{version.version_no}",
    )
