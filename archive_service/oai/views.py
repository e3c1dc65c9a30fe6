"""The OAI-PMH 2.0 endpoint at ``/oai`` (GET and POST): the six verbs over `repository`, ``oai_dc`` only.

The view checks the request (`protocol.parse_request`), runs the verb's queries *before* answering (so every error
is known up front and answered as an OAI ``<error>`` with HTTP 200), then streams the XML one record at a time.
The XML is written as text around fragments built with ElementTree (the ``oai_dc:dc`` of
``exports.dublin_core``), every value escaped and cleaned of characters XML forbids.

Registering the blueprint runs the start-up check of the repository identifier (`identity.ensure`): an app whose
``ARSIP_OAI_REPOSITORY_ID`` differs from the identifier in use refuses to start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parseaddr
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask.blueprints import BlueprintSetupState

from ..config import Settings
from ..exports.dublin_core import OAI_DC_NS, clean_text, dc_element, dc_elements
from ..runtime import Runtime
from ..services.catalogue_export import NO_CLASSES, Classes, classes_of, dc_source
from . import identity, protocol, repository
from .protocol import METADATA_PREFIX, OAI_NS, OAI_SCHEMA_LOCATION, ListQuery, OaiError, OaiRequest, Position

bp = Blueprint("oai", __name__)

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
CONTENT_TYPE = "text/xml; charset=utf-8"
DEFAULT_ADMIN_EMAIL = "ppid@example.go.id"
_LOCAL_MAIL_FROM = "arsip@localhost.localdomain"  # config.Settings.mail_from's default: no adminEmail for the world

Body = Iterator[str]


@bp.record_once
def _check_repository_id(state: BlueprintSetupState) -> None:
    """The start-up check (identity.py): store the repository identifier, or refuse a changed one."""
    identity.ensure(state.app.extensions["arsip"])


def _rt() -> Runtime:
    return current_app.extensions["arsip"]


def _base_url(rt: Runtime) -> str:
    return rt.settings.public_base_url.rstrip("/") + "/oai"


def _text(value: object) -> str:
    return escape(clean_text(value) or "")


def _envelope(rt: Runtime, args: dict[str, str], verb: str | None, body: Body) -> Iterator[bytes]:
    """The ``<OAI-PMH>`` document around ``body``; ``<request>`` echoes the (valid) arguments."""
    attrs = "".join(f" {key}={quoteattr(clean_text(value) or '')}" for key, value in sorted(args.items()))
    if verb is not None:
        attrs = f" verb={quoteattr(verb)}{attrs}"
    now = protocol.format_datestamp(datetime.now(UTC))
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{OAI_SCHEMA_LOCATION}">\n'
        f"<responseDate>{now}</responseDate>\n"
        f"<request{attrs}>{escape(_base_url(rt))}</request>\n"
    ).encode()
    for chunk in body:
        yield chunk.encode("utf-8")
    yield b"</OAI-PMH>\n"


def _error(error: OaiError) -> Body:
    yield f"<error code={quoteattr(error.code)}>{_text(error.message)}</error>\n"


def admin_email(settings: Settings) -> str:
    """``ARSIP_OAI_ADMIN_EMAIL``; else the address of ``ARSIP_MAIL_FROM`` once that is set; else the default."""
    if settings.oai_admin_email:
        return settings.oai_admin_email
    address = parseaddr(settings.mail_from)[1] or settings.mail_from
    if address and address != _LOCAL_MAIL_FROM and "@" in address and "." in address.rsplit("@", 1)[1]:
        return address
    return DEFAULT_ADMIN_EMAIL


def _header(rt: Runtime, item: repository.Item) -> str:
    status = ' status="deleted"' if item.deleted else ""
    parts = [
        f"<header{status}>",
        f"<identifier>{escape(repository.item_identifier(rt.settings, item))}</identifier>",
        f"<datestamp>{protocol.format_datestamp(item.datestamp)}</datestamp>",
    ]
    parts.extend(f"<setSpec>{escape(spec)}</setSpec>" for spec in item.sets)  # empty for a deleted item
    parts.append("</header>")
    return "".join(parts)


def _names(rt: Runtime, items: list[repository.Item]) -> Classes:
    return classes_of(rt, [item.record for item in items if item.record is not None])


def _record(rt: Runtime, item: repository.Item, names: Classes) -> str:
    if item.record is None:
        return f"<record>{_header(rt, item)}</record>\n"
    dc = ET.tostring(dc_element(dc_elements(dc_source(rt.settings, item.record, names))), encoding="unicode")
    return f"<record>{_header(rt, item)}<metadata>{dc}</metadata></record>\n"


def _token(total: int, cursor: int, token: str = "") -> str:
    size = f' completeListSize="{total}"' if total > 0 else ""
    return f'<resumptionToken{size} cursor="{cursor}">{escape(token)}</resumptionToken>\n'


# ---- verbs ---------------------------------------------------------------------------------------------------------
def identify(rt: Runtime, req: OaiRequest) -> Body:
    settings = rt.settings
    earliest = repository.earliest_datestamp(rt) or datetime.now(UTC)
    name = f"{settings.institution_name} — PPID {settings.office_name}: Katalog Informasi Publik"
    email = admin_email(settings)
    repository_id = repository.namespace(settings)
    sample = repository.identifier(settings, repository.sample_record_id(rt))

    def body() -> Body:
        yield "<Identify>\n"
        yield f"<repositoryName>{_text(name)}</repositoryName>\n"
        yield f"<baseURL>{escape(_base_url(rt))}</baseURL>\n"
        yield "<protocolVersion>2.0</protocolVersion>\n"
        yield f"<adminEmail>{_text(email)}</adminEmail>\n"
        yield f"<earliestDatestamp>{protocol.format_datestamp(earliest)}</earliestDatestamp>\n"
        # persistent: withdrawn items (oai_items) and items under former repository identifiers
        # (oai_retired_items) are both kept for ever and answered as deleted
        yield "<deletedRecord>persistent</deletedRecord>\n"
        yield f"<granularity>{protocol.GRANULARITY}</granularity>\n"
        yield (
            "<description>"
            f'<oai-identifier xmlns="{OAI_IDENTIFIER_NS}" xmlns:xsi="{XSI_NS}" '
            f'xsi:schemaLocation="{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_SCHEMA}">'
            "<scheme>oai</scheme>"
            f"<repositoryIdentifier>{escape(repository_id)}</repositoryIdentifier>"
            "<delimiter>:</delimiter>"
            f"<sampleIdentifier>{escape(sample)}</sampleIdentifier>"
            "</oai-identifier></description>\n"
        )
        yield "</Identify>\n"

    return body()


def _item_for(rt: Runtime, value: str) -> repository.Item:
    item = repository.find_item(rt, value)
    if item is None:
        raise OaiError("idDoesNotExist", f"Identifier tidak dikenal / unknown identifier: {value[:200]}")
    return item


def _check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Hanya oai_dc / only oai_dc is disseminated, not {prefix[:80]}")


def list_metadata_formats(rt: Runtime, req: OaiRequest) -> Body:
    if "identifier" in req.args:
        _item_for(rt, req.args["identifier"])

    def body() -> Body:
        yield (
            "<ListMetadataFormats><metadataFormat>"
            f"<metadataPrefix>{METADATA_PREFIX}</metadataPrefix><schema>{OAI_DC_SCHEMA}</schema>"
            f"<metadataNamespace>{OAI_DC_NS}</metadataNamespace>"
            "</metadataFormat></ListMetadataFormats>\n"
        )

    return body()


def list_sets(rt: Runtime, req: OaiRequest) -> Body:
    if "resumptionToken" in req.args:  # the set list is always complete in one answer: we never issue one
        raise OaiError("badResumptionToken", "ListSets tidak memakai resumptionToken / ListSets issues no tokens.")
    sets = repository.list_sets(rt)

    def body() -> Body:
        yield "<ListSets>\n"
        for spec, name in sets:
            yield f"<set><setSpec>{escape(spec)}</setSpec><setName>{_text(name)}</setName></set>\n"
        yield "</ListSets>\n"

    return body()


def get_record(rt: Runtime, req: OaiRequest) -> Body:
    item = _item_for(rt, req.args["identifier"])
    _check_prefix(req.args["metadataPrefix"])
    names = _names(rt, [item])

    def body() -> Body:
        yield "<GetRecord>\n"
        yield _record(rt, item, names)
        yield "</GetRecord>\n"

    return body()


def _list(rt: Runtime, req: OaiRequest) -> Body:
    """ListIdentifiers and ListRecords: one keyset page, and a token for the next one."""
    secret = current_app.secret_key or ""
    if "resumptionToken" in req.args:
        query, position = protocol.decode_token(secret, req.args["resumptionToken"], req.verb)
        after: tuple[datetime, int, str] | None = (position.datestamp, position.record_id, position.repository_id)
        cursor, known_total = position.cursor, position.total
    else:
        query, after, cursor, known_total = ListQuery.from_args(req.verb, req.args), None, 0, 0
    _check_prefix(query.metadata_prefix)
    start, stop = protocol.date_range(query.from_, query.until)
    size = max(1, rt.settings.oai_page_size)
    page = repository.list_page(
        rt, set_spec=query.set_spec, start=start, stop=stop, after=after, limit=size, count=after is None
    )
    if not page.items:
        raise OaiError("noRecordsMatch", "Tidak ada rekaman yang cocok / no records match the request.")
    total = max(page.total if after is None else known_total, cursor + len(page.items))
    token = None
    if page.more:
        last = page.items[-1]
        position = Position(last.datestamp, last.record_id, cursor + len(page.items), total, last.repository_id)
        token = protocol.encode_token(secret, query, position)
    records = req.verb == "ListRecords"
    names = _names(rt, page.items) if records else NO_CLASSES

    def body() -> Body:
        yield f"<{req.verb}>\n"
        for item in page.items:
            yield _record(rt, item, names) if records else _header(rt, item) + "\n"
        if token is not None:
            yield _token(total, cursor, token)
        elif after is not None:  # the last page of a resumed list: an empty token closes it (§3.5)
            yield _token(total, cursor)
        yield f"</{req.verb}>\n"

    return body()


VERB_HANDLERS: dict[str, Callable[[Runtime, OaiRequest], Body]] = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": _list,
    "ListRecords": _list,
}


def _answer(rt: Runtime, args: dict[str, str], verb: str | None, body: Body) -> Response:
    stream = stream_with_context(_envelope(rt, args, verb, body))
    return Response(stream, status=200, content_type=CONTENT_TYPE)


@bp.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    rt = _rt()
    source = request.form if request.method == "POST" else request.args
    pairs = list(source.items(multi=True))
    try:
        req = protocol.parse_request(pairs)
    except OaiError as error:
        return _answer(rt, {}, None, _error(error))
    try:
        repository.maybe_sync(rt)
        body = VERB_HANDLERS[req.verb](rt, req)
    except OaiError as error:
        if error.echoes_arguments:
            return _answer(rt, req.args, req.verb, _error(error))
        return _answer(rt, {}, None, _error(error))
    return _answer(rt, req.args, req.verb, body)
