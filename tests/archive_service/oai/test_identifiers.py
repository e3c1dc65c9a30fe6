"""OAI-PMH identifiers that harvesters can keep: ``oai:<ARSIP_OAI_REPOSITORY_ID>:<record id>``, independent of the
base URL, checked against the oai-identifier syntax at start-up, stored the first time, refused when changed, and
changed only by ``arsip oai rename-repository``, which announces the old identifiers as deleted and the new ones
with a fresh datestamp. Identify describes the scheme (``oai-identifier``, valid against its XSD)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy import delete, select

from archive_service.app import create_app
from archive_service.cli import main
from archive_service.config import Settings
from archive_service.db.models import AuditEvent, OaiRepositoryId, OaiRetiredItem
from archive_service.oai import identity, protocol, repository
from archive_service.oai.protocol import REPOSITORY_ID_RE, ListQuery, Position
from archive_service.oai.views import DEFAULT_ADMIN_EMAIL, admin_email
from archive_service.runtime import Runtime

from .conftest import HOST, XSD_DIR, assert_valid

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "i": "http://www.openarchives.org/OAI/2.0/oai-identifier",
    "dc": "http://purl.org/dc/elements/1.1/",
}
NEW = "ppid.kotacontoh.go.id"


@contextmanager
def _app_with(rt: Runtime, **changes: Any) -> Iterator[Any]:
    """An app on the same database with some settings changed (another process, a restart)."""
    other = Runtime.from_settings(dataclasses.replace(rt.settings, **changes))
    try:
        app = create_app(runtime=other)
        app.config["TESTING"] = True
        yield app.test_client()
    finally:
        other.close()


def _get(client: Any, **params: str) -> Any:
    response = client.get("/oai", query_string=params)
    assert response.status_code == 200
    return assert_valid(response.data)


def _headers(client: Any, verb: str = "ListIdentifiers", **params: str) -> list[tuple[str, str, str | None]]:
    """``(identifier, datestamp, status)`` of every header of a list, following resumption tokens."""
    out: list[tuple[str, str, str | None]] = []
    doc = _get(client, verb=verb, metadataPrefix="oai_dc", **params)
    while True:
        if doc.find("o:error", NS) is not None:
            assert doc.find("o:error", NS).get("code") == "noRecordsMatch"
            return out
        for header in doc.iterfind(".//o:header", NS):
            ident, stamp = header.findtext("o:identifier", namespaces=NS), header.findtext("o:datestamp", namespaces=NS)
            out.append((ident, stamp, header.get("status")))
        token = doc.find(f"o:{verb}/o:resumptionToken", NS)
        if token is None or not token.text:
            return out
        doc = _get(client, verb=verb, resumptionToken=token.text)


# ---- the setting -----------------------------------------------------------------------------------------------------
def test_the_default_identifier_and_admin_email_are_valid() -> None:
    settings = Settings()
    assert REPOSITORY_ID_RE.match(settings.oai_repository_id)
    assert settings.oai_repository_id == "arsip.example.go.id"
    assert _xsd_accepts(settings.oai_repository_id)
    # adminEmail: never the local default of ARSIP_MAIL_FROM
    assert settings.mail_from == "arsip@localhost.localdomain"
    assert admin_email(settings) == DEFAULT_ADMIN_EMAIL == "ppid@example.go.id"
    assert admin_email(Settings(mail_from="PPID Kota <ppid@kotacontoh.go.id>")) == "ppid@kotacontoh.go.id"
    explicit = Settings(oai_admin_email="oai@kotacontoh.go.id", mail_from="x@y.go.id")
    assert admin_email(explicit) == "oai@kotacontoh.go.id"
    with pytest.raises(ValueError, match="ARSIP_OAI_ADMIN_EMAIL"):
        Settings(oai_admin_email="admin@localhost")


def _xsd_accepts(repository_id: str) -> bool:
    """Whether oai-identifier.xsd accepts ``repository_id`` (in a description with a matching sample)."""
    doc = (
        f'<oai-identifier xmlns="{NS["i"]}"><scheme>oai</scheme><repositoryIdentifier>{repository_id}'
        f"</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>oai:{repository_id}:1</sampleIdentifier>"
        "</oai-identifier>"
    )
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "oai-identifier.xsd"))).validate(etree.fromstring(doc))


INVALID = ["127.0.0.1", "localhost", "", "1ppid.go.id", "ppid.-x.go.id", "ppid_kota.go.id", "ppid.go.id:8000", "a.b."]


@pytest.mark.parametrize("value", ["arsip.example.go.id", "ppid.kotacontoh.go.id", "a.b", "Arsip-1.x-y.id", *INVALID])
def test_the_setting_follows_the_oai_identifier_schema(value: str) -> None:
    assert bool(REPOSITORY_ID_RE.match(value)) == _xsd_accepts(value) == (value not in INVALID)


@pytest.mark.parametrize("value", INVALID)
def test_an_invalid_identifier_is_refused_at_start_up(value: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as info:
        Settings(oai_repository_id=value)
    message = str(info.value)
    assert "tidak sah" in message and "is invalid" in message and "ARSIP_OAI_REPOSITORY_ID" in message

    result = CliRunner().invoke(
        main, ["oai", "status"], env={"ARSIP_DATA_DIR": str(tmp_path / "var"), "ARSIP_OAI_REPOSITORY_ID": value or " "}
    )
    if value:  # an empty variable keeps the default, which is valid
        assert result.exit_code == 2
        assert "Galat / Error: ARSIP_OAI_REPOSITORY_ID" in result.output


def test_identifiers_do_not_follow_the_base_url(client, rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    before = _headers(client)
    assert before and all(ident.startswith(f"oai:{HOST}:") for ident, _, _ in before)
    with _app_with(rt, public_base_url="http://127.0.0.1:8000") as moved:
        assert _headers(moved) == before  # same identifiers, same datestamps
        doc = _get(moved, verb="Identify")
        assert doc.findtext(".//o:baseURL", namespaces=NS) == "http://127.0.0.1:8000/oai"
        assert doc.findtext(".//i:repositoryIdentifier", namespaces=NS) == HOST


# ---- Identify ------------------------------------------------------------------------------------------------------
def test_identify_describes_the_identifier_scheme(client, rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    doc = _get(client, verb="Identify")  # OAI-PMH.xsd validates <description> strictly: oai-identifier.xsd too
    description = doc.find("o:Identify/o:description/i:oai-identifier", NS)
    assert description is not None
    schema = etree.XMLSchema(etree.parse(str(XSD_DIR / "oai-identifier.xsd")))
    assert schema.validate(etree.fromstring(etree.tostring(description))), schema.error_log
    values = {child.tag.split("}")[1]: child.text for child in description}
    first = min(catalogue.published)
    assert values == {
        "scheme": "oai",
        "repositoryIdentifier": HOST,
        "delimiter": ":",
        "sampleIdentifier": f"oai:{HOST}:{first}",
    }
    assert doc.findtext(".//o:deletedRecord", namespaces=NS) == "persistent"
    assert doc.findtext(".//o:adminEmail", namespaces=NS) == "ppid@example.go.id"
    with rt.db.read() as session:
        assert identity.stored(session) == HOST


# ---- a change of the setting ----------------------------------------------------------------------------------------
def test_a_changed_setting_is_refused_without_the_migration(client, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert _get(client, verb="Identify") is not None  # the app started: HOST is stored
    with pytest.raises(identity.RepositoryIdChanged) as info, _app_with(rt, oai_repository_id=NEW):
        pass
    message = str(info.value)
    assert f"arsip oai rename-repository --to {NEW}" in message
    assert "tidak boleh berubah" in message and "must not change" in message

    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("ARSIP_OAI_REPOSITORY_ID", NEW)
    status = CliRunner().invoke(main, ["oai", "status"])
    assert status.exit_code == 1 and f"in use: {HOST}" in status.output and "rename-repository" in status.output
    # the command wants the new value confirmed and configured: a typo is not a rename
    wrong = CliRunner().invoke(main, ["oai", "rename-repository", "--to", "ppid.kotacontoh.go.di"])
    assert wrong.exit_code == 2 and "set ARSIP_OAI_REPOSITORY_ID=ppid.kotacontoh.go.di first" in wrong.output
    with rt.db.read() as session:
        assert identity.stored(session) == HOST


def test_rename_announces_the_old_identifiers_as_deleted(client, rt, catalogue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = _headers(client)  # the first request registers the withdrawals
    live_before = {i for i, _, status in before if status is None}
    gone_before = {i for i, _, status in before if status == "deleted"}
    assert len(live_before) == 10 and len(gone_before) == 4

    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    monkeypatch.setenv("ARSIP_OAI_REPOSITORY_ID", NEW)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    monkeypatch.setattr(identity, "_now", lambda: later)
    result = CliRunner().invoke(main, ["oai", "rename-repository", "--to", NEW], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "14 pengenal lama" in result.output and "10 butir" in result.output
    again = CliRunner().invoke(main, ["oai", "rename-repository", "--to", NEW], catch_exceptions=False)
    assert again.exit_code == 0 and "nothing to do" in again.output
    assert CliRunner().invoke(main, ["oai", "status"]).exit_code == 0
    repository._last_sync.clear()

    stamp = protocol.format_datestamp(later)
    with _app_with(rt, oai_repository_id=NEW) as renamed:
        # an incremental harvest from the rename sees both: every old live identifier deleted, every new one live
        recent = _headers(renamed, **{"from": stamp})
        assert {i for i, _, s in recent if s == "deleted"} == live_before
        assert {i for i, _, s in recent if s is None} == {i.replace(HOST, NEW) for i in live_before}
        assert {d for _, d, _ in recent} == {stamp}
        # a full harvest: the withdrawn ones keep their deletion (and its datestamp), nothing twice, nothing lost;
        # the pages (of 3) cut through items of one datestamp and record id under two identifiers
        full = _headers(renamed)
        assert len(full) == len(set(full)) == 24
        assert {(i, d) for i, d, s in full if i in gone_before} == {(i, d) for i, d, s in before if i in gone_before}
        assert _headers(renamed, verb="ListRecords") == full
        # sets hold live items only
        assert {i for i, _, _ in _headers(renamed, set="kategori")} == {i.replace(HOST, NEW) for i in live_before}

        old, new = sorted(live_before)[0], sorted(live_before)[0].replace(HOST, NEW)
        doc = _get(renamed, verb="GetRecord", identifier=old, metadataPrefix="oai_dc")
        header = doc.find(".//o:header", NS)
        assert header.get("status") == "deleted" and header.findtext("o:identifier", namespaces=NS) == old
        assert doc.find(".//o:metadata", NS) is None
        doc = _get(renamed, verb="GetRecord", identifier=new, metadataPrefix="oai_dc")
        assert doc.find(".//o:header", NS).get("status") is None and doc.find(".//dc:title", NS) is not None
        assert _get(renamed, verb="ListMetadataFormats", identifier=old).find("o:error", NS) is None
        unknown = _get(renamed, verb="GetRecord", identifier="oai:lain.go.id:1", metadataPrefix="oai_dc")
        assert unknown.find("o:error", NS).get("code") == "idDoesNotExist"

        identify = _get(renamed, verb="Identify")
        assert identify.findtext(".//i:repositoryIdentifier", namespaces=NS) == NEW
        assert identify.findtext(".//i:sampleIdentifier", namespaces=NS).startswith(f"oai:{NEW}:")

    # the old app (old setting) may not start any more
    with pytest.raises(identity.RepositoryIdChanged), _app_with(rt, oai_repository_id=HOST):
        pass
    with rt.db.read() as session:
        assert identity.former(session) == [HOST]
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "oai.rename_repository")).scalar_one()
        assert event.changes["repository_id"] == {"before": HOST, "after": NEW}


def test_renaming_back_revives_the_former_identifiers(rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    repository.sync(rt)
    now = datetime.now(UTC).replace(microsecond=0)
    first = identity.rename(dataclasses.replace(rt, settings=dataclasses.replace(rt.settings)), NEW, now)
    assert (first.old, first.new, first.retired, first.live) == (HOST, NEW, 14, 10)
    back = identity.rename(rt, HOST, now + timedelta(seconds=1))
    assert (back.old, back.new, back.retired, back.live) == (NEW, HOST, 10, 10)
    with rt.db.read() as session:
        retired = set(session.execute(select(OaiRetiredItem.repository_id, OaiRetiredItem.record_id)))
        current = identity.stored(session)
    assert current == HOST and {ns for ns, _ in retired} == {NEW}  # HOST's items are current again
    assert {i for _, i in retired} == set(catalogue.published)


def test_an_upgraded_repository_keeps_the_identifiers_it_served(rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    """Before identifiers were stored they followed the host of the base URL: a repository that already exposed
    items keeps that host as its identifier, and a different setting is refused like any change."""
    repository.sync(rt)
    with rt.db.write() as session:
        session.execute(delete(OaiRepositoryId))  # as after migration 0014 on a repository of 0013
    legacy = dataclasses.replace(rt.settings, public_base_url="http://127.0.0.1:8000")
    with pytest.raises(identity.RepositoryIdChanged) as info:
        identity.ensure(Runtime.from_settings(legacy))
    assert info.value.stored == "127.0.0.1" and info.value.configured == HOST
    with rt.db.read() as session:
        assert identity.stored(session) == "127.0.0.1"
    renamed = identity.rename(rt, HOST)
    assert renamed.old == "127.0.0.1" and renamed.retired == 14
    assert identity.ensure(rt) == HOST


def test_tokens_carry_the_former_identifier_of_their_position() -> None:
    query = ListQuery("ListIdentifiers", "oai_dc")
    position = Position(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC), 42, 6, 120, "ppid.lama.go.id")
    token = protocol.encode_token("secret", query, position)
    assert protocol.decode_token("secret", token, "ListIdentifiers") == (query, position)
    current = Position(position.datestamp, 42, 6, 120)
    assert protocol.decode_token("secret", protocol.encode_token("secret", query, current), "ListIdentifiers")[1] == (
        current
    )
