"""Records: create with files, read, list, update with optimistic locking, add files, history.

Each function is one use case (DESIGN.md §1): check permission, validate with a schema, one transaction that
changes state and appends the audit and outbox events, commit. Visibility (unit scope and security clearance) is
applied inside the SQL, so lists and counts never include what the caller may not see.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from schemas.enums import AuditAction, PublicationState, Role, TitleSource
from schemas.records import RecordCreateSchema, RecordUpdateSchema, check_period

from ..db import AuditEvent, Counter, OutboxEvent, Record, RecordFile, WorkUnit
from ..db.engine import upsert_insert
from ..db.models import IngestSource
from ..db.types import utcnow
from ..errors import Conflict, Gone, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from ..permissions import classes_visible_to
from ..runtime import Runtime
from ..storage import PendingSync
from ..workflow.table import STEPS
from . import audit, indexing, revisions
from .access import load_visible, visibility_filter
from .actor import Actor
from .auth import authorize, validation_failed
from .titles import file_name_title
from .uploads import StoredFile, Upload, discard_all, ensure_blob_rows, release_created, store_uploads

DESCRIPTIVE_FIELDS = tuple(RecordCreateSchema().fields)
_schemas = threading.local()


def _create_schema() -> RecordCreateSchema:
    """One schema per thread: building one deep-copies every field (about 0.4 ms, more than the load itself),
    which batch ingest would otherwise pay for every file; threads do not share one, to be safe."""
    schema = getattr(_schemas, "create", None)
    if schema is None:
        schema = _schemas.create = RecordCreateSchema()
    return schema


CLOCK_INPUTS = {"classification_code", "doc_date", "period_start", "period_end"}  # retention dates follow these


def _check_clearance(actor: Actor, security_class: str) -> None:
    """Nobody may file a record under a security class they could not read back (a pendukung always reads its own
    unit's records, so only other roles are limited)."""
    if actor.is_system or actor.role == Role.PENDUKUNG:
        return
    if str(security_class) not in classes_visible_to(actor.role):
        raise PermissionDenied(
            f"Peran '{actor.role}' tidak boleh menetapkan klasifikasi keamanan '{security_class}'.",
            f"Role '{actor.role}' may not set the security class '{security_class}'.",
        )


def _check_unit(session: Session, actor: Actor, unit_code: str) -> None:
    if session.get(WorkUnit, unit_code) is None:
        raise ValidationFailed(errors={"processing_unit": ["Unit kerja tidak dikenal. / Unknown work unit."]})
    if actor.role == Role.PENDUKUNG and unit_code != actor.unit_code:
        raise PermissionDenied(
            "Tim Pendukung hanya mengelola arsip unitnya sendiri.",
            "A Tim Pendukung member manages only its own unit's records.",
        )


def next_counter(session: Session, name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive values of a gapless per-name sequence; returns the first.

    The row is locked until commit, so a rolled-back caller leaves no gap. It is created with an insert that
    ignores conflicts first, so concurrent first users of a new name all lock the same row instead of racing."""
    insert = upsert_insert(session)
    session.execute(insert(Counter).values(name=name, value=0).on_conflict_do_nothing())
    counter = session.execute(select(Counter).where(Counter.name == name).with_for_update()).scalar_one()
    first = counter.value + 1
    counter.value += count
    session.flush()
    return first


def snapshot(record: Record) -> dict[str, Any]:
    """The descriptive fields as the audit trail records them, and where the title came from."""
    return {**{name: getattr(record, name) for name in DESCRIPTIVE_FIELDS}, "title_source": record.title_source}


def _outbox(session: Session, topic: str, record: Record) -> None:
    session.add(OutboxEvent(topic=topic, record_id=record.id, record_version=record.version, payload={}))


def _insert_files(session: Session, actor: Actor, items: list[tuple[int, StoredFile]]) -> None:
    """File rows (one executemany) + one audit event each. The caller ran ``ensure_blob_rows`` first
    (lock order: blobs, counters, records, audit head)."""
    if not items:
        return
    now = utcnow()
    ids = (
        session.execute(
            insert(RecordFile).returning(RecordFile.id, sort_by_parameter_order=True),
            [
                {
                    "record_id": record_id,
                    "blob_sha256": f.sha256,
                    "filename": f.filename,
                    "mime": f.mime,
                    "size": f.size,
                    "created_by_id": actor.user_id,
                    "created_at": now,
                }
                for record_id, f in items
            ],
        )
        .scalars()
        .all()
    )
    action = str(AuditAction.FILE_ADD)
    audit.append_many(
        session,
        actor,
        [
            audit.Entry(
                action,
                "file",
                file_id,
                record_id,
                {
                    "filename": {"before": None, "after": f.filename},
                    "sha256": {"before": None, "after": f.sha256},
                    "size": {"before": None, "after": f.size},
                    "mime": {"before": None, "after": f.mime},
                },
            )
            for file_id, (record_id, f) in zip(ids, items, strict=True)
        ],
    )


@dataclass
class PreparedRecord:
    """A record whose metadata is validated and whose files are already in the blob store, ready to commit."""

    data: dict[str, Any]
    files: list[StoredFile]
    title_source: str = str(TitleSource.USER)
    source: tuple[str, str] | None = None  # (path, sha256) of the file ``arsip ingest`` made it from


def prepare_record(
    rt: Runtime,
    actor: Actor,
    data: dict[str, Any],
    uploads: Sequence[Upload] = (),
    *,
    untitled: TitleSource = TitleSource.FILE_NAME,
    pending: PendingSync | None = None,
) -> PreparedRecord:
    """Everything that can happen before the transaction: permission, validation, file checks, storing blobs.

    Split from ``commit_records`` so batch ingest can prepare the next files while the database commits this one.
    On failure every staged file is discarded and no blob this call created remains. With ``pending`` the blobs'
    durability is the caller's to flush before ``commit_records`` (see services/uploads.py).

    A record sent with files but no ``title`` key is titled after its first file for the time being, marked
    ``untitled`` (``file_name``: the index worker proposes a title from the text; ``file_name_auto``: it applies
    one; see services/titles.py). A ``title`` that is sent but empty is still an error."""
    title_source = str(TitleSource.USER)
    if "title" not in data and uploads and file_name_title(uploads[0].filename):
        data = {**data, "title": file_name_title(uploads[0].filename)}
        title_source = str(untitled)
    try:
        authorize(actor, "record.create")
        loaded = _create_schema().load(data)
    except ValidationError as err:
        discard_all(uploads)
        raise validation_failed(err) from err
    except Exception:
        discard_all(uploads)
        raise
    return PreparedRecord(loaded, store_uploads(rt, list(uploads), pending), title_source)


def _assign_record_numbers(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give numbers to rows without one (``ARS/<year>/<seq>``, one counter block per year) and refuse numbers
    that are already used, in the database or twice in this batch."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if not row.get("record_no"):
            by_year.setdefault((row.get("doc_date") or date.today()).year, []).append(row)
    given = [row["record_no"] for row in rows if row.get("record_no")]
    taken = (
        set(session.execute(select(Record.record_no).where(Record.record_no.in_(given))).scalars()) if given else set()
    )
    duplicates = taken | {no for no in given if given.count(no) > 1}
    if duplicates:
        no = sorted(duplicates)[0]
        raise Conflict(f"Nomor arsip '{no}' sudah dipakai.", f"Record number '{no}' is already used.")
    for year, pending in sorted(by_year.items()):
        first = next_counter(session, f"record_no:{year}", len(pending))
        for offset, row in enumerate(pending):
            row["record_no"] = f"ARS/{year}/{first + offset:06d}"


def commit_records(
    rt: Runtime, actor: Actor, batch: Sequence[PreparedRecord], release_on_failure: bool = True
) -> list[int]:
    """One transaction for one or many prepared records: blob rows, records, file rows, audit, outbox.

    Batch ingest commits many records at once (one lock of each counter and of the audit head, executemany
    inserts); the API commits a batch of one. Returns the new ids in order. On failure nothing is written and,
    unless the caller will retry, the blobs that ``prepare_record`` created are released again."""
    stored = [f for p in batch for f in p.files]
    try:
        with rt.db.write() as session:
            ensure_blob_rows(rt, session, stored)
            for unit_code in sorted({p.data["processing_unit"] for p in batch}):
                _check_unit(session, actor, unit_code)
            for security_class in {p.data["security_class"] for p in batch}:
                _check_clearance(actor, security_class)
            now = utcnow()
            first_due = rt.calendar.add(now, STEPS[PublicationState.DIHIMPUN].sla)  # SOP step 1-2 starts now
            rows = [
                dict(
                    p.data,
                    created_by_id=actor.user_id,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    step_started_at=now,
                    step_due_at=first_due,
                    title_source=p.title_source,
                )
                for p in batch
            ]
            _assign_record_numbers(session, rows)
            from .retention import assign_to_rows  # (retention imports this module)

            assign_to_rows(session, rows, now)
            try:
                ids = (
                    session.execute(insert(Record).returning(Record.id, sort_by_parameter_order=True), rows)
                    .scalars()
                    .all()
                )
            except IntegrityError as exc:
                raise Conflict("Nomor arsip sudah dipakai.", "Record number is already used.") from exc
            action = str(AuditAction.RECORD_CREATE)
            audit.append_many(
                session,
                actor,
                [
                    audit.Entry(action, "record", record_id, record_id, audit.diff({}, _created(row)))
                    for record_id, row in zip(ids, rows, strict=True)
                ],
            )
            _insert_files(session, actor, [(rid, f) for rid, p in zip(ids, batch, strict=True) for f in p.files])
            sources = [
                {"source_path": p.source[0], "sha256": p.source[1], "record_id": rid, "ingested_at": now}
                for rid, p in zip(ids, batch, strict=True)
                if p.source is not None
            ]
            if sources:
                session.execute(insert(IngestSource), sources)
            session.execute(
                insert(OutboxEvent),
                [
                    {"topic": "record.created", "record_id": rid, "record_version": 1, "payload": {}, "at": now}
                    for rid in ids
                ],
            )
            return list(ids)
    except Exception:
        if release_on_failure:
            release_created(rt, stored)
        raise


def _created(row: dict[str, Any]) -> dict[str, Any]:
    """A new record as ``record.create`` records it; where the title came from only when it was not a person."""
    values = {name: row.get(name) for name in DESCRIPTIVE_FIELDS}
    if row.get("title_source", TitleSource.USER) != TitleSource.USER:
        values["title_source"] = row["title_source"]
    return values


def create_record(
    rt: Runtime,
    actor: Actor,
    data: dict[str, Any],
    uploads: Sequence[Upload] = (),
    *,
    untitled: TitleSource = TitleSource.FILE_NAME,
) -> Record:
    """Create a record with its files in one transaction; on any failure no record and no new blob remain."""
    record_id = commit_records(rt, actor, [prepare_record(rt, actor, data, uploads, untitled=untitled)])[0]
    return get_record(rt, actor, record_id)


def get_record(rt: Runtime, actor: Actor, record_id: int) -> Record:
    authorize(actor, "record.read")
    with rt.db.read() as session:
        return load_visible(session, actor, record_id)


@dataclass(frozen=True)
class RecordPage:
    items: list[Record]
    total: int


_SORTS = {
    "-created_at": (Record.created_at.desc(), Record.id.desc()),
    "created_at": (Record.created_at.asc(), Record.id.asc()),
    "doc_date": (Record.doc_date.asc(), Record.id.asc()),
    "-doc_date": (Record.doc_date.desc(), Record.id.desc()),
    "title": (Record.title.asc(), Record.id.asc()),
    "record_no": (Record.record_no.asc(),),
}


def _filters(actor: Actor, query: dict[str, Any]) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [visibility_filter(actor)]
    for name in (
        "processing_unit",
        "security_class",
        "media",
        "kip_category",
        "publication_state",
        "archival_state",
    ):
        if query.get(name):
            conds.append(getattr(Record, name) == str(query[name]))
    if code := query.get("classification_code"):
        conds.append(or_(Record.classification_code == code, Record.classification_code.startswith(code + ".")))
    if query.get("doc_date_from"):
        conds.append(Record.doc_date >= query["doc_date_from"])
    if query.get("doc_date_to"):
        conds.append(Record.doc_date <= query["doc_date_to"])
    if q := query.get("q"):
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(
            or_(
                func.lower(Record.title).like(pattern, escape="\\"),
                func.lower(Record.description).like(pattern, escape="\\"),
            )
        )
    return conds


def list_records(rt: Runtime, actor: Actor, query: dict[str, Any], page: int = 1, per_page: int = 20) -> RecordPage:
    """One page of the records the actor may see, with the exact total."""
    authorize(actor, "record.list")
    where = and_(*_filters(actor, query))
    order = _SORTS[query.get("sort") or "-created_at"]
    with rt.db.read() as session:
        total = session.execute(select(func.count()).select_from(Record).where(where)).scalar_one()
        items = list(
            session.execute(
                select(Record).where(where).order_by(*order).offset((page - 1) * per_page).limit(per_page)
            ).scalars()
        )
    return RecordPage(items, total)


def update_record(rt: Runtime, actor: Actor, record_id: int, expected_version: int, data: dict[str, Any]) -> Record:
    """Change descriptive fields if the caller saw the current version; 409 otherwise."""
    authorize(actor, "record.update")
    try:
        changes = RecordUpdateSchema().load(data)
    except ValidationError as err:
        raise validation_failed(err) from err
    try:
        with rt.db.write() as session:
            record = load_visible(session, actor, record_id)
            check_not_destroyed(record)
            _check_version(record, expected_version)
            if "processing_unit" in changes:
                _check_unit(session, actor, changes["processing_unit"])
            if "security_class" in changes:
                _check_clearance(actor, changes["security_class"])
            merged = {**snapshot(record), **changes}
            try:
                check_period(merged.get("period_start"), merged.get("period_end"))
            except ValidationError as err:
                raise validation_failed(err) from err
            before = snapshot(record)
            was_public = record.public_version is not None
            revising = revisions.needs_revision(actor, record)
            revisions.before_change(actor, record)
            for name, value in changes.items():
                setattr(record, name, value)
            if "title" in changes and record.title_source != TitleSource.USER:
                # A person sent the title (a new one, or the stand-in confirmed): the system never changes it again.
                record.title_source = str(TitleSource.USER)
                record.proposed_title = None
            delta = audit.diff(before, snapshot(record))
            if not delta:
                return record
            if delta.keys() & CLOCK_INPUTS:
                from .retention import check_not_in_batch, refresh  # (retention imports this module)

                check_not_in_batch(record)
                refresh(session, record, reclassify="classification_code" in delta)
            if (
                "record_no" in delta
                and session.execute(
                    select(Record.id).where(Record.record_no == record.record_no, Record.id != record.id)
                ).first()
            ):
                raise Conflict(
                    f"Nomor arsip '{record.record_no}' sudah dipakai.",
                    f"Record number '{record.record_no}' is already used.",
                )
            revision = revisions.start_revision(rt, session, actor, record, delta) if revising else None
            record.updated_at = utcnow()
            session.flush()  # bumps version with "WHERE version = :old" (version_id_col)
            audit.append(
                session,
                actor,
                str(AuditAction.RECORD_UPDATE),
                entity_type="record",
                entity_id=record.id,
                record_id=record.id,
                changes=delta,
            )
            if revision is not None:
                revisions.log_revision(session, actor, record, revision)
            _outbox(session, "record.updated", record)
    except StaleDataError as exc:
        raise _stale(record_id) from exc
    if was_public:  # a withdrawal (raised class) or a system edit of published information reaches the index now
        indexing.sync_now(rt, record_id)
    return get_record(rt, actor, record_id)


def use_proposed_title(
    rt: Runtime, actor: Actor, record_id: int, expected_version: int, proposed: str
) -> tuple[Record, bool]:
    """Take over the title the worker proposed (the record page's button): an ordinary edit of the title by the
    user, audited as ``record.update``; returns the record and whether it changed.

    ``proposed`` is the proposal the page showed. A second click (the title already is that proposal, taken by a
    person) changes nothing and is no error. When the proposal changed or vanished since the page was made, the
    answer is 409, like any stale form."""
    authorize(actor, "record.update")
    current = get_record(rt, actor, record_id)
    check_not_destroyed(current)
    if current.title == proposed and current.title_source == TitleSource.USER:
        return current, False
    if not proposed or current.proposed_title != proposed:
        raise Conflict(
            "Judul usulan arsip ini sudah berubah; periksa halaman arsip lalu ulangi.",
            "The proposed title of this record has changed; check the record page and retry.",
        )
    return update_record(rt, actor, record_id, expected_version, {"title": proposed}), True


def _stale(record_id: int) -> StaleVersion:
    return StaleVersion(
        f"Arsip {record_id} sudah diubah orang lain; muat ulang lalu ulangi.",
        f"Record {record_id} was changed by someone else; reload and retry.",
    )


def _check_version(record: Record, expected_version: int | None) -> None:
    if expected_version is not None and record.version != expected_version:
        raise _stale(record.id)


def check_not_destroyed(record: Record) -> None:
    """A destroyed record is a tombstone: it can be read, never changed, and its files are gone (410)."""
    if record.destroyed_at is not None:
        raise Gone(
            f"Arsip {record.id} telah dimusnahkan; hanya metadata dan berita acaranya yang disimpan.",
            f"Record {record.id} was destroyed; only its metadata and the minutes of destruction are kept.",
        )


def add_files(
    rt: Runtime, actor: Actor, record_id: int, uploads: Sequence[Upload], expected_version: int | None = None
) -> Record:
    """Attach more files to a record; bumps its version."""
    try:
        authorize(actor, "file.add")
        with rt.db.read() as session:
            record = load_visible(session, actor, record_id)
            check_not_destroyed(record)
            _check_unit(session, actor, record.processing_unit)
            _check_version(record, expected_version)
        if not uploads:
            raise ValidationFailed(errors={"files": ["Tidak ada berkas. / No file was sent."]})
    except Exception:
        discard_all(uploads)
        raise
    stored = store_uploads(rt, list(uploads))
    try:
        with rt.db.write() as session:
            ensure_blob_rows(rt, session, stored)
            # Without If-Match the caller accepts whatever version is current: lock it, so a PATCH committed since
            # the read above cannot turn this into a 409 (it did in 335 of 565 tries on PostgreSQL).
            record = load_visible(session, actor, record_id, lock=expected_version is None)
            _check_version(record, expected_version)
            revision = None
            if revisions.needs_revision(actor, record):  # a new file of reviewed information is reviewed first
                revisions.before_change(actor, record)
                revision = revisions.start_revision(rt, session, actor, record, ["files"])
            record.updated_at = utcnow()
            session.flush()  # version bump: locks the record row before the audit head (one lock order everywhere)
            _insert_files(session, actor, [(record.id, f) for f in stored])
            if revision is not None:
                revisions.log_revision(session, actor, record, revision)
            _outbox(session, "record.updated", record)
    except Exception as exc:
        release_created(rt, stored)
        if isinstance(exc, StaleDataError):
            raise _stale(record_id) from exc
        raise
    return get_record(rt, actor, record_id)


def open_file(rt: Runtime, actor: Actor, record_id: int, file_id: int) -> tuple[RecordFile, BinaryIO]:
    """The file row and a stream of its bytes, if the actor may see the record."""
    authorize(actor, "file.read")
    with rt.db.read() as session:
        check_not_destroyed(load_visible(session, actor, record_id))
        row = session.execute(
            select(RecordFile).where(RecordFile.id == file_id, RecordFile.record_id == record_id)
        ).scalar_one_or_none()
    if row is None:
        raise NotFound(
            f"Berkas {file_id} tidak ada pada arsip {record_id}.",
            f"File {file_id} is not part of record {record_id}.",
        )
    return row, rt.blobs.open(row.blob_sha256)


def record_history(rt: Runtime, actor: Actor, record_id: int) -> list[AuditEvent]:
    authorize(actor, "record.history")
    with rt.db.read() as session:
        load_visible(session, actor, record_id)
        return audit.history(session, record_id)
