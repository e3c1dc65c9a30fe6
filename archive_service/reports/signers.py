"""Who signs as PPID or Atasan PPID: the holder of a one-person office, filled in so the printout need not be
written on by hand.

Why only these two: the PPID and the Atasan PPID are single offices (one decree names each), so when exactly one
active account holds the role its full name is the signer. The Tim Sekretariat and the Tim Pendukung are teams:
whoever of them signs writes their name, so their name line stays blank. Two or more accounts of a one-person role
(a deputy, a handover) also leave the line blank rather than guess.
"""

from __future__ import annotations

from sqlalchemy import select

from schemas.enums import Role

from ..db import User
from ..runtime import Runtime
from .model import Signature

ONE_PERSON_ROLES = (Role.PPID, Role.ATASAN_PPID)


def holder_name(rt: Runtime, role: Role) -> str | None:
    """The full name of the only active account of ``role``, else ``None``."""
    with rt.db.read() as session:
        names = (
            session.execute(
                select(User.full_name)
                .where(User.role == str(role), User.is_active.is_(True), User.deleted_at.is_(None))
                .limit(2)
            )
            .scalars()
            .all()
        )
    return names[0] if len(names) == 1 else None


def office_signature(rt: Runtime, role: Role, capacity: str, label: str | None = None) -> Signature:
    """A signature block for a one-person office, with its holder's name when there is exactly one."""
    return Signature(capacity, holder_name(rt, role), label=label)
