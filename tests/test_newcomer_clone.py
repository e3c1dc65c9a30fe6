"""A clone without ``../shared/corpus`` beside it passes its tests: the corpus tests are skipped with one line that
says how many and how to get the corpus; with ``CI=true`` the same absence is a failure (issue 17, deliver 8).

Runs pytest in a subprocess with ``ARSIP_TEST_CORPUS`` pointing at an empty folder, over a few corpus tests that
reach the corpus in each of the ways the suite does (the ``corpus`` fixture, and direct reads of the folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SELECTED = [
    "tests/indexer/test_titles.py::test_corpus_laws_get_their_tentang_subject",
    "tests/indexer/extract/test_extract.py::test_corpus_text_pdfs",
    "tests/indexer/test_legalref.py::test_corpus_identity_from_the_first_text",
    "tests/archive_service/test_corpus.py",
    "tests/indexer/test_legalref.py::test_types_are_distinguished_but_share_the_untyped_key",
]


def _run(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER"}}
    env.update({"ARSIP_TEST_CORPUS": str(tmp_path / "no-corpus"), "ARSIP_TEST_DATABASES": "sqlite", "CI": ci})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SELECTED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_without_the_corpus_its_tests_are_skipped_with_one_clear_line(tmp_path: Path) -> None:
    result = _run(tmp_path, ci="")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    summary = [line for line in result.stdout.splitlines() if "tests skipped: they need the shared corpus" in line]
    assert len(summary) == 1, result.stdout[-3000:]
    assert "../shared/corpus" in summary[0] and str(tmp_path / "no-corpus") in summary[0]
    count = int(summary[0].split()[0])
    assert count >= 4  # every selected corpus test, however it reaches the corpus
    assert " passed" in result.stdout  # the test in the selection that needs no corpus still runs


def test_on_ci_a_missing_corpus_is_a_failure(tmp_path: Path) -> None:
    result = _run(tmp_path, ci="true")
    assert result.returncode != 0
    assert "this test needs the shared corpus" in result.stdout and "CI=true" in result.stdout
