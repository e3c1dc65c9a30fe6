"""Retention over HTTP and the command line, and destruction on an S3 store with versioning (moto server)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from click.testing import CliRunner

from archive_service.cli import main
from archive_service.config import Settings
from archive_service.runtime import Runtime
from archive_service.services import auth, disposition, records
from archive_service.services.actor import SYSTEM
from tests.archive_service.retention.conftest import APPROVAL, BA, SAMPLE
from tests.conftest import make_account
from tests.support.files import pdf_bytes


def _xlsx(rows: list[list[object]]) -> bytes:
    """A JRA sheet as offices keep it: a merged 'Retensi' over 'Aktif' and 'Inaktif'."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kode Klasifikasi", "Jenis Arsip", "Retensi", None, "Keterangan"])
    sheet.append([None, None, "Aktif", "Inaktif", None])
    sheet.merge_cells("C1:D1")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_jra_upload_over_http(client, accounts) -> None:
    sheet = _xlsx([["000.1.5", "Notula rapat", "2 th", "4 th", "Musnah"], ["000.2", "Aset", "rusak", "1 th", "Musnah"]])
    headers = accounts["arsiparis"].headers

    def post(**form: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/retention/jra",
            data={"file": (io.BytesIO(sheet), "jra.xlsx"), "name": "JRA uji", **form},
            headers=headers,
            content_type="multipart/form-data",
        )

    refused = post()
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.json["problems"][0]["line"] == 4 and refused.json["detail_en"]
    dry = post(dry_run="true")
    assert dry.status_code == 200 and dry.json["rows"] == 1 and dry.json["schedule"] is None
    done = post(skip_invalid="true")
    assert done.status_code == 201 and done.json["schedule"]["version_no"] == 1
    listed = client.get("/api/v1/retention/jra", headers=accounts["pendukung"].headers).json
    assert [s["is_current"] for s in listed] == [True]
    picker = client.get("/api/v1/retention/jra/classes?code=000.1.5", headers=headers).json
    assert picker[0]["active"]["years"] == 2 and picker[0]["total_years"] == 6
    assert client.post("/api/v1/retention/jra", headers=headers).status_code == 422  # no file
    forbidden = client.post(
        "/api/v1/retention/jra",
        data={"file": (io.BytesIO(sheet), "jra.xlsx"), "name": "X"},
        headers=accounts["sekretariat"].headers,
        content_type="multipart/form-data",
    )
    assert forbidden.status_code == 403


def test_disposition_over_http_with_etags_and_problems(rt, client, sample_jra, make_old, accounts) -> None:
    record = make_old(doc_date="2014-01-01")
    arsiparis = accounts["arsiparis"].headers
    bad = client.post("/api/v1/retention/batches", json={"kind": "bakar", "record_ids": [record.id]}, headers=arsiparis)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    created = client.post(
        "/api/v1/retention/batches", json={"kind": "pemindahan", "record_ids": [record.id]}, headers=arsiparis
    )
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    batch_id = created.json["id"]
    assert created.json["items"][0]["row"]["record_no"] == record.record_no
    own = client.post(f"/api/v1/retention/batches/{batch_id}/approval", json=APPROVAL, headers=arsiparis)
    assert own.status_code == 403 and "four eyes" in own.json["detail_en"]
    atasan = accounts["atasan_ppid"].headers
    stale = client.post(
        f"/api/v1/retention/batches/{batch_id}/approval", json=APPROVAL, headers=atasan | {"If-Match": '"7"'}
    )
    assert stale.status_code == 409
    approved = client.post(
        f"/api/v1/retention/batches/{batch_id}/approval", json=APPROVAL, headers=atasan | {"If-Match": '"1"'}
    )
    assert approved.status_code == 200 and approved.json["state"] == "disetujui"
    half = dict(BA, signatories=BA["signatories"][:1])
    assert (
        client.post(f"/api/v1/retention/batches/{batch_id}/execution", json=half, headers=arsiparis).status_code == 422
    )
    done = client.post(f"/api/v1/retention/batches/{batch_id}/execution", json=BA, headers=arsiparis)
    assert done.status_code == 200 and done.json["berita_acara"]["title"] == "Berita Acara Pemindahan Arsip"
    dumped = client.get(f"/api/v1/records/{record.id}", headers=arsiparis).json
    assert dumped["retention_total_years"] == 5 and dumped["destroyed_at"] is None
    assert dumped["location"] == BA["location"] and dumped["archival_state"] == "inaktif"
    view = client.get(f"/api/v1/retention/records/{record.id}", headers=arsiparis).json
    assert view["archival_state"] == "inaktif" and view["jra_class"]["code"] == "500.12.18.1"
    due = client.get("/api/v1/retention/due?as_of=2030-01-01", headers=arsiparis).json
    assert due == [
        {"kind": "pemusnahan", "processing_unit": "kominfo", "month": "2019-01", "count": 1, "held": 0, "vital": 0}
    ]
    listed = client.get("/api/v1/retention/due/records?kind=pemusnahan", headers=arsiparis)
    assert [r["id"] for r in listed.json] == [record.id] and listed.headers["X-Pagination"]
    assert client.get("/api/v1/retention/due", headers=accounts["pendukung"].headers).status_code == 403
    hold = client.post(
        "/api/v1/retention/holds",
        json={"name": "Perkara", "reason": "Gugatan", "record_ids": [record.id]},
        headers=accounts["ppid"].headers,
    )
    assert hold.status_code == 201 and hold.json["in_force"]
    released = client.post(f"/api/v1/retention/holds/{hold.json['id']}/release", json={}, headers=arsiparis)
    assert released.status_code == 422  # a reason is required


def test_retention_due_cli(rt, sample_jra, make_old, accounts, monkeypatch) -> None:
    make_old(doc_date="2014-01-01")
    make_old(doc_date="2014-02-01", is_vital=True)
    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    result = CliRunner().invoke(main, ["retention", "due", "--kind", "pemindahan"])
    assert result.exit_code == 0, result.output
    assert "kominfo  2016-01  1" in result.output and "2016-02" in result.output
    assert "2 arsip jatuh tempo" in result.output
    bad = CliRunner().invoke(main, ["jra", "import", str(SAMPLE), "--name", "Lagi", "--dry-run"])
    assert bad.exit_code == 0 and "17 baris sah" in bad.output


def test_cli_import_reports_odd_rows_and_exits_non_zero(rt, tmp_path, monkeypatch) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Kode Klasifikasi,Jenis Arsip,Retensi Aktif,Retensi Inaktif,Keterangan\n000.1,A,kadang,1 th,Musnah\n"
    )
    monkeypatch.setenv("ARSIP_DATA_DIR", str(rt.settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", rt.settings.database_url)
    result = CliRunner().invoke(main, ["jra", "import", str(path), "--name", "Odd"])
    assert result.exit_code == 2 and "line 2 (aktif)" in result.output and "kadang" in result.output


@pytest.fixture
def s3_rt(tmp_path, database_url, s3_server, s3_bucket):  # type: ignore[no-untyped-def]
    s3_server.client().put_bucket_versioning(Bucket=s3_bucket, VersioningConfiguration={"Status": "Enabled"})
    runtime = Runtime.from_settings(
        Settings(
            data_dir=tmp_path / "var",
            database_url=database_url,
            storage_url=f"s3://{s3_bucket}/arsip",
            s3_endpoint_url=s3_server.endpoint_url,
            s3_region=s3_server.region,
            s3_access_key=s3_server.access_key,
            s3_secret_key=s3_server.secret_key,
            index_worker_thread=False,
        )
    )
    runtime.migrate()
    yield runtime
    runtime.close()


def test_destruction_on_s3_removes_every_object_version(s3_rt, s3_server, s3_bucket) -> None:
    from archive_service.services import jra
    from archive_service.services.uploads import Upload
    from archive_service.storage import stage_stream

    rt = s3_rt
    auth.create_unit(rt, SYSTEM, "kominfo", "Kominfo")
    jra.import_file(rt, SYSTEM, SAMPLE, name="Sampel")
    arsiparis = make_account(rt, "arsiparis", "arsiparis").actor
    atasan = make_account(rt, "atasan", "atasan_ppid").actor
    panel = [make_account(rt, f"penilai.{i}", "panitia_penilai").actor for i in range(3)]
    body = pdf_bytes("Arsip di S3 yang akan dimusnahkan")
    staged = stage_stream(io.BytesIO(body), rt.settings.staging_dir)
    meta = {"title": "Notula", "classification_code": "000.1.5", "processing_unit": "kominfo", "creator_org": "K"}
    record = records.create_record(rt, SYSTEM, {**meta, "doc_date": "2012-01-01"}, [Upload("notula.pdf", staged)])
    sha = record.files[0].sha256
    key = rt.blobs.key(sha)
    client = s3_server.client()
    client.put_object(Bucket=s3_bucket, Key=key, Body=body)  # a second version of the same object
    assert len(client.list_object_versions(Bucket=s3_bucket, Prefix=key)["Versions"]) == 2

    batch = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": [record.id]})
    disposition.approve(rt, atasan, batch.id, None, APPROVAL)
    disposition.execute(rt, arsiparis, batch.id, None, BA)
    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [record.id]})
    for member in panel:
        disposition.appraise(rt, member, batch.id, {"opinion": "setuju", "consideration": "Habis retensi"})
    disposition.conclude_panel(rt, panel[0], batch.id, None, {"summary": "Setuju"})
    disposition.approve(rt, atasan, batch.id, None, APPROVAL)
    disposition.execute(rt, arsiparis, batch.id, None, BA)

    listing = client.list_object_versions(Bucket=s3_bucket, Prefix=key)
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")
    assert not rt.blobs.exists(sha)
    tomb = records.get_record(rt, SYSTEM, record.id)
    assert tomb.archival_state == "dimusnahkan" and json.dumps(tomb.title) == '"Notula"'
