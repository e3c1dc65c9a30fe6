"""The OpenAPI document, made to say what the API really sends: one place, not 57 decorators.

- ``ArsipApi`` registers flask-smorest's reusable responses (``BAD_REQUEST`` … ``DEFAULT_ERROR``) as
  ``application/problem+json`` with the ``Problem`` schema (``schemas/problems.py``), which is what
  ``api/problems.py`` sends for every error, and ``X-Pagination`` as what it is on the wire: a string holding JSON.
- ``ProblemResponsesPlugin`` (an apispec plugin, run once per operation when a blueprint is registered) adds the
  error statuses each operation can answer with, derived from what the operation is: every request can be
  malformed (400, ``api/strict_input.py``); an operation behind a token answers 401, and 403 when the role matrix
  (``permissions.ROLE_MATRIX``) does not give its action to every role or the service checks more than the role;
  a path with an id answers 404; a request body can be too large (413), a file upload of a refused type (415); an
  operation with parameters or a body, or one reading ``If-Match``, answers 422; one that needs ``If-Match`` 428;
  a change can conflict (409). A view documents anything else itself (``@blp.alt_response``, e.g. 429 of the
  public search).

``tests/archive_service/api/test_openapi_valid.py`` validates the document and
``tests/archive_service/api/test_schemathesis.py`` checks the running API against it.
"""

from __future__ import annotations

import http
from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api

from schemas.problems import ProblemSchema

from ..permissions import ALL_ROLES, ROLE_MATRIX
from . import problems

PROBLEM_JSON = problems.PROBLEM_JSON

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Permintaan tak terbaca / Malformed request: a query string, form or JSON body that is not UTF-8 text, "
    "holds NUL or lone surrogates, or is nested or numbered beyond reason.",
    401: "Token API tidak ada atau tidak berlaku / No valid API token (`Authorization: Bearer …`).",
    403: "Peran Anda tidak boleh / Your role may not do this (docs/roles.md).",
    404: "Tidak ada, atau tidak boleh Anda lihat / Not found, or not visible to you.",
    409: "Konflik / Conflict: a stale version (`If-Match`), a duplicate, or a state that does not allow this.",
    410: "Sudah dimusnahkan / Destroyed under a disposition decision; only its tombstone remains.",
    413: "Kiriman terlalu besar / The request or one of its files is larger than allowed.",
    415: "Jenis berkas tidak diizinkan / A file type that is not accepted, or a name contradicting the content.",
    422: "Data tidak valid / Invalid data; `errors` names the fields.",
    428: "Perlu If-Match / `If-Match` with the ETag of the version being changed is required.",
    429: "Terlalu banyak permintaan / Too many requests; try again after `Retry-After` seconds.",
}

PAGINATION_HEADER: dict[str, Any] = {
    "description": (
        "Halaman / Pagination metadata as a JSON object in a string: total (items), total_pages, and, when "
        "there are items, first_page, last_page, page (when within range), previous_page, next_page."
    ),
    "required": True,
    "schema": {"type": "string"},
    "example": '{"total": 57, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2, '
    '"previous_page": 1, "next_page": 3}',
}
ETAG_HEADER: dict[str, Any] = {
    "description": 'Versi / The version, for `If-Match` (e.g. `"3"`).',
    "required": True,
    "schema": {"type": "string"},
}
_UNSAFE = {"post", "put", "patch", "delete"}

NO_CONFLICT_ACTIONS = frozenset({"token.create", "index.admin", "jra.import", "user.delete", "retention.reappraise"})
"""Changes that never answer 409 (nothing they touch is versioned or unique)."""
SERVICE_CHECKED_ACTIONS = frozenset({"report.record"})
"""Actions every role has whose service may still refuse with 403 (a report's own permission). A record the
caller may not read is a 404, never a 403 (no oracle)."""


def _error_response(status: int, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description or ERROR_DESCRIPTIONS.get(status) or http.HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": ProblemSchema}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"required": True, "schema": {"type": "string"}, "example": 'Bearer realm="arsip"'}
        }
    elif status == 429:
        response["headers"] = {
            "Retry-After": {"required": True, "schema": {"type": "string"}, "description": "Seconds.", "example": "30"}
        }
    elif status == 405:
        response["headers"] = {"Allow": {"schema": {"type": "string"}}}
    return response


class ProblemResponsesPlugin(BasePlugin):
    """Adds to each operation the error statuses it can answer with (see the module docstring)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _action(self, rule: Any, method: str) -> str | None:
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        cls = getattr(view, "view_class", None)
        return getattr(getattr(cls, method, None), "arsip_action", None)

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            documented = {str(status) for status in responses}  # flask-smorest's keys may be ints
            for status in self.statuses(path or "", method, operation, self._action(kwargs.get("rule"), method)):
                if str(status) not in documented:
                    responses[str(status)] = http.HTTPStatus(status).name
            operation["responses"] = dict(
                sorted(responses.items(), key=lambda item: (str(item[0]) == "default", str(item[0])))
            )

    @staticmethod
    def statuses(path: str, method: str, operation: dict[str, Any], action: str | None) -> list[int]:
        parameters = operation.get("parameters", [])
        body = operation.get("requestBody")
        secured = operation.get("security") != []
        if_match = [p for p in parameters if isinstance(p, dict) and p.get("name") == "If-Match"]
        out = [400]
        if secured:
            out.append(401)
            if action is None or ROLE_MATRIX.get(action, frozenset()) != ALL_ROLES or action in SERVICE_CHECKED_ACTIONS:
                out.append(403)
        if "{" in path:
            out.append(404)
        if method in _UNSAFE and action not in NO_CONFLICT_ACTIONS:
            out.append(409)
        if body is not None:
            out.append(413)
            if "multipart/form-data" in body.get("content", {}):
                out.append(415)
        if (
            body is not None
            or if_match
            or any(p for p in parameters if not isinstance(p, dict) or p.get("in") == "query")
        ):
            out.append(422)
        if any(p.get("required") for p in if_match):
            out.append(428)
        return out


class ArsipApi(Api):
    """flask-smorest with our problem+json errors instead of its own error body, also in the OpenAPI document."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):  # type: ignore[no-untyped-def]
        return problems.from_http_exception(error)

    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        plugins = [*(extra_plugins or ()), ProblemResponsesPlugin(self._app)]
        super()._init_spec(extra_plugins=plugins, **kwargs)

    def _register_responses(self) -> None:
        """Every reusable error response as ``application/problem+json`` (flask-smorest would say JSON)."""
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, _error_response(status), lazy=True)
        self.spec.components.response(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            _error_response(500, "Galat lain / Any other error (405, 410, 500, 503 …), as a problem."),
            lazy=True,
        )

    def _register_pagination_header(self) -> None:
        """``X-Pagination`` is a header, so a string: the JSON of the pagination metadata."""
        self.spec.components.header("PAGINATION", PAGINATION_HEADER, lazy=True)
