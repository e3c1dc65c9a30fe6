"""Fixtures for retention and disposition: the sample JRA, a panel, records old enough to be due."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archive_service.runtime import Runtime
from archive_service.services import jra, records
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.conftest import Account, make_account
from tests.support.files import pdf_bytes

SAMPLE = Path(jra.__file__).resolve().parent.parent / "data" / "jra_sample.csv"
_seq = itertools.count(1)

BA = {
    "date": "2026-11-02",
    "place": "Sleman",
    "method": "penghapusan digital dan pencacahan",
    "location": "Gedung Arsip Lt. 2, Rak 4",
    "receiver": "Dinas Perpustakaan dan Kearsipan Daerah",
    "signatories": [
        {"name": "Drs. Sutrisno", "title": "Kepala Dinas Kominfo", "role": "yang menyerahkan"},
        {"name": "Rina Wulandari, S.IP.", "title": "Arsiparis Ahli Muda", "role": "yang menerima"},
    ],
    "witnesses": [{"name": "Budi Santoso", "title": "Inspektorat"}],
}
APPROVAL = {
    "letter_no": "000.5.6.2/123/2026",
    "letter_date": "2026-10-20",
    "signer_name": "Bupati Sleman",
    "signer_title": "Kepala Daerah",
}


@pytest.fixture
def sample_jra(rt: Runtime) -> jra.ImportOutcome:
    return jra.import_file(rt, SYSTEM, SAMPLE, name="JRA Sampel (DOMAIN.md §8)", legal_basis="Pergub 30")


@pytest.fixture
def panel(rt: Runtime, accounts: dict[str, Account]) -> list[Account]:
    """Three members of the Panitia Penilai Arsip (the default quorum)."""
    return [make_account(rt, f"penilai.{i}", "panitia_penilai") for i in range(1, 4)]


@pytest.fixture
def make_old(rt: Runtime, accounts: dict[str, Account]) -> Callable[..., Any]:
    """A record of the pendukung's unit with one (unique, unless ``content`` is given) PDF, dated long ago."""

    def _make(code: str = "500.12.18.1", doc_date: str = "2012-03-01", content: bytes | None = None, **extra: Any):
        n = next(_seq)
        data = {
            "title": f"Arsip lama {n}",
            "classification_code": code,
            "processing_unit": "kominfo",
            "creator_org": "Dinas Komunikasi dan Informatika",
            "doc_date": doc_date,
            "description": f"Uraian arsip lama nomor {n} tentang layanan informasi",
            **extra,
        }
        body = content if content is not None else pdf_bytes("Arsip lama", f"nomor {n}", code)
        staged = stage_stream(io.BytesIO(body), rt.settings.staging_dir)
        return records.create_record(rt, accounts["pendukung"].actor, data, [Upload(f"arsip-{n}.pdf", staged)])

    return _make
