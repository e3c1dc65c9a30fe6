"""Applicants' personal data is never public (issue 18 §6): not in search (public or internal), OAI-PMH, the catalogue
dumps, feeds or the outbox; only the handlers of a request read it."""

from __future__ import annotations

from sqlalchemy import select

from archive_service.db import AuditEvent, OutboxEvent
from archive_service.services import indexing, requests, search

from .conftest import FORM, MONDAY

NAME, NIK, EMAIL = FORM["applicant"]["name"], FORM["applicant"]["nik"], FORM["applicant"]["email"]


def test_personal_data_is_in_no_public_surface(rt, client, accounts, submit, open_record, make_record) -> None:
    published = make_record("dipublikasikan")
    registered = submit()
    ppid = accounts["ppid"].actor
    requests.link_record(rt, ppid, registered.number, {"record_id": open_record.id})
    requests.decide(rt, ppid, registered.number, None, {"decision": "dikabulkan", "reasons": "Diberikan"}, now=MONDAY)
    indexing.drain(rt, timeout=60)
    for term in ("Rahmawati", NIK, "skripsi"):
        assert search.public_search(rt, {"q": term}).total == 0
        assert search.internal_search(rt, ppid, {"q": term}).total == 0  # requests are never indexed
    surfaces = [
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
        "/ekspor/katalog.csv",
        "/ekspor/katalog.json",
        "/ekspor/katalog-dc.xml",
        f"/informasi/{published.id}/dc.json",
        f"/api/v1/public/search?q={NIK}",
    ]
    for url in surfaces:
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, url
        for value in (NAME, NIK, EMAIL, registered.number):
            assert value not in body, (url, value)
    with rt.db.read() as session:
        payloads = [str(e.payload) for e in session.execute(select(OutboxEvent)).scalars()]
        changes = [str(e.changes) for e in session.execute(select(AuditEvent)).scalars()]
    for text in payloads + changes:
        assert NAME not in text and NIK not in text and EMAIL not in text


def test_only_the_handlers_read_the_applicant(rt, accounts, submit) -> None:
    number = submit().number
    seen = requests.get_request(rt, accounts["sekretariat"].actor, number)
    assert seen["applicant"].nik == NIK and "tracking_secret_hash" not in seen
    # a tracking answer and the worklist carry no personal data
    items = requests.worklist(rt, accounts["ppid"].actor)
    assert NAME not in str(items) and NIK not in str(items)
