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
- `Integer` refuses non-integral numbers (marshmallow would silently truncate 5.5 to 5) and numbers beyond a
  64-bit column (``BIGINT``), which would otherwise fail in the database driver, after validation.
- Text that no column can hold is refused wherever it appears: `String` refuses NUL (PostgreSQL cannot store it,
  SQLite would store it and cut the value short in every C-string consumer) and lone surrogates (not encodable
  as UTF-8, so neither database nor a JSON answer can carry them); `BaseSchema` refuses both in keys and in
  values of `Raw`/`Dict` fields too. Checked here, not per view, so the API, the staff forms, the CLI and any
  service that loads a schema give the same answer on SQLite and PostgreSQL.
- `DocumentDate` is a `Date` of an archived document (its date, the start and end of its period): the year must
  lie between `min_document_year()` (``ARSIP_MIN_DOC_YEAR``, default 1500: archives hold colonial-era records)
  and next year. Year 1 is a typing slip, not a record, and would become record number ``ARS/1/…``.
"""

from __future__ import annotations

import copy
import datetime as dt
import typing

from marshmallow import RAISE, Schema, ValidationError, fields, missing, pre_load

__all__ = [
    "SEPARATOR",
    "BaseSchema",
    "Boolean",
    "Date",
    "DateTime",
    "Dict",
    "DocumentDate",
    "Enum",
    "Float",
    "Integer",
    "List",
    "Nested",
    "Raw",
    "String",
    "Username",
    "bilingual",
    "min_document_year",
    "optional_fields",
    "set_min_document_year",
    "split_bilingual",
    "text_problem",
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


NUL_MESSAGE = bilingual("Tidak boleh memuat karakter NUL (U+0000).", "May not contain the NUL character (U+0000).")
SURROGATE_MESSAGE = bilingual(
    "Bukan teks Unicode yang sah (surrogate tunggal).", "Not valid Unicode text (a lone surrogate)."
)


def text_problem(value: str) -> str | None:
    """The bilingual message why ``value`` cannot be stored as text (NUL, a lone surrogate), or None."""
    if "\x00" in value:
        return NUL_MESSAGE
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE_MESSAGE
    return None


def _printable_key(key: str) -> str:
    """A key safe to echo in an error answer (a lone surrogate cannot be encoded in any response)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _unstorable_text(data: typing.Any) -> dict[str, list[str]]:
    """Every key and string in ``data`` (nested dicts and lists, walked without recursion) that `text_problem`
    refuses, by dotted path."""
    problems: dict[str, list[str]] = {}
    stack: list[tuple[str, typing.Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if (message := text_problem(value)) is not None:
                problems.setdefault(path or "_schema", []).append(message)
        elif isinstance(value, typing.Mapping):
            for key in list(value):
                name = str(key)
                child = f"{path}.{_printable_key(name)}" if path else _printable_key(name)
                if (message := text_problem(name)) is not None:
                    problems.setdefault(child, []).append(message)
                stack.append((child, value[key]))
        elif isinstance(value, list | tuple):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return problems


# -- the document year range (ARSIP_MIN_DOC_YEAR) -------------------------------------------------------------

DEFAULT_MIN_DOCUMENT_YEAR = 1500
_min_document_year = DEFAULT_MIN_DOCUMENT_YEAR


def set_min_document_year(year: int) -> None:
    """Set the earliest year a document may be dated (``Settings.min_doc_year`` calls this)."""
    global _min_document_year
    _min_document_year = int(year)


def min_document_year() -> int:
    return _min_document_year


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
        "nul": NUL_MESSAGE,
        "surrogate": SURROGATE_MESSAGE,
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
        if (problem := text_problem(text)) is not None:
            raise self.make_error("nul" if problem == NUL_MESSAGE else "surrogate")
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


INTEGER_MAX = 2**63 - 1
"""The largest value of a 64-bit ``BIGINT`` column; no Arsip number (id, count, year) comes near it."""


class Integer(_Bilingual, fields.Integer):
    """An integer; refuses booleans and non-integral numbers instead of truncating them, and numbers no 64-bit
    column can hold (a database driver would fail on them after validation)."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "invalid": bilingual("Bukan bilangan bulat yang sah.", "Not a valid integer."),
        "too_large": bilingual("Angka terlalu besar.", "Number too large."),
    }

    def _validated(self, value: typing.Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        if isinstance(value, str) and len(value.strip()) > 40:  # a 5,000-digit string: no int() conversion at all
            raise self.make_error("too_large", input=value)
        number = super()._validated(value)
        if number is not None and not -INTEGER_MAX - 1 <= number <= INTEGER_MAX:
            raise self.make_error("too_large", input=value)
        return number


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


class DocumentDate(Date):
    """The date of an archived document (or of its period): a year from `min_document_year()` to next year."""

    default_error_messages: typing.ClassVar[dict[str, str]] = {
        "year_range": bilingual("Tahun harus antara {low} dan {high}.", "The year must be between {low} and {high}."),
    }

    def _deserialize(self, value: typing.Any, attr: str | None, data: typing.Any, **kwargs: typing.Any):
        date = super()._deserialize(value, attr, data, **kwargs)
        low, high = min_document_year(), dt.date.today().year + 1
        if not low <= date.year <= high:
            raise self.make_error("year_range", low=low, high=high)
        return date


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
    """Base of every Arsip schema: unknown fields are refused, schema-level messages are bilingual, and no key or
    string anywhere in the input may hold text no column can store (`text_problem`)."""

    error_messages: typing.ClassVar[dict[str, str]] = {
        "unknown": bilingual("Kolom tidak dikenal.", "Unknown field."),
        "type": bilingual("Tipe masukan tidak sah.", "Invalid input type."),
    }

    class Meta:
        unknown = RAISE

    @pre_load
    def _refuse_unstorable_text(self, data: typing.Any, **kwargs: typing.Any) -> typing.Any:
        problems = _unstorable_text(data)
        if problems:
            raise ValidationError(problems)
        return data


_S = typing.TypeVar("_S", bound=type[Schema])


def optional_fields(schema_cls: _S | None = None, *, not_null: tuple[str, ...] = ()) -> typing.Any:
    """Class decorator: make every declared field optional, with no ``load_default``.

    Why: a PATCH schema must change only what the client sends. Copying the create schema's fields this way
    keeps one definition of each field (type, length, validators) while dropping ``required`` and the
    defaults, so loading ``{"title": "x"}`` yields exactly ``{"title": "x"}``. Fields whose create version has
    ``load_default=None`` keep accepting ``null`` (to clear the value); the others still refuse it, and so do the
    ``not_null`` ones: optional at creation because the server fills them in (a record number), but a stored
    value cannot be cleared.
    """

    def apply(cls: _S) -> _S:
        declared = {}
        for name, field in cls._declared_fields.items():
            field = copy.deepcopy(field)
            field.required = False
            field.load_default = missing
            if name in not_null:
                field.allow_none = False
            declared[name] = field
        cls._declared_fields = declared
        return cls

    return apply(schema_cls) if schema_cls is not None else apply
