"""Who may do what: the role matrix as data, plus the two scope rules the matrix cannot express.

The matrix is printed by ``arsip roles`` and rendered in docs/roles.md from this same dict, so what the docs say
is what the services enforce. Scope rules:

* a ``pendukung`` (Tim Pendukung) is bound to one work unit and sees and acts only on that unit's records;
* the security class of a record (Perka ANRI 17/2011) limits who may see it at all (``CLEARANCE``); every view
  built from records (DIP, batches, holds, worklists, reports, exports, audit) applies the same rule
  (``services/access.py``);
* a step of the SOP given to a role not cleared for the record's security class falls to the PPID
  (``acting_roles``), so classified records are received, verified and determined without widening who sees them.
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
    # Requests for information and objections (issue 18, docs/requests.md). The applicant's personal data is seen
    # by the handlers only: the PPID and the Tim Sekretariat, and the Atasan PPID for a request under objection
    # (the service checks that); admins and the other roles never see a request. Each move of the request table
    # (workflow/requests_table.py) names its own roles too: the PPID signs every answer and the one extension.
    "request.read": frozenset({Role.PPID, Role.SEKRETARIAT, Role.ATASAN_PPID}),
    "request.register": frozenset({Role.PPID, Role.SEKRETARIAT}),
    "request.handle": frozenset({Role.PPID, Role.SEKRETARIAT}),
    "request.decide": frozenset({Role.PPID}),
    "request.deliver": frozenset({Role.PPID, Role.SEKRETARIAT}),
    "objection.read": frozenset({Role.PPID, Role.SEKRETARIAT, Role.ATASAN_PPID}),
    "objection.register": frozenset({Role.PPID, Role.SEKRETARIAT}),
    "objection.decide": frozenset({Role.ATASAN_PPID}),
    "dispute.record": frozenset({Role.PPID, Role.ATASAN_PPID}),
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


# Classified records flow through the SOP like any other (issue 15): a step whose role is not cleared for the
# record's security class falls to the PPID, who is cleared for every class and answers for the information service
# (UU 14/2008 Pasal 13). In this SOP that means steps 5-7 and 9 of the Tim Sekretariat for *rahasia* and
# *sangat rahasia* records. The Tim Pendukung of the owning unit keeps its steps (it made the record and reads it
# whatever its class). Clearance for named secretariat members was the alternative; it was left out so that a
# classified record is never seen by more people than the class allows.
CLASSIFIED_STEPS_FALL_TO = Role.PPID


def acting_roles(roles: frozenset[Role], security_class: str) -> frozenset[Role]:
    """Who carries out a step given to ``roles`` on a record of ``security_class``."""
    acting = set()
    for role in roles:
        if role == Role.PENDUKUNG or str(security_class) in classes_visible_to(role):
            acting.add(role)
        else:
            acting.add(CLASSIFIED_STEPS_FALL_TO)
    return frozenset(acting)


def classes_falling_to(role: str, step_roles: frozenset[Role]) -> list[str]:
    """The security classes for which a step of ``step_roles`` falls to ``role`` (empty for most roles)."""
    if role != CLASSIFIED_STEPS_FALL_TO:
        return []
    return sorted(
        str(cls)
        for cls in SecurityClass
        if any(r != Role.PENDUKUNG and str(cls) not in classes_visible_to(r) for r in step_roles)
    )
