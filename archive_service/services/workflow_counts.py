"""How many records sit in each publication state, for the staff home page.

One GROUP BY over what the actor may see (``records.visibility_filter``): a Tim Pendukung member counts its own
unit, every other role all units within its security clearance. Destroyed records (tombstones) are left out.
"""

from __future__ import annotations

from sqlalchemy import func, select

from schemas.enums import PublicationState

from ..db import Record
from ..runtime import Runtime
from .access import visibility_filter
from .actor import Actor
from .auth import authorize


def state_counts(rt: Runtime, actor: Actor) -> list[tuple[str, int]]:
    """``(state, count)`` for every publication state in SOP order, zero included."""
    authorize(actor, "record.list")
    with rt.db.read() as session:
        rows = session.execute(
            select(Record.publication_state, func.count())
            .where(visibility_filter(actor), Record.destroyed_at.is_(None))
            .group_by(Record.publication_state)
        ).all()
    counts = {str(state): int(n) for state, n in rows}
    return [(str(state), counts.get(str(state), 0)) for state in PublicationState]
