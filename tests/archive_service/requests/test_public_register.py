"""The anonymised public register of requests (issue 18): no personal data on any page or path of it, whatever the
applicant wrote into the request, in both languages; the request's text only when the PPID confirmed it public."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from archive_service.services import public_register, requests

from .conftest import APPLICANT, MONDAY

# Distinctive personal data, in the applicant's fields and in the request's own text.
NAME, NIK, EMAIL, PHONE = "Zulkarnaen Wibisono", "3471099912870004", "zulkarnaen.w@contoh.invalid", "085799113377"
LEAKY_TEXT = f"Saya {NAME} (NIK {NIK}, {EMAIL}, HP {PHONE}) meminta salinan surat keputusan tentang diri saya"
CLEAN_TEXT = "Salinan rencana kerja anggaran dinas tahun 2026"
SECRETS = (NAME, NIK, EMAIL, PHONE, "Zulkarnaen", "zulkarnaen", NIK[-6:], PHONE[-6:])


@pytest.fixture
def register(rt, accounts, submit, make_record):  # type: ignore[no-untyped-def]
    ppid = accounts["ppid"].actor
    open_record = make_record("dipublikasikan")  # public: its title may describe the request
    person = {**APPLICANT, "name": NAME, "nik": NIK, "email": EMAIL, "phone": PHONE}
    leaky = submit(applicant=person, information=LEAKY_TEXT, purpose=f"Keperluan {NAME}")
    requests.link_record(rt, ppid, leaky.number, {"record_id": open_record.id})
    answer = {"decision": "dikabulkan", "reasons": f"Diberikan kepada {NAME} melalui {EMAIL}"}
    requests.decide(rt, ppid, leaky.number, None, answer, now=MONDAY + timedelta(days=1))
    clean = submit(applicant=person, information=CLEAN_TEXT)
    holder = {"not_held_holder": "Bappeda", "public_text": True}
    decision = {"decision": "tidak_dikuasai", "reasons": "Dokumen dikuasai Bappeda", **holder}
    requests.decide(rt, ppid, clean.number, None, decision, now=MONDAY + timedelta(days=2))
    pending = submit(applicant=person, information=f"Data {NIK} dan {PHONE}")
    return {"leaky": leaky.number, "clean": clean.number, "pending": pending.number, "record": open_record}


def every_public_view(client, pages: int) -> list[str]:  # type: ignore[no-untyped-def]
    bodies = []
    for lang in ("id", "en"):
        for page in range(1, pages + 2):  # and one past the end
            for path in ("/permohonan/register", "/permohonan/register.json"):
                response = client.get(f"{path}?halaman={page}&lang={lang}")
                assert response.status_code == 200
                bodies.append(response.get_data(as_text=True))
        bodies.append(client.get(f"/permohonan?lang={lang}").get_data(as_text=True))
        bodies.append(client.get(f"/permohonan/register?halaman=abc&lang={lang}").get_data(as_text=True))
    return bodies


@pytest.mark.parametrize("per_page", [50, 1])
def test_no_personal_data_on_any_page_of_the_register(client, register, monkeypatch, per_page) -> None:
    monkeypatch.setattr(public_register, "PER_PAGE", per_page)
    bodies = every_public_view(client, pages=3 if per_page == 1 else 1)
    everything = "\n".join(bodies)
    leaked = [s for s in SECRETS if s in everything or s.lower() in everything.lower()]
    assert not leaked
    for number in (register["leaky"], register["clean"], register["pending"]):
        assert number in everything
    assert CLEAN_TEXT in everything and "Dokumen dikuasai Bappeda" in everything  # confirmed public: shown
    assert register["record"].title in everything  # the leaky request is described by its public record
    assert "Register permohonan" in bodies[0] and "Register of requests" in "\n".join(bodies[len(bodies) // 2 :])


def test_json_paging_and_fields(client, register, monkeypatch) -> None:
    monkeypatch.setattr(public_register, "PER_PAGE", 2)
    first = json.loads(client.get("/permohonan/register.json").data)
    second = json.loads(client.get("/permohonan/register.json?halaman=2").data)
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (3, 2, 2, 1)
    items = {i["number"]: i for i in first["items"] + second["items"]}
    assert items[register["pending"]]["answered_at"] is None and items[register["pending"]]["information"] is None
    assert items[register["leaky"]]["information"] is None and items[register["leaky"]]["reasons"] is None
    assert items[register["leaky"]]["records"] == [register["record"].title]
    assert (
        items[register["clean"]]["information"] == CLEAN_TEXT and items[register["clean"]]["state"] == "tidak_dikuasai"
    )
    assert set(items[register["clean"]]) == {
        "number", "received_at", "state", "answered_at", "information", "records", "reasons", "exemption_ground",
    }  # fmt: skip


def test_a_refusal_shows_its_pasal_17_ground_but_not_the_exempted_record(client, rt, accounts, submit, exempted_record):  # type: ignore[no-untyped-def]
    ppid = accounts["ppid"].actor
    refused = submit(information="Salinan berkas pribadi pegawai")
    requests.link_record(rt, ppid, refused.number, {"record_id": exempted_record.id})
    decision = {"decision": "ditolak_pasal17", "reasons": "Rahasia pribadi", "exemption_record_id": exempted_record.id}
    requests.decide(rt, ppid, refused.number, None, decision, now=MONDAY + timedelta(days=1))
    html = client.get("/permohonan/register").get_data(as_text=True)
    assert "Pasal 17 huruf h" in html and "Ditolak (Pasal 17)" in html
    assert exempted_record.title not in html and "Rahasia pribadi" not in html
    assert "Art. 17(h)" in client.get("/permohonan/register?lang=en").get_data(as_text=True)


def test_the_request_form_links_the_register(client) -> None:
    assert "/permohonan/register" in client.get("/permohonan").get_data(as_text=True)


def test_the_ppid_confirms_the_text_public_over_the_api(client, rt, accounts, submit) -> None:  # type: ignore[no-untyped-def]
    number = submit(information=CLEAN_TEXT).number
    ppid = accounts["ppid"].headers
    path = f"/api/v1/requests/{number}/decision"
    decision = {"decision": "belum_didokumentasikan", "reasons": "Belum didokumentasikan unit"}
    bad = client.post(path, json={**decision, "public_text": "mungkin"}, headers=ppid)
    assert bad.status_code == 422 and requests.get_request(rt, accounts["ppid"].actor, number)["state"] == "diterima"
    good = client.post(path, json={**decision, "public_text": True}, headers=ppid)
    assert good.status_code == 200 and good.get_json()["public_text"] is True
    assert CLEAN_TEXT in client.get("/permohonan/register").get_data(as_text=True)
