"""Search engines behind one interface; :func:`open_engine` picks one from ``ARSIP_SEARCH_URL``."""

from __future__ import annotations

from .base import IndexBuild, IndexOutdated, SearchBackendError, SearchEngine, SearchIndex


def engine_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "the engine cannot answer now" rather than a bug: the services turn them into 503."""
    errors: list[type[BaseException]] = [SearchBackendError, OSError]
    try:
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        errors += [TransportError, ApiError]
    except ImportError:  # pragma: no cover - elasticsearch is a dependency, but the embedded engine needs none
        pass
    return tuple(errors)


def open_engine(url: str) -> SearchEngine:
    """``tantivy:///path`` → the embedded engine; ``http(s)://…`` → Elasticsearch."""
    if url.startswith("tantivy://"):
        from .tantivy_engine import TantivyEngine

        return TantivyEngine.from_url(url)
    if url.startswith(("http://", "https://")):
        from .elastic import ElasticsearchEngine

        return ElasticsearchEngine.from_url(url)
    raise ValueError(f"unknown search URL {url!r}: use tantivy://PATH or http(s)://HOST:PORT")


__all__ = [
    "IndexBuild",
    "IndexOutdated",
    "SearchBackendError",
    "SearchEngine",
    "SearchIndex",
    "engine_errors",
    "open_engine",
]
