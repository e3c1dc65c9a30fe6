"""The rest of the request pages (issue 18): the redacted copy on the link form, delivery links from the request page
to the tracking page, the letters from the staff page, desk registration and desk objections, the objection page
with the decision and the Komisi Informasi disputes, the number field of the reports form and the portal's 429.

Every form: the happy path, bad input that stores nothing (no row, no orphan blob) and the roles the service refuses.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from archive_service.db import InformationObjection, KiDispute, RequestDeliveryToken, RequestRecordLink
from archive_service.db.types import utcnow
from archive_service.services import requests as svc
from tests.support.files import pdf_bytes

from .conftest import counts, png_bytes
from .test_web_requests import csrf, login, public_form, staff_post

REASONS = "Arsip harus dicari di depo arsip inaktif terlebih dahulu."


def rows(rt: Any, model: Any) -> int:
    with rt.db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def multipart(client: Any, path: str, page: str, files: dict[str, tuple[bytes, str]], **data: Any) -> Any:
    body: dict[str, Any] = {"csrf_token": csrf(client, page), **data}
    body |= {name: (io.BytesIO(content), filename) for name, (content, filename) in files.items()}
    return client.post(path, data=body, content_type="multipart/form-data")


@pytest.fixture
def fresh(rt, submit):  # type: ignore[no-untyped-def]
    """A request registered just now (the web's actions run at the real time)."""
    return submit(now=utcnow() - timedelta(minutes=1))


@pytest.fixture
def granted(rt, accounts, fresh, open_record):  # type: ignore[no-untyped-def]
    """``fresh``, with an open record linked and the request granted."""
    svc.link_record(rt, accounts["sekretariat"].actor, fresh.number, {"record_id": open_record.id})
    svc.decide(rt, accounts["ppid"].actor, fresh.number, None, {"decision": "dikabulkan", "reasons": "Diberikan."})
    return fresh


# ---- the link form's redacted copy -----------------------------------------------------------------------------------
def test_link_form_uploads_a_redacted_copy_and_refuses_what_it_cannot_take(
    rt, app, accounts, fresh, open_record, make_record
) -> None:
    sekretariat, page = login(app, "sekretariat"), f"/staf/permohonan/{fresh.number}"
    html = sekretariat.get(page).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'name="redacted_file"' in html
    secret = make_record("dihimpun", security_class="rahasia")  # the secretariat is not cleared for it
    before = counts(rt)

    # not a PDF although it says so: refused by the same sniffing as the API, no link, no blob
    mislabelled = {"redacted_file": (b"teks biasa, bukan PDF", "salinan.pdf")}
    bad = multipart(sekretariat, f"{page}/tautan", page, mislabelled, record_id=str(open_record.id))
    assert bad.status_code == 415 and 'id="link-error"' in bad.get_data(as_text=True)
    # a record the secretariat may not read is a 404, and its good copy is not kept either
    copy = {"redacted_file": (pdf_bytes("Salinan", "dihitamkan"), "salinan.pdf")}
    hidden = multipart(sekretariat, f"{page}/tautan", page, copy, record_id=str(secret.id))
    assert hidden.status_code == 404 and 'id="link-error"' in hidden.get_data(as_text=True)
    # the Atasan PPID does not link (no request.handle)
    refused = multipart(login(app, "atasan_ppid"), f"{page}/tautan", "/staf/keberatan", copy, record_id="1")
    assert refused.status_code in {403, 404}
    assert counts(rt) == before and rows(rt, RequestRecordLink) == 0

    good = multipart(sekretariat, f"{page}/tautan", page, copy, record_id=str(open_record.id), note="Hitamkan NIK")
    assert good.status_code == 302
    assert counts(rt)[2] == before[2] + 1
    html = sekretariat.get(page).get_data(as_text=True)
    assert "salinan.pdf" in html and "sebagian dikecualikan" in html


def test_the_link_form_works_without_a_file_too(rt, app, accounts, fresh, open_record) -> None:
    sekretariat, page = login(app, "sekretariat"), f"/staf/permohonan/{fresh.number}"
    empty = {"redacted_file": (b"", "")}  # what a browser sends when no file was chosen
    linked = multipart(sekretariat, f"{page}/tautan", page, empty, record_id=str(open_record.id))
    assert linked.status_code == 302 and rows(rt, RequestRecordLink) == 1


# ---- delivery --------------------------------------------------------------------------------------------------------
def test_delivery_link_from_the_request_page_to_the_tracking_page(rt, app, client, accounts, granted) -> None:
    page, tracking = f"/staf/permohonan/{granted.number}", f"/permohonan/{granted.number}?kode={granted.secret}"
    ppid = login(app, "ppid")
    assert 'id="deliver-form"' in ppid.get(page).get_data(as_text=True)
    assert 'id="delivery-files"' not in client.get(tracking).get_data(as_text=True)

    bad = staff_post(ppid, f"{page}/unduhan", page, days="0")
    assert bad.status_code == 422 and 'id="deliver-days-error"' in bad.get_data(as_text=True)
    atasan = staff_post(login(app, "atasan_ppid"), f"{page}/unduhan", "/staf/keberatan", days="7")
    assert atasan.status_code in {403, 404}
    assert rows(rt, RequestDeliveryToken) == 0

    issued = staff_post(ppid, f"{page}/unduhan", page, days="3")
    assert issued.status_code == 201
    url = re.search(r'id="delivery-url">([^<]+)<', issued.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.get(url.replace("http://localhost", "")).status_code == 200  # the link itself works
    assert "berlaku" in ppid.get(page).get_data(as_text=True) and url not in ppid.get(page).get_data(as_text=True)

    html = client.get(tracking).get_data(as_text=True)
    links = re.findall(r'href="(/permohonan/[^/]+/unduhan/[^"?]+)\?kode=', html)
    assert len(links) == 1 and "laporan.pdf" in html
    file = client.get(links[0], query_string={"kode": granted.secret})
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    wrong_secret = client.get(links[0], query_string={"kode": "salah"})
    other_key = client.get(f"/permohonan/{granted.number}/unduhan/f999999", query_string={"kode": granted.secret})
    assert wrong_secret.status_code == other_key.status_code == 404 and wrong_secret.data == other_key.data

    with rt.db.write() as session:  # the link expires: the tracking page's door closes with it
        session.execute(update(RequestDeliveryToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert 'id="delivery-files"' not in client.get(tracking).get_data(as_text=True)
    assert client.get(links[0], query_string={"kode": granted.secret}).status_code == 404
    assert "tidak berlaku lagi" in ppid.get(page).get_data(as_text=True)


# ---- letters ---------------------------------------------------------------------------------------------------------
def test_letters_from_the_staff_page_and_the_extension_letter_for_the_applicant(rt, app, client, accounts, fresh):  # type: ignore[no-untyped-def]
    svc.extend(rt, accounts["ppid"].actor, fresh.number, None, {"reasons": REASONS})
    sekretariat, page = login(app, "sekretariat"), f"/staf/permohonan/{fresh.number}"
    html = sekretariat.get(page).get_data(as_text=True).replace("&amp;", "&")
    hrefs = re.findall(r'href="(/staf/laporan/[^"]+)"', html)
    names = {re.search(r"/staf/laporan/([^?]+)", h).group(1) for h in hrefs}  # type: ignore[union-attr]
    assert names == {"tanda-bukti-permohonan", "pemberitahuan-perpanjangan"}
    for href in hrefs:
        letter = sekretariat.get(href)
        assert letter.status_code == 200 and letter.data.startswith(b"%PDF"), href
    # not a handler of this request: the same letter is refused
    assert login(app, "atasan_ppid").get(hrefs[0]).status_code in {403, 404}

    tracking = client.get(f"/permohonan/{fresh.number}?kode={fresh.secret}").get_data(as_text=True)
    assert f"/permohonan/{fresh.number}/surat/pemberitahuan_perpanjangan" in tracking
    pdf = client.get(f"/permohonan/{fresh.number}/surat/pemberitahuan_perpanjangan?kode={fresh.secret}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_reports_form_has_the_number_field_for_those_who_handle_requests(app, accounts) -> None:
    html = login(app, "ppid").get("/staf/laporan").get_data(as_text=True)
    assert 'id="report-pemberitahuan-perpanjangan-number"' in html and "Permohonan informasi dan keberatan" in html
    assert 'name="number"' not in login(app, "pendukung").get("/staf/laporan").get_data(as_text=True)
    missing = login(app, "ppid").get("/staf/laporan/tanda-bukti-permohonan?format=pdf")
    assert missing.status_code == 422 and 'id="report-tanda-bukti-permohonan-number-error"' in missing.get_data(
        as_text=True
    )


# ---- desk registration -----------------------------------------------------------------------------------------------
def desk_form(**changes: Any) -> dict[str, Any]:
    return public_form(**{"channel": "surat", **changes})


def register(client: Any, files: list[tuple[bytes, str]] | None = None, **changes: Any) -> Any:
    page = "/staf/permohonan/baru"
    body = {"csrf_token": csrf(client, page), **desk_form(**changes)}
    body["identity_file"] = [(io.BytesIO(c), n) for c, n in (files or [(b"", "")])]
    return client.post(page, data=body, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("changes", "files", "status", "field"),
    [
        ({"applicant.nik": None}, [(png_bytes(), "ktp.png")], 422, "applicant-nik"),
        ({"channel": "merpati"}, None, 422, "channel"),
        ({"received_at": "kemarin"}, None, 422, "received_at"),
        ({"received_at": "2099-01-01T09:00"}, [(png_bytes(), "ktp.png")], 422, "received_at"),
        ({}, [(b"teks biasa saja", "ktp.png")], 415, None),
    ],
)
def test_desk_registration_bad_input_stores_nothing(rt, app, accounts, changes, files, status, field) -> None:
    sekretariat = login(app, "sekretariat")
    before = counts(rt)
    response = register(sekretariat, files, **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == status and 'id="form-error"' in html and 'id="request-form"' in html
    if field:
        assert f'id="{field}-error"' in html
    assert counts(rt) == before


def test_desk_registration_by_letter_received_yesterday(rt, app, accounts) -> None:
    sekretariat = login(app, "sekretariat")
    assert 'href="/staf/permohonan/baru"' in sekretariat.get("/staf/permohonan").get_data(as_text=True)
    yesterday = (utcnow().astimezone(rt.calendar.tz) - timedelta(days=1)).replace(second=0, microsecond=0)
    response = register(sekretariat, [(png_bytes(), "ktp.png")], received_at=yesterday.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    number = re.search(r'id="request-number">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="request-secret">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert 'id="receipt-letter"' in html
    item = svc.get_request(rt, accounts["ppid"].actor, number)
    assert item["channel"] == "surat" and item["received_at"] == yesterday
    assert item["due_at"] == rt.calendar.add(yesterday, svc.ANSWER_SLA)
    assert item["applicant"].identity_filename == "ktp.png"
    assert svc.track(rt, number, secret)["number"] == number  # the code handed over works


@pytest.mark.parametrize("role", ["atasan_ppid", "admin", "pendukung"])
def test_desk_registration_is_for_the_handlers_only(rt, app, accounts, role) -> None:
    staff = login(app, role)
    assert staff.get("/staf/permohonan/baru").status_code == 403
    before = counts(rt)
    assert register(staff, [(png_bytes(), "ktp.png")]).status_code == 403
    assert counts(rt) == before


# ---- desk objections, the objection page, disputes -------------------------------------------------------------------
def test_desk_objection_the_objection_page_and_a_dispute(rt, app, accounts, fresh) -> None:
    sekretariat, page = login(app, "sekretariat"), f"/staf/permohonan/{fresh.number}"
    html = sekretariat.get(page).get_data(as_text=True)
    assert 'id="desk-objection-form"' in html and 'value="berkala_tidak_disediakan"' in html

    bad = staff_post(sekretariat, f"{page}/keberatan", page, reasons="Singkat", channel="loket")
    assert bad.status_code == 422 and 'id="objection-error"' in bad.get_data(as_text=True)
    not_open = staff_post(
        sekretariat, f"{page}/keberatan", page, grounds="tidak_ditanggapi", reasons=REASONS, channel="loket"
    )
    assert not_open.status_code == 422
    assert staff_post(login(app, "atasan_ppid"), f"{page}/keberatan", "/staf/keberatan").status_code in {403, 404}
    assert rows(rt, InformationObjection) == 0

    filed = staff_post(
        sekretariat, f"{page}/keberatan", page, grounds="berkala_tidak_disediakan", reasons=REASONS, channel="surat"
    )
    assert filed.status_code == 302 and "/staf/keberatan/KBR-" in filed.headers["Location"]
    objection = filed.headers["Location"].rsplit("/", 1)[1]
    detail = f"/staf/keberatan/{objection}"

    atasan = login(app, "atasan_ppid")
    html = atasan.get(detail).get_data(as_text=True)
    assert 'id="request-link"' in html and 'id="objection-decide-form"' in html and 'id="dispute-form"' in html
    assert f'href="{detail}"' in atasan.get("/staf/keberatan").get_data(as_text=True)
    dispute = {"registry_no": "001/REG-PSI/I/2027", "filed_on": utcnow().date().isoformat()}
    early = staff_post(atasan, f"{detail}/sengketa", detail, **dispute)  # still within the Atasan's 30 days
    assert early.status_code == 409 and 'id="dispute-error"' in early.get_data(as_text=True)

    version = re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
    decision = {
        "version": version,
        "decision": "dikabulkan",
        "reasons": "Informasi berkala wajib disediakan.",
        "halaman": "detail",
    }
    decided = staff_post(atasan, f"{detail}/putusan", detail, **decision)
    assert decided.status_code == 302 and decided.headers["Location"].endswith(detail)
    html = atasan.get(detail).get_data(as_text=True)
    assert "Informasi berkala wajib disediakan." in html and 'id="objection-letter"' in html
    letter = atasan.get(f"/staf/laporan/tanggapan-keberatan?number={objection}&format=pdf")
    assert letter.status_code == 200 and letter.data.startswith(b"%PDF")

    missing = staff_post(atasan, f"{detail}/sengketa", detail, filed_on=dispute["filed_on"])
    assert missing.status_code == 422 and 'id="dispute-registry-error"' in missing.get_data(as_text=True)
    assert rows(rt, KiDispute) == 0
    ppid = login(app, "ppid")
    assert staff_post(ppid, f"{detail}/sengketa", detail, **dispute).status_code == 302
    again = staff_post(ppid, f"{detail}/sengketa", detail, **dispute, outcome="mediasi_berhasil")
    assert again.status_code == 302 and rows(rt, KiDispute) == 1  # the same registry number updates it
    assert "Mediasi berhasil" in ppid.get(detail).get_data(as_text=True)

    # the secretariat reads objections but records no dispute; the admin reads none
    html = sekretariat.get(detail).get_data(as_text=True)
    assert 'id="dispute-form"' not in html and 'id="objection-decide-form"' not in html
    assert staff_post(sekretariat, f"{detail}/sengketa", detail, **dispute).status_code == 403
    assert login(app, "admin").get(detail).status_code == 403


# ---- the portal's 429 ------------------------------------------------------------------------------------------------
def test_tracking_beyond_the_rate_is_a_portal_page(rt, client) -> None:
    rt.settings.request_rate_per_minute = 1  # tracking gets six times that
    answers = [client.get("/permohonan/PMH-2099-0001?kode=x") for _ in range(7)]
    assert [a.status_code for a in answers] == [404] * 6 + [429]
    last = answers[-1]
    assert last.mimetype == "text/html" and int(last.headers["Retry-After"]) > 0
    assert "Terlalu banyak permintaan" in last.get_data(as_text=True)
    english = client.get("/permohonan/PMH-2099-0001/surat/tanda_bukti_penerimaan?kode=x&lang=en")
    assert english.status_code == 429 and "Too many requests" in english.get_data(as_text=True)
