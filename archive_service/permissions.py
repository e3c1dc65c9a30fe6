"""Who may do what: the role matrix as data, plus the two scope rules the matrix cannot express.

The matrix is printed by ``arsip roles`` and rendered in docs/roles.md from this same dict, so what the docs say
is what the services enforce. Scope rules:

* a ``pendukung`` (Tim Pendukung) is bound to one work unit and sees and acts only on that unit's records;
* the security class of a record (Perka ANRI 17/2011) limits who may see it at all (``CLEARANCE``).
"""

from __future__ import annotations

from schemas.enums import Role, SecurityClass

ALL_ROLES = frozenset(Role)
RECORD_WRITERS = frozenset({Role.ADMIN, Role.PPID, Role.SEKRETARIAT, Role.PENDUKUNG, Role.ARSIPARIS})

ROLE_MATRIX: dict[str, frozenset[Role]] = {
    "record.list": ALL_ROLES,
    "record.read": ALL_ROLES,
    "record.history": ALL_ROLES,
    "record.create": RECORD_WRITERS,
    "record.update": RECORD_WRITERS,
    "file.add": RECORD_WRITERS,
    "file.read": ALL_ROLES,
    "unit.list": ALL_ROLES,
    "unit.create": frozenset({Role.ADMIN}),
    "user.list": frozenset({Role.ADMIN}),
    "user.create": frozenset({Role.ADMIN}),
    "user.delete": frozenset({Role.ADMIN}),
    "self.read": ALL_ROLES,
    "token.create": ALL_ROLES,
    "audit.verify": frozenset({Role.ADMIN, Role.ARSIPARIS}),
    "workflow.read": ALL_ROLES,
    # Each transition names its own roles (workflow/table.py); this is the outer gate.
    "workflow.transition": frozenset({Role.PPID, Role.SEKRETARIAT, Role.PENDUKUNG}),
    "worklist.read": ALL_ROLES,
    "dip.read": ALL_ROLES,
    "dip.fix": frozenset({Role.PPID}),
    # Every role searches, but only within what it may see (the access filter goes into the index query).
    "search.internal": ALL_ROLES,
    "index.admin": frozenset({Role.ADMIN}),
    # Retention (JRA) and disposition (DOMAIN.md §4.4-4.6). Four eyes: whoever proposes a batch may not approve it,
    # and approval and execution are separate steps (enforced in services.disposition).
    "jra.read": ALL_ROLES,
    "jra.import": frozenset({Role.ADMIN, Role.ARSIPARIS}),
    "retention.read": ALL_ROLES,
    "retention.due": frozenset({Role.ADMIN, Role.ARSIPARIS, Role.PPID, Role.ATASAN_PPID, Role.PANITIA_PENILAI}),
    "retention.override": frozenset({Role.ARSIPARIS}),
    "retention.trigger": frozenset({Role.ARSIPARIS, Role.PENDUKUNG}),
    "retention.reappraise": frozenset({Role.ARSIPARIS}),
    "disposition.read": frozenset({Role.ADMIN, Role.ARSIPARIS, Role.PPID, Role.ATASAN_PPID, Role.PANITIA_PENILAI}),
    "disposition.propose": frozenset({Role.ARSIPARIS}),
    "disposition.appraise": frozenset({Role.PANITIA_PENILAI}),
    "disposition.approve": frozenset({Role.ARSIPARIS, Role.ATASAN_PPID}),
    "disposition.execute": frozenset({Role.ARSIPARIS}),
    "hold.read": ALL_ROLES,
    "hold.place": frozenset({Role.ADMIN, Role.ARSIPARIS, Role.PPID, Role.ATASAN_PPID}),
    "hold.release": frozenset({Role.ADMIN, Role.ARSIPARIS, Role.PPID, Role.ATASAN_PPID}),
    # Reports and monev (issue 8). Every report only counts and lists what the actor may see (unit scope and
    # clearance apply as for records); a pendukung's reports cover its own unit.
    "report.record": ALL_ROLES,  # tanda terima, kartu kontrol of records the actor sees
    "report.sop": frozenset({Role.ADMIN, Role.PPID, Role.ATASAN_PPID, Role.SEKRETARIAT, Role.PENDUKUNG}),
    "report.dip": ALL_ROLES,
    "report.management": frozenset({Role.ADMIN, Role.PPID, Role.ATASAN_PPID, Role.SEKRETARIAT}),
    "report.retention": frozenset({Role.ADMIN, Role.ARSIPARIS, Role.PPID, Role.ATASAN_PPID, Role.PANITIA_PENILAI}),
    "monev.read": frozenset({Role.ADMIN, Role.PPID, Role.ATASAN_PPID, Role.SEKRETARIAT}),
    "notification.run": frozenset({Role.ADMIN}),
}

# Which roles may see records of each security class (besides a pendukung of the owning unit, who always may).
CLEARANCE: dict[SecurityClass, frozenset[Role]] = {
    SecurityClass.BIASA_TERBUKA: ALL_ROLES,
    SecurityClass.TERBATAS: ALL_ROLES,
    SecurityClass.RAHASIA: frozenset({Role.ADMIN, Role.PPID, Role.ATASAN_PPID, Role.ARSIPARIS, Role.PANITIA_PENILAI}),
    SecurityClass.SANGAT_RAHASIA: frozenset({Role.PPID, Role.ATASAN_PPID}),
}


def role_may(role: str, action: str) -> bool:
    """True when the matrix lets ``role`` perform ``action``; unknown actions are refused."""
    return role in ROLE_MATRIX.get(action, frozenset())


def classes_visible_to(role: str) -> list[str]:
    """Security classes a role is cleared for, for use inside SQL filters."""
    return [str(cls) for cls, roles in CLEARANCE.items() if role in roles]
