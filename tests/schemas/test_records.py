"""Record schemas: create defaults, PATCH without defaults, cross-field rules, dump, list filters."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import ValidationError

from schemas.enums import (
    AvailableForm,
    ClassificationScheme,
    DevelopmentLevel,
    Media,
    QuantityUnit,
    SecurityClass,
)
from schemas.records import (
    RECORD_SORTS,
    RecordCreateSchema,
    RecordDescriptionFields,
    RecordListQuerySchema,
    RecordSchema,
    RecordUpdateSchema,
    check_period,
)
from tests.schemas.test_files import NOT_READ

PERIOD_MESSAGE = "Akhir kurun waktu tidak boleh sebelum awalnya. / Period end may not be before period start."

MINIMAL = {
    "creator_org": "Dinas Komunikasi dan Informatika",
    "processing_unit": "diskominfo",
    "classification_code": "500.12.18.1",
    "title": "Laporan Layanan Informasi Publik 2024",
}


def load_errors(schema: Any, data: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as info:
        schema.load(data)
    return info.value.messages


def test_create_fills_every_default() -> None:
    loaded = RecordCreateSchema().load(MINIMAL)
    assert set(loaded) == set(RecordDescriptionFields().fields)
    assert loaded["classification_scheme"] is ClassificationScheme.PERMENDAGRI_83_2022
    assert loaded["development_level"] is DevelopmentLevel.ASLI
    assert loaded["quantity"] == 1
    assert loaded["quantity_unit"] is QuantityUnit.LEMBAR
    assert loaded["media"] is Media.ELEKTRONIK
    assert loaded["security_class"] is SecurityClass.BIASA_TERBUKA
    assert loaded["access_groups"] == [] and loaded["available_forms"] == []
    assert loaded["is_vital"] is False and loaded["is_terjaga"] is False
    assert loaded["record_no"] is None and loaded["description"] is None and loaded["doc_date"] is None


def test_create_list_defaults_are_fresh_lists() -> None:
    first = RecordCreateSchema().load(MINIMAL)
    first["access_groups"].append("x")
    assert RecordCreateSchema().load(MINIMAL)["access_groups"] == []


def test_create_requires_the_core_fields() -> None:
    errors = load_errors(RecordCreateSchema(), {})
    required = "Wajib diisi. / Missing data for required field."
    assert errors == {name: [required] for name in ("creator_org", "processing_unit", "classification_code", "title")}


def test_create_strips_and_blanks_to_none() -> None:
    loaded = RecordCreateSchema().load({**MINIMAL, "title": "  Judul  ", "notes": "   ", "location": ""})
    assert loaded["title"] == "Judul"
    assert loaded["notes"] is None and loaded["location"] is None


def test_create_full_payload_round_trips() -> None:
    payload = {
        **MINIMAL,
        "record_no": "B-001/500.12/2025",
        "file_no": "BRK-12",
        "classification_scheme": "permendagri_78_2012",
        "description": "Rekap permohonan informasi",
        "doc_date": "2025-01-15",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "development_level": "salinan",
        "quantity": 3,
        "quantity_unit": "berkas",
        "media": "tekstual",
        "notes": "Lengkap",
        "security_class": "terbatas",
        "access_groups": ["ppid", "sekretariat"],
        "is_vital": True,
        "is_terjaga": False,
        "location": "Rak 3, Boks 12",
        "dip_summary": "Laporan tahunan layanan informasi",
        "controlling_unit": "PPID Diskominfo",
        "responsible_official": "Kepala Dinas",
        "created_place": "Bandung",
        "available_forms": ["softcopy", "hardcopy"],
        "dip_retention_text": "Selama berlaku",
    }
    loaded = RecordCreateSchema().load(payload)
    assert loaded["period_end"] == dt.date(2024, 12, 31)
    assert loaded["available_forms"] == [AvailableForm.SOFTCOPY, AvailableForm.HARDCOPY]
    assert RecordSchema().dump(loaded) == payload


def test_unknown_field_refused() -> None:
    errors = load_errors(RecordCreateSchema(), {**MINIMAL, "kip_category": "berkala"})
    assert errors == {"kip_category": ["Kolom tidak dikenal. / Unknown field."]}


def test_end_before_start_refused_on_period_end() -> None:
    errors = load_errors(RecordCreateSchema(), {**MINIMAL, "period_start": "2024-06-01", "period_end": "2024-05-31"})
    assert errors == {"period_end": [PERIOD_MESSAGE]}


def test_period_checked_even_when_other_fields_fail() -> None:
    errors = load_errors(RecordCreateSchema(), {"period_start": "2024-06-01", "period_end": "2024-05-31"})
    assert errors["period_end"] == [PERIOD_MESSAGE]
    assert "title" in errors


def test_same_day_period_accepted() -> None:
    loaded = RecordCreateSchema().load({**MINIMAL, "period_start": "2024-06-01", "period_end": "2024-06-01"})
    assert loaded["period_start"] == loaded["period_end"]


def test_doc_date_far_in_future_refused() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert RecordCreateSchema().load({**MINIMAL, "doc_date": tomorrow.isoformat()})["doc_date"] == tomorrow
    later = dt.date.today() + dt.timedelta(days=3)
    assert "doc_date" in load_errors(RecordCreateSchema(), {**MINIMAL, "doc_date": later.isoformat()})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("classification_code", "000..5"),
        ("processing_unit", "Diskominfo"),
        ("record_no", "-01"),
        ("title", "x" * 501),
        ("title", "   "),
        ("creator_org", "x" * 256),
        ("file_no", "x" * 65),
        ("description", "x" * 20_001),
        ("notes", "x" * 5_001),
        ("dip_summary", "x" * 5_001),
        ("location", "x" * 256),
        ("quantity", 0),
        ("quantity", "banyak"),
        ("quantity_unit", "karung"),
        ("media", "digital"),
        ("security_class", "B"),
        ("development_level", "fotokopi"),
        ("access_groups", ["ppid", "ppid"]),
        ("access_groups", ["PPID"]),
        ("access_groups", [f"g{i}" for i in range(51)]),
        ("available_forms", ["softcopy", "softcopy"]),
        ("available_forms", ["fax"]),
        ("is_vital", "mungkin"),
        ("doc_date", "kemarin"),
    ],
)
def test_invalid_field_values(field: str, value: Any) -> None:
    errors = load_errors(RecordCreateSchema(), {**MINIMAL, field: value})
    assert list(errors) == [field]


def test_access_groups_at_the_limit_accepted() -> None:
    groups = [f"g{i}" for i in range(50)]
    assert RecordCreateSchema().load({**MINIMAL, "access_groups": groups})["access_groups"] == groups


def test_update_does_not_inject_defaults() -> None:
    assert RecordUpdateSchema().load({}) == {}
    assert RecordUpdateSchema().load({"title": " Judul baru "}) == {"title": "Judul baru"}


def test_update_null_clears_optional_but_not_required_or_defaulted() -> None:
    assert RecordUpdateSchema().load({"notes": None, "description": ""}) == {
        "notes": None,
        "description": None,
    }
    errors = load_errors(RecordUpdateSchema(), {"title": None, "security_class": None, "quantity": None})
    assert set(errors) == {"title", "security_class", "quantity"}
    assert errors["title"] == ["Tidak boleh kosong (null). / Field may not be null."]


def test_update_keeps_validation_and_unknown_field_rule() -> None:
    errors = load_errors(RecordUpdateSchema(), {"classification_code": "abc", "id": 3})
    assert set(errors) == {"classification_code", "id"}
    assert errors["id"] == ["Kolom tidak dikenal. / Unknown field."]


def test_update_checks_period_only_when_both_sent() -> None:
    assert RecordUpdateSchema().load({"period_end": "2000-01-01"}) == {"period_end": dt.date(2000, 1, 1)}
    errors = load_errors(RecordUpdateSchema(), {"period_start": "2024-06-01", "period_end": "2024-05-31"})
    assert errors == {"period_end": [PERIOD_MESSAGE]}


def test_create_schema_unchanged_by_update_schema() -> None:
    assert RecordCreateSchema().fields["title"].required is True
    assert RecordUpdateSchema().fields["title"].required is False
    assert RecordCreateSchema().fields["quantity"].load_default == 1


def test_check_period_for_services() -> None:
    check_period(None, dt.date(2020, 1, 1))
    check_period(dt.date(2020, 1, 1), None)
    check_period(dt.date(2020, 1, 1), dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as info:
        check_period(dt.date(2020, 1, 2), dt.date(2020, 1, 1))
    assert info.value.messages == {"period_end": [PERIOD_MESSAGE]}
    assert info.value.normalized_messages() == {"period_end": [PERIOD_MESSAGE]}


def _record(**overrides: Any) -> SimpleNamespace:
    values = {
        **MINIMAL,
        "id": 41,
        "version": 3,
        "record_no": "B-1/2025",
        "security_class": "rahasia",  # plain strings, as the database returns them
        "media": "tekstual",
        "doc_date": dt.date(2025, 1, 15),
        "access_groups": ["ppid"],
        "created_at": dt.datetime(2025, 1, 16, 1, 2, 3, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2025, 1, 17, 4, 5, 6),  # naive, as SQLite returns it
        "created_by": SimpleNamespace(username="sari"),
        "kip_category": None,
        "publication_state": "dihimpun",
        "archival_state": "aktif",
        "exemption_until": None,
        "legal_hold": False,
        "verification_round": 0,
        "files": [
            SimpleNamespace(
                id=5,
                filename="laporan.pdf",
                mime="application/pdf",
                size=10,
                blob_sha256="cd" * 32,
                created_at=dt.datetime(2025, 1, 16, 1, 2, 3, tzinfo=dt.timezone(dt.timedelta(hours=7))),
                created_by="sari",
            )
        ],
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_dump_of_record_object() -> None:
    out = RecordSchema().dump(_record())
    assert out["id"] == 41 and out["version"] == 3
    assert out["created_at"] == "2025-01-16T01:02:03+00:00"
    assert out["updated_at"] == "2025-01-17T04:05:06+00:00"
    assert dt.datetime.fromisoformat(out["updated_at"]).tzinfo is not None
    assert out["doc_date"] == "2025-01-15"
    assert out["created_by"] == "sari"
    assert out["security_class"] == "rahasia" and out["media"] == "tekstual"
    assert out["kip_category"] is None and out["publication_state"] == "dihimpun"
    assert out["files"] == [
        {
            "id": 5,
            "filename": "laporan.pdf",
            "mime": "application/pdf",
            "size": 10,
            "sha256": "cd" * 32,
            "created_at": "2025-01-16T01:02:03+07:00",
            "created_by": "sari",
            "extraction": NOT_READ,
        }
    ]


def test_dump_of_dict_leaves_out_absent_keys() -> None:
    out = RecordSchema().dump({"id": 1, "title": "x", "created_at": dt.datetime(2025, 1, 1)})
    assert out == {"id": 1, "title": "x", "created_at": "2025-01-01T00:00:00+00:00"}


def test_dump_refuses_a_value_outside_the_vocabulary() -> None:
    with pytest.raises(ValueError, match="bocor"):
        RecordSchema().dump({"security_class": "bocor"})


def test_read_only_fields_are_dump_only() -> None:
    fields = RecordSchema().fields
    for name in ("id", "version", "created_at", "kip_category", "archival_state", "files", "legal_hold"):
        assert fields[name].dump_only, name
    assert not fields["title"].dump_only


def test_list_query_defaults_and_filters() -> None:
    assert RecordListQuerySchema().load({}) == {"sort": "-created_at"}
    loaded = RecordListQuerySchema().load(
        {
            "classification_code": "000.5",
            "security_class": "terbatas",
            "doc_date_from": "2024-01-01",
            "q": " izin ",
        }
    )
    assert loaded == {
        "classification_code": "000.5",
        "security_class": SecurityClass.TERBATAS,
        "doc_date_from": dt.date(2024, 1, 1),
        "q": "izin",
        "sort": "-created_at",
    }


def test_list_query_ignores_blank_parameters() -> None:
    assert RecordListQuerySchema().load({"q": "", "media": " ", "sort": ""}) == {"sort": "-created_at"}


@pytest.mark.parametrize("sort", RECORD_SORTS)
def test_list_query_accepts_each_sort(sort: str) -> None:
    assert RecordListQuerySchema().load({"sort": sort})["sort"] == sort


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sort": "id"}, "sort"),
        ({"classification_code": "000."}, "classification_code"),
        ({"processing_unit": "A B"}, "processing_unit"),
        ({"q": "x" * 201}, "q"),
        ({"archival_state": "hilang"}, "archival_state"),
        ({"doc_date_from": "2024-02-01", "doc_date_to": "2024-01-31"}, "doc_date_to"),
        ({"page": "2"}, "page"),
    ],
)
def test_list_query_refusals(data: dict[str, str], field: str) -> None:
    assert list(load_errors(RecordListQuerySchema(), data)) == [field]


def test_update_refuses_clearing_the_record_number() -> None:
    """The server fills a record number in at creation; PATCH may change it but never clear it (was a 500)."""
    from marshmallow import ValidationError

    from schemas.records import RecordUpdateSchema

    with pytest.raises(ValidationError) as caught:
        RecordUpdateSchema().load({"record_no": None})
    assert "record_no" in caught.value.messages
    assert RecordUpdateSchema().load({"file_no": None}) == {"file_no": None}  # optional text still clears
