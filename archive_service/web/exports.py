"""Open-data exports of the public portal (no login): one record as Dublin Core, the whole catalogue as a dump.

Thin views over ``services.catalogue_export``, which filters by ``public_condition()``: a record that is not public
answers 404 exactly like its portal page. The catalogue dumps are streamed (one chunk per keyset batch) and count
against their own rate budget, as large downloads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, request, stream_with_context

from ..errors import NotFound, TooManyRequests
from ..exports.dublin_core import record_dc_xml
from ..ratelimit import app_limiter
from ..runtime import Runtime
from ..services import catalogue_export

bp = Blueprint("exports", __name__)


def _rt() -> Runtime:
    return current_app.extensions["arsip"]


def _public(record_id: int):  # type: ignore[no-untyped-def]
    try:
        return catalogue_export.public_record(_rt(), record_id)
    except NotFound:
        abort(404)


@bp.get("/informasi/<int:record_id>/dc.xml")
def record_dc(record_id: int) -> Response:
    record = _public(record_id)
    classes = catalogue_export.classes_of(_rt(), [record])
    body = record_dc_xml(catalogue_export.dc_source(_rt().settings, record, classes))
    response = Response(body, content_type="application/xml; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/informasi/<int:record_id>/dc.json")
def record_dc_json(record_id: int) -> Response:
    record = _public(record_id)
    classes = catalogue_export.classes_of(_rt(), [record])
    body = json.dumps(catalogue_export.dc_json(_rt().settings, record, classes), ensure_ascii=False, indent=2)
    response = Response(body + "\n", content_type="application/json; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _download(producer: Callable[[Runtime], Iterator[bytes]], name: str, content_type: str) -> Response:
    rt = _rt()
    try:
        app_limiter("public_export", rt.settings.public_search_rate_per_minute).check(request.remote_addr or "-")
    except TooManyRequests as exc:
        response = Response("Terlalu banyak unduhan; coba lagi sebentar lagi.\n", status=429, mimetype="text/plain")
        response.headers["Retry-After"] = str(getattr(exc, "retry_after", 60) or 60)
        return response
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    response = Response(stream_with_context(producer(rt)), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name.format(stamp)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/ekspor/katalog.csv")
def catalogue_csv() -> Response:
    return _download(catalogue_export.catalogue_csv, "katalog-informasi-publik-{}.csv", "text/csv; charset=utf-8")


@bp.get("/ekspor/katalog.json")
def catalogue_json() -> Response:
    return _download(
        catalogue_export.catalogue_json, "katalog-informasi-publik-{}.json", "application/json; charset=utf-8"
    )


@bp.get("/ekspor/katalog-dc.xml")
def catalogue_dc_xml() -> Response:
    return _download(
        catalogue_export.catalogue_dc_xml, "katalog-informasi-publik-dc-{}.xml", "application/xml; charset=utf-8"
    )
