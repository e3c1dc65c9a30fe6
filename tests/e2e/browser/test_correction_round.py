"""The returned-for-correction round in a real browser (issue 17): a pendukung files a record with its physical
description, the secretariat returns it with a note, the pendukung reads the note, corrects the description in the
edit form and resubmits, and the record moves on. Then the staff pages at phone width: no sideways scroll of the
page (tables scroll inside their own box) and no duplicate ``id``.

Every step is a click on the page the role sees; the services are only read to check the outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive_service.demo.pdfgen import make_pdf
from archive_service.services import records
from archive_service.services.actor import SYSTEM
from tests.e2e.browser.test_sop_flow import _act, _sign_in, _sign_out, _state

pytestmark = pytest.mark.browser

NOTE = "Uraian belum menyebut kurun waktu; lengkapi lalu serahkan ulang."
PHONE = {"width": 360, "height": 740}

# Elements wider than the viewport, for a readable failure (the page, not a scroll box, is what must not scroll).
WIDE = """(limit) => Array.from(document.querySelectorAll('body *'))
  .filter(e => !e.closest('.table-scroll, details:not([open])'))
  .filter(e => e.getBoundingClientRect().right > limit + 0.5
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
  .slice(0, 8).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''))"""
DUPLICATES = """() => { const seen = new Set(), dup = new Set();
  for (const e of document.querySelectorAll('[id]')) { if (seen.has(e.id)) dup.add(e.id); seen.add(e.id); }
  return Array.from(dup); }"""


def _check_layout(page: Any, url: str) -> None:
    page.goto(url)
    assert page.evaluate(DUPLICATES) == [], f"duplicate ids on {url}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} scrolls sideways ({width} px): {page.evaluate(WIDE, PHONE['width'])}"


def test_returned_record_is_corrected_and_resubmitted_in_the_browser(
    page, live_server, rt, accounts, console, tmp_path: Path
) -> None:
    base = live_server
    pdf = tmp_path / "laporan_layanan_informasi_publik_semester_pertama_dinas_komunikasi_dan_informatika.pdf"
    pdf.write_bytes(make_pdf([["Laporan layanan informasi"], ["Halaman dua"], ["Halaman tiga"]]))

    # 1. Tim Pendukung files the record with its physical description; media and quantity come from the PDF.
    _sign_in(page, base, "pendukung")
    page.goto(f"{base}/staf/unggah")
    form = page.locator("#form-unggah")
    form.locator("#title").fill("Laporan Layanan Informasi Semester I LaporanPelayananInformasiPublikDiskominfoSleman")
    form.locator("#classification_code").fill("500.12.18.1")
    form.locator("#creator_org").fill("Dinas Komunikasi dan Informatika")
    form.locator("#doc_date").fill("2025-07-01")
    form.locator("#period_start").fill("2025-01-01")
    form.locator("#period_end").fill("2025-06-30")
    form.locator("#description").fill("Laporan layanan informasi publik")
    form.locator("#file_no").fill("B-12")
    form.locator("#development_level").select_option("salinan")
    form.locator("#notes").fill("Asli disimpan di Bidang IKP")
    form.locator("#location").fill("Lemari 2, rak 1")
    form.locator("#is_vital").check()
    form.locator("#dip_summary").fill("Ringkasan laporan layanan informasi")
    form.locator("#controlling_unit").fill("Bidang IKP")
    form.locator("#responsible_official").fill("Kepala Bidang IKP")
    form.locator("#created_place").fill("Sleman")
    form.locator("#dip_retention_text").fill("5 tahun")
    form.locator("#form-softcopy").check()
    form.locator("#berkas").set_input_files(str(pdf))
    form.locator("#kirim-unggah").click()
    page.wait_for_url(lambda url: "/staf/arsip/" in url)
    record_id = int(page.url.rsplit("/", 1)[1])
    record = records.get_record(rt, SYSTEM, record_id)
    assert (record.media, record.quantity, record.quantity_unit) == ("elektronik", 3, "halaman")
    assert record.development_level == "salinan" and record.is_vital and record.location == "Lemari 2, rak 1"
    assert str(record.period_end) == "2025-06-30" and record.dip_retention_text == "5 tahun"
    for action, fill in (("serahkan", None), ("usulkan_kategori", {"select[name=kip_category]": "berkala"})):
        _act(page, base, record_id, action, fill)
    _act(page, base, record_id, "dokumentasikan")
    assert _state(rt, record_id) == "didokumentasikan", page.locator("main").inner_text()
    _sign_out(page)

    # 2. Tim Sekretariat receives it and returns it with a note.
    _sign_in(page, base, "sekretariat")
    _act(page, base, record_id, "terima")
    _act(page, base, record_id, "kembalikan", {"textarea[name=reason]": NOTE})
    assert _state(rt, record_id) == "perlu_perbaikan"
    _sign_out(page)

    # 3. The pendukung sees the note, corrects the description in the edit form and resubmits.
    _sign_in(page, base, "pendukung")
    page.goto(f"{base}/staf/arsip/{record_id}")
    returned = page.locator("#dikembalikan")
    assert NOTE in returned.inner_text() and "sekretariat" in returned.inner_text()
    with page.expect_navigation():
        returned.locator("#perbaiki-deskripsi").click()
    assert NOTE in page.locator("#ubah-catatan-pengembalian").inner_text()
    edit = page.locator("#form-ubah-deskripsi")
    edit.locator("#description").fill("Laporan layanan informasi publik, kurun waktu Januari–Juni 2025")
    edit.locator("#quantity").fill("4")
    with page.expect_navigation():
        edit.locator("#simpan-deskripsi").click()
    assert "Deskripsi arsip disimpan." in page.content()
    corrected = records.get_record(rt, SYSTEM, record_id)
    assert corrected.description.endswith("Januari–Juni 2025") and corrected.quantity == 4
    assert corrected.notes == "Asli disimpan di Bidang IKP"  # what was not touched stays
    _act(page, base, record_id, "serahkan_ulang")
    assert _state(rt, record_id) == "diserahkan"
    _act(page, base, record_id, "usulkan_kategori", {"select[name=kip_category]": "berkala"})
    _act(page, base, record_id, "dokumentasikan")

    # 4. At phone width: the staff pages of this round fit, and their ids are unique.
    page.set_viewport_size(PHONE)
    for path in ("/staf/unggah", f"/staf/arsip/{record_id}", f"/staf/arsip/{record_id}/ubah"):
        _check_layout(page, base + path)
    _sign_out(page)

    # 5. The secretariat takes it on: received and verified in the second round.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base, "sekretariat")
    _act(page, base, record_id, "terima")
    _act(page, base, record_id, "verifikasi")
    assert _state(rt, record_id) == "diverifikasi"
    assert records.get_record(rt, SYSTEM, record_id).verification_round == 1  # one return
    page.set_viewport_size(PHONE)
    for path in ("/staf/monev", f"/staf/arsip/{record_id}"):
        _check_layout(page, base + path)
    assert console.errors == []
