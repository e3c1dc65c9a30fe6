"""Where the shared corpus is, and what a test does when it is not there.

The corpus (387 real public-sector documents with ``MANIFEST.csv``) lives beside the clone at ``../shared/corpus``
and never in the repository. A newcomer's clone has no corpus: the tests that need it are then skipped, with one
summary line saying how many and how to get it, and everything else runs. On CI (``CI=true``) a missing corpus is a
failure, so the tests that read real documents can never silently stop running there.
``ARSIP_TEST_CORPUS`` points elsewhere (the test of this rule points it at an empty folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("ARSIP_TEST_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus")
SKIP_REASON = "needs the shared corpus"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def corpus_present() -> bool:
    return (CORPUS / "MANIFEST.csv").is_file()


def require_corpus() -> Path:
    """The corpus folder; skips the calling test when it is absent (fails on CI)."""
    if corpus_present():
        return CORPUS
    if on_ci():
        pytest.fail(f"this test needs the shared corpus at {CORPUS} (../shared/corpus beside the clone); CI=true")
    pytest.skip(f"{SKIP_REASON} ({CORPUS})")


def summary_line(skipped: int) -> str:
    return (
        f"{skipped} tests skipped: they need the shared corpus, which is not at {CORPUS}. To run them, put the corpus "
        "(the folder with MANIFEST.csv) at ../shared/corpus beside the clone, or name it with ARSIP_TEST_CORPUS."
    )
