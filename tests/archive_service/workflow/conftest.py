from __future__ import annotations

import io
from typing import Any

import pytest

from archive_service.services import records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from archive_service.workflow.table import MAIN_LINE
from tests.support.files import pdf_bytes

READY = {
    "title": "Laporan Layanan Informasi Publik 2025",
    "classification_code": "500.12.18.1",
    "processing_unit": "kominfo",
    "creator_org": "Dinas Komunikasi dan Informatika",
    "file_no": "B-12",
    "description": "Laporan tahunan layanan informasi publik",
    "doc_date": "2025-06-30",
    "dip_summary": "Ringkasan laporan layanan informasi publik",
    "controlling_unit": "Bidang IKP Diskominfo",
    "responsible_official": "Kepala Bidang IKP",
    "created_place": "Sleman",
    "available_forms": ["softcopy", "hardcopy"],
}

# Every state is reached by a prefix of the SOP's main line, plus a final side step for some.
_MAIN = list(MAIN_LINE)
_BY_STATE = [
    "dihimpun",
    "diserahkan",
    "diklasifikasi_usulan",
    "didokumentasikan",
    "diterima",
    "diverifikasi",
    "dilaporkan",
    "ditetapkan_terbuka",
    "dipublikasikan",
]
# action sequence (as SYSTEM) that brings a fresh record to each state
TO_STATE_PATH = {state: _MAIN[:n] for n, state in enumerate(_BY_STATE)}
TO_STATE_PATH["perlu_perbaikan"] = [*_MAIN[:4], "kembalikan"]
TO_STATE_PATH["dikecualikan"] = [*_MAIN[:6], "kecualikan"]


def payload_for(action: str, record: Any) -> dict[str, Any]:
    """A valid request for ``action`` on ``record``."""
    body: dict[str, Any] = {"action": action}
    if action in {"usulkan_kategori", "tetapkan_terbuka", "tambahkan_ke_dip"}:
        body["kip_category"] = "berkala"
    if action in {"kembalikan", "batalkan_publikasi", "tarik", "tinjau_semester", "buka_pengecualian"}:
        body["reason"] = "Lampiran belum lengkap"
    if action == "kecualikan":
        body.update(
            {
                "exemption_ground": "h",
                "exemption_basis": "UU 14/2008 Pasal 17 huruf h",
                "exemption_no_expiry": True,
                "exemption_decree_no": "SK-PPID/07/2025",
                "consequence_test": {
                    "summary": "Data pribadi",
                    "harm": "Mengungkap rahasia pribadi",
                    "public_interest": "Kepentingan umum lebih kecil",
                    "participants": ["PPID", "Tim Pertimbangan"],
                    "signed_sheet_file_id": record.files[0].id,
                },
            }
        )
    return body


@pytest.fixture
def make_record(rt, accounts):  # type: ignore[no-untyped-def]
    """A record with DIP fields and a file, moved (as SYSTEM) to the requested state."""

    def _make(state: str = "dihimpun", **overrides: Any):  # type: ignore[no-untyped-def]
        staged = stage_stream(io.BytesIO(pdf_bytes("Laporan", state)), rt.settings.staging_dir)
        record = records.create_record(
            rt, accounts["pendukung"].actor, READY | overrides, [Upload("laporan.pdf", staged)]
        )
        for action in TO_STATE_PATH[state]:
            record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for(action, record))
        assert record.publication_state == state
        return record

    return _make
