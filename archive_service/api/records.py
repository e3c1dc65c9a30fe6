"""``/api/v1/records``: thin views over ``services.records``.

Creating a record with files is one ``multipart/form-data`` request: a ``metadata`` part holding the JSON
description and any number of ``files`` parts. A JSON body creates a record without files.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.audit import AuditEventSchema
from schemas.files import FileSchema
from schemas.records import RecordCreateSchema, RecordListQuerySchema, RecordSchema, RecordUpdateSchema

from ..downloads import file_response
from ..errors import PreconditionRequired, ValidationFailed
from ..services import records as svc
from .openapi import ETAG_HEADER
from .security import current_actor, endpoint_action, runtime
from .strict_input import BoundedPaginationParser, loads_json
from .uploads import collect_uploads

blp = Blueprint(
    "records",
    __name__,
    url_prefix="/api/v1/records",
    description="Arsip: deskripsi arsip, berkas, riwayat / Records: description, files, history",
)
blp.PAGINATION_ARGUMENTS_PARSER = BoundedPaginationParser()  # ?page=10**30 is a 422, not a database overflow

IF_MATCH: dict[str, Any] = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": 'The ETag of the version you are changing, e.g. "3" (409 when it is no longer current).',
}
IF_MATCH_OPTIONAL: dict[str, Any] = {
    **IF_MATCH,
    "required": False,
    "description": 'Optional: the ETag of the version you are changing, e.g. "3"; checked when sent (409 when stale).',
}
RECORD_HEADERS: dict[str, Any] = {"ETag": ETAG_HEADER}
"""Headers of every answer carrying a record (``_with_etag``)."""
CREATED_HEADERS: dict[str, Any] = {
    "ETag": ETAG_HEADER,
    "Location": {"required": True, "schema": {"type": "string"}, "description": "The record's URL."},
}


def _with_etag(record: Any, status: int = 200) -> Response:
    body = RecordSchema().dump(record)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["ETag"] = f'"{record.version}"'
    if status == 201:
        response.headers["Location"] = url_for("records.RecordItem", record_id=record.id)
    return response


def _if_match() -> int:
    version = optional_if_match()
    if version is None:
        raise PreconditionRequired(
            "Sertakan If-Match berisi ETag versi yang Anda ubah.",
            "Send If-Match with the ETag of the version you are changing.",
        )
    return version


def optional_if_match() -> int | None:
    """The version in ``If-Match`` (an ETag such as ``"3"``), or None when the header is absent."""
    raw = request.headers.get("If-Match")
    if not raw:
        return None
    match = re.fullmatch(r'\s*(?:W/)?"?(\d+)"?\s*', raw)
    if not match:
        raise ValidationFailed("If-Match tidak dikenali.", 'If-Match is not a version (an ETag such as "3").')
    return int(match.group(1))


def _metadata_from_request() -> dict[str, Any]:
    if request.mimetype == "multipart/form-data":
        raw = request.form.get("metadata")
        if raw is None:
            raise ValidationFailed(errors={"metadata": ["Wajib diisi. / Missing data for required field."]})
        try:
            data = loads_json(raw, where="metadata")  # strictly: depth, number size, NUL, surrogates (400)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(errors={"metadata": ["Bukan JSON yang sah. / Not valid JSON."]}) from exc
    else:
        data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Kirim deskripsi arsip sebagai objek JSON.", "Send the description as a JSON object.")
    return data


@blp.route("")
class RecordCollection(MethodView):
    @endpoint_action("record.list")
    @blp.arguments(RecordListQuerySchema, location="query")
    @blp.response(200, RecordSchema(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """Daftar arsip yang boleh Anda lihat / List the records you may see."""
        page = svc.list_records(
            runtime(), current_actor(), query, pagination_parameters.page, pagination_parameters.page_size
        )
        pagination_parameters.item_count = page.total
        return page.items

    @endpoint_action("record.create")
    @blp.doc(
        requestBody={
            "content": {
                "application/json": {"schema": RecordCreateSchema},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "metadata": {"type": "string", "description": "RecordCreate as JSON"},
                            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        },
                    }
                },
            }
        }
    )
    @blp.response(201, RecordSchema, headers=CREATED_HEADERS)
    def post(self) -> Response:
        """Buat arsip beserta berkasnya / Create a record with its files."""
        data = _metadata_from_request()
        uploads = collect_uploads() if request.mimetype == "multipart/form-data" else []
        record = svc.create_record(runtime(), current_actor(), data, uploads)
        return _with_etag(record, 201)


@blp.route("/<int:record_id>")
class RecordItem(MethodView):
    @endpoint_action("record.read")
    @blp.response(200, RecordSchema, headers=RECORD_HEADERS)
    def get(self, record_id: int) -> Response:
        """Satu arsip / One record (ETag = version)."""
        return _with_etag(svc.get_record(runtime(), current_actor(), record_id))

    @endpoint_action("record.update")
    @blp.doc(
        requestBody={"content": {"application/json": {"schema": RecordUpdateSchema}}},
        parameters=[IF_MATCH],
    )
    @blp.response(200, RecordSchema, headers=RECORD_HEADERS)
    def patch(self, record_id: int) -> Response:
        """Ubah deskripsi; perlu If-Match / Change the description; needs If-Match (409 when stale)."""
        version = _if_match()
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed("Kirim perubahan sebagai objek JSON.", "Send the changes as a JSON object.")
        return _with_etag(svc.update_record(runtime(), current_actor(), record_id, version, data))


@blp.route("/<int:record_id>/files")
class RecordFiles(MethodView):
    @endpoint_action("record.read")
    @blp.response(200, FileSchema(many=True))
    def get(self, record_id: int) -> Any:
        """Berkas milik arsip / The record's files."""
        return svc.get_record(runtime(), current_actor(), record_id).files

    @endpoint_action("file.add")
    @blp.doc(
        requestBody={
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                    }
                }
            }
        },
        parameters=[IF_MATCH_OPTIONAL],
    )
    @blp.response(201, RecordSchema, headers=CREATED_HEADERS)
    def post(self, record_id: int) -> Response:
        """Tambah berkas / Add files (If-Match optional; checked when sent)."""
        version = optional_if_match()
        uploads = collect_uploads()
        return _with_etag(svc.add_files(runtime(), current_actor(), record_id, uploads, version), 201)


@blp.route("/<int:record_id>/files/<int:file_id>/content")
class FileContent(MethodView):
    @endpoint_action("file.read")
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="*/*",
        description="Isi berkas / The file's bytes, with the type read from its content when it was stored.",
        headers={
            "ETag": {"required": True, "schema": {"type": "string"}, "description": "The content's SHA-256."},
            "Repr-Digest": {"required": True, "schema": {"type": "string"}, "description": "sha-256=:<base64>:"},
            "Content-Disposition": {"required": True, "schema": {"type": "string"}},
        },
    )
    def get(self, record_id: int, file_id: int) -> Response:
        """Unduh berkas (dialirkan) / Download the file (streamed)."""
        row, stream = svc.open_file(runtime(), current_actor(), record_id, file_id)
        response = file_response(stream, filename=row.filename, mime=row.mime, size=row.size)
        response.headers["ETag"] = f'"{row.blob_sha256}"'
        response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(row.blob_sha256)).decode()}:"
        return response


@blp.route("/<int:record_id>/history")
class RecordHistory(MethodView):
    @endpoint_action("record.history")
    @blp.response(200, AuditEventSchema(many=True))
    def get(self, record_id: int) -> Any:
        """Riwayat perubahan dari jejak audit / Change history from the audit trail."""
        return svc.record_history(runtime(), current_actor(), record_id)
