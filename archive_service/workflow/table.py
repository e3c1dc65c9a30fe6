"""The publication workflow (machine A of DOMAIN.md §6) as printable data.

``STEPS`` says, for each state, which SOP step is open, who must act and how long they have (the SOP's time
column). ``TRANSITIONS`` lists every allowed move: action name, from-states, to-state, roles, guards and effects.
One function (``services.workflow.apply_transition``) carries out any row; the API serves this table at
``GET /api/v1/workflow`` and docs/workflow.md is generated from it, so what is documented is what runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.enums import PublicationState as S
from schemas.enums import Role

from ..workcalendar import Sla


@dataclass(frozen=True)
class Step:
    """The open SOP step while a record sits in a state."""

    no: str  # SOP step number(s), e.g. "3" or "12-14"
    name_id: str
    name_en: str
    roles: frozenset[Role]
    sla: Sla
    output_id: str


@dataclass(frozen=True)
class Transition:
    action: str
    from_states: frozenset[S]
    to_state: S
    roles: frozenset[Role]
    step: str
    label_id: str
    label_en: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    payload: tuple[str, ...] = field(default=())  # fields the action accepts


PENDUKUNG = frozenset({Role.PENDUKUNG})
SEKRETARIAT = frozenset({Role.SEKRETARIAT})
PPID = frozenset({Role.PPID})

STEPS: dict[S, Step] = {
    S.DIHIMPUN: Step(
        "1-2",
        "Serahkan daftar dan fisik informasi",
        "Hand over the list and the material",
        PENDUKUNG,
        Sla.parse("1 hari"),
        "Laporan pengumpulan data; tanda terima",
    ),
    S.DISERAHKAN: Step(
        "3",
        "Usulkan kategori informasi (UU KIP)",
        "Propose the KIP category",
        PENDUKUNG,
        Sla.parse("1 jam"),
        "Laporan klasifikasi dan ketersediaan data",
    ),
    S.DIKLASIFIKASI_USULAN: Step(
        "4",
        "Dokumentasikan sesuai UU Kearsipan",
        "Document under the Archives Law",
        PENDUKUNG,
        Sla.parse("1 jam"),
        "Laporan klasifikasi dan ketersediaan data",
    ),
    S.DIDOKUMENTASIKAN: Step(
        "5",
        "Terima daftar dan fisik informasi",
        "Receive the list and the material",
        SEKRETARIAT,
        Sla.parse("30 menit"),
        "Tanda terima; kartu kontrol",
    ),
    S.DITERIMA: Step(
        "6",
        "Verifikasi kelengkapan dan kesesuaian",
        "Verify completeness and compliance",
        SEKRETARIAT,
        Sla.parse("1 jam"),
        "Laporan klasifikasi",
    ),
    S.PERLU_PERBAIKAN: Step(
        "6", "Perbaiki dan serahkan ulang", "Correct and resubmit", PENDUKUNG, Sla.parse("1 hari"), "Tanda terima"
    ),
    S.DIVERIFIKASI: Step(
        "7",
        "Laporkan kepada PPID",
        "Report to the PPID",
        SEKRETARIAT,
        Sla.parse("1 jam"),
        "Laporan bulanan ketersediaan informasi",
    ),
    S.DILAPORKAN: Step(
        "8",
        "Tetapkan klasifikasi informasi (UU KIP)",
        "Determine the KIP classification",
        PPID,
        Sla.parse("1 bulan"),
        "DIP yang dimutakhirkan",
    ),
    S.DITETAPKAN_TERBUKA: Step(
        "9",
        "Publikasikan di server dan situs web",
        "Publish on the server and website",
        SEKRETARIAT,
        Sla.parse("1 hari"),
        "Laporan bulanan ketersediaan informasi",
    ),
    S.DIKECUALIKAN: Step(
        "12-14",
        "Tinjau pengecualian sebelum berakhir",
        "Review the exemption before it ends",
        PPID,
        Sla.parse("6 bulan"),
        "Laporan monev",
    ),
    S.DIPUBLIKASIKAN: Step(
        "12-14",
        "Monitoring dan evaluasi semester",
        "Semester monitoring and evaluation",
        PPID,
        Sla.parse("6 bulan"),
        "Laporan monev",
    ),
}

DIP_FIELDS = ("dip_summary", "controlling_unit", "responsible_official", "created_place", "available_forms")
ARCHIVAL_FIELDS = ("classification_code", "file_no", "description", "quantity", "media", "development_level")

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "serahkan",
        frozenset({S.DIHIMPUN}),
        S.DISERAHKAN,
        PENDUKUNG,
        "2",
        "Serahkan ke Tim Sekretariat",
        "Hand over to the secretariat",
        guards=("dip_fields", "has_file"),
        effects=("issue_receipt",),
    ),
    Transition(
        "usulkan_kategori",
        frozenset({S.DISERAHKAN}),
        S.DIKLASIFIKASI_USULAN,
        PENDUKUNG,
        "3",
        "Usulkan kategori informasi",
        "Propose the information category",
        guards=("proposed_category",),
        effects=("set_proposed_category",),
        payload=("kip_category",),
    ),
    Transition(
        "dokumentasikan",
        frozenset({S.DIKLASIFIKASI_USULAN}),
        S.DIDOKUMENTASIKAN,
        PENDUKUNG,
        "4",
        "Dokumentasikan (pemberkasan)",
        "Document (file the record)",
        guards=("archival_fields",),
    ),
    Transition(
        "terima",
        frozenset({S.DIDOKUMENTASIKAN}),
        S.DITERIMA,
        SEKRETARIAT,
        "5",
        "Terima dan tandatangani tanda terima",
        "Receive and countersign the receipt",
        effects=("countersign_receipt",),
    ),
    Transition(
        "verifikasi",
        frozenset({S.DITERIMA}),
        S.DIVERIFIKASI,
        SEKRETARIAT,
        "6",
        "Nyatakan lengkap dan sesuai",
        "Declare complete and compliant",
    ),
    Transition(
        "kembalikan",
        frozenset({S.DITERIMA}),
        S.PERLU_PERBAIKAN,
        SEKRETARIAT,
        "6",
        "Kembalikan untuk perbaikan",
        "Return for correction",
        guards=("reason",),
        effects=("next_round",),
        payload=("reason",),
    ),
    Transition(
        "serahkan_ulang",
        frozenset({S.PERLU_PERBAIKAN}),
        S.DISERAHKAN,
        PENDUKUNG,
        "6",
        "Serahkan ulang setelah perbaikan",
        "Resubmit after correction",
        guards=("dip_fields", "has_file"),
        effects=("issue_receipt",),
    ),
    Transition(
        "laporkan",
        frozenset({S.DIVERIFIKASI}),
        S.DILAPORKAN,
        SEKRETARIAT,
        "7",
        "Laporkan kepada PPID",
        "Report to the PPID",
    ),
    Transition(
        "tetapkan_terbuka",
        frozenset({S.DILAPORKAN}),
        S.DITETAPKAN_TERBUKA,
        PPID,
        "8",
        "Tetapkan sebagai informasi terbuka",
        "Determine as open information",
        guards=("open_category", "security_biasa"),
        effects=("set_category", "clear_exemption"),
        payload=("kip_category",),
    ),
    Transition(
        "kecualikan",
        frozenset({S.DILAPORKAN}),
        S.DIKECUALIKAN,
        PPID,
        "8",
        "Tetapkan sebagai informasi yang dikecualikan",
        "Determine as exempted information",
        guards=("exemption",),
        effects=("record_exemption", "unpublish"),
        payload=(
            "exemption_ground",
            "exemption_basis",
            "exemption_until",
            "exemption_no_expiry",
            "exemption_decree_no",
            "consequence_test",
        ),
    ),
    Transition(
        "publikasikan",
        frozenset({S.DITETAPKAN_TERBUKA}),
        S.DIPUBLIKASIKAN,
        SEKRETARIAT,
        "9",
        "Publikasikan",
        "Publish",
        effects=("publish",),
    ),
    Transition(
        "batalkan_publikasi",
        frozenset({S.DIPUBLIKASIKAN}),
        S.DITETAPKAN_TERBUKA,
        frozenset({Role.SEKRETARIAT, Role.PPID}),
        "9",
        "Batalkan publikasi",
        "Unpublish",
        guards=("reason",),
        effects=("unpublish",),
        payload=("reason",),
    ),
    Transition(
        "tarik",
        frozenset({S.DIPUBLIKASIKAN, S.DITETAPKAN_TERBUKA}),
        S.DILAPORKAN,
        PPID,
        "8",
        "Tarik untuk ditetapkan ulang",
        "Withdraw for re-determination",
        guards=("reason",),
        effects=("unpublish",),
        payload=("reason",),
    ),
    Transition(
        "tinjau_semester",
        frozenset({S.DIPUBLIKASIKAN}),
        S.DILAPORKAN,
        PPID,
        "12-14",
        "Tinjau dalam monev semester",
        "Review in the semester monev",
        guards=("reason",),
        effects=("unpublish",),
        payload=("reason",),
    ),
    Transition(
        "buka_pengecualian",
        frozenset({S.DIKECUALIKAN}),
        S.DILAPORKAN,
        PPID,
        "8",
        "Akhiri pengecualian (kedaluwarsa/putusan KI)",
        "End the exemption (expiry / KI ruling)",
        guards=("reason",),
        effects=("end_exemption",),
        payload=("reason",),
    ),
    Transition(
        "tambahkan_ke_dip",
        frozenset({S.DIHIMPUN}),
        S.DITETAPKAN_TERBUKA,
        PPID,
        "14",
        "Tambahkan informasi terbuka yang belum tercantum",
        "Add open but unlisted information",
        guards=("dip_fields", "has_file", "open_category", "security_biasa"),
        effects=("set_category",),
        payload=("kip_category",),
    ),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}

# Not an action anyone chooses: a change to a record already determined open or published (a new file, an edited
# description or DIP field, a new security class) sends it back to step 5 by itself, so the change is received,
# verified, determined and published like the first version; the public keeps the last approved version meanwhile
# (services/revisions.py, services/public_versions.py). The system (CLI on the server) edits without a revision.
REVISION = Transition(
    "revisi",
    frozenset({S.DITETAPKAN_TERBUKA, S.DIPUBLIKASIKAN}),
    S.DIDOKUMENTASIKAN,
    frozenset({Role.ADMIN, Role.PPID, Role.SEKRETARIAT, Role.PENDUKUNG, Role.ARSIPARIS}),
    "5",
    "Revisi: perubahan diperiksa ulang (langkah 5-9)",
    "Revision: the change is reviewed again (steps 5-9)",
)
# Every control-card action with its label, the revision included (BY_ACTION holds only what can be chosen).
LABELLED: dict[str, Transition] = {**BY_ACTION, REVISION.action: REVISION}

# The SOP's main line from collection to publication (steps 1-9), without returns or exemptions: the demo walks
# records along it and the tests reach each state by a prefix of it.
MAIN_LINE: tuple[str, ...] = (
    "serahkan",
    "usulkan_kategori",
    "dokumentasikan",
    "terima",
    "verifikasi",
    "laporkan",
    "tetapkan_terbuka",
    "publikasikan",
)
