"""No statistics oracle: nothing a caller sees — hits, totals, facets, typo expansion, suggestions, scores — may
depend on a record the caller may not see (issue 14 §6). Each probe of the review is a test here.

The strongest form is an equality: the same searches, by the same caller, answer exactly the same whether a hidden
record is in the index or not. A word in a hidden record must neither switch typo tolerance off, nor be suggested,
nor move a count.
"""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from sqlalchemy import select, update

from archive_service.db import OutboxEvent, Record
from archive_service.services import index_rebuild, indexing, records, search
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.support.files import pdf_bytes

from .conftest import READY

SECRET = "zonaterlarang"
NEIGHBOUR = "zonaterlarant"  # one edit from the secret word, in a record everyone may see


def _observed(page: search.SearchPage) -> dict[str, Any]:
    """Everything of a result a caller can see, but the time it took."""
    return {
        "total": page.total,
        "hits": [(h["id"], h["score"], h["snippet"], h["title_highlighted"]) for h in page.hits],
        "facets": {k: [(v.value, v.count) for v in vals] for k, vals in page.facets.items()},
        "suggestion": page.suggestion,
        "relaxed": page.relaxed,
    }


def _record(rt, actor, title: str, text: str, **extra: object) -> Record:  # type: ignore[no-untyped-def]
    staged = stage_stream(io.BytesIO(pdf_bytes(text)), rt.settings.staging_dir)
    return records.create_record(rt, actor, READY | {"title": title} | extra, [Upload("isi.pdf", staged)])


PROBES = [
    SECRET,  # the hidden word itself: must behave as a typo of the visible neighbour
    NEIGHBOUR,
    f"{SECRET} gudang",
    "zonaterlarag",  # a typo nearer the hidden word
    "gudang amunisi",  # a word shared by the hidden and the visible record
    "zonater*",
    f'"{SECRET}"',
    f"gudang -{SECRET}",
    "amunisi OR koordinat",
    "",
]


@pytest.fixture
def hidden_world(rt, accounts):  # type: ignore[no-untyped-def]
    visible = _record(rt, accounts["ppid"].actor, "Peta gudang", f"Peta gudang amunisi {NEIGHBOUR} koordinat")
    hidden = _record(
        rt,
        accounts["ppid"].actor,
        f"Rencana {SECRET}",
        f"Lampiran {SECRET} gudang amunisi {SECRET} {SECRET}",
        security_class="rahasia",
        classification_code="900.1.2",
    )
    indexing.drain(rt)
    return {"visible": visible, "hidden": hidden}


def test_staff_see_the_same_whether_a_hidden_record_exists(rt, accounts, hidden_world) -> None:  # type: ignore[no-untyped-def]
    sekretariat = accounts["sekretariat"].actor  # not cleared for "rahasia"
    # the PPID, cleared for "rahasia", finds the hidden record by its word and is offered no correction
    ppid = search.internal_search(rt, accounts["ppid"].actor, {"q": SECRET})
    assert hidden_world["hidden"].id in {h["id"] for h in ppid.hits} and ppid.suggestion is None
    with_hidden = {q: _observed(search.internal_search(rt, sekretariat, {"q": q})) for q in PROBES}
    rt.search.index(indexing.INTERNAL).delete([hidden_world["hidden"].id])
    without = {q: _observed(search.internal_search(rt, sekretariat, {"q": q})) for q in PROBES}
    assert with_hidden == without
    # and the probes did exercise typo tolerance and suggestions: the visible neighbour is found for the secret word
    found = search.internal_search(rt, sekretariat, {"q": SECRET})
    assert [h["id"] for h in found.hits] == [hidden_world["visible"].id]
    assert found.suggestion == NEIGHBOUR


def test_api_scores_never_leave(client, accounts, hidden_world) -> None:  # type: ignore[no-untyped-def]
    for url, headers in (("/api/v1/search", accounts["sekretariat"].headers), ("/api/v1/public/search", {})):
        body = client.get(url, query_string={"q": "gudang"}, headers=headers).get_json()
        assert all(hit["score"] is None for hit in body["hits"]), url


def test_a_reclassification_not_yet_indexed_counts_nowhere(rt, accounts) -> None:  # type: ignore[no-untyped-def]
    """Right after a record becomes 'rahasia' (its outbox row not applied yet), a caller without clearance sees no
    hit, no total and no facet of it: 5 of 5 such tries leaked before."""
    sekretariat = accounts["sekretariat"].actor
    for attempt in range(5):
        record = _record(rt, accounts["ppid"].actor, f"Kajian {attempt}", f"Kajian {SECRET}{attempt} pelabuhan")
        indexing.drain(rt)
        assert search.internal_search(rt, sekretariat, {"q": f"{SECRET}{attempt}"}).total == 1
        records.update_record(rt, accounts["ppid"].actor, record.id, record.version, {"security_class": "rahasia"})
        page = search.internal_search(rt, sekretariat, {"q": f"{SECRET}{attempt}"})
        assert page.total == 0 and page.hits == [], attempt
        assert all(not values for values in page.facets.values()), attempt
        both = search.internal_search(rt, sekretariat, {"q": "pelabuhan"})
        assert record.id not in {h["id"] for h in both.hits}
        assert both.total == len(both.hits) == sum(v.count for v in both.facets["year"])


def _withdraw_behind_the_index(rt, record: Record, *, queue: bool) -> None:  # type: ignore[no-untyped-def]
    """Withdraw a published record in the database only, as a lagging index would see it."""
    with rt.db.write() as session:
        session.execute(
            update(Record)
            .where(Record.id == record.id)
            .values(publication_state="ditetapkan_terbuka", public_version=None, public_snapshot=None)
        )
        if queue:
            session.add(OutboxEvent(topic="record.updated", record_id=record.id, payload={}))


@pytest.mark.parametrize("queued", [True, False], ids=["outbox-pending", "no-outbox-row"])
def test_public_search_on_a_lagging_index(rt, make_record, queued: bool) -> None:  # type: ignore[no-untyped-def]
    """While the public index still holds a withdrawn record, an anonymous search shows neither the record nor its
    facets, answers at once (no re-sync inside the request), and the correction is queued for the worker."""
    kept = make_record("dipublikasikan", title="Laporan pelabuhan umum", classification_code="500.1")
    gone = make_record("dipublikasikan", title=f"Laporan pelabuhan {SECRET}", classification_code="900.1.2")
    indexing.drain(rt)
    _withdraw_behind_the_index(rt, gone, queue=queued)
    public = rt.search.index(indexing.PUBLIC)
    assert gone.id in {v.id for v in public.versions()}  # the index does lag
    started = time.monotonic()
    secret = search.public_search(rt, {"q": SECRET})
    shared = search.public_search(rt, {"q": "pelabuhan"})
    assert time.monotonic() - started < 5
    assert secret.total == 0 and secret.hits == [] and all(not v for v in secret.facets.values())
    assert [h["id"] for h in shared.hits] == [kept.id] and shared.total == 1
    assert {v.value for v in shared.facets["class_top"]} == {"500"}
    assert gone.id in {v.id for v in public.versions()}  # not re-synced inside the request …
    with rt.db.read() as session:
        pending = session.execute(
            select(OutboxEvent.id).where(OutboxEvent.record_id == gone.id, OutboxEvent.processed_at.is_(None))
        ).all()
    assert len(pending) == 1  # … but queued, once
    indexing.drain(rt)
    assert gone.id not in {v.id for v in public.versions()}


def test_a_withdrawn_records_words_leave_no_trace_in_public_search(rt, make_record) -> None:  # type: ignore[no-untyped-def]
    """Deleted documents stay in the index's term statistics until segments merge; typo tolerance and suggestions
    must not read them: the same answers as an index rebuilt without the withdrawn record."""
    visible = make_record("dipublikasikan", title=f"Peta gudang {NEIGHBOUR}")
    gone = make_record("dipublikasikan", title=f"Peta gudang {SECRET}")
    indexing.drain(rt)
    _withdraw_behind_the_index(rt, gone, queue=True)
    indexing.drain(rt)
    before = {q: _observed(search.public_search(rt, {"q": q})) for q in PROBES}
    index_rebuild.reindex(rt, indexing.PUBLIC)
    after = {q: _observed(search.public_search(rt, {"q": q})) for q in PROBES}
    assert before == after
    assert [h["id"] for h in search.public_search(rt, {"q": SECRET}).hits] == [visible.id]
