"""docs/sop_walk.py walks a real corpus document through the whole SOP over a real socket, one role at a time."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

from archive_service.services.audit import verify_chain

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "sop_walk.py"
DOCUMENT = "daerah/sop-pelayanan-umum.pdf"
WALKED = [
    "serahkan",
    "usulkan_kategori",
    "dokumentasikan",
    "terima",
    "kembalikan",
    "serahkan_ulang",
    "usulkan_kategori",
    "dokumentasikan",
    "terima",
    "verifikasi",
    "laporkan",
    "tetapkan_terbuka",
    "publikasikan",
    "tinjau_semester",
    "tetapkan_terbuka",
]


def load_script() -> ModuleType:
    """docs/ is not a package, so the script is loaded from its path."""
    spec = importlib.util.spec_from_file_location("sop_walk", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def manifest_sha256(corpus: Path, document: str) -> str:
    with (corpus / "MANIFEST.csv").open(encoding="utf-8", newline="") as handle:
        return next(row["sha256"] for row in csv.DictReader(handle) if row["file"] == document)


def test_sop_walk_over_http(live_server, accounts, rt, corpus) -> None:
    lines: list[str] = []
    tokens = {role: accounts[role].token for role in ("pendukung", "sekretariat", "ppid")}
    result = load_script().walk(live_server, tokens, corpus / DOCUMENT, out=lines.append)

    record, card = result["record"], result["control_card"]
    assert record["publication_state"] == "ditetapkan_terbuka"
    assert record["kip_category"] == "setiap_saat"
    assert record["processing_unit"] == "kominfo" and record["created_by"] == "pendukung"
    assert [r["round"] for r in card["receipts"]] == [1, 2]
    assert all(r["countersigned_by"] == "sekretariat" and r["countersigned_at"] for r in card["receipts"])
    assert [e["action"] for e in card["entries"]] == WALKED == result["actions"]
    assert [e["actor_role"] for e in card["entries"]][-3:] == ["sekretariat", "ppid", "ppid"]
    assert result["file_sha256"] == manifest_sha256(corpus, DOCUMENT)
    assert record["files"][0]["sha256"] == result["file_sha256"]
    # one printed line per step: the creation plus every transition, each naming its action and resulting state
    step_lines = [line for line in lines if not line.startswith(" ")]
    assert len(step_lines) == 2 + 1 + len(WALKED)  # two header lines
    assert step_lines[-1].split()[:4] == ["14", "ppid", "tetapkan_terbuka", "ditetapkan_terbuka"]
    assert any("kartu kontrol / control card" in line for line in lines)
    with rt.db.read() as session:
        assert verify_chain(session).ok
