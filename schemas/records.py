"""Record metadata: the description a unit writes, the record as the API returns it, the list filters.

Why: the writable description (DOMAIN.md §7 plus the DIP columns of §3) is defined once, in
`RecordDescriptionFields`, with the database's own column names. The create schema uses it as is (required
fields, defaults); the update schema is the same fields made optional with no defaults
(`schemas.base.optional_fields`), so a PATCH changes only what is sent; the dump schema adds the read-only
columns that the workflow and retention code fill. Cross-field rules that a PATCH can break against stored
values (`check_period`) are exported so the service can re-check them on the merged record.
"""

from __future__ import annotations

import datetime as dt
import typing

from marshmallow import ValidationError, pre_load, validates_schema

from schemas.base import (
    BaseSchema,
    Boolean,
    Date,
    DateTime,
    DocumentDate,
    Enum,
    Integer,
    List,
    Nested,
    String,
    Username,
    bilingual,
    optional_fields,
)
from schemas.enums import (
    ArchivalState,
    AvailableForm,
    ClassificationScheme,
    DevelopmentLevel,
    ExemptionGround,
    FinalDisposition,
    KipCategory,
    Media,
    PublicationState,
    QuantityUnit,
    SecurityClass,
    TitleSource,
)
from schemas.files import FileSchema
from schemas.validators import (
    ACCESS_GROUP_PATTERN,
    CLASSIFICATION_CODE_PATTERN,
    RECORD_NO_PATTERN,
    UNIT_CODE_PATTERN,
    Length,
    OneOf,
    Range,
    unique_items,
    validate_access_group,
    validate_classification_code,
    validate_doc_date,
    validate_record_no,
    validate_unit_code,
)

__all__ = [
    "RECORD_SORTS",
    "RecordCreateSchema",
    "RecordDescriptionFields",
    "RecordListQuerySchema",
    "RecordSchema",
    "RecordUpdateSchema",
    "check_period",
]

QUANTITY_MAX = 2_147_483_647  # fits a 32-bit INTEGER column
ACCESS_GROUPS_MAX = 50

RECORD_SORTS = ("-created_at", "created_at", "doc_date", "-doc_date", "title", "record_no")
"""Accepted ``sort`` values of the record list; a leading ``-`` means descending."""


def _period_error() -> ValidationError:
    return ValidationError(
        {
            "period_end": [
                bilingual(
                    "Akhir kurun waktu tidak boleh sebelum awalnya.",
                    "Period end may not be before period start.",
                )
            ]
        }
    )


def check_period(period_start: dt.date | None, period_end: dt.date | None) -> None:
    """Raise `ValidationError` (``{"period_end": [...]}``) when both dates are given and the end is earlier.

    The service calls this after merging a PATCH into the stored record, since the update schema can only
    compare dates that are both in the payload.
    """
    if period_start is not None and period_end is not None and period_end < period_start:
        raise _period_error()


def _optional_text(max_len: int, **kwargs: typing.Any) -> String:
    """An optional free-text column: blank loads as ``None``."""
    return String(load_default=None, validate=Length(max=max_len), **kwargs)


class RecordDescriptionFields(BaseSchema):
    """The writable archival description of a record (DOMAIN.md §7) and the DIP columns a unit fills (§3).

    Field names are the database column names. Required fields and ``load_default``s here are the create
    semantics; `RecordUpdateSchema` derives the PATCH semantics from the same definitions.
    """

    # Identification (*nomor item arsip*, *nomor berkas*).
    record_no = String(
        load_default=None,
        validate=validate_record_no,
        metadata={"pattern": RECORD_NO_PATTERN, "maxLength": 64},
    )
    file_no = _optional_text(64)
    # Provenance (*pencipta arsip*, *unit pengolah*).
    creator_org = String(required=True, validate=Length(min=1, max=255))
    processing_unit = String(required=True, validate=validate_unit_code, metadata={"pattern": UNIT_CODE_PATTERN})
    # Classification (*kode klasifikasi*).
    classification_code = String(
        required=True,
        validate=validate_classification_code,
        metadata={"pattern": CLASSIFICATION_CODE_PATTERN},
    )
    classification_scheme = Enum(ClassificationScheme, load_default=ClassificationScheme.PERMENDAGRI_83_2022)
    # Content (*indeks*, *uraian informasi arsip*).
    title = String(
        required=True,
        validate=Length(min=1, max=500),
        metadata={
            "description": "Judul (indeks). Saat membuat arsip dengan berkas boleh tidak dikirim: judulnya nama berkas "
            "pertama, dan judul dari isi berkas diusulkan di proposed_title. / Title (index). When a record is "
            "created with files it may be left out: the title is then the first file's name, and a title derived "
            "from the file's text is proposed in proposed_title."
        },
    )
    description = _optional_text(20_000)
    # Dates (*tanggal*, *kurun waktu*).
    # A year from ARSIP_MIN_DOC_YEAR (default 1500) to next year (`schemas.base.DocumentDate`).
    doc_date = DocumentDate(load_default=None, validate=validate_doc_date)
    period_start = DocumentDate(load_default=None)
    period_end = DocumentDate(load_default=None)
    # Physical description (*tingkat perkembangan*, *jumlah*, *satuan*, media, *keterangan*).
    development_level = Enum(DevelopmentLevel, load_default=DevelopmentLevel.ASLI)
    quantity = Integer(load_default=1, validate=Range(min=1, max=QUANTITY_MAX))
    quantity_unit = Enum(QuantityUnit, load_default=QuantityUnit.LEMBAR)
    media = Enum(Media, load_default=Media.ELEKTRONIK)
    notes = _optional_text(5_000)
    # Security and access (*klasifikasi keamanan*, *hak akses*), vital/terjaga flags, storage location.
    security_class = Enum(SecurityClass, load_default=SecurityClass.BIASA_TERBUKA)
    access_groups = List(
        String(validate=validate_access_group, metadata={"pattern": ACCESS_GROUP_PATTERN}),
        load_default=list,
        validate=[Length(max=ACCESS_GROUPS_MAX), unique_items],
    )
    is_vital = Boolean(load_default=False)
    is_terjaga = Boolean(load_default=False)
    location = _optional_text(255)
    # DIP columns (DOMAIN.md §3).
    dip_summary = _optional_text(5_000)
    controlling_unit = _optional_text(255)
    responsible_official = _optional_text(255)
    created_place = _optional_text(255)
    available_forms = List(Enum(AvailableForm), load_default=list, validate=unique_items)
    dip_retention_text = _optional_text(255)

    @validates_schema(skip_on_field_errors=False)
    def _check_period(self, data: dict[str, typing.Any], **kwargs: typing.Any) -> None:
        check_period(data.get("period_start"), data.get("period_end"))


class RecordCreateSchema(RecordDescriptionFields):
    """Body of "create a record": every description field, with defaults filled in.

    The loaded dict holds every key of `RecordDescriptionFields` (optional text → ``None``, lists → ``[]``).
    """


@optional_fields(not_null=("record_no",))
class RecordUpdateSchema(RecordDescriptionFields):
    """Body of "update a record" (PATCH): only the keys sent come back; nothing is defaulted.

    ``null`` clears an optional column; required columns and enums refuse ``null``. The period rule is checked
    here only when both dates are in the payload: the service must call `check_period` on the merged values.
    """


class RecordSchema(RecordDescriptionFields):
    """A record as the API returns it (dump): the description plus read-only workflow and retention columns.

    Accepts an ORM object or a dict. Datetimes are ISO 8601 with an offset (naive values are taken as UTC).
    Enum columns may hold members or plain strings. Keys absent from the source object are left out.
    """

    id = Integer(dump_only=True)
    version = Integer(dump_only=True)
    created_at = DateTime(dump_only=True)
    updated_at = DateTime(dump_only=True)
    created_by = Username(dump_only=True, allow_none=True)
    # KIP (DOMAIN.md §2), filled by the publication workflow.
    kip_category = Enum(KipCategory, dump_only=True, allow_none=True)
    exemption_ground = Enum(ExemptionGround, dump_only=True, allow_none=True)
    exemption_basis = String(dump_only=True, allow_none=True)
    exemption_until = Date(dump_only=True, allow_none=True)
    exemption_decree_no = String(dump_only=True, allow_none=True)
    # Retention (DOMAIN.md §4.4, §4.6), filled from the JRA.
    jra_ref = String(dump_only=True, allow_none=True)
    final_disposition = Enum(FinalDisposition, dump_only=True, allow_none=True)
    retention_trigger_date = Date(dump_only=True, allow_none=True)
    active_until = Date(dump_only=True, allow_none=True)
    inactive_until = Date(dump_only=True, allow_none=True)
    archival_state = Enum(ArchivalState, dump_only=True, allow_none=True)
    legal_hold = Boolean(dump_only=True)
    retention_total_years = Integer(dump_only=True, allow_none=True)
    retention_waiting_for = String(dump_only=True, allow_none=True)
    retention_override_reason = String(dump_only=True, allow_none=True)
    destroyed_at = DateTime(dump_only=True, allow_none=True)
    transferred_at = DateTime(dump_only=True, allow_none=True)
    # SOP workflow (DOMAIN.md §5, §6).
    publication_state = Enum(PublicationState, dump_only=True, allow_none=True)
    proposed_kip_category = Enum(KipCategory, dump_only=True, allow_none=True)
    exemption_no_expiry = Boolean(dump_only=True)
    state_reason = String(dump_only=True, allow_none=True)
    step_started_at = DateTime(dump_only=True, allow_none=True)
    step_due_at = DateTime(dump_only=True, allow_none=True)
    published_at = DateTime(dump_only=True, allow_none=True)
    receipt_no = String(dump_only=True, allow_none=True)
    control_card_no = String(dump_only=True, allow_none=True)
    verification_round = Integer(dump_only=True)
    published_url = String(dump_only=True, allow_none=True)
    files = List(Nested(FileSchema), dump_only=True)
    # Where the title came from, and the title the index worker derived from the first file's text while the
    # title is still a file name (``file_name``); staff take it over with a PATCH of ``title``.
    title_source = Enum(TitleSource, dump_only=True)
    proposed_title = String(dump_only=True, allow_none=True)


class RecordListQuerySchema(BaseSchema):
    """Query-string filters of the record list; every filter is optional and they combine with AND.

    ``classification_code`` matches the code and everything below it by whole levels: ``000.5`` finds
    ``000.5`` and ``000.5.6.2`` but not ``000.51`` (SQL: ``code = :c OR code LIKE :c || '.%'``; index: the
    `schemas.validators.classification_ancestors` keywords). ``q`` is a case-insensitive substring of title or
    description (full-text search is a separate endpoint). Blank parameters are ignored.
    """

    processing_unit = String(validate=validate_unit_code, metadata={"pattern": UNIT_CODE_PATTERN})
    classification_code = String(
        validate=validate_classification_code, metadata={"pattern": CLASSIFICATION_CODE_PATTERN}
    )
    security_class = Enum(SecurityClass)
    media = Enum(Media)
    kip_category = Enum(KipCategory)
    publication_state = Enum(PublicationState)
    archival_state = Enum(ArchivalState)
    doc_date_from = Date()
    doc_date_to = Date()
    q = String(validate=Length(max=200))
    sort = String(load_default="-created_at", validate=OneOf(RECORD_SORTS))

    @validates_schema(skip_on_field_errors=False)
    def _check_dates(self, data: dict[str, typing.Any], **kwargs: typing.Any) -> None:
        start, end = data.get("doc_date_from"), data.get("doc_date_to")
        if start is not None and end is not None and end < start:
            raise ValidationError(
                {
                    "doc_date_to": [
                        bilingual(
                            "Tanggal akhir tidak boleh sebelum tanggal awal.",
                            "End date may not be before start date.",
                        )
                    ]
                }
            )

    @pre_load
    def _drop_blank(self, data: typing.Mapping[str, typing.Any], **kwargs: typing.Any) -> dict[str, typing.Any]:
        """A blank parameter (``?media=`` from an "any" option of a form) means "no filter"."""
        if not isinstance(data, typing.Mapping):
            return data  # refused by the schema with its "invalid input type" message
        return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}
