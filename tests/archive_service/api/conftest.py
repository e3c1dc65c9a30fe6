from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.support.files import pdf_bytes

VALID = {
    "title": "Laporan Layanan Informasi Publik 2025",
    "classification_code": "500.12.18.1",
    "processing_unit": "kominfo",
    "creator_org": "Dinas Komunikasi dan Informatika",
    "doc_date": "2025-06-30",
}


def multipart(metadata: dict[str, Any] | None, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if metadata is not None:
        data["metadata"] = json.dumps(metadata)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return data


@pytest.fixture
def create(client, accounts):  # type: ignore[no-untyped-def]
    """POST a record as ``role`` with files; returns the response."""

    def _create(
        metadata: dict[str, Any] | None = None,
        files: list[tuple[str, bytes]] | None = None,
        role: str = "pendukung",
    ):  # type: ignore[no-untyped-def]
        files = [("laporan.pdf", pdf_bytes("Laporan layanan"))] if files is None else files
        return client.post(
            "/api/v1/records",
            data=multipart(VALID | (metadata or {}), files),
            headers=accounts[role].headers,
            content_type="multipart/form-data",
        )

    return _create
