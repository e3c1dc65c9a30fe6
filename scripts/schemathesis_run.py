#!/usr/bin/env python3
"""Check the running API against its own OpenAPI document with schemathesis, more broadly than the test suite.

Builds a throwaway app with some data (``tests/support/api_contract.py``) in a temporary folder, then, for every
operation of ``/api/openapi.json``, sends ``--examples`` generated requests (schemathesis' positive data:
parameters and bodies as documented) as each of several roles and runs the checks ``not_a_server_error``,
``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance`` and
``response_headers_conformance`` on every answer. ``default`` responses are dropped from the document first, so a
status counts as documented only when the operation lists it by number. Prints one line per operation and a
summary; exits 1 when any check failed.

Usage: .venv/bin/python scripts/schemathesis_run.py [--examples 100] [--mode positive|negative|all] [--seed N]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ARSIP_ARGON2_PROFILE", "test")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from tests.support import api_contract


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="generated requests per operation (and role)")
    parser.add_argument("--mode", choices=("positive", "negative", "all"), default="positive")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    modes = {"positive": [GenerationMode.POSITIVE], "negative": [GenerationMode.NEGATIVE]}.get(
        args.mode, [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    )
    load_all_checks()
    checks = CHECKS.get_by_names(list(api_contract.CHECK_NAMES))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="arsip-schemathesis-") as tmp:
        contract = api_contract.build(Path(tmp))
        schema = schemathesis.openapi.from_dict(contract.spec(explicit_statuses=True))
        schema.app = contract.app
        failures: dict[str, list[str]] = collections.defaultdict(list)
        statuses: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            label = f"{operation.method.upper()} {operation.path}"
            for mode in modes:
                failure = api_contract.run_operation(
                    operation, contract, checks, statuses[label], examples=args.examples, mode=mode, seed=args.seed
                )
                if failure:
                    failures[label].append(f"[{mode.value}] {failure}"[:4000])
            mark = "FAIL" if failures[label] else "ok"
            codes = " ".join(f"{code}x{count}" for code, count in sorted(statuses[label].items()))
            print(f"{mark:4} {label:62} {codes}", flush=True)
        contract.close()
    elapsed = time.monotonic() - started
    calls = sum(sum(counter.values()) for counter in statuses.values())
    print()
    for label, messages in failures.items():
        for message in messages:
            print(f"--- {label}\n{message}\n")
    failed = sum(1 for messages in failures.values() if messages)
    print(
        f"schemathesis {schemathesis.__version__}: {len(operations)} operations, {calls} requests "
        f"({args.examples} examples per operation and mode, each sent as every role: {', '.join(api_contract.ROLES)}; "
        f"mode {args.mode}), checks {', '.join(api_contract.CHECK_NAMES)}: "
        f"{len(operations) - failed} passed, {failed} failed in {elapsed:.1f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
