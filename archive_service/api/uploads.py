"""Multipart uploads streamed straight to staged temp files while they are hashed.

Werkzeug asks the request for a file object per uploaded part; ``ArsipRequest`` hands it a
``HashingFileWriter`` in the staging directory, so an upload is written to disk once, hashed on the way, and
never held in memory. Every writer a request opened is discarded when the request ends, so a rejected or
interrupted upload leaves no temp file.

``ArsipRequest`` is the request class of the whole app, so it is also where input is read strictly
(``api/strict_input.py``): query strings, form bodies and JSON bodies that are not valid UTF-8 text, hold NUL or
lone surrogates, or are JSON nested or numbered beyond reason are a 400 before any view runs.

A ``files`` part without a file name (``curl -F 'files=<x.pdf'``: the file's bytes sent as a text field) is
refused with 422 rather than given a made-up name: werkzeug would have decoded its bytes as text (a binary file
is then already damaged), a record's files keep the name their sender gave them, and refusing is the only answer
that never stores fewer (or other) files than were sent. Such parts are counted, not decoded
(``strict_input.FILE_FIELDS``).
"""

from __future__ import annotations

from typing import Any

from flask import Request, current_app, g, request
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property

from ..errors import ValidationFailed
from ..services.uploads import Upload
from ..storage import HashingFileWriter
from .strict_input import StrictFormDataParser, check_json_body, parse_query


class ArsipRequest(Request):
    form_data_parser_class = StrictFormDataParser

    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        """The query string, refused (400) when it is not UTF-8 once unescaped or holds NUL. Refused once: later
        reads (an error page choosing its language) see no parameters instead of failing again."""
        try:
            return self.parameter_storage_class(parse_query(self.query_string))
        except Exception:
            self.__dict__["args"] = self.parameter_storage_class()
            raise

    def get_data(self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False) -> Any:
        """The body; a JSON body is checked once (``strict_input.check_json_body``) before anyone parses it.

        Both Flask's ``get_json`` and flask-smorest's argument parser read JSON through this method."""
        if self.is_json and not self.__dict__.get("_arsip_json_checked"):
            self.__dict__["_arsip_json_checked"] = True
            check_json_body(super().get_data(cache=True, parse_form_data=parse_form_data))
        return super().get_data(cache=cache, as_text=as_text, parse_form_data=parse_form_data)  # type: ignore[call-overload]

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except Exception:
            # A refused form stays refused: later reads (an error page showing the form again) see an empty
            # form instead of parsing a half-read stream a second time.
            self.__dict__.setdefault("form", self.parameter_storage_class())
            self.__dict__.setdefault("files", self.parameter_storage_class())
            raise

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> Any:
        settings = current_app.extensions["arsip"].settings
        writer = HashingFileWriter(settings.staging_dir, settings.max_file_size)
        g.setdefault("upload_writers", []).append(writer)
        return writer


def collect_uploads(field: str = "files") -> list[Upload]:
    """The uploaded parts named ``field`` as staged uploads (hash, size and head already known).

    Every part named ``field`` counts, also one without a file name (werkzeug puts it among the text fields):
    such a part is refused, and so is a file sent under another name, so a request never creates a record with
    fewer files than it sent."""
    elsewhere = sorted({name for name in request.files if name != field})
    if elsewhere:  # curl -F 'file=@x.pdf': a file no view would look at
        names = ", ".join(repr(name) for name in elsewhere)
        message = (
            f"Berkas dikirim dalam bagian {names}; kirim setiap berkas dalam bagian '{field}'.",
            f"Files were sent in part(s) {names}; send every file in a part named '{field}'.",
        )
        raise ValidationFailed(*message, errors={field: [" / ".join(message)]})
    storages = request.files.getlist(field)
    nameless = len(request.form.getlist(field))
    limit = current_app.extensions["arsip"].settings.max_files_per_request
    if len(storages) + nameless > limit:
        raise ValidationFailed(f"Paling banyak {limit} berkas per permintaan.", f"At most {limit} files per request.")
    if nameless:
        message = (
            f"{nameless} bagian '{field}' tanpa nama berkas (filename); kirim berkas sebagai unggahan, "
            f"mis. curl -F '{field}=@surat.pdf'.",
            f"{nameless} '{field}' part(s) without a file name (filename); send files as file uploads, "
            f"e.g. curl -F '{field}=@letter.pdf'.",
        )
        raise ValidationFailed(*message, errors={field: [" / ".join(message)]})
    uploads = []
    for storage in storages:
        writer = storage.stream
        if not isinstance(writer, HashingFileWriter):  # only possible for tiny in-memory test parts
            raise ValidationFailed("Berkas tidak terbaca.", "Unreadable file part.")
        uploads.append(Upload(filename=storage.filename or "", staged=writer.finish()))
    return uploads


def given_uploads(field: str) -> list[Upload]:
    """The uploads of an optional file input of an HTML form: a browser sends an empty part without a file name
    when nothing was chosen, which means "no file" (its staged temp file is discarded), not an error."""
    kept = []
    for upload in collect_uploads(field):
        if not upload.filename and upload.staged.size == 0:
            upload.staged.discard()
        else:
            kept.append(upload)
    return kept


def discard_request_uploads(_exc: BaseException | None = None) -> None:
    """Teardown: remove whatever temp files this request staged and nobody consumed."""
    for writer in g.pop("upload_writers", []):
        writer.discard()
