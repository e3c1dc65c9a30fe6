"""Published means reviewed (issue 15, finding 2): a change to a published record reaches the public only after
SOP steps 5-9; meanwhile every public surface shows the last approved version; a raised security class takes the
record off the public at once."""

from __future__ import annotations

import io

from archive_service.services import indexing, records, workflow
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.support.files import pdf_bytes

DRAFT = "zqxdraftrevisi"  # a word only the unreviewed change carries

PUBLIC_SURFACES = (
    "/informasi/{id}",
    "/informasi/{id}/dc.xml",
    "/informasi/{id}/dc.json",
    "/dip",
    "/feed/informasi.atom",
    "/ekspor/katalog.csv",
    "/ekspor/katalog.json",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/cari?q=laporan",
    "/api/v1/public/search?q=laporan",
)


def _public_text(client, record_id: int) -> str:  # type: ignore[no-untyped-def]
    out = []
    for url in PUBLIC_SURFACES:
        answer = client.get(url.format(id=record_id))
        assert answer.status_code == 200, url
        out.append(answer.get_data(as_text=True))
    return "\n".join(out)


def _walk(rt, accounts, record, steps):  # type: ignore[no-untyped-def]
    for action, who in steps:
        body = {"action": action}
        if action == "tetapkan_terbuka":
            body["kip_category"] = "berkala"
        record = workflow.apply_transition(rt, accounts[who].actor, record.id, record.version, body)
    return record


REVIEW = (
    ("terima", "sekretariat"),
    ("verifikasi", "sekretariat"),
    ("laporkan", "sekretariat"),
    ("tetapkan_terbuka", "ppid"),
    ("publikasikan", "sekretariat"),
)


def test_pendukung_edit_of_published_summary_waits_for_review(rt, accounts, client, make_record) -> None:
    record = make_record("dipublikasikan", title="Profil Dinas Kominfo")
    indexing.drain(rt)
    before = _public_text(client, record.id)
    assert "Ringkasan laporan layanan informasi publik" in before

    changed = records.update_record(
        rt, accounts["pendukung"].actor, record.id, record.version, {"dip_summary": f"Salinan {DRAFT} dikecualikan"}
    )
    indexing.drain(rt)
    assert changed.publication_state == "didokumentasikan"  # back to SOP step 5
    during = _public_text(client, record.id)
    assert DRAFT not in during
    assert client.get(f"/api/v1/public/search?q={DRAFT}").json["total"] == 0
    assert "Ringkasan laporan layanan informasi publik" in client.get(f"/informasi/{record.id}").get_data(as_text=True)

    card = client.get(f"/api/v1/records/{record.id}/control-card", headers=accounts["ppid"].headers).json
    revision = [e for e in card["entries"] if e["action"] == "revisi"]
    assert len(revision) == 1 and revision[0]["from_state"] == "dipublikasikan" and "dip_summary" in revision[0]["note"]
    history = client.get(f"/api/v1/records/{record.id}/history", headers=accounts["ppid"].headers).json
    assert "workflow.revisi" in [e["action"] for e in history]

    published = _walk(rt, accounts, changed, REVIEW)
    indexing.drain(rt)
    assert published.publication_state == "dipublikasikan"
    assert DRAFT in client.get(f"/informasi/{record.id}").get_data(as_text=True)
    hits = client.get(f"/api/v1/public/search?q={DRAFT}").json["hits"]
    assert [h["id"] for h in hits] == [record.id]


def test_pendukung_file_added_to_published_record_is_not_public_until_reviewed(
    rt, accounts, client, make_record
) -> None:
    record = make_record("dipublikasikan", title="Laporan Keuangan Terbuka")
    first_file = record.files[0].id
    staged = stage_stream(io.BytesIO(pdf_bytes(f"Lampiran {DRAFT} rahasia pribadi")), rt.settings.staging_dir)
    changed = records.add_files(
        rt, accounts["pendukung"].actor, record.id, [Upload("salinan.pdf", staged)], record.version
    )
    indexing.drain(rt)
    new_file = max(f.id for f in changed.files)
    assert changed.publication_state == "didokumentasikan"
    assert client.get(f"/informasi/{record.id}/berkas/{first_file}").status_code == 200
    assert client.get(f"/informasi/{record.id}/berkas/{new_file}").status_code == 404
    page = client.get(f"/informasi/{record.id}").get_data(as_text=True)
    assert "salinan.pdf" not in page and f"/berkas/{new_file}" not in page
    assert client.get(f"/api/v1/public/search?q={DRAFT}").json["total"] == 0
    assert DRAFT not in _public_text(client, record.id)
    # staff with access see the change and review it
    assert client.get(f"/api/v1/search?q={DRAFT}", headers=accounts["sekretariat"].headers).json["total"] == 1

    _walk(rt, accounts, changed, REVIEW)
    indexing.drain(rt)
    assert client.get(f"/informasi/{record.id}/berkas/{new_file}").status_code == 200
    assert client.get(f"/api/v1/public/search?q={DRAFT}").json["total"] == 1


def test_raised_security_class_takes_published_record_off_the_public_at_once(rt, accounts, client, make_record) -> None:
    record = make_record("dipublikasikan", title="Peta Jaringan Kantor")
    indexing.drain(rt)
    assert client.get(f"/informasi/{record.id}").status_code == 200
    changed = records.update_record(
        rt, accounts["ppid"].actor, record.id, record.version, {"security_class": "rahasia"}
    )
    # no drain: the withdrawal must not wait for the worker
    assert client.get(f"/informasi/{record.id}").status_code == 404
    assert client.get(f"/informasi/{record.id}/berkas/{record.files[0].id}").status_code == 404
    assert client.get("/api/v1/public/search?q=jaringan").json["total"] == 0
    assert changed.public_version is None and changed.publication_state == "didokumentasikan"
    indexing.drain(rt)
    assert "Peta Jaringan Kantor" not in client.get("/dip").get_data(as_text=True)
    assert "Peta Jaringan Kantor" not in client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc").get_data(
        as_text=True
    )


def test_exemption_during_revision_withdraws_the_approved_version(rt, accounts, client, make_record) -> None:
    from .conftest import payload_for

    record = make_record("dipublikasikan", title="Daftar Penerima Bantuan")
    changed = records.update_record(
        rt, accounts["pendukung"].actor, record.id, record.version, {"description": "Memuat NIK penerima"}
    )
    assert client.get(f"/informasi/{record.id}").status_code == 200  # the approved version, while reviewed
    reported = _walk(rt, accounts, changed, REVIEW[:3])
    workflow.apply_transition(
        rt, accounts["ppid"].actor, reported.id, reported.version, payload_for("kecualikan", reported)
    )
    assert client.get(f"/informasi/{record.id}").status_code == 404
    assert client.get("/api/v1/public/search?q=penerima").json["total"] == 0


def test_fixed_dip_version_holds_only_open_biasa_records(rt, accounts, client, make_record) -> None:
    opened = make_record("ditetapkan_terbuka", title="Standar Pelayanan")
    secret = make_record("ditetapkan_terbuka", title="Denah Ruang Server")
    records.update_record(rt, accounts["ppid"].actor, secret.id, secret.version, {"security_class": "rahasia"})
    fixed = client.post(
        "/api/v1/dip/versions",
        json={"decree_no": "SK-PPID/03/2026", "decree_date": "2026-07-01"},
        headers=accounts["ppid"].headers,
    ).json
    assert [r["title"] for r in fixed["rows"]] == [opened.title]


def test_system_edit_of_published_record_needs_no_revision(rt, make_record) -> None:
    from archive_service.services.actor import SYSTEM

    record = make_record("dipublikasikan", title="Profil Singkat")
    changed = records.update_record(rt, SYSTEM, record.id, record.version, {"title": "Profil Singkat Dinas"})
    assert changed.publication_state == "dipublikasikan" and changed.public_version is not None
