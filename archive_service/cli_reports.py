"""``arsip report …``: render any registered report to a file (issue 8)."""

from __future__ import annotations

from .cli import main  # noqa: F401
