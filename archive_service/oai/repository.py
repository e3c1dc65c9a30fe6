"""What the OAI-PMH repository holds: the ``oai_items`` table, kept in step with the records, and its queries.

Why a table: OAI-PMH promises ``deletedRecord=persistent`` — a harvester that copied a record must later learn
that it was withdrawn. But a withdrawal leaves no trace a query could find on the record itself (unpublishing
clears ``published_at``; an exemption or a reclassification to *rahasia* just changes the columns), and a record
that was *never* public must never be mentioned at all, not even as deleted. So ``oai_items`` remembers every
record the repository has exposed: a row is created the first time a record is seen public and is never removed.

`sync` brings the table up to date with three set-based statements (no per-record Python loop):

1. records public now without a row get one (``deleted = false``, datestamp now);
2. rows whose record is public now but was marked deleted, or whose record changed since (its optimistic-lock
   ``version`` differs), get datestamp now (and ``deleted = false``);
3. live rows whose record is no longer public (unpublished, exempted, reclassified, destroyed) are marked
   deleted with datestamp now.

The datestamp is therefore the moment the repository registered the change, truncated to seconds, which is what
makes incremental harvesting exact: a change is never stamped earlier than the sync that first exposes it, so a
harvester asking ``from`` its last harvest time cannot miss it. Every OAI request calls `maybe_sync`, which runs
`sync` at most once per `SYNC_INTERVAL` seconds per process; a sync is incremental (only records changed since the
previous one, by ``records.updated_at``), with a full pass the first time and once a day. Between two syncs an
answer may lag by those few seconds, but it never leaks: an item is served with metadata only if its record is
public *now* (``public_condition()`` in the same query); a live row whose record was withdrawn since the last sync
is answered as deleted, without sets or metadata.

Deleted items carry no set membership (their category and unit are never disclosed), so a set-restricted harvest
does not report deletions; a harvester that needs them harvests without ``set`` (documented in
docs/interoperability.md).

Identifiers are ``oai:<repository id>:<record id>`` with the identifier stored by `identity` (never derived from
the base URL). After ``arsip oai rename-repository`` the items under a former identifier live on in
``oai_retired_items``, answered as deleted; the lists merge them in behind the current items, in
``(datestamp, record id, former identifier)`` order.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, literal, or_, select, true, update
from sqlalchemy.orm import Session

from schemas.enums import KIP_CATEGORY_LABELS, KipCategory

from ..config import Settings
from ..db import Counter, OaiItem, Record, WorkUnit
from ..db.engine import upsert_insert
from ..db.models import OaiRetiredItem
from ..db.types import utcnow
from ..runtime import Runtime
from ..services.dip import CATEGORY_ORDER
from ..services.indexing import is_public, public_condition
from ..services.public_versions import public_view
from . import identity

SYNC_INTERVAL = 3.0  # seconds between two syncs in one process
SYNC_SLACK = timedelta(minutes=10)  # an incremental sync looks this far behind the previous one
FULL_SYNC_EVERY = timedelta(hours=24)
SYNC_MARK, FULL_SYNC_MARK = "oai_sync_at", "oai_full_sync_at"  # rows of ``counters``: epoch seconds
_last_sync: dict[str, float] = {}
_sync_lock = threading.Lock()

CATEGORY_SET = "kategori"
UNIT_SET = "unit"


# ---- keeping oai_items in step -------------------------------------------------------------------------------------
def _now() -> datetime:
    return utcnow().replace(microsecond=0)


def _public_record(record_id: ColumnElement[int]) -> ColumnElement[bool]:
    return exists(select(Record.id).where(Record.id == record_id, public_condition()))


def _read_mark(session: Session, name: str) -> datetime | None:
    value = session.execute(select(Counter.value).where(Counter.name == name)).scalar_one_or_none()
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _write_mark(session: Session, name: str, stamp: datetime) -> None:
    insert = upsert_insert(session)
    seconds = int(stamp.timestamp())
    session.execute(
        insert(Counter)
        .values(name=name, value=seconds)
        .on_conflict_do_update(index_elements=["name"], set_={"value": seconds})
    )


def sync(rt: Runtime, now: datetime | None = None, *, full: bool = False) -> bool:
    """Register newly public, changed and withdrawn records (see the module docstring); True if it was a full pass.

    Incremental by default: only records whose ``updated_at`` is at most `SYNC_SLACK` older than the previous sync
    are looked at (``ix_records_updated_at``), so a sync costs what changed, not the size of the archive. Every
    service that changes a record sets ``updated_at`` (and SQLAlchemy bumps ``version``); the slack covers a
    transaction that stamped its change before a sync started and committed after it. A full pass (every record)
    runs the first time, when asked (``full``; ``arsip cron`` does once a day) and after `FULL_SYNC_EVERY`, as a
    safety net. Either way nothing can leak: metadata is only ever served for a record public at query time."""
    stamp = (now or _now()).replace(microsecond=0)
    with rt.db.write() as session:
        identity.current(session, rt.settings)  # stored before the first item exists (identity.py)
        last, last_full = _read_mark(session, SYNC_MARK), _read_mark(session, FULL_SYNC_MARK)
        full = full or last is None or last_full is None or stamp - last_full >= FULL_SYNC_EVERY
        register(session, stamp, full=full, since=last)
    _last_sync[rt.settings.database_url] = time.monotonic()
    return full


def register(session: Session, stamp: datetime, *, full: bool, since: datetime | None = None) -> None:
    """The three statements of a sync in ``session``'s transaction, and the sync marks; ``since``: the previous
    sync, for an incremental pass (`sync`, and `identity.rename` with a full pass)."""
    recent = true() if full or since is None else Record.updated_at >= since - SYNC_SLACK
    touched = true() if full else OaiItem.record_id.in_(select(Record.id).where(recent))
    insert = upsert_insert(session)
    new = select(Record.id, Record.version, literal(stamp, OaiItem.datestamp.type), false()).where(
        recent, public_condition(), ~exists(select(OaiItem.record_id).where(OaiItem.record_id == Record.id))
    )
    columns = ["record_id", "record_version", "datestamp", "deleted"]
    session.execute(insert(OaiItem).from_select(columns, new).on_conflict_do_nothing())
    current_version = select(Record.version).where(Record.id == OaiItem.record_id).scalar_subquery().correlate(OaiItem)
    changed = exists(
        select(Record.id).where(
            Record.id == OaiItem.record_id,
            public_condition(),
            or_(OaiItem.deleted.is_(True), Record.version != OaiItem.record_version),
        )
    )
    session.execute(
        update(OaiItem)
        .where(touched, changed)
        .values(datestamp=stamp, deleted=False, record_version=current_version)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OaiItem)
        .where(touched, OaiItem.deleted.is_(False), ~_public_record(OaiItem.record_id))
        .values(datestamp=stamp, deleted=True)
        .execution_options(synchronize_session=False)
    )
    _write_mark(session, SYNC_MARK, stamp)
    if full:
        _write_mark(session, FULL_SYNC_MARK, stamp)


def scheduled_sync(rt: Runtime, now: datetime | None = None) -> bool:
    """The scheduler's sync (``arsip cron``): a full pass once half of `FULL_SYNC_EVERY` has gone by, so the
    request path (which does it after a whole `FULL_SYNC_EVERY`) almost never has to; else incremental."""
    stamp = now or _now()
    with rt.db.read() as session:
        last_full = _read_mark(session, FULL_SYNC_MARK)
    return sync(rt, stamp, full=last_full is None or stamp - last_full >= FULL_SYNC_EVERY / 2)


def maybe_sync(rt: Runtime) -> None:
    """`sync`, unless this process did it less than `SYNC_INTERVAL` seconds ago."""
    key = rt.settings.database_url
    with _sync_lock:
        last = _last_sync.get(key)
        if last is not None and time.monotonic() - last < SYNC_INTERVAL:
            return
        sync(rt)


# ---- identifiers and sets ------------------------------------------------------------------------------------------
def namespace(settings: Settings) -> str:
    """The repository identifier of the identifiers served: ``ARSIP_OAI_REPOSITORY_ID`` (checked against the stored
    one at start-up, `identity.ensure`)."""
    return settings.oai_repository_id


def identifier(settings: Settings, record_id: int, repository_id: str | None = None) -> str:
    return f"oai:{repository_id or namespace(settings)}:{record_id}"


def _split_identifier(value: str) -> tuple[str, int] | None:
    """``(repository id, record id)`` of an identifier shaped like ours, else ``None``."""
    scheme, _, rest = value.partition(":")
    repository_id, _, local = rest.rpartition(":")
    if scheme != "oai" or not repository_id:
        return None
    if not local.isascii() or not local.isdigit() or len(local) > 12 or local.startswith("0"):
        return None
    return repository_id, int(local)


def parse_identifier(settings: Settings, value: str) -> int | None:
    """The record id of one of our current identifiers, or ``None`` (an identifier we never issued)."""
    parts = _split_identifier(value)
    return parts[1] if parts and parts[0] == namespace(settings) else None


def set_specs(record: Record) -> list[str]:
    return [f"{CATEGORY_SET}:{record.kip_category}", f"{UNIT_SET}:{record.processing_unit}"]


def list_sets(rt: Runtime) -> list[tuple[str, str]]:
    """``(setSpec, setName)``: the KIP categories (always) and the units that have public records now."""
    out = [(CATEGORY_SET, "Kategori informasi publik (UU 14/2008)")]
    for category in CATEGORY_ORDER:
        out.append((f"{CATEGORY_SET}:{category}", KIP_CATEGORY_LABELS[KipCategory(category)][0]))
    out.append((UNIT_SET, "Unit kerja (unit pengolah)"))
    with rt.db.read() as session:
        units = session.execute(
            select(WorkUnit.code, WorkUnit.name)
            .where(WorkUnit.code.in_(select(Record.processing_unit).where(public_condition()).distinct()))
            .order_by(WorkUnit.code)
        ).all()
    out.extend((f"{UNIT_SET}:{code}", f"Unit kerja: {name}") for code, name in units)
    return out


def _set_condition(spec: str | None) -> ColumnElement[bool]:
    """Members of a set: live items whose record is public now and in that category or unit. Unknown sets are
    empty (``noRecordsMatch``); deleted items are in no set."""
    if spec is None:
        return true()
    live = and_(OaiItem.deleted.is_(False), public_condition())
    if spec in (CATEGORY_SET, UNIT_SET):
        return live
    kind, _, value = spec.partition(":")
    if kind == CATEGORY_SET and value in {str(c) for c in CATEGORY_ORDER}:
        return and_(live, Record.kip_category == value)
    if kind == UNIT_SET and value and ":" not in value:
        return and_(live, Record.processing_unit == value)
    return false()


# ---- items ---------------------------------------------------------------------------------------------------------
@dataclass
class Item:
    """One item as the protocol shows it: a live one has its record (for the metadata) and sets."""

    record_id: int
    datestamp: datetime
    record: Record | None = None
    sets: list[str] = field(default_factory=list)
    repository_id: str = ""  # a former repository identifier: the item as it was named before a rename

    @property
    def deleted(self) -> bool:
        return self.record is None

    @property
    def key(self) -> tuple[datetime, int, str]:
        return self.datestamp, self.record_id, self.repository_id


def _item(row: OaiItem, record: Record) -> Item:
    if not row.deleted and is_public(record):
        view = public_view(record)  # the approved version (services/public_versions.py)
        return Item(row.record_id, row.datestamp, view, set_specs(view))
    return Item(row.record_id, row.datestamp)


def item_identifier(settings: Settings, item: Item) -> str:
    return identifier(settings, item.record_id, item.repository_id or None)


def find_item(rt: Runtime, value: str) -> Item | None:
    """The item an identifier names: a current one (`get_item`), or one under a former repository identifier
    (always deleted); ``None`` when we never issued that identifier."""
    parts = _split_identifier(value)
    if parts is None:
        return None
    repository_id, record_id = parts
    if repository_id == namespace(rt.settings):
        return get_item(rt, record_id)
    with rt.db.read() as session:
        row = session.get(OaiRetiredItem, (repository_id, record_id))
    return Item(record_id, row.datestamp, repository_id=repository_id) if row else None


def sample_record_id(rt: Runtime) -> int:
    """A record id for Identify's ``sampleIdentifier``: the first live item's, else 1."""
    with rt.db.read() as session:
        value = session.execute(select(func.min(OaiItem.record_id)).where(OaiItem.deleted.is_(False))).scalar()
    return int(value or 1)


def get_item(rt: Runtime, record_id: int) -> Item | None:
    """The item of a record the repository has exposed, else ``None`` (never public: does not exist)."""
    with rt.db.read() as session:
        row = session.execute(
            select(OaiItem, Record).join(Record, Record.id == OaiItem.record_id).where(OaiItem.record_id == record_id)
        ).first()
    return _item(row[0], row[1]) if row else None


def earliest_datestamp(rt: Runtime) -> datetime | None:
    with rt.db.read() as session:
        stamps = [
            session.execute(select(func.min(OaiItem.datestamp))).scalar_one_or_none(),
            session.execute(select(func.min(OaiRetiredItem.datestamp))).scalar_one_or_none(),
        ]
    known = [s for s in stamps if s is not None]
    return min(known) if known else None


@dataclass
class Page:
    items: list[Item]
    total: int
    more: bool


def _filters(set_spec: str | None, start: datetime | None, stop: datetime | None) -> list[ColumnElement[bool]]:
    conditions = [_set_condition(set_spec)]
    if start is not None:
        conditions.append(OaiItem.datestamp >= start)
    if stop is not None:
        conditions.append(OaiItem.datestamp <= stop)
    return conditions


def list_page(
    rt: Runtime,
    *,
    set_spec: str | None,
    start: datetime | None,
    stop: datetime | None,
    after: tuple[datetime, int, str] | None,
    limit: int,
    count: bool = True,
) -> Page:
    """One page of items in ``(datestamp, record id, former repository id)`` order after the keyset position
    ``after``, and the size of the complete list (``count=False`` skips it: total is then -1).

    The position is looked up in index ranges of ``ix_oai_items_datestamp`` (same datestamp and a later id; a later
    datestamp) and of ``ix_oai_retired_items_datestamp`` (the same record under a later former identifier, a later
    id, a later datestamp), each limited, then merged. Why not ``datestamp > s OR (datestamp = s AND id > i)``:
    neither SQLite nor a row-value comparison turns that into one index range, so every page scanned all the items
    of its datestamp; the first sync stamps a whole archive with one datestamp, and a harvest of a million records
    then read on the order of n²/2 index entries. Former identifiers are in no set (they are deleted)."""
    conditions = _filters(set_spec, start, stop)
    order = (OaiItem.datestamp, OaiItem.record_id)
    keys = select(OaiItem.datestamp, OaiItem.record_id).join(Record, Record.id == OaiItem.record_id).where(*conditions)
    retired = _retired_keys(set_spec, start, stop)
    ranges: list[Select[tuple[datetime, int]]] = []
    retired_ranges: list[Select[tuple[datetime, int, str]]] = []
    if after is None:
        ranges.append(keys)
        if retired is not None:
            retired_ranges.append(retired)
    else:
        stamp, last_id, last_repository = after
        ranges += [  # a current item comes before the same record's former identifiers: "" < any identifier
            keys.where(OaiItem.datestamp == stamp, OaiItem.record_id > last_id),
            keys.where(OaiItem.datestamp > stamp),
        ]
        if retired is not None:
            retired_ranges += [
                retired.where(
                    OaiRetiredItem.datestamp == stamp,
                    OaiRetiredItem.record_id == last_id,
                    OaiRetiredItem.repository_id > last_repository,
                ),
                retired.where(OaiRetiredItem.datestamp == stamp, OaiRetiredItem.record_id > last_id),
                retired.where(OaiRetiredItem.datestamp > stamp),
            ]
    retired_order = (OaiRetiredItem.datestamp, OaiRetiredItem.record_id, OaiRetiredItem.repository_id)
    with rt.db.read() as session:
        total = _count(session, conditions) + _count_retired(session, retired) if count else -1
        found: list[tuple[datetime, int, str]] = []
        for query in ranges:
            found += [(d, i, "") for d, i in session.execute(query.order_by(*order).limit(limit + 1))]
        for retired_query in retired_ranges:
            found += [tuple(row) for row in session.execute(retired_query.order_by(*retired_order).limit(limit + 1))]
        found.sort()
        page = found[: limit + 1]
        live_ids = [i for _, i, repository_id in page[:limit] if not repository_id]
        rows = session.execute(
            select(OaiItem, Record).join(Record, Record.id == OaiItem.record_id).where(OaiItem.record_id.in_(live_ids))
        ).all()
    current = {row.record_id: _item(row, record) for row, record in rows}
    items = [
        Item(i, d, repository_id=repository_id) if repository_id else current[i] for d, i, repository_id in page[:limit]
    ]
    return Page(items, total, len(page) > limit)


def _retired_keys(
    set_spec: str | None, start: datetime | None, stop: datetime | None
) -> Select[tuple[datetime, int, str]] | None:
    """The keys of the items under former identifiers in the date range; ``None`` for a set (they are in none)."""
    if set_spec is not None:
        return None
    query = select(OaiRetiredItem.datestamp, OaiRetiredItem.record_id, OaiRetiredItem.repository_id)
    if start is not None:
        query = query.where(OaiRetiredItem.datestamp >= start)
    if stop is not None:
        query = query.where(OaiRetiredItem.datestamp <= stop)
    return query


def _count_retired(session: Session, retired: Select[tuple[datetime, int, str]] | None) -> int:
    if retired is None:
        return 0
    return int(session.execute(select(func.count()).select_from(retired.subquery())).scalar_one())


def _count(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    q = select(func.count()).select_from(OaiItem).join(Record, Record.id == OaiItem.record_id).where(*conditions)
    return int(session.execute(q).scalar_one())
