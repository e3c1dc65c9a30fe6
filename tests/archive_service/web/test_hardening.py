"""Hardening of every answer (issue 15, deliver 5): an id out of range is a 404, staff pages and authenticated API
answers are never cached, and the API docs page runs under the same Content-Security-Policy as every page."""

from __future__ import annotations

import pytest

from archive_service.web import CSP
from tests.archive_service.web.test_staff_more import signed_in

HUGE = "99999999999999999999999"  # beyond 64 bits: no row can have it

PUBLIC_URLS = [
    f"/informasi/{HUGE}",
    f"/informasi/{HUGE}/berkas/1",
    f"/informasi/1/berkas/{HUGE}/pratinjau",
    f"/informasi/{HUGE}/dc.xml",
    f"/informasi/{HUGE}/dc.json",
]
API_URLS = [
    f"/api/v1/records/{HUGE}",
    f"/api/v1/records/{HUGE}/files",
    f"/api/v1/records/1/files/{HUGE}/content",
    f"/api/v1/records/{HUGE}/history",
    f"/api/v1/retention/holds/{HUGE}",
    f"/api/v1/dip/versions/{HUGE}",
]
STAFF_URLS = [f"/staf/arsip/{HUGE}"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_huge_id_on_a_public_page_is_404(client, url: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", API_URLS)
def test_a_huge_id_in_the_api_is_a_404_problem(client, accounts, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url, headers=accounts["admin"].headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail_en"]


def test_a_huge_id_on_a_staff_page_is_404(app, accounts) -> None:  # type: ignore[no-untyped-def]
    staff = signed_in(app, "admin")
    for url in STAFF_URLS:
        assert staff.get(url).status_code == 404, url


def test_staff_pages_and_authenticated_api_answers_are_never_cached(app, client, accounts) -> None:  # type: ignore[no-untyped-def]
    staff = signed_in(app, "ppid")
    for url in ("/staf/", "/staf/cari?q=arsip", "/staf/dip"):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
    for url in ("/api/v1/records", "/api/v1/search?q=arsip", "/api/v1/dip"):
        response = client.get(url, headers=accounts["ppid"].headers)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
    # the public portal keeps its own caching: it shows only what is public
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_api_docs_run_under_the_full_csp(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CSP
    body = response.get_data(as_text=True)
    assert "<style" not in body and "<script" not in body
    assert client.get("/static/css/api-docs.css").status_code == 200
