"""The two search endpoints over HTTP: authentication, parameters, problem+json errors, rate limiting."""

from __future__ import annotations

from archive_service.services import indexing


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
    for query in ({"per_page": 1000}, {"sort": "random"}, {"page": 0}, {"year": "abc"}, {"q": "x" * 501}):
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
