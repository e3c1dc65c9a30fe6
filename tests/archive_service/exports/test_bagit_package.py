"""BagIt transfer packages: real files, hostile names, fixity against recorded hashes, deterministic tar."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bagit
import pytest

from archive_service.exports.bagit_package import (
    FILENAME_MAX_BYTES,
    BagFile,
    BagRecord,
    PackageError,
    build_bag,
    safe_component,
    write_tar,
)
from archive_service.exports.dublin_core import DC_NS

LONG_NAME = "laporan-" + "x" * 292 + ".pdf"  # 300 characters
HOSTILE_NAMES = ["../../etc/passwd", "a\x00b.pdf", "\u202etxt.exe", LONG_NAME]
BATCH = {
    "batch_no": "BA-SERAH/2024/001",
    "source_organization": "Pemerintah Kota Contoh",
    "date": dt.date(2024, 6, 30),
    "recipient": "Dinas Kearsipan Provinsi",
}
BAG_INFO = {"Bagging-Date": "2024-06-30", "Contact-Name": "Arsiparis Kota"}


def _bag_file(directory: Path, index: int, filename: str, data: bytes, *, sha256: str | None = None) -> BagFile:
    """A real file on disk, handed over like the blob store would (a fresh stream per open)."""
    path = directory / f"blob-{index}"
    path.write_bytes(data)
    return BagFile(
        filename=filename,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        size=len(data),
        mime="application/pdf",
        open=lambda: path.open("rb"),
    )


def _history(record_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": record_id * 10 + 1,
            "at": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            "actor_name": "arsiparis",
            "action": "record.create",
            "changes": {"title": {"before": None, "after": f"Arsip {record_id}"}},
            "hash": "ab" * 32,
        },
        {
            "id": record_id * 10 + 2,
            "at": dt.datetime(2024, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
            "actor_name": None,
            "action": "retention.transfer",
            "changes": {},
            "hash": "cd" * 32,
        },
    ]


def _records(src: Path, *, corrupt: bool = False) -> list[BagRecord]:
    src.mkdir(exist_ok=True)
    payloads = [os.urandom(1000 + 37 * i) for i in range(5)]
    files_1 = [
        _bag_file(src, 0, HOSTILE_NAMES[0], payloads[0]),
        _bag_file(src, 1, HOSTILE_NAMES[1], payloads[1]),
    ]
    files_2 = [
        _bag_file(src, 2, HOSTILE_NAMES[2], payloads[2]),
        _bag_file(src, 3, HOSTILE_NAMES[3], payloads[3]),
        _bag_file(src, 4, "Surat Keputusan.pdf", payloads[4], sha256=("0" * 64) if corrupt else None),
    ]
    records = []
    for record_id, record_no, files in ((1, "PPID/2024/001", files_1), (2, "PPID/2024/002", files_2)):
        metadata = {
            "id": record_id,
            "record_no": record_no,
            "title": f"Arsip {record_id} <penting> & permanen",
            "creator_org": "Dinas Komunikasi dan Informatika",
            "classification_code": "000.5.6.2",
            "doc_date": dt.date(2020, 5, record_id),
            "media": "elektronik",
            "security_class": "biasa_terbuka",
            "kip_category": "setiap_saat",
            "files": [{"id": 100 + i, "filename": f.filename, "sha256": f.sha256} for i, f in enumerate(files)],
        }
        records.append(
            BagRecord(
                record_id=record_id,
                record_no=record_no,
                metadata=metadata,
                files=files,
                history=_history(record_id),
            )
        )
    return records


@pytest.fixture
def records(tmp_path: Path) -> list[BagRecord]:
    return _records(tmp_path / "src")


@pytest.fixture
def bag(tmp_path: Path, records: list[BagRecord]) -> Path:
    return build_bag(tmp_path / "paket", BAG_INFO, records, batch=BATCH)


def _manifest(bag_dir: Path, algorithm: str) -> dict[str, str]:
    lines = (bag_dir / f"manifest-{algorithm}.txt").read_text(encoding="utf-8").splitlines()
    return {path: digest for digest, path in (line.split(None, 1) for line in lines)}


def _record_dirs(bag_dir: Path) -> list[Path]:
    return sorted((bag_dir / "data" / "records").iterdir())


def test_bag_validates(bag: Path) -> None:
    assert bagit.Bag(str(bag)).validate()
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt"):
        assert (bag / name).is_file()
    assert sorted(p.name for p in (bag / "data").iterdir()) == ["berita-acara.json", "daftar-arsip.json", "records"]


def test_manifest_sha256_equals_recorded_hashes(bag: Path, records: list[BagRecord]) -> None:
    manifest = _manifest(bag, "sha256")
    for record_dir, record in zip(_record_dirs(bag), records, strict=True):
        metadata = json.loads((record_dir / "metadata.json").read_text(encoding="utf-8"))
        for entry, file in zip(metadata["files"], record.files, strict=True):
            rel = f"data/records/{record_dir.name}/{entry['path']}"
            assert manifest[rel] == file.sha256
            assert (bag / rel).stat().st_size == file.size
    assert len([p for p in manifest if "/files/" in p]) == sum(len(r.files) for r in records)


def test_metadata_keeps_original_names_and_extra_file_keys(bag: Path, records: list[BagRecord]) -> None:
    for record_dir, record in zip(_record_dirs(bag), records, strict=True):
        metadata = json.loads((record_dir / "metadata.json").read_text(encoding="utf-8"))
        assert [f["filename"] for f in metadata["files"]] == [f.filename for f in record.files]
        assert [f["id"] for f in metadata["files"]] == [100 + i for i in range(len(record.files))]
        assert metadata["record_no"] == record.record_no
        assert metadata["doc_date"] == record.metadata["doc_date"].isoformat()
    names = [f["filename"] for d in _record_dirs(bag) for f in json.loads((d / "metadata.json").read_text())["files"]]
    assert set(HOSTILE_NAMES) <= set(names)


def test_sanitised_payload_names_are_safe(bag: Path) -> None:
    files = [p for d in _record_dirs(bag) for p in sorted((d / "files").iterdir())]
    assert len(files) == 5
    for path in files:
        name = path.name
        assert path.resolve().is_relative_to(bag.resolve())
        assert ".." not in name and "/" not in name and "\\" not in name
        assert not any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in name), repr(name)
        assert len(name.encode("utf-8")) <= FILENAME_MAX_BYTES
        assert name[:4].removesuffix("-").isdigit()
    by_prefix = {p.parent.parent.name + "/" + p.name[:3]: p.name for p in files}
    assert len(by_prefix) == 5
    assert by_prefix["PPID_2024_001/001"] == "001-etc_passwd"
    assert by_prefix["PPID_2024_001/002"] == "002-a_b.pdf"
    assert by_prefix["PPID_2024_002/001"] == "001-txt.exe"
    assert by_prefix["PPID_2024_002/002"].endswith(".pdf")
    assert by_prefix["PPID_2024_002/003"] == "003-Surat_Keputusan.pdf"


def test_dc_xml_per_record(bag: Path) -> None:
    for record_dir in _record_dirs(bag):
        root = ET.parse(record_dir / "dc.xml").getroot()
        assert root.findtext(f"{{{DC_NS}}}title", "").endswith("<penting> & permanen")
        assert root.findtext(f"{{{DC_NS}}}format") == "application/pdf"
        assert root.findtext(f"{{{DC_NS}}}identifier", "").startswith("PPID/2024/")


def test_history_round_trips(bag: Path, records: list[BagRecord]) -> None:
    for record_dir, record in zip(_record_dirs(bag), records, strict=True):
        history = json.loads((record_dir / "history.json").read_text(encoding="utf-8"))
        expected = [{**event, "at": event["at"].isoformat()} for event in record.history]
        assert history == expected


def test_batch_listing_and_bag_info(bag: Path) -> None:
    batch = json.loads((bag / "data" / "berita-acara.json").read_text(encoding="utf-8"))
    assert batch == {**BATCH, "date": "2024-06-30"}
    listing = json.loads((bag / "data" / "daftar-arsip.json").read_text(encoding="utf-8"))
    assert [r["record_no"] for r in listing] == ["PPID/2024/001", "PPID/2024/002"]
    assert [r["path"] for r in listing] == ["records/PPID_2024_001", "records/PPID_2024_002"]
    info = bagit.Bag(str(bag)).info
    assert info["External-Identifier"] == "BA-SERAH/2024/001"
    assert info["Source-Organization"] == "Pemerintah Kota Contoh"
    assert info["Bagging-Date"] == "2024-06-30"
    assert info["Contact-Name"] == "Arsiparis Kota"
    assert info["Payload-Oxum"].endswith(".13")  # 5 files + 3 descriptions x 2 records + 2 batch files


def test_working_directory_is_restored(tmp_path: Path, records: list[BagRecord]) -> None:
    before = os.getcwd()
    build_bag(tmp_path / "paket", {}, records, batch=BATCH)
    assert os.getcwd() == before


def test_hash_mismatch_raises_and_leaves_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "paket"
    with pytest.raises(PackageError) as caught:
        build_bag(dest, BAG_INFO, _records(tmp_path / "src", corrupt=True), batch=BATCH)
    assert "SHA-256" in caught.value.message_id
    assert "recorded at ingest" in caught.value.message_en
    assert not dest.exists()


@pytest.mark.parametrize("delta", [-1, 1])
def test_size_mismatch_raises_and_leaves_nothing(tmp_path: Path, records: list[BagRecord], delta: int) -> None:
    first = records[0].files[0]
    wrong = BagFile(first.filename, first.sha256, first.size + delta, first.mime, first.open)
    broken = BagRecord(1, "PPID/2024/001", records[0].metadata, [wrong], [])
    dest = tmp_path / "paket"
    with pytest.raises(PackageError):
        build_bag(dest, BAG_INFO, [broken], batch=BATCH)
    assert not dest.exists()


def test_failure_while_iterating_records_leaves_nothing(tmp_path: Path, records: list[BagRecord]) -> None:
    def generate() -> Any:
        yield records[0]
        raise RuntimeError("database gone")

    dest = tmp_path / "paket"
    with pytest.raises(RuntimeError, match="database gone"):
        build_bag(dest, BAG_INFO, generate(), batch=BATCH)
    assert not dest.exists()


def test_existing_destination_is_refused_and_kept(tmp_path: Path, records: list[BagRecord]) -> None:
    dest = tmp_path / "paket"
    dest.mkdir()
    (dest / "keep.txt").write_text("milik orang lain")
    with pytest.raises(PackageError):
        build_bag(dest, BAG_INFO, records, batch=BATCH)
    assert (dest / "keep.txt").read_text() == "milik orang lain"


def test_malformed_recorded_hash_is_refused(tmp_path: Path, records: list[BagRecord]) -> None:
    first = records[0].files[0]
    bad = BagFile(first.filename, "not-a-hash", first.size, first.mime, first.open)
    with pytest.raises(PackageError):
        build_bag(tmp_path / "paket", BAG_INFO, [BagRecord(1, "X", {}, [bad], [])], batch=BATCH)
    assert not (tmp_path / "paket").exists()


def test_colliding_record_numbers_get_distinct_directories(tmp_path: Path, records: list[BagRecord]) -> None:
    a = BagRecord(1, "A/1", {}, records[0].files, [])
    b = BagRecord(2, "a_1", {}, records[1].files, [])
    bag = build_bag(tmp_path / "paket", BAG_INFO, [a, b], batch=BATCH)
    assert [p.name for p in _record_dirs(bag)] == ["A_1", "a_1-2"]
    assert bagit.Bag(str(bag)).validate()


def test_duplicate_record_is_refused(tmp_path: Path, records: list[BagRecord]) -> None:
    with pytest.raises(PackageError):
        build_bag(tmp_path / "paket", BAG_INFO, [records[0], records[0]], batch=BATCH)
    assert not (tmp_path / "paket").exists()


def test_bad_bag_info_tag_is_refused(tmp_path: Path, records: list[BagRecord]) -> None:
    with pytest.raises(PackageError):
        build_bag(tmp_path / "paket", {"Bad: Tag": "x"}, records, batch=BATCH)
    assert not (tmp_path / "paket").exists()


def _tar_bytes(bag: Path) -> bytes:
    out = io.BytesIO()
    write_tar(bag, out)
    return out.getvalue()


def test_write_tar_contains_the_bag(bag: Path, tmp_path: Path) -> None:
    data = _tar_bytes(bag)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        assert names[0] == "paket"
        assert "paket/bagit.txt" in names
        assert all(n == "paket" or n.startswith("paket/") for n in names)
        members = tar.getmembers()
        assert {m.mtime for m in members} == {int(dt.datetime(2024, 6, 30, tzinfo=dt.UTC).timestamp())}
        assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
        tar.extractall(tmp_path / "unpacked", filter="data")
    assert bagit.Bag(str(tmp_path / "unpacked" / "paket")).validate()


def test_write_tar_is_deterministic(bag: Path) -> None:
    assert _tar_bytes(bag) == _tar_bytes(bag)


def test_write_tar_streams_to_a_non_seekable_output(bag: Path) -> None:
    chunks: list[bytes] = []

    class Sink:
        def write(self, data: bytes) -> int:
            chunks.append(bytes(data))
            return len(data)

    write_tar(bag, Sink())  # type: ignore[arg-type]
    assert b"".join(chunks) == _tar_bytes(bag)


def test_write_tar_refuses_a_symlink(bag: Path, tmp_path: Path) -> None:
    (bag / "data" / "link").symlink_to("/etc/hostname")
    with pytest.raises(PackageError):
        write_tar(bag, io.BytesIO())


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("../../etc/passwd", lambda s: s == "etc_passwd"),
        ("..", lambda s: s == "berkas"),
        ("", lambda s: s == "berkas"),
        (".bashrc", lambda s: s == "bashrc"),
        ("-rf", lambda s: s == "rf"),
        ("a\x00b.pdf", lambda s: s == "a_b.pdf"),
        ("evil\u202egpj.exe", lambda s: s == "evilgpj.exe"),
        ("nul.txt", lambda s: s == "_nul.txt"),
        ("laporan%0Arahasia.pdf", lambda s: "%" not in s and s.endswith(".pdf")),
        ("a\r\nb.pdf", lambda s: s == "a_b.pdf"),
        ("x" * 300 + ".pdf", lambda s: s.endswith(".pdf") and len(s.encode()) == FILENAME_MAX_BYTES),
        ("é" * 200 + ".docx", lambda s: s.endswith(".docx") and len(s.encode()) <= FILENAME_MAX_BYTES),
        ("Surat Dinas (final).PDF", lambda s: s == "Surat_Dinas_(final).PDF"),
        ("cafe\u0301.pdf", lambda s: s == "café.pdf"),
        ("arsip.tar.gz", lambda s: s == "arsip.tar.gz"),
        ("name.this-is-not-an-extension", lambda s: s == "name.this-is-not-an-extension"),
    ],
)
def test_safe_component(name: str, check: Callable[[str], bool]) -> None:
    safe = safe_component(name)
    assert check(safe), repr(safe)
    assert safe not in {"", ".", ".."}
    assert "/" not in safe and "\x00" not in safe


def test_undecodable_file_name_is_kept_as_json_escape(tmp_path: Path) -> None:
    name = "laporan\udcff.pdf"  # a byte that was not UTF-8, decoded with surrogateescape
    file = _bag_file(tmp_path, 0, name, b"%PDF-1.7 isi")
    bag = build_bag(tmp_path / "paket", BAG_INFO, [BagRecord(1, "X-1", {}, [file], [])], batch=BATCH)
    metadata = json.loads((bag / "data" / "records" / "X-1" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["files"][0]["filename"] == name
    assert metadata["files"][0]["path"] == "files/001-laporan.pdf"
    assert bagit.Bag(str(bag)).validate()
