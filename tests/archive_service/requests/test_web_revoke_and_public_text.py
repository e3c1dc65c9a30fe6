"""Two staff controls of the request page (issue 18): revoking the download links, and the PPID's confirmation that
a request's text may show in the public register."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from archive_service.db import InformationRequest, RequestDeliveryToken
from archive_service.db.types import utcnow
from archive_service.services import requests as svc

from .test_web_requests import login, staff_post
from .test_web_requests_more import (
    fresh,  # noqa: F401
    granted,  # noqa: F401  (fixtures, re-exported)
)


def test_revoking_closes_every_valid_link_and_the_tracking_downloads(rt, app, accounts, granted) -> None:  # noqa: F811
    svc.issue_delivery(rt, accounts["sekretariat"].actor, granted.number, {"days": 3})
    page = f"/staf/permohonan/{granted.number}"
    tracking = f"/permohonan/{granted.number}?kode={granted.secret}"
    assert 'id="delivery-files"' in app.test_client().get(tracking).get_data(as_text=True)
    sekretariat = login(app, "sekretariat")
    assert 'id="revoke-form"' in sekretariat.get(page).get_data(as_text=True)
    refused = staff_post(sekretariat, f"{page}/unduhan/cabut", page)  # no reason: refused, nothing revoked
    assert refused.status_code == 422
    with rt.db.read() as session:
        assert session.execute(select(RequestDeliveryToken.revoked_at)).scalars().all() == [None]
    done = staff_post(sekretariat, f"{page}/unduhan/cabut", page, reason="Tautan terkirim ke alamat yang salah")
    assert done.status_code == 302
    with rt.db.read() as session:
        assert None not in session.execute(select(RequestDeliveryToken.revoked_at)).scalars().all()
    assert 'id="delivery-files"' not in app.test_client().get(tracking).get_data(as_text=True)
    html = sekretariat.get(page).get_data(as_text=True)
    assert "Tautan terkirim ke alamat yang salah" in html and 'id="revoke-form"' not in html
    # roles that may not deliver get no form and a refusal
    atasan = login(app, "atasan_ppid")
    assert 'id="revoke-form"' not in atasan.get(page).get_data(as_text=True)


def test_the_ppid_confirms_the_text_public_when_answering(rt, app, accounts, fresh, open_record) -> None:  # noqa: F811
    text = "Salinan laporan layanan informasi publik tahun 2025"  # conftest FORM's information
    svc.link_record(rt, accounts["sekretariat"].actor, fresh.number, {"record_id": open_record.id})
    page = f"/staf/permohonan/{fresh.number}"
    ppid = login(app, "ppid")
    assert 'name="public_text"' in ppid.get(page).get_data(as_text=True)
    before = app.test_client().get("/permohonan/register").get_data(as_text=True)
    assert fresh.number in before and text not in before  # not confirmed: the text stays off the register
    answer = staff_post(
        ppid, f"{page}/putusan", page, decision="dikabulkan", reasons="Diberikan seluruhnya.", public_text="1"
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    with rt.db.read() as session:
        req = session.execute(select(InformationRequest).where(InformationRequest.number == fresh.number)).scalar_one()
        assert req.public_text is True and req.answered_at is not None and req.answered_at <= utcnow() + timedelta(1)
    assert text in app.test_client().get("/permohonan/register").get_data(as_text=True)
