"""The SOP in a real browser, end to end (issue 7 check (a)): a pendukung uploads a corpus PDF and submits it, the
secretariat receives and verifies it, the PPID determines it open, the secretariat publishes it, and an anonymous
visitor finds it by a phrase of its text on the public search and downloads exactly the bytes that were uploaded.

Every step is a click on the page the role really sees (the action buttons the record page offers that role);
nothing is done through the services except reading the extracted text to choose the phrase.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from archive_service.db import Extraction, Record
from archive_service.services import indexing
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CORPUS_FILE = "uu/uu_1946-1.pdf"  # a short law with a text layer (MANIFEST: 10 pages, has_text yes)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/staf/masuk")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#form-masuk button[type=submit]")
    assert "/masuk" not in page.url


def _sign_out(page: Any) -> None:
    """The "Keluar" button of the header (a POST with the CSRF token); then the sign-in page shows."""
    with page.expect_navigation():
        page.click("form[action$='/staf/keluar'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/staf/masuk"))


def _act(page: Any, base: str, record_id: int, action: str, fill: dict[str, str] | None = None) -> None:
    """Open the record page, check the role is offered ``action``, fill its form and press its button."""
    page.goto(f"{base}/staf/arsip/{record_id}")
    form = page.locator(f"#aksi-{action}")
    assert form.count() == 1, f"{action} not offered on {page.url}"
    for selector, value in (fill or {}).items():
        field = form.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator(f"button[data-action={action}]").click()


def _state(rt: Any, record_id: int) -> str:
    with rt.db.read() as session:
        return session.get(Record, record_id).publication_state


def _phrase(rt: Any, record_id: int) -> str:
    """Four consecutive words from the middle of the file's extracted text (what a visitor would remember)."""
    with rt.db.read() as session:
        record = session.get(Record, record_id)
        text_sha = session.execute(
            select(Extraction.text_sha256).where(Extraction.blob_sha256 == record.files[0].blob_sha256)
        ).scalar_one()
    tokens = indexing.read_text(rt, text_sha).split()
    start = len(tokens) // 2
    for i in range(start, len(tokens) - 4):  # four consecutive plain words, nothing skipped between them
        window = tokens[i : i + 4]
        if all(w.isalpha() and len(w) >= 4 for w in window):
            return " ".join(window)
    raise AssertionError("no four plain consecutive words in the extracted text")


def test_upload_to_publication_to_public_download(page, live_server, rt, accounts, corpus: Path) -> None:
    base = live_server
    pdf = corpus / CORPUS_FILE
    # 1. Tim Pendukung: upload with the metadata form, then hand over, propose the category, document.
    _sign_in(page, base, "pendukung")
    page.goto(f"{base}/staf/unggah")
    form = page.locator("#form-unggah")
    form.locator("#title").fill("Undang-Undang 1946 Nomor 1 (uji peramban)")
    form.locator("#classification_code").fill("100.3.3.2")
    form.locator("#creator_org").fill("Dinas Komunikasi dan Informatika")
    form.locator("#doc_date").fill("2024-01-15")
    form.locator("#description").fill("Salinan undang-undang untuk layanan informasi publik")
    form.locator("#file_no").fill("B-7")
    form.locator("#dip_summary").fill("Peraturan perundang-undangan yang menjadi dasar layanan")
    form.locator("#controlling_unit").fill("Bidang Informasi dan Komunikasi Publik")
    form.locator("#responsible_official").fill("Kepala Bidang IKP")
    form.locator("#created_place").fill("Sleman")
    form.locator("#form-softcopy").check()
    form.locator("#berkas").set_input_files(str(pdf))
    form.locator("#kirim-unggah").click()
    page.wait_for_url(re.compile(r".*/staf/arsip/\d+$"))
    record_id = int(page.url.rsplit("/", 1)[1])
    assert _state(rt, record_id) == "dihimpun"
    indexing.drain(rt)  # the worker extracts the text (the live server runs no worker thread in tests)
    _act(page, base, record_id, "serahkan")
    _act(page, base, record_id, "usulkan_kategori", {"select[name=kip_category]": "setiap_saat"})
    _act(page, base, record_id, "dokumentasikan")
    assert _state(rt, record_id) == "didokumentasikan"
    assert page.locator("[data-action=terima]").count() == 0  # not the pendukung's step
    _sign_out(page)

    # 2. Tim Sekretariat: receive, verify, report to the PPID.
    _sign_in(page, base, "sekretariat")
    for action in ("terima", "verifikasi", "laporkan"):
        _act(page, base, record_id, action)
    assert _state(rt, record_id) == "dilaporkan"
    _sign_out(page)

    # 3. PPID: determine it open (setiap saat).
    _sign_in(page, base, "ppid")
    _act(page, base, record_id, "tetapkan_terbuka", {"select[name=kip_category]": "setiap_saat"})
    assert _state(rt, record_id) == "ditetapkan_terbuka"
    _sign_out(page)

    # 4. Tim Sekretariat: publish.
    _sign_in(page, base, "sekretariat")
    _act(page, base, record_id, "publikasikan")
    assert _state(rt, record_id) == "dipublikasikan"
    _sign_out(page)

    # 5. An anonymous visitor finds it by a phrase of its text and downloads it.
    phrase = _phrase(rt, record_id)
    page.goto(f"{base}/cari")
    page.fill("#q", f'"{phrase}"')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    link = page.locator(f"a[href='/informasi/{record_id}']").first
    assert link.count() == 1, f"not found by the phrase {phrase!r}"
    link.click()
    page.wait_for_url(f"{base}/informasi/{record_id}")
    with page.expect_download() as download_info:
        page.locator("a[download]").first.click()
    path = download_info.value.path()
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == hashlib.sha256(pdf.read_bytes()).hexdigest()
