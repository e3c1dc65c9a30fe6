"""The one interface every search engine implements (DESIGN.md §2 "Engines").

An engine holds named indexes (``internal`` and ``public``). Each index is reached through an alias-like name so
that ``arsip reindex`` can build a fresh physical index beside the live one and swap it in atomically: tantivy swaps a
pointer file, Elasticsearch swaps an alias. Everything an engine takes and gives is plain data from
:mod:`indexer.model`, so one conformance suite (``tests/indexer/conformance``) checks every engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator

from ..model import IndexDocument, IndexedVersion, SearchRequest, SearchResult


class SearchBackendError(RuntimeError):
    """The engine cannot answer now (down, busy, or its index must be rebuilt); the application answers 503."""


class IndexOutdated(SearchBackendError):
    """The index on disk was built by another version of Arsip's schema: ``arsip reindex`` rebuilds it."""


class IndexBuild(ABC):
    """A fresh physical index being filled by a reindex; invisible to searches until :meth:`swap`."""

    @abstractmethod
    def add(self, docs: Iterable[IndexDocument]) -> int:
        """Add documents (streamed: the engine buffers at most a bounded batch); returns how many were added."""

    def encoder(self) -> Callable[[list[IndexDocument]], object]:
        """A picklable function turning a batch of documents into what :meth:`add_encoded` takes.

        Why: a reindex builds documents in worker processes and feeds the new index from one process. An engine
        whose per-document work is CPU-bound (tantivy: building its document) does it in the workers this way, so
        the feeding process only hands ready documents to the engine. The default ships the documents as they are.
        """
        return list

    def add_encoded(self, batch: object) -> int:
        """Add a batch made by :meth:`encoder`'s function; returns how many documents were added."""
        assert isinstance(batch, list)
        return self.add(batch)

    @abstractmethod
    def swap(self) -> None:
        """Make this build the live index atomically and drop the old one."""

    @abstractmethod
    def abort(self) -> None:
        """Throw the build away; the live index is untouched."""


class SearchIndex(ABC):
    """One logical index (``internal`` or ``public``) of one engine."""

    name: str

    @abstractmethod
    def upsert(self, docs: Iterable[IndexDocument]) -> None:
        """Insert or replace documents by id; visible to searches when this returns (refresh/commit included)."""

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by id (absent ids are fine); gone from searches when this returns."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResult:
        """Run a query with its filters, access limits, facets, sort and page."""

    @abstractmethod
    def versions(self) -> Iterator[IndexedVersion]:
        """Every (id, version) the index holds, in id order, streamed; ``index verify`` compares it with the DB."""

    @abstractmethod
    def count(self) -> int:
        """Number of documents in the index."""

    @abstractmethod
    def begin_rebuild(self) -> IndexBuild:
        """Start filling a fresh physical index for an atomic swap."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (tests and ``reindex --in-place``)."""


class SearchEngine(ABC):
    """An engine reached through ``ARSIP_SEARCH_URL``: ``tantivy://path`` or ``http(s)://host:9200``."""

    @abstractmethod
    def index(self, name: str) -> SearchIndex:
        """The logical index ``name`` (created on first use)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, writers and connections."""
