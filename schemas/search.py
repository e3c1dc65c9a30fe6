"""Search at the boundary: the query parameters of both search endpoints and the result they return.

The query syntax itself is documented in docs/search.md and parsed by ``indexer.query``; here it is only a string
with a length limit. Facet filters repeat (``?kip_category=berkala&kip_category=setiap_saat``): OR within one
facet, AND across facets.
"""

from __future__ import annotations

from schemas.base import BaseSchema, Boolean, Date, Dict, Float, Integer, List, Nested, String
from schemas.validators import Length, OneOf, Range

SORTS = ("relevance", "date_desc", "date_asc")
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 2000  # a pasted paragraph; the parser keeps its most useful words (indexer.query.MAX_CLAUSES)


class SearchQuerySchema(BaseSchema):
    """``GET /api/v1/search`` and ``GET /api/v1/public/search``."""

    q = String(load_default="", allow_none=True, validate=Length(max=MAX_QUERY_CHARS))
    page = Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    per_page = Integer(load_default=10, validate=Range(min=1, max=MAX_PER_PAGE))
    sort = String(load_default="relevance", validate=OneOf(SORTS))
    kip_category = List(String(validate=Length(min=1, max=32)), load_default=list, validate=Length(max=10))
    year = List(Integer(validate=Range(min=1000, max=9999)), load_default=list, validate=Length(max=50))
    unit = List(String(validate=Length(min=1, max=64)), load_default=list, validate=Length(max=50))
    class_top = List(String(validate=Length(min=1, max=16)), load_default=list, validate=Length(max=50))
    file_type = List(String(validate=Length(min=1, max=16)), load_default=list, validate=Length(max=20))
    facets = Boolean(load_default=True)
    highlight = Boolean(load_default=True)


class FacetValueSchema(BaseSchema):
    value = String()
    count = Integer()


class SearchHitSchema(BaseSchema):
    id = Integer()
    record_no = String()
    title = String()
    title_highlighted = String(metadata={"description": "HTML: escaped text with <mark> around matches"})
    snippet = String(metadata={"description": "HTML: escaped text with <mark> around matches"})
    score = Float(
        allow_none=True,
        metadata={"description": "engine score; null in the API (it depends on collection-wide statistics)"},
    )
    kip_category = String(allow_none=True)
    classification_code = String()
    processing_unit = String()
    doc_date = Date(allow_none=True)
    publication_state = String(allow_none=True)
    url = String()


class SearchResultSchema(BaseSchema):
    total = Integer(metadata={"description": "exact number of matching records the caller may see"})
    page = Integer()
    per_page = Integer()
    pages = Integer()
    hits = List(Nested(SearchHitSchema))
    facets = Dict(keys=String(), values=List(Nested(FacetValueSchema)))
    took_ms = Float()
    fallback = Boolean(metadata={"description": "the query had a syntax error and was searched as plain words"})
    suggestion = String(
        allow_none=True,
        metadata={"description": "Mungkin maksud Anda / did you mean: the query with unknown words corrected"},
    )
    relaxed = List(
        String(),
        metadata={"description": "words left out because together the words found nothing (results without them)"},
    )
