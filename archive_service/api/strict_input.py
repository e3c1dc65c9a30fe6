"""Request input read strictly: JSON bodies, form fields, multipart headers and query strings.

Why: the libraries under the views are lenient in ways that either crash later (a 500 after part of the work was
done) or quietly change what the client sent. werkzeug decodes invalid UTF-8 in a form field as U+FFFD ("��" is
then stored), leaves bad escapes of a query string percent-encoded, drops a whole form whose part headers are not
UTF-8, and cuts a file name at a raw line break (the part then loses its file name and silently becomes a text
field). ``json.loads`` recurses once per nesting level (``RecursionError`` at 50,000 levels), converts a
5,000-digit number only to fail in ``int()``, accepts ``NaN``/``Infinity`` and lets a string hold a lone
surrogate (``"\\ud800"``), which neither database nor a UTF-8 answer can carry.

Here each of these is refused with a 400 problem+json before any view or schema sees the input, whichever way it
arrives: ``ArsipRequest`` (``api/uploads.py``) reads query strings with `parse_query`, form bodies with
`StrictFormDataParser`, and checks every JSON body in ``get_data``, the one method both Flask's ``get_json`` and
flask-smorest's argument parser read the body through. 400 means "the request cannot be read as text or JSON";
text that reads fine but cannot be stored (NUL) is refused too, with the same answer on SQLite and PostgreSQL.
The schemas (``schemas/base.py``) refuse NUL and lone surrogates again with a 422, for callers that do not come
through HTTP (the CLI, imports, services).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import typing
from urllib.parse import parse_qsl, unquote_to_bytes

from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from schemas.base import text_problem

from ..errors import ArsipError, ValidationFailed

MAX_JSON_DEPTH = 64
"""Nesting levels of a JSON body; the deepest Arsip payload has four."""
MAX_NUMBER_CHARS = 64
"""Characters of one JSON number; no Arsip field needs more than 20 (a 64-bit integer)."""
FILE_FIELDS = frozenset({"files", "file"})
"""Form fields that carry files. A part with one of these names but no file name is counted (and refused by
``collect_uploads``), never decoded as text: it is usually a file sent the wrong way (``curl -F 'files=<x.pdf'``)."""


def malformed(detail_id: str, detail_en: str, where: str | None = None, message: str | None = None) -> ArsipError:
    """A 400 problem: the request cannot be read (as opposed to 422: read, but not acceptable). ``where`` names
    the field or parameter in ``errors``, with ``message`` (default: the detail in both languages)."""
    errors = {where: [message or f"{detail_id} / {detail_en}"]} if where else None
    return ArsipError(detail_id, detail_en, errors=errors)


def _printable(text: str) -> str:
    """Text safe to echo in an answer: a lone surrogate cannot be encoded in any response."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _not_utf8(where: str) -> ArsipError:
    return malformed(
        f"'{where}' bukan teks UTF-8 yang sah; kirim ulang sebagai UTF-8.",
        f"'{where}' is not valid UTF-8 text; send it again as UTF-8.",
        where,
        "Bukan teks UTF-8 yang sah. / Not valid UTF-8 text.",
    )


def check_text(value: str, where: str) -> str:
    """``value`` itself, or a 400 when it holds NUL or a lone surrogate (see `schemas.base.text_problem`)."""
    problem = text_problem(value)
    if problem is not None:
        detail_id, _, detail_en = problem.partition(" / ")
        name = _printable(where)
        raise malformed(f"'{name}': {detail_id}", f"'{name}': {detail_en}", name, problem)
    return value


def decode_utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8(where) from None


# -- query strings and urlencoded forms --------------------------------------------------------------------------


def parse_query(raw: bytes, where: str = "query") -> list[tuple[str, str]]:
    """``a=1&b=%C3%A9`` as ``[("a", "1"), ("b", "é")]``, refusing what is not UTF-8 once unescaped or holds NUL.

    The bytes go through Latin-1 (one character per byte, both ways) so that percent escapes and raw bytes are
    judged alike, after unescaping, by the strict UTF-8 decoder.
    """
    pairs = []
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        name = check_text(decode_utf8(key.encode("latin-1"), where), where)
        pairs.append((name, check_text(decode_utf8(value.encode("latin-1"), name), name)))
    return pairs


# -- JSON ------------------------------------------------------------------------------------------------------------


def _number(text: str) -> None:
    if len(text) > MAX_NUMBER_CHARS:
        raise malformed(
            f"Angka JSON terlalu panjang ({len(text)} karakter, maksimal {MAX_NUMBER_CHARS}).",
            f"A JSON number is too long ({len(text)} characters, at most {MAX_NUMBER_CHARS}).",
        )


def _int(text: str) -> int:
    _number(text)
    return int(text)


def _float(text: str) -> float:
    _number(text)
    value = float(text)
    if not math.isfinite(value):
        raise malformed("Angka JSON di luar jangkauan.", f"The JSON number {text} is out of range.")
    return value


def _constant(name: str) -> typing.NoReturn:
    raise malformed(f"{name} bukan nilai JSON.", f"{name} is not a JSON value.")


def loads_json(data: bytes | str, where: str = "body") -> typing.Any:
    """Parse JSON text strictly; raise ``json.JSONDecodeError`` for bad syntax (callers keep their own answer to
    it) and a 400 `ArsipError` for input that is syntactically JSON but not acceptable text: invalid UTF-8,
    ``NaN``/``Infinity``, numbers over `MAX_NUMBER_CHARS`, nesting over `MAX_JSON_DEPTH`, NUL or a lone
    surrogate in any string or key."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        encoding = json.detect_encoding(raw)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise _not_utf8(where) from None
    else:
        text = data
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM", text, 0)  # as json.loads says for str input
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise _too_deep(where) from None
    _check_tree(value, where)
    return value


def _too_deep(where: str) -> ArsipError:
    return malformed(
        f"JSON '{where}' bersarang terlalu dalam (maksimal {MAX_JSON_DEPTH} tingkat).",
        f"JSON '{where}' is nested too deeply (at most {MAX_JSON_DEPTH} levels).",
        where,
    )


def _check_tree(value: typing.Any, where: str) -> None:
    """Depth, and every string and key, of a parsed JSON value (without recursion)."""
    stack: list[tuple[typing.Any, str, int]] = [(value, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, str):
            check_text(node, path or where)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(where)
        if isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}.{_printable(key)}" if path else _printable(key)
                check_text(key, child_path)
                stack.append((child, child_path, depth + 1))
        else:
            stack.extend((child, f"{path}.{i}" if path else str(i), depth + 1) for i, child in enumerate(node))


def check_json_body(raw: bytes) -> None:
    """The request hook: refuse a JSON body `loads_json` refuses, leave syntax errors to whoever parses it."""
    with contextlib.suppress(json.JSONDecodeError):  # Flask's get_json and flask-smorest answer bad syntax
        loads_json(raw)


# -- multipart/form-data ---------------------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"[\r\n]")
_EXTENDED_FILENAME = re.compile(r"""(?:^|;)\s*filename\*\s*=\s*([^;]*)""", re.IGNORECASE)


def _open_quote(text: str) -> bool:
    """True when ``text`` ends inside a quoted string (``"`` opened and not closed; ``\\`` escapes inside)."""
    quoted = False
    i = 0
    while i < len(text):
        char = text[i]
        if quoted and char == "\\":
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        i += 1
    return quoted


def _header_lines(text: str) -> list[str]:
    """The header lines of one part. Unlike werkzeug's ``splitlines``, a raw line break inside a quoted value (a
    file name with CR/LF) stays in the value, so the file name reaches the file-name rule (422) instead of being cut
    and the part turned into a text field; a folded line (break, then a space) is joined with a space, as before."""
    pieces = re.split(r"(\r\n|\r|\n)", text)
    lines: list[str] = []
    current = pieces[0]
    for index in range(1, len(pieces), 2):
        separator, line = pieces[index], pieces[index + 1]
        if line[:1] in (" ", "\t"):
            current += " " + line.lstrip(" \t")
        elif _open_quote(current):
            current += separator + line
        else:
            lines.append(current)
            current = line
    if _open_quote(current):
        raise malformed(
            "Header bagian multipart memuat tanda kutip yang tidak ditutup.",
            "A multipart part header has an unterminated quoted string.",
        )
    lines.append(current)
    return [line.strip(" \t") for line in lines if line.strip(" \t")]


class _StrictDecoder(MultipartDecoder):
    """werkzeug's decoder with headers read by `_header_lines`, strictly as UTF-8.

    A header value may not hold a line break (werkzeug's ``Headers`` refuses one), so a file name that has one is
    kept aside in ``raw_filename`` while the header gets spaces; the parser gives the file the name as sent."""

    raw_filename: str | None = None

    def _parse_headers(self, data: bytes | bytearray) -> Headers:
        self.raw_filename = None
        text = decode_utf8(bytes(data), "multipart header")
        headers = Headers()
        for line in _header_lines(text):
            name, _, value = line.partition(":")
            name, value = name.strip(" \t"), value.strip(" \t")
            if _LINE_BREAK.search(value):
                if name.lower() == "content-disposition":
                    self.raw_filename = parse_options_header(value)[1].get("filename")
                value = _LINE_BREAK.sub(" ", value)
            headers.add(name, value)
        disposition = headers.get("content-disposition", "")
        if match := _EXTENDED_FILENAME.search(disposition):  # filename*=UTF-8''%E2%82%AC.pdf (RFC 5987)
            charset, _, rest = match.group(1).strip().strip('"').partition("'")
            _lang, _, escaped = rest.partition("'")
            try:
                unquote_to_bytes(escaped).decode(charset or "utf-8")
            except (UnicodeDecodeError, LookupError):
                raise _not_utf8("filename*") from None
        return headers


class StrictMultiPartParser(MultiPartParser):
    """werkzeug's multipart parser, with `_StrictDecoder` headers and fields decoded strictly (UTF-8, no NUL)."""

    def parse(
        self, stream: typing.IO[bytes], boundary: bytes, content_length: int | None
    ) -> tuple[MultiDict[str, str], MultiDict[str, FileStorage]]:
        decoder = _StrictDecoder(
            boundary, max_form_memory_size=self.max_form_memory_size, max_parts=self.max_form_parts
        )
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        current: Field | File | None = None
        chunks: list[bytes] = []
        container: typing.IO[bytes] | None = None
        field_size = 0
        while True:
            data = stream.read(self.buffer_size)
            decoder.receive_data(data or None)
            event = decoder.next_event()
            while not isinstance(event, Epilogue | NeedData):
                if isinstance(event, Field):
                    current, chunks, field_size = event, [], 0
                elif isinstance(event, File):
                    if decoder.raw_filename is not None:  # the name as sent, line breaks and all (refused later)
                        event = File(name=event.name, filename=decoder.raw_filename, headers=event.headers)
                    current, container = event, self.start_file_streaming(event, content_length)
                elif isinstance(event, Data) and current is not None:
                    if isinstance(current, File):
                        typing.cast(typing.IO[bytes], container).write(event.data)
                    elif current.name not in FILE_FIELDS:  # a nameless file part is counted, its bytes dropped
                        field_size += len(event.data)
                        if self.max_form_memory_size is not None and field_size > self.max_form_memory_size:
                            raise RequestEntityTooLarge()
                        chunks.append(event.data)
                    if not event.more_data:
                        self._finish_part(current, chunks, container, fields, files)
                event = decoder.next_event()
            if not data:
                break
        return self.cls(fields), self.cls(files)

    def _finish_part(
        self,
        part: Field | File,
        chunks: list[bytes],
        container: typing.IO[bytes] | None,
        fields: list[tuple[str, str]],
        files: list[tuple[str, FileStorage]],
    ) -> None:
        name = check_text(part.name or "", "multipart name")
        if isinstance(part, File):
            stream = typing.cast(typing.IO[bytes], container)
            stream.seek(0)
            files.append((name, FileStorage(stream, part.filename, name, headers=part.headers)))
            return
        if name in FILE_FIELDS:
            fields.append((name, ""))
            return
        charset = self.get_part_charset(part.headers)
        try:
            value = b"".join(chunks).decode(charset)
        except UnicodeDecodeError:
            raise _not_utf8(name) from None
        fields.append((name, check_text(value, name)))


class StrictFormDataParser(FormDataParser):
    """Form bodies read strictly: multipart with `StrictMultiPartParser`, urlencoded with `parse_query`.

    Our refusals are `ArsipError`s, not ``ValueError``s, so werkzeug's "silent" mode (an unreadable form becomes
    an empty one) does not swallow them."""

    def _parse_multipart(
        self, stream: typing.IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[typing.IO[bytes], MultiDict[str, str], MultiDict[str, FileStorage]]:
        parser = StrictMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii", "replace")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files

    def _parse_urlencoded(
        self, stream: typing.IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> tuple[typing.IO[bytes], MultiDict[str, str], MultiDict[str, FileStorage]]:
        return stream, self.cls(parse_query(stream.read(), "form")), self.cls()


# -- pagination ------------------------------------------------------------------------------------------------------

MAX_PAGE = 1_000_000
"""Highest ``page`` of a paginated list: far beyond any real list, far below a 64-bit SQL OFFSET."""


class BoundedPaginationParser(FlaskParser):
    """flask-smorest's pagination parser with an upper bound on ``page`` (its own schema has none, so a 30-digit
    page reached the database as an OFFSET no integer column holds). Set as ``PAGINATION_ARGUMENTS_PARSER`` of a
    blueprint."""

    def parse(self, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        params = super().parse(*args, **kwargs)
        if getattr(params, "page", 1) > MAX_PAGE:
            raise ValidationFailed(
                f"Halaman paling tinggi {MAX_PAGE}.",
                f"The page may be at most {MAX_PAGE}.",
                errors={"page": [f"Paling tinggi {MAX_PAGE}. / At most {MAX_PAGE}."]},
            )
        return params
