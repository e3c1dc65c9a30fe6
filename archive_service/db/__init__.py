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
    DipRow,
    DipVersion,
    Extraction,
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
    "DipRow",
    "DipVersion",
    "Extraction",
    "OutboxEvent",
    "Receipt",
    "Record",
    "RecordFile",
    "User",
    "WorkUnit",
]
