"""``arsip export …``: the public catalogue as Dublin Core XML, JSON or CSV (issue 8)."""

from __future__ import annotations

from .cli import main  # noqa: F401
