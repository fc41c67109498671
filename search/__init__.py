"""Embeddable full-text search over an index of Chinese articles.

    import search
    with search.open_index("index_data") as index:
        results = index.search("容器 编排", category="技术", page=1)
"""

from search.document import Article
from search.errors import IncompatibleIndexError, IndexNotFoundError, QueryError, SearchError
from search.facets import FACETS
from search.index import Index, open_index
from search.results import FacetValue, Hit, SearchResults, Suggestion
from search.synonyms import SynonymsError

__all__ = [
    "FACETS",
    "Article",
    "FacetValue",
    "Hit",
    "IncompatibleIndexError",
    "Index",
    "IndexNotFoundError",
    "QueryError",
    "SearchError",
    "SearchResults",
    "Suggestion",
    "SynonymsError",
    "open_index",
]
