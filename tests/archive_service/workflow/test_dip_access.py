"""The DIP obeys the one access rule (issue 15, finding 1): a record declared open and then reclassified *rahasia*
or *sangat rahasia* leaves the live DIP, fixed versions show its line redacted to whoever may not read it, and a
Tim Pendukung member sees only its unit's rows — on the API, the staff pages and the DIP report in every format."""

from __future__ import annotations

import io
import zipfile

import pytest
from pdfminer.high_level import extract_text

from archive_service.services import records

MARK = "zqxdipsecret"


def _texts(client, headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every DIP surface as text (XLSX and PDF decoded)."""
    out = {}
    for url in ("/api/v1/dip", "/api/v1/dip/versions/1", "/api/v1/dip/compare?from=1&to=2"):
        out[url] = client.get(url, headers=headers).get_data(as_text=True)
    for fmt in ("csv", "xlsx", "pdf"):
        answer = client.get(f"/api/v1/reports/dip?format={fmt}&version_no=1", headers=headers)
        assert answer.status_code == 200, (fmt, answer.get_data(as_text=True)[:300])
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(answer.data)) as book:
                out[fmt] = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
        elif fmt == "pdf":
            out[fmt] = extract_text(io.BytesIO(answer.data))
        else:
            out[fmt] = answer.get_data(as_text=True)
    return out


@pytest.mark.parametrize("raised_to", ["rahasia", "sangat_rahasia"])
def test_dip_row_of_record_reclassified_after_determination_is_hidden(
    rt, accounts, client, make_record, raised_to
) -> None:
    from tests.archive_service.web.test_staff_more import signed_in

    kept = make_record("dipublikasikan", title="Standar Pelayanan Informasi")
    secret = make_record(
        "ditetapkan_terbuka",
        title=f"Denah {MARK}",
        dip_summary=f"Ringkasan {MARK}",
        responsible_official=f"Pejabat {MARK}",
    )
    ppid = accounts["ppid"].headers
    assert (
        client.post(
            "/api/v1/dip/versions", json={"decree_no": "SK/1", "decree_date": "2026-01-05"}, headers=ppid
        ).status_code
        == 201
    )
    records.update_record(rt, accounts["ppid"].actor, secret.id, secret.version, {"security_class": raised_to})
    fixed = client.post("/api/v1/dip/versions", json={"decree_no": "SK/2", "decree_date": "2026-02-05"}, headers=ppid)
    assert MARK not in fixed.get_data(as_text=True)  # a version fixed now holds only open, biasa records

    cleared = {"rahasia": {"admin", "arsiparis", "ppid", "atasan_ppid"}, "sangat_rahasia": {"ppid", "atasan_ppid"}}
    for role in ("admin", "arsiparis", "sekretariat", "ppid", "atasan_ppid", "pendukung_other"):
        texts = _texts(client, accounts[role].headers)
        may = role in cleared[raised_to]
        for surface, text in texts.items():
            if surface == "/api/v1/dip":
                assert MARK not in text, (role, surface)  # not open any more: out of the live DIP for everyone
            else:
                assert (MARK in text) == may, (role, surface)
        if not may:  # version 1 keeps the line, redacted
            rows = client.get("/api/v1/dip/versions/1", headers=accounts[role].headers).json["rows"]
            # (a Tim Pendukung member of another unit reads neither record: both lines redacted)
            assert len(rows) == 2 and sum(r["redacted"] for r in rows) == (2 if role == "pendukung_other" else 1)
            redacted = next(r for r in rows if r["redacted"])
            assert redacted["record_id"] is None and redacted["title"] == "uraian tidak ditampilkan"
        browser = signed_in(client.application, accounts[role].actor.username)
        for page in ("/staf/dip", "/staf/dip/versi/1", "/staf/dip/banding?from=1&to=2"):
            html = browser.get(page).get_data(as_text=True)
            assert (MARK in html) == (may and page != "/staf/dip"), (role, page)
    assert kept.title in client.get("/api/v1/dip", headers=accounts["sekretariat"].headers).get_data(as_text=True)


def test_pendukung_sees_only_its_units_dip_rows(rt, accounts, client, make_record) -> None:
    own = make_record("ditetapkan_terbuka", title="Profil Diskominfo")
    from archive_service.services import workflow
    from archive_service.services.actor import SYSTEM
    from archive_service.services.uploads import Upload
    from archive_service.storage import stage_stream
    from tests.support.files import pdf_bytes

    from .conftest import READY, TO_STATE_PATH, payload_for

    staged = stage_stream(io.BytesIO(pdf_bytes("Rencana")), rt.settings.staging_dir)
    other = records.create_record(
        rt,
        accounts["pendukung_other"].actor,
        READY | {"title": f"Rencana Bappeda {MARK}", "processing_unit": "bappeda"},
        [Upload("r.pdf", staged)],
    )
    for action in TO_STATE_PATH["ditetapkan_terbuka"]:
        other = workflow.apply_transition(rt, SYSTEM, other.id, other.version, payload_for(action, other))
    rows = client.get("/api/v1/dip", headers=accounts["pendukung"].headers).json
    assert [r["title"] for r in rows] == [own.title] and rows[0]["dip_no"] == "1.1"
    rows = client.get("/api/v1/dip", headers=accounts["pendukung_other"].headers).json
    assert [r["title"] for r in rows] == [other.title]
