"""Transfer packages as a receiving archive (ANRI, a regional archive) sees them: BagIt 1.0 (RFC 8493) validated
by the Library of Congress ``bagit`` package (the library and its ``bagit.py --validate`` command), bag-info.txt
with who sends, whom to contact, who receives, the batch, size and date, and the moment of transfer in the
records' metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import bagit
import pytest

from archive_service.config import Settings
from archive_service.exports.bagit_package import (
    BAGIT_VERSION,
    DEFAULT_RECEIVER,
    BagFile,
    BagRecord,
    build_bag,
    sender_bag_info,
)

TRANSFERRED_AT = dt.datetime(2026, 3, 2, 4, 5, 6, tzinfo=dt.UTC)
BATCH = {  # shaped like services/transfer.py's
    "batch_no": "SERAH/2026/001",
    "source_organization": "Pemerintah Kota Contoh",
    "kind": "penyerahan",
    "berita_acara": {
        "ba_no": "BA-SERAH/2026/001",
        "date": "2026-03-02",
        "place": "Kota Contoh",
        "receiver": "Dinas Perpustakaan dan Kearsipan Provinsi Contoh",
    },
    "approval": {"authority": "lembaga_kearsipan", "letter_no": "045/12/2026"},
}


def _settings(tmp_path: Path, **overrides: str) -> Settings:
    values = {
        "institution_name": "Pemerintah Kota Contoh",
        "office_address": "Jl. Merdeka No. 1",
        "office_city": "Kota Contoh",
        "records_contact_name": "Sri Arsiparis",
        "records_contact_email": "arsip@kotacontoh.go.id",
        "records_contact_phone": "+62 274 123456",
    } | overrides
    return Settings(data_dir=tmp_path / "var", **values)  # type: ignore[arg-type]


def _records(src: Path) -> list[BagRecord]:
    src.mkdir()
    out = []
    for record_id in (1, 2):
        data = f"isi arsip {record_id}\n".encode() * (100 * record_id)
        path = src / f"blob-{record_id}"
        path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        metadata = {
            "id": record_id,
            "record_no": f"PPID/2026/00{record_id}",
            "title": f"Arsip statis {record_id}",
            "classification_code": "000.5.6.2",
            "doc_date": dt.date(2001, 5, record_id),
            "media": "elektronik",
            "security_class": "biasa_terbuka",
            "kip_category": "setiap_saat",
            "archival_state": "diserahkan_statis",
            "transferred_at": None,  # what RecordSchema dumps before the transfer is recorded
            "files": [{"filename": "arsip.pdf", "sha256": sha}],
        }
        file = BagFile("arsip.pdf", sha, len(data), "application/pdf", lambda path=path: path.open("rb"))
        out.append(BagRecord(record_id, metadata["record_no"], metadata, [file], []))
    return out


def _tags(path: Path) -> dict[str, str]:
    tags: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition(":")
        assert name not in tags, f"{name} twice in {path.name}"
        tags[name] = value.strip()
    return tags


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    settings = _settings(tmp_path)
    return build_bag(
        tmp_path / "paket",
        sender_bag_info(settings),
        _records(tmp_path / "src"),
        batch=BATCH,
        transferred_at=TRANSFERRED_AT,
    )


def test_the_bag_is_bagit_1_0_and_validates_with_the_library_of_congress_bagit(bag: Path) -> None:
    assert (bag / "bagit.txt").read_text(encoding="utf-8") == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    loaded = bagit.Bag(str(bag))
    assert BAGIT_VERSION == "1.0" and loaded.version_info == (1, 0)
    loaded.validate()  # raises BagValidationError on any problem
    assert loaded.is_valid(fast=True)  # Payload-Oxum
    assert set(loaded.algorithms) == {"sha256", "sha512"}
    # the tag manifests cover the rewritten bagit.txt and bag-info.txt
    tag_entries = {path for path in loaded.entries if not path.startswith("data/")}
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt"} <= tag_entries

    # and with the package's own command line, as a receiving archive would run it
    command = Path(sys.executable).with_name("bagit.py")
    result = subprocess.run(
        [str(command), "--validate", str(bag)], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"{bag} is valid" in result.stderr


def test_bag_info_holds_what_a_receiving_archive_needs(bag: Path) -> None:
    info = _tags(bag / "bag-info.txt")
    payload = [p for p in (bag / "data").rglob("*") if p.is_file()]
    assert info == {
        "Bag-Size": info["Bag-Size"],
        "Bag-Software-Agent": info["Bag-Software-Agent"],
        "Bagging-Date": "2026-03-02",
        "Contact-Email": "arsip@kotacontoh.go.id",
        "Contact-Name": "Sri Arsiparis",
        "Contact-Phone": "+62 274 123456",
        "External-Description": "Penyerahan arsip statis SERAH/2026/001 / Transfer of permanent records SERAH/2026/001",
        "External-Identifier": "SERAH/2026/001",
        "Internal-Sender-Description": (
            "Penyerahan arsip statis, 2 arsip, 2026-03-02T04:05:06Z / Transfer of permanent records, 2 records"
        ),
        "Internal-Sender-Identifier": "BA-SERAH/2026/001",
        "Organization-Address": "Jl. Merdeka No. 1, Kota Contoh",
        "Payload-Oxum": f"{sum(p.stat().st_size for p in payload)}.{len(payload)}",
        "Receiving-Organization": "Dinas Perpustakaan dan Kearsipan Provinsi Contoh",
        "Source-Organization": "Pemerintah Kota Contoh",
    }
    number, unit = info["Bag-Size"].split()
    assert unit in {"B", "KB", "MB"} and float(number) > 0
    assert info["Bag-Software-Agent"].startswith("Arsip ")


def test_the_snapshot_carries_the_moment_of_transfer(bag: Path) -> None:
    stamp = "2026-03-02T04:05:06Z"
    listing = json.loads((bag / "data" / "daftar-arsip.json").read_text(encoding="utf-8"))
    assert [(r["archival_state"], r["transferred_at"]) for r in listing] == [("diserahkan_statis", stamp)] * 2
    for record_dir in sorted((bag / "data" / "records").iterdir()):
        metadata = json.loads((record_dir / "metadata.json").read_text(encoding="utf-8"))
        assert metadata["archival_state"] == "diserahkan_statis"
        assert metadata["transferred_at"] == stamp


def test_a_receiver_and_contact_that_are_not_configured(tmp_path: Path) -> None:
    """Unset contact settings are left out (never empty tags); without a receiver in the berita acara the tag
    names the competent archival institution in general."""
    settings = _settings(tmp_path, records_contact_name="", records_contact_phone="", office_address="")
    batch = {**BATCH, "berita_acara": {"ba_no": "BA-1"}}
    path = build_bag(tmp_path / "paket", sender_bag_info(settings), _records(tmp_path / "src"), batch=batch)
    bagit.Bag(str(path)).validate()
    info = _tags(path / "bag-info.txt")
    assert "Contact-Name" not in info and "Contact-Phone" not in info
    assert info["Contact-Email"] == "arsip@kotacontoh.go.id"
    assert info["Organization-Address"] == "Kota Contoh"
    assert info["Receiving-Organization"] == DEFAULT_RECEIVER
    assert info["Internal-Sender-Identifier"] == "BA-1"
    moment = json.loads((path / "data" / "daftar-arsip.json").read_text(encoding="utf-8"))[0]["transferred_at"]
    assert dt.datetime.fromisoformat(moment.replace("Z", "+00:00")) <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(("name", "old", "new"), [("bagit.txt", "1.0", "0.97"), ("bag-info.txt", "Contoh", "Lain")])
def test_a_tampered_tag_file_is_caught(bag: Path, name: str, old: str, new: str) -> None:
    """bagit.txt and bag-info.txt are covered by the tag manifests written after the version was declared."""
    (bag / name).write_text((bag / name).read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()
