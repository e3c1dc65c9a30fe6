"""Test files made on the spot (the corpus is only for tests that say they need it)."""

from __future__ import annotations

import shutil
from pathlib import Path

from archive_service.demo.pdfgen import make_pdf


def pdf_bytes(*lines: str) -> bytes:
    return make_pdf([list(lines) or ["Arsip uji"]], title="uji")


def executable_bytes() -> bytes:
    """A real ELF executable from the machine, the kind of file a bad actor renames to .pdf."""
    path = shutil.which("true") or "/bin/true"
    return Path(path).read_bytes()
