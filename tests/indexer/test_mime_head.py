"""Sniffing a staged upload from the bytes kept while staging: same answer as reading the file, fewer reads."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from indexer.mime import sniff_head, sniff_path
from tests.support.files import pdf_bytes


def test_a_pdf_is_decided_by_its_head_without_opening_the_file(tmp_path: Path) -> None:
    data = pdf_bytes("Surat edaran") + b"%" * 20_000
    missing = tmp_path / "never-read.pdf"  # it does not exist: reading it would raise
    assert sniff_head(data[:8192], len(data), missing) == "application/pdf"


def test_a_type_the_head_does_not_decide_is_read_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "arsip.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "x" * 50_000)
        archive.writestr("b.bin", bytes(range(256)) * 100)
    data = path.read_bytes()
    assert len(data) > 8192
    assert sniff_head(data[:8192], len(data), path) == sniff_path(path)
    with pytest.raises(FileNotFoundError):
        sniff_head(data[:8192], len(data), tmp_path / "gone.zip")


def test_a_small_file_is_decided_by_its_whole_content(tmp_path: Path) -> None:
    text = b"catatan rapat\n"
    assert sniff_head(text, len(text), tmp_path / "never-read.txt") == "text/plain"
