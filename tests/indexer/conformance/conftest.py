"""The engines every conformance test runs against: tantivy always, Elasticsearch when
``ARSIP_TEST_ELASTICSEARCH_URL`` names a server (e.g. ``http://127.0.0.1:9200``)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.backends import SearchEngine, open_engine

ES_URL = os.environ.get("ARSIP_TEST_ELASTICSEARCH_URL", "").strip()
ENGINES = ["tantivy", *(["elasticsearch"] if ES_URL else [])]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchEngine]:
    if request.param == "tantivy":
        eng = open_engine(f"tantivy://{tmp_path / 'index'}")
    else:
        sep = "&" if "?" in ES_URL else "?"
        eng = open_engine(f"{ES_URL}{sep}prefix=arsiptest-{uuid.uuid4().hex[:8]}")
    yield eng
    if request.param == "elasticsearch":
        for name in ("internal", "public", "conformance"):
            with contextlib.suppress(Exception):
                eng.index(name).clear()
    eng.close()
