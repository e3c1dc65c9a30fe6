"""A citizen's request for information in a real browser, end to end (issue 18).

The citizen asks on the portal's form (identity upload, the challenge read off the page and answered like a
person), keeps the number and the secret, and follows the request on the tracking page. The Tim Sekretariat takes
it up and finds the answer by searching from the request's own text; the PPID extends it once with reasons (the
citizen sees them); the Tim Sekretariat links a second, exempted record with a redacted copy; the PPID grants in
part, citing that record's exemption; a download link is issued. The citizen downloads the written answer and the
redacted copy (never the exempted original), objects under Pasal 35(1)a, and reads the Atasan PPID's decision.
Then the pages at phone width: no sideways scroll, no duplicate ``id``.

Every step is a click or a keystroke on the page the role sees; the services are only read to check the outcome.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from archive_service.db import InformationRequest, RecordFile
from archive_service.services import indexing
from tests.archive_service.requests.conftest import png_bytes
from tests.conftest import make_account
from tests.e2e.browser.test_correction_round import PHONE, _check_layout
from tests.e2e.browser.test_sop_flow import _sign_in, _sign_out
from tests.support.files import pdf_bytes

pytestmark = pytest.mark.browser

INFORMATION = "Laporan anggaran pengembangan jaringan internet desa tahun 2026 dan kontrak menara telekomunikasi"
EXTEND_REASONS = "Data anggaran masih dihimpun dari tiga bidang dan perlu diperiksa sebelum diberikan."
OBJECTION = "Bagian kontrak yang dihitamkan terlalu luas; nilai kontrak adalah informasi terbuka."
REDACTED = pdf_bytes("Kontrak menara (salinan dihitamkan)", "Nilai kontrak: ███████. Pasal 17 huruf b.")


def _fetch(page: Any, url: str) -> tuple[int, str, bytes]:
    """GET ``url`` with the page's own context (cookies, none for the citizen): status, content type, body."""
    response = page.request.get(url)
    return response.status, response.headers.get("content-type", ""), response.body()


@contextmanager
def contract_file(rt: Any, record_id: int) -> Iterator[bytes]:
    """The bytes of a record's first file, read from the store."""
    with rt.db.read() as session:
        sha = session.execute(select(RecordFile.blob_sha256).where(RecordFile.record_id == record_id)).scalars().first()
    with rt.blobs.open(sha) as fh:
        yield fh.read()


def _request_state(rt: Any, number: str) -> str:
    with rt.db.read() as session:
        return session.execute(select(InformationRequest.state).where(InformationRequest.number == number)).scalar_one()


def test_citizen_request_extension_partial_grant_objection_in_the_browser(
    page, live_server, rt, console, make_record, tmp_path: Path
) -> None:
    base = live_server
    for username, role in (("ppid", "ppid"), ("sekretariat", "sekretariat"), ("atasan.ppid", "atasan_ppid")):
        make_account(rt, username, role)  # after make_record's unit; accounts would make both units again
    make_record(
        "dipublikasikan",
        "Laporan Anggaran Pengembangan Jaringan Internet Desa 2026",
        "Anggaran pengembangan jaringan internet desa tahun 2026 per kecamatan.",
    )
    contract = make_record(
        "dikecualikan",
        "Kontrak Pengadaan Menara Telekomunikasi",
        "Kontrak pengadaan menara telekomunikasi dengan nilai dan rahasia dagang penyedia.",
    )
    indexing.drain(rt, timeout=120)
    identity = tmp_path / "ktp.png"
    identity.write_bytes(png_bytes())
    redacted = tmp_path / "kontrak-dihitamkan.pdf"
    redacted.write_bytes(REDACTED)

    # 1. The citizen asks on the portal, without an account.
    page.goto(f"{base}/")
    page.click("nav >> text=Permohonan informasi")
    form = page.locator("#request-form")
    form.locator("#applicant-name").fill("Siti Rahmawati")
    form.locator("#applicant-nik").fill("3404015208900002")
    form.locator("#applicant-address").fill("Jl. Kaliurang Km 5, Sleman")
    form.locator("#applicant-email").fill("siti.rahmawati@example.org")
    form.locator("#identity_file").set_input_files(str(identity))
    form.locator("#information").fill(INFORMATION)
    form.locator("#purpose").fill("Pengawasan anggaran oleh forum warga desa")
    form.locator("#rf-softcopy").check()
    form.locator("#dm-email").check()
    question = form.locator("label[for=challenge_answer]").inner_text()
    a, b = map(int, re.findall(r"\d+", question)[:2])
    form.locator("#challenge_answer").fill(str(a + b))
    page.wait_for_timeout(2100)  # a person takes longer than the challenge's minimum (a bot answers at once)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#request-number").count() == 1, page.locator("main").inner_text()[:1500]
    number = page.locator("#request-number").inner_text().strip()
    secret = page.locator("#request-secret").inner_text().strip()
    assert number and len(secret) >= 20
    tracking = page.locator("#tracking-link").get_attribute("href")
    assert tracking and secret in tracking
    page.goto(urljoin(base, tracking))
    assert page.locator("#request-state").inner_text().strip() == "Diterima"
    # the tanda bukti is there at once
    letters = page.locator("#letters a")
    assert letters.count() >= 1
    status, mime, body = _fetch(page, urljoin(base, letters.first.get_attribute("href")))
    assert status == 200 and mime.startswith("application/pdf") and body.startswith(b"%PDF-")

    # 2. The Tim Sekretariat takes it up and searches from the request's text.
    _sign_in(page, base, "sekretariat")
    page.goto(f"{base}/staf/permohonan")
    with page.expect_navigation():
        page.click(f"text={number}")
    with page.expect_navigation():
        page.click("#take-up-form button[type=submit]")
    assert page.locator("#request-q").input_value().startswith("Laporan anggaran")
    with page.expect_navigation():
        page.click("#request-search-form button[type=submit]")
    hit = page.locator("#search-results li", has_text="Jaringan Internet Desa")
    assert hit.count() == 1, page.locator("#search-results").inner_text()
    with page.expect_navigation():
        hit.locator("button[type=submit]").click()
    assert "Jaringan Internet Desa" in page.locator("#links").inner_text()
    _sign_out(page)

    # 3. The PPID extends it once, with written reasons; the citizen sees them.
    _sign_in(page, base, "ppid")
    page.goto(f"{base}/staf/permohonan/{number}")
    page.fill("#extend-reasons", EXTEND_REASONS)
    with page.expect_navigation():
        page.click("#extend-form button[type=submit]")
    assert page.locator("#request-state").inner_text().strip() == "Diperpanjang"
    assert page.locator("#extend-form").count() == 0  # once only
    _sign_out(page)
    page.goto(urljoin(base, tracking))
    assert EXTEND_REASONS in page.locator("#tracking").inner_text()

    # 4. The Tim Sekretariat links the exempted contract with a redacted copy.
    _sign_in(page, base, "sekretariat")
    page.goto(f"{base}/staf/permohonan/{number}")
    link_form = page.locator("#link-form")
    link_form.locator("#link-record").fill(str(contract.id))
    link_form.locator("#link-partly").check()
    link_form.locator("#link-redacted").set_input_files(str(redacted))
    with page.expect_navigation():
        link_form.locator("button[type=submit]").click()
    assert "Kontrak Pengadaan Menara" in page.locator("#links").inner_text()
    _sign_out(page)

    # 5. The PPID grants in part, citing the contract's exemption.
    _sign_in(page, base, "ppid")
    page.goto(f"{base}/staf/permohonan/{number}")
    page.select_option("#decision", "dikabulkan_sebagian")
    page.fill("#decide-reasons", "Laporan anggaran diberikan; kontrak diberikan dengan nilai dihitamkan.")
    page.fill("#exemption-record", str(contract.id))
    with page.expect_navigation():
        page.click("#decide-form button[type=submit]")
    assert _request_state(rt, number) == "dikabulkan_sebagian"
    _sign_out(page)

    # 6. A download link for the applicant.
    _sign_in(page, base, "sekretariat")
    page.goto(f"{base}/staf/permohonan/{number}")
    with page.expect_navigation():
        page.click("#deliver-form button[type=submit]")
    assert "/api/v1/public/deliveries/" in page.locator("#delivery-url").inner_text()  # shown once, to send
    _sign_out(page)

    # 7. The citizen reads the answer and downloads what was given, never the exempted original.
    page.goto(urljoin(base, tracking))
    assert page.locator("#request-state").inner_text().strip() == "Dikabulkan sebagian"
    answer_letter = page.locator("#letters a", has_text="pemberitahuan tertulis")
    status, mime, body = _fetch(page, urljoin(base, answer_letter.get_attribute("href")))
    assert status == 200 and body.startswith(b"%PDF-")
    files = {a.inner_text(): a.get_attribute("href") for a in page.locator("#delivery-files a").all()}
    assert len(files) == 2, files  # the open record's file and the contract's redacted copy
    bodies = {name: _fetch(page, urljoin(base, href)) for name, href in files.items()}
    assert all(status == 200 for status, _mime, _body in bodies.values())
    assert bodies["kontrak-dihitamkan.pdf"][2] == REDACTED
    with contract_file(rt, contract.id) as original:
        assert all(body != original for _s, _m, body in bodies.values())  # the exempted original never goes out

    # 8. The citizen objects: the refusal ground of Pasal 35(1)a is open.
    page.goto(urljoin(base, tracking))
    page.check("#g-penolakan_pasal17")
    page.fill("#objection-reasons", OBJECTION)
    with page.expect_navigation():
        page.click("#objection-submit")
    filed = page.locator("#objection-filed").inner_text()
    objection_no = re.search(r"[A-Z]+-\d{4}-\d+", filed)
    assert objection_no, filed

    # 9. The Atasan PPID decides on the objections worklist.
    _sign_in(page, base, "atasan.ppid")
    page.goto(f"{base}/staf/keberatan")
    section = page.locator(f"#objection-{objection_no.group(0)}")
    section.locator("select[name=decision]").select_option("ditolak")
    section.locator("textarea[name=reasons]").fill("Nilai kontrak memuat rahasia dagang penyedia (Pasal 17 huruf b).")
    with page.expect_navigation():
        section.locator("button[type=submit]").click()
    _sign_out(page)
    page.goto(urljoin(base, tracking))
    assert "rahasia dagang penyedia" in page.locator("#objections").inner_text()

    # 10. At phone width: the form, the tracking page and the staff pages.
    page.set_viewport_size(PHONE)
    for url in (f"{base}/permohonan", urljoin(base, tracking)):
        _check_layout(page, url)
    _sign_in(page, base, "ppid")
    for url in (f"{base}/staf/permohonan", f"{base}/staf/permohonan/{number}", f"{base}/staf/keberatan"):
        _check_layout(page, url)
    assert console.errors == []
