"""The *Daftar Informasi Publik* (DIP): derived from determined records, fixed in versions by the PPID.

The current DIP is never stored: it is computed from the records the PPID has determined open (UU KIP Pasal 9,
10, 11) that are still open (``ditetapkan_terbuka`` or ``dipublikasikan``). Fixing it (*penetapan DIP*, SOP step
8; step 14 adds open but unlisted information) copies those rows, in the PerKI columns (DOMAIN.md §3), into a new
numbered version with its decree; versions are never changed afterwards and can be compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from retention.periods import PeriodParseError, RetentionPeriod
from schemas.dip import DipFixSchema
from schemas.enums import FINAL_DISPOSITION_LABELS, KipCategory, PublicationState, SecurityClass

from ..db import DipRow, DipVersion, JraClass, Record
from ..errors import NotFound
from ..runtime import Runtime
from . import audit
from .access import redacted_line, visibility_filter, visible_ids
from .actor import SYSTEM, Actor
from .auth import authorize, validation_failed
from .public_versions import public_view

CATEGORY_ORDER = (KipCategory.BERKALA, KipCategory.SERTA_MERTA, KipCategory.SETIAP_SAAT)
OPEN_STATES = (PublicationState.DITETAPKAN_TERBUKA, PublicationState.DIPUBLIKASIKAN)
COLUMNS = (
    "category",
    "title",
    "summary",
    "controlling_unit",
    "responsible_official",
    "created_time",
    "created_place",
    "available_forms",
    "retention_text",
)


def created_time_text(record: Record) -> str | None:
    """PerKI column 5 (*waktu pembuatan*): the document date, else the period, as offices write it."""
    if record.doc_date:
        return record.doc_date.isoformat()
    if record.period_start and record.period_end:
        return f"{record.period_start.isoformat()} s.d. {record.period_end.isoformat()}"
    return record.period_start.isoformat() if record.period_start else None


def created_dates(record: Record) -> tuple[date | None, date | None]:
    """The dates behind ``created_time_text`` (start, end of a period), for pages that print dates in words."""
    if record.doc_date:
        return record.doc_date, None
    if record.period_start and record.period_end:
        return record.period_start, record.period_end
    return record.period_start, None


# ---- PerKI column 7 (*jangka waktu penyimpanan*) from the JRA --------------------------------------------------------
RETENTION_TEXT_MAX = 255  # the width of ``dip_rows.retention_text``


def retention_terms(row: JraClass) -> dict[str, Any]:
    """What the retention text of a JRA class is made of (JSON-ready)."""
    return {
        "code": row.code,
        "active": dict(row.active or {}),
        "inactive": dict(row.inactive or {}),
        "final_disposition": row.final_disposition,
        "disposition_note": row.disposition_note,
    }


def _stage_text(period: RetentionPeriod, stage_id: str, stage_en: str, english: bool) -> str:
    if not english:
        if period.trigger is None and period.years > 0:
            return f"{period.years} tahun {stage_id}"  # "2 tahun aktif"
        if period.trigger is None:
            return f"tanpa masa {stage_id}"
        return f"{stage_id} {period.label()}"  # "aktif 3 tahun setelah dipertanggungjawabkan", "aktif selama berlaku"
    years = f"{period.years} year{'s' if period.years != 1 else ''}"
    if period.trigger is None:
        return f"{years} {stage_en}" if period.years > 0 else f"no {stage_en} period"
    event = period.label().removeprefix(f"{period.years} tahun ") if period.years else period.label()
    return f"{years} {stage_en} ({event})" if period.years else f"{stage_en} ({event})"  # the JRA's own words


def retention_text(terms: Mapping[str, Any], *, english: bool = False) -> str | None:
    """The retention of a JRA class in words: "2 tahun aktif, 5 tahun inaktif; musnah" (or, for an English page,
    "2 years active, 5 years inactive; destroy"). Built from the parsed periods, so every class reads alike; an
    event that starts the clock keeps the JRA's words. None when the stored periods do not read (never guessed)."""
    try:
        active = RetentionPeriod.from_dict(terms["active"])
        inactive = RetentionPeriod.from_dict(terms["inactive"])
    except (KeyError, TypeError, PeriodParseError):
        return None
    pair = FINAL_DISPOSITION_LABELS.get(terms.get("final_disposition") or "")
    disposition = (pair[1] if english else pair[0]).lower() if pair else str(terms.get("final_disposition") or "")
    if terms.get("disposition_note"):
        disposition = f"{disposition} ({terms['disposition_note']})"
    stages = ", ".join(
        (_stage_text(active, "aktif", "active", english), _stage_text(inactive, "inaktif", "inactive", english))
    )
    text = f"{stages}; {disposition}" if disposition else stages
    return text if len(text) <= RETENTION_TEXT_MAX else text[: RETENTION_TEXT_MAX - 1] + "…"


def jra_terms(session: Session, records: Iterable[Record]) -> dict[int, dict[str, Any]]:
    """The retention terms of the JRA classes of ``records`` (one query), by class id."""
    ids = {r.jra_class_id for r in records if r.jra_class_id is not None}
    if not ids:
        return {}
    return {
        row.id: retention_terms(row) for row in session.execute(select(JraClass).where(JraClass.id.in_(ids))).scalars()
    }


def retention_for(
    record: Record, terms: Mapping[int, Mapping[str, Any]]
) -> tuple[str | None, Mapping[str, Any] | None]:
    """Column 7 of a row: the record's own text wins; otherwise the text of its JRA class (and the terms it was
    made from, so a page in another language can say it in its words)."""
    own = (record.dip_retention_text or "").strip()
    if own:
        return own, None
    class_terms = terms.get(record.jra_class_id) if record.jra_class_id is not None else None
    if class_terms is None:
        return None, None
    text = retention_text(class_terms)
    return text, class_terms if text else None


def in_dip() -> ColumnElement[bool]:
    """SQL for the records the DIP lists: determined open (or published, or a published version under revision),
    in an open category, *biasa/terbuka* (information of a higher class is never open, whatever was decided before
    it was reclassified) and not destroyed."""
    return and_(
        or_(Record.publication_state.in_([str(s) for s in OPEN_STATES]), Record.public_version.is_not(None)),
        Record.kip_category.in_([str(c) for c in CATEGORY_ORDER]),
        Record.security_class == str(SecurityClass.BIASA_TERBUKA),
        Record.destroyed_at.is_(None),  # a destroyed record leaves the DIP (its fixed versions keep it)
    )


def determined_view(record: Record) -> Record:
    """The version of a record the DIP lists: the live one once determined open, else (a revision under review)
    the version approved last."""
    if record.publication_state in OPEN_STATES:
        return record
    return public_view(record)


def numbered_rows(records: list[Record], session: Session | None = None) -> list[dict[str, Any]]:
    """DIP rows in the PerKI columns, numbered per category (1 berkala, 2 serta merta, 3 setiap saat).

    Column 7 is the record's own *jangka waktu penyimpanan* when it has one, else the retention of its JRA class
    (looked up in ``session``). Besides the PerKI columns a row carries ``created_dates`` and ``retention_terms``
    for pages that print dates and terms in words; they are not stored in a fixed version."""
    records = sorted(records, key=lambda r: (r.title, r.id))
    terms = jra_terms(session, records) if session is not None else {}
    rows: list[dict[str, Any]] = []
    for index, category in enumerate(CATEGORY_ORDER, start=1):
        members = [r for r in records if r.kip_category == category]
        for position, record in enumerate(members, start=1):
            retention, retention_from = retention_for(record, terms)
            rows.append(
                {
                    "record_id": record.id,
                    "dip_no": f"{index}.{position}",
                    "category": str(category),
                    "title": record.title,
                    "summary": record.dip_summary or record.description,
                    "controlling_unit": record.controlling_unit,
                    "responsible_official": record.responsible_official,
                    "created_time": created_time_text(record),
                    "created_place": record.created_place,
                    "available_forms": list(record.available_forms or []),
                    "retention_text": retention,
                    "retention_terms": retention_from,
                    "created_dates": created_dates(record),
                    "published_url": record.published_url,
                }
            )
    return rows


def current_rows(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    """The DIP as it stands now, as far as ``actor`` may read it (``access.visibility_filter``: a Tim Pendukung
    member sees its unit's rows), numbered among those rows."""
    with rt.db.read() as session:
        records = session.execute(select(Record).where(in_dip(), visibility_filter(actor))).scalars().all()
        return numbered_rows([determined_view(r) for r in records], session)


def current_dip(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    authorize(actor, "dip.read")
    return current_rows(rt, actor)


def fix_version(rt: Runtime, actor: Actor, data: dict[str, Any]) -> DipVersion:
    """*Penetapan DIP*: copy the current DIP into the next version under the PPID's decree."""
    authorize(actor, "dip.fix")
    try:
        loaded = DipFixSchema().load(data)
    except ValidationError as err:
        raise validation_failed(err) from err
    rows = current_rows(rt, SYSTEM)  # the whole DIP of the public body, whoever of the PPIDs fixes it
    with rt.db.write() as session:
        last = session.execute(select(func.max(DipVersion.version_no))).scalar_one() or 0
        version = DipVersion(
            version_no=last + 1,
            decree_no=loaded["decree_no"],
            decree_date=loaded["decree_date"],
            note=loaded.get("note"),
            fixed_by=actor.username,
        )
        session.add(version)
        session.flush()
        for position, row in enumerate(rows, start=1):
            session.add(
                DipRow(
                    version_id=version.id,
                    position=position,
                    record_id=row["record_id"],
                    dip_no=row["dip_no"],
                    **{name: row[name] for name in COLUMNS},
                )
            )
        audit.append(
            session,
            actor,
            "dip.fix",
            entity_type="dip_version",
            entity_id=version.version_no,
            changes={
                "version_no": {"before": last or None, "after": version.version_no},
                "decree_no": {"before": None, "after": version.decree_no},
                "rows": {"before": None, "after": len(rows)},
            },
        )
        version_no = version.version_no
    return get_version(rt, actor, version_no)


def list_versions(rt: Runtime, actor: Actor) -> list[DipVersion]:
    """The versions, newest first, without their rows (a decree's number, date and size are not secret)."""
    authorize(actor, "dip.read")
    with rt.db.read() as session:
        return list(session.execute(select(DipVersion).order_by(DipVersion.version_no.desc())).scalars())


@dataclass(frozen=True)
class DipVersionView:
    """A fixed version as one reader may see it: every line keeps its place; a line whose record the reader may
    not read (today) is redacted (``access.redacted_line``)."""

    version_no: int
    decree_no: str
    decree_date: Any
    note: str | None
    fixed_at: Any
    fixed_by: str
    rows: list[dict[str, Any]]


def _row_dict(row: DipRow) -> dict[str, Any]:
    return {
        "record_id": row.record_id,
        "position": row.position,
        "dip_no": row.dip_no,
        **{name: getattr(row, name) for name in COLUMNS},
        "available_forms": list(row.available_forms or []),
    }


def get_version(rt: Runtime, actor: Actor, version_no: int | None = None) -> DipVersionView:
    """One fixed version (the newest when ``version_no`` is None) as ``actor`` may read it."""
    authorize(actor, "dip.read")
    with rt.db.read() as session:
        query = select(DipVersion)
        query = (
            query.where(DipVersion.version_no == version_no)
            if version_no is not None
            else query.order_by(DipVersion.version_no.desc()).limit(1)
        )
        version = session.execute(query).scalars().first()
        if version is None:
            if version_no is None:
                raise NotFound(
                    "Belum ada DIP yang ditetapkan PPID (SOP langkah 8).",
                    "The PPID has not fixed a DIP yet (SOP step 8).",
                )
            raise NotFound(f"DIP versi {version_no} tidak ada.", f"DIP version {version_no} does not exist.")
        readable = visible_ids(session, actor, [r.record_id for r in version.rows])
        rows = [_row_dict(r) if r.record_id in readable else redacted_line(_row_dict(r)) for r in version.rows]
        return DipVersionView(
            version.version_no,
            version.decree_no,
            version.decree_date,
            version.note,
            version.fixed_at,
            version.fixed_by,
            rows,
        )


@dataclass(frozen=True)
class DipComparison:
    from_version: int
    to_version: int
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]


def compare_versions(rt: Runtime, actor: Actor, from_no: int, to_no: int) -> DipComparison:
    """Rows added, removed and changed (per PerKI column, with before and after) between two versions."""
    old, new = get_version(rt, actor, from_no), get_version(rt, actor, to_no)
    # Redacted lines carry no record id: they are compared by their place (a redacted line is never "changed").
    old_rows = {r["record_id"] or f"line {r['dip_no']}": r for r in old.rows}
    new_rows = {r["record_id"] or f"line {r['dip_no']}": r for r in new.rows}
    changed = []
    for key in sorted(old_rows.keys() & new_rows.keys(), key=str):
        a, b = old_rows[key], new_rows[key]
        if a.get("redacted") or b.get("redacted"):
            continue
        fields = {name: {"before": a[name], "after": b[name]} for name in (*COLUMNS, "dip_no") if a[name] != b[name]}
        if fields:
            changed.append({"record_id": key, "title": b["title"], "changes": fields})
    return DipComparison(
        from_version=from_no,
        to_version=to_no,
        added=[new_rows[i] for i in sorted(new_rows.keys() - old_rows.keys(), key=str)],
        removed=[old_rows[i] for i in sorted(old_rows.keys() - new_rows.keys(), key=str)],
        changed=changed,
    )


__all__ = ["compare_versions", "current_dip", "fix_version", "get_version", "list_versions", "retention_for"]
