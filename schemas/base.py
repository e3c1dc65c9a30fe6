"""The base schema and the field types every Arsip schema is built from, with bilingual error messages.

Why: the users are Indonesian civil servants, the maintainers and some integrators are not. Every message a
schema produces is therefore one string "Indonesian / English" (see `bilingual`), so an API error, a CLI
message and a form error read the same in both languages, and `split_bilingual` can put the halves into
problem+json ``title``/``title_en`` style pairs. Marshmallow's English defaults are replaced here, once, by
subclassing its fields; schemas must use the fields from this module (not ``marshmallow.fields``) so that no
English-only message leaks out.

Conventions the fields implement:

- `String` strips surrounding whitespace by default. A blank value becomes ``None`` when the field allows
  ``None`` (optional fields), and is refused with a "blank" message otherwise.
- `Enum` (de)serialises `StrEnum`s by value and also dumps plain strings read from the database.
- `DateTime` dumps ISO 8601 with an offset; a naive datetime (SQLite drops the zone) is taken to be UTC.
- `Integer` refuses non-integral numbers (marshmallow would silently truncate 5.5 to 5).
"""

from __future__ import annotations

import copy
import datetime as dt
import typing

from marshmallow import RAISE, Schema, fields, missing

__all__ = [
    "SEPARATOR",
    "BaseSchema",
    "Boolean",
    "Date",
    "DateTime",
    "Dict",
    "Enum",
    "Float",
    "Integer",
    "List",
    "Nested",
    "Raw",
    "String",
    "Username",
    "bilingual",
    "optional_fields",
    "split_bilingual",
]

SEPARATOR = " / "
"""Between the Indonesian and the English half of every message."""


def bilingual(id_text: str, en_text: str) -> str:
    """Join an Indonesian and an English message into the single string the schemas produce."""
    return f"{id_text}{SEPARATOR}{en_text}"


def split_bilingual(message: str) -> tuple[str, str]:
    """Split a `bilingual` message into ``(indonesian, english)``; a plain message is used for both."""
    id_text, sep, en_text = message.partition(SEPARATOR)
    return (id_text, en_text) if sep else (message, message)


class _Bilingual:
    """Mixin: the messages every field can produce, in both languages (must come first in the bases)."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "required": bilingual("Wajib diisi.", "Missing data for required field."),
        "null": bilingual("Tidak boleh kosong (null).", "Field may not be null."),
        "validator_failed": bilingual("Nilai tidak sah.", "Invalid value."),
    }


class Raw(_Bilingual, fields.Raw):
    """Any JSON value, passed through unchanged."""


class String(_Bilingual, fields.String):
    """A string, stripped by default; blank optional values load as ``None``.

    ``aliases`` (dump side) names further attributes to read when the object lacks the field's own, so a
    schema keeps the API name while the storage row uses another (``sha256`` ← ``blob_sha256``).
    """

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan teks yang sah.", "Not a valid string."),
        "invalid_utf8": bilingual("Bukan teks UTF-8 yang sah.", "Not a valid utf-8 string."),
        "blank": bilingual("Tidak boleh kosong.", "May not be blank."),
    }

    def __init__(self, *, strip: bool = True, aliases: tuple[str, ...] = (), **kwargs: typing.Any) -> None:
        super().__init__(**kwargs)
        self.strip = strip
        self.aliases = aliases

    def get_value(self, obj: typing.Any, attr: str, accessor: typing.Any = None, default: typing.Any = missing):
        value = super().get_value(obj, attr, accessor, default)
        for alias in self.aliases:
            if value is not missing:
                break
            value = super().get_value(obj, alias, accessor, default)
        return value

    def _deserialize(self, value: typing.Any, attr: str | None, data: typing.Any, **kwargs: typing.Any):
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.strip:
            text = text.strip()
            if not text:
                if self.allow_none:
                    return None
                raise self.make_error("blank")
        return text

    def _validate(self, value: typing.Any) -> None:
        if value is not None:  # a blank optional value became None: nothing left to validate
            super()._validate(value)


class Integer(_Bilingual, fields.Integer):
    """An integer; refuses booleans and non-integral numbers instead of truncating them."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan bilangan bulat yang sah.", "Not a valid integer."),
        "too_large": bilingual("Angka terlalu besar.", "Number too large."),
    }

    def _validated(self, value: typing.Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Float(_Bilingual, fields.Float):
    """A number; output-only in Arsip today (scores, timings)."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan angka yang sah.", "Not a valid number."),
    }


class Boolean(_Bilingual, fields.Boolean):
    """A boolean (accepts JSON booleans and the usual query-string spellings)."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan nilai boolean yang sah.", "Not a valid boolean."),
    }


class Date(_Bilingual, fields.Date):
    """An ISO 8601 calendar date (``YYYY-MM-DD``)."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan tanggal yang sah.", "Not a valid date."),
        "format": bilingual(
            '"{input}" tidak dapat diformat sebagai tanggal.', '"{input}" cannot be formatted as a date.'
        ),
    }


class DateTime(_Bilingual, fields.AwareDateTime):
    """A timezone-aware ISO 8601 timestamp; naive values are taken to be UTC, both ways."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan tanggal-waktu yang sah.", "Not a valid datetime."),
        "invalid_awareness": bilingual("Tanggal-waktu harus memuat zona waktu.", "Not a valid aware datetime."),
        "format": bilingual(
            '"{input}" tidak dapat diformat sebagai tanggal-waktu.',
            '"{input}" cannot be formatted as a datetime.',
        ),
    }

    def __init__(self, **kwargs: typing.Any) -> None:
        kwargs.setdefault("default_timezone", dt.UTC)
        super().__init__(**kwargs)

    def _serialize(self, value: typing.Any, attr: str | None, obj: typing.Any, **kwargs: typing.Any):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Enum(_Bilingual, fields.Enum):
    """A `StrEnum` member, by value; dumps plain strings too (rows may hold ``str``, not members)."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "unknown": bilingual("Harus salah satu dari: {choices}.", "Must be one of: {choices}."),
    }

    def __init__(self, enum: type, **kwargs: typing.Any) -> None:
        kwargs.setdefault("by_value", String(strip=False))  # a string type in OpenAPI, bilingual "invalid"
        super().__init__(enum, **kwargs)

    def _serialize(self, value: typing.Any, attr: str | None, obj: typing.Any, **kwargs: typing.Any):
        if value is not None and not isinstance(value, self.enum):
            value = self.enum(value)
        return super()._serialize(value, attr, obj, **kwargs)


class List(_Bilingual, fields.List):
    """A JSON array of one field type."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan daftar yang sah.", "Not a valid list."),
    }


class Dict(_Bilingual, fields.Dict):
    """A JSON object."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan objek yang sah.", "Not a valid mapping type."),
    }


class Nested(_Bilingual, fields.Nested):
    """A nested schema."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "type": bilingual("Tipe tidak sah.", "Invalid type."),
    }


class Username(String):
    """Dump-side: a username, given either as a string or as an object with a ``username`` attribute."""

    def _serialize(self, value: typing.Any, attr: str | None, obj: typing.Any, **kwargs: typing.Any):
        if value is not None and not isinstance(value, str):
            value = getattr(value, "username", value)
        return super()._serialize(value, attr, obj, **kwargs)


class BaseSchema(Schema):
    """Base of every Arsip schema: unknown fields are refused, schema-level messages are bilingual."""

    error_messages: typing.ClassVar[dict[str, str]] = {
        "unknown": bilingual("Kolom tidak dikenal.", "Unknown field."),
        "type": bilingual("Tipe masukan tidak sah.", "Invalid input type."),
    }

    class Meta:
        unknown = RAISE


_S = typing.TypeVar("_S", bound=type[Schema])


def optional_fields(schema_cls: _S) -> _S:
    """Class decorator: make every declared field optional, with no ``load_default``.

    Why: a PATCH schema must change only what the client sends. Copying the create schema's fields this way
    keeps one definition of each field (type, length, validators) while dropping ``required`` and the
    defaults, so loading ``{"title": "x"}`` yields exactly ``{"title": "x"}``. Fields whose create version has
    ``load_default=None`` keep accepting ``null`` (to clear the value); the others still refuse it.
    """
    declared = {}
    for name, field in schema_cls._declared_fields.items():
        field = copy.deepcopy(field)
        field.required = False
        field.load_default = missing
        declared[name] = field
    schema_cls._declared_fields = declared
    return schema_cls
