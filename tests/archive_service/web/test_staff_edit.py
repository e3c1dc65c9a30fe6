"""Editing a record's description in the staff workspace (issue 17): the form, optimistic locking, who may edit,
the review of published records, the returned-for-correction round, and the intake defaults from the files."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from archive_service.db import AuditEvent
from archive_service.demo.pdfgen import make_pdf
from archive_service.services import intake_defaults, records
from archive_service.services.actor import SYSTEM
from archive_service.services.intake_defaults import FileFacts
from tests.archive_service.web.test_staff_more import signed_in
from tests.support.checks import assert_consistent
from tests.support.files import pdf_bytes

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'<form[^>]*id="form-ubah-deskripsi".*?name="version" value="(\d+)"', re.S)
USERNAMES = {
    "pendukung": "pendukung",
    "pendukung_other": "pendukung.bappeda",
    "sekretariat": "sekretariat",
    "ppid": "ppid",
    "arsiparis": "arsiparis",
    "admin": "admin",
    "atasan_ppid": "atasan.ppid",
}


# ---- helpers -------------------------------------------------------------------------------------------------------
@pytest.fixture
def staff(app, accounts):  # type: ignore[no-untyped-def]
    clients: dict[str, Any] = {}

    def _client(role: str) -> Any:
        if role not in clients:
            clients[role] = signed_in(app, USERNAMES[role])
        return clients[role]

    return _client


class _Form(HTMLParser):
    """The fields of one form as a browser would post them (text, selects, checked boxes, textareas)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._option: str | None = None
        self._first_option: str | None = None
        self._chosen = False
        self._textarea: str | None = None
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._first_option, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea or "", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if not self._chosen and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str = "form-ubah-deskripsi") -> dict[str, Any]:
    parser = _Form(form_id)
    parser.feed(html)
    out: dict[str, Any] = {}
    for name, value in parser.fields:
        if name in out:
            out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    return out


def duplicate_ids(html: str) -> list[str]:
    parser = _Form("")
    parser.feed(html)
    return sorted({i for i in parser.ids if parser.ids.count(i) > 1})


def edit(client: Any, record_id: int, **changes: Any) -> Any:
    """Open the edit form as the browser shows it, change some fields, post it."""
    page = client.get(f"/staf/arsip/{record_id}/ubah")
    assert page.status_code == 200, page.get_data(as_text=True)
    data = form_fields(page.get_data(as_text=True))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)  # an unchecked box
        else:
            data[name] = value
    return client.post(f"/staf/arsip/{record_id}/ubah", data=data)


def state(rt: Any, record_id: int) -> Any:
    record = records.get_record(rt, SYSTEM, record_id)
    return records.snapshot(record) | {"version": record.version, "state": record.publication_state}


def audit_count(rt: Any) -> int:
    with rt.db.read() as session:
        return session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def post_intake(client: Any, files: list[tuple[str, bytes]], **fields: Any) -> Any:
    data = {
        "title": "Foto kegiatan sosialisasi",
        "classification_code": "500.12.18.1",
        "processing_unit": "kominfo",
        "creator_org": "Dinas Komunikasi dan Informatika",
        "dip_summary": "Dokumentasi kegiatan",
        "media": "",
        "quantity": "",
        "quantity_unit": "",
        "development_level": "asli",
    } | fields
    page = client.get("/staf/unggah").get_data(as_text=True)
    data["csrf_token"] = TOKEN.search(page).group(1)
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/staf/unggah", data=data, content_type="multipart/form-data")


def created(rt: Any, response: Any) -> Any:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return records.get_record(rt, SYSTEM, int(response.headers["Location"].rsplit("/", 1)[1]))


# ---- the edit form -------------------------------------------------------------------------------------------------
def test_form_shows_the_description_and_saves_only_what_changed(rt, accounts, staff, make_record) -> None:
    record = make_record("dihimpun", notes="catatan lama")
    client = staff("pendukung")
    html = client.get(f"/staf/arsip/{record.id}/ubah").get_data(as_text=True)
    assert 'value="Laporan Layanan Informasi Publik 2025"' in html and ">catatan lama</textarea>" in html
    assert VERSION.search(html).group(1) == str(record.version)
    assert duplicate_ids(html) == []

    answer = edit(
        client,
        record.id,
        title="Laporan Layanan Informasi Publik Tahun 2025",
        description="Baris satu\r\nBaris dua",
        period_start="2025-01-01",
        period_end="2025-12-31",
        media="tekstual",
        quantity="12",
        quantity_unit="lembar",
        development_level="salinan",
        classification_code="000.5",
        notes="",
        location="Rak 3, boks 12",
        is_vital="1",
        dip_retention_text="5 tahun",
        dip_summary="Ringkasan baru",
        available_forms=["softcopy"],
        access_groups="bidang-ikp, sekretariat",
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/staf/arsip/{record.id}")
    after = records.get_record(rt, SYSTEM, record.id)
    assert after.version > record.version
    assert after.title == "Laporan Layanan Informasi Publik Tahun 2025" and after.description == "Baris satu\nBaris dua"
    assert str(after.period_start) == "2025-01-01" and str(after.period_end) == "2025-12-31"
    assert (after.media, after.quantity, after.quantity_unit) == ("tekstual", 12, "lembar")
    assert after.development_level == "salinan" and after.classification_code == "000.5"
    assert after.notes is None and after.location == "Rak 3, boks 12" and after.is_vital is True
    assert after.dip_retention_text == "5 tahun" and after.available_forms == ["softcopy"]
    assert after.access_groups == ["bidang-ikp", "sekretariat"]
    assert after.creator_org == record.creator_org and after.doc_date == record.doc_date  # untouched
    with rt.db.read() as session:
        event = (
            session.execute(
                select(AuditEvent).where(AuditEvent.action == "record.update").order_by(AuditEvent.id.desc())
            )
            .scalars()
            .first()
        )
    assert "creator_org" not in event.changes and "dip_summary" in event.changes
    page = client.get(f"/staf/arsip/{record.id}").get_data(as_text=True)
    assert "Deskripsi arsip disimpan." in page and "Rak 3, boks 12" in page
    assert_consistent(rt)


def test_saving_the_form_unchanged_changes_nothing(rt, accounts, staff, make_record) -> None:
    record = make_record("dihimpun")
    before, events = state(rt, record.id), audit_count(rt)
    answer = edit(staff("pendukung"), record.id)
    assert answer.status_code == 302
    assert state(rt, record.id) == before and audit_count(rt) == events
    assert "Tidak ada perubahan" in staff("pendukung").get(answer.headers["Location"]).get_data(as_text=True)


def test_an_unrelated_edit_keeps_a_stand_in_title_open_to_the_proposal(rt, accounts, staff, make_record) -> None:
    """Sending the file-name title back unchanged would confirm it as the user's title: only changes are sent."""
    client = staff("pendukung")
    answer = post_intake(client, [("notula_rapat.pdf", pdf_bytes("Notula"))], title="")
    record = created(rt, answer)
    assert record.title_source == "file_name"
    assert edit(client, record.id, notes="Diperiksa").status_code == 302
    after = records.get_record(rt, SYSTEM, record.id)
    assert after.notes == "Diperiksa" and after.title_source == "file_name"


def test_a_stale_form_is_refused_with_the_current_values_and_the_users_unsaved_ones(
    rt, accounts, staff, make_record
) -> None:
    record = make_record("dihimpun")
    client = staff("pendukung")
    html = client.get(f"/staf/arsip/{record.id}/ubah").get_data(as_text=True)
    data = form_fields(html) | {"location": "Gudang arsip B"}
    other = records.update_record(rt, accounts["sekretariat"].actor, record.id, record.version, {"notes": "lain"})
    answer = client.post(f"/staf/arsip/{record.id}/ubah", data=data)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 409 and 'id="ubah-error"' in body and "sudah diubah orang lain" in body
    assert VERSION.search(body).group(1) == str(other.version)  # the form now holds the record as it is
    assert ">lain</textarea>" in body
    unsaved = body.split('id="isian-belum-disimpan"', 1)[1].split("</dl>", 1)[0]
    assert "Gudang arsip B" in unsaved and "Keterangan" in unsaved  # notes: the user's form still had none
    after = records.get_record(rt, SYSTEM, record.id)
    assert after.location is None and after.notes == "lain" and after.version == other.version

    english = client.post(f"/staf/arsip/{record.id}/ubah?lang=en", data=data)
    assert english.status_code == 409 and "was changed by someone else" in english.get_data(as_text=True)
    garbled = client.post(f"/staf/arsip/{record.id}/ubah", data=data | {"version": "x"})
    assert garbled.status_code == 409 and records.get_record(rt, SYSTEM, record.id).version == other.version


def test_invalid_input_changes_nothing_and_is_shown_next_to_the_fields(rt, accounts, staff, make_record) -> None:
    record = make_record("dihimpun")
    client = staff("pendukung")
    before, events = state(rt, record.id), audit_count(rt)
    answer = edit(
        client,
        record.id,
        title="",
        quantity="banyak",
        period_start="2025-05-01",
        period_end="2025-01-01",
        classification_code="bukan kode",
        location="Rak baru",
    )
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field in ("title", "quantity", "classification_code"):
        assert f'id="err-{field}"' in body and f'aria-describedby="err-{field}"' in body
    assert "Tidak boleh kosong." in body and "Bukan bilangan bulat yang sah." in body
    assert 'value="Rak baru"' in body and 'value="banyak"' in body  # what was typed stays
    assert state(rt, record.id) == before and audit_count(rt) == events

    period = edit(client, record.id, period_start="2025-05-01", period_end="2025-01-01")
    assert period.status_code == 422 and 'id="err-period_end"' in period.get_data(as_text=True)
    assert "Akhir kurun waktu tidak boleh sebelum awalnya." in period.get_data(as_text=True)
    english = client.post(f"/staf/arsip/{record.id}/ubah?lang=en", data=form_fields(body) | {"title": ""})
    assert english.status_code == 422 and "May not be blank." in english.get_data(as_text=True)
    assert "Tidak boleh kosong." not in english.get_data(as_text=True)
    assert state(rt, record.id) == before and audit_count(rt) == events


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pendukung", 200),
        ("sekretariat", 200),
        ("ppid", 200),
        ("arsiparis", 200),
        ("admin", 200),
        ("atasan_ppid", 403),
        ("pendukung_other", 404),
    ],
)
def test_who_may_edit(rt, accounts, staff, make_record, role, status) -> None:
    record = make_record("diterima")
    client = staff(role)
    page = client.get(f"/staf/arsip/{record.id}")
    link = f'href="/staf/arsip/{record.id}/ubah"'
    assert (link in page.get_data(as_text=True)) == (status == 200)
    assert client.get(f"/staf/arsip/{record.id}/ubah").status_code == status
    if status == 200:
        assert edit(client, record.id, location="Rak 9").status_code == 302
        assert records.get_record(rt, SYSTEM, record.id).location == "Rak 9"
        return
    before = state(rt, record.id)
    token = TOKEN.search(client.get("/staf/").get_data(as_text=True)).group(1)
    answer = client.post(  # a hand-made post: a text field left out of it stays as it is
        f"/staf/arsip/{record.id}/ubah",
        data={"csrf_token": token, "version": str(record.version), "location": "Rak 9"},
    )
    assert answer.status_code == status and state(rt, record.id) == before


def test_a_pendukung_cannot_move_a_record_to_another_unit(rt, accounts, staff, make_record) -> None:
    record = make_record("dihimpun")
    client = staff("pendukung")
    html = client.get(f"/staf/arsip/{record.id}/ubah").get_data(as_text=True)
    assert '<option value="kominfo"' in html and '<option value="bappeda"' not in html
    before = state(rt, record.id)
    answer = edit(client, record.id, processing_unit="bappeda", notes="pindah")
    assert answer.status_code == 403 and 'id="ubah-error"' in answer.get_data(as_text=True)
    assert state(rt, record.id) == before


def test_editing_a_published_record_opens_a_revision_through_the_form(rt, accounts, staff, make_record) -> None:
    record = make_record("dipublikasikan")
    client = staff("pendukung")
    form = client.get(f"/staf/arsip/{record.id}/ubah").get_data(as_text=True)
    assert 'id="ubah-revisi"' in form
    answer = edit(client, record.id, dip_summary="Ringkasan yang diperbaiki")
    assert answer.status_code == 302
    after = records.get_record(rt, SYSTEM, record.id)
    assert after.publication_state == "didokumentasikan" and after.public_version is not None
    assert after.dip_summary == "Ringkasan yang diperbaiki"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "menunggu pemeriksaan ulang" in page and 'id="revisi-berjalan"' in page
    with rt.db.read() as session:
        actions = list(
            session.execute(
                select(AuditEvent.action).where(AuditEvent.record_id == record.id).order_by(AuditEvent.id)
            ).scalars()
        )
    assert actions[-2:] == ["record.update", "workflow.revisi"]


def test_the_returned_record_round_in_the_browser_forms(rt, accounts, staff, make_record) -> None:
    record = make_record("perlu_perbaikan")
    client = staff("pendukung")
    page = client.get(f"/staf/arsip/{record.id}").get_data(as_text=True)
    note = page.split('id="dikembalikan"', 1)[1].split("</section>", 1)[0]
    assert "Lampiran belum lengkap" in note and f'href="/staf/arsip/{record.id}/ubah"' in note
    assert 'href="#aksi-serahkan_ulang"' in note and 'href="#form-tambah-berkas"' in note
    assert duplicate_ids(page) == []
    form = client.get(f"/staf/arsip/{record.id}/ubah").get_data(as_text=True)
    assert "Lampiran belum lengkap" in form

    answer = edit(client, record.id, description="Uraian yang dilengkapi", file_no="B-12/2025")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "serahkan ulang arsip ini" in page
    current = records.get_record(rt, SYSTEM, record.id)
    token = TOKEN.search(page).group(1)
    resubmitted = client.post(
        f"/staf/arsip/{record.id}/aksi",
        data={"csrf_token": token, "action": "serahkan_ulang", "version": str(current.version)},
    )
    assert resubmitted.status_code == 302
    assert records.get_record(rt, SYSTEM, record.id).publication_state == "diserahkan"
    assert 'id="dikembalikan"' not in client.get(f"/staf/arsip/{record.id}").get_data(as_text=True)
    # the secretariat sees the note on the record page, but is not offered the correction steps
    assert 'id="perbaiki-deskripsi"' not in staff("sekretariat").get(f"/staf/arsip/{record.id}").get_data(as_text=True)


# ---- intake defaults from the files --------------------------------------------------------------------------------
def test_intake_derives_media_and_quantity_from_an_image_and_a_pdf(rt, accounts, staff) -> None:
    client = staff("pendukung")
    photo = created(rt, post_intake(client, [("kegiatan.png", png_bytes())]))
    assert (photo.media, photo.quantity, photo.quantity_unit) == ("foto", 1, "file")
    page = client.get(f"/staf/arsip/{photo.id}").get_data(as_text=True)
    assert "Diisi dari berkas: Media, Jumlah, Satuan." in page

    three_pages = make_pdf([["Halaman satu"], ["Halaman dua"], ["Halaman tiga"]])
    report = created(
        rt,
        post_intake(
            client,
            [("laporan.pdf", three_pages), ("lampiran.pdf", pdf_bytes("Lampiran"))],
            title="Laporan",
            period_start="2025-01-01",
            period_end="2025-06-30",
            notes="Asli di bidang IKP",
            location="Lemari 2",
            is_vital="1",
            dip_retention_text="Selama berlaku",
            development_level="salinan",
        ),
    )
    assert (report.media, report.quantity, report.quantity_unit) == ("elektronik", 4, "halaman")
    assert str(report.period_start) == "2025-01-01" and str(report.period_end) == "2025-06-30"
    assert report.notes == "Asli di bidang IKP" and report.location == "Lemari 2" and report.is_vital is True
    assert report.dip_retention_text == "Selama berlaku" and report.development_level == "salinan"


def test_intake_keeps_what_the_user_chose(rt, accounts, staff) -> None:
    client = staff("pendukung")
    chosen = created(
        rt, post_intake(client, [("scan.png", png_bytes())], media="tekstual", quantity="7", quantity_unit="berkas")
    )
    assert (chosen.media, chosen.quantity, chosen.quantity_unit) == ("tekstual", 7, "berkas")
    boxes = created(rt, post_intake(client, [("laporan.pdf", pdf_bytes("Satu"))], quantity_unit="boks"))
    assert (boxes.media, boxes.quantity, boxes.quantity_unit) == ("elektronik", 1, "boks")  # no page count in boxes
    counted = created(rt, post_intake(client, [("laporan.pdf", pdf_bytes("Dua"))], quantity="3"))
    assert (counted.quantity, counted.quantity_unit) == (3, "halaman")
    bad = post_intake(client, [("laporan.pdf", pdf_bytes("Tiga"))], quantity="0")
    assert bad.status_code == 422 and 'id="err-quantity"' in bad.get_data(as_text=True)


def test_intake_form_has_the_new_fields_and_no_duplicate_ids(rt, accounts, staff) -> None:
    html = staff("pendukung").get("/staf/unggah").get_data(as_text=True)
    for name in (
        "media",
        "quantity",
        "quantity_unit",
        "development_level",
        "period_start",
        "period_end",
        "dip_retention_text",
        "notes",
        "is_vital",
        "location",
    ):
        assert f'name="{name}"' in html, name
    assert duplicate_ids(html) == []


def test_monev_has_no_duplicate_ids(rt, accounts, staff, make_record) -> None:
    make_record("dipublikasikan")
    html = staff("ppid").get("/staf/monev").get_data(as_text=True)
    assert 'id="monev-table-sla"' in html and duplicate_ids(html) == []


# ---- the derivation rules (pure) -----------------------------------------------------------------------------------
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("mimes", "media", "dcmi"),
    [
        (["image/jpeg"], "foto", "StillImage"),
        (["image/png", "image/tiff"], "foto", "StillImage"),
        ([PDF], "elektronik", "Text"),
        ([PDF, "image/png"], "elektronik", "Text"),
        ([DOCX], "elektronik", "Text"),
        (["video/mp4"], "audio_visual", "MovingImage"),
        (["audio/mpeg"], "audio_visual", "Sound"),
        ([], None, None),
    ],
)
def test_media_and_dcmi_type_from_mime_types(mimes, media, dcmi) -> None:
    """The media intake gives a record, and the dc:type a harvester then receives for it."""
    from archive_service.exports.dublin_core import dc_elements

    assert intake_defaults.media_for(mimes) == media
    types = [
        value for name, value in dc_elements({"media": media, "files": [{"mime": m} for m in mimes]}) if name == "type"
    ]
    assert (dcmi in types) if dcmi else not types


def test_quantity_and_defaults_rules() -> None:
    assert intake_defaults.quantity_for([FileFacts(PDF, 3), FileFacts(PDF, 2)]) == (5, "halaman")
    assert intake_defaults.quantity_for([FileFacts(PDF, None)]) == (1, "file")  # pdfium could not open it
    assert intake_defaults.quantity_for([FileFacts(PDF, 3), FileFacts(DOCX)]) == (2, "file")
    assert intake_defaults.quantity_for([]) is None
    facts = [FileFacts("image/png")]
    assert intake_defaults.with_file_defaults({"media": " ", "quantity": ""}, facts) == {
        "media": "foto",
        "quantity": 1,
        "quantity_unit": "file",
    }
    assert intake_defaults.with_file_defaults({"media": "tekstual"}, facts)["media"] == "tekstual"
    boxes = intake_defaults.with_file_defaults({"quantity_unit": "boks"}, facts)
    assert boxes == {"media": "foto", "quantity_unit": "boks"}  # a page or file count is no number of boxes
    assert intake_defaults.with_file_defaults({"media": ""}, []) == {}


def test_pdf_page_counts_in_a_child_process(tmp_path) -> None:
    good = tmp_path / "tiga.pdf"
    good.write_bytes(make_pdf([["a"], ["b"], ["c"]]))
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    assert intake_defaults.pdf_page_counts([good, broken, good]) == [3, None, 3]
    assert [f.pages for f in intake_defaults.file_facts([good, broken])] == [3, None]


def test_a_step_refused_for_missing_fields_points_to_the_edit_form(rt, accounts, staff, make_record) -> None:
    record = make_record("diklasifikasi_usulan", file_no=None)
    client = staff("pendukung")
    token = TOKEN.search(client.get(f"/staf/arsip/{record.id}").get_data(as_text=True)).group(1)
    refused = client.post(
        f"/staf/arsip/{record.id}/aksi",
        data={"csrf_token": token, "action": "dokumentasikan", "version": str(record.version)},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code >= 400 and 'id="lengkapi-deskripsi"' in body
    assert edit(client, record.id, file_no="B-12").status_code == 302
    assert records.get_record(rt, SYSTEM, record.id).file_no == "B-12"
