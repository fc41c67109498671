"""Embeddable full-text search over an index of Chinese articles.

    import search
    with search.open_index("index_data") as index:
        results = index.search("容器 编排", category="技术", page=1)
"""

from search.analysis import keep_segmented_runs, preload
from search.document import Article
from search.errors import (
    IncompatibleIndexError,
    IndexClosedError,
    IndexNotFoundError,
    QueryError,
    SearchError,
)
from search.facets import FACETS
from search.highlight import mark_query_html, mark_query_text
from search.index import Index, open_index
from search.limits import LIMITS, Limits
from search.request import SORTS, SearchRequest
from search.results import FacetValue, Hit, SearchResults, Suggestion
from search.synonyms import SynonymsError

__all__ = [
    "FACETS",
    "Article",
    "FacetValue",
    "Hit",
    "IncompatibleIndexError",
    "Index",
    "IndexClosedError",
    "LIMITS",
    "Limits",
    "IndexNotFoundError",
    "QueryError",
    "SORTS",
    "SearchError",
    "SearchRequest",
    "SearchResults",
    "Suggestion",
    "SynonymsError",
    "keep_segmented_runs",
    "mark_query_html",
    "mark_query_text",
    "open_index",
    "preload",
]
