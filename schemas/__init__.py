"""Arsip's shared vocabulary: the enums and marshmallow schemas of everything that crosses a boundary.

Why a separate package: the API, the services, the indexer and the retention rules must agree on field names,
allowed values and validation rules, so they are defined once here. The package depends on nothing else in the
project and does no I/O (DESIGN.md §1); every error message it produces is "Indonesian / English".

Import from the submodules (``from schemas.records import RecordCreateSchema``); the most used names are
re-exported here for convenience.
"""

from schemas.audit import AuditChangeSchema, AuditEventSchema
from schemas.base import BaseSchema, bilingual, split_bilingual
from schemas.enums import (
    LABELS,
    ArchivalState,
    AuditAction,
    AvailableForm,
    ClassificationScheme,
    DevelopmentLevel,
    ExemptionGround,
    FinalDisposition,
    KipCategory,
    Media,
    PublicationState,
    QuantityUnit,
    Role,
    SecurityClass,
    label_en,
    label_id,
    labels,
)
from schemas.files import FileSchema, validate_filename
from schemas.problems import ProblemSchema, flatten_errors
from schemas.records import (
    RecordCreateSchema,
    RecordDescriptionFields,
    RecordListQuerySchema,
    RecordSchema,
    RecordUpdateSchema,
    check_period,
)
from schemas.users import TokenCreateSchema, TokenSchema, UserCreateSchema, UserSchema
from schemas.validators import (
    classification_ancestors,
    validate_classification_code,
    validate_record_no,
    validate_unit_code,
)

__all__ = [
    "LABELS",
    "ArchivalState",
    "AuditAction",
    "AuditChangeSchema",
    "AuditEventSchema",
    "AvailableForm",
    "BaseSchema",
    "ClassificationScheme",
    "DevelopmentLevel",
    "ExemptionGround",
    "FileSchema",
    "FinalDisposition",
    "KipCategory",
    "Media",
    "ProblemSchema",
    "PublicationState",
    "QuantityUnit",
    "RecordCreateSchema",
    "RecordDescriptionFields",
    "RecordListQuerySchema",
    "RecordSchema",
    "RecordUpdateSchema",
    "Role",
    "SecurityClass",
    "TokenCreateSchema",
    "TokenSchema",
    "UserCreateSchema",
    "UserSchema",
    "bilingual",
    "check_period",
    "classification_ancestors",
    "flatten_errors",
    "label_en",
    "label_id",
    "labels",
    "split_bilingual",
    "validate_classification_code",
    "validate_filename",
    "validate_record_no",
    "validate_unit_code",
]
