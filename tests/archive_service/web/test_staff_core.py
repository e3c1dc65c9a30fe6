"""The core of the staff workspace: sign-in (backoff, rate limit, password change), home, intake, record page."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from archive_service.db import AuditEvent, ConsequenceTest, Record, User
from archive_service.db.models import SignInThrottle
from archive_service.db.types import utcnow
from archive_service.ratelimit import RateLimiter
from archive_service.services import jra, records, web_auth, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.conftest import PASSWORD
from tests.support.checks import assert_consistent
from tests.support.files import executable_bytes, pdf_bytes

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SAMPLE_JRA = records.__file__.rsplit("/services/", 1)[0] + "/data/jra_sample.csv"
WRONG = "not the password at all"


# ---- helpers -------------------------------------------------------------------------------------------------------
def token(client: Any, path: str = "/staf/masuk") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: Any, username: str, password: str = PASSWORD) -> Any:
    return client.post("/staf/masuk", data={"username": username, "password": password, "csrf_token": token(client)})


def username(role: str) -> str:
    return "pendukung.bappeda" if role == "pendukung_other" else role.replace("_", ".")


@pytest.fixture
def staff(app, accounts):  # type: ignore[no-untyped-def]
    """A signed-in test client per role (made on first use)."""
    clients: dict[str, Any] = {}

    def _client(role: str) -> Any:
        if role not in clients:
            client = app.test_client()
            assert login(client, username(role)).status_code == 302
            clients[role] = client
        return clients[role]

    return _client


def make_record(rt: Any, accounts: Any, state: str = "dihimpun", owner: str = "pendukung", **overrides: Any) -> Record:
    """A record (of the owner's unit) with DIP fields and one PDF, moved (as SYSTEM) to ``state``."""
    staged = stage_stream(io.BytesIO(pdf_bytes("Laporan", state, str(overrides))), rt.settings.staging_dir)
    data = READY | {"processing_unit": accounts[owner].actor.unit_code} | overrides
    record = records.create_record(rt, accounts[owner].actor, data, [Upload("laporan.pdf", staged)])
    for action in TO_STATE_PATH[state]:
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for(action, record))
    return record


def page_of(client: Any, record_id: int) -> str:
    response = client.get(f"/staf/arsip/{record_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def form_version(html: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{form_id}".*?name="version" value="(\d+)"', html, re.S)
    assert match, f"no form {form_id}"
    return match.group(1)


def act(client: Any, record_id: int, action: str, **fields: Any) -> Any:
    """Post the action form as the page offers it (its version, the session's CSRF token)."""
    html = page_of(client, record_id)
    data = {
        "csrf_token": TOKEN.search(html).group(1),
        "action": action,
        "version": form_version(html, f"aksi-{action}"),
    }
    data.update(fields)
    return client.post(f"/staf/arsip/{record_id}/aksi", data=data)


def state_of(rt: Any, record_id: int) -> str:
    return records.get_record(rt, SYSTEM, record_id).publication_state


def intake_form(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Laporan Layanan Informasi Publik 2025",
        "classification_code": "500.12.18.1",
        "processing_unit": "kominfo",
        "creator_org": "Dinas Komunikasi dan Informatika",
        "doc_date": "2025-06-30",
        "description": "Laporan tahunan layanan informasi publik",
        "file_no": "B-12",
        "security_class": "biasa_terbuka",
        "dip_summary": "Ringkasan laporan layanan informasi publik",
        "controlling_unit": "Bidang IKP Diskominfo",
        "responsible_official": "Kepala Bidang IKP",
        "created_place": "Sleman",
        "available_forms": ["softcopy", "hardcopy"],
    }
    data.update(changes)
    return data


def post_intake(client: Any, data: dict[str, Any], files: list[tuple[str, bytes]]) -> Any:
    body = dict(data, csrf_token=token(client, "/staf/unggah"))
    body["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/staf/unggah", data=body, content_type="multipart/form-data")


def record_count(rt: Any) -> int:
    with rt.db.read() as session:
        return session.execute(select(func.count()).select_from(Record)).scalar_one()


# ---- sign-in -------------------------------------------------------------------------------------------------------
def test_login_success_and_failure(client, accounts) -> None:
    failed = login(client, "pendukung", WRONG)
    assert failed.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in failed.get_data(as_text=True)
    assert client.get("/staf/").status_code == 302  # still signed out
    unknown = login(client, "tidak.ada", WRONG)
    assert unknown.status_code == 401 and "Nama pengguna atau kata sandi salah." in unknown.get_data(as_text=True)
    ok = login(client, "pendukung")
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/staf/")
    home = client.get("/staf/")
    assert home.status_code == 200 and "Pekerjaan saya" in home.get_data(as_text=True)


def test_backoff_after_five_failures_refuses_even_the_right_password(app, client, rt, accounts, monkeypatch) -> None:
    clock = [utcnow()]
    monkeypatch.setattr(web_auth, "utcnow", lambda: clock[0])
    statuses = [login(client, "sekretariat", WRONG).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    blocked = login(client, "sekretariat")
    assert blocked.status_code == 429 and "Terlalu banyak percobaan masuk" in blocked.get_data(as_text=True)
    assert blocked.headers["Retry-After"] == "1"
    assert client.get("/staf/").status_code == 302
    with rt.db.read() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "user.login_locked")).scalars().all()
        assert [e.entity_id for e in events] == [str(accounts["sekretariat"].actor.user_id)]
    # An unknown name answers exactly the same way, so the backoff does not reveal which names exist.
    assert [login(client, "tidak.ada", WRONG).status_code for _ in range(5)] == [401, 401, 401, 401, 429]
    assert login(client, "tidak.ada", WRONG).status_code == 429
    # Each further failure doubles the window; once it has run out, the right password works and the count ends.
    clock[0] += timedelta(seconds=1)
    doubled = login(client, "sekretariat", WRONG)
    assert doubled.status_code == 429 and doubled.headers["Retry-After"] == "2"
    clock[0] += timedelta(seconds=2)
    assert login(client, "sekretariat").status_code == 302
    with rt.db.read() as session:
        assert session.get(SignInThrottle, web_auth._key("sekretariat", "127.0.0.1")) is None
        user = session.execute(select(User).where(User.username == "sekretariat")).scalar_one()
        assert user.failed_logins == 0 and user.locked_until is None  # the old lockout columns are not used


def test_login_rate_limit_per_address(app, client, accounts) -> None:
    app.extensions["arsip_limiter_login"] = RateLimiter(2)
    assert login(client, "ppid", WRONG).status_code == 401
    assert login(client, "ppid", WRONG).status_code == 401
    limited = login(client, "ppid")
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert client.get("/staf/").status_code == 302


def test_csrf_is_required(client, rt, accounts, staff) -> None:
    refused = client.post("/staf/masuk", data={"username": "ppid", "password": PASSWORD})
    assert refused.status_code == 400
    record = make_record(rt, accounts)
    response = staff("pendukung").post(
        f"/staf/arsip/{record.id}/aksi", data={"action": "serahkan", "version": str(record.version)}
    )
    assert response.status_code == 400
    assert state_of(rt, record.id) == "dihimpun"


def test_password_change_ends_other_sessions(app, accounts, staff) -> None:
    mine, other = staff("arsiparis"), app.test_client()
    assert login(other, "arsiparis").status_code == 302
    form = {"current_password": PASSWORD, "new_password": "a new long passphrase", "new_password_repeat": "different"}
    mismatch = mine.post("/staf/sandi", data=form | {"csrf_token": token(mine, "/staf/sandi")})
    assert mismatch.status_code == 422 and 'id="err-new_password_repeat"' in mismatch.get_data(as_text=True)
    short = mine.post(
        "/staf/sandi",
        data=form | {"new_password": "short", "new_password_repeat": "short", "csrf_token": token(mine, "/staf/sandi")},
    )
    assert short.status_code == 422 and 'id="err-new_password"' in short.get_data(as_text=True)
    wrong = mine.post(
        "/staf/sandi",
        data=form
        | {
            "current_password": WRONG,
            "new_password_repeat": form["new_password"],
            "csrf_token": token(mine, "/staf/sandi"),
        },
    )
    assert wrong.status_code == 422 and 'id="err-current_password"' in wrong.get_data(as_text=True)
    assert other.get("/staf/").status_code == 200  # nothing changed yet

    changed = mine.post(
        "/staf/sandi",
        data=form | {"new_password_repeat": form["new_password"], "csrf_token": token(mine, "/staf/sandi")},
    )
    assert changed.status_code == 302
    assert mine.get("/staf/").status_code == 200  # this browser got a new session
    assert other.get("/staf/").status_code == 302  # the other one ended
    fresh = app.test_client()
    assert login(fresh, "arsiparis").status_code == 401
    assert login(fresh, "arsiparis", form["new_password"]).status_code == 302


# ---- home ----------------------------------------------------------------------------------------------------------
def test_home_shows_worklist_and_counts_in_scope(rt, accounts, staff) -> None:
    make_record(rt, accounts)
    make_record(rt, accounts, "didokumentasikan")
    make_record(rt, accounts, owner="pendukung_other")
    pendukung = staff("pendukung").get("/staf/").get_data(as_text=True)
    assert "Serahkan daftar dan fisik informasi" in pendukung and "Unit Anda: kominfo" in pendukung
    assert re.search(r'data-state="dihimpun">1<', pendukung) and re.search(
        r'data-state="didokumentasikan">1<', pendukung
    )
    bappeda = staff("pendukung_other").get("/staf/").get_data(as_text=True)
    assert re.search(r'data-state="dihimpun">1<', bappeda) and re.search(r'data-state="didokumentasikan">0<', bappeda)
    sekretariat = staff("sekretariat").get("/staf/").get_data(as_text=True)
    assert "Terima daftar dan fisik informasi" in sekretariat and "Semua unit" in sekretariat
    assert re.search(r'data-state="didokumentasikan">1<', sekretariat)
    assert re.search(r'data-state="dihimpun">2<', sekretariat)


# ---- intake --------------------------------------------------------------------------------------------------------
def test_intake_creates_one_record_with_two_files(rt, accounts, staff) -> None:
    jra.import_file(rt, SYSTEM, SAMPLE_JRA, name="Sampel")
    client = staff("pendukung")
    form = client.get("/staf/unggah").get_data(as_text=True)
    assert 'id="form-unggah"' in form and 'id="berkas"' in form and 'name="files"' in form
    assert '<option value="kominfo"' in form and "bappeda" not in form  # a pendukung files for its own unit only
    response = post_intake(
        client, intake_form(), [("laporan.pdf", pdf_bytes("Laporan satu")), ("lampiran.pdf", pdf_bytes("Lampiran"))]
    )
    assert response.status_code == 302
    record_id = int(response.headers["Location"].rsplit("/", 1)[1])
    record = records.get_record(rt, SYSTEM, record_id)
    assert [f.filename for f in record.files] == ["laporan.pdf", "lampiran.pdf"]
    assert record.available_forms == ["softcopy", "hardcopy"] and record.processing_unit == "kominfo"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "JRA yang berlaku: 500.12.18.1 Pelayanan Informasi — aktif 2 th, inaktif 3 th, Musnah" in page
    assert "laporan.pdf" in page and "lampiran.pdf" in page and 'data-action="serahkan"' in page
    assert_consistent(rt)


def test_intake_answers_json_to_the_upload_script(rt, accounts, staff) -> None:
    client = staff("pendukung")
    body = dict(intake_form(), csrf_token=token(client, "/staf/unggah"))
    body["files"] = [(io.BytesIO(pdf_bytes("Satu")), "satu.pdf")]
    response = client.post(
        "/staf/unggah", data=body, content_type="multipart/form-data", headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert response.status_code == 200 and response.json["location"].startswith("/staf/arsip/")


def test_intake_validation_error_creates_nothing(rt, accounts, staff) -> None:
    client = staff("pendukung")
    make_record(rt, accounts)  # something stored already, so "no change" is not trivially an empty store
    before_blobs, before_records = set(rt.blobs.iter_sha256()), record_count(rt)
    missing_title = post_intake(client, intake_form(title=""), [])  # with a file, its name would be the title
    assert missing_title.status_code == 422
    html = missing_title.get_data(as_text=True)
    assert 'id="err-title"' in html and 'aria-describedby="judul-petunjuk err-title"' in html
    assert 'value="Dinas Komunikasi dan Informatika"' in html  # what was typed stays in the form
    disguised = post_intake(client, intake_form(), [("ok.pdf", pdf_bytes("Baik")), ("jahat.pdf", executable_bytes())])
    assert disguised.status_code == 415 and 'id="err-berkas"' in disguised.get_data(as_text=True)
    other_unit = post_intake(client, intake_form(processing_unit="bappeda"), [("b.pdf", pdf_bytes("Unit lain"))])
    assert other_unit.status_code == 403
    assert record_count(rt) == before_records
    assert set(rt.blobs.iter_sha256()) == before_blobs
    assert_consistent(rt)


def test_intake_refuses_a_file_over_the_limit_and_roles_that_do_not_file(rt, accounts, staff) -> None:
    rt.settings.max_file_size = 1000
    before_blobs = set(rt.blobs.iter_sha256())
    too_big = post_intake(staff("pendukung"), intake_form(), [("besar.pdf", pdf_bytes(*["baris panjang"] * 200))])
    assert too_big.status_code == 413 and 'id="err-berkas"' in too_big.get_data(as_text=True)
    assert record_count(rt) == 0 and set(rt.blobs.iter_sha256()) == before_blobs
    assert staff("atasan_ppid").get("/staf/unggah").status_code == 403
    assert_consistent(rt)


def test_classification_picker_endpoint(client, rt, accounts, staff) -> None:
    anonymous = client.get("/staf/kode?q=500.12")
    assert anonymous.status_code == 401 and anonymous.is_json
    jra.import_file(rt, SYSTEM, SAMPLE_JRA, name="Sampel")
    answer = staff("pendukung").get("/staf/kode?q=500.12.18").json
    assert {s["code"] for s in answer["suggestions"]} == {"500.12.18.1"}
    exact = staff("pendukung").get("/staf/kode?q=500.12.18.1").json
    assert exact["applies"]["code"] == "500.12.18.1"
    assert exact["applies"]["text"].startswith("JRA yang berlaku: 500.12.18.1 Pelayanan Informasi")
    assert staff("pendukung").get("/staf/kode?q=bukan kode").json["applies"] is None


# ---- the record page -----------------------------------------------------------------------------------------------
def test_record_page_offers_only_permitted_actions(rt, accounts, staff) -> None:
    fresh = make_record(rt, accounts)
    assert 'data-action="serahkan"' in page_of(staff("pendukung"), fresh.id)
    assert 'id="aksi-serahkan"' in page_of(staff("pendukung"), fresh.id)
    secretariat = page_of(staff("sekretariat"), fresh.id)
    assert 'data-action="serahkan"' not in secretariat and 'id="tanpa-aksi"' in secretariat
    assert staff("pendukung_other").get(f"/staf/arsip/{fresh.id}").status_code == 404
    reported = make_record(rt, accounts, "dilaporkan")
    ppid = page_of(staff("ppid"), reported.id)
    assert 'data-action="kecualikan"' in ppid and 'data-action="tetapkan_terbuka"' in ppid
    assert 'data-action="publikasikan"' not in ppid
    assert 'data-action="kecualikan"' not in page_of(staff("sekretariat"), reported.id)
    # A hand-made POST of an action the role may not take is refused by the service and changes nothing.
    refused = staff("sekretariat").post(
        f"/staf/arsip/{fresh.id}/aksi",
        data={"csrf_token": token(staff("sekretariat"), "/staf/"), "action": "serahkan", "version": fresh.version},
    )
    assert refused.status_code == 403 and state_of(rt, fresh.id) == "dihimpun"


def test_full_main_line_through_the_web_forms(rt, accounts, staff) -> None:
    created = post_intake(staff("pendukung"), intake_form(), [("laporan.pdf", pdf_bytes("Laporan layanan"))])
    record_id = int(created.headers["Location"].rsplit("/", 1)[1])
    steps = [
        ("pendukung", "serahkan", {}),
        ("pendukung", "usulkan_kategori", {"kip_category": "berkala"}),
        ("pendukung", "dokumentasikan", {}),
        ("sekretariat", "terima", {}),
        ("sekretariat", "verifikasi", {}),
        ("sekretariat", "laporkan", {}),
        ("ppid", "tetapkan_terbuka", {"kip_category": "berkala"}),
        ("sekretariat", "publikasikan", {}),
    ]
    for role, action, fields in steps:
        response = act(staff(role), record_id, action, **fields)
        assert response.status_code == 302, (role, action, response.get_data(as_text=True)[:2000])
    record = records.get_record(rt, SYSTEM, record_id)
    assert record.publication_state == "dipublikasikan" and record.kip_category == "berkala"
    page = page_of(staff("ppid"), record_id)
    assert "Dipublikasikan" in page and record.control_card_no in page and record.receipt_no in page
    timeline = page.split('id="riwayat"', 1)[1]
    assert timeline.index("Publikasikan") < timeline.index("Serahkan ke Tim Sekretariat")  # newest first
    assert staff("ppid").get(f"/informasi/{record_id}").status_code == 200
    assert_consistent(rt)


def test_exemption_through_the_form_with_a_signed_sheet(rt, accounts, staff) -> None:
    record = make_record(rt, accounts, "dilaporkan")
    sheet = records.add_files(
        rt,
        accounts["pendukung"].actor,
        record.id,
        [Upload("uji-konsekuensi.pdf", stage_stream(io.BytesIO(pdf_bytes("Lembar uji")), rt.settings.staging_dir))],
    ).files[-1]
    ppid = staff("ppid")
    assert f'<option value="{sheet.id}">uji-konsekuensi.pdf</option>' in page_of(ppid, record.id)
    fields = {
        "exemption_ground": "h",
        "exemption_basis": "UU 14/2008 Pasal 17 huruf h",
        "exemption_no_expiry": "1",
        "exemption_decree_no": "SK-PPID/07/2025",
        "consequence_test.summary": "Memuat data pribadi",
        "consequence_test.harm": "Mengungkap rahasia pribadi",
        "consequence_test.public_interest": "Kepentingan umum lebih kecil",
        "consequence_test.participants": "PPID, Tim Pertimbangan",
        "consequence_test.signed_sheet_file_id": str(sheet.id),
    }
    incomplete = act(ppid, record.id, "kecualikan", **(fields | {"exemption_basis": ""}))
    assert incomplete.status_code == 422
    html = incomplete.get_data(as_text=True)
    assert 'id="err-kecualikan-basis"' in html and "SK-PPID/07/2025" in html  # the rest is kept
    assert state_of(rt, record.id) == "dilaporkan"
    done = act(ppid, record.id, "kecualikan", **fields)
    assert done.status_code == 302
    after = records.get_record(rt, SYSTEM, record.id)
    assert after.publication_state == "dikecualikan" and after.exemption_ground == "h" and after.exemption_no_expiry
    with rt.db.read() as session:
        test = session.execute(select(ConsequenceTest).where(ConsequenceTest.record_id == record.id)).scalar_one()
    assert test.participants == ["PPID", "Tim Pertimbangan"] and test.signed_sheet_file_id == sheet.id


def test_stale_version_answers_409(rt, accounts, staff) -> None:
    record = make_record(rt, accounts)
    client = staff("pendukung")
    html = page_of(client, record.id)
    records.update_record(rt, accounts["pendukung"].actor, record.id, record.version, {"notes": "diubah orang lain"})
    stale = client.post(
        f"/staf/arsip/{record.id}/aksi",
        data={
            "csrf_token": TOKEN.search(html).group(1),
            "action": "serahkan",
            "version": form_version(html, "aksi-serahkan"),
        },
    )
    assert stale.status_code == 409 and "sudah diubah orang lain" in stale.get_data(as_text=True)
    assert state_of(rt, record.id) == "dihimpun"


def test_user_text_is_escaped(rt, accounts, staff) -> None:
    record = make_record(rt, accounts, title="<script>alert('x')</script>")
    for path in (f"/staf/arsip/{record.id}", "/staf/arsip", "/staf/"):
        html = staff("pendukung").get(path).get_data(as_text=True)
        assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html


def test_files_download_preview_and_add(rt, accounts, staff) -> None:
    record = make_record(rt, accounts)
    file_id = record.files[0].id
    client = staff("sekretariat")
    download = client.get(f"/staf/arsip/{record.id}/berkas/{file_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()  # a streamed body keeps its request context until closed
    preview = client.get(f"/staf/arsip/{record.id}/berkas/{file_id}/pratinjau")
    preview.close()
    assert preview.headers["Content-Disposition"].startswith("inline")
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert 'class="preview"' in page_of(client, record.id)
    assert staff("pendukung_other").get(f"/staf/arsip/{record.id}/berkas/{file_id}").status_code == 404
    assert client.get(f"/staf/arsip/{record.id}/berkas/999999").status_code == 404

    owner = staff("pendukung")
    html = page_of(owner, record.id)
    added = owner.post(
        f"/staf/arsip/{record.id}/berkas",
        data={
            "csrf_token": TOKEN.search(html).group(1),
            "version": form_version(html, "form-tambah-berkas"),
            "files": [(io.BytesIO(pdf_bytes("Tambahan")), "tambahan.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    assert [f.filename for f in records.get_record(rt, SYSTEM, record.id).files] == ["laporan.pdf", "tambahan.pdf"]
    assert_consistent(rt)


def test_record_list_filters_and_pages(rt, accounts, staff) -> None:
    make_record(rt, accounts, title="Anggaran perjalanan dinas")
    make_record(rt, accounts, title="Laporan layanan")
    client = staff("pendukung")
    html = client.get("/staf/arsip?q=anggaran").get_data(as_text=True)
    assert "Anggaran perjalanan dinas" in html and "Laporan layanan" not in html
    assert "1 arsip" in client.get("/staf/arsip?status=dihimpun&q=perjalanan").get_data(as_text=True)
    assert client.get("/staf/arsip?halaman=x").status_code == 200
    assert client.get("/staf/arsip").status_code == 200
    assert staff("pendukung").get("/staf/arsip/424242").status_code == 404
