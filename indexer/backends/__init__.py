"""Search engines behind one interface; :func:`open_engine` picks one from ``ARSIP_SEARCH_URL``."""

from __future__ import annotations

from .base import IndexBuild, SearchEngine, SearchIndex


def open_engine(url: str) -> SearchEngine:
    """``tantivy:///path`` → the embedded engine; ``http(s)://…`` → Elasticsearch."""
    if url.startswith("tantivy://"):
        from .tantivy_engine import TantivyEngine

        return TantivyEngine.from_url(url)
    if url.startswith(("http://", "https://")):
        from .elastic import ElasticsearchEngine

        return ElasticsearchEngine.from_url(url)
    raise ValueError(f"unknown search URL {url!r}: use tantivy://PATH or http(s)://HOST:PORT")


__all__ = ["IndexBuild", "SearchEngine", "SearchIndex", "open_engine"]
