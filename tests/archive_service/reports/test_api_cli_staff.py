"""The three ways in: ``/api/v1/reports``, ``arsip report`` and the staff page ``/staf/laporan``."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from archive_service.cli import main
from archive_service.reports import registry
from archive_service.reports.model import Column, Document, Table
from archive_service.reports.registry import ReportSpec
from tests.conftest import PASSWORD

from .conftest import ReportData, pdf_pages, pdf_phrases

PROBLEM = "application/problem+json"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def restricted(monkeypatch: pytest.MonkeyPatch) -> str:
    """A report only the management roles may have (pendukung may not), registered for this test only."""

    def build(rt: Any, actor: Any, params: Any) -> Document:
        return Document("uji-terbatas", "Uji terbatas", [Table([Column("a", "A")], [("x",)])], filename="uji")

    registry.load_all()
    spec = ReportSpec(
        "uji-terbatas", "Uji terbatas", "Restricted test", "11", "report.management", ("csv",), (), (), build
    )
    monkeypatch.setitem(registry.REPORTS, "uji-terbatas", spec)
    return "uji-terbatas"


# ---- API -------------------------------------------------------------------------------------------------------------
def test_api_lists_reports_with_may_run(client, accounts, restricted: str) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/reports", headers=accounts["pendukung"].headers)
    assert answer.status_code == 200
    listed = {r["name"]: r for r in answer.get_json()}
    assert {"tanda-terima", "kartu-kontrol", "dip", restricted} <= set(listed)
    assert listed["tanda-terima"]["needs"] == ["record_ids"] and listed["tanda-terima"]["formats"] == ["pdf"]
    assert listed["dip"]["optional"] == ["version_no"] and listed["dip"]["sop_steps"] == "8"
    assert listed["kartu-kontrol"]["may_run"] is True and listed[restricted]["may_run"] is False
    assert client.get("/api/v1/reports").status_code == 401


def test_api_renders_with_download_headers(client, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    headers = accounts["pendukung"].headers
    answer = client.get(f"/api/v1/reports/tanda-terima?record_ids={data.published.id}", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "application/pdf" and answer.headers["Cache-Control"] == "no-store"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "tanda-terima-ARS-2025-000001.pdf" in disposition
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    body = answer.get_data()
    assert body.startswith(b"%PDF") and int(answer.headers["Content-Length"]) == len(body)
    (tmp_path / "a.pdf").write_bytes(body)
    assert pdf_pages(tmp_path / "a.pdf", tmp_path) == 1 and data.published.receipt_no in pdf_phrases(tmp_path / "a.pdf")

    ids = f"record_ids={data.published.id}&record_ids={data.handed_over.id}"  # repeated or comma separated
    sheet = client.get(f"/api/v1/reports/kartu-kontrol?format=xlsx&{ids}", headers=headers)
    assert sheet.status_code == 200 and sheet.mimetype.endswith("spreadsheetml.sheet")
    assert len(openpyxl.load_workbook(io.BytesIO(sheet.get_data())).sheetnames) == 2
    dip = client.get("/api/v1/reports/dip?format=CSV", headers=accounts["arsiparis"].headers)
    assert dip.status_code == 200 and dip.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(dip.get_data().decode("utf-8-sig"))))
    assert rows[0][0].startswith("1. ") and rows[1][0] == "No"
    assert list((Path(client.application.extensions["arsip"].settings.staging_dir)).glob("report-*")) == []


def test_api_problems(client, accounts, data: ReportData, restricted: str) -> None:  # type: ignore[no-untyped-def]
    headers = accounts["pendukung"].headers

    def get(url: str, who: Any = headers) -> Any:
        answer = client.get(url, headers=who)
        assert answer.mimetype == PROBLEM, answer.get_data(as_text=True)
        return answer

    missing = get("/api/v1/reports/tidak-ada")
    assert missing.status_code == 404 and "tidak-ada" in missing.get_json()["detail_en"]
    bad_format = get(f"/api/v1/reports/tanda-terima?record_ids={data.published.id}&format=xlsx")
    assert bad_format.status_code == 422 and bad_format.get_json()["errors"] == {"format": ["unsupported"]}
    assert "tersedia dalam format" in bad_format.get_json()["detail"]
    bad_ids = get("/api/v1/reports/kartu-kontrol?record_ids=satu")
    assert bad_ids.status_code == 422 and bad_ids.get_json()["errors"] == {"record_ids": ["invalid"]}
    needs = get("/api/v1/reports/kartu-kontrol")
    assert needs.status_code == 422 and needs.get_json()["errors"] == {"record_ids": ["required"]}
    not_accepted = get(f"/api/v1/reports/kartu-kontrol?record_ids={data.published.id}&period=2026-11")
    assert not_accepted.status_code == 422 and "period" in not_accepted.get_json()["errors"]
    assert get(f"/api/v1/reports/{restricted}?format=csv").status_code == 403
    unseen = get(f"/api/v1/reports/kartu-kontrol?record_ids={data.other_unit.id}")
    assert unseen.status_code == 404  # another unit's record: exactly like a missing one
    no_receipt = get(f"/api/v1/reports/tanda-terima?record_ids={data.fresh.id}")
    assert no_receipt.status_code == 409
    allowed = client.get(f"/api/v1/reports/{restricted}?format=csv", headers=accounts["atasan_ppid"].headers)
    assert allowed.status_code == 200


# ---- CLI -------------------------------------------------------------------------------------------------------------
@pytest.fixture
def run(settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARSIP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", settings.database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_cli_lists_and_writes_files(run, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    listed = run("report", "list")
    assert listed.exit_code == 0 and "tanda-terima" in listed.output and "kartu-kontrol" in listed.output
    done = run("report", "kartu-kontrol", "--record", str(data.published.id), "--record", str(data.other_unit.id))
    assert done.exit_code == 0, done.output
    written = tmp_path / "kartu-kontrol-2-arsip.pdf"
    assert str(written) in done.output and written.stat().st_size > 1000 and "bytes" in done.output
    target = tmp_path / "out" / "dip.xlsx"
    target.parent.mkdir()
    assert run("report", "dip", "--version", "1", "--format", "xlsx", "--out", str(target)).exit_code == 0
    assert openpyxl.load_workbook(target).sheetnames[0] == "1 Berkala"


def test_cli_bad_input_exits_non_zero_and_leaves_no_file(run, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = set(tmp_path.iterdir())
    bad = run("report", "kartu-kontrol", "--record", str(data.published.id), "--period", "2026-13")
    assert bad.exit_code != 0 and "period" in bad.output
    missing = run("report", "tanda-terima", "--record", str(data.fresh.id), "--out", str(tmp_path / "tt.pdf"))
    assert missing.exit_code != 0 and "belum diserahkan" in missing.output
    unknown = run("report", "tidak-ada")
    assert unknown.exit_code != 0 and "tidak-ada" in unknown.output
    assert run("report", "dip", "--format", "docx").exit_code != 0
    nowhere = run("report", "kartu-kontrol", "--record", str(data.published.id), "--out", str(tmp_path / "x" / "k.pdf"))
    assert nowhere.exit_code == 2 and "Error" in nowhere.output
    assert set(tmp_path.iterdir()) == before


# ---- staff pages -----------------------------------------------------------------------------------------------------
def signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    token = TOKEN.search(client.get("/staf/masuk").get_data(as_text=True))
    assert token
    answer = client.post("/staf/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token[1]})
    assert answer.status_code == 302
    return client


def test_staff_page_lists_the_reports_of_the_role(app, accounts, restricted: str) -> None:  # type: ignore[no-untyped-def]
    assert app.test_client().get("/staf/laporan").status_code == 302  # sign in first
    page = signed_in(app, "pendukung").get("/staf/laporan")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="report-tanda-terima-form"' in html and 'id="report-dip-form"' in html
    assert restricted not in html  # pendukung may not have it: not offered
    assert 'name="unit"' not in html  # a pendukung has one unit
    assert 'for="report-kartu-kontrol-record_ids"' in html and 'id="report-kartu-kontrol-format"' in html
    manager = signed_in(app, "atasan.ppid").get("/staf/laporan?lang=en").get_data(as_text=True)
    assert 'id="report-uji-terbatas-form"' in manager and "Restricted test" in manager
    assert "Reports and official minutes" in manager and "SOP step 2, 5" in manager


def test_record_links_partial(app, accounts, data: ReportData) -> None:  # type: ignore[no-untyped-def]
    from flask import g, render_template

    with app.test_request_context("/staf/arsip"):
        g.staff_actor = accounts["pendukung"].actor
        html = render_template("staff/reports_record_links.html", record=data.published)
        assert f"/staf/laporan/tanda-terima?record_ids={data.published.id}&amp;format=pdf" in html
        assert "Cetak kartu kontrol" in html and 'id="record-card-xlsx"' in html
        fresh = render_template("staff/reports_record_links.html", record=data.fresh)
        assert "tanda-terima" not in fresh and "kartu-kontrol" in fresh  # no receipt yet: nothing to print


def test_staff_download_and_errors(app, accounts, data: ReportData, restricted: str) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(app, "pendukung")
    answer = client.get(f"/staf/laporan/kartu-kontrol?record_ids={data.published.id}&format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.get_data().startswith(b"\xef\xbb\xbf")

    bad = client.get("/staf/laporan/kartu-kontrol?record_ids=abc&format=pdf")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="report-kartu-kontrol-error"' in html
    assert 'id="report-kartu-kontrol-record_ids-error"' in html and 'aria-invalid="true"' in html
    assert 'value="abc"' in html  # the value comes back to be corrected
    assert "Tidak valid." in html
    english = client.get("/staf/laporan/kartu-kontrol?record_ids=abc&lang=en").get_data(as_text=True)
    assert "Invalid parameters for report" in english and "Not valid." in english

    unseen = client.get(f"/staf/laporan/kartu-kontrol?record_ids={data.other_unit.id}")
    assert unseen.status_code == 404 and "tidak ditemukan" in unseen.get_data(as_text=True)
    forbidden = client.get(f"/staf/laporan/{restricted}?format=csv")
    assert forbidden.status_code == 403 and 'id="reports-error"' in forbidden.get_data(as_text=True)
    missing = client.get("/staf/laporan/tidak-ada")
    assert missing.status_code == 404 and 'id="reports-error"' in missing.get_data(as_text=True)
    hostile = client.get("/staf/laporan/kartu-kontrol?record_ids=%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_api_record_reports_for_every_role(rt, client, accounts) -> None:  # type: ignore[no-untyped-def]
    """The URL given to the role walk: every role has report.record and sees a kominfo record of class biasa."""
    from tests.conftest import make_account

    from .conftest import make

    record = make(rt, accounts, "dihimpun", title="Uji peran")
    everyone = {**accounts, "panitia_penilai": make_account(rt, "panitia.penilai", "panitia_penilai")}
    for role, account in everyone.items():
        if role == "pendukung_other":
            continue
        url = f"/api/v1/reports/kartu-kontrol?record_ids={record.id}&format=csv"
        answer = client.get(url, headers=account.headers)
        assert answer.status_code == 200, (role, answer.get_data(as_text=True))
        assert answer.get_data().startswith(b"\xef\xbb\xbf")  # read to the end: the stream closes its file
        assert client.get("/api/v1/reports", headers=account.headers).status_code == 200
