"""The archival lifecycle (machine B of DOMAIN.md §6) as printable data.

Disposition happens in batches. Every batch, whatever its kind, moves through the same stages::

    diusulkan ──(panel concludes)──▶ dinilai ──(authority approves)──▶ disetujui ──(carried out)──▶ dilaksanakan
        └───────────────(refused at any stage before execution)──────────────▶ ditolak

``KIND_RULES`` says, per kind, whether the panel (*Panitia Penilai Arsip*) must appraise it, which state its
records are in at each stage, what a record must look like to be proposed, and who approves. The service
(``archive_service.services.disposition``) carries out the stages; the API serves this table and the docs print it,
so what is documented is what runs (DESIGN.md §5).

Why batches and not single records: the law works in lists. A *Daftar Arsip Usul Musnah* is appraised and approved
as a whole, and one *Berita Acara* covers the whole list (Perka ANRI 37/2016).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.enums import ApprovalAuthority, ArchivalState, BatchState, DispositionKind, FinalDisposition

from .rules import destruction_authority

A = ArchivalState


@dataclass(frozen=True)
class KindRule:
    """How one kind of disposition runs."""

    kind: DispositionKind
    label_id: str
    label_en: str
    eligible_state: ArchivalState  # the state a record must be in to be proposed
    due_field: str  # the record's date that must have passed: active_until or inactive_until
    disposition: FinalDisposition | None  # the JRA keterangan a record must carry (None: any)
    needs_panel: bool
    record_state: dict[BatchState, ArchivalState]  # the records' state at each stage of the batch
    done_state: ArchivalState
    authority: Callable[[int], ApprovalAuthority]  # from the longest total retention in the batch
    vital_allowed: bool  # arsip vital may never be destroyed
    ba_title_id: str
    ba_title_en: str
    list_title_id: str
    number_prefix: str


def _destruction_authority(total_years: int) -> ApprovalAuthority:
    return ApprovalAuthority(destruction_authority(total_years))


KIND_RULES: dict[DispositionKind, KindRule] = {
    DispositionKind.PEMINDAHAN: KindRule(
        kind=DispositionKind.PEMINDAHAN,
        label_id="Pemindahan arsip inaktif ke unit kearsipan",
        label_en="Transfer of inactive records to the records centre",
        eligible_state=A.AKTIF,
        due_field="active_until",
        disposition=None,
        needs_panel=False,
        record_state={BatchState.DIUSULKAN: A.USUL_PINDAH, BatchState.DISETUJUI: A.USUL_PINDAH},
        done_state=A.INAKTIF,
        authority=lambda _years: ApprovalAuthority.KEPALA_UNIT,
        vital_allowed=True,
        ba_title_id="Berita Acara Pemindahan Arsip",
        ba_title_en="Minutes of the transfer of records",
        list_title_id="Daftar Arsip yang Dipindahkan",
        number_prefix="PINDAH",
    ),
    DispositionKind.PEMUSNAHAN: KindRule(
        kind=DispositionKind.PEMUSNAHAN,
        label_id="Pemusnahan arsip",
        label_en="Destruction of records",
        eligible_state=A.INAKTIF,
        due_field="inactive_until",
        disposition=FinalDisposition.MUSNAH,
        needs_panel=True,
        record_state={
            BatchState.DIUSULKAN: A.USUL_MUSNAH,
            BatchState.DINILAI: A.DINILAI_PANITIA,
            BatchState.DISETUJUI: A.DISETUJUI_MUSNAH,
        },
        done_state=A.DIMUSNAHKAN,
        authority=_destruction_authority,
        vital_allowed=False,
        ba_title_id="Berita Acara Pemusnahan Arsip",
        ba_title_en="Minutes of the destruction of records",
        list_title_id="Daftar Arsip yang Dimusnahkan",
        number_prefix="MUSNAH",
    ),
    DispositionKind.PENYERAHAN: KindRule(
        kind=DispositionKind.PENYERAHAN,
        label_id="Penyerahan arsip statis",
        label_en="Transfer of permanent records to the archival institution",
        eligible_state=A.INAKTIF,
        due_field="inactive_until",
        disposition=FinalDisposition.PERMANEN,
        needs_panel=True,
        record_state={
            BatchState.DIUSULKAN: A.USUL_SERAH,
            BatchState.DINILAI: A.USUL_SERAH,
            BatchState.DISETUJUI: A.USUL_SERAH,
        },
        done_state=A.DISERAHKAN_STATIS,
        authority=lambda _years: ApprovalAuthority.LEMBAGA_KEARSIPAN,
        vital_allowed=True,
        ba_title_id="Berita Acara Penyerahan Arsip Statis",
        ba_title_en="Minutes of the transfer of permanent records",
        list_title_id="Daftar Arsip yang Diserahkan",
        number_prefix="SERAH",
    ),
}

# Stages in which a batch is still open: its records are reserved for it and it may still be refused.
OPEN_BATCH_STATES = frozenset({BatchState.DIUSULKAN, BatchState.DINILAI, BatchState.DISETUJUI})


def approvable_from(rule: KindRule) -> BatchState:
    """The stage a batch must be in before the authority's approval is recorded."""
    return BatchState.DINILAI if rule.needs_panel else BatchState.DIUSULKAN


# Re-appraisal is done per record, not in batches: the JRA says *dinilai kembali*, an arsiparis opens it and then
# assigns a new retention class, which starts a new inactive period from the day of the decision.
REAPPRAISAL_FROM = A.INAKTIF
REAPPRAISAL_STATE = A.DINILAI_KEMBALI
REAPPRAISAL_DONE = A.INAKTIF

# Records in these states are finished: nothing in the lifecycle applies to them any more.
FINAL_STATES = frozenset({A.DIMUSNAHKAN, A.DISERAHKAN_STATIS})


def lifecycle_table() -> dict[str, object]:
    """The rules as plain data, for ``GET /api/v1/retention/lifecycle`` and the docs."""
    return {
        "kinds": [
            {
                "kind": str(rule.kind),
                "label_id": rule.label_id,
                "label_en": rule.label_en,
                "eligible_state": str(rule.eligible_state),
                "due_field": rule.due_field,
                "disposition": str(rule.disposition) if rule.disposition else None,
                "needs_panel": rule.needs_panel,
                "stages": [
                    {"batch_state": str(stage), "record_state": str(state)}
                    for stage, state in rule.record_state.items()
                ]
                + [{"batch_state": str(BatchState.DILAKSANAKAN), "record_state": str(rule.done_state)}],
                "authority": sorted({str(rule.authority(years)) for years in (0, 9, 10, 100)}),
                "vital_allowed": rule.vital_allowed,
                "berita_acara": rule.ba_title_id,
                "list": rule.list_title_id,
            }
            for rule in KIND_RULES.values()
        ],
        "reappraisal": {
            "from": str(REAPPRAISAL_FROM),
            "state": str(REAPPRAISAL_STATE),
            "done": str(REAPPRAISAL_DONE),
        },
    }
