"""Requests for information and objections (issue 18; docs/requests.md): thin views over ``services.requests`` and
``services.requests_objections``.

Public, no account (``/api/v1/public/...``, rate limited per client address): the challenge, the request form
(multipart: a ``metadata`` part with the JSON form, or the same fields as form fields with ``applicant`` as JSON,
and one ``identity_file``), tracking by number and ``secret``, filing an objection with the secret, and the
time-limited delivery link. Staff (token): the handlers' worklist and actions, the Atasan PPID's objections.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.requests import (
    ChallengeSchema,
    DecideSchema,
    DeliveryLinkSchema,
    DeliveryListingSchema,
    DeliveryOutSchema,
    DeliveryRevokedSchema,
    DeliveryRevokeSchema,
    DipFollowupSchema,
    DisputeSchema,
    ExtendSchema,
    LinkSchema,
    ObjectionCreateSchema,
    ObjectionDecideSchema,
    ObjectionOutSchema,
    PublicObjectionSchema,
    RegisteredSchema,
    RequestCreateSchema,
    RequestOutSchema,
    RequestWorkItemSchema,
    TrackingSchema,
)
from schemas.search import SearchQuerySchema, SearchResultSchema

from ..downloads import file_response
from ..errors import ValidationFailed
from ..ratelimit import app_limiter
from ..services import requests as svc
from ..services import requests_challenge
from ..services import requests_objections as objections
from .records import IF_MATCH_OPTIONAL, optional_if_match
from .search import _json as search_json
from .search import _params as search_params
from .security import current_actor, endpoint_action, runtime
from .strict_input import loads_json
from .uploads import collect_uploads

blp = Blueprint(
    "requests",
    __name__,
    url_prefix="/api/v1",
    description="Permohonan informasi dan keberatan (UU 14/2008) / Requests for information and objections",
)

PUBLIC = {"security": []}


def _limit(name: str, factor: int = 1) -> None:
    per_minute = runtime().settings.request_rate_per_minute
    app_limiter(name, per_minute * factor if per_minute > 0 else 0).check(request.remote_addr or "-")


def _form() -> dict[str, Any]:
    """The request's fields: a JSON ``metadata`` part, or plain form fields (the portal's form without
    JavaScript), where ``applicant`` and list fields may be given as JSON or repeated."""
    if request.mimetype == "multipart/form-data" or request.mimetype == "application/x-www-form-urlencoded":
        raw = request.form.get("metadata")
        if raw is not None:
            try:
                data = loads_json(raw, where="metadata")
            except json.JSONDecodeError as exc:
                raise ValidationFailed(errors={"metadata": ["Bukan JSON yang sah. / Not valid JSON."]}) from exc
        else:
            data = {}
            for key in request.form:
                values = request.form.getlist(key)
                if key in {"receipt_forms", "delivery_methods"}:
                    data[key] = values
                elif key == "applicant":
                    try:
                        data[key] = loads_json(values[0], where="applicant")
                    except json.JSONDecodeError as exc:
                        raise ValidationFailed(
                            errors={"applicant": ["Bukan JSON yang sah. / Not valid JSON."]}
                        ) from exc
                elif key.startswith("applicant."):
                    data.setdefault("applicant", {})[key.removeprefix("applicant.")] = values[0]
                else:
                    data[key] = values[0]
    else:
        data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Kirim isian sebagai objek JSON.", "Send the fields as a JSON object.")
    return data


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("Kirim isian sebagai objek JSON.", "Send the fields as a JSON object.")
    return data


def _registered(result: svc.Registered) -> Response:
    body = RegisteredSchema().dump(result)
    return Response(json.dumps(body, ensure_ascii=False), status=201, mimetype="application/json")


MULTIPART_REQUEST = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "metadata": {"type": "string", "description": "The form as JSON (RequestCreate fields)."},
                    "identity_file": {"type": "string", "format": "binary"},
                },
                "required": ["metadata"],
            }
        },
        "application/json": {"schema": RequestCreateSchema},
    }
}


# ---- public --------------------------------------------------------------------------------------------------------
@blp.route("/public/requests/challenge")
class Challenge(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(200, ChallengeSchema)
    def get(self) -> Any:
        """Tantangan untuk formulir permohonan / A challenge for the request form (no JavaScript needed)."""
        return requests_challenge.issue(runtime())


@blp.route("/public/requests")
class PublicRequests(MethodView):
    @blp.doc(
        security=[],
        requestBody={
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "metadata": {
                                "type": "string",
                                "description": "The form as JSON: RequestCreate fields plus challenge_token, "
                                "challenge_answer and the empty honeypot 'website'.",
                            },
                            "identity_file": {"type": "string", "format": "binary"},
                        },
                        "required": ["metadata", "identity_file"],
                    }
                }
            }
        },
    )
    @blp.response(201, RegisteredSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self) -> Any:
        """Ajukan permohonan informasi / Submit a request for information (tanpa akun / no account).

        Jawaban memuat nomor dan kode rahasia untuk melacak (sekali saja) / The answer holds the number and the
        secret for tracking (shown once)."""
        _limit("public_requests")
        identity = collect_uploads("identity_file")
        return _registered(svc.register_public(runtime(), _form(), identity))


SECRET_QUERY = {"in": "query", "name": "secret", "required": True, "schema": {"type": "string"}}


@blp.route("/public/requests/<number>")
class Tracking(MethodView):
    @blp.doc(security=[], parameters=[SECRET_QUERY])
    @blp.response(200, TrackingSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self, number: str) -> Any:
        """Lacak permohonan dengan nomor dan kode rahasia / Track a request by number and secret."""
        _limit("public_tracking", 6)
        return svc.track(runtime(), number, request.args.get("secret", ""))


@blp.route("/public/requests/<number>/objections")
class PublicObjections(MethodView):
    @blp.doc(security=[])
    @blp.arguments(ObjectionCreateSchema)
    @blp.response(201, PublicObjectionSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Ajukan keberatan dengan kode rahasia / File an objection with the secret (Pasal 35)."""
        _limit("public_requests")
        return objections.file_objection(runtime(), number, _json_body())


@blp.route("/public/deliveries/<token>")
class Delivery(MethodView):
    @blp.doc(**PUBLIC)
    @blp.response(200, DeliveryListingSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self, token: str) -> Any:
        """Berkas yang diberikan (tautan berbatas waktu) / The files given (time-limited link)."""
        _limit("public_tracking", 6)
        return svc.delivery_listing(runtime(), token)


@blp.route("/public/deliveries/<token>/<key>")
class DeliveryFile(MethodView):
    @blp.doc(
        security=[],
        responses={
            "200": {
                "description": "Berkas / The file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self, token: str, key: str) -> Any:
        """Unduh satu berkas yang diberikan / Download one file given."""
        _limit("public_tracking", 6)
        filename, mime, size, stream = svc.open_delivery_file(runtime(), token, key)
        return file_response(stream, filename=filename, mime=mime, size=size)


# ---- staff: requests ------------------------------------------------------------------------------------------------
@blp.route("/requests")
class Requests(MethodView):
    @endpoint_action("request.read")
    @blp.response(200, RequestWorkItemSchema(many=True))
    def get(self) -> Any:
        """Daftar kerja permohonan, yang paling segera jatuh tempo dulu / Request worklist, soonest due first."""
        return svc.worklist(runtime(), current_actor(), open_only=request.args.get("all") not in {"1", "true"})

    @endpoint_action("request.register")
    @blp.doc(requestBody=MULTIPART_REQUEST)
    @blp.response(201, RegisteredSchema)
    def post(self) -> Any:
        """Catat permohonan dari loket, surat atau e-mail / Register a request from the desk, a letter or e-mail."""
        identity = collect_uploads("identity_file") if request.mimetype == "multipart/form-data" else []
        return _registered(svc.register_desk(runtime(), current_actor(), _form(), identity))


@blp.route("/requests/dip-followups")
class DipFollowups(MethodView):
    @endpoint_action("request.read")
    @blp.response(200, DipFollowupSchema(many=True))
    def get(self) -> Any:
        """Langkah 14: informasi yang diberikan atas permohonan tetapi belum di DIP / Step 14: given on request, not
        in the DIP."""
        return svc.dip_followups(runtime(), current_actor())


@blp.route("/requests/<number>")
class RequestItem(MethodView):
    @endpoint_action("request.read")
    @blp.response(200, RequestOutSchema)
    def get(self, number: str) -> Any:
        """Satu permohonan dengan kartu kendalinya / One request with its control card."""
        return svc.get_request(runtime(), current_actor(), number)


@blp.route("/requests/<number>/search")
class RequestSearch(MethodView):
    @endpoint_action("request.handle")
    @blp.doc(parameters=[{"in": "query", "schema": SearchQuerySchema}])
    @blp.response(200, SearchResultSchema)
    def get(self, number: str) -> Any:
        """Cari arsip dari teks permohonan / Search the archive from the request's text (first query)."""
        return search_json(svc.search_for(runtime(), current_actor(), number, search_params()))


@blp.route("/requests/<number>/take-up")
class TakeUp(MethodView):
    @endpoint_action("request.handle")
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.response(200, RequestOutSchema)
    def post(self, number: str) -> Any:
        """Proses permohonan / Take up the request."""
        return svc.take_up(runtime(), current_actor(), number, optional_if_match())


@blp.route("/requests/<number>/extension")
class Extension(MethodView):
    @endpoint_action("request.decide")
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.arguments(ExtendSchema)
    @blp.response(200, RequestOutSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Perpanjang sekali, 7 hari kerja, dengan alasan / Extend once, 7 working days, with reasons."""
        return svc.extend(runtime(), current_actor(), number, optional_if_match(), _json_body())


@blp.route("/requests/<number>/links")
class Links(MethodView):
    @endpoint_action("request.handle")
    @blp.doc(
        requestBody={
            "content": {
                "application/json": {"schema": LinkSchema},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "metadata": {"type": "string", "description": "Link fields as JSON."},
                            "redacted_file": {"type": "string", "format": "binary"},
                        },
                        "required": ["metadata"],
                    }
                },
            }
        }
    )
    @blp.response(201, RequestOutSchema)
    def post(self, number: str) -> Any:
        """Tautkan arsip yang menjawab (opsional salinan dihitamkan) / Link a record that answers (optionally a
        redacted copy)."""
        redacted = collect_uploads("redacted_file") if request.mimetype == "multipart/form-data" else []
        return svc.link_record(runtime(), current_actor(), number, _form(), redacted), 201


@blp.route("/requests/<number>/decision")
class Decision(MethodView):
    @endpoint_action("request.decide")
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.arguments(DecideSchema)
    @blp.response(200, RequestOutSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Jawaban tertulis PPID / The PPID's written answer (dikabulkan, dikabulkan_sebagian, ditolak_pasal17,
        tidak_dikuasai, belum_didokumentasikan)."""
        return svc.decide(runtime(), current_actor(), number, optional_if_match(), _json_body())


@blp.route("/requests/<number>/delivery")
class DeliveryLink(MethodView):
    @endpoint_action("request.deliver")
    @blp.arguments(DeliveryLinkSchema)
    @blp.response(201, DeliveryOutSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Tautan unduhan berbatas waktu untuk berkas yang diberikan / A time-limited download link."""
        return svc.issue_delivery(runtime(), current_actor(), number, data)


@blp.route("/requests/<number>/delivery/revocation")
class DeliveryRevocation(MethodView):
    @endpoint_action("request.deliver")
    @blp.arguments(DeliveryRevokeSchema)
    @blp.response(200, DeliveryRevokedSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Cabut tautan unduhan (satu, dengan ``token``, atau semua yang berlaku) / Revoke download links (one by its
        ``token``, or every one in force); a revoked link answers like an unknown one."""
        return svc.revoke_delivery(runtime(), current_actor(), number, data)


@blp.route("/requests/<number>/objections")
class DeskObjections(MethodView):
    @endpoint_action("objection.register")
    @blp.arguments(ObjectionCreateSchema)
    @blp.response(201, ObjectionOutSchema)
    def post(self, data: dict[str, Any], number: str) -> Any:
        """Catat keberatan dari loket / Register an objection at the desk."""
        return objections.file_objection(runtime(), number, _json_body(), actor=current_actor())


# ---- staff: objections ----------------------------------------------------------------------------------------------
@blp.route("/objections")
class Objections(MethodView):
    @endpoint_action("objection.read")
    @blp.response(200, RequestWorkItemSchema(many=True))
    def get(self) -> Any:
        """Daftar kerja Atasan PPID: keberatan, yang paling segera jatuh tempo dulu / The Atasan PPID's worklist."""
        return objections.worklist(runtime(), current_actor(), open_only=request.args.get("all") not in {"1", "true"})


@blp.route("/objections/<objection_no>")
class ObjectionItem(MethodView):
    @endpoint_action("objection.read")
    @blp.response(200, ObjectionOutSchema)
    def get(self, objection_no: str) -> Any:
        """Satu keberatan / One objection."""
        return objections.get_objection(runtime(), current_actor(), objection_no)


@blp.route("/objections/<objection_no>/decision")
class ObjectionDecision(MethodView):
    @endpoint_action("objection.decide")
    @blp.doc(parameters=[IF_MATCH_OPTIONAL])
    @blp.arguments(ObjectionDecideSchema)
    @blp.response(200, ObjectionOutSchema)
    def post(self, data: dict[str, Any], objection_no: str) -> Any:
        """Putusan Atasan PPID / The Atasan PPID's decision (dikabulkan / ditolak, with reasons)."""
        return objections.decide(runtime(), current_actor(), objection_no, optional_if_match(), _json_body())


@blp.route("/objections/<objection_no>/disputes")
class Disputes(MethodView):
    @endpoint_action("dispute.record")
    @blp.arguments(DisputeSchema)
    @blp.response(201, ObjectionOutSchema)
    def post(self, data: dict[str, Any], objection_no: str) -> Any:
        """Catat sengketa di Komisi Informasi / Record a dispute with the Komisi Informasi."""
        return objections.record_dispute(runtime(), current_actor(), objection_no, _json_body())
