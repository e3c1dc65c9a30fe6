"""The two search endpoints over HTTP: authentication, parameters, problem+json errors, rate limiting."""

from __future__ import annotations

from archive_service.services import indexing
from schemas.search import SearchResultSchema


def test_internal_search_needs_a_token(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/search?q=laporan")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_internal_search_returns_hits_facets_and_pages(client, accounts, make_record, rt) -> None:  # type: ignore[no-untyped-def]
    first = make_record("diterima", title="Laporan keuangan semester satu")
    make_record("diterima", title="Laporan keuangan semester dua", classification_code="900.1")
    indexing.drain(rt)
    response = client.get(
        "/api/v1/search",
        query_string={"q": "laporan keuangan", "per_page": 1, "sort": "date_desc"},
        headers=accounts["ppid"].headers,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert SearchResultSchema().validate(body) == {}  # the documented shape, although it is serialised directly
    assert body["total"] == 2 and body["pages"] == 2 and len(body["hits"]) == 1
    assert {f["value"] for f in body["facets"]["class_top"]} == {"500", "900"}
    filtered = client.get(
        "/api/v1/search",
        query_string={"q": "laporan", "class_top": "500"},
        headers=accounts["ppid"].headers,
    ).get_json()
    assert [h["id"] for h in filtered["hits"]] == [first.id]
    assert filtered["hits"][0]["url"] == f"/api/v1/records/{first.id}"
    assert "<mark>" in filtered["hits"][0]["title_highlighted"]


def test_bad_parameters_are_a_bilingual_problem(client, accounts) -> None:  # type: ignore[no-untyped-def]
    for query in ({"per_page": 1000}, {"sort": "random"}, {"page": 0}, {"year": "abc"}, {"q": "x" * 2001}):
        response = client.get("/api/v1/search", query_string=query, headers=accounts["ppid"].headers)
        assert response.status_code == 422, query
        problem = response.get_json()
        assert problem["detail"] and problem["detail_en"] and problem["errors"]


def test_a_syntax_error_still_searches(client, make_record, rt) -> None:  # type: ignore[no-untyped-def]
    record = make_record("dipublikasikan", title="Informasi publik berkala")
    body = client.get("/api/v1/public/search", query_string={"q": '"informasi publik'}).get_json()
    assert body["fallback"] is True
    assert [h["id"] for h in body["hits"]] == [record.id]
    assert body["hits"][0]["url"] == f"/informasi/{record.id}"


def test_public_search_is_rate_limited(client, rt) -> None:  # type: ignore[no-untyped-def]
    rt.settings.public_search_rate_per_minute = 3
    statuses = [client.get("/api/v1/public/search?q=arsip").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    response = client.get("/api/v1/public/search?q=arsip")
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["detail_en"].startswith("Too many requests")


def test_an_outdated_index_answers_503_until_init_rebuilds_it(client, make_record, rt, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from archive_service.cli import main

    record = make_record("dipublikasikan", title="Statistik sektoral")
    public = rt.search.index(indexing.PUBLIC)
    gen_dir = public.dir / (public.dir / "CURRENT").read_text().strip()
    (gen_dir / "arsip-schema.json").write_text('{"schema_version": 0}')
    public._index = None  # as a process starting after the upgrade would open it
    response = client.get("/api/v1/public/search?q=statistik")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail_en"].startswith("Search is unavailable")
    monkeypatch.setenv("ARSIP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["init"], catch_exceptions=False)
    assert "public index rebuilt" in result.output
    body = client.get("/api/v1/public/search?q=statistik").get_json()
    assert [h["id"] for h in body["hits"]] == [record.id]


def test_admin_sees_failed_extractions_and_requeues_them(client, accounts, rt) -> None:  # type: ignore[no-untyped-def]
    import io

    from archive_service.services import records
    from archive_service.services.uploads import Upload
    from archive_service.storage import stage_stream

    from .conftest import READY

    broken = b"%PDF-1.7\n" + b"\x00rusak" * 100
    staged = stage_stream(io.BytesIO(broken), rt.settings.staging_dir)
    record = records.create_record(rt, accounts["pendukung"].actor, READY, [Upload("rusak.pdf", staged)])
    indexing.drain(rt)
    assert client.get("/api/v1/index/status", headers=accounts["ppid"].headers).status_code == 403
    status = client.get("/api/v1/index/status", headers=accounts["admin"].headers).get_json()
    assert status["indexes"]["internal"] == 1
    assert [x["state"] for x in status["extractions"]] == ["failed"]
    assert status["extractions"][0]["error"].startswith("corrupt")
    retried = client.post("/api/v1/index/extractions/retry", headers=accounts["admin"].headers)
    assert retried.status_code == 202 and retried.get_json() == {"files": 1, "records": 1}
    assert indexing.backlog(rt)["pending"] == 1
    indexing.drain(rt)  # the worker tries again: still corrupt, counted
    status = client.get("/api/v1/index/status", headers=accounts["admin"].headers).get_json()
    assert status["extractions"][0]["attempts"] == 2 and status["outbox"] == {"pending": 0, "dead": 0}
    assert record.id
