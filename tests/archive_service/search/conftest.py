from __future__ import annotations

from tests.archive_service.workflow.conftest import READY, make_record, payload_for

__all__ = ["READY", "make_record", "payload_for"]
