"""Adversarial: nothing exempted, restricted or unpublished may reach public search — no hit, no snippet, no
facet value, no count — by any query the syntax allows, while staff with access still find it."""

from __future__ import annotations

import io
import json

import pytest

from archive_service.services import indexing, records, search, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.support.files import pdf_bytes

from .conftest import READY, payload_for

SECRET_WORDS = "zonaterlarang koordinat gudang amunisi"


@pytest.fixture
def world(rt, accounts, make_record):  # type: ignore[no-untyped-def]
    """One published open record, and secrets in every non-public state, all with the same secret words."""
    public = make_record("dipublikasikan", title="Anggaran perjalanan dinas")

    def secret(state: str, **extra: object):  # type: ignore[no-untyped-def]
        staged = stage_stream(io.BytesIO(pdf_bytes(f"Lampiran {SECRET_WORDS}")), rt.settings.staging_dir)
        record = records.create_record(
            rt,
            accounts["pendukung"].actor,
            READY
            | {"title": f"Peta {state} zonaterlarang", "classification_code": "900.1.2", "description": SECRET_WORDS}
            | extra,
            [Upload("peta.pdf", staged)],
        )
        from tests.archive_service.workflow.conftest import TO_STATE_PATH

        for action in TO_STATE_PATH[state]:
            record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for(action, record))
        return record

    exempted = secret("dikecualikan")
    unpublished = secret("ditetapkan_terbuka")
    restricted = secret("diverifikasi", security_class="rahasia")
    withdrawn = secret("dipublikasikan")
    withdrawn = workflow.apply_transition(
        rt, SYSTEM, withdrawn.id, withdrawn.version, payload_for("batalkan_publikasi", withdrawn)
    )
    indexing.drain(rt)
    return {
        "public": public,
        "secrets": [exempted, unpublished, restricted, withdrawn],
        "exempted": exempted,
        "restricted": restricted,
    }


QUERIES = [
    "zonaterlarang",
    "zonaterlarng",  # a typo (fuzzy)
    "zonater*",
    '"gudang amunisi"',
    "judul:zonaterlarang",
    "isi:amunisi",
    "kode:900.1",
    "900.1.2",
    "kategori:dikecualikan",
    "koordinat OR anggaran",
    "anggaran OR amunisi -perjalanan",
    "",
]


def test_public_search_reveals_nothing(rt, world) -> None:  # type: ignore[no-untyped-def]
    secret_ids = {r.id for r in world["secrets"]}
    for query in QUERIES:
        page = search.public_search(rt, {"q": query, "per_page": 100})
        assert not secret_ids & {h["id"] for h in page.hits}, query
        assert page.total == len(page.hits) <= 1, query
        facet_values = {v.value for values in page.facets.values() for v in values}
        assert not facet_values & {"900", "dikecualikan"}, query
        assert sum(v.count for v in page.facets.get("kip_category", [])) == page.total, query
        text = json.dumps([h["snippet"] + h["title_highlighted"] for h in page.hits]).lower()
        assert "zonaterlarang" not in text and "amunisi" not in text, query
    # the one public record is found, so the queries above did reach a working index
    assert [h["id"] for h in search.public_search(rt, {"q": "anggaran OR amunisi"}).hits] == [world["public"].id]


def test_filters_on_secret_values_count_nothing(rt, world) -> None:  # type: ignore[no-untyped-def]
    assert search.public_search(rt, {"q": "", "kip_category": ["dikecualikan"]}).total == 0
    assert search.public_search(rt, {"q": "", "class_top": ["900"]}).total == 0
    assert search.public_search(rt, {"q": world["exempted"].record_no}).total == 0


def test_http_public_search_body_has_no_trace(client, world) -> None:  # type: ignore[no-untyped-def]
    for q in ("zonaterlarang", "amunisi", "900.1", ""):
        response = client.get("/api/v1/public/search", query_string={"q": q, "per_page": 100})
        assert response.status_code == 200
        body = response.get_data(as_text=True).lower()
        assert "zonaterlarang" not in body and "amunisi" not in body and "dikecualikan" not in body
        data = response.get_json()
        assert "900" not in {f["value"] for f in data["facets"]["class_top"]}
        assert all(not h["classification_code"].startswith("900") for h in data["hits"])


def test_staff_with_access_find_secrets_others_do_not(rt, world, accounts) -> None:  # type: ignore[no-untyped-def]
    ppid = search.internal_search(rt, accounts["ppid"].actor, {"q": "zonaterlarang"})
    assert {h["id"] for h in ppid.hits} == {r.id for r in world["secrets"]}
    # sekretariat is not cleared for "rahasia": the restricted record is neither a hit nor counted
    sek = search.internal_search(rt, accounts["sekretariat"].actor, {"q": "zonaterlarang"})
    assert world["restricted"].id not in {h["id"] for h in sek.hits}
    assert sek.total == len(world["secrets"]) - 1
    # a pendukung of another unit sees none of kominfo's records, not even as a count
    other = search.internal_search(rt, accounts["pendukung_other"].actor, {"q": "zonaterlarang anggaran OR amunisi"})
    assert other.total == 0 and other.hits == [] and all(not v for v in other.facets.values())
