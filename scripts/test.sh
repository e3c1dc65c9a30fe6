#!/usr/bin/env bash
# The whole test suite: installs what it needs (Debian's postgresql, the test tools), checks lint and format,
# then runs pytest on SQLite and on a throwaway PostgreSQL server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/pytest "$@"
