"""URL converters shared by every route.

Why a bounded ``int``: Werkzeug's ``int`` converter takes any number of digits, and an id beyond 64 bits then reaches
the database driver, which refuses to bind it (SQLite: ``OverflowError``; PostgreSQL: out of range) — a 500 with a
traceback for ``/informasi/99999999999999999999999``. No row can have such an id, so such a URL does not match any
route: 404, like any other id that does not exist.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1  # the largest BIGINT / SQLite INTEGER


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` limited to what a database row id can be (0 … 2**63-1)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def install(url_map: Map) -> None:
    """Replace the ``int`` converter before any route is registered."""
    url_map.converters["int"] = BoundedIntConverter
