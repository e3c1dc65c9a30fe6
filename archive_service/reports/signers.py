"""Who signs as PPID or Atasan PPID, and where: the holder of a one-person office, filled in so the printout need not
be written on by hand, and the place written before the date above the signatures.

Why only these two: the PPID and the Atasan PPID are single offices (one decree names each), so when exactly one
active account holds the role its full name is the signer. The Tim Sekretariat and the Tim Pendukung are teams:
whoever of them signs writes their name, so their name line stays blank. Two or more accounts of a one-person role
(a deputy, a handover) also leave the line blank rather than guess.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from schemas.enums import Role

from ..config import Settings
from ..db import User
from ..runtime import Runtime
from .model import Signature
from .period import date_id

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


# "Pemerintah Kabupaten Sleman" → "Sleman", "Pemerintah Kota Yogyakarta" → "Yogyakarta": a kabupaten or kota is
# seated in a place of its name, so its documents are signed there. (A province is not: its capital has another name.)
_SEAT = re.compile(r"^\s*(?:pemerintah\s+)?(?:kabupaten|kota)\s+(?:administrasi\s+)?(.+?)\s*$", re.IGNORECASE)


def signing_place(settings: Settings, place: str | None = None) -> str | None:
    """Where a document is signed: ``place`` when given, else ``ARSIP_OFFICE_CITY``, else the seat a kabupaten or
    kota is named after (from ``ARSIP_INSTITUTION_NAME``); ``None`` when none is known, so a document leaves the
    place out instead of printing "Ditetapkan di" or "bertempat di" with nothing after it."""
    for candidate in (place, settings.office_city):
        if candidate and candidate.strip() and candidate.strip() != "-":
            return candidate.strip()
    match = _SEAT.match(settings.institution_name or "")
    return match[1] if match else None


def place_date(settings: Settings, day: date, place: str | None = None) -> str:
    """``Sleman, 30 November 2026``; the date alone when no place is known."""
    where = signing_place(settings, place)
    return f"{where}, {date_id(day)}" if where else date_id(day)
