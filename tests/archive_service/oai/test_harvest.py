"""OAI-PMH harvested by a real harvester (Sickle) over HTTP: exactly the published set, through resumption tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch
from sqlalchemy import update

from archive_service.db.models import OaiItem
from archive_service.oai import repository

from .conftest import BASE, HOST, assert_valid, public_ids

pytestmark = pytest.mark.usefixtures("catalogue")


def _local_id(identifier: str) -> int:
    prefix = f"oai:{HOST}:"
    assert identifier.startswith(prefix)
    return int(identifier[len(prefix) :])


def _split(headers):  # type: ignore[no-untyped-def]
    live = {_local_id(h.identifier) for h in headers if not h.deleted}
    deleted = {_local_id(h.identifier) for h in headers if h.deleted}
    return live, deleted


def test_sickle_harvests_exactly_the_published_set(rt, catalogue, live_server) -> None:
    pages: list[str] = []

    class Counting(Sickle):
        def harvest(self, **kwargs):  # type: ignore[no-untyped-def]
            response = super().harvest(**kwargs)
            pages.append(response.raw)
            return response

    sickle = Counting(f"{live_server}/oai", max_retries=0, timeout=30)
    identify = sickle.Identify()
    assert identify.baseURL == f"{BASE}/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.adminEmail == "ppid@example.go.id"

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert len(pages) >= 5  # Identify + >= 4 list pages of 3 (10 live + 4 deleted)
    live = {_local_id(r.header.identifier): r for r in records if not r.header.deleted}
    deleted = {_local_id(r.header.identifier): r for r in records if r.header.deleted}
    assert set(live) == public_ids(rt) == set(catalogue.published)
    assert set(deleted) == set(catalogue.withdrawn.values())
    assert len(records) == len(live) + len(deleted)  # nothing twice
    for record_id, record in live.items():
        assert record.metadata["identifier"][-1] == f"{BASE}/informasi/{record_id}"
        assert sorted(record.header.setSpecs) == sorted(
            [f"kategori:{catalogue.category[record_id]}", f"unit:{catalogue.unit[record_id]}"]
        )
    hostile = live[catalogue.published[0]]
    assert hostile.metadata["title"] == ["Anggaran <script>alert(1)</script> & Belanja"]
    for record in deleted.values():
        assert record.header.setSpecs == []
        assert "<metadata" not in record.raw

    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert _split(headers) == (set(catalogue.published), set(catalogue.withdrawn.values()))

    one = catalogue.published[3]
    got = sickle.GetRecord(identifier=f"oai:{HOST}:{one}", metadataPrefix="oai_dc")
    assert _local_id(got.header.identifier) == one and got.metadata["title"]

    sets = {s.setSpec: s.setName for s in sickle.ListSets()}
    assert {"kategori:berkala", "kategori:serta_merta", "kategori:setiap_saat", "unit:kominfo", "unit:bappeda"} <= set(
        sets
    )
    assert sets["unit:bappeda"] == "Unit kerja: Bappeda"


def test_selective_harvests(rt, catalogue, live_server) -> None:
    """By set (no deleted header in a set: a withdrawn record's category or unit is never disclosed), and by
    datestamp at day and second granularity with inclusive bounds; POST answers like GET."""
    sickle = Sickle(f"{live_server}/oai", max_retries=0)
    by_set = {
        "kategori:berkala": {i for i in catalogue.published if catalogue.category[i] == "berkala"},
        "kategori:serta_merta": {i for i in catalogue.published if catalogue.category[i] == "serta_merta"},
        "kategori:setiap_saat": {i for i in catalogue.published if catalogue.category[i] == "setiap_saat"},
        "unit:bappeda": {i for i in catalogue.published if catalogue.unit[i] == "bappeda"},
        "unit:kominfo": {i for i in catalogue.published if catalogue.unit[i] == "kominfo"},
        "kategori": set(catalogue.published),
    }
    for spec, expected in by_set.items():
        assert _split(sickle.ListIdentifiers(metadataPrefix="oai_dc", set=spec)) == (expected, set()), spec
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="unit:tidak-ada"))

    old = datetime(2026, 1, 10, 8, 0, 0, tzinfo=UTC)
    early = catalogue.published[:4]
    with rt.db.write() as session:
        session.execute(update(OaiItem).where(OaiItem.record_id.in_(early)).values(datestamp=old))
    repository._last_sync[rt.settings.database_url] = float("inf")  # no sync may move them during the test

    def ids(**kw):  # type: ignore[no-untyped-def]
        try:
            return _split(sickle.ListIdentifiers(metadataPrefix="oai_dc", **kw))[0]
        except NoRecordsMatch:
            return set()

    assert ids(until="2026-01-10") == set(early)
    assert ids(**{"from": "2026-01-10", "until": "2026-01-10"}) == set(early)
    assert ids(**{"from": "2026-01-10T08:00:00Z", "until": "2026-01-10T08:00:00Z"}) == set(early)
    assert ids(until="2026-01-10T07:59:59Z") == set()
    assert ids(**{"from": "2026-01-10T08:00:01Z"}) == set(catalogue.published) - set(early)
    assert ids(**{"from": "2026-01-11"}) == set(catalogue.published) - set(early)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    assert ids(**{"from": tomorrow}) == set()

    got = requests.get(f"{live_server}/oai", params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, timeout=30)
    posted = requests.post(
        f"{live_server}/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, timeout=30
    )
    assert got.status_code == posted.status_code == 200
    assert got.headers["Content-Type"] == posted.headers["Content-Type"] == "text/xml; charset=utf-8"
    a, b = assert_valid(got.content), assert_valid(posted.content)
    ns = {"o": "http://www.openarchives.org/OAI/2.0/"}
    assert [e.text for e in a.iterfind(".//o:identifier", ns)] == [e.text for e in b.iterfind(".//o:identifier", ns)]
