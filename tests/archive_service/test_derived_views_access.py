"""Views derived from records (disposition batches, legal holds, audit timelines, saved searches, notifications,
catalogue exports) show a record only to a reader who may read it (issue 15, ``services.access``).

Each test builds the situation through the services, puts a unique marker in the record's title, description, notes
and storage location, and asserts that the marker (and the file's hash) reaches no answer for the roles that may not
read the record (API JSON, staff HTML, every report format) while it does reach a role that may.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import openpyxl
import pytest
from sqlalchemy import update

from archive_service.db import DispositionBatch, DispositionItem, User
from archive_service.db.types import utcnow
from archive_service.errors import NotFound, PermissionDenied
from archive_service.reports import registry
from archive_service.reports.render import render_to_file
from archive_service.reports.retention_docs import HIDDEN_TEXT
from archive_service.services import (
    catalogue_export,
    disposition,
    holds,
    indexing,
    notifications,
    records,
    saved_searches,
    search,
)
from archive_service.services.access import REDACTED_ID
from archive_service.services.actor import SYSTEM
from tests.archive_service.retention import conftest as retention_fixtures
from tests.archive_service.retention.conftest import APPROVAL, BA
from tests.archive_service.workflow import conftest as workflow_fixtures
from tests.conftest import PASSWORD

# The fixtures of the retention and workflow tests, used here too.
make_old = retention_fixtures.make_old
panel = retention_fixtures.panel
sample_jra = retention_fixtures.sample_jra
make_record = workflow_fixtures.make_record

MARK = "zirkonmerah"  # in the secret record's title, description, notes and location: must never leak
PROBE = "kuncirahasia"  # in the secret record's description: what searches look for (pages echo the query)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
NOT_CLEARED = ("arsiparis", "admin")  # disposition.read, cleared for rahasia but not for sangat_rahasia
CLEARED = ("ppid", "atasan_ppid")


# ---- helpers -------------------------------------------------------------------------------------------------------
def _signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    page = client.get("/staf/masuk").get_data(as_text=True)
    token = TOKEN.search(page)
    assert token, page
    answer = client.post("/staf/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token[1]})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def _username(role: str) -> str:
    return role.replace("_", ".")


def _secret_fields(tag: str = MARK) -> dict[str, str]:
    return {
        "title": f"Notula rapat {tag}",
        "description": f"Uraian {tag} {PROBE} tentang pengamanan",
        "notes": f"Catatan {tag}",
        "location": f"Lemari {tag}",
    }


def _reclassify(rt, accounts, record_id: int, security_class: str = "sangat_rahasia") -> None:  # type: ignore[no-untyped-def]
    record = records.get_record(rt, SYSTEM, record_id)
    records.update_record(rt, accounts["ppid"].actor, record_id, record.version, {"security_class": security_class})


def _report_texts(rt, actor, name: str, batch_id: int, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The report as data and in every format it comes in, each as plain text."""
    spec, document = registry.build(rt, actor, name, {"batch_id": str(batch_id)})
    texts = {"document": repr(document.sections) + repr(document.tables())}
    for fmt in spec.formats:
        path = render_to_file(document, fmt, rt.settings, tmp_path / f"{name}-{actor.username}.{fmt}")
        if fmt == "pdf":
            out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, timeout=60)
            texts[fmt] = " ".join(out.stdout.decode().split())
        elif fmt == "xlsx":
            book = openpyxl.load_workbook(path)
            texts[fmt] = " ".join(
                str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
            )
        else:
            texts[fmt] = path.read_text(encoding="utf-8-sig")
    return texts


def _pindah(rt, accounts, ids: list[int]):  # type: ignore[no-untyped-def]
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    batch = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": ids})
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    return disposition.execute(rt, arsiparis, batch.id, batch.version, {**BA, "ba_no": "BA-PINDAH/15/2026"})


# ---- 1. disposition batches ----------------------------------------------------------------------------------------
def test_batch_line_of_record_reclassified_sangat_rahasia_is_redacted_for_arsiparis_api_page_and_reports(
    rt, sample_jra, make_old, accounts, panel, app, client, tmp_path
) -> None:
    secret = make_old(**_secret_fields())
    plain = make_old(title="Register layanan biasa")
    sha = secret.files[0].sha256
    moved = _pindah(rt, accounts, [secret.id, plain.id])
    doomed = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [secret.id]})
    disposition.appraise(
        rt,
        panel[0].actor,
        doomed.id,
        {"opinion": "setuju", "consideration": "Retensi habis", "exclude_record_ids": [secret.id]},
    )
    _reclassify(rt, accounts, secret.id)  # after it was proposed: the lines still hold its copy

    # The services: the line keeps its place, number and code, nothing else.
    for role in NOT_CLEARED:
        batch = disposition.get_batch(rt, accounts[role].actor, moved.id)
        line = next(i for i in batch.items if i.redacted)
        assert len(batch.items) == 2 and batch.redacted_count == 1
        assert line.record_id is None and line.outcome == {} and line.excluded_reason is None
        assert line.row["title"] == REDACTED_ID and line.row["record_no"] == secret.record_no
        assert line.row["classification_code"] == "500.12.18.1" and line.row["no"] == 1
        assert line.row["files"] is None and line.row["notes"] is None and line.row["location"] is None
        assert MARK not in repr(batch.items) and sha not in repr(batch.items)
        [considered] = disposition.get_batch(rt, accounts[role].actor, doomed.id).considerations
        assert considered.exclude_record_ids == []
    full = disposition.get_batch(rt, accounts["ppid"].actor, moved.id)
    assert full.redacted_count == 0 and MARK in repr(full.items) and sha in repr(full.items)

    # The API: one batch, the list, the stage answers.
    for role in (*NOT_CLEARED, *CLEARED):
        headers = accounts[role].headers
        for batch_id in (moved.id, doomed.id):
            answer = client.get(f"/api/v1/retention/batches/{batch_id}", headers=headers)
            assert answer.status_code == 200
            body = answer.get_data(as_text=True)
            if role in NOT_CLEARED:
                assert MARK not in body and sha not in body, (role, batch_id)
                items = answer.get_json()["items"]
                assert secret.id not in {i["record_id"] for i in items}
                assert [i["redacted"] for i in items if i["row"]["record_no"] == secret.record_no] == [True]
                assert all(i["row"].get("files") is None for i in items if i["redacted"])
            else:
                assert MARK in body and sha in body, role
        listed = client.get("/api/v1/retention/batches", headers=headers).get_data(as_text=True)
        assert MARK not in listed and sha not in listed

    # The staff pages: the line reads "uraian tidak ditampilkan", in English "description withheld".
    for role in (*NOT_CLEARED, *CLEARED):
        staff = _signed_in(app, _username(role))
        for batch_id in (moved.id, doomed.id):
            page = staff.get(f"/staf/retensi/berkas/{batch_id}").get_data(as_text=True)
            if role in NOT_CLEARED:
                assert MARK not in page and sha not in page, (role, batch_id)
                assert "uraian tidak ditampilkan" in page and 'id="batch-redacted-note"' in page
                assert f'id="item-{secret.id}"' not in page and f"/staf/arsip/{secret.id}" not in page
            else:
                assert MARK in page and "uraian tidak ditampilkan" not in page
        english = staff.get(f"/staf/retensi/berkas/{moved.id}?lang=en").get_data(as_text=True)
        assert ("description withheld" in english) == (role in NOT_CLEARED)
        for path in ("/staf/retensi/berkas", "/staf/retensi"):
            assert MARK not in staff.get(path).get_data(as_text=True)
    member = _signed_in(app, panel[1].actor.username).get(f"/staf/retensi/berkas/{doomed.id}").get_data(as_text=True)
    assert MARK not in member and f'id="keep-{secret.id}"' not in member  # the panel (rahasia only) neither

    # The documents, in every format, and over HTTP.
    for role in (*NOT_CLEARED, *CLEARED):
        actor = accounts[role].actor
        for name, batch_id in (("berita-acara-pemindahan", moved.id), ("daftar-usul-musnah", doomed.id)):
            for fmt, text in _report_texts(rt, actor, name, batch_id, tmp_path).items():
                if role in NOT_CLEARED:
                    assert MARK not in text and sha not in text, (role, name, fmt)
                else:
                    assert MARK in text, (role, name, fmt)
            answer = client.get(
                f"/api/v1/reports/{name}?batch_id={batch_id}&format=csv", headers=accounts[role].headers
            )
            assert answer.status_code == 200 and (MARK in answer.get_data(as_text=True)) == (role in CLEARED)
    _spec, document = registry.build(
        rt, accounts["arsiparis"].actor, "berita-acara-pemindahan", {"batch_id": str(moved.id)}
    )
    rows = list(document.tables()[-1].rows)
    assert len(rows) == 2  # the numbered document keeps its lines
    hidden = next(r for r in rows if r[2] == HIDDEN_TEXT)
    assert hidden[1] == "500.12.18.1" and hidden[3:7] == ["", "", "", ""] and secret.record_no in hidden[7]


def test_batch_line_whose_copy_was_sangat_rahasia_stays_redacted_although_the_record_is_readable_now(
    rt, sample_jra, make_old, accounts, client
) -> None:
    record = make_old(**_secret_fields())
    moved = _pindah(rt, accounts, [record.id])
    with rt.db.write() as session:  # the line as it would stand had the record been sangat rahasia when proposed
        item = session.query(DispositionItem).filter_by(batch_id=moved.id).one()
        item.row = {**item.row, "security_class": "sangat_rahasia"}
    body = client.get(f"/api/v1/retention/batches/{moved.id}", headers=accounts["arsiparis"].headers).get_json()
    assert body["items"][0]["redacted"] is True and MARK not in json.dumps(body)
    assert MARK in client.get(f"/api/v1/retention/batches/{moved.id}", headers=accounts["ppid"].headers).get_data(
        as_text=True
    )


def test_transfer_package_holding_an_unreadable_record_is_refused_and_not_offered(
    rt, sample_jra, make_old, accounts, app, client
) -> None:
    """A package is sealed (files, metadata and history of every record): it cannot be redacted, so only a reader
    who may read every record in it may download it. The package is planted as in tests/…/test_staff_more.py."""
    secret = make_old(**_secret_fields())
    moved = _pindah(rt, accounts, [secret.id])
    content = f"bagit {MARK} ".encode() * 100
    sha, size, _new = rt.blobs.put_stream(io.BytesIO(content))
    with rt.db.write() as session:
        session.execute(
            update(DispositionBatch)
            .where(DispositionBatch.id == moved.id)
            .values(kind="penyerahan", package_sha256=sha, package_size=size)
        )
    _reclassify(rt, accounts, secret.id)
    for role in NOT_CLEARED:
        with pytest.raises(PermissionDenied):
            disposition.package_of(rt, accounts[role].actor, moved.id)
        answer = client.get(f"/api/v1/retention/batches/{moved.id}/package", headers=accounts[role].headers)
        assert answer.status_code == 403 and MARK.encode() not in answer.data
        staff = _signed_in(app, _username(role))
        assert 'id="package-download"' not in staff.get(f"/staf/retensi/berkas/{moved.id}").get_data(as_text=True)
        assert staff.get(f"/staf/retensi/berkas/{moved.id}/paket").status_code == 403
    answer = client.get(f"/api/v1/retention/batches/{moved.id}/package", headers=accounts["ppid"].headers)
    assert answer.status_code == 200 and answer.data == content
    ppid = _signed_in(app, "ppid")
    assert 'id="package-download"' in ppid.get(f"/staf/retensi/berkas/{moved.id}").get_data(as_text=True)


# ---- 2. legal holds ------------------------------------------------------------------------------------------------
def test_hold_covering_only_unreadable_records_is_invisible(rt, make_record, accounts, app, client) -> None:
    secret = make_record("dihimpun", **_secret_fields())
    plain = make_record("dihimpun", title="Laporan biasa")
    _reclassify(rt, accounts, secret.id)
    ppid = accounts["ppid"].actor
    only = holds.place_hold(
        rt,
        ppid,
        {
            "name": f"Perkara {MARK}",
            "kind": "hukum",
            "reason": f"Alasan {MARK}",
            "reference": f"REF-{MARK}",
            "record_ids": [secret.id],
        },
    )
    mixed = holds.place_hold(
        rt,
        ppid,
        {"name": "Perkara campuran", "kind": "hukum", "reason": "Gugatan", "record_ids": [secret.id, plain.id]},
    )
    # sekretariat, arsiparis, admin: not cleared for sangat_rahasia; pendukung.bappeda: reads neither (other unit)
    blind = ("arsiparis", "admin", "sekretariat", "pendukung_other")
    for role in blind:
        actor = accounts[role].actor
        listed = holds.list_holds(rt, actor)
        if role == "pendukung_other":
            assert listed == []
        else:
            assert [h["id"] for h in listed] == [mixed["id"]]
            assert listed[0]["record_ids"] == [plain.id] and listed[0]["record_count"] == 1
        with pytest.raises(NotFound) as hidden:
            holds.get_hold(rt, actor, only["id"])
        with pytest.raises(NotFound) as missing:
            holds.get_hold(rt, actor, 999_999)
        assert hidden.value.detail_en.replace(str(only["id"]), "N") == missing.value.detail_en.replace("999999", "N")
        answer = client.get("/api/v1/retention/holds", headers=accounts[role].headers)
        assert answer.status_code == 200 and MARK not in answer.get_data(as_text=True)
        assert secret.id not in {rid for h in answer.get_json() for rid in h["record_ids"]}
        one = client.get(f"/api/v1/retention/holds/{only['id']}", headers=accounts[role].headers)
        assert one.status_code == 404 and MARK not in one.get_data(as_text=True)
        shown = client.get(f"/api/v1/retention/holds/{mixed['id']}", headers=accounts[role].headers)
        if role == "pendukung_other":
            assert shown.status_code == 404
        else:
            assert shown.get_json()["record_ids"] == [plain.id] and shown.get_json()["record_count"] == 1
        page = _signed_in(app, _username(role) if role != "pendukung_other" else "pendukung.bappeda").get(
            "/staf/retensi/penahanan"
        )
        assert MARK not in page.get_data(as_text=True) and f'id="hold-{only["id"]}"' not in page.get_data(as_text=True)
    # releasing a hold one cannot see is 404 as well, and changes nothing
    with pytest.raises(NotFound):
        holds.release_hold(rt, accounts["arsiparis"].actor, only["id"], "selesai")
    released = client.post(
        f"/api/v1/retention/holds/{only['id']}/release", json={"reason": "selesai"}, headers=accounts["admin"].headers
    )
    assert released.status_code == 404
    assert holds.get_hold(rt, SYSTEM, only["id"])["in_force"]
    # cleared readers and the unit's own pendukung see it whole
    for role in ("ppid", "atasan_ppid", "pendukung"):
        seen = holds.get_hold(rt, accounts[role].actor, only["id"])
        assert seen["record_ids"] == [secret.id] and MARK in seen["name"], role
        assert MARK in client.get("/api/v1/retention/holds", headers=accounts[role].headers).get_data(as_text=True)
    assert MARK in _signed_in(app, "ppid").get("/staf/retensi/penahanan").get_data(as_text=True)


def test_hold_placed_by_the_reader_stays_visible_without_the_records_it_may_no_longer_read(
    rt, make_record, accounts, client
) -> None:
    record = make_record("dihimpun", title="Arsip sengketa")
    arsiparis = accounts["arsiparis"].actor
    hold = holds.place_hold(
        rt, arsiparis, {"name": "Sengketa 3/2026", "kind": "hukum", "reason": "KI", "record_ids": [record.id]}
    )
    _reclassify(rt, accounts, record.id)
    mine = holds.get_hold(rt, arsiparis, hold["id"])
    assert mine["record_ids"] == [] and mine["record_count"] == 0  # the count of what it may read, not the total
    assert [h["id"] for h in holds.list_holds(rt, arsiparis)] == [hold["id"]]
    assert holds.list_holds(rt, accounts["admin"].actor) == []  # not the placer, reads none of its records
    body = client.get("/api/v1/retention/holds", headers=accounts["arsiparis"].headers).get_json()
    assert body[0]["record_ids"] == [] and body[0]["record_count"] == 0
    released = holds.release_hold(rt, arsiparis, hold["id"], "Perkara selesai")  # the placer may still release it
    assert not released["in_force"] and not records.get_record(rt, SYSTEM, record.id).legal_hold


# ---- 3. audit timelines ----------------------------------------------------------------------------------------------
def test_audit_timelines_show_no_unreadable_record(rt, make_record, accounts, app, client) -> None:
    secret = make_record("dihimpun", **_secret_fields())
    plain = make_record("dihimpun", title="Laporan biasa")
    _reclassify(rt, accounts, secret.id)
    holds.place_hold(
        rt,
        accounts["ppid"].actor,
        {"name": "Perkara bersama", "kind": "hukum", "reason": "x", "record_ids": [secret.id, plain.id]},
    )
    # The only audit timeline any caller can list is one record's history (API and staff record page).
    timelines = sorted(r.rule for r in app.url_map.iter_rules() if re.search(r"history|riwayat|audit|jejak", r.rule))
    assert timelines == ["/api/v1/records/<int:record_id>/history"]
    for role in ("arsiparis", "admin", "sekretariat"):
        headers = accounts[role].headers
        assert client.get(f"/api/v1/records/{secret.id}/history", headers=headers).status_code == 404
        other = client.get(f"/api/v1/records/{plain.id}/history", headers=headers)
        assert other.status_code == 200 and str(secret.id) not in {str(e.get("record_id")) for e in other.get_json()}
        staff = _signed_in(app, _username(role))
        assert staff.get(f"/staf/arsip/{secret.id}").status_code == 404
        assert MARK not in staff.get(f"/staf/arsip/{plain.id}").get_data(as_text=True)
    history = client.get(f"/api/v1/records/{secret.id}/history", headers=accounts["ppid"].headers)
    assert history.status_code == 200 and MARK in history.get_data(as_text=True)


# ---- 4. saved searches, notifications, catalogue exports -------------------------------------------------------------
def test_saved_search_runs_with_the_owners_access_and_counts_only_what_it_may_read(
    rt, make_record, accounts, app
) -> None:
    secret = make_record("diterima", **_secret_fields())
    _reclassify(rt, accounts, secret.id)
    make_record("diterima", title="Laporan biasa", description=f"Uraian {PROBE} terbuka")
    indexing.drain(rt)
    found: dict[str, Any] = {}
    for role in ("arsiparis", "ppid"):
        actor = accounts[role].actor
        saved = saved_searches.save(rt, actor, "rahasia", f"q={PROBE}&sort=relevance")
        found[role] = search.internal_search(rt, actor, dict(parse_qsl(saved.query)))
    assert found["arsiparis"].total == 1 and MARK not in repr(found["arsiparis"])
    assert found["ppid"].total == 2 and MARK in repr(found["ppid"])
    assert [s.name for s in saved_searches.list_for(rt, accounts["arsiparis"].actor)] == ["rahasia"]
    # the staff search page opened from the saved search: the same answer, counted the same way
    for role, total in (("arsiparis", 1), ("ppid", 2)):
        staff = _signed_in(app, role)
        [saved] = saved_searches.list_for(rt, accounts[role].actor)
        page = staff.get(f"/staf/cari?{saved.query}").get_data(as_text=True)
        assert (MARK in page) == (role == "ppid")
        assert f'<h2 id="h-results" role="status">{total} hasil' in page


def test_notifications_and_catalogue_exports_never_name_an_unreadable_record(rt, make_record, accounts) -> None:
    with rt.db.write() as session:
        session.execute(update(User).values(email=User.username + "@arsip.test"))
    secret = make_record("didokumentasikan", **_secret_fields(), security_class="sangat_rahasia")
    for_ppid = make_record("dilaporkan", **_secret_fields(), security_class="sangat_rahasia")
    make_record("didokumentasikan", title="Laporan biasa")
    now = utcnow() + timedelta(seconds=1)
    drafts = notifications.step_opened(rt, now)
    told = {(d.recipient, d.record_id) for d in drafts}
    assert ("sekretariat@arsip.test", secret.id) not in told  # the sekretariat acts on the step, is not cleared
    assert any(d.record_id is not None and d.recipient == "sekretariat@arsip.test" for d in drafts)
    assert not any(MARK in d.body or MARK in d.subject for d in drafts if not d.recipient.startswith("ppid"))
    assert ("ppid@arsip.test", for_ppid.id) in told
    assert any(MARK in d.body for d in drafts if d.recipient == "ppid@arsip.test")
    # The open-data catalogue lists published open records only (public_condition), stricter than any role.
    dump = b"".join(catalogue_export.catalogue(rt, "json")).decode()
    assert MARK not in dump
