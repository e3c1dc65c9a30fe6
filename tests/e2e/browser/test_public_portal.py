"""The public portal in a real browser: keyboard-only use, the language switch, CSP, and what an exemption hides.

The Flask test client checks what the server sends; these check what a visitor gets: the focus order, that focus
is visible, that the stylesheet applies under the CSP and no script breaks, that a cookie keeps the language, and
that a record the PPID exempts cannot be found, opened, downloaded or listed from the browser.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlsplit

import pytest
from playwright.sync_api import Page, expect

from archive_service.db import Record
from archive_service.runtime import Runtime
from archive_service.services import indexing

from .conftest import Console

pytestmark = pytest.mark.browser

PHRASE = "pemeliharaan jembatan gantung"
OPEN_TITLE = "Laporan Pemeliharaan Jembatan Desa 2025"
OPEN_TEXT = f"Realisasi anggaran {PHRASE} di desa wisata"
SECRET = "zamrudrahasia"  # in the exempted record's title and text; typed into the searches
MARK = "kapurbarusrahasia"  # also only in the exempted record, but never typed: search pages echo the query

# Records every securitypolicyviolation of the page (CSP violations), before any page script runs; CDP injects
# it, so the page's own CSP does not apply to it. The pointer counter lives in sessionStorage to span pages.
WATCH_SCRIPT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
document.addEventListener('pointerdown',
  () => sessionStorage.setItem('pointer', String(Number(sessionStorage.getItem('pointer') || 0) + 1)), true);
"""

# The focused element, described: a stable key (its position in the document), and whether focus shows.
ACTIVE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    key: Array.prototype.indexOf.call(document.querySelectorAll('*'), el),
    tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href'),
    text: (el.innerText || el.value || '').trim(),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    left: el.getBoundingClientRect().left,
  };
}"""

# Keys of the elements Tab should visit inside <main>, in document order (what the focus order must follow).
TABBABLES_IN_MAIN = """() => {
  const all = document.querySelectorAll('*');
  const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, '
    + 'iframe, [tabindex]:not([tabindex="-1"])';
  return [...document.querySelectorAll('main ' + sel.split(', ').join(', main '))]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => Array.prototype.indexOf.call(all, el));
}"""


@pytest.fixture
def published(make_record: Callable[..., Record], rt: Runtime) -> Record:
    record = make_record("dipublikasikan", OPEN_TITLE, OPEN_TEXT)
    indexing.drain(rt)
    return record


@pytest.fixture
def exempted(make_record: Callable[..., Record], published: Record, rt: Runtime) -> Record:
    """A record the PPID exempted (kecualikan, UU 14/2008 Pasal 17), next to the published one."""
    record = make_record("dikecualikan", f"Dokumen {SECRET} {MARK}", f"Isi {SECRET} {MARK} yang dikecualikan")
    indexing.drain(rt)
    return record


def _active(page: Page) -> dict[str, Any]:
    return page.evaluate(ACTIVE)


def _assert_focus_visible(focused: dict[str, Any]) -> None:
    assert focused["outline"] != "none" and focused["outlineWidth"] > 0, f"focus is not visible on {focused}"


def _tab(page: Page) -> dict[str, Any]:
    page.keyboard.press("Tab")
    focused = _active(page)
    _assert_focus_visible(focused)
    return focused


def _skip_to_content(page: Page) -> None:
    """Tab once from the top of a fresh page: the skip link comes first, is shown, and Enter lands in <main>."""
    focused = _tab(page)
    assert focused["tag"] == "a" and focused["href"] == "#konten", focused
    assert focused["text"] == "Langsung ke isi" and focused["left"] >= 0  # moved on screen when focused
    page.keyboard.press("Enter")
    expect(page.locator("#konten")).to_be_focused()


def _path(page: Page) -> str:
    return urlsplit(page.url).path


def test_keyboard_only_search_from_home_to_record(page: Page, live_server: str, published: Record) -> None:
    page.context.add_init_script(WATCH_SCRIPT)
    page.goto(live_server + "/")
    _skip_to_content(page)
    assert _tab(page)["id"] == "q"  # the search box is the first stop in the home page's content
    page.keyboard.type(f'"{PHRASE}"')
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari?q=*")
    expect(page.locator("#h-results")).to_contain_text("1 hasil")

    _skip_to_content(page)
    expected = page.evaluate(TABBABLES_IN_MAIN)
    first_result = page.locator("ol.results a").first.evaluate(
        "(el) => Array.prototype.indexOf.call(document.querySelectorAll('*'), el)"
    )
    assert first_result in expected
    visited = [_tab(page)["key"] for _ in range(expected.index(first_result) + 1)]
    assert visited == expected[: len(visited)]  # focus follows the document order: search box, facets, sort, result
    assert visited[0] == page.locator("#q").evaluate(
        "(el) => Array.prototype.indexOf.call(document.querySelectorAll('*'), el)"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/informasi/{published.id}")
    expect(page.locator("h1")).to_have_text(OPEN_TITLE)
    assert page.evaluate("sessionStorage.getItem('pointer')") is None  # no pointer event on any page
    assert page.evaluate("window.__csp") == []


def test_language_switch_keeps_the_page_and_sticks(page: Page, live_server: str) -> None:
    html, nav = page.locator("html"), page.locator(".main-nav")
    page.goto(live_server + "/")
    expect(html).to_have_attribute("lang", "id")
    expect(nav).to_contain_text("Beranda")

    page.get_by_role("link", name="EN", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(nav).to_contain_text("Home")
    assert _path(page) == "/"
    assert {c["name"]: c["value"] for c in page.context.cookies()}.get("arsip_lang") == "en"

    page.goto(live_server + "/dip")  # a plain navigation: the cookie carries the choice
    expect(html).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(page.locator(".lang-switch [aria-current]")).to_have_text("EN")

    page.get_by_role("link", name="ID", exact=True).click()
    expect(html).to_have_attribute("lang", "id")
    expect(nav).to_contain_text("Beranda")
    assert _path(page) == "/dip"


def _search_in_browser(page: Page, live_server: str, query: str) -> None:
    page.goto(live_server + "/cari")
    page.get_by_label("Kata kunci").fill(query)
    page.get_by_label("Kata kunci").press("Enter")
    page.wait_for_url("**/cari?q=*")
    expect(page.locator("#h-results")).to_be_visible()


def test_an_exempted_record_is_unreachable_from_the_browser(
    page: Page, live_server: str, published: Record, exempted: Record
) -> None:
    hidden_file = exempted.files[0].id
    _search_in_browser(page, live_server, SECRET)
    expect(page.locator("#h-results")).to_contain_text("0 hasil")
    expect(page.locator("ol.results li")).to_have_count(0)
    assert MARK not in page.content() and f"/informasi/{exempted.id}" not in page.content()

    for path in (
        f"/informasi/{exempted.id}",
        f"/informasi/{exempted.id}/berkas/{hidden_file}",
        f"/informasi/{exempted.id}/berkas/{hidden_file}/pratinjau",
    ):
        response = page.goto(live_server + path)  # a 404 page, not a download
        assert response is not None and response.status == 404, path
        expect(page.locator("main")).to_contain_text("Halaman tidak ditemukan.")
        assert SECRET not in page.content() and MARK not in page.content()

    page.goto(live_server + "/dip")
    expect(page.locator("main")).to_contain_text(OPEN_TITLE)
    assert SECRET not in page.content()

    quiet = ["/", "/dip", "/feed/informasi.atom", "/feed/serta-merta.atom", "/sitemap.xml"]
    for path in quiet:  # the raw bodies, as the server sent them
        response = page.request.get(live_server + path)
        assert response.status == 200, path
        assert SECRET.encode() not in response.body() and MARK.encode() not in response.body(), path
    assert f"/informasi/{published.id}".encode() in page.request.get(live_server + "/sitemap.xml").body()
    assert f"/informasi/{exempted.id}".encode() not in page.request.get(live_server + "/sitemap.xml").body()

    echoed = page.request.get(f"{live_server}/cari?q={quote_plus(SECRET)}")
    assert echoed.status == 200 and MARK.encode() not in echoed.body()
    api = page.request.get(f"{live_server}/api/v1/public/search?q={quote_plus(SECRET)}")
    assert api.status == 200
    assert SECRET.encode() not in api.body() and MARK.encode() not in api.body()
    assert json.loads(api.body())["total"] == 0


def test_the_published_record_is_found_and_its_file_downloads(page: Page, live_server: str, published: Record) -> None:
    _search_in_browser(page, live_server, f'"{PHRASE}"')
    expect(page.locator("#h-results")).to_contain_text("1 hasil")
    expect(page.locator("ol.results mark").first).to_be_visible()  # the phrase is highlighted
    page.locator("ol.results a").first.click()
    page.wait_for_url(f"**/informasi/{published.id}")
    expect(page.locator("h1")).to_have_text(OPEN_TITLE)

    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh berkas.pdf").click()
    download = info.value
    assert download.suggested_filename == "berkas.pdf"
    content = Path(download.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == published.files[0].sha256


def test_public_pages_have_a_strict_csp_and_no_console_errors(
    page: Page, live_server: str, published: Record, console: Console
) -> None:
    page.context.add_init_script(WATCH_SCRIPT)
    paths = [
        "/",
        "/dip",
        "/cari",
        f"/cari?q={quote_plus(PHRASE)}",
        f"/informasi/{published.id}",
        "/?lang=en",
        f"/informasi/{published.id}?lang=en",
    ]
    for path in paths:
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, path
        csp = response.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, path
        page.wait_for_load_state("load")
        # the stylesheet applied under that CSP: the header has the brand colour, not the default transparent
        header = page.locator(".site-header").evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert header == "rgb(11, 79, 138)", path
        assert page.evaluate("window.__csp") == [], path
    assert console.errors == []

    # The watchers work: an inline style attribute is refused by the CSP, and both of them notice.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__csp.length > 0")
    assert any("style-src" in v for v in page.evaluate("window.__csp"))
    for _ in range(40):  # console messages arrive asynchronously
        if console.errors:
            break
        page.wait_for_timeout(50)
    assert any("Content Security Policy" in e for e in console.errors), console.errors


PHONE = {"width": 360, "height": 740}

# Whether the page scrolls sideways: content wider than the window (a table scrolls inside its own box instead).
SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def test_on_a_phone_results_come_before_the_filters_and_nothing_scrolls_sideways(
    browser: Any, live_server: str, published: Record, make_record: Callable[..., Record], rt: Runtime, console: Console
) -> None:
    for n in range(3):
        make_record("dipublikasikan", f"Laporan Pemeliharaan Jembatan Kecamatan {n}", f"{OPEN_TEXT} kecamatan {n}")
    indexing.drain(rt)
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    try:
        page.goto(f"{live_server}/cari?q={quote_plus(PHRASE)}")
        expect(page.locator("#h-results")).to_contain_text("4 hasil")
        first = page.locator("ol.results li.result").first.bounding_box()
        assert first is not None and first["y"] + first["height"] <= PHONE["height"], first  # above the fold
        boxes = page.locator("aside.facets details.facet")
        assert boxes.count() == 5
        for i in range(boxes.count()):
            box = boxes.nth(i).bounding_box()
            assert box is not None and box["y"] >= first["y"] + first["height"], (i, box, first)
        # on a narrow screen each filter is folded to its title; a tap on the title opens it (no script needed)
        expect(page.locator("aside.facets details.facet[open]")).to_have_count(0)
        unit = boxes.filter(has_text="Unit kerja")
        unit.locator("summary").click()
        expect(unit.get_by_role("link", name="Dinas Komunikasi dan Informatika")).to_be_visible()
        assert not page.evaluate(SIDEWAYS)

        for path in ("/", "/dip", f"/informasi/{published.id}", "/cari", "/dip?lang=en"):
            page.goto(live_server + path)
            page.wait_for_load_state("load")
            assert not page.evaluate(SIDEWAYS), path
    finally:
        context.close()
    assert console.errors == []


def test_on_a_desktop_the_filters_stand_open_beside_the_results(
    page: Page, live_server: str, published: Record
) -> None:
    page.goto(f"{live_server}/cari?q={quote_plus(PHRASE)}")
    first = page.locator("ol.results li.result").first.bounding_box()
    facets = page.locator("aside.facets").bounding_box()
    assert first is not None and facets is not None
    assert facets["x"] > first["x"] + first["width"] - 1 and facets["y"] < first["y"] + first["height"]  # beside
    expect(page.locator("aside.facets details.facet:not([open])")).to_have_count(0)
    expect(page.locator(".facet-jump")).to_be_hidden()
