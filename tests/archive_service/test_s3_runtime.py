"""The whole service on an S3 blob store (moto's server over real HTTP): upload, dedup, download, fixity."""

from __future__ import annotations

import hashlib
import io
import json

import pytest

from archive_service.app import create_app
from archive_service.config import Settings
from archive_service.runtime import Runtime
from archive_service.services.fixity import check_fixity
from tests.conftest import make_account
from tests.support.checks import assert_consistent
from tests.support.files import executable_bytes, pdf_bytes


@pytest.fixture
def s3_rt(tmp_path, database_url, s3_server, s3_bucket):  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        storage_url=f"s3://{s3_bucket}/arsip",
        s3_endpoint_url=s3_server.endpoint_url,
        s3_region=s3_server.region,
        s3_access_key=s3_server.access_key,
        s3_secret_key=s3_server.secret_key,
    )
    runtime = Runtime.from_settings(settings)
    yield runtime
    runtime.close()


def test_records_on_s3(s3_rt, s3_server, s3_bucket) -> None:
    from archive_service.services import auth
    from archive_service.services.actor import SYSTEM

    assert s3_rt.blobs.kind == "s3"
    auth.create_unit(s3_rt, SYSTEM, "kominfo", "Kominfo")
    admin = make_account(s3_rt, "admin", "admin")
    client = create_app(runtime=s3_rt).test_client()
    content = pdf_bytes("Disimpan di S3")
    meta = {"title": "Arsip S3", "classification_code": "000.5", "processing_unit": "kominfo", "creator_org": "K"}

    def post(files):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/records",
            headers=admin.headers,
            content_type="multipart/form-data",
            data={"metadata": json.dumps(meta), "files": [(io.BytesIO(c), n) for n, c in files]},
        )

    first, second = post([("a.pdf", content)]), post([("b.pdf", content)])
    assert first.status_code == 201 and second.status_code == 201
    sha = hashlib.sha256(content).hexdigest()
    keys = [o["Key"] for o in s3_server.client().list_objects_v2(Bucket=s3_bucket).get("Contents", [])]
    assert keys == [f"arsip/{sha[:2]}/{sha[2:4]}/{sha}"]
    file_id = first.json["files"][0]["id"]
    download = client.get(f"/api/v1/records/{first.json['id']}/files/{file_id}/content", headers=admin.headers)
    assert download.status_code == 200 and download.data == content
    refused = post([("c.pdf", executable_bytes())])
    assert refused.status_code == 415
    assert check_fixity(s3_rt).ok
    assert_consistent(s3_rt)
    s3_server.client().put_object(Bucket=s3_bucket, Key=keys[0], Body=b"%PDF-1.4 diubah")
    assert check_fixity(s3_rt).altered == [sha]
