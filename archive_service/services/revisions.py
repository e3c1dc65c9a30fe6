"""Revisions: a change to information already determined open or published goes through SOP steps 5-9 again.

Why: the SOP's review (received and verified by the Tim Sekretariat, determined by the PPID, published by the
secretariat) is what makes information fit for the public. Before this module, a Tim Pendukung member could add a
file to a published record or edit its DIP summary and the change was public within seconds. Now any change by a
person to a record in ``ditetapkan_terbuka`` or ``dipublikasikan`` — descriptive fields, DIP fields, the security
class, a new file — sends the record back to step 5 (``didokumentasikan``, "terima") as a *revision*: it is
received, verified, reported and determined again, each step on the control card with its own line (the revision's
own line first, action ``revisi``) and in the audit trail. While it is under review the public keeps the version
approved last (``public_versions``); publishing the revision replaces it.

What cannot wait for a review: a raise of the security class beyond *biasa/terbuka* takes the record off the public
in the same transaction (the approved version is discarded; the PPID then determines it again, typically as
exempted), and so does an exemption (``kecualikan`` carries the ``unpublish`` effect). The system actor (the
operator's CLI, the worker's derived titles) changes records without a revision: it is not a reviewer's bypass but
the server itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from schemas.enums import PublicationState, SecurityClass

from ..db import OutboxEvent, Record
from ..db.types import utcnow
from ..runtime import Runtime
from ..workflow.table import REVISION
from . import audit, public_versions
from .actor import Actor


def needs_revision(actor: Actor, record: Record) -> bool:
    """Whether a change by ``actor`` to ``record`` must be reviewed again before the public sees it."""
    return not actor.is_system and record.publication_state in REVISION.from_states


def before_change(actor: Actor, record: Record) -> None:
    """Call before applying a change: keeps the approved version the public goes on seeing."""
    if needs_revision(actor, record):
        public_versions.keep_approved(record)


@dataclass(frozen=True)
class Revision:
    from_state: str
    changed: list[str]
    withdrawn: bool  # the public version was taken off at once (a raised security class)


def start_revision(rt: Runtime, session: Session, actor: Actor, record: Record, changed: Iterable[str]) -> Revision:
    """Send ``record`` (already changed, not yet flushed) back to step 5 with its control-card line. The caller
    flushes the record (its row lock comes before the audit head's) and then calls ``log_revision``."""
    from .workflow import card_line, due_time  # (workflow imports records, which calls this module)

    now = utcnow()
    revision = Revision(
        from_state=record.publication_state,
        changed=sorted(set(changed)),
        withdrawn=record.public_version is not None and record.security_class != SecurityClass.BIASA_TERBUKA,
    )
    if revision.withdrawn:
        public_versions.withdraw(record)
        record.published_at = None
        record.published_url = None
    note = "Perubahan / changes: " + ", ".join(revision.changed)
    line = card_line(record, actor, REVISION, now, note)
    line.late = False  # the revision's own line opens the review; it is nobody's late step
    session.add(line)
    record.verification_round += 1
    record.publication_state = str(REVISION.to_state)
    record.state_reason = note
    record.step_started_at = now
    record.step_due_at = due_time(rt, record, PublicationState(REVISION.to_state), now)
    return revision


def log_revision(session: Session, actor: Actor, record: Record, revision: Revision) -> None:
    """The revision's audit event and outbox rows (after the record's flush)."""
    audit.append(
        session,
        actor,
        f"workflow.{REVISION.action}",
        entity_type="record",
        entity_id=record.id,
        record_id=record.id,
        changes={
            "publication_state": {"before": revision.from_state, "after": record.publication_state},
            "changed_fields": {"before": None, "after": revision.changed},
            "public_version_withdrawn": {"before": None, "after": revision.withdrawn},
        },
    )
    topics = [f"workflow.{REVISION.action}", *(["publication.withdrawn"] if revision.withdrawn else [])]
    for topic in topics:
        session.add(
            OutboxEvent(topic=topic, record_id=record.id, record_version=record.version, payload={"action": "revisi"})
        )


__all__ = ["Revision", "before_change", "log_revision", "needs_revision", "start_revision"]
