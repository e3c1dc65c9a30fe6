"""The public portal over HTTP: pages, feeds, sitemap, downloads — and nothing that is not published and open."""

from __future__ import annotations

import hashlib
import io
from xml.etree import ElementTree as ET

import pytest

from archive_service.services import indexing, records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.support.files import pdf_bytes

SECRET = "rahasiaxyzzy"  # in the hidden records' titles and text; never typed into a query (pages echo queries)
PROBE = "kuncirahasia"  # in the hidden records' text: what the queries look for


def _record(rt, accounts, state: str, title: str, text: str, **overrides):  # type: ignore[no-untyped-def]
    staged = stage_stream(io.BytesIO(pdf_bytes(title, text)), rt.settings.staging_dir)
    record = records.create_record(
        rt, accounts["pendukung"].actor, READY | {"title": title} | overrides, [Upload("berkas.pdf", staged)]
    )
    for action in TO_STATE_PATH[state]:
        body = payload_for(action, record)
        if action == "tetapkan_terbuka" and overrides.get("kip_category"):
            body["kip_category"] = overrides["kip_category"]
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, body)
    return record


@pytest.fixture
def portal(rt, accounts):  # type: ignore[no-untyped-def]
    """One published record, and secret ones: exempted, unpublished, restricted (terbatas) but published-state."""
    open_ = _record(rt, accounts, "dipublikasikan", "Laporan Keuangan Terbuka 2025", "anggaran belanja daerah terbuka")
    hidden = [
        _record(rt, accounts, "dikecualikan", f"Dokumen {SECRET} dikecualikan", f"isi {PROBE} {SECRET} pengecualian"),
        _record(rt, accounts, "ditetapkan_terbuka", f"Belum terbit {SECRET}", f"isi {PROBE} {SECRET} belum"),
        _record(rt, accounts, "dilaporkan", f"Dilaporkan {SECRET}", f"isi {PROBE} {SECRET} laporan"),
    ]
    indexing.drain(rt)
    return open_, hidden


def _all_public_bodies(client, hidden) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    urls = [
        "/",
        "/dip",
        "/dip?kategori=berkala",
        f"/cari?q={PROBE}",
        f"/cari?q=%22isi+{PROBE}%22",
        f"/cari?q={PROBE[:-2]}*",
        f"/cari?q={PROBE[:-1]}x",  # a typo
        "/cari?q=isi&kip_category=dikecualikan",
        "/cari?q=pengecualian+OR+belum",
        "/feed/informasi.atom",
        "/feed/serta-merta.atom",
        "/sitemap.xml",
        "/robots.txt",
        f"/api/v1/public/search?q={PROBE}",
    ]
    for record in hidden:
        urls += [
            f"/informasi/{record.id}",
            f"/informasi/{record.id}/berkas/{record.files[0].id}",
            f"/informasi/{record.id}/berkas/{record.files[0].id}/pratinjau",
        ]
    return {url: client.get(url).data for url in urls}


def test_nothing_hidden_reaches_any_public_page(client, portal) -> None:
    _open, hidden = portal
    for url, body in _all_public_bodies(client, hidden).items():
        assert SECRET.encode() not in body, url
    for record in hidden:
        assert client.get(f"/informasi/{record.id}").status_code == 404
        assert client.get(f"/informasi/{record.id}/berkas/{record.files[0].id}").status_code == 404


def test_the_published_record_is_found_shown_and_downloaded(client, portal, rt) -> None:
    record, _hidden = portal
    found = client.get("/cari?q=%22anggaran+belanja+daerah%22").data.decode()
    assert f"/informasi/{record.id}" in found and "<mark>" in found
    page = client.get(f"/informasi/{record.id}").data.decode()
    assert record.title in page and "pratinjau" in page
    download = client.get(f"/informasi/{record.id}/berkas/{record.files[0].id}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(download.data).hexdigest() == record.files[0].sha256
    preview = client.get(f"/informasi/{record.id}/berkas/{record.files[0].id}/pratinjau")
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN" and "inline" in preview.headers["Content-Disposition"]
    dip = client.get("/dip").data.decode()
    assert record.title in dip


def test_feeds_and_sitemap_are_valid_xml_listing_only_public_records(client, portal) -> None:
    record, hidden = portal
    atom = ET.fromstring(client.get("/feed/informasi.atom").data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:id", ns).text for e in atom.findall("a:entry", ns)]
    assert links == [f"http://localhost/informasi/{record.id}"]
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"http://localhost/informasi/{record.id}" in locs
    assert not any(f"/informasi/{h.id}" in loc for h in hidden for loc in locs)
    robots = client.get("/robots.txt").data.decode()
    assert "Disallow: /staf/" in robots and "Sitemap: http://localhost/sitemap.xml" in robots


def test_unpublishing_removes_it_from_every_public_face(client, portal, rt) -> None:
    record, _hidden = portal
    workflow.apply_transition(rt, SYSTEM, record.id, None, {"action": "batalkan_publikasi", "reason": "Salah unggah"})
    assert client.get(f"/informasi/{record.id}").status_code == 404
    assert f"/informasi/{record.id}".encode() not in client.get("/cari?q=anggaran").data
    assert record.title.encode() not in client.get("/feed/informasi.atom").data
    assert record.title.encode() not in client.get("/dip").data


def test_security_headers_and_escaping(client, rt, accounts) -> None:
    evil = _record(rt, accounts, "dipublikasikan", "<script>alert(1)</script> Laporan", "isi biasa")
    page = client.get(f"/informasi/{evil.id}")
    assert b"<script>alert(1)</script>" not in page.data and b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.data
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_language_switch_and_no_open_redirect(client) -> None:
    assert b'<html lang="id">' in client.get("/").data
    switched = client.get("/bahasa/en?next=/dip")
    assert switched.status_code == 302 and switched.headers["Location"] == "/dip"
    english = client.get("/dip").data.decode()
    assert '<html lang="en">' in english and "Public Information List" in english
    assert client.get("/bahasa/id?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/bahasa/en?next=//evil.example").headers["Location"] == "/"
    assert client.get("/bahasa/xx").status_code == 404


def test_bad_search_input_is_a_clear_page_not_an_error(client) -> None:
    page = client.get("/cari?q=" + "a" * 2001)
    assert page.status_code == 400 and "Periksa kata kunci" in page.data.decode()
    assert client.get("/cari?q=%22tanpa+penutup").status_code == 200  # syntax errors fall back to plain words
    assert client.get("/cari?q=x&page=0").status_code == 400


def test_a_pasted_paragraph_and_typed_titles_search(client, portal) -> None:  # type: ignore[no-untyped-def]
    open_, _hidden = portal
    pasted = "Laporan keuangan terbuka: anggaran belanja daerah yang terbuka untuk publik. " * 20
    assert 500 < len(pasted) <= 2000
    assert f"/informasi/{open_.id}" in client.get("/cari", query_string={"q": pasted}).get_data(as_text=True)
    for q in ("laporan keuangan dan anggaran", "laporan & keuangan", "laporan keuangan -"):
        assert f"/informasi/{open_.id}" in client.get("/cari", query_string={"q": q}).get_data(as_text=True), q


def test_zero_results_suggest_and_relax_in_both_languages(client, portal) -> None:  # type: ignore[no-untyped-def]
    open_, _hidden = portal
    typo = client.get("/cari", query_string={"q": "anggaram belanja"}).get_data(as_text=True)
    assert "Mungkin maksud Anda:" in typo and "anggaran belanja</strong>" in typo
    assert 'href="/cari?q=anggaran+belanja"' in typo
    relaxed = client.get("/cari", query_string={"q": "anggaran kuantumfisika"}).get_data(as_text=True)
    assert f"/informasi/{open_.id}" in relaxed
    assert "Hasil di bawah tanpa kata: kuantumfisika" in relaxed
    client.get("/bahasa/en")
    english = client.get("/cari", query_string={"q": "anggaran kuantumfisika"}).get_data(as_text=True)
    assert "The results below leave out: kuantumfisika" in english
    assert "Did you mean:" in client.get("/cari", query_string={"q": "anggaram"}).get_data(as_text=True)
