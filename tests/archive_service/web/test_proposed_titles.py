"""Staff intake without a title: the record is named after its file, the index worker proposes a title from the
text, and the record page's "Pakai judul usulan" button takes it over as the user's own edit."""

from __future__ import annotations

import re
from typing import Any

from archive_service.services import indexing, records
from archive_service.services.actor import SYSTEM
from tests.archive_service.web.test_staff_core import (  # noqa: F401 - ``staff`` is a fixture
    TOKEN,
    intake_form,
    page_of,
    post_intake,
    staff,
)
from tests.support.checks import assert_consistent
from tests.support.files import pdf_bytes

LETTER = [
    "PEMERINTAH KABUPATEN SLEMAN",
    "DINAS KOMUNIKASI DAN INFORMATIKA",
    "Nomor : 045/123/Kominfo/2025",
    "Perihal : Undangan rapat koordinasi pengelolaan arsip",
    "Kepada Yth. Kepala Perangkat Daerah",
]
PROPOSAL = "Undangan rapat koordinasi pengelolaan arsip"


def _upload(client: Any, name: str, lines: list[str]) -> int:
    response = post_intake(client, intake_form(title=""), [(name, pdf_bytes(*lines))])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _button_form(html: str) -> dict[str, str]:
    form = re.search(r'<form[^>]*id="form-judul-usulan".*?</form>', html, re.S)
    assert form, "no proposed-title button on the page"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in fields.items()}


def test_intake_without_title_gets_a_proposal_and_the_button_takes_it(rt, accounts, staff) -> None:  # noqa: F811
    client = staff("pendukung")
    record_id = _upload(client, "Surat_Undangan_0142.pdf", LETTER)
    created = records.get_record(rt, SYSTEM, record_id)
    assert (created.title, created.title_source, created.proposed_title) == ("Surat Undangan 0142", "file_name", None)
    page = page_of(client, record_id)
    assert "Judul sementara diambil dari nama berkas" in page and 'id="form-judul-usulan"' not in page

    indexing.drain(rt)
    proposed = records.get_record(rt, SYSTEM, record_id)
    assert (proposed.title, proposed.proposed_title, proposed.version) == ("Surat Undangan 0142", PROPOSAL, 1)
    assert [e.action for e in records.record_history(rt, SYSTEM, record_id)][-1] == "file.add"  # no change logged
    page = page_of(client, record_id)
    assert f'<strong id="teks-judul-usulan">{PROPOSAL}</strong>' in page
    form = _button_form(page)
    assert form["version"] == "1" and form["proposed_title"] == PROPOSAL

    used = client.post(f"/staf/arsip/{record_id}/judul-usulan", data=form)
    assert used.status_code == 302
    after = records.get_record(rt, SYSTEM, record_id)
    assert (after.title, after.title_source, after.proposed_title, after.version) == (PROPOSAL, "user", None, 2)
    event = records.record_history(rt, SYSTEM, record_id)[-1]
    assert event.action == "record.update" and event.actor_name == "pendukung"
    assert event.changes == {
        "title": {"before": "Surat Undangan 0142", "after": PROPOSAL},
        "title_source": {"before": "file_name", "after": "user"},
    }
    page = client.get(used.headers["Location"]).get_data(as_text=True)
    assert "Judul arsip diganti dengan judul usulan." in page and 'id="judul-usulan"' not in page

    # The same form sent again (a double click, a second tab): nothing changes, and the answer says so.
    again = client.post(f"/staf/arsip/{record_id}/judul-usulan", data=form, follow_redirects=True)
    assert again.status_code == 200 and "Judul usulan sudah dipakai." in again.get_data(as_text=True)
    assert records.get_record(rt, SYSTEM, record_id).version == 2

    indexing.drain(rt)  # the worker leaves a person's title alone
    assert records.get_record(rt, SYSTEM, record_id).title == PROPOSAL
    assert_consistent(rt)


def test_a_stale_button_answers_409_and_changes_nothing(rt, accounts, staff) -> None:  # noqa: F811
    client = staff("pendukung")
    record_id = _upload(client, "surat-1.pdf", LETTER)
    indexing.drain(rt)
    form = _button_form(page_of(client, record_id))
    # Someone else titles the record meanwhile (through the API or another page).
    records.update_record(rt, accounts["sekretariat"].actor, record_id, 1, {"title": "Undangan rapat arsip 2025"})
    stale = client.post(f"/staf/arsip/{record_id}/judul-usulan", data=form)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'id="record-error"' in html and "Undangan rapat arsip 2025" in html
    record = records.get_record(rt, SYSTEM, record_id)
    assert (record.title, record.title_source, record.version) == ("Undangan rapat arsip 2025", "user", 2)

    # A proposal that is not the record's (an edited or forged form) is refused too.
    other_id = _upload(client, "surat-2.pdf", LETTER)
    indexing.drain(rt)
    forged = _button_form(page_of(client, other_id)) | {"proposed_title": "Judul lain"}
    assert client.post(f"/staf/arsip/{other_id}/judul-usulan", data=forged).status_code == 409
    assert records.get_record(rt, SYSTEM, other_id).title == "surat-2"
    # Without the CSRF token nothing happens at all.
    no_token = {k: v for k, v in _button_form(page_of(client, other_id)).items() if k != "csrf_token"}
    assert client.post(f"/staf/arsip/{other_id}/judul-usulan", data=no_token).status_code == 400
    assert_consistent(rt)


def test_no_proposal_for_a_file_without_a_title_and_none_for_roles_that_cannot_edit(
    rt,
    accounts,
    staff,  # noqa: F811
) -> None:
    client = staff("pendukung")
    figures = _upload(client, "tabel.pdf", ["12 34 56", "7890 1234"])
    letter = _upload(client, "surat.pdf", LETTER)
    indexing.drain(rt)
    record = records.get_record(rt, SYSTEM, figures)
    assert (record.title, record.title_source, record.proposed_title, record.version) == ("tabel", "file_name", None, 1)
    page = page_of(client, figures)
    assert 'id="form-judul-usulan"' not in page and "diusulkan di sini" in page
    # atasan_ppid reads records but does not edit them: the proposal is shown without the button.
    readonly = page_of(staff("atasan_ppid"), letter)
    assert PROPOSAL in readonly and 'id="form-judul-usulan"' not in readonly
    assert TOKEN.search(readonly)  # the page itself works
    assert_consistent(rt)
