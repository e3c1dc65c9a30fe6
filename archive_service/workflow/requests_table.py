"""The information service (issue 18) as printable data: the request's and the objection's state machines.

Like ``workflow/table.py``: each row names an action, the states it leaves, the state it enters, the roles that may
take it, the guards checked before anything changes and the effects. One function carries out any row
(``services.requests.act`` and ``services.requests_objections.decide``), and docs/requests.md describes the
same table. Deadlines are the law's, counted in working days by the office's calendar (``Runtime.calendar``):

* the written answer within 10 working days of the request (UU 14/2008 Pasal 22(7));
* one extension of at most 7 working days, with written reasons (Pasal 22(8));
* an objection within 30 working days of its ground (Pasal 35(1), 36(1));
* the Atasan PPID's answer within 30 working days of the objection (Pasal 36(2));
* a dispute with the Komisi Informasi within 14 working days of that answer (Pasal 37(2)).
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.enums import Role
from schemas.requests import ObjectionGround as G
from schemas.requests import ObjectionState as O
from schemas.requests import RequestState as R

from ..workcalendar import Sla

ANSWER_SLA = Sla.parse("10 hari")
EXTENSION_SLA = Sla.parse("7 hari")
OBJECTION_WINDOW = Sla.parse("30 hari")
OBJECTION_ANSWER_SLA = Sla.parse("30 hari")
DISPUTE_WINDOW = Sla.parse("14 hari")
DUE_SOON_DAYS = 2  # handlers are reminded this many working days before a request or objection falls due

HANDLERS = frozenset({Role.PPID, Role.SEKRETARIAT})  # the PPID and its Tim Sekretariat handle requests
PPID = frozenset({Role.PPID})
ATASAN = frozenset({Role.ATASAN_PPID})


@dataclass(frozen=True)
class RequestAction:
    action: str
    from_states: frozenset[R]
    to_state: R
    roles: frozenset[Role]
    label_id: str
    label_en: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()


_OPEN = frozenset({R.DITERIMA, R.DIPROSES, R.DIPERPANJANG})

REQUEST_ACTIONS: tuple[RequestAction, ...] = (
    RequestAction("proses", frozenset({R.DITERIMA}), R.DIPROSES, HANDLERS, "Proses permohonan", "Take up the request"),
    RequestAction(
        "perpanjang",
        frozenset({R.DITERIMA, R.DIPROSES}),
        R.DIPERPANJANG,
        PPID,
        "Perpanjang jangka waktu (7 hari kerja, sekali)",
        "Extend the time limit (7 working days, once)",
        guards=("reasons", "not_extended"),
        effects=("extend", "notify_applicant"),
    ),
    RequestAction(
        "kabulkan",
        _OPEN,
        R.DIKABULKAN,
        PPID,
        "Kabulkan seluruhnya",
        "Grant in full",
        guards=("reasons", "has_links"),
        effects=("answer", "dip_feedback", "notify_applicant"),
    ),
    RequestAction(
        "kabulkan_sebagian",
        _OPEN,
        R.DIKABULKAN_SEBAGIAN,
        PPID,
        "Kabulkan sebagian (bagian dikecualikan Pasal 17)",
        "Grant in part (part exempted under Pasal 17)",
        guards=("reasons", "has_links", "exemption_cited", "redacted_copies"),
        effects=("answer", "cite_exemption", "dip_feedback", "notify_applicant"),
    ),
    RequestAction(
        "tolak",
        _OPEN,
        R.DITOLAK_PASAL17,
        PPID,
        "Tolak: informasi dikecualikan (Pasal 17)",
        "Refuse: exempted information (Pasal 17)",
        guards=("reasons", "exemption_cited"),
        effects=("answer", "cite_exemption", "notify_applicant"),
    ),
    RequestAction(
        "tidak_dikuasai",
        _OPEN,
        R.TIDAK_DIKUASAI,
        PPID,
        "Informasi tidak dikuasai",
        "Information not held",
        guards=("reasons", "holder_named"),
        effects=("answer", "notify_applicant"),
    ),
    RequestAction(
        "belum_didokumentasikan",
        _OPEN,
        R.BELUM_DIDOKUMENTASIKAN,
        PPID,
        "Informasi belum didokumentasikan",
        "Information not yet documented",
        guards=("reasons",),
        effects=("answer", "notify_applicant"),
    ),
)
REQUEST_BY_ACTION = {a.action: a for a in REQUEST_ACTIONS}
# The decision a handler names (``DecideSchema.decision``) is the state it leads to.
DECISIONS = {a.to_state: a for a in REQUEST_ACTIONS if "answer" in a.effects}


@dataclass(frozen=True)
class ObjectionAction:
    action: str
    to_state: O
    roles: frozenset[Role]
    label_id: str
    label_en: str


OBJECTION_ACTIONS: tuple[ObjectionAction, ...] = (
    ObjectionAction("kabulkan_keberatan", O.DIKABULKAN, ATASAN, "Keberatan diterima", "Objection upheld"),
    ObjectionAction("tolak_keberatan", O.DITOLAK, ATASAN, "Keberatan ditolak", "Objection rejected"),
)
OBJECTION_DECISIONS = {a.to_state: a for a in OBJECTION_ACTIONS}

# When each Pasal 35 ground arises, and what must be true of the request for it to be claimed at all.
#   "answered": the day of the written answer; "due": the day the answer was due (no answer, or a late one).
GROUND_RULES: dict[G, tuple[str, str, str]] = {
    G.PENOLAKAN_PASAL17: (
        "answered",
        "Permohonan ditolak atau dikabulkan sebagian berdasarkan Pasal 17.",
        "The request was refused, or granted in part, under Pasal 17.",
    ),
    G.BERKALA_TIDAK_DISEDIAKAN: ("received", "", ""),
    G.TIDAK_DITANGGAPI: (
        "due",
        "Jangka waktu jawaban sudah lewat tanpa jawaban.",
        "The time for an answer has passed without one.",
    ),
    G.TIDAK_SESUAI_PERMINTAAN: ("answered", "Permohonan sudah dijawab.", "The request has been answered."),
    G.TIDAK_DIPENUHI: ("answered", "Permohonan sudah dijawab.", "The request has been answered."),
    G.BIAYA_TIDAK_WAJAR: ("answered", "Permohonan sudah dijawab.", "The request has been answered."),
    G.TERLAMBAT: (
        "due",
        "Jawaban terlambat atau belum ada setelah jangka waktu.",
        "The answer came late, or none came within the time limit.",
    ),
}

GROUND_LABELS: dict[G, tuple[str, str]] = {
    G.PENOLAKAN_PASAL17: ("Penolakan berdasarkan Pasal 17", "Refusal under Pasal 17"),
    G.BERKALA_TIDAK_DISEDIAKAN: ("Informasi berkala tidak disediakan", "Periodic information not provided"),
    G.TIDAK_DITANGGAPI: ("Permohonan tidak ditanggapi", "The request was not answered"),
    G.TIDAK_SESUAI_PERMINTAAN: ("Ditanggapi tidak sebagaimana diminta", "Answered other than requested"),
    G.TIDAK_DIPENUHI: ("Permohonan tidak dipenuhi", "The request was not fulfilled"),
    G.BIAYA_TIDAK_WAJAR: ("Pengenaan biaya tidak wajar", "Unreasonable fees"),
    G.TERLAMBAT: ("Penyampaian melebihi waktu yang diatur", "Later than the law allows"),
}
