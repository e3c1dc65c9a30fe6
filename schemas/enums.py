"""Controlled vocabularies of the domain (DOMAIN.md §2, §3, §4, §6, §7), with Indonesian and English labels.

Why: every layer (database, API, UI, docs, search) must speak the same terms, so the values live here once, as
`StrEnum`s whose values are the snake_case terms stored in the database and sent over the wire. The labels are
data, not prose in templates: UIs and docs print them from the same source the code enforces (DESIGN.md §5).

Each enum has a module-level ``<NAME>_LABELS`` dict mapping member → ``(indonesian, english)``. Because a
`StrEnum` member hashes and compares like its value, ``ROLE_LABELS["admin"]`` works as well as
``ROLE_LABELS[Role.ADMIN]``. `label_id`, `label_en` and `labels` are small helpers over the `LABELS` registry.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "APPROVAL_AUTHORITY_LABELS",
    "ARCHIVAL_STATE_LABELS",
    "AUDIT_ACTION_LABELS",
    "AVAILABLE_FORM_LABELS",
    "BATCH_STATE_LABELS",
    "CLASSIFICATION_SCHEME_LABELS",
    "DEVELOPMENT_LEVEL_LABELS",
    "DISPOSITION_KIND_LABELS",
    "EXEMPTION_GROUND_LABELS",
    "FINAL_DISPOSITION_LABELS",
    "HOLD_KIND_LABELS",
    "KIP_CATEGORY_LABELS",
    "LABELS",
    "MEDIA_LABELS",
    "OPEN_KIP_CATEGORIES",
    "PANEL_OPINION_LABELS",
    "PUBLICATION_STATE_LABELS",
    "QUANTITY_UNIT_LABELS",
    "ROLE_LABELS",
    "SECURITY_CLASS_LABELS",
    "TITLE_SOURCE_LABELS",
    "ApprovalAuthority",
    "ArchivalState",
    "AuditAction",
    "AvailableForm",
    "BatchState",
    "ClassificationScheme",
    "DevelopmentLevel",
    "DispositionKind",
    "ExemptionGround",
    "FinalDisposition",
    "HoldKind",
    "KipCategory",
    "Media",
    "PanelOpinion",
    "PublicationState",
    "QuantityUnit",
    "Role",
    "SecurityClass",
    "TitleSource",
    "label_en",
    "label_id",
    "labels",
]

Label = tuple[str, str]


class Role(StrEnum):
    """Who a user is in the PPID organisation (DOMAIN.md §1, §5); drives permissions."""

    ADMIN = "admin"
    PPID = "ppid"
    ATASAN_PPID = "atasan_ppid"
    SEKRETARIAT = "sekretariat"
    PENDUKUNG = "pendukung"
    ARSIPARIS = "arsiparis"
    PANITIA_PENILAI = "panitia_penilai"


ROLE_LABELS: dict[Role, Label] = {
    Role.ADMIN: ("Administrator sistem", "System administrator"),
    Role.PPID: (
        "PPID (Pejabat Pengelola Informasi dan Dokumentasi)",
        "Information and documentation officer",
    ),
    Role.ATASAN_PPID: ("Atasan PPID", "PPID's superior"),
    Role.SEKRETARIAT: ("Tim Sekretariat PPID", "PPID secretariat team"),
    Role.PENDUKUNG: (
        "Tim Pendukung (unit yang menguasai informasi)",
        "Supporting unit (holds the information)",
    ),
    Role.ARSIPARIS: ("Arsiparis", "Archivist"),
    Role.PANITIA_PENILAI: ("Anggota Panitia Penilai Arsip", "Member of the records appraisal committee"),
}


class SecurityClass(StrEnum):
    """Security classification of dynamic records (Perka ANRI 17/2011, DOMAIN.md §4.3); separate from KIP."""

    BIASA_TERBUKA = "biasa_terbuka"
    TERBATAS = "terbatas"
    RAHASIA = "rahasia"
    SANGAT_RAHASIA = "sangat_rahasia"


SECURITY_CLASS_LABELS: dict[SecurityClass, Label] = {
    SecurityClass.BIASA_TERBUKA: ("Biasa/Terbuka (B)", "Ordinary/open"),
    SecurityClass.TERBATAS: ("Terbatas (T)", "Restricted"),
    SecurityClass.RAHASIA: ("Rahasia (R)", "Secret"),
    SecurityClass.SANGAT_RAHASIA: ("Sangat Rahasia (SR)", "Top secret"),
}


class DevelopmentLevel(StrEnum):
    """*Tingkat perkembangan* of a record (DOMAIN.md §4.5)."""

    ASLI = "asli"
    SALINAN = "salinan"
    TEMBUSAN = "tembusan"
    PERTINGGAL = "pertinggal"


DEVELOPMENT_LEVEL_LABELS: dict[DevelopmentLevel, Label] = {
    DevelopmentLevel.ASLI: ("Asli", "Original"),
    DevelopmentLevel.SALINAN: ("Salinan", "Copy"),
    DevelopmentLevel.TEMBUSAN: ("Tembusan", "Carbon copy (to a further recipient)"),
    DevelopmentLevel.PERTINGGAL: ("Pertinggal", "File copy kept by the sender"),
}


class Media(StrEnum):
    """Medium of a record (DOMAIN.md §4.5, §7)."""

    TEKSTUAL = "tekstual"
    ELEKTRONIK = "elektronik"
    AUDIO_VISUAL = "audio_visual"
    KARTOGRAFI = "kartografi"
    FOTO = "foto"


MEDIA_LABELS: dict[Media, Label] = {
    Media.TEKSTUAL: ("Tekstual", "Textual"),
    Media.ELEKTRONIK: ("Elektronik", "Electronic"),
    Media.AUDIO_VISUAL: ("Audio-visual", "Audio-visual"),
    Media.KARTOGRAFI: ("Kartografi", "Cartographic"),
    Media.FOTO: ("Foto", "Photograph"),
}


class QuantityUnit(StrEnum):
    """*Satuan* of the *jumlah* column in the records lists (DOMAIN.md §4.5)."""

    LEMBAR = "lembar"
    HALAMAN = "halaman"
    BERKAS = "berkas"
    FOLDER = "folder"
    BOKS = "boks"
    BUNDEL = "bundel"
    BUKU = "buku"
    FILE = "file"
    KEPING = "keping"
    ROL = "rol"
    LAINNYA = "lainnya"


QUANTITY_UNIT_LABELS: dict[QuantityUnit, Label] = {
    QuantityUnit.LEMBAR: ("Lembar", "Sheet"),
    QuantityUnit.HALAMAN: ("Halaman", "Page"),
    QuantityUnit.BERKAS: ("Berkas", "Case file"),
    QuantityUnit.FOLDER: ("Folder", "Folder"),
    QuantityUnit.BOKS: ("Boks", "Box"),
    QuantityUnit.BUNDEL: ("Bundel", "Bundle"),
    QuantityUnit.BUKU: ("Buku", "Book"),
    QuantityUnit.FILE: ("File (digital)", "Digital file"),
    QuantityUnit.KEPING: ("Keping (cakram)", "Piece (disc)"),
    QuantityUnit.ROL: ("Rol", "Reel"),
    QuantityUnit.LAINNYA: ("Lainnya", "Other"),
}


class KipCategory(StrEnum):
    """Public-information category under UU 14/2008 (DOMAIN.md §2.1)."""

    BERKALA = "berkala"
    SERTA_MERTA = "serta_merta"
    SETIAP_SAAT = "setiap_saat"
    DIKECUALIKAN = "dikecualikan"


# The three categories of open information (UU 14/2008 Pasal 9-11): determination, publication and search agree on it.
OPEN_KIP_CATEGORIES: frozenset[KipCategory] = frozenset(
    {KipCategory.BERKALA, KipCategory.SERTA_MERTA, KipCategory.SETIAP_SAAT}
)


KIP_CATEGORY_LABELS: dict[KipCategory, Label] = {
    KipCategory.BERKALA: (
        "Informasi yang wajib disediakan dan diumumkan secara berkala (Pasal 9)",
        "Information published periodically (Art. 9)",
    ),
    KipCategory.SERTA_MERTA: (
        "Informasi yang wajib diumumkan secara serta-merta (Pasal 10)",
        "Information published immediately (Art. 10)",
    ),
    KipCategory.SETIAP_SAAT: (
        "Informasi yang wajib tersedia setiap saat (Pasal 11)",
        "Information available at all times (Art. 11)",
    ),
    KipCategory.DIKECUALIKAN: ("Informasi yang dikecualikan (Pasal 17)", "Exempted information (Art. 17)"),
}


class ExemptionGround(StrEnum):
    """UU 14/2008 Pasal 17 exemption ground, *huruf* a–j (DOMAIN.md §2.2)."""

    A = "a"
    B = "b"
    C = "c"
    D = "d"
    E = "e"
    F = "f"
    G = "g"
    H = "h"
    I = "i"  # noqa: E741 - the statute's letter
    J = "j"


EXEMPTION_GROUND_LABELS: dict[ExemptionGround, Label] = {
    ExemptionGround.A: (
        "Pasal 17 huruf a: menghambat proses penegakan hukum",
        "Art. 17(a): hinders law enforcement",
    ),
    ExemptionGround.B: (
        "Pasal 17 huruf b: mengganggu perlindungan hak kekayaan intelektual dan persaingan usaha sehat",
        "Art. 17(b): harms intellectual-property protection or fair competition",
    ),
    ExemptionGround.C: (
        "Pasal 17 huruf c: membahayakan pertahanan dan keamanan negara",
        "Art. 17(c): endangers state defence and security",
    ),
    ExemptionGround.D: (
        "Pasal 17 huruf d: mengungkapkan kekayaan alam Indonesia",
        "Art. 17(d): reveals Indonesia's natural wealth",
    ),
    ExemptionGround.E: (
        "Pasal 17 huruf e: merugikan ketahanan ekonomi nasional",
        "Art. 17(e): harms national economic resilience",
    ),
    ExemptionGround.F: (
        "Pasal 17 huruf f: merugikan kepentingan hubungan luar negeri",
        "Art. 17(f): harms foreign relations",
    ),
    ExemptionGround.G: (
        "Pasal 17 huruf g: mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir atau wasiat",
        "Art. 17(g): reveals a private authentic deed or a last will",
    ),
    ExemptionGround.H: (
        "Pasal 17 huruf h: mengungkap rahasia pribadi",
        "Art. 17(h): reveals personal secrets",
    ),
    ExemptionGround.I: (
        "Pasal 17 huruf i: memorandum antar/dalam Badan Publik yang menurut sifatnya dirahasiakan",
        "Art. 17(i): inter- or intra-agency memoranda confidential by nature",
    ),
    ExemptionGround.J: (
        "Pasal 17 huruf j: informasi yang tidak boleh diungkapkan berdasarkan undang-undang",
        "Art. 17(j): information another statute forbids disclosing",
    ),
}


class AvailableForm(StrEnum):
    """DIP column 6, *bentuk informasi yang tersedia* (DOMAIN.md §3)."""

    SOFTCOPY = "softcopy"
    HARDCOPY = "hardcopy"
    CETAK = "cetak"
    REKAM = "rekam"
    ONLINE = "online"


AVAILABLE_FORM_LABELS: dict[AvailableForm, Label] = {
    AvailableForm.SOFTCOPY: ("Softcopy (berkas digital)", "Soft copy (digital file)"),
    AvailableForm.HARDCOPY: ("Hardcopy (kertas)", "Hard copy (paper)"),
    AvailableForm.CETAK: ("Cetak", "Printed"),
    AvailableForm.REKAM: ("Rekam (audio/video)", "Recording (audio/video)"),
    AvailableForm.ONLINE: ("Daring (online)", "Online"),
}


class FinalDisposition(StrEnum):
    """JRA *keterangan*: what happens when retention ends (DOMAIN.md §4.4)."""

    MUSNAH = "musnah"
    PERMANEN = "permanen"
    DINILAI_KEMBALI = "dinilai_kembali"


FINAL_DISPOSITION_LABELS: dict[FinalDisposition, Label] = {
    FinalDisposition.MUSNAH: ("Musnah", "Destroy"),
    FinalDisposition.PERMANEN: ("Permanen", "Permanent (transfer to the archives)"),
    FinalDisposition.DINILAI_KEMBALI: ("Dinilai kembali", "Re-appraise"),
}


class ArchivalState(StrEnum):
    """State of the archival (JRA) machine B (DOMAIN.md §6)."""

    AKTIF = "aktif"
    INAKTIF = "inaktif"
    USUL_PINDAH = "usul_pindah"
    USUL_MUSNAH = "usul_musnah"
    DINILAI_PANITIA = "dinilai_panitia"
    DISETUJUI_MUSNAH = "disetujui_musnah"
    DIMUSNAHKAN = "dimusnahkan"
    USUL_SERAH = "usul_serah"
    DISERAHKAN_STATIS = "diserahkan_statis"
    DINILAI_KEMBALI = "dinilai_kembali"


ARCHIVAL_STATE_LABELS: dict[ArchivalState, Label] = {
    ArchivalState.AKTIF: ("Aktif", "Active"),
    ArchivalState.INAKTIF: ("Inaktif", "Inactive"),
    ArchivalState.USUL_PINDAH: ("Diusulkan pindah ke unit kearsipan", "Proposed for transfer to the records centre"),
    ArchivalState.USUL_MUSNAH: ("Diusulkan musnah", "Proposed for destruction"),
    ArchivalState.DINILAI_PANITIA: (
        "Dinilai Panitia Penilai Arsip",
        "Under appraisal by the appraisal committee",
    ),
    ArchivalState.DISETUJUI_MUSNAH: ("Disetujui untuk dimusnahkan", "Destruction approved"),
    ArchivalState.DIMUSNAHKAN: ("Dimusnahkan", "Destroyed"),
    ArchivalState.USUL_SERAH: ("Diusulkan untuk diserahkan", "Proposed for transfer"),
    ArchivalState.DISERAHKAN_STATIS: ("Diserahkan sebagai arsip statis", "Transferred as an archival record"),
    ArchivalState.DINILAI_KEMBALI: ("Dinilai kembali", "Under re-appraisal"),
}


class PublicationState(StrEnum):
    """State of the publication (SOP) machine A (DOMAIN.md §5, §6)."""

    DIHIMPUN = "dihimpun"
    DISERAHKAN = "diserahkan"
    DIKLASIFIKASI_USULAN = "diklasifikasi_usulan"
    DIDOKUMENTASIKAN = "didokumentasikan"
    DITERIMA = "diterima"
    PERLU_PERBAIKAN = "perlu_perbaikan"
    DIVERIFIKASI = "diverifikasi"
    DILAPORKAN = "dilaporkan"
    DITETAPKAN_TERBUKA = "ditetapkan_terbuka"
    DIKECUALIKAN = "dikecualikan"
    DIPUBLIKASIKAN = "dipublikasikan"


PUBLICATION_STATE_LABELS: dict[PublicationState, Label] = {
    PublicationState.DIHIMPUN: ("Dihimpun", "Collected"),
    PublicationState.DISERAHKAN: ("Diserahkan", "Handed over"),
    PublicationState.DIKLASIFIKASI_USULAN: ("Diklasifikasikan (usulan)", "Category proposed"),
    PublicationState.DIDOKUMENTASIKAN: ("Didokumentasikan", "Documented"),
    PublicationState.DITERIMA: ("Diterima Sekretariat", "Received by the secretariat"),
    PublicationState.PERLU_PERBAIKAN: ("Perlu perbaikan", "Needs correction"),
    PublicationState.DIVERIFIKASI: ("Diverifikasi", "Verified"),
    PublicationState.DILAPORKAN: ("Dilaporkan ke PPID", "Reported to the PPID"),
    PublicationState.DITETAPKAN_TERBUKA: ("Ditetapkan terbuka", "Declared open"),
    PublicationState.DIKECUALIKAN: ("Dikecualikan", "Exempted"),
    PublicationState.DIPUBLIKASIKAN: ("Dipublikasikan", "Published"),
}


class ClassificationScheme(StrEnum):
    """Which *klasifikasi arsip* a classification code belongs to (DOMAIN.md §4.2); versioned on purpose."""

    PERMENDAGRI_83_2022 = "permendagri_83_2022"
    PERMENDAGRI_78_2012 = "permendagri_78_2012"


CLASSIFICATION_SCHEME_LABELS: dict[ClassificationScheme, Label] = {
    ClassificationScheme.PERMENDAGRI_83_2022: (
        "Permendagri 83/2022 (klasifikasi arsip berlaku)",
        "Home Affairs Regulation 83/2022 (current scheme)",
    ),
    ClassificationScheme.PERMENDAGRI_78_2012: (
        "Permendagri 78/2012 (klasifikasi arsip lama)",
        "Home Affairs Regulation 78/2012 (old scheme)",
    ),
}


class AuditAction(StrEnum):
    """What an audit event records; values are dotted ``<object>.<verb>`` names."""

    RECORD_CREATE = "record.create"
    RECORD_UPDATE = "record.update"
    FILE_ADD = "file.add"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_DELETE = "user.delete"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    UNIT_CREATE = "unit.create"
    RECORD_TITLE_DERIVED = "record.title_derived"


AUDIT_ACTION_LABELS: dict[AuditAction, Label] = {
    AuditAction.RECORD_CREATE: ("Arsip dibuat", "Record created"),
    AuditAction.RECORD_UPDATE: ("Arsip diubah", "Record updated"),
    AuditAction.FILE_ADD: ("Berkas ditambahkan", "File added"),
    AuditAction.USER_CREATE: ("Pengguna dibuat", "User created"),
    AuditAction.USER_UPDATE: ("Pengguna diubah", "User updated"),
    AuditAction.USER_DELETE: ("Pengguna dihapus", "User deleted"),
    AuditAction.TOKEN_CREATE: ("Token API dibuat", "API token created"),
    AuditAction.TOKEN_REVOKE: ("Token API dicabut", "API token revoked"),
    AuditAction.UNIT_CREATE: ("Unit dibuat", "Unit created"),
    AuditAction.RECORD_TITLE_DERIVED: ("Judul diambil dari isi berkas", "Title taken from the file's text"),
}


class TitleSource(StrEnum):
    """Where a record's title came from, so the system knows which titles it may still replace.

    A file that arrives without a title is named after its file name for the time being; the index worker then
    reads the first file's text and derives a title (``indexer.titles``). ``file_name``: the worker only proposes
    (``records.proposed_title``) and staff decide; ``file_name_auto`` (batch ingest, demo): the worker applies the
    derived title itself and marks it ``derived``. A title a person typed or confirmed is ``user`` and is never
    changed by the system.
    """

    USER = "user"
    FILE_NAME = "file_name"
    FILE_NAME_AUTO = "file_name_auto"
    DERIVED = "derived"


TITLE_SOURCE_LABELS: dict[TitleSource, Label] = {
    TitleSource.USER: ("Diisi pengguna", "Given by a user"),
    TitleSource.FILE_NAME: ("Nama berkas (menunggu judul usulan)", "File name (a title will be proposed)"),
    TitleSource.FILE_NAME_AUTO: ("Nama berkas (diganti otomatis dari isi)", "File name (replaced from the text)"),
    TitleSource.DERIVED: ("Diambil dari isi berkas", "Taken from the file's text"),
}


class DispositionKind(StrEnum):
    """The three disposition procedures of *penyusutan* (DOMAIN.md §4.6), each carried out in batches."""

    PEMINDAHAN = "pemindahan"
    PEMUSNAHAN = "pemusnahan"
    PENYERAHAN = "penyerahan"


DISPOSITION_KIND_LABELS: dict[DispositionKind, Label] = {
    DispositionKind.PEMINDAHAN: ("Pemindahan arsip inaktif", "Transfer to inactive storage"),
    DispositionKind.PEMUSNAHAN: ("Pemusnahan arsip", "Destruction"),
    DispositionKind.PENYERAHAN: ("Penyerahan arsip statis", "Transfer of permanent records to the archives"),
}


class BatchState(StrEnum):
    """Where a disposition batch stands: proposed, appraised by the panel, approved, carried out, or refused."""

    DIUSULKAN = "diusulkan"
    DINILAI = "dinilai"
    DISETUJUI = "disetujui"
    DILAKSANAKAN = "dilaksanakan"
    DITOLAK = "ditolak"


BATCH_STATE_LABELS: dict[BatchState, Label] = {
    BatchState.DIUSULKAN: ("Diusulkan", "Proposed"),
    BatchState.DINILAI: ("Dinilai panitia", "Appraised by the panel"),
    BatchState.DISETUJUI: ("Disetujui", "Approved"),
    BatchState.DILAKSANAKAN: ("Dilaksanakan", "Carried out"),
    BatchState.DITOLAK: ("Ditolak", "Refused"),
}


class ApprovalAuthority(StrEnum):
    """Who must approve a disposition (DOMAIN.md §4.6): destruction under 10 years of total retention needs the
    head of the region, 10 years or more the head of ANRI; permanent transfer the head of the archival institution."""

    KEPALA_UNIT = "kepala_unit"
    KEPALA_DAERAH = "kepala_daerah"
    KEPALA_ANRI = "kepala_anri"
    LEMBAGA_KEARSIPAN = "lembaga_kearsipan"


APPROVAL_AUTHORITY_LABELS: dict[ApprovalAuthority, Label] = {
    ApprovalAuthority.KEPALA_UNIT: ("Kepala unit pengolah", "Head of the processing unit"),
    ApprovalAuthority.KEPALA_DAERAH: ("Kepala Daerah", "Head of the region"),
    ApprovalAuthority.KEPALA_ANRI: ("Kepala ANRI", "Head of the National Archives (ANRI)"),
    ApprovalAuthority.LEMBAGA_KEARSIPAN: ("Kepala lembaga kearsipan", "Head of the archival institution"),
}


class HoldKind(StrEnum):
    """Why a record may not be disposed of: a legal hold (pending case, UU 43/2009 Pasal 51) or a pending KIP
    dispute (*sengketa informasi*)."""

    HUKUM = "hukum"
    SENGKETA_KIP = "sengketa_kip"


HOLD_KIND_LABELS: dict[HoldKind, Label] = {
    HoldKind.HUKUM: ("Penahanan hukum (perkara berjalan)", "Legal hold (pending case)"),
    HoldKind.SENGKETA_KIP: ("Sengketa informasi publik berjalan", "Pending public information dispute"),
}


class PanelOpinion(StrEnum):
    """A member of the appraisal panel (*Panitia Penilai Arsip*) agrees with a proposal or does not."""

    SETUJU = "setuju"
    TIDAK_SETUJU = "tidak_setuju"


PANEL_OPINION_LABELS: dict[PanelOpinion, Label] = {
    PanelOpinion.SETUJU: ("Setuju", "Agrees"),
    PanelOpinion.TIDAK_SETUJU: ("Tidak setuju", "Disagrees"),
}


LABELS: dict[type[StrEnum], dict] = {
    DispositionKind: DISPOSITION_KIND_LABELS,
    BatchState: BATCH_STATE_LABELS,
    ApprovalAuthority: APPROVAL_AUTHORITY_LABELS,
    HoldKind: HOLD_KIND_LABELS,
    PanelOpinion: PANEL_OPINION_LABELS,
    Role: ROLE_LABELS,
    SecurityClass: SECURITY_CLASS_LABELS,
    DevelopmentLevel: DEVELOPMENT_LEVEL_LABELS,
    Media: MEDIA_LABELS,
    QuantityUnit: QUANTITY_UNIT_LABELS,
    KipCategory: KIP_CATEGORY_LABELS,
    ExemptionGround: EXEMPTION_GROUND_LABELS,
    AvailableForm: AVAILABLE_FORM_LABELS,
    FinalDisposition: FINAL_DISPOSITION_LABELS,
    ArchivalState: ARCHIVAL_STATE_LABELS,
    PublicationState: PUBLICATION_STATE_LABELS,
    ClassificationScheme: CLASSIFICATION_SCHEME_LABELS,
    AuditAction: AUDIT_ACTION_LABELS,
    TitleSource: TITLE_SOURCE_LABELS,
}
"""Every enum of this module → its labels dict; the single place UIs and docs look labels up."""


def labels(enum_cls: type[StrEnum]) -> dict[StrEnum, Label]:
    """The ``member → (indonesian, english)`` dict of `enum_cls`, in declaration order."""
    table = LABELS[enum_cls]
    return {member: table[member] for member in enum_cls}


def label_id(member: StrEnum) -> str:
    """The Indonesian label of an enum member."""
    return LABELS[type(member)][member][0]


def label_en(member: StrEnum) -> str:
    """The English label of an enum member."""
    return LABELS[type(member)][member][1]
