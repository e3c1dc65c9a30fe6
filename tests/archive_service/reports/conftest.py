"""Data for the report tests: records moved through the SOP by the people whose step it is, and a fixed DIP."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archive_service.db import Record
from archive_service.services import dip, records, workflow
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from archive_service.workflow.table import TRANSITIONS
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.support.files import pdf_bytes

HOSTILE = "<script>alert(1)</script> </td> =SUM(A1)"
ROLE_ACCOUNT = {"pendukung": "pendukung", "sekretariat": "sekretariat", "ppid": "ppid"}


def _account_for(action: str, state: str, accounts: dict[str, Any]) -> Any:
    for t in TRANSITIONS:
        if t.action == action and state in t.from_states:
            role = sorted(str(r) for r in t.roles)[0]
            return accounts[ROLE_ACCOUNT[role]].actor
    raise AssertionError(f"no transition {action} from {state}")


@dataclass
class ReportData:
    published: Record  # through the whole main line: receipt countersigned, control card full
    handed_over: Record  # handed over, not yet received: receipt without countersignature
    fresh: Record  # collected only: no receipt, no control card
    other_unit: Record  # of bappeda: the kominfo pendukung may not see it
    dip_version: int


def make(rt: Any, accounts: dict[str, Any], state: str, unit: str = "kominfo", **overrides: Any) -> Record:
    staged = stage_stream(io.BytesIO(pdf_bytes("Laporan", state)), rt.settings.staging_dir)
    owner = accounts["pendukung" if unit == "kominfo" else "pendukung_other"].actor
    data = READY | {"processing_unit": unit} | overrides
    record = records.create_record(rt, owner, data, [Upload("laporan.pdf", staged)])
    for action in TO_STATE_PATH[state]:
        who = owner if unit != "kominfo" and action in {"serahkan", "usulkan_kategori", "dokumentasikan"} else None
        who = who or _account_for(action, record.publication_state, accounts)
        record = workflow.apply_transition(rt, who, record.id, record.version, payload_for(action, record))
    assert record.publication_state == state
    return record


@pytest.fixture
def data(rt, accounts) -> ReportData:  # type: ignore[no-untyped-def]
    published = make(rt, accounts, "dipublikasikan", title=f"Laporan keuangan {HOSTILE}")
    handed_over = make(rt, accounts, "diserahkan", title="Rencana kerja Diskominfo 2026", quantity=3)
    fresh = make(rt, accounts, "dihimpun", title="Notulen rapat koordinasi")
    other_unit = make(rt, accounts, "diserahkan", unit="bappeda", title="RPJMD Bappeda")
    version = dip.fix_version(
        rt, accounts["ppid"].actor, {"decree_no": "188/12/KPTS/2026", "decree_date": "2026-11-20"}
    )
    return ReportData(published, handed_over, fresh, other_unit, version.version_no)


# ---- checking rendered files ----------------------------------------------------------------------------------------
def pdf_pages(path: Path, tmp_path: Path) -> int:
    """Rasterise with pdftoppm at 50 dpi; every page must give a non-empty PNG. Returns the page count."""
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is required"
    out = tmp_path / f"png-{path.stem}"
    out.mkdir()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(out / "p")], check=True, timeout=60)
    pngs = sorted(out.glob("p-*.png"))
    assert pngs and all(p.stat().st_size > 500 for p in pngs)
    return len(pngs)


def pdf_text(path: Path, mode: str = "-layout") -> str:
    done = subprocess.run(["pdftotext", mode, str(path), "-"], check=True, capture_output=True, text=True, timeout=60)
    return done.stdout


def pdf_phrases(path: Path) -> str:
    """The page as laid out (``-layout``: letterhead, footer) and in drawing order (``-raw``: a table cell's
    wrapped lines stay together), whitespace collapsed, so a phrase is found however its cell wrapped."""
    return flat(pdf_text(path)) + " \n " + flat(pdf_text(path, "-raw"))


def flat(text: str) -> str:
    """Whitespace collapsed: table cells wrap, so look for phrases in one line of text."""
    return " ".join(text.split())
