"""Titles derived from a file's text: ``arsip ingest`` and the demo let the worker apply them, uploads through the
API get a proposal, and nothing a person titled is ever overwritten. Real parts throughout: the CLI in-process,
the extraction pool, the worker's outbox pass, the search index."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive_service.cli import main
from archive_service.db import AuditEvent, OutboxEvent, Record
from archive_service.services import auth, indexing, records, search
from archive_service.services.actor import SYSTEM
from tests.support.checks import assert_consistent
from tests.support.files import pdf_bytes

LAW = [
    "PRESIDEN",
    "REPUBLIK INDONESIA",
    "UNDANG-UNDANG REPUBLIK INDONESIA",
    "NOMOR 14 TAHUN 2008",
    "TENTANG",
    "KETERBUKAAN INFORMASI PUBLIK",
    "DENGAN RAHMAT TUHAN YANG MAHA ESA",
    "PRESIDEN REPUBLIK INDONESIA,",
    "Menimbang : a. bahwa informasi merupakan kebutuhan pokok setiap orang;",
]
LAW_TITLE = "Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"
NO_TITLE = ["12 34 56", "7890 1234", "5678"]  # a page of figures: nothing a title could be made of


@pytest.fixture
def run(settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ARSIP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ARSIP_DATABASE_URL", settings.database_url)

    def _run(*args: str) -> Any:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return _run


def _record_by_file(rt: Any, filename: str) -> Record:
    with rt.db.read() as session:
        return session.execute(
            select(Record).where(Record.files.any(filename=filename))  # type: ignore[arg-type]
        ).scalar_one()


def _actions(rt: Any, record_id: int) -> list[str]:
    return [e.action for e in records.record_history(rt, SYSTEM, record_id)]


def _ingest(run: Any, rt: Any, tmp_path: Path, files: dict[str, list[str]], *options: str) -> None:
    auth.create_unit(rt, SYSTEM, "kominfo", "Dinas Komunikasi dan Informatika")
    folder = tmp_path / "masuk"
    folder.mkdir()
    for name, lines in files.items():
        (folder / name).write_bytes(pdf_bytes(*lines))
    result = run("ingest", str(folder), "--unit", "kominfo", "--quiet", *options)
    assert result.exit_code == 0, result.output


def test_ingest_applies_the_derived_title_audited_and_indexed(run, rt, tmp_path: Path) -> None:
    _ingest(run, rt, tmp_path, {"uu_2008-14.pdf": LAW})
    before = _record_by_file(rt, "uu_2008-14.pdf")
    assert (before.title, before.title_source, before.version) == ("uu 2008-14", "file_name_auto", 1)
    assert search.internal_search(rt, SYSTEM, {"q": "judul:keterbukaan"}).total == 0  # nothing indexed yet

    stats = indexing.drain(rt)
    assert stats.failed == 0

    after = records.get_record(rt, SYSTEM, before.id)
    assert (after.title, after.title_source, after.proposed_title) == (LAW_TITLE, "derived", None)
    assert after.version == 2 and after.files[0].filename == "uu_2008-14.pdf"  # the file keeps its own name
    history = records.record_history(rt, SYSTEM, before.id)
    assert [e.action for e in history] == ["record.create", "file.add", "record.title_derived"]
    derived = history[-1]
    assert derived.actor_name == "system" and derived.actor_id is None
    assert derived.changes == {
        "title": {"before": "uu 2008-14", "after": LAW_TITLE},
        "title_source": {"before": "file_name_auto", "after": "derived"},
    }
    assert history[0].changes["title_source"] == {"before": None, "after": "file_name_auto"}
    # The index holds the new title: "keterbukaan" is in no file name, and judul: searches the title only.
    hits = search.internal_search(rt, SYSTEM, {"q": "judul:keterbukaan"}).hits
    assert [h["id"] for h in hits] == [before.id]
    with rt.db.read() as session:
        pending = session.execute(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
        ).scalar_one()
    assert pending == 0
    indexing.drain(rt)  # a second pass finds nothing to do
    assert records.get_record(rt, SYSTEM, before.id).version == 2
    assert_consistent(rt)


def test_ingest_with_propose_titles_keeps_the_file_name(run, rt, tmp_path: Path) -> None:
    _ingest(run, rt, tmp_path, {"uu_2008-14.pdf": LAW}, "--propose-titles")
    indexing.drain(rt)
    record = _record_by_file(rt, "uu_2008-14.pdf")
    assert (record.title, record.title_source, record.proposed_title) == ("uu 2008-14", "file_name", LAW_TITLE)
    assert record.version == 1 and "record.title_derived" not in _actions(rt, record.id)  # a proposal is no change
    assert_consistent(rt)


def test_a_csv_title_is_the_users_and_stays(run, rt, tmp_path: Path) -> None:
    csv_path = tmp_path / "daftar.csv"
    csv_path.write_text("file,title\nuu_2008-14.pdf,UU KIP (salinan kerja)\n", encoding="utf-8")
    _ingest(run, rt, tmp_path, {"uu_2008-14.pdf": LAW}, "--metadata", str(csv_path))
    indexing.drain(rt)
    record = _record_by_file(rt, "uu_2008-14.pdf")
    assert (record.title, record.title_source, record.proposed_title) == ("UU KIP (salinan kerja)", "user", None)
    assert_consistent(rt)


def test_no_derivable_title_keeps_the_file_name_and_no_proposal(run, rt, tmp_path: Path) -> None:
    _ingest(run, rt, tmp_path, {"tabel_2024.pdf": NO_TITLE})
    indexing.drain(rt)
    record = _record_by_file(rt, "tabel_2024.pdf")
    assert (record.title, record.title_source, record.proposed_title) == ("tabel 2024", "file_name_auto", None)
    assert record.version == 1 and "record.title_derived" not in _actions(rt, record.id)
    assert_consistent(rt)


def test_a_title_the_user_edited_is_never_overwritten(run, rt, tmp_path: Path) -> None:
    _ingest(run, rt, tmp_path, {"uu_2008-14.pdf": LAW, "surat.pdf": ["Perihal : Undangan rapat koordinasi arsip"]})
    law, letter = _record_by_file(rt, "uu_2008-14.pdf"), _record_by_file(rt, "surat.pdf")
    # Before the worker ran: one title changed, one only confirmed as it is (sent unchanged: still the user's).
    records.update_record(rt, SYSTEM, law.id, law.version, {"title": "UU Keterbukaan Informasi (arsip unit)"})
    records.update_record(rt, SYSTEM, letter.id, letter.version, {"title": letter.title})
    indexing.drain(rt)
    law, letter = records.get_record(rt, SYSTEM, law.id), records.get_record(rt, SYSTEM, letter.id)
    assert (law.title, law.title_source, law.proposed_title) == ("UU Keterbukaan Informasi (arsip unit)", "user", None)
    assert (letter.title, letter.title_source, letter.proposed_title) == ("surat", "user", None)
    with rt.db.read() as session:
        derived = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "record.title_derived")
        ).scalar_one()
    assert derived == 0
    assert records.record_history(rt, SYSTEM, letter.id)[-1].changes == {
        "title_source": {"before": "file_name_auto", "after": "user"}
    }
    assert_consistent(rt)


# ---- the API ------------------------------------------------------------------------------------------------------
METADATA = {
    "classification_code": "500.12.18.1",
    "processing_unit": "kominfo",
    "creator_org": "Dinas Komunikasi dan Informatika",
}


def _post(client: Any, headers: dict[str, str], metadata: dict[str, Any], name: str, lines: list[str]) -> Any:
    return client.post(
        "/api/v1/records",
        data={"metadata": json.dumps(metadata), "files": [(io.BytesIO(pdf_bytes(*lines)), name)]},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_api_upload_without_title_gets_a_proposal_and_a_patch_takes_it(client, rt, accounts) -> None:
    headers = accounts["pendukung"].headers
    created = _post(client, headers, METADATA, "Surat_Undangan_0142.pdf", ["Hal : Undangan rapat retensi arsip"])
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["title"], body["title_source"], body["proposed_title"]) == ("Surat Undangan 0142", "file_name", None)
    typed = _post(client, headers, METADATA | {"title": "Undangan rapat"}, "u.pdf", ["Hal : Undangan lain"])
    assert typed.json["title_source"] == "user"
    blank = _post(client, headers, METADATA | {"title": ""}, "kosong.pdf", LAW)
    assert blank.status_code == 422 and "title" in blank.json["errors"]  # sent but empty is still an error

    indexing.drain(rt)
    url = f"/api/v1/records/{body['id']}"
    got = client.get(url, headers=headers)
    assert got.json["proposed_title"] == "Undangan rapat retensi arsip" and got.headers["ETag"] == '"1"'
    assert client.get(f"/api/v1/records/{typed.json['id']}", headers=headers).json["proposed_title"] is None
    patched = client.patch(url, json={"title": got.json["proposed_title"]}, headers=headers | {"If-Match": '"1"'})
    assert patched.status_code == 200, patched.json
    assert (patched.json["title"], patched.json["title_source"], patched.json["proposed_title"]) == (
        "Undangan rapat retensi arsip",
        "user",
        None,
    )
    indexing.drain(rt)
    assert client.get(url, headers=headers).json["title"] == "Undangan rapat retensi arsip"
    assert_consistent(rt)


def test_api_json_create_without_title_or_files_still_needs_a_title(client, accounts) -> None:
    response = client.post("/api/v1/records", json=METADATA, headers=accounts["pendukung"].headers)
    assert response.status_code == 422 and "title" in response.json["errors"]


# ---- the demo -----------------------------------------------------------------------------------------------------
@pytest.mark.corpus
def test_demo_corpus_documents_loaded_without_a_title_get_theirs(rt, corpus) -> None:
    from archive_service.demo.loader import UNTITLED_PICKS, load_demo

    load_demo(rt, corpus)
    with rt.db.read() as session:
        derived = {
            r.files[0].filename: r.title
            for r in session.execute(select(Record).where(Record.title_source == "derived")).scalars()
        }
    assert set(derived) == {Path(rel).name for rel, _code, _unit in UNTITLED_PICKS}
    assert derived["uu_2011-12.pdf"] == (
        "Undang-Undang Nomor 12 Tahun 2011 tentang Pembentukan Peraturan Perundang-Undangan"
    )
    assert_consistent(rt)
