"""Whose turn it is: the SQL form of ``permissions.acting_roles`` for worklists, due lists and notifications.

A record waits for a role when the open step of its state is given to that role (``workflow.table.STEPS``) — or,
for the PPID, when the step's role is not cleared for the record's security class (classified records: the step
falls to the PPID, see ``permissions.acting_roles``). Every list of "what waits for me" asks this module, so the
PPID's worklist, due list and notifications show the classified records whose secretariat steps fell to it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_

from ..db import Record
from ..permissions import acting_roles, classes_falling_to
from ..workflow.table import STEPS, TRANSITIONS


def waiting_for(role: str) -> ColumnElement[bool]:
    """SQL: the record's open SOP step is ``role``'s to carry out."""
    own = [str(state) for state, step in STEPS.items() if role in step.roles]
    conds: list[ColumnElement[bool]] = [Record.publication_state.in_(own)] if own else []
    for state, step in STEPS.items():
        if role in step.roles:
            continue
        classes = classes_falling_to(role, step.roles)
        if classes:
            conds.append(and_(Record.publication_state == str(state), Record.security_class.in_(classes)))
    return or_(*conds) if conds else false()


def actions_for(role: str, state: str, security_class: str) -> list[str]:
    """The actions ``role`` may take on a record in ``state`` of ``security_class``."""
    return [t.action for t in TRANSITIONS if state in t.from_states and role in acting_roles(t.roles, security_class)]


__all__ = ["actions_for", "waiting_for"]
