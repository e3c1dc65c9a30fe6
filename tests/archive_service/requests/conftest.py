"""Fixtures for requests for information and objections (issue 18): built through the services, like a user would."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from archive_service.db import Blob, InformationRequest, RequestApplicant
from archive_service.services import requests, requests_challenge
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import make_record  # noqa: F401  (a fixture, re-exported)
from tests.support.files import pdf_bytes

# Monday 14 December 2026, 10:00 in Jakarta. Ten working days later, with the cuti bersama of 24 December and
# Christmas between, is Wednesday 30 December; seven more (1 and 5 January are holidays) is Tuesday 12 January.
MONDAY = datetime(2026, 12, 14, 3, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 30, 3, 0, tzinfo=UTC)
EXTENDED_DUE = datetime(2027, 1, 12, 3, 0, tzinfo=UTC)

APPLICANT = {
    "kind": "perorangan",
    "name": "Siti Rahmawati",
    "nik": "3404015208900002",
    "address": "Jl. Kaliurang Km 5, Sleman",
    "email": "siti.rahmawati@example.org",
    "phone": "081234567890",
}
FORM: dict[str, Any] = {
    "applicant": APPLICANT,
    "information": "Salinan laporan layanan informasi publik tahun 2025",
    "purpose": "Penelitian skripsi tentang keterbukaan informasi",
    "receipt_forms": ["softcopy"],
    "delivery_methods": ["email"],
}


def png_bytes() -> bytes:
    """A real 1×1 PNG (an identity photo stand-in)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def upload(rt, name: str, content: bytes) -> Upload:  # type: ignore[no-untyped-def]
    return Upload(name, stage_stream(io.BytesIO(content), rt.settings.staging_dir))


def solve(rt, now: datetime) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A challenge issued a minute before ``now``, solved like a person would."""
    challenge = requests_challenge.issue(rt, now=now - timedelta(minutes=1))
    a, b = map(int, re.findall(r"\d+", challenge["question"]))
    return {"challenge_token": challenge["token"], "challenge_answer": str(a + b)}


def counts(rt) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(requests, applicants, blobs): bad input must leave all three as they were."""
    with rt.db.read() as session:
        return (
            session.execute(select(func.count()).select_from(InformationRequest)).scalar_one(),
            session.execute(select(func.count()).select_from(RequestApplicant)).scalar_one(),
            session.execute(select(func.count()).select_from(Blob)).scalar_one(),
        )


@pytest.fixture
def submit(rt):  # type: ignore[no-untyped-def]
    """Register a public request at ``now`` (default MONDAY) with a PNG identity document."""

    def _submit(now: datetime = MONDAY, identity: list[Upload] | None = None, **overrides: Any):  # type: ignore[no-untyped-def]
        form = {**FORM, **solve(rt, now), **overrides}
        files = [upload(rt, "ktp.png", png_bytes())] if identity is None else identity
        return requests.register_public(rt, form, files, now=now)

    return _submit


def grant_in_part(rt, actor, number: str, exempted, *, now: datetime = MONDAY) -> None:  # type: ignore[no-untyped-def]
    """Link ``exempted`` with a redacted copy and grant the request in part, citing its exemption."""
    redacted = [upload(rt, "dihitamkan.pdf", pdf_bytes("XXXX"))]
    requests.link_record(rt, actor, number, {"record_id": exempted.id}, redacted)
    decision = {"decision": "dikabulkan_sebagian", "reasons": "Sebagian", "exemption_record_id": exempted.id}
    requests.decide(rt, actor, number, None, decision, now=now)


@pytest.fixture
def open_record(make_record):  # type: ignore[no-untyped-def]  # noqa: F811
    return make_record("ditetapkan_terbuka")


@pytest.fixture
def exempted_record(make_record):  # type: ignore[no-untyped-def]  # noqa: F811
    return make_record("dikecualikan")


__all__ = [
    "DUE",
    "EXTENDED_DUE",
    "FORM",
    "MONDAY",
    "counts",
    "grant_in_part",
    "pdf_bytes",
    "png_bytes",
    "solve",
    "upload",
]
