"""OAI-PMH protocol rules: every answer validates against OAI-PMH.xsd + oai_dc.xsd, every error code where it applies,
resumption tokens (signed, keyset-positioned), and records that were never public never appear anywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from archive_service.db import Record
from archive_service.db.models import OaiItem
from archive_service.oai import protocol, repository
from archive_service.oai.protocol import ListQuery, OaiError, Position
from archive_service.services import records
from archive_service.services.actor import SYSTEM

from .conftest import HOST, act, assert_valid

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


# ---- pure protocol rules -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pairs", "code"),
    [
        ([], "badVerb"),
        ([("verb", "Frobnicate")], "badVerb"),
        ([("verb", "Identify"), ("verb", "Identify")], "badVerb"),
        ([("verb", "Identify"), ("foo", "1")], "badArgument"),
        ([("verb", "ListRecords")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2026-13-01")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2026-01-01T00:00:00")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("until", "2026-01-01T00:00:00.5Z")], "badArgument"),
        (
            [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2026-02-01"), ("until", "2026-01-01")],
            "badArgument",
        ),
        (
            [
                ("verb", "ListRecords"),
                ("metadataPrefix", "oai_dc"),
                ("from", "2026-01-01"),
                ("until", "2026-01-02T00:00:00Z"),
            ],
            "badArgument",
        ),
        ([("verb", "ListRecords"), ("resumptionToken", "x"), ("metadataPrefix", "oai_dc")], "badArgument"),
        ([("verb", "GetRecord"), ("identifier", "oai:x:1")], "badArgument"),
        ([("verb", "GetRecord"), ("identifier", "a b"), ("metadataPrefix", "oai_dc")], "badArgument"),
        ([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("set", "kategori::x")], "badArgument"),
        ([("verb", "Identify"), ("resumptionToken", "x")], "badArgument"),
    ],
)
def test_request_checking(pairs: list[tuple[str, str]], code: str) -> None:
    with pytest.raises(OaiError) as info:
        protocol.parse_request(pairs)
    assert info.value.code == code


def test_token_round_trip_and_tampering() -> None:
    query = ListQuery("ListRecords", "oai_dc", "kategori:berkala", "2026-01-01", None)
    position = Position(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC), 42, 6, 120)
    token = protocol.encode_token("secret", query, position)
    assert protocol.decode_token("secret", token, "ListRecords") == (query, position)
    body = token.partition(".")[0]
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        ("B" if body[0] != "B" else "C") + token[1:],
        body,
        "",
        "..",
        "not a token",
    ]
    for bad in forged:
        with pytest.raises(OaiError) as info:
            protocol.decode_token("secret", bad, "ListRecords")
        assert info.value.code == "badResumptionToken"
    for secret, verb in (("other secret", "ListRecords"), ("secret", "ListIdentifiers")):
        with pytest.raises(OaiError):
            protocol.decode_token(secret, token, verb)


# ---- over the app --------------------------------------------------------------------------------------------------
def _get(client, **params: str):  # type: ignore[no-untyped-def]
    response = client.get("/oai", query_string=params)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return assert_valid(response.data)


def _error(doc) -> str | None:  # type: ignore[no-untyped-def]
    error = doc.find("o:error", NS)
    return None if error is None else error.get("code")


def _ids(doc) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(e.text.rsplit(":", 1)[1]) for e in doc.iterfind(".//o:header/o:identifier", NS)]


def _harvest(client, verb: str = "ListRecords", **params: str):  # type: ignore[no-untyped-def]
    """Every page of a list, following resumption tokens; returns the documents."""
    docs = [_get(client, verb=verb, metadataPrefix="oai_dc", **params)]
    while True:
        token = docs[-1].find(f"o:{verb}/o:resumptionToken", NS)
        if token is None or not token.text:
            return docs
        docs.append(_get(client, verb=verb, resumptionToken=token.text))


def test_every_answer_validates_and_errors_are_right(client, rt, catalogue) -> None:
    live, gone = catalogue.published[0], catalogue.withdrawn["exempt"]
    ident = f"oai:{HOST}:{live}"
    cases: list[tuple[dict[str, str], str | None]] = [
        ({"verb": "Identify"}, None),
        ({"verb": "ListMetadataFormats"}, None),
        ({"verb": "ListMetadataFormats", "identifier": ident}, None),
        ({"verb": "ListMetadataFormats", "identifier": f"oai:{HOST}:{gone}"}, None),
        ({"verb": "ListSets"}, None),
        ({"verb": "GetRecord", "identifier": ident, "metadataPrefix": "oai_dc"}, None),
        ({"verb": "GetRecord", "identifier": f"oai:{HOST}:{gone}", "metadataPrefix": "oai_dc"}, None),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, None),
        ({}, "badVerb"),
        ({"verb": "Nope"}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-01-01", "until": "2025-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
        ({"verb": "ListRecords", "resumptionToken": "abc.def"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "identifier": ident, "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "identifier": "oai:elsewhere.example:1", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
        ({"verb": "GetRecord", "identifier": f"oai:{HOST}:999999", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
        ({"verb": "ListMetadataFormats", "identifier": f"oai:{HOST}:0{live}"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "kategori:dikecualikan"}, "noRecordsMatch"),
    ]
    for params, code in cases:
        doc = _get(client, **params)
        assert _error(doc) == code, params
        request = doc.find("o:request", NS)
        assert request.text == "https://ppid.example.go.id/oai"
        if code in {"badVerb", "badArgument"}:
            assert dict(request.attrib) == {}, params  # §3.2: no attributes when the request was not valid
        else:
            assert dict(request.attrib) == params, params

    record = _get(client, verb="GetRecord", identifier=f"oai:{HOST}:{gone}", metadataPrefix="oai_dc")
    header = record.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert header.findall("o:setSpec", NS) == [] and record.find(".//o:metadata", NS) is None

    # a full resumed harvest: cursor and completeListSize, an empty token closes the list; every page validates
    docs = _harvest(client)
    assert len(docs) == 5  # 14 items (10 live, 4 deleted) in pages of 3
    tokens = [d.find("o:ListRecords/o:resumptionToken", NS) for d in docs]
    assert [int(t.get("cursor")) for t in tokens] == [0, 3, 6, 9, 12]
    assert {t.get("completeListSize") for t in tokens} == {"14"}
    assert tokens[-1].text is None
    ids = [i for d in docs for i in _ids(d)]
    assert sorted(ids) == sorted(catalogue.published + list(catalogue.withdrawn.values()))
    _never_public_records_never_appear(client, rt, catalogue)

    # a token used with the other list verb, and a tampered one
    token = tokens[0].text
    assert _error(_get(client, verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"
    tampered = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    assert _error(_get(client, verb="ListRecords", resumptionToken=tampered)) == "badResumptionToken"


def _never_public_records_never_appear(client, rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    """Exempted, rahasia, determined-but-unpublished, pendukung-only and published-then-unpublished-before-any-sync
    records: not in oai_items, not in any list, set or set list, idDoesNotExist for GetRecord/ListMetadataFormats."""
    hidden = set(catalogue.hidden.values())
    with rt.db.read() as session:
        exposed = set(session.execute(select(OaiItem.record_id)).scalars())
    assert not exposed & hidden
    bodies = [
        client.get("/oai", query_string=q).data
        for q in (
            {"verb": "ListSets"},
            *({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": s} for s in ("kategori", "unit")),
        )
    ]
    seen = {i for d in _harvest(client, "ListIdentifiers") for i in _ids(d)}
    seen |= {i for d in _harvest(client, "ListRecords") for i in _ids(d)}
    assert not seen & hidden
    for name, record_id in catalogue.hidden.items():
        for verb, extra in (("GetRecord", {"metadataPrefix": "oai_dc"}), ("ListMetadataFormats", {})):
            doc = _get(client, verb=verb, identifier=f"oai:{HOST}:{record_id}", **extra)
            assert _error(doc) == "idDoesNotExist", name
    with rt.db.read() as session:
        titles = set(session.execute(select(Record.title).where(Record.id.in_(hidden))).scalars())
    for body in bodies:
        assert not any(t.encode() in body for t in titles)


def test_changes_move_items_and_tokens_survive_them(client, rt, catalogue) -> None:
    """Keyset tokens: withdrawing an item already sent does not shift the rest of the list (an offset would skip
    one); a republished record comes back live with a newer datestamp; an edit moves the datestamp."""
    first = _get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find("o:ListIdentifiers/o:resumptionToken", NS).text
    sent = _ids(first)
    victim = next(i for i in sent if i in catalogue.published)
    act(rt, _record(rt, victim), "batalkan_publikasi")
    repository.sync(rt, now=datetime.now(UTC) + timedelta(hours=1))
    rest: list[int] = []
    doc = _get(client, verb="ListIdentifiers", resumptionToken=token)
    while True:
        rest += _ids(doc)
        node = doc.find("o:ListIdentifiers/o:resumptionToken", NS)
        if node is None or not node.text:
            break
        doc = _get(client, verb="ListIdentifiers", resumptionToken=node.text)
    everything = set(catalogue.published) | set(catalogue.withdrawn.values())
    assert set(sent) | set(rest) == everything  # nothing skipped
    assert rest[-1] == victim  # re-sent at the end, now as deleted

    # republish: live again, with a datestamp at or after the withdrawal
    before = _item(rt, victim)
    assert before.deleted
    act(rt, _record(rt, victim), "publikasikan")
    repository.sync(rt, now=before.datestamp.replace(year=before.datestamp.year + 1))
    after = _item(rt, victim)
    assert not after.deleted and after.datestamp > before.datestamp

    # an edit of a live public record bumps its datestamp
    other = catalogue.published[-1]
    stamp = _item(rt, other).datestamp
    records.update_record(rt, SYSTEM, other, _record(rt, other).version, {"title": "Judul baru"})
    repository.sync(rt, now=stamp.replace(year=stamp.year + 2))
    assert _item(rt, other).datestamp > stamp
    doc = _get(client, verb="GetRecord", identifier=f"oai:{HOST}:{other}", metadataPrefix="oai_dc")
    assert doc.find(".//dc:title", NS).text == "Judul baru"


def _record(rt, record_id: int) -> Record:  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        return session.get(Record, record_id)


def _item(rt, record_id: int) -> repository.Item:  # type: ignore[no-untyped-def]
    item = repository.get_item(rt, record_id)
    assert item is not None
    return item


def test_incremental_sync_and_the_full_pass(client, rt, catalogue) -> None:
    """A sync looks only at records changed since the previous one (``updated_at``); a change that bypassed the
    services (raw SQL, no ``updated_at``) is missed by it but still never leaks — the answer checks the record at
    query time — and the full pass registers it."""
    assert repository.sync(rt, full=True) is True
    victim, other = catalogue.published[0], catalogue.published[1]
    act(rt, _record(rt, victim), "batalkan_publikasi")
    assert repository.sync(rt) is False  # incremental
    assert _item(rt, victim).deleted

    with rt.db.write() as session:
        stale = datetime.now(UTC) - timedelta(days=2)  # as if changed long ago, by something that skipped the stamp
        session.execute(update(Record).where(Record.id == other).values(security_class="rahasia", updated_at=stale))
    assert repository.sync(rt) is False
    with rt.db.read() as session:
        assert session.get(OaiItem, other).deleted is False  # not seen by the incremental pass ...
    doc = _get(client, verb="GetRecord", identifier=f"oai:{HOST}:{other}", metadataPrefix="oai_dc")
    header = doc.find(".//o:header", NS)
    assert header.get("status") == "deleted" and doc.find(".//o:metadata", NS) is None  # ... yet nothing leaks
    assert header.find("o:setSpec", NS) is None
    assert repository.sync(rt, full=True) is True
    with rt.db.read() as session:
        assert session.get(OaiItem, other).deleted is True


def test_cron_keeps_the_repository_current(rt, catalogue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``arsip cron --job oai`` registers a withdrawal (incremental); its full pass comes every 12 hours."""
    from click.testing import CliRunner

    from archive_service.cli import main

    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    first = CliRunner().invoke(main, ["cron", "--job", "oai"], catch_exceptions=False)
    assert first.exit_code == 0 and "OAI-PMH" in first.output
    with rt.db.read() as session:
        live = set(session.execute(select(OaiItem.record_id).where(OaiItem.deleted.is_(False))).scalars())
    assert live == set(catalogue.published)
    victim = catalogue.published[0]
    act(rt, _record(rt, victim), "batalkan_publikasi")
    second = CliRunner().invoke(main, ["cron", "--job", "oai"], catch_exceptions=False)
    assert second.exit_code == 0 and "inkremental / incremental" in second.output
    with rt.db.read() as session:
        assert session.get(OaiItem, victim).deleted is True
    later = datetime.now(UTC) + repository.FULL_SYNC_EVERY / 2 + timedelta(minutes=1)
    assert repository.scheduled_sync(rt, later) is True
    assert repository.scheduled_sync(rt, later + timedelta(minutes=1)) is False
