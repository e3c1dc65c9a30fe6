"""The *Daftar Informasi Publik* (DIP): derived from determined records, fixed in versions by the PPID.

The current DIP is never stored: it is computed from the records the PPID has determined open (UU KIP Pasal 9,
10, 11) that are still open (``ditetapkan_terbuka`` or ``dipublikasikan``). Fixing it (*penetapan DIP*, SOP step
8; step 14 adds open but unlisted information) copies those rows, in the PerKI columns (DOMAIN.md §3), into a new
numbered version with its decree; versions are never changed afterwards and can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select

from schemas.dip import DipFixSchema
from schemas.enums import KipCategory, PublicationState

from ..db import DipRow, DipVersion, Record
from ..errors import NotFound
from ..runtime import Runtime
from . import audit
from .actor import Actor
from .auth import authorize, validation_failed

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


def current_rows(rt: Runtime) -> list[dict[str, Any]]:
    """The DIP as it stands now, numbered per category (1 berkala, 2 serta merta, 3 setiap saat)."""
    with rt.db.read() as session:
        records = (
            session.execute(
                select(Record)
                .where(
                    Record.publication_state.in_([str(s) for s in OPEN_STATES]),
                    Record.kip_category.in_([str(c) for c in CATEGORY_ORDER]),
                    Record.destroyed_at.is_(None),  # a destroyed record leaves the DIP (its fixed versions keep it)
                )
                .order_by(Record.title, Record.id)
            )
            .scalars()
            .all()
        )
    rows: list[dict[str, Any]] = []
    for index, category in enumerate(CATEGORY_ORDER, start=1):
        members = [r for r in records if r.kip_category == category]
        for position, record in enumerate(members, start=1):
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
                    "retention_text": record.dip_retention_text,
                    "published_url": record.published_url,
                }
            )
    return rows


def current_dip(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    authorize(actor, "dip.read")
    return current_rows(rt)


def fix_version(rt: Runtime, actor: Actor, data: dict[str, Any]) -> DipVersion:
    """*Penetapan DIP*: copy the current DIP into the next version under the PPID's decree."""
    authorize(actor, "dip.fix")
    try:
        loaded = DipFixSchema().load(data)
    except ValidationError as err:
        raise validation_failed(err) from err
    rows = current_rows(rt)
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
    authorize(actor, "dip.read")
    with rt.db.read() as session:
        return list(session.execute(select(DipVersion).order_by(DipVersion.version_no.desc())).scalars())


def get_version(rt: Runtime, actor: Actor, version_no: int) -> DipVersion:
    authorize(actor, "dip.read")
    with rt.db.read() as session:
        version = session.execute(select(DipVersion).where(DipVersion.version_no == version_no)).scalar_one_or_none()
        if version is None:
            raise NotFound(f"DIP versi {version_no} tidak ada.", f"DIP version {version_no} does not exist.")
        return version


@dataclass(frozen=True)
class DipComparison:
    from_version: int
    to_version: int
    added: list[DipRow]
    removed: list[DipRow]
    changed: list[dict[str, Any]]


def compare_versions(rt: Runtime, actor: Actor, from_no: int, to_no: int) -> DipComparison:
    """Rows added, removed and changed (per PerKI column, with before and after) between two versions."""
    old, new = get_version(rt, actor, from_no), get_version(rt, actor, to_no)
    old_rows = {r.record_id: r for r in old.rows}
    new_rows = {r.record_id: r for r in new.rows}
    changed = []
    for record_id in sorted(old_rows.keys() & new_rows.keys()):
        a, b = old_rows[record_id], new_rows[record_id]
        fields = {
            name: {"before": getattr(a, name), "after": getattr(b, name)}
            for name in (*COLUMNS, "dip_no")
            if getattr(a, name) != getattr(b, name)
        }
        if fields:
            changed.append({"record_id": record_id, "title": b.title, "changes": fields})
    return DipComparison(
        from_version=from_no,
        to_version=to_no,
        added=[new_rows[i] for i in sorted(new_rows.keys() - old_rows.keys())],
        removed=[old_rows[i] for i in sorted(old_rows.keys() - new_rows.keys())],
        changed=changed,
    )


__all__ = ["compare_versions", "current_dip", "fix_version", "get_version", "list_versions"]
