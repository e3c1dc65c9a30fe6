"""Database access: models, engine, unit of work and migrations."""

from .engine import Database
from .models import (
    ApiToken,
    AuditEvent,
    AuditHead,
    Base,
    Blob,
    ConsequenceTest,
    ControlCardEntry,
    Counter,
    OutboxEvent,
    Receipt,
    Record,
    RecordFile,
    User,
    WorkUnit,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Blob",
    "ConsequenceTest",
    "ControlCardEntry",
    "Counter",
    "Database",
    "OutboxEvent",
    "Receipt",
    "Record",
    "RecordFile",
    "User",
    "WorkUnit",
]
