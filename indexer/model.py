"""Plain data that crosses the indexer's boundary: what is indexed, what is asked, what comes back.

Why dataclasses and not ORM objects: the indexer knows nothing of the database (DESIGN.md §1). The application
turns a record into an :class:`IndexDocument`, a request into a :class:`SearchRequest`, and reads a
:class:`SearchResult`; every engine (tantivy, Elasticsearch) speaks exactly these types, which is what lets one
conformance suite run against all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .analysis import Analyzed

# The facets every engine computes, and the document attribute each one reads.
FACETS: tuple[str, ...] = ("kip_category", "year", "unit", "class_top", "file_type")

# Fields a user may name in a query (``field:value``): query field → what it searches.
QUERY_FIELDS: dict[str, str] = {
    "judul": "title",
    "title": "title",
    "isi": "body",
    "body": "body",
    "kode": "codes",
    "code": "codes",
    "nomor": "codes",
    "number": "codes",
    "kategori": "kip_category",
    "category": "kip_category",
    "tahun": "year",
    "year": "year",
    "unit": "unit",
    "jenis": "file_type",
    "type": "file_type",
}


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DATE_DESC = "date_desc"
    DATE_ASC = "date_asc"


@dataclass
class IndexDocument:
    """One record as an index sees it. ``body`` is the extracted text of all its files (pages joined)."""

    id: int
    version: int
    title: str
    body: str = ""
    description: str = ""
    record_no: str = ""
    classification_code: str = ""
    kip_category: str | None = None
    unit: str = ""
    file_types: list[str] = field(default_factory=list)
    # The files' own names: a batch-ingested regulation is often named for what it is (PP_26_Tahun_2002-….pdf),
    # which identifies it when its title was derived from a damaged first page.
    file_names: list[str] = field(default_factory=list)
    doc_date: date | None = None
    published_at: datetime | None = None
    security_class: str = "biasa_terbuka"
    publication_state: str = ""
    creator_org: str = ""
    # ``body`` already analysed (see ``indexer.analysis.Analyzed``); engines analyse ``body`` themselves when absent.
    body_analyzed: Analyzed | None = field(default=None, repr=False, compare=False)
    description_analyzed: Analyzed | None = field(default=None, repr=False, compare=False)

    @property
    def year(self) -> int | None:
        return self.doc_date.year if self.doc_date else None

    @property
    def class_top(self) -> str:
        """Top-level classification code (``000.5.6.2`` → ``000``), the facet archivists browse by."""
        return self.classification_code.split(".", 1)[0] if self.classification_code else ""


@dataclass(frozen=True)
class AccessFilter:
    """Who is asking, as the index can check it. ``None`` on a dimension means no limit on it.

    Internal search puts this *inside* the query, so totals and facet counts never include what the caller may not
    see. The public index needs none: nothing but published open records is ever written to it.
    """

    units: tuple[str, ...] | None = None
    security_classes: tuple[str, ...] | None = None


@dataclass
class SearchRequest:
    query: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name → values (OR within, AND across)
    access: AccessFilter | None = None
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 10
    facets: bool = True
    highlight: bool = True
    # Records the application knows the index holds stale (a change not applied yet) and the caller may not see
    # now: left out inside the engine query, so hits, totals and facets are all computed from the checked set.
    exclude_ids: tuple[int, ...] = ()
    # When the words together find nothing, answer with the results without the words that blocked them
    # (``SearchResult.relaxed`` names them). Off for exact callers (reindex checks, conformance of plain AND).
    relax: bool = False


@dataclass
class SearchHit:
    id: int
    version: int
    score: float
    title: str
    snippet: str = ""  # HTML-escaped text with <mark>…</mark> around matches
    title_highlighted: str = ""


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    took_ms: float = 0.0
    fallback: bool = False  # the query had a syntax error and was run as plain words
    suggestion: str | None = None  # "did you mean": the query with unknown words replaced by visible neighbours
    relaxed: list[str] = field(default_factory=list)  # words dropped because together they found nothing


@dataclass(frozen=True)
class IndexedVersion:
    """What ``index verify`` compares with the database: which version of which record an index holds."""

    id: int
    version: int
