"""``/api/openapi.json`` is a valid OpenAPI 3 document and says what the API sends (issue 17).

Valid by openapi-spec-validator; every error response is ``application/problem+json`` with the ``Problem`` schema;
every operation documents its success body (or is a 204); ``X-Pagination`` is a string header. What the running
API really answers is checked against this document by ``test_schemathesis.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from archive_service.api.reports import QUERY_PARAMETERS
from archive_service.reports.registry import PARAMS

METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def test_document_validates(spec: dict[str, Any]) -> None:
    validate(spec)  # raises with the path of the first offending node
    assert spec["openapi"].startswith("3.0")
    assert len(operations(spec)) >= 57


def test_every_error_is_problem_json(spec: dict[str, Any]) -> None:
    wrong = []
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status == "default" or int(status) >= 400:
                content = resolve(spec, response).get("content", {})
                if list(content) != ["application/problem+json"] or content["application/problem+json"]["schema"] != {
                    "$ref": "#/components/schemas/Problem"
                }:
                    wrong.append(f"{method} {path} {status}: {sorted(content)}")
    assert not wrong, "\n".join(wrong)
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "detail_en", "errors"} <= set(problem["properties"])
    assert problem["additionalProperties"] is True  # RFC 9457 extension members


def test_error_statuses_as_they_occur(spec: dict[str, Any]) -> None:
    """The statuses the central rules (``api/openapi.py``) give, spot-checked on operations of each kind."""
    codes = {(method, path): set(op["responses"]) for method, path, op in operations(spec)}
    assert {"400", "401", "403", "404", "409", "413", "422", "428"} <= codes[("PATCH", "/api/v1/records/{record_id}")]
    assert {"413", "415", "422"} <= codes[("POST", "/api/v1/records")]
    assert "428" not in codes[("POST", "/api/v1/records")]
    assert {"400", "422", "429"} <= codes[("GET", "/api/v1/public/search")]
    assert not {"401", "403"} & codes[("GET", "/api/v1/public/search")]
    assert "403" not in codes[("GET", "/api/v1/me")]  # every role may read itself
    assert {"403", "404"} <= codes[("GET", "/api/v1/reports/{name}")]  # a report's own permission
    assert "428" in codes[("POST", "/api/v1/retention/records/{record_id}/trigger")]
    unauthorized = resolve(spec, spec["paths"]["/api/v1/me"]["get"]["responses"]["401"])
    assert unauthorized["headers"]["WWW-Authenticate"]["required"] is True
    limited = resolve(spec, spec["paths"]["/api/v1/public/search"]["get"]["responses"]["429"])
    assert limited["headers"]["Retry-After"]["required"] is True


def test_every_operation_documents_its_success(spec: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in operations(spec):
        success = {status: r for status, r in operation["responses"].items() if status.startswith("2")}
        if not success or not all(status == "204" or resolve(spec, r).get("content") for status, r in success.items()):
            missing.append(f"{method} {path}: {sorted(success)}")
    assert not missing, "\n".join(missing)


def test_pagination_header_is_a_json_string(spec: dict[str, Any], client, accounts) -> None:  # type: ignore[no-untyped-def]
    header = spec["components"]["headers"]["PAGINATION"]
    assert header["schema"] == {"type": "string"}
    assert set(json.loads(header["example"])) >= {"total", "total_pages", "page"}
    listed = spec["paths"]["/api/v1/records"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert listed == {"$ref": "#/components/headers/PAGINATION"}
    sent = client.get("/api/v1/records", headers=accounts["admin"].headers).headers["X-Pagination"]
    assert json.loads(sent)["total"] == 0


def test_report_parameters_are_all_documented() -> None:
    assert {p["name"] for p in QUERY_PARAMETERS} == {*PARAMS, "format"}


def test_docs_page_lists_the_error_statuses(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/docs").get_data(as_text=True)
    assert "/api/v1/records/{record_id}" in body
    assert "428" in body


def test_webargs_422_errors_are_flat_like_the_problem_schema(client, accounts) -> None:  # type: ignore[no-untyped-def]
    """``errors`` is field -> list of messages; a nested field of a ``@blp.arguments`` body is dotted, as in every
    other 422 (it was a nested object there, against the documented schema)."""
    body = {"name": "Sengketa", "reason": "Uji", "record_ids": ["x"]}
    response = client.post("/api/v1/retention/holds", json=body, headers=accounts["admin"].headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert list(errors) == ["record_ids.0"]
    assert all(isinstance(message, str) for message in errors["record_ids.0"])
