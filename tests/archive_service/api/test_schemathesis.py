"""The running API against its own OpenAPI document: schemathesis over every operation (issue 17).

Requests are generated from ``/api/openapi.json`` (parameters and bodies as documented) and sent to an app of this
module's own, with some records, a file, a hold, a JRA and a DIP version (``tests/support/api_contract.py``), as
an admin and as roles that may do less (``api_contract.ROLES``, each a real API token). When an operation has path
parameters, each case is sent once more with ones that exist, so real answers are checked and not only 404s.

Checks on every answer: ``not_a_server_error``, ``status_code_conformance``, ``content_type_conformance``,
``response_schema_conformance``, ``response_headers_conformance``. The document is loaded without its
``default`` responses, so a status counts as documented only when the operation lists it by number.

Bounded for CI: a few examples per operation, derandomized (the same cases every run); ``scripts/schemathesis_run.py``
runs the same checks with many more. The app and its data folder belong to this module (generated requests
create, change and delete things), never to a fixture another test uses.
"""

from __future__ import annotations

import collections
import time
from typing import Any

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from tests.support import api_contract
from tests.support.databases import SqliteTemplate

POSITIVE_EXAMPLES = 6
"""Generated cases per operation with valid data; each is sent as 4 roles, twice when there are path parameters."""
NEGATIVE_EXAMPLES = 2
"""Cases per operation with invalid data (wrong types, missing fields, out-of-range values): refused as documented."""


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate) -> Any:
    folder = tmp_path_factory.mktemp("schemathesis")
    built = api_contract.build(folder, sqlite_template.new_database(folder))
    yield built
    built.close()


def test_api_conforms_to_its_openapi_document(contract: api_contract.ContractApp) -> None:
    """Every operation of the document, in one test so the app and its data are built once (schemathesis'
    ``@schema.parametrize()`` with a fixture schema does not run under pytest 9: it sets ``node._nodeid``)."""
    schema = schemathesis.openapi.from_dict(contract.spec(explicit_statuses=True))
    schema.app = contract.app
    load_all_checks()
    checks = CHECKS.get_by_names(list(api_contract.CHECK_NAMES))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 57
    statuses: collections.Counter[int] = collections.Counter()
    failures = []
    started = time.monotonic()
    for operation in operations:
        for mode, examples in (
            (GenerationMode.POSITIVE, POSITIVE_EXAMPLES),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES),
        ):
            failure = api_contract.run_operation(operation, contract, checks, statuses, examples=examples, mode=mode)
            if failure:
                failures.append(f"--- {operation.method.upper()} {operation.path} [{mode.value}]\n{failure}")
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} operation(s) do not conform:\n\n" + "\n\n".join(failures)
    # the data and the generation reach real answers, not only refusals
    assert sum(count for status, count in statuses.items() if status < 300) > 300, statuses
    print(f"schemathesis: {len(operations)} operations, {sum(statuses.values())} requests in {elapsed:.1f} s")
