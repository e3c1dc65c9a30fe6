"""Database access: models, engine, unit of work and migrations."""

from .engine import Database
from .models import (
    ApiToken,
    AuditEvent,
    AuditHead,
    Base,
    Blob,
    Counter,
    OutboxEvent,
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
    "Counter",
    "Database",
    "OutboxEvent",
    "Record",
    "RecordFile",
    "User",
    "WorkUnit",
]
