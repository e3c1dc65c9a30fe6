"""The repository identifier of the OAI-PMH identifiers (``oai:<repository id>:<record id>``), and its one way to
change.

Why it is stored: a harvester keeps the identifiers it harvested, and incremental harvests only ask for what
changed since. Identifiers that silently change (they used to follow the host of ``ARSIP_PUBLIC_BASE_URL``) leave
every harvester with stale copies under the old names for ever, because the records' datestamps did not move.
So the identifier is its own setting, ``ARSIP_OAI_REPOSITORY_ID`` (a domain name the office owns, checked against
the oai-identifier syntax by ``config.Settings``), and the value in use is stored in ``oai_repository_ids`` the
first time (`current`). At start-up (`ensure`, when the OAI blueprint is registered) a different configured value
is refused with `RepositoryIdChanged`, naming the command that changes it: ``arsip oai rename-repository --to
NEW`` (`rename`), which in one transaction

1. registers the current state of the records (the statements of ``repository.sync``, full pass);
2. keeps every item under the old identifier in ``oai_retired_items``: the live ones with a fresh datestamp, the
   deleted ones with the datestamp they already had, all answered as ``status="deleted"`` for ever;
3. gives the live items under the new identifier the same fresh datestamp (deleted ones start afresh: they were
   never exposed under the new identifier, and a later republication makes a new row as for any record).

An incremental harvest after the rename therefore sees both the deletion of ``oai:OLD:n`` and ``oai:NEW:n``.

Upgrading a repository that exposed items before identifiers were stored: those were named after the host of
``ARSIP_PUBLIC_BASE_URL``, so that host is stored as the identifier in use (`legacy_repository_id`); a different
``ARSIP_OAI_REPOSITORY_ID`` is then refused like any change, and the rename announces the old names as deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, inspect, literal, select, update
from sqlalchemy.orm import Session

from ..config import Settings
from ..db.engine import upsert_insert
from ..db.models import OaiItem, OaiRepositoryId, OaiRetiredItem
from ..db.types import utcnow
from ..runtime import Runtime
from ..services import audit
from ..services.actor import SYSTEM, Actor
from .protocol import check_repository_id

log = logging.getLogger(__name__)

RENAME_COMMAND = "arsip oai rename-repository --to"


class RepositoryIdChanged(ValueError):
    """``ARSIP_OAI_REPOSITORY_ID`` differs from the identifier in use: refused until `rename` is run."""

    def __init__(self, stored: str, configured: str) -> None:
        self.stored = stored
        self.configured = configured
        super().__init__(
            f"ARSIP_OAI_REPOSITORY_ID berubah dari {stored!r} menjadi {configured!r}; pengenal OAI-PMH tidak boleh "
            f"berubah diam-diam. Jalankan `{RENAME_COMMAND} {configured}` untuk mengumumkan pengenal lama sebagai "
            f"terhapus, atau kembalikan ARSIP_OAI_REPOSITORY_ID={stored} / "
            f"ARSIP_OAI_REPOSITORY_ID changed from {stored!r} to {configured!r}; OAI-PMH identifiers must not change "
            f"silently. Run `{RENAME_COMMAND} {configured}` to announce the old identifiers as deleted, or set "
            f"ARSIP_OAI_REPOSITORY_ID={stored} again"
        )


def _now() -> datetime:
    return utcnow().replace(microsecond=0)


def legacy_repository_id(settings: Settings) -> str:
    """What identifiers were named after before they were stored: the host of the public base URL."""
    return (urlsplit(settings.public_base_url).hostname or "localhost").lower()


def stored(session: Session) -> str | None:
    """The identifier in use, or ``None`` before the first start."""
    return session.execute(
        select(OaiRepositoryId.repository_id)
        .where(OaiRepositoryId.retired_at.is_(None))
        .order_by(OaiRepositoryId.adopted_at, OaiRepositoryId.repository_id)
        .limit(1)
    ).scalar_one_or_none()


def current(session: Session, settings: Settings) -> str:
    """The identifier in use, stored first if there is none yet (in ``session``'s write transaction): the
    configured one, or — when items were already exposed, before identifiers were stored — the legacy one."""
    value = stored(session)
    if value is not None:
        return value
    exposed = session.execute(select(func.count()).select_from(OaiItem)).scalar_one() > 0
    value = legacy_repository_id(settings) if exposed else settings.oai_repository_id
    session.execute(
        upsert_insert(session)(OaiRepositoryId)
        .values(repository_id=value, adopted_at=_now(), retired_at=None)
        .on_conflict_do_nothing()
    )
    return stored(session) or value


def ensure(rt: Runtime) -> str:
    """The start-up check: store the identifier the first time, refuse a changed setting (`RepositoryIdChanged`).

    A database that is not migrated yet is left alone (the check runs at the next start, after ``arsip init``)."""
    if not inspect(rt.db.engine).has_table(OaiRepositoryId.__tablename__):
        log.warning("OAI-PMH: the database is not migrated; the repository identifier is checked at the next start")
        return rt.settings.oai_repository_id
    with rt.db.write() as session:
        value = current(session, rt.settings)
    if value != rt.settings.oai_repository_id:
        error = RepositoryIdChanged(value, rt.settings.oai_repository_id)
        log.error("%s", error)
        raise error
    return value


def former(session: Session) -> list[str]:
    """The identifiers used before, oldest first."""
    return list(
        session.execute(
            select(OaiRepositoryId.repository_id)
            .where(OaiRepositoryId.retired_at.is_not(None))
            .order_by(OaiRepositoryId.retired_at, OaiRepositoryId.repository_id)
        ).scalars()
    )


@dataclass(frozen=True)
class Renamed:
    old: str
    new: str
    datestamp: datetime | None  # None: nothing to do (already in use)
    retired: int = 0  # items now answered as deleted under the old identifier
    live: int = 0  # items re-stamped under the new identifier


def rename(rt: Runtime, new: str, now: datetime | None = None, actor: Actor = SYSTEM) -> Renamed:
    """Adopt ``new`` as the repository identifier (see the module docstring); one transaction, audited."""
    from . import repository

    check_repository_id(new)
    stamp = (now or _now()).replace(microsecond=0)
    with rt.db.write() as session:
        old = current(session, rt.settings)
        if old == new:
            return Renamed(old, new, None)
        repository.register(session, stamp, full=True)
        live = session.execute(select(func.count()).select_from(OaiItem).where(OaiItem.deleted.is_(False))).scalar_one()
        session.execute(delete(OaiRetiredItem).where(OaiRetiredItem.repository_id == new))
        session.execute(update(OaiRepositoryId).where(OaiRepositoryId.repository_id == old).values(retired_at=stamp))
        insert = upsert_insert(session)
        session.execute(
            insert(OaiRepositoryId)
            .values(repository_id=new, adopted_at=stamp, retired_at=None)
            .on_conflict_do_update(index_elements=["repository_id"], set_={"adopted_at": stamp, "retired_at": None})
        )
        fresh = literal(stamp, OaiRetiredItem.datestamp.type)
        for deleted, datestamp in ((False, fresh), (True, OaiItem.datestamp)):
            session.execute(
                insert(OaiRetiredItem).from_select(
                    ["repository_id", "record_id", "datestamp"],
                    select(literal(old), OaiItem.record_id, datestamp).where(OaiItem.deleted.is_(deleted)),
                )
            )
        retired = session.execute(
            select(func.count()).select_from(OaiRetiredItem).where(OaiRetiredItem.repository_id == old)
        ).scalar_one()
        session.execute(delete(OaiItem).where(OaiItem.deleted.is_(True)))
        session.execute(update(OaiItem).values(datestamp=stamp).execution_options(synchronize_session=False))
        audit.append(
            session,
            actor,
            "oai.rename_repository",
            entity_type="oai_repository",
            entity_id=new,
            changes={
                "repository_id": {"before": old, "after": new},
                "retired_items": {"before": None, "after": retired},
                "datestamp": {"before": None, "after": stamp},
            },
        )
    return Renamed(old, new, stamp, retired, live)
