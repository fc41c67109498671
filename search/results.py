"""What a search returns: hits, facet values, suggestions and the result page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Hit:
    """One ranked result. ``title_html`` and ``snippet_html`` are HTML-escaped
    text with the matched words in ``<mark>``."""

    key: str
    id: str | None
    title: str
    url: str | None  # the article's permalink on the original site, if any
    date: datetime | None
    category: str | None
    tags: list[str]
    score: float
    title_html: str
    snippet_html: str
    path: str
    views: int | None = None  # the article's view count, if the archive has one


@dataclass
class Candidate:
    """A document the second ranking stage re-scored (search.rank), with
    its features by name (:meth:`search.Index.explain`)."""

    key: str
    path: str
    title: str
    bm25: float  # its first-stage score: BM25F with the phrase boosts
    features: dict[str, float]


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Suggestion:
    """A completion of a typed prefix: an article title, a tag or a word."""

    text: str
    kind: str  # "title", "tag" or "word" (the Chinese word of typed pinyin)
    key: str | None = None  # the article's key, for kind == "title"


@dataclass
class SearchResults:
    query: str
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    sort: str
    took_ms: float
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    relaxed: list[str] = field(default_factory=list)  # query words that some hit of the page lacks
    suggestion: str | None = None  # "did you mean", for a misspelt English word
    notice: str | None = None  # why the query was not searched: "only_stop_words" or "unsearchable" (search.query)
    ignored: list[str] = field(default_factory=list)  # the words of the query that were not searched

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)
