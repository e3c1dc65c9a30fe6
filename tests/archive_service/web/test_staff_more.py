"""The rest of the staff workspace over HTTP: search and saved searches, DIP versions, retention (due lists,
batches, four eyes, holds) and administration (users, units, tokens, JRA, calendar)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

import archive_service
from archive_service.db import DispositionBatch
from archive_service.db.types import utcnow
from archive_service.errors import SearchUnavailable
from archive_service.services import auth, dip, disposition, holds, indexing, jra, records, saved_searches, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.conftest import PASSWORD, make_account
from tests.support.files import pdf_bytes

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SAMPLE_JRA = Path(archive_service.__file__).parent / "data" / "jra_sample.csv"


# ---- helpers -------------------------------------------------------------------------------------------------------
def csrf(client: Any, path: str = "/staf/cari") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    answer = client.post(
        "/staf/masuk", data={"username": username, "password": PASSWORD, "csrf_token": csrf(client, "/staf/masuk")}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def post(client: Any, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A form POST with the session's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client)}, **kwargs)


@pytest.fixture
def staff(app, accounts):  # type: ignore[no-untyped-def]
    clients: dict[str, Any] = {}

    def _client(username: str) -> Any:
        if username not in clients:
            clients[username] = signed_in(app, username)
        return clients[username]

    return _client


def make_record(rt, accounts, title: str, doc_date: str = "2025-06-30", text: str = "isi arsip", **extra):  # type: ignore[no-untyped-def]
    staged = stage_stream(io.BytesIO(pdf_bytes(title, text)), rt.settings.staging_dir)
    data = READY | {"title": title, "doc_date": doc_date} | extra
    return records.create_record(rt, accounts["pendukung"].actor, data, [Upload("berkas.pdf", staged)])


def to_state(rt, record, state: str):  # type: ignore[no-untyped-def]
    for action in TO_STATE_PATH[state]:
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for(action, record))
    return record


# ---- search --------------------------------------------------------------------------------------------------------
def test_search_shows_escaped_hits_with_facets_sort_and_paging_links(rt, accounts, staff, monkeypatch) -> None:
    hit = make_record(rt, accounts, "<script>alert(1)</script> Laporan zebrakuda", text="anggaran zebrakuda")
    make_record(rt, accounts, "Notula rapat lain", text="tidak relevan")
    indexing.drain(rt)
    client = staff("ppid")

    answer = client.get("/staf/cari?q=zebrakuda")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f'/staf/arsip/{hit.id}"' in body and "Notula rapat lain" not in body
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<mark>" in body  # the highlight, the only HTML let through
    assert 'href="/staf/cari?q=zebrakuda&amp;unit=kominfo"' in body  # a facet adds its filter
    assert 'href="/staf/cari?q=zebrakuda&amp;sort=date_desc"' in body

    filtered = client.get("/staf/cari?q=zebrakuda&unit=kominfo").get_data(as_text=True)
    assert 'aria-current="true">✓ kominfo' in filtered
    assert 'href="/staf/cari?q=zebrakuda"' in filtered  # the same link removes it again
    assert "Notula rapat lain" in client.get("/staf/cari").get_data(as_text=True)  # no words: browse everything

    bad = client.get("/staf/cari?q=x&year=abc")
    assert bad.status_code == 422 and "Periksa kata kunci" in bad.get_data(as_text=True)

    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise SearchUnavailable()

    monkeypatch.setattr("archive_service.services.search.internal_search", down)
    unavailable = client.get("/staf/cari?q=zebrakuda")
    assert unavailable.status_code == 503 and 'id="search-error"' in unavailable.get_data(as_text=True)


def test_pendukung_of_another_unit_finds_nothing_of_kominfo(rt, accounts, staff) -> None:
    make_record(rt, accounts, "Dokumen kudanil khusus", text="kudanil")
    indexing.drain(rt)
    body = staff("pendukung.bappeda").get("/staf/cari?q=kudanil").get_data(as_text=True)
    assert "Dokumen kudanil khusus" not in body


def test_saved_searches_are_private_to_their_owner(rt, accounts, staff) -> None:
    ppid, other = staff("ppid"), staff("sekretariat")
    answer = post(ppid, "/staf/cari/simpan", {"name": "Zebra <b>", "query": "q=zebra&unit=kominfo&page=3&evil=1"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staf/cari?q=zebra&unit=kominfo")
    [saved] = saved_searches.list_for(rt, accounts["ppid"].actor)
    assert saved.name == "Zebra <b>" and saved.query == "q=zebra&unit=kominfo"
    page = ppid.get("/staf/cari").get_data(as_text=True)
    assert 'href="/staf/cari?q=zebra&amp;unit=kominfo">Zebra &lt;b&gt;</a>' in page
    assert "Zebra &lt;b&gt;" not in other.get("/staf/cari").get_data(as_text=True)

    duplicate = post(ppid, "/staf/cari/simpan", {"name": "Zebra <b>", "query": "q=lain"})
    assert duplicate.status_code == 409 and 'id="save-search-error"' in duplicate.get_data(as_text=True)
    empty = post(ppid, "/staf/cari/simpan", {"name": "", "query": "q=lain"})
    assert empty.status_code == 422 and 'id="save-search-name-error"' in empty.get_data(as_text=True)
    assert ppid.post("/staf/cari/simpan", data={"name": "x", "query": "q=x"}).status_code == 400  # no CSRF token

    assert post(other, f"/staf/cari/tersimpan/{saved.id}/hapus").status_code == 404
    assert len(saved_searches.list_for(rt, accounts["ppid"].actor)) == 1
    assert post(ppid, f"/staf/cari/tersimpan/{saved.id}/hapus").status_code == 302
    assert saved_searches.list_for(rt, accounts["ppid"].actor) == []


# ---- DIP -----------------------------------------------------------------------------------------------------------
def test_ppid_fixes_dip_versions_and_compares_them_sekretariat_may_not(rt, accounts, staff) -> None:
    ppid, sekretariat = staff("ppid"), staff("sekretariat")
    today = date.today().isoformat()
    refused = post(sekretariat, "/staf/dip/tetapkan", {"decree_no": "SK/1", "decree_date": today})
    assert refused.status_code == 403 and "tidak boleh" in refused.get_data(as_text=True)
    assert dip.list_versions(rt, SYSTEM) == []
    assert 'id="dip-fix-form"' not in sekretariat.get("/staf/dip").get_data(as_text=True)

    missing = post(ppid, "/staf/dip/tetapkan", {"decree_no": "", "decree_date": today})
    assert missing.status_code == 422 and 'id="decree_no-error"' in missing.get_data(as_text=True)
    assert post(ppid, "/staf/dip/tetapkan", {"decree_no": "SK/1", "decree_date": today}).status_code == 302
    opened = to_state(rt, make_record(rt, accounts, "Laporan layanan <i>informasi</i>"), "dipublikasikan")
    answer = post(ppid, "/staf/dip/tetapkan", {"decree_no": "SK/2", "decree_date": today, "note": "semester"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staf/dip/versi/2")
    assert [v.version_no for v in dip.list_versions(rt, SYSTEM)] == [2, 1]

    index = ppid.get("/staf/dip").get_data(as_text=True)
    assert "Laporan layanan &lt;i&gt;informasi&lt;/i&gt;" in index and 'id="dip-versions"' in index
    version = ppid.get("/staf/dip/versi/2").get_data(as_text=True)
    assert "SK/2" in version and f"/staf/arsip/{opened.id}" in version
    compared = sekretariat.get("/staf/dip/banding?from=1&to=2")
    body = compared.get_data(as_text=True)
    assert compared.status_code == 200 and 'id="dip-added"' in body and "Laporan layanan" in body
    assert sekretariat.get("/staf/dip/banding?from=1&to=9").status_code == 404
    assert sekretariat.get("/staf/dip/banding?from=x&to=2").status_code == 422
    assert sekretariat.get("/staf/dip/versi/7").status_code == 404


# ---- retention -----------------------------------------------------------------------------------------------------
@pytest.fixture
def due_record(rt, accounts):  # type: ignore[no-untyped-def]
    """The sample JRA and a Pelayanan Informasi record of 2012: its active retention (2 years) ended long ago."""
    jra.import_file(rt, SYSTEM, SAMPLE_JRA, name="x")
    return make_record(rt, accounts, "Register layanan 2012", doc_date="2012-03-01", classification_code="500.12.18.1")


def _execution(today: str, **overrides: str) -> dict[str, str]:
    data = {
        "date": today,
        "place": "Sleman",
        "location": "Gedung Arsip Lt. 2",
        "sig_name_1": "Drs. Sutrisno",
        "sig_title_1": "Kepala Dinas",
        "sig_name_2": "Rina Wulandari",
        "sig_title_2": "Arsiparis",
        "wit_name_1": "",
        "wit_title_1": "",
    }
    return data | overrides


def test_due_list_proposal_four_eyes_approval_and_execution(rt, accounts, staff, due_record) -> None:
    arsiparis, atasan = staff("arsiparis"), staff("atasan.ppid")
    today = date.today().isoformat()
    fresh = make_record(rt, accounts, "Arsip baru", doc_date=today)

    index = arsiparis.get("/staf/retensi").get_data(as_text=True)
    assert 'id="due-summary"' in index
    link = re.search(r'href="(/staf/retensi/jatuh-tempo\?[^"]*kind=pemindahan[^"]*)"', index)
    assert link, index
    due = arsiparis.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f'id="pick-{due_record.id}"' in due and f'id="pick-{fresh.id}"' not in due

    not_due = post(arsiparis, "/staf/retensi/usulan", {"kind": "pemindahan", "record_ids": [str(fresh.id)]})
    assert not_due.status_code == 409 and "retensi belum berakhir" in not_due.get_data(as_text=True)
    assert disposition.list_batches(rt, SYSTEM) == []
    nothing = post(arsiparis, "/staf/retensi/usulan", {"kind": "pemindahan"})
    assert nothing.status_code == 422 and 'id="propose-error"' in nothing.get_data(as_text=True)

    made = post(arsiparis, "/staf/retensi/usulan", {"kind": "pemindahan", "record_ids": [str(due_record.id)]})
    assert made.status_code == 302
    [batch] = disposition.list_batches(rt, SYSTEM)
    assert made.headers["Location"].endswith(f"/staf/retensi/berkas/{batch.id}")
    url = f"/staf/retensi/berkas/{batch.id}"

    mine = arsiparis.get(url).get_data(as_text=True)
    assert 'id="four-eyes-note"' in mine and 'id="execute-form"' not in mine
    approval = {
        "version": str(batch.version),
        "letter_no": "000.5.6.1/7",
        "letter_date": today,
        "signer_name": "Kepala Dinas",
        "signer_title": "Kepala Unit",
    }
    four_eyes = post(arsiparis, f"{url}/persetujuan", approval)
    assert four_eyes.status_code == 403
    assert "Pengusul tidak boleh menyetujui usulannya sendiri" in four_eyes.get_data(as_text=True)
    assert disposition.get_batch(rt, SYSTEM, batch.id).state == "diusulkan"

    theirs = atasan.get(url).get_data(as_text=True)
    assert 'id="approve-form"' in theirs and 'id="refuse-form"' in theirs and 'id="execute-form"' not in theirs
    assert 'id="exclude-form-' not in theirs  # only the arsiparis takes records out
    assert post(atasan, f"{url}/persetujuan", approval | {"letter_no": ""}).status_code == 422
    assert post(atasan, f"{url}/persetujuan", approval).status_code == 302
    batch = disposition.get_batch(rt, SYSTEM, batch.id)
    assert batch.state == "disetujui" and batch.approval["letter_no"] == "000.5.6.1/7"
    assert post(atasan, f"{url}/persetujuan", approval).status_code == 409  # stale version: reload and retry

    page = arsiparis.get(url).get_data(as_text=True)
    assert 'id="execute-form"' in page and 'id="sig_name_3"' in page and 'id="wit_name_2"' in page
    one = _execution(today, version=str(batch.version), sig_name_2="", sig_title_2="")
    refused = post(arsiparis, f"{url}/pelaksanaan", one)
    assert refused.status_code == 422 and 'id="signatories-error"' in refused.get_data(as_text=True)
    done = post(arsiparis, f"{url}/pelaksanaan", _execution(today, version=str(batch.version)))
    assert done.status_code == 302
    batch = disposition.get_batch(rt, SYSTEM, batch.id)
    assert batch.state == "dilaksanakan" and [s["name"] for s in batch.berita_acara["signatories"]] == [
        "Drs. Sutrisno",
        "Rina Wulandari",
    ]
    assert batch.berita_acara["witnesses"] == []
    final = arsiparis.get(url).get_data(as_text=True)
    assert 'id="berita-acara"' in final and 'id="package-download"' not in final  # pemindahan has no package
    assert records.get_record(rt, SYSTEM, due_record.id).archival_state == "inaktif"
    assert arsiparis.get(f"{url}/paket").status_code == 404


def test_bagit_package_of_an_executed_transfer_downloads_for_readers_only(rt, accounts, staff, due_record) -> None:
    """A real penyerahan needs the panel and a package build (tests/archive_service/retention); here an executed
    batch is given a stored package, to test the page's link and the download itself."""
    today = date.today().isoformat()
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemindahan", "record_ids": [due_record.id]})
    batch = disposition.approve(rt, accounts["atasan_ppid"].actor, batch.id, batch.version, _approval(today))
    ba = {"date": today, "place": "Sleman", "signatories": [{"name": "A", "title": "B"}, {"name": "C", "title": "D"}]}
    disposition.execute(rt, accounts["arsiparis"].actor, batch.id, batch.version, ba)
    content = b"bagit tar bytes " * 1000
    sha, size, _new = rt.blobs.put_stream(io.BytesIO(content))
    with rt.db.write() as session:
        session.execute(
            update(DispositionBatch)
            .where(DispositionBatch.id == batch.id)
            .values(kind="penyerahan", package_sha256=sha, package_size=size)
        )
    url = f"/staf/retensi/berkas/{batch.id}"
    assert 'id="package-download"' in staff("atasan.ppid").get(url).get_data(as_text=True)
    answer = staff("atasan.ppid").get(f"{url}/paket")
    assert answer.status_code == 200 and answer.mimetype == "application/x-tar" and answer.data == content
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert staff("sekretariat").get(f"{url}/paket").status_code == 403


def test_retention_pages_for_roles_without_due_lists(rt, accounts, staff, due_record) -> None:
    sekretariat = staff("sekretariat")
    index = sekretariat.get("/staf/retensi")
    assert index.status_code == 200 and 'id="due-summary"' not in index.get_data(as_text=True)
    assert sekretariat.get("/staf/retensi/jatuh-tempo?kind=pemindahan").status_code == 403
    assert sekretariat.get("/staf/retensi/berkas").status_code == 403
    assert staff("arsiparis").get("/staf/retensi/jatuh-tempo?kind=nope").status_code == 422
    refused = post(sekretariat, "/staf/retensi/usulan", {"kind": "pemindahan", "record_ids": [str(due_record.id)]})
    assert refused.status_code == 403 and disposition.list_batches(rt, SYSTEM) == []


def test_panel_considers_and_concludes_a_destruction_batch(rt, accounts, staff, due_record, app) -> None:
    arsiparis = accounts["arsiparis"].actor
    today = date.today().isoformat()
    moved = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": [due_record.id]})
    moved = disposition.approve(rt, accounts["atasan_ppid"].actor, moved.id, moved.version, _approval(today))
    ba = {"date": today, "place": "Sleman", "signatories": [{"name": "A", "title": "B"}, {"name": "C", "title": "D"}]}
    disposition.execute(rt, arsiparis, moved.id, moved.version, ba)
    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [due_record.id]})
    url = f"/staf/retensi/berkas/{batch.id}"
    members = [make_account(rt, f"penilai.{i}", "panitia_penilai") for i in range(1, 4)]
    clients = [signed_in(app, m.actor.username) for m in members]

    page = clients[0].get(url).get_data(as_text=True)
    assert 'id="consider-form"' in page and 'id="conclude-form"' in page and 'id="approve-form"' not in page
    bad = post(clients[0], f"{url}/pertimbangan", {"opinion": "mungkin", "consideration": "x"})
    assert bad.status_code == 422 and 'id="consider-opinion-error"' in bad.get_data(as_text=True)
    for client in clients:
        assert (
            post(client, f"{url}/pertimbangan", {"opinion": "setuju", "consideration": "Habis retensi"}).status_code
            == 302
        )
    assert 'id="consider-form"' not in clients[0].get(url).get_data(as_text=True)  # once per member
    version = str(disposition.get_batch(rt, SYSTEM, batch.id).version)
    concluded = post(clients[1], f"{url}/kesimpulan", {"version": version, "summary": "Rapat 3 Nov"})
    assert concluded.status_code == 302
    assert disposition.get_batch(rt, SYSTEM, batch.id).state == "dinilai"
    assert 'id="considerations"' in clients[2].get(url).get_data(as_text=True)


def _approval(today: str) -> dict[str, str]:
    return {"letter_no": "1", "letter_date": today, "signer_name": "A", "signer_title": "B"}


def test_holds_are_placed_and_released(rt, accounts, staff) -> None:
    record = make_record(rt, accounts, "Arsip sengketa")
    arsiparis, sekretariat = staff("arsiparis"), staff("sekretariat")
    form = {"name": "Perkara 12/2026", "kind": "sengketa_kip", "reason": "Sengketa di KI", "record_ids": "abc"}
    bad = post(arsiparis, "/staf/retensi/penahanan", form)
    assert bad.status_code == 422 and 'id="hold-records-error"' in bad.get_data(as_text=True)
    assert post(sekretariat, "/staf/retensi/penahanan", form | {"record_ids": str(record.id)}).status_code == 403
    assert holds.list_holds(rt, SYSTEM) == []

    assert post(arsiparis, "/staf/retensi/penahanan", form | {"record_ids": f" {record.id}, "}).status_code == 302
    [hold] = holds.list_holds(rt, SYSTEM)
    assert hold["record_ids"] == [record.id] and records.get_record(rt, SYSTEM, record.id).legal_hold
    page = arsiparis.get("/staf/retensi/penahanan").get_data(as_text=True)
    assert "Perkara 12/2026" in page and f'id="release-form-{hold["id"]}"' in page
    assert f'id="release-form-{hold["id"]}"' not in sekretariat.get("/staf/retensi/penahanan").get_data(as_text=True)

    empty = post(arsiparis, f"/staf/retensi/penahanan/{hold['id']}/lepas", {"reason": " "})
    assert empty.status_code == 422 and f'id="release-reason-{hold["id"]}-error"' in empty.get_data(as_text=True)
    assert (
        post(arsiparis, f"/staf/retensi/penahanan/{hold['id']}/lepas", {"reason": "Putusan inkracht"}).status_code
        == 302
    )
    assert not holds.list_holds(rt, SYSTEM)[0]["in_force"]
    assert not records.get_record(rt, SYSTEM, record.id).legal_hold
    again = post(arsiparis, f"/staf/retensi/penahanan/{hold['id']}/lepas", {"reason": "lagi"})
    assert again.status_code == 409


# ---- administration ------------------------------------------------------------------------------------------------
def test_admin_creates_users_and_units_others_get_403(rt, accounts, staff) -> None:
    admin, ppid = staff("admin"), staff("ppid")
    for path in ("/staf/admin", "/staf/admin/pengguna", "/staf/admin/unit", "/staf/admin/token", "/staf/admin/jra"):
        assert ppid.get(path).status_code == 403, path
        assert admin.get(path).status_code == 200, path
    user = {"username": "baru.satu", "full_name": "Baru <Satu>", "role": "pendukung", "unit_code": "kominfo"}
    refused = post(ppid, "/staf/admin/pengguna", user | {"password": PASSWORD})
    assert refused.status_code == 403
    assert "baru.satu" not in [u.username for u in auth.list_users(rt, SYSTEM)]

    short = post(admin, "/staf/admin/pengguna", user | {"password": "pendek"})
    assert short.status_code == 422 and 'id="new-password-error"' in short.get_data(as_text=True)
    assert post(admin, "/staf/admin/pengguna", user | {"password": PASSWORD}).status_code == 302
    created = next(u for u in auth.list_users(rt, SYSTEM) if u.username == "baru.satu")
    assert created.role == "pendukung" and created.unit_code == "kominfo"
    assert "Baru &lt;Satu&gt;" in admin.get("/staf/admin/pengguna").get_data(as_text=True)
    taken = post(admin, "/staf/admin/pengguna", user | {"password": PASSWORD})
    assert taken.status_code == 409

    assert post(admin, "/staf/admin/unit", {"code": "dinkes", "name": "Dinas Kesehatan"}).status_code == 302
    assert "dinkes" in [u.code for u in auth.list_units(rt, SYSTEM)]
    assert post(admin, "/staf/admin/unit", {"code": "dinkes", "name": "Lagi"}).status_code == 409
    assert post(admin, "/staf/admin/unit", {"code": "Bad Code!", "name": "X"}).status_code == 422
    assert post(ppid, "/staf/admin/unit", {"code": "lain", "name": "Lain"}).status_code == 403

    assert post(admin, "/staf/admin/pengguna/baru.satu/hapus").status_code == 302
    assert "baru.satu" not in [u.username for u in auth.list_users(rt, SYSTEM)]
    assert post(admin, "/staf/admin/pengguna/admin/hapus").status_code == 422  # not yourself


def test_token_secret_is_shown_once(rt, accounts, staff) -> None:
    admin = staff("admin")
    answer = post(admin, "/staf/admin/token", {"username": "ppid", "name": "integrasi", "expires_days": "30"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="token-secret" value="(arsip_[^"]+)"', body).group(1)  # type: ignore[union-attr]
    assert auth.authenticate_token(rt, secret).username == "ppid"
    listing = admin.get("/staf/admin/token?pengguna=ppid").get_data(as_text=True)
    assert "integrasi" in listing and secret not in listing
    assert post(admin, "/staf/admin/token", {"username": "ppid", "name": ""}).status_code == 422
    assert post(admin, "/staf/admin/token", {"username": "tidak.ada", "name": "x"}).status_code == 404


def test_jra_upload_with_a_bad_row_shows_problems_and_stores_nothing(rt, accounts, staff) -> None:
    admin = staff("admin")
    bad_csv = SAMPLE_JRA.read_bytes() + b"999.x.bad;Arsip rusak;dua tahun;3 th;Musnah\n"

    def upload(content: bytes, **fields: str) -> Any:
        data = {"name": "JRA uji", **fields, "file": (io.BytesIO(content), "jra.csv")}
        return post(admin, "/staf/admin/jra", data, content_type="multipart/form-data")

    refused = upload(bad_csv)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="jra-problems"' in body and "999.x.bad" in body
    assert jra.list_schedules(rt, SYSTEM) == []
    dry = upload(bad_csv, dry_run="1")
    assert dry.status_code == 200 and 'id="jra-dry-run"' in dry.get_data(as_text=True)
    assert jra.list_schedules(rt, SYSTEM) == []
    assert upload(SAMPLE_JRA.read_bytes(), legal_basis="Perbup 1").status_code == 302
    [schedule] = jra.list_schedules(rt, SYSTEM)
    assert schedule["name"] == "JRA uji" and schedule["legal_basis"] == "Perbup 1"
    assert post(staff("arsiparis"), "/staf/admin/jra", {"name": "x"}).status_code == 403


def test_calendar_lists_this_and_next_years_holidays(rt, accounts, staff) -> None:
    year = utcnow().astimezone(rt.calendar.tz).year
    answer = staff("admin").get("/staf/admin/kalender")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and f'id="h-year-{year}"' in body and f'id="h-year-{year + 1}"' in body
    known = sorted(d for d in rt.calendar.holidays if d.year == year)
    if known:
        assert known[0].strftime("%d-%m-%Y") in body


def test_pages_speak_english_on_request(rt, accounts, staff) -> None:
    body = staff("admin").get("/staf/retensi?lang=en").get_data(as_text=True)
    assert "Records due" in body and "Arsip yang jatuh tempo" not in body


def test_staff_search_suggests_and_relaxes(rt, accounts, staff) -> None:  # type: ignore[no-untyped-def]
    hit = make_record(rt, accounts, "Rencana kudalaut pesisir", text="kawasan kudalaut")
    indexing.drain(rt)
    body = staff("ppid").get("/staf/cari?q=kudalaot+pesisir+galaksibima").get_data(as_text=True)
    assert f'/staf/arsip/{hit.id}"' in body
    assert 'id="search-suggestion"' in body and "kudalaut pesisir galaksibima" in body
    assert 'id="search-relaxed"' in body and "galaksibima" in body
