"""``/api/v1/retention``: JRA versions, a record's retention, holds, due lists and disposition batches.

Thin views: each parses the request, calls one service function and renders the result. A batch comes from
``disposition.get_batch`` as the reader may see it: a line whose record the reader may not read is redacted there
(``access.redacted_line``), and a hold covering no record the reader may read is absent (``holds``). Changes to a record
(trigger, override, re-appraisal) need ``If-Match`` with the record's version, like every record change; batch
stages take ``If-Match`` with the batch's version when sent (409 when stale).
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError

from retention.lifecycle import lifecycle_table
from schemas.base import BaseSchema, Boolean, Integer, String
from schemas.records import RecordSchema
from schemas.retention import (
    ApprovalSchema,
    BatchProposeSchema,
    BatchSchema,
    BatchSummarySchema,
    ConcludeSchema,
    ConsiderationSchema,
    DueListQuerySchema,
    DueQuerySchema,
    DueRecordSchema,
    DueRowSchema,
    ErasureDoneSchema,
    ErasureDueSchema,
    ExecutionSchema,
    HoldCreateSchema,
    HoldSchema,
    JraClassSchema,
    JraImportFormSchema,
    JraImportResultSchema,
    JraScheduleSchema,
    LifecycleSchema,
    OverrideSchema,
    ReasonSchema,
    RetentionViewSchema,
    TriggerSchema,
)
from schemas.validators import OneOf

from ..downloads import file_response
from ..errors import ValidationFailed
from ..services import disposition, holds, jra, requests_retention, retention, retention_due
from ..services.auth import validation_failed
from .openapi import ETAG_HEADER
from .records import IF_MATCH, IF_MATCH_OPTIONAL, RECORD_HEADERS, _if_match, _with_etag, optional_if_match
from .security import current_actor, endpoint_action, runtime
from .strict_input import BoundedPaginationParser

blp = Blueprint(
    "retention",
    __name__,
    url_prefix="/api/v1/retention",
    description="Retensi (JRA) dan penyusutan arsip / Retention schedules and disposition",
)
blp.PAGINATION_ARGUMENTS_PARSER = BoundedPaginationParser()  # ?page=10**30 is a 422, not a database overflow
BATCH_HEADERS: dict[str, Any] = {"ETag": ETAG_HEADER}
"""Headers of every answer carrying a batch (``_batch``): its version, for ``If-Match`` on the next stage."""


def _json() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Kirim isian sebagai objek JSON.", "Send the fields as a JSON object.")
    return data


def _batch(batch: Any, status: int = 200) -> Response:
    response = Response(BatchSchema().dumps(batch, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["ETag"] = f'"{batch.version}"'
    return response


class ClassQuerySchema(BaseSchema):
    version = Integer(load_default=None)
    code = String(load_default=None)


class HoldQuerySchema(BaseSchema):
    in_force = Boolean(load_default=None)


class BatchQuerySchema(BaseSchema):
    kind = String(load_default=None, validate=OneOf(["pemindahan", "pemusnahan", "penyerahan"]))
    state = String(load_default=None)


# ---- JRA -----------------------------------------------------------------------------------------------------------
@blp.route("/lifecycle")
class Lifecycle(MethodView):
    @endpoint_action("jra.read")
    @blp.response(200, LifecycleSchema)
    def get(self) -> Any:
        """Aturan siklus hidup arsip / The archival lifecycle rules (machine B)."""
        return lifecycle_table()


@blp.route("/jra")
class JraSchedules(MethodView):
    @endpoint_action("jra.read")
    @blp.response(200, JraScheduleSchema(many=True))
    def get(self) -> Any:
        """Versi JRA / JRA versions, newest first."""
        return jra.list_schedules(runtime(), current_actor())

    @endpoint_action("jra.import")
    @blp.doc(
        requestBody={
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "name": {"type": "string"},
                            "legal_basis": {"type": "string"},
                            "skip_invalid": {"type": "boolean"},
                            "dry_run": {"type": "boolean"},
                        },
                    }
                }
            }
        }
    )
    @blp.response(201, JraImportResultSchema)
    def post(self) -> Any:
        """Impor JRA (CSV/XLSX) sebagai versi baru / Import a JRA (CSV or XLSX) as a new version."""
        upload = request.files.get("file")
        if upload is None:
            raise ValidationFailed(errors={"file": ["Wajib diisi. / Missing data for required field."]})
        try:
            form = JraImportFormSchema().load(request.form.to_dict())
        except ValidationError as err:
            raise validation_failed(err) from err
        outcome = jra.import_schedule(
            runtime(),
            current_actor(),
            upload.stream,
            upload.filename or "",
            name=form["name"],
            legal_basis=form.get("legal_basis"),
            skip_invalid=form["skip_invalid"],
            dry_run=form["dry_run"],
        )
        return outcome, 200 if outcome.dry_run else 201


@blp.route("/jra/classes")
class JraClasses(MethodView):
    @endpoint_action("jra.read")
    @blp.arguments(ClassQuerySchema, location="query")
    @blp.response(200, JraClassSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")  # ?version= of no JRA
    def get(self, query: dict[str, Any]) -> Any:
        """Kelas retensi; dengan ``code``, yang berlaku untuk kode itu / Classes; with ``code``, those that apply."""
        return jra.list_classes(runtime(), current_actor(), version_no=query.get("version"), code=query.get("code"))


# ---- a record's retention ------------------------------------------------------------------------------------------
@blp.route("/records/<int:record_id>")
class RecordRetention(MethodView):
    @endpoint_action("retention.read")
    @blp.response(200, RetentionViewSchema)
    def get(self, record_id: int) -> Any:
        """Kelas, masa simpan, tanggal dan penahanan arsip / A record's class, periods, dates and holds."""
        return retention.retention_view(runtime(), current_actor(), record_id)


@blp.route("/records/<int:record_id>/trigger")
class RecordTrigger(MethodView):
    @endpoint_action("retention.trigger")
    @blp.arguments(TriggerSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, RecordSchema, headers=RECORD_HEADERS)
    def post(self, data: dict[str, Any], record_id: int) -> Any:
        """Catat peristiwa pemicu; perlu If-Match / Record the trigger event; needs If-Match."""
        record = retention.record_trigger(
            runtime(), current_actor(), record_id, _if_match(), data["event_date"], data.get("note")
        )
        return _with_etag(record)


@blp.route("/records/<int:record_id>/class")
class RecordClass(MethodView):
    @endpoint_action("retention.override")
    @blp.arguments(OverrideSchema)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, RecordSchema, headers=RECORD_HEADERS)
    def put(self, data: dict[str, Any], record_id: int) -> Any:
        """Tetapkan kelas retensi lain dengan alasan; perlu If-Match / Override the class with a reason."""
        record = retention.override_class(
            runtime(), current_actor(), record_id, _if_match(), data["class_id"], data["reason"]
        )
        return _with_etag(record)


@blp.route("/records/<int:record_id>/reappraisal")
class RecordReappraisal(MethodView):
    @endpoint_action("retention.reappraise")
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(200, RecordSchema, headers=RECORD_HEADERS)
    def post(self, record_id: int) -> Any:
        """Buka penilaian kembali; perlu If-Match / Open a re-appraisal; needs If-Match."""
        return _with_etag(retention.open_reappraisal(runtime(), current_actor(), record_id, _if_match()))


# ---- holds ---------------------------------------------------------------------------------------------------------
@blp.route("/holds")
class Holds(MethodView):
    @endpoint_action("hold.read")
    @blp.arguments(HoldQuerySchema, location="query")
    @blp.response(200, HoldSchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """Penahanan / Holds (``in_force`` filters)."""
        return holds.list_holds(runtime(), current_actor(), in_force=query.get("in_force"))

    @endpoint_action("hold.place")
    @blp.arguments(HoldCreateSchema)
    @blp.response(201, HoldSchema)
    @blp.alt_response(404, response="NOT_FOUND")  # a record named in the body
    def post(self, data: dict[str, Any]) -> Any:
        """Tempatkan penahanan pada arsip / Place a hold on records."""
        return holds.place_hold(runtime(), current_actor(), request.get_json())


@blp.route("/holds/<int:hold_id>")
class HoldItem(MethodView):
    @endpoint_action("hold.read")
    @blp.response(200, HoldSchema)
    def get(self, hold_id: int) -> Any:
        """Satu penahanan / One hold."""
        return holds.get_hold(runtime(), current_actor(), hold_id)


@blp.route("/holds/<int:hold_id>/release")
class HoldRelease(MethodView):
    @endpoint_action("hold.release")
    @blp.arguments(ReasonSchema)
    @blp.response(200, HoldSchema)
    def post(self, data: dict[str, Any], hold_id: int) -> Any:
        """Lepaskan penahanan dengan alasan / Release a hold, with a reason."""
        return holds.release_hold(runtime(), current_actor(), hold_id, data["reason"])


# ---- due lists -----------------------------------------------------------------------------------------------------
@blp.route("/due")
class Due(MethodView):
    @endpoint_action("retention.due")
    @blp.arguments(DueQuerySchema, location="query")
    @blp.response(200, DueRowSchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """Jatuh tempo per prosedur, unit dan bulan / Due per procedure, unit and month."""
        return retention_due.due_summary(
            runtime(),
            current_actor(),
            as_of=query.get("as_of"),
            kind=query.get("kind"),
            unit=query.get("processing_unit"),
        )


@blp.route("/due/records")
class DueRecords(MethodView):
    @endpoint_action("retention.due")
    @blp.arguments(DueListQuerySchema, location="query")
    @blp.response(200, DueRecordSchema(many=True))
    @blp.paginate()
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """Arsip yang jatuh tempo (berhalaman) / The due records (paged)."""
        page = retention_due.due_records(
            runtime(),
            current_actor(),
            query["kind"],
            as_of=query.get("as_of"),
            unit=query.get("processing_unit"),
            month=query.get("month"),
            page=pagination_parameters.page,
            per_page=pagination_parameters.page_size,
        )
        pagination_parameters.item_count = page.total
        return page.items


# ---- disposition batches -------------------------------------------------------------------------------------------
@blp.route("/request-erasures")
class RequestErasures(MethodView):
    @endpoint_action("retention.due")
    @blp.arguments(DueQuerySchema, location="query")
    @blp.response(200, ErasureDueSchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """Data pemohon yang jatuh tempo dihapus / Applicant data due for erasure (number and dates only)."""
        return requests_retention.due_erasures(runtime(), current_actor(), as_of=query.get("as_of"))


@blp.route("/request-erasures/<number>/approval")
class RequestErasureApproval(MethodView):
    @endpoint_action("disposition.approve")
    @blp.arguments(ApprovalSchema)
    @blp.response(200, ErasureDueSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Catat surat persetujuan penghapusan data pemohon / Record the approval to erase the applicant data."""
        return requests_retention.approve_erasure(runtime(), current_actor(), number, _json())


@blp.route("/request-erasures/<number>/execution")
class RequestErasureExecution(MethodView):
    @endpoint_action("disposition.execute")
    @blp.arguments(ExecutionSchema)
    @blp.response(200, ErasureDoneSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Hapus data pemohon dengan berita acara / Erase the applicant data, with the berita acara."""
        return requests_retention.erase(runtime(), current_actor(), number, _json())


@blp.route("/batches")
class Batches(MethodView):
    @endpoint_action("disposition.read")
    @blp.arguments(BatchQuerySchema, location="query")
    @blp.response(200, BatchSummarySchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """Berkas penyusutan / Disposition batches, newest first."""
        return disposition.list_batches(runtime(), current_actor(), kind=query.get("kind"), state=query.get("state"))

    @endpoint_action("disposition.propose")
    @blp.arguments(BatchProposeSchema)
    @blp.response(201, BatchSchema, headers=BATCH_HEADERS)
    @blp.alt_response(404, response="NOT_FOUND")  # a record named in the body
    def post(self, data: dict[str, Any]) -> Any:
        """Usulkan daftar arsip (pindah/musnah/serah) / Propose a list of records for disposition."""
        return _batch(disposition.propose(runtime(), current_actor(), request.get_json()), 201)


@blp.route("/batches/<int:batch_id>")
class BatchItem(MethodView):
    @endpoint_action("disposition.read")
    @blp.response(200, BatchSchema, headers=BATCH_HEADERS)
    def get(self, batch_id: int) -> Any:
        """Satu berkas: daftar, pertimbangan, persetujuan, berita acara / One batch with its list and minutes."""
        return _batch(disposition.get_batch(runtime(), current_actor(), batch_id))


@blp.route("/batches/<int:batch_id>/considerations")
class BatchConsiderations(MethodView):
    @endpoint_action("disposition.appraise")
    @blp.arguments(ConsiderationSchema)
    @blp.response(201, BatchSchema, headers=BATCH_HEADERS)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Pertimbangan anggota panitia penilai / A panel member's consideration."""
        return _batch(disposition.appraise(runtime(), current_actor(), batch_id, _json()), 201)


@blp.route("/batches/<int:batch_id>/conclusion")
class BatchConclusion(MethodView):
    @endpoint_action("disposition.appraise")
    @blp.arguments(ConcludeSchema)
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.response(200, BatchSchema, headers=BATCH_HEADERS)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Simpulkan penilaian panitia / Conclude the panel's appraisal."""
        return _batch(disposition.conclude_panel(runtime(), current_actor(), batch_id, optional_if_match(), _json()))


@blp.route("/batches/<int:batch_id>/approval")
class BatchApproval(MethodView):
    @endpoint_action("disposition.approve")
    @blp.arguments(ApprovalSchema)
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.response(200, BatchSchema, headers=BATCH_HEADERS)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Catat surat persetujuan (bukan pengusul) / Record the approval letter (not the proposer)."""
        return _batch(disposition.approve(runtime(), current_actor(), batch_id, optional_if_match(), _json()))


@blp.route("/batches/<int:batch_id>/refusal")
class BatchRefusal(MethodView):
    @endpoint_action("disposition.approve")
    @blp.arguments(ReasonSchema)
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.response(200, BatchSchema, headers=BATCH_HEADERS)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Tolak atau tarik usulan / Refuse or withdraw the batch."""
        return _batch(disposition.refuse(runtime(), current_actor(), batch_id, optional_if_match(), _json()))


@blp.route("/batches/<int:batch_id>/execution")
class BatchExecution(MethodView):
    @endpoint_action("disposition.execute")
    @blp.arguments(ExecutionSchema)
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.response(200, BatchSchema, headers=BATCH_HEADERS)
    def post(self, data: dict[str, Any], batch_id: int) -> Any:
        """Laksanakan dengan berita acara / Carry the batch out, with its minutes."""
        return _batch(disposition.execute(runtime(), current_actor(), batch_id, optional_if_match(), _json()))


@blp.route("/batches/<int:batch_id>/items/<int:record_id>/exclusion")
class BatchExclusion(MethodView):
    @endpoint_action("disposition.propose")
    @blp.arguments(ReasonSchema)
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.response(200, BatchSchema, headers=BATCH_HEADERS)
    def post(self, data: dict[str, Any], batch_id: int, record_id: int) -> Any:
        """Keluarkan arsip dari berkas / Take a record out of the batch."""
        return _batch(
            disposition.exclude_item(runtime(), current_actor(), batch_id, record_id, optional_if_match(), _json())
        )


@blp.route("/batches/<int:batch_id>/package")
class BatchPackage(MethodView):
    @endpoint_action("disposition.read")
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/x-tar")
    def get(self, batch_id: int) -> Response:
        """Unduh paket BagIt penyerahan (tar); hanya bila semua arsipnya boleh dibaca / Download the BagIt transfer
        package (tar), only when the reader may read every record in it."""
        batch = disposition.package_of(runtime(), current_actor(), batch_id)  # 403 unless every record is readable
        stream = runtime().blobs.open(batch.package_sha256)
        name = batch.no.replace("/", "-") + ".tar"
        response = file_response(stream, filename=name, mime="application/x-tar", size=batch.package_size or 0)
        return response
