"""A file of every accepted type, uploaded through the API, is extracted from its blob and found by its words
(issue 16, item 3: no accepted type may end ``failed: corrupt`` or stay unsearchable)."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from archive_service.db import Extraction
from archive_service.services import indexing, search
from tests.archive_service.api.conftest import VALID
from tests.support.every_type import ACCEPTED, sample


def test_every_accepted_type_is_searchable_after_indexing(client, rt, accounts) -> None:  # type: ignore[no-untyped-def]
    created: dict[str, tuple[int, str]] = {}
    for mime in ACCEPTED:
        name, data, word = sample(mime)
        response = client.post(
            "/api/v1/records",
            data={
                "metadata": json.dumps(VALID | {"title": f"Contoh berkas {name}"}),
                "files": [(io.BytesIO(data), name)],
            },
            headers=accounts["admin"].headers,
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, (mime, response.data[:300])
        assert response.json["files"][0]["mime"] == mime
        created[mime] = (response.json["id"], word)
    stats = indexing.drain(rt, timeout=300)
    assert stats.failed == 0
    with rt.db.read() as session:
        rows = list(session.execute(select(Extraction)).scalars())
    assert [(row.state, row.error) for row in rows if row.state != "done"] == []
    assert {row.method for row in rows} >= {"xlsx", "doc", "xls", "ocr"}
    for mime, (record_id, word) in created.items():
        page = search.internal_search(rt, accounts["admin"].actor, {"q": word.lower()})
        assert record_id in [hit["id"] for hit in page.hits], (mime, word)
