"""Disposition batches (*penyusutan*): propose → panel appraisal → approval → execution, per ``retention.lifecycle``.

Each stage is one use case with one transaction: it checks the role, the four-eyes rule, the batch's stage and
version, and the guards on every record (state, due date, JRA disposition, holds, vital records), then moves the
batch and its records together and writes the audit and outbox events. A guard that fails on any record refuses
the whole stage with 409 naming the records, and changes nothing; the arsiparis may take a record out of the batch
(``exclude_item``) and go on.

Execution of a destruction is irreversible: the records become tombstones (metadata and the berita acara kept for
ever) and then ``destruction.purge`` deletes the bytes and the index entries. Execution of a permanent transfer
builds the BagIt package first and marks the records transferred only once the package is stored and valid.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, load_only
from sqlalchemy.orm.exc import StaleDataError

from retention.lifecycle import KIND_RULES, OPEN_BATCH_STATES, KindRule, approvable_from
from schemas.enums import ArchivalState, BatchState, DispositionKind, PanelOpinion
from schemas.retention import (
    ApprovalSchema,
    BatchProposeSchema,
    ConcludeSchema,
    ConsiderationSchema,
    ExecutionSchema,
    ReasonSchema,
)

from ..db import DispositionBatch, DispositionItem, OutboxEvent, PanelConsideration, Record, User
from ..db.types import utcnow
from ..errors import Conflict, NotFound, PermissionDenied, StaleVersion
from ..runtime import Runtime
from . import audit
from .access import may_read_copy, redacted_line
from .actor import Actor
from .auth import authorize, validation_failed
from .records import load_visible, next_counter

log = logging.getLogger(__name__)


def _load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as err:
        raise validation_failed(err) from err


# ---- guards on records ---------------------------------------------------------------------------------------------
def record_problems(rule: KindRule, record: Record, today: date, *, proposing: bool) -> list[str]:
    """Why ``record`` may not take part in this kind of disposition now (empty: it may). Holds and vital records
    are checked at every stage; state, due date and JRA disposition only when proposing."""
    problems: list[str] = []
    if record.legal_hold:
        problems.append("ditahan (legal hold / sengketa) / under a hold")
    if record.is_vital and not rule.vital_allowed:
        problems.append("arsip vital tidak boleh dimusnahkan / vital records are never destroyed")
    if not proposing:
        return problems
    if record.archival_state != rule.eligible_state:
        problems.append(f"status '{record.archival_state}', harus / must be '{rule.eligible_state}'")
    due = getattr(record, rule.due_field)
    if due is None and record.retention_waiting_for:
        problems.append(f"menunggu peristiwa pemicu / waiting for the event '{record.retention_waiting_for}'")
    elif due is None or due > today:
        problems.append(f"retensi belum berakhir / retention not ended ({rule.due_field}: {due})")
    if rule.disposition is not None and record.final_disposition != rule.disposition:
        problems.append(f"JRA: '{record.final_disposition}', bukan / not '{rule.disposition}'")
    return problems


def _refuse_if_problems(problems: dict[int, list[str]], stage_id: str, stage_en: str) -> None:
    if problems:
        listed = "; ".join(f"{rid}: {', '.join(p)}" for rid, p in sorted(problems.items())[:20])
        raise Conflict(
            f"{stage_id} ditolak untuk {len(problems)} arsip: {listed}",
            f"{stage_en} refused for {len(problems)} records: {listed}",
            records={str(rid): p for rid, p in problems.items()},
        )


# ---- the list row (Daftar Arsip Usul Musnah / yang Dipindahkan / yang Diserahkan) ----------------------------------
def list_row(record: Record, no: int) -> dict[str, Any]:
    """The columns of a *daftar arsip* (DOMAIN.md §4.5), as the record stood when proposed."""
    if record.period_start and record.period_end:
        period = f"{record.period_start.isoformat()} s.d. {record.period_end.isoformat()}"
    else:
        period = (record.doc_date or record.period_start or record.period_end or record.created_at.date()).isoformat()
    return {
        "no": no,
        "record_id": record.id,
        "record_no": record.record_no,
        "file_no": record.file_no,
        "classification_code": record.classification_code,
        "title": record.title,
        "description": record.description,
        "creator_org": record.creator_org,
        "processing_unit": record.processing_unit,
        "period": period,
        "development_level": record.development_level,
        "quantity": record.quantity,
        "quantity_unit": record.quantity_unit,
        "media": record.media,
        "security_class": record.security_class,
        "location": record.location,
        "jra_ref": record.jra_ref,
        "retention_total_years": record.retention_total_years,
        "active_until": record.active_until.isoformat() if record.active_until else None,
        "inactive_until": record.inactive_until.isoformat() if record.inactive_until else None,
        "final_disposition": record.final_disposition,
        "files": [{"filename": f.filename, "sha256": f.sha256, "size": f.size, "mime": f.mime} for f in record.files],
        "notes": record.notes,
    }


# ---- moving records with their batch -------------------------------------------------------------------------------
def _move_records(
    session: Session,
    actor: Actor,
    records: Iterable[Record],
    to_state: ArchivalState,
    batch: DispositionBatch,
    action: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    for record in records:
        before = {"archival_state": record.archival_state, **{k: getattr(record, k) for k in (extra or {})}}
        record.archival_state = str(to_state)
        for name, value in (extra or {}).items():
            setattr(record, name, value)
        record.updated_at = now
        session.flush()  # version bump: the record row is locked from here
        after = {"archival_state": record.archival_state, **{k: getattr(record, k) for k in (extra or {})}}
        changes = audit.diff(before, after)
        changes["batch"] = {"before": None, "after": batch.no}
        audit.append(
            session,
            actor,
            f"disposition.{action}",
            entity_type="record",
            entity_id=record.id,
            record_id=record.id,
            changes=changes,
        )
        session.add(
            OutboxEvent(topic=f"disposition.{action}", record_id=record.id, record_version=record.version, payload={})
        )


def _batch_audit(session: Session, actor: Actor, batch: DispositionBatch, action: str, changes: dict[str, Any]) -> None:
    audit.append(
        session,
        actor,
        f"disposition.{action}",
        entity_type="disposition_batch",
        entity_id=batch.id,
        changes={name: {"before": None, "after": value} for name, value in changes.items()},
    )


def _active_items(batch: DispositionBatch) -> list[DispositionItem]:
    return [item for item in batch.items if not item.excluded]


def _records_of(session: Session, items: list[DispositionItem]) -> list[Record]:
    ids = [item.record_id for item in items]
    records = {r.id: r for r in session.execute(select(Record).where(Record.id.in_(ids))).scalars()} if ids else {}
    return [records[i] for i in ids]


def _open_batch(
    session: Session, actor: Actor, batch_id: int, expected_version: int | None, stages: Iterable[BatchState]
) -> tuple[DispositionBatch, KindRule]:
    batch = session.get(DispositionBatch, batch_id)
    if batch is None:
        raise NotFound(f"Berkas penyusutan {batch_id} tidak ada.", f"Disposition batch {batch_id} does not exist.")
    if expected_version is not None and batch.version != expected_version:
        raise StaleVersion(
            f"Berkas {batch.no} sudah diubah orang lain; muat ulang lalu ulangi.",
            f"Batch {batch.no} was changed by someone else; reload and retry.",
        )
    wanted = {str(s) for s in stages}
    if batch.state not in wanted:
        raise Conflict(
            f"Berkas {batch.no} berstatus '{batch.state}'; langkah ini perlu status {', '.join(sorted(wanted))}.",
            f"Batch {batch.no} is '{batch.state}'; this step needs {', '.join(sorted(wanted))}.",
        )
    return batch, KIND_RULES[DispositionKind(batch.kind)]


def _stale_batch(batch_id: int) -> StaleVersion:
    return StaleVersion(
        f"Berkas penyusutan {batch_id} sudah diubah orang lain; muat ulang lalu ulangi.",
        f"Disposition batch {batch_id} was changed by someone else; reload and retry.",
    )


# ---- stages --------------------------------------------------------------------------------------------------------
def propose(rt: Runtime, actor: Actor, data: dict[str, Any]) -> BatchView:
    """Make a proposal list (*Daftar Arsip Usul Musnah / Pindah / Serah*) of records whose retention has ended."""
    authorize(actor, "disposition.propose")
    loaded = _load(BatchProposeSchema(), data)
    rule = KIND_RULES[DispositionKind(loaded["kind"])]
    today, now = rt.calendar.today(), utcnow()
    try:
        with rt.db.write() as session:
            records = [load_visible(session, actor, rid) for rid in loaded["record_ids"]]
            problems = {r.id: p for r in records if (p := record_problems(rule, r, today, proposing=True))}
            _refuse_if_problems(problems, "Usulan", "The proposal")
            local = now.astimezone(rt.calendar.tz)
            seq = next_counter(session, f"disposition:{rule.number_prefix}:{local.year}")
            units = {r.processing_unit for r in records}
            total = max((r.retention_total_years or 0) for r in records)
            batch = DispositionBatch(
                no=f"{rule.number_prefix}/{local.year}/{seq:04d}",
                kind=str(rule.kind),
                state=str(BatchState.DIUSULKAN),
                processing_unit=units.pop() if len(units) == 1 else None,
                authority=str(rule.authority(total)),
                total_years_max=total,
                proposal_note=loaded.get("note"),
                proposed_by=actor.username,
                proposed_at=now,
                approval={},
                berita_acara={},
            )
            session.add(batch)
            session.flush()
            session.add_all(
                DispositionItem(batch_id=batch.id, record_id=r.id, position=i, row=list_row(r, i), outcome={})
                for i, r in enumerate(records, start=1)
            )
            _batch_audit(
                session,
                actor,
                batch,
                "propose",
                {"no": batch.no, "kind": batch.kind, "records": [r.id for r in records]},
            )
            _move_records(session, actor, records, rule.record_state[BatchState.DIUSULKAN], batch, "propose", now)
            batch_id = batch.id
    except StaleDataError as exc:
        raise Conflict("Arsip berubah saat diusulkan; ulangi.", "A record changed while proposed; retry.") from exc
    return get_batch(rt, actor, batch_id)


def appraise(rt: Runtime, actor: Actor, batch_id: int, data: dict[str, Any]) -> BatchView:
    """One panel member's written consideration of a proposal (once per member)."""
    authorize(actor, "disposition.appraise")
    loaded = _load(ConsiderationSchema(), data)
    with rt.db.write() as session:
        batch, rule = _open_batch(session, actor, batch_id, None, [BatchState.DIUSULKAN])
        if not rule.needs_panel:
            raise Conflict("Jenis penyusutan ini tidak dinilai panitia.", "This kind is not appraised by the panel.")
        if any(c.member == actor.username for c in batch.considerations):
            raise Conflict("Anda sudah memberi pertimbangan.", "You have already given your consideration.")
        unknown = set(loaded["exclude_record_ids"]) - {i.record_id for i in batch.items}
        if unknown:
            raise Conflict(
                f"Arsip bukan bagian dari berkas ini: {sorted(unknown)}",
                f"Records not in this batch: {sorted(unknown)}",
            )
        user = session.get(User, actor.user_id) if actor.user_id else None
        session.add(
            PanelConsideration(
                batch_id=batch.id,
                member=actor.username,
                member_name=user.full_name if user else actor.username,
                opinion=str(loaded["opinion"]),
                consideration=loaded["consideration"],
                exclude_record_ids=sorted(loaded["exclude_record_ids"]),
                at=utcnow(),
            )
        )
        _batch_audit(session, actor, batch, "appraise", {"opinion": str(loaded["opinion"])})
    return get_batch(rt, actor, batch_id)


def conclude_panel(
    rt: Runtime, actor: Actor, batch_id: int, expected_version: int | None, data: dict[str, Any]
) -> BatchView:
    """Close the appraisal: with a quorum of considerations and a majority in favour the batch is appraised
    (records a majority of the members would keep leave it); otherwise it is refused."""
    authorize(actor, "disposition.appraise")
    loaded = _load(ConcludeSchema(), data)
    now = utcnow()
    try:
        with rt.db.write() as session:
            batch, rule = _open_batch(session, actor, batch_id, expected_version, [BatchState.DIUSULKAN])
            if not rule.needs_panel:
                raise Conflict(
                    "Jenis penyusutan ini tidak dinilai panitia.", "This kind is not appraised by the panel."
                )
            considered = batch.considerations
            quorum = rt.settings.panel_quorum
            if len(considered) < quorum:
                raise Conflict(
                    f"Baru {len(considered)} pertimbangan; kuorum panitia {quorum}.",
                    f"Only {len(considered)} considerations; the panel's quorum is {quorum}.",
                )
            in_favour = sum(1 for c in considered if c.opinion == PanelOpinion.SETUJU)
            batch.panel_concluded_by = actor.username
            batch.panel_concluded_at = now
            batch.panel_summary = loaded["summary"]
            if in_favour * 2 <= len(considered):
                _refuse(
                    session, actor, batch, rule, f"Panitia tidak menyetujui / the panel disagreed: {loaded['summary']}"
                )
            else:
                votes: dict[int, int] = {}
                for c in considered:
                    for rid in c.exclude_record_ids:
                        votes[rid] = votes.get(rid, 0) + 1
                for item in _active_items(batch):
                    if votes.get(item.record_id, 0) * 2 > len(considered):
                        _exclude(session, actor, batch, rule, item, "Dikeluarkan oleh panitia / kept by the panel", now)
                batch.state = str(BatchState.DINILAI)
                session.flush()
                _move_records(
                    session,
                    actor,
                    _records_of(session, _active_items(batch)),
                    rule.record_state[BatchState.DINILAI],
                    batch,
                    "appraised",
                    now,
                )
            _batch_audit(session, actor, batch, "conclude", {"state": batch.state, "in_favour": in_favour})
    except StaleDataError as exc:
        raise _stale_batch(batch_id) from exc
    return get_batch(rt, actor, batch_id)


def approve(rt: Runtime, actor: Actor, batch_id: int, expected_version: int | None, data: dict[str, Any]) -> BatchView:
    """Record the authority's approval letter. Four eyes: the proposer may not approve their own proposal."""
    authorize(actor, "disposition.approve")
    loaded = _load(ApprovalSchema(), data)
    now, today = utcnow(), rt.calendar.today()
    if loaded["letter_date"] > today:
        raise validation_failed(
            ValidationError({"letter_date": ["Tanggal surat di masa depan. / The letter date is ahead."]})
        )
    try:
        with rt.db.write() as session:
            batch, rule = _open_batch(session, actor, batch_id, expected_version, OPEN_BATCH_STATES)
            if batch.proposed_by == actor.username:
                raise PermissionDenied(
                    "Pengusul tidak boleh menyetujui usulannya sendiri (empat mata).",
                    "The proposer may not approve their own proposal (four eyes).",
                )
            _open_batch(session, actor, batch_id, None, [approvable_from(rule)])
            items = _active_items(batch)
            if not items:
                raise Conflict("Berkas ini tidak berisi arsip lagi.", "This batch has no records left.")
            records = _records_of(session, items)
            problems = {r.id: p for r in records if (p := record_problems(rule, r, today, proposing=False))}
            _refuse_if_problems(problems, "Persetujuan", "The approval")
            batch.approval = {
                "authority": batch.authority,
                "letter_no": loaded["letter_no"],
                "letter_date": loaded["letter_date"].isoformat(),
                "signer_name": loaded["signer_name"],
                "signer_title": loaded["signer_title"],
                "note": loaded.get("note"),
                "recorded_by": actor.username,
            }
            batch.approved_by = actor.username
            batch.approved_at = now
            batch.state = str(BatchState.DISETUJUI)
            session.flush()
            _move_records(session, actor, records, rule.record_state[BatchState.DISETUJUI], batch, "approve", now)
            _batch_audit(session, actor, batch, "approve", {"approval": batch.approval})
    except StaleDataError as exc:
        raise _stale_batch(batch_id) from exc
    return get_batch(rt, actor, batch_id)


def refuse(rt: Runtime, actor: Actor, batch_id: int, expected_version: int | None, data: dict[str, Any]) -> BatchView:
    """Refuse (or withdraw) a batch before execution: its records return to where they were."""
    authorize(actor, "disposition.approve")
    reason = _load(ReasonSchema(), data)["reason"]
    try:
        with rt.db.write() as session:
            batch, rule = _open_batch(session, actor, batch_id, expected_version, OPEN_BATCH_STATES)
            _refuse(session, actor, batch, rule, reason)
            _batch_audit(session, actor, batch, "refuse", {"reason": reason})
    except StaleDataError as exc:
        raise _stale_batch(batch_id) from exc
    return get_batch(rt, actor, batch_id)


def _refuse(session: Session, actor: Actor, batch: DispositionBatch, rule: KindRule, reason: str) -> None:
    batch.state = str(BatchState.DITOLAK)
    batch.refused_reason = reason
    session.flush()
    _move_records(
        session, actor, _records_of(session, _active_items(batch)), rule.eligible_state, batch, "refuse", utcnow()
    )


def _exclude(
    session: Session,
    actor: Actor,
    batch: DispositionBatch,
    rule: KindRule,
    item: DispositionItem,
    reason: str,
    now: datetime,
) -> None:
    item.excluded = True
    item.excluded_reason = reason
    _move_records(session, actor, _records_of(session, [item]), rule.eligible_state, batch, "exclude", now)
    remaining = _records_of(session, _active_items(batch))
    if remaining:  # the approving authority follows the longest retention still in the batch
        batch.total_years_max = max((r.retention_total_years or 0) for r in remaining)
        batch.authority = str(rule.authority(batch.total_years_max))


def exclude_item(
    rt: Runtime, actor: Actor, batch_id: int, record_id: int, expected_version: int | None, data: dict[str, Any]
) -> BatchView:
    """Take one record out of an open batch (e.g. it was put under a hold); it returns to where it was."""
    authorize(actor, "disposition.propose")
    reason = _load(ReasonSchema(), data)["reason"]
    try:
        with rt.db.write() as session:
            batch, rule = _open_batch(session, actor, batch_id, expected_version, OPEN_BATCH_STATES)
            item = next((i for i in _active_items(batch) if i.record_id == record_id), None)
            if item is None:
                raise NotFound(
                    f"Arsip {record_id} tidak ada dalam berkas {batch.no}.",
                    f"Record {record_id} is not in batch {batch.no}.",
                )
            _exclude(session, actor, batch, rule, item, reason, utcnow())
            _batch_audit(session, actor, batch, "exclude", {"record_id": record_id, "reason": reason})
            if not _active_items(batch):
                _refuse(session, actor, batch, rule, "Semua arsip dikeluarkan / every record was taken out")
    except StaleDataError as exc:
        raise _stale_batch(batch_id) from exc
    return get_batch(rt, actor, batch_id)


def execute(rt: Runtime, actor: Actor, batch_id: int, expected_version: int | None, data: dict[str, Any]) -> BatchView:
    """Carry out an approved batch and record its *berita acara*: records move to the records centre, are
    destroyed (irreversibly) or are handed over as a validated BagIt package."""
    authorize(actor, "disposition.execute")
    ba = _load(ExecutionSchema(), data)
    if ba["date"] > rt.calendar.today():
        raise validation_failed(ValidationError({"date": ["Tanggal di masa depan. / The date is ahead."]}))
    with rt.db.read() as session:
        batch, rule = _open_batch(session, actor, batch_id, expected_version, [BatchState.DISETUJUI])
        kind = rule.kind
    ba["ba_no"] = ba.get("ba_no") or f"BA-{batch.no}"
    package = None
    if kind == DispositionKind.PENYERAHAN:
        from .transfer import build_package

        package = build_package(rt, actor, batch_id, ba)  # outside the transaction: it copies every file
    try:
        with rt.db.write() as session:
            batch, rule = _open_batch(session, actor, batch_id, expected_version, [BatchState.DISETUJUI])
            records = _records_of(session, _active_items(batch))
            problems = {
                r.id: p for r in records if (p := record_problems(rule, r, rt.calendar.today(), proposing=False))
            }
            _refuse_if_problems(problems, "Pelaksanaan", "The execution")
            now = utcnow()
            local = now.astimezone(rt.calendar.tz)
            ba_no = ba["ba_no"]
            batch.berita_acara = {
                "title": rule.ba_title_id,
                "no": ba_no,
                "date": ba["date"].isoformat(),
                "place": ba["place"],
                "method": ba.get("method"),
                "location": ba.get("location"),
                "receiver": ba.get("receiver"),
                "signatories": ba["signatories"],
                "witnesses": ba["witnesses"],
                "note": ba.get("note"),
                "institution": rt.settings.institution_name,
                "records": len(records),
                "recorded_at": local.isoformat(),
            }
            batch.berita_acara_no = ba_no
            batch.executed_by = actor.username
            batch.executed_at = now
            batch.state = str(BatchState.DILAKSANAKAN)
            extra: dict[str, Any] = {}
            if kind == DispositionKind.PEMINDAHAN:
                extra = {"location": ba.get("location") or rt.settings.records_centre_location}
            elif kind == DispositionKind.PEMUSNAHAN:
                extra = {"destroyed_at": now, "published_at": None, "published_url": None}
            elif package is not None:
                extra = {"transferred_at": now}
                package.register(session)
                batch.package_sha256 = package.sha256
                batch.package_size = package.size
            session.flush()
            _move_records(session, actor, records, rule.done_state, batch, "execute", now, extra)
            _batch_audit(session, actor, batch, "execute", {"berita_acara": batch.berita_acara})
    except BaseException as exc:
        if package is not None:
            package.discard(rt)
        if isinstance(exc, StaleDataError):
            raise _stale_batch(batch_id) from exc
        raise
    if kind == DispositionKind.PEMUSNAHAN:
        from .destruction import purge_batch

        purge_batch(rt, batch_id)
    return get_batch(rt, actor, batch_id)


# ---- reading -------------------------------------------------------------------------------------------------------
# A batch is read through ``BatchView`` only: every line is a copy of a record made when it was proposed, so a line
# whose record (today) or whose copy (class and unit when proposed) the reader may not read keeps its place, number
# and codes but nothing else (``access.may_read_copy``, ``access.redacted_line``). The API, the staff pages, the
# documents of ``reports.retention_docs`` and the package download all get the batch from here.
@dataclass(frozen=True)
class BatchLine:
    """One line of a batch as the reader may see it; a redacted line has no record id, outcome or reason."""

    record_id: int | None
    position: int
    row: dict[str, Any]
    excluded: bool
    excluded_reason: str | None
    outcome: dict[str, Any]
    redacted: bool = False


@dataclass(frozen=True)
class ConsiderationView:
    """A panel member's consideration; the records it would keep are named only when the reader may read them."""

    member: str
    member_name: str
    opinion: str
    consideration: str
    exclude_record_ids: list[int]
    at: datetime


class BatchView:
    """A disposition batch as one reader sees it: the batch's own fields as recorded, its lines and considerations
    through the access rule. Attributes other than ``items`` and ``considerations`` are the batch's."""

    def __init__(self, batch: DispositionBatch, items: list[BatchLine], considerations: list[ConsiderationView]):
        self._batch = batch
        self.items = items
        self.considerations = considerations

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_batch":
            raise AttributeError(name)
        return getattr(self._batch, name)

    @property
    def redacted_count(self) -> int:
        return sum(1 for item in self.items if item.redacted)

    @property
    def package_readable(self) -> bool:
        """The transfer package holds every active line's record whole (metadata, files, history): it may be
        downloaded only by a reader who may read all of them."""
        return not any(item.redacted for item in self.items if not item.excluded)


def _readable_record_ids(session: Session, actor: Actor, items: Iterable[DispositionItem]) -> set[int]:
    """The record ids of the lines ``actor`` may read: the record today and its copy in the line
    (``access.may_read_copy``), one query per 500 records."""
    items = list(items)
    if actor.is_system:
        return {item.record_id for item in items}
    wanted = sorted({item.record_id for item in items})
    found: dict[int, Record] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        q = (
            select(Record)
            .options(load_only(Record.id, Record.security_class, Record.processing_unit), lazyload("*"))
            .where(Record.id.in_(chunk))
        )
        found.update((r.id, r) for r in session.execute(q).scalars())
    return {item.record_id for item in items if may_read_copy(actor, found.get(item.record_id), item.row)}


def _line(item: DispositionItem, readable: bool) -> BatchLine:
    if readable:
        return BatchLine(
            item.record_id,
            item.position,
            dict(item.row),
            item.excluded,
            item.excluded_reason,
            dict(item.outcome or {}),
        )
    return BatchLine(None, item.position, redacted_line(item.row), item.excluded, None, {}, True)


def _views(session: Session, actor: Actor, batches: list[DispositionBatch]) -> list[BatchView]:
    readable = _readable_record_ids(session, actor, (item for b in batches for item in b.items))
    out = []
    for batch in batches:
        considerations = [
            ConsiderationView(
                c.member,
                c.member_name,
                c.opinion,
                c.consideration,
                [rid for rid in c.exclude_record_ids if rid in readable],
                c.at,
            )
            for c in batch.considerations
        ]
        out.append(BatchView(batch, [_line(i, i.record_id in readable) for i in batch.items], considerations))
    return out


def get_batch(rt: Runtime, actor: Actor, batch_id: int) -> BatchView:
    authorize(actor, "disposition.read")
    with rt.db.read() as session:
        batch = session.get(DispositionBatch, batch_id)
        if batch is None:
            raise NotFound(f"Berkas penyusutan {batch_id} tidak ada.", f"Disposition batch {batch_id} does not exist.")
        return _views(session, actor, [batch])[0]


def list_batches(
    rt: Runtime, actor: Actor, *, kind: str | None = None, state: str | None = None, limit: int = 200
) -> list[BatchView]:
    authorize(actor, "disposition.read")
    with rt.db.read() as session:
        q = select(DispositionBatch).order_by(DispositionBatch.id.desc()).limit(limit)
        if kind:
            q = q.where(DispositionBatch.kind == kind)
        if state:
            q = q.where(DispositionBatch.state == state)
        return _views(session, actor, list(session.execute(q).scalars()))


def package_of(rt: Runtime, actor: Actor, batch_id: int) -> BatchView:
    """The batch whose transfer package ``actor`` may download: 404 without a package, 403 when the package holds
    a record the reader may not read (a package is a sealed whole: it cannot be redacted)."""
    batch = get_batch(rt, actor, batch_id)
    if not batch.package_sha256:
        raise NotFound("Berkas ini tidak memiliki paket.", "This batch has no package.")
    if not batch.package_readable:
        raise PermissionDenied(
            "Paket ini memuat arsip di luar klasifikasi keamanan yang boleh Anda baca.",
            "This package holds records beyond the security classes you may read.",
        )
    return batch
