"""Property tests over the record schema and the upload endpoint (issue 16, item 6): whatever is sent, the answer
is never a 5xx, a refused request changes nothing (records, files, blobs on disk, audit events, staged files),
and an accepted one holds exactly the files that were sent.

Bounded to run in seconds per database: ``max_examples`` 150, no deadline (PostgreSQL round trips vary).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from schemas.base import INTEGER_MAX, min_document_year, text_problem
from schemas.records import RecordCreateSchema, RecordDescriptionFields
from tests.archive_service.api.conftest import VALID
from tests.support.checks import assert_consistent
from tests.support.files import executable_bytes, pdf_bytes
from tests.support.raw_requests import MULTIPART, body, field, part, snapshot

FIELDS = sorted(RecordDescriptionFields().fields)
BOUNDED = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree; a failure prints the example to reproduce it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text with everything in it: lone surrogates, NUL and other controls, line breaks, bidi overrides.
HOSTILE_CHARS = st.characters(exclude_categories=())
HOSTILE_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12),  # ordinary text
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12),
    st.text(HOSTILE_CHARS, max_size=12),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "\r\n", "\u202e", "\ufffd", "Ｔ", "0" * 300]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    HOSTILE_TEXT,
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2025-06-30", "500.12.18.1", "kominfo", "biasa_terbuka", "softcopy"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
    max_leaves=6,
)
CHANGES = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.sampled_from(FIELDS), HOSTILE_TEXT), VALUES, max_size=3)


def _json_bytes(data: dict[str, Any], ascii_only: bool) -> bytes:
    """JSON as a careless client writes it: NaN allowed, lone surrogates written as CESU-8 bytes when not escaped."""
    return json.dumps(data, ensure_ascii=ascii_only, allow_nan=True).encode("utf-8", "surrogatepass")


@st.composite
def metadata_bytes(draw: st.DrawFn) -> bytes:
    data = VALID | draw(st.one_of(st.just({}), CHANGES))
    raw = _json_bytes(data, draw(st.booleans()))
    if draw(st.integers(0, 4)) == 0:  # now and then, bytes spliced in anywhere
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


FILENAMES = st.one_of(
    st.none(),
    st.sampled_from([b"laporan.pdf", b"surat.txt", b"lampiran", "Kabupatén €.pdf".encode(), b"surat.txt"]),
    st.sampled_from([b"", b"a\r\nb.pdf", b"x\nz.pdf", b'q"q.pdf', b"..", b"\xff.pdf", b"a\x00.pdf", b"a/b.pdf"]),
    st.text(HOSTILE_CHARS, max_size=10).map(lambda name: name.encode("utf-8", "surrogatepass")),
    st.binary(max_size=10),
)
CONTENTS = st.one_of(
    st.sampled_from([pdf_bytes("Laporan uji"), pdf_bytes("Lampiran"), b"Surat biasa dari kelurahan.\n"]),
    st.sampled_from([b"", executable_bytes()[:4096]]),
    st.binary(max_size=64),
)


def _file_part(filename: bytes | None, content: bytes) -> bytes:
    disposition = b'form-data; name="files"'
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    return part(disposition, content, b"application/octet-stream")


def _check_refused_or_complete(response: Any, rt: Any, before: dict[str, Any], files_sent: int) -> None:
    assert response.status_code < 500, response.data[:500]
    event(f"status {response.status_code}")
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", response.data[:200]
        assert snapshot(rt) == before
        return
    assert response.status_code == 201, response.data[:200]
    record = response.json
    assert len(record["files"]) == files_sent
    after = snapshot(rt)
    assert after["records"] == before["records"] + 1 and after["files"] == before["files"] + files_sent
    assert after["staged"] == []
    assert_consistent(rt)


@BOUNDED
@given(metadata=metadata_bytes(), files=st.lists(st.tuples(FILENAMES, CONTENTS), max_size=3))
def test_create_with_files_never_5xx_nor_partial(client, accounts, rt, metadata: bytes, files: list) -> None:
    before = snapshot(rt)
    data = body(field("metadata", metadata), *(_file_part(name, content) for name, content in files))
    response = client.post("/api/v1/records", data=data, headers=accounts["admin"].headers, content_type=MULTIPART)
    _check_refused_or_complete(response, rt, before, len(files))


@BOUNDED
@given(metadata=metadata_bytes())
def test_json_body_never_5xx_nor_partial(client, accounts, rt, metadata: bytes) -> None:
    before = snapshot(rt)
    response = client.post(
        "/api/v1/records", data=metadata, headers=accounts["admin"].headers, content_type="application/json"
    )
    _check_refused_or_complete(response, rt, before, 0)


@settings(max_examples=150, deadline=None, database=None)
@given(changes=CHANGES)
def test_schema_loads_only_storable_values(changes: dict[str, Any]) -> None:
    """The record schema either refuses (ValidationError, with an answer that can be sent) or loads values every
    database can store: no NUL, no lone surrogate, 64-bit integers, document years in range."""
    try:
        loaded = RecordCreateSchema().load(VALID | changes)
    except ValidationError as err:
        json.dumps(err.messages, ensure_ascii=False).encode("utf-8")
        return
    for value in loaded.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                assert text_problem(item) is None
            elif isinstance(item, int) and not isinstance(item, bool):
                assert -INTEGER_MAX - 1 <= item <= INTEGER_MAX
            elif isinstance(item, dt.date):
                assert min_document_year() <= item.year <= dt.date.today().year + 1
