"""The base schema and fields: every message is "Indonesian / English", blanks and enums behave."""

from __future__ import annotations

import datetime as dt
import enum

import pytest
from marshmallow import ValidationError

from schemas.base import (
    SEPARATOR,
    BaseSchema,
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    List,
    String,
    Username,
    bilingual,
    optional_fields,
    split_bilingual,
)
from schemas.validators import Length, OneOf, Range


class Colour(enum.StrEnum):
    MERAH = "merah"
    BIRU = "biru"


class Sample(BaseSchema):
    name = String(required=True, validate=Length(min=2, max=5))
    note = String(load_default=None)
    count = Integer(load_default=1, validate=Range(min=1, max=3))
    when = Date()
    at = DateTime()
    flag = Boolean()
    tags = List(String())
    colour = Enum(Colour)
    pick = String(validate=OneOf(["a", "b"]))


def errors(data: object, schema: BaseSchema | None = None) -> dict:
    with pytest.raises(ValidationError) as info:
        (schema or Sample()).load(data)
    return info.value.messages


def test_bilingual_joins_and_splits() -> None:
    message = bilingual("Wajib diisi.", "Missing data for required field.")
    assert message == "Wajib diisi. / Missing data for required field."
    assert split_bilingual(message) == ("Wajib diisi.", "Missing data for required field.")
    assert split_bilingual("plain") == ("plain", "plain")


def test_unknown_field_refused_bilingually() -> None:
    assert errors({"name": "abc", "extra": 1}) == {"extra": ["Kolom tidak dikenal. / Unknown field."]}


def test_required_and_null_messages() -> None:
    assert errors({})["name"] == ["Wajib diisi. / Missing data for required field."]
    assert errors({"name": None})["name"] == ["Tidak boleh kosong (null). / Field may not be null."]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": 5}, "name", "Bukan teks yang sah. / Not a valid string."),
        ({"count": "x"}, "count", "Bukan bilangan bulat yang sah. / Not a valid integer."),
        ({"count": 2.5}, "count", "Bukan bilangan bulat yang sah. / Not a valid integer."),
        ({"count": True}, "count", "Bukan bilangan bulat yang sah. / Not a valid integer."),
        ({"when": "31-12-2024"}, "when", "Bukan tanggal yang sah. / Not a valid date."),
        ({"at": "kemarin"}, "at", "Bukan tanggal-waktu yang sah. / Not a valid datetime."),
        ({"flag": "mungkin"}, "flag", "Bukan nilai boolean yang sah. / Not a valid boolean."),
        ({"tags": "a"}, "tags", "Bukan daftar yang sah. / Not a valid list."),
        ({"colour": "hijau"}, "colour", "Harus salah satu dari: merah, biru. / Must be one of: merah, biru."),
        ({"colour": 3}, "colour", "Bukan teks yang sah. / Not a valid string."),
        ({"pick": "c"}, "pick", "Harus salah satu dari: a, b. / Must be one of: a, b."),
        ({"name": "a"}, "name", "Panjang harus antara 2 dan 5. / Length must be between 2 and 5."),
        (
            {"count": 9},
            "count",
            "Harus minimal 1 dan maksimal 3. / Must be greater than or equal to 1 and less than or equal to 3.",
        ),
    ],
)
def test_type_and_validator_messages_are_bilingual(data: dict, field: str, message: str) -> None:
    assert errors({"name": "abc", **data})[field] == [message]


def test_every_message_has_both_halves() -> None:
    messages = errors(
        {
            "x": 1,
            "name": 7,
            "count": "?",
            "when": "?",
            "at": "?",
            "flag": "?",
            "tags": 1,
            "colour": "?",
            "pick": "?",
        }
    )
    assert len(messages) == 9
    for field, texts in messages.items():
        for text in texts:
            id_text, en_text = split_bilingual(text)
            assert SEPARATOR in text and id_text != en_text, (field, text)


def test_non_mapping_input_refused_bilingually() -> None:
    assert errors(["a"]) == {"_schema": ["Tipe masukan tidak sah. / Invalid input type."]}


def test_strings_are_stripped_and_blank_optional_becomes_none() -> None:
    assert Sample().load({"name": "  abc  ", "note": "   "}) == {"name": "abc", "note": None, "count": 1}


def test_blank_required_string_refused() -> None:
    assert errors({"name": "   "})["name"] == ["Tidak boleh kosong. / May not be blank."]


def test_unstripped_string_kept_verbatim() -> None:
    class Secret(BaseSchema):
        password = String(strip=False)

    assert Secret().load({"password": "  spaced  "}) == {"password": "  spaced  "}


def test_enum_loads_member_and_dumps_members_or_plain_strings() -> None:
    assert Sample().load({"name": "abc", "colour": "biru"})["colour"] is Colour.BIRU
    dumped = Sample(only=("colour",)).dump({"colour": "merah"})
    assert dumped == {"colour": "merah"}
    assert Sample(only=("colour",)).dump({"colour": Colour.BIRU}) == {"colour": "biru"}


def test_datetime_dumps_iso_with_offset_and_naive_as_utc() -> None:
    schema = Sample(only=("at",))
    assert schema.dump({"at": dt.datetime(2024, 5, 1, 8, 30)}) == {"at": "2024-05-01T08:30:00+00:00"}
    wib = dt.timezone(dt.timedelta(hours=7))
    assert schema.dump({"at": dt.datetime(2024, 5, 1, 8, 30, tzinfo=wib)}) == {"at": "2024-05-01T08:30:00+07:00"}


def test_datetime_load_gives_aware_value() -> None:
    loaded = Sample().load({"name": "abc", "at": "2024-05-01T08:30:00"})["at"]
    assert loaded.tzinfo is not None and loaded.utcoffset() == dt.timedelta(0)


def test_username_field_accepts_string_or_user_object() -> None:
    class WithUser(BaseSchema):
        by = Username()

    class User:
        username = "budi"

    assert WithUser().dump({"by": User()}) == {"by": "budi"}
    assert WithUser().dump({"by": "sari"}) == {"by": "sari"}
    assert WithUser().dump({"by": None}) == {"by": None}


def test_string_aliases_read_another_attribute_on_dump() -> None:
    class WithAlias(BaseSchema):
        sha256 = String(aliases=("blob_sha256",))

    assert WithAlias().dump({"blob_sha256": "ab"}) == {"sha256": "ab"}
    assert WithAlias().dump({"sha256": "cd", "blob_sha256": "ab"}) == {"sha256": "cd"}
    assert WithAlias().dump({}) == {}


def test_optional_fields_drops_required_and_defaults() -> None:
    @optional_fields
    class Patch(Sample):
        pass

    assert Patch().load({}) == {}
    assert Patch().load({"note": ""}) == {"note": None}
    # The original keeps its semantics.
    assert Sample().load({"name": "abc"}) == {"name": "abc", "note": None, "count": 1}
    # Validators survive the copy.
    assert "count" in errors({"count": 7}, Patch())
