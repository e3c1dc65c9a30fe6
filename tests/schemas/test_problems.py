"""Problem+json schema and the flattening of marshmallow errors into it."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from schemas.problems import ProblemSchema, flatten_errors
from schemas.records import RecordCreateSchema


def test_problem_dump() -> None:
    problem = {
        "title": "Data tidak sah",
        "title_en": "Invalid data",
        "status": 422,
        "errors": {"title": ["Wajib diisi. / Missing data for required field."]},
    }
    assert ProblemSchema().dump(problem) == {"type": "about:blank", **problem}


def test_flatten_nested_errors() -> None:
    messages = {
        "access_groups": {2: ["bad"]},
        "files": {0: {"filename": ["x"], "_schema": ["y"]}},
        "_schema": ["whole"],
        "title": ["a", "b"],
    }
    assert flatten_errors(messages) == {
        "access_groups.2": ["bad"],
        "files.0.filename": ["x"],
        "files.0": ["y"],
        "_schema": ["whole"],
        "title": ["a", "b"],
    }


def test_flatten_plain_list_and_string() -> None:
    assert flatten_errors(["a"]) == {"_schema": ["a"]}
    assert flatten_errors("a") == {"_schema": ["a"]}


def test_flatten_real_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        RecordCreateSchema().load({"access_groups": ["ok", "NOT OK"], "x": 1})
    flat = flatten_errors(info.value.messages)
    assert "access_groups.1" in flat and flat["x"] == ["Kolom tidak dikenal. / Unknown field."]
    assert all(isinstance(m, str) for msgs in flat.values() for m in msgs)
