"""Fixtures of the web tests: ``make_record`` is the workflow tests' own (a record moved to a state)."""

from tests.archive_service.workflow.conftest import make_record  # noqa: F401
