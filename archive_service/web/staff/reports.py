"""Staff pages: reports (issue 8)."""

from __future__ import annotations
