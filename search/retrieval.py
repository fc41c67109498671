"""One search on one searcher: matching, relaxation, facets and ranking.

Matching is boolean and exact (a set of docnums); ranking is BM25F over the
same words plus optional boosts (verbatim phrases, relaxed words), restricted
to the matched set.

Facet rule: the counts of a facet are taken over the documents matching the
query and every filter except that facet's own parameter (``tags`` for tags,
``category`` for category, ``date_from``/``date_to`` for year), so the other
values of a selected facet keep their counts.  Filters written in the query
text (``tag:x``) apply to every facet.  Several values of one facet parameter
combine with OR; different facets and filters with AND.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from whoosh import query as wq
from whoosh import sorting

from search.analysis import normalize
from search.facets import Columns, count
from search.literal import LiteralStore
from search.query import ParsedQuery, clause_query, date_query, filter_query, verbatim_boost

#: Weight of the phrase boost of an unspaced multi-term Latin query word.
PHRASE_BOOST = 2.0
#: Weight of a relaxed (optional) word: it still ranks documents that have it.
RELAXED_BOOST = 0.5
SORTS = {"relevance": None, "date": "date", "views": "views"}


@dataclass
class Request:
    """The validated parameters of a search."""

    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    author: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    facets: tuple[str, ...] = ()


@dataclass
class Outcome:
    hits: list[tuple[int, float]]  # (global docnum, score) of the page
    total: int
    facets: dict
    relaxed: list[str]


def run(searcher, parsed: ParsedQuery, request: Request, store: LiteralStore, columns: Columns) -> Outcome:
    positive = [(c, clause_query(c, store)) for c in parsed.positive]
    positive = [(c, q) for c, q in positive if q is not wq.NullQuery]
    common = _common_filters(parsed, request, store, columns)
    facet_sets = {
        name: set(searcher.docs_for_query(q)) for name, q in _facet_filters(request, columns).items()
    }
    required = [q for _, q in positive]
    base = set(searcher.docs_for_query(wq.And(required + common) if required or common else wq.Every()))
    matched = _intersect(base, facet_sets.values())
    optional: list[wq.Query] = []
    relaxed: list[str] = []
    if len(matched) < request.per_page and len(positive) > 1:
        kept, dropped, relaxed_base = _relax(searcher, positive, common, request.per_page)
        relaxed_matched = _intersect(relaxed_base, facet_sets.values())
        if len(relaxed_matched) > len(matched):
            base, matched = relaxed_base, relaxed_matched
            required = [q for _, q in kept]
            optional = [q for _, q in dropped]
            relaxed = [w.text for c, _ in dropped for w in c.words]
    facets = {
        name: count(
            columns,
            name,
            _intersect(base, [s for other, s in facet_sets.items() if other != name]),
            _selected(name, request),
        )
        for name in request.facets
    }
    hits = _rank(searcher, positive, required, optional, matched, request) if matched else []
    return Outcome(hits, len(matched), facets, relaxed)


def _intersect(base: set[int], others) -> set[int]:
    result = base
    for other in others:
        result = result & other
    return result


def _common_filters(parsed: ParsedQuery, request: Request, store, columns: Columns) -> list[wq.Query]:
    """Filters that apply to every facet: those typed in the query, exclusions, author."""
    filters = [filter_query(f, functools.partial(_categories, columns=columns)) for f in parsed.filters]
    filters += [wq.Not(clause_query(c, store)) for c in parsed.negative]
    if request.author:
        filters.append(wq.Term("author", request.author))
    return filters


def _facet_filters(request: Request, columns: Columns) -> dict[str, wq.Query]:
    filters: dict[str, wq.Query] = {}
    if request.tags:
        filters["tags"] = wq.Or([wq.Term("tag", normalize(t)) for t in request.tags])
    if request.categories:
        filters["category"] = wq.Or([wq.Term("category", c) for c in _categories(request.categories, columns)])
    if request.date_from or request.date_to:
        filters["year"] = date_query(request.date_from, request.date_to)
    return filters


def _categories(values: list[str], columns: Columns) -> list[str]:
    """The categories of the index equal to the values up to case and width."""
    wanted = {normalize(v.strip()) for v in values}
    known = sorted({c for c in set(columns.category) if c and normalize(c) in wanted})
    return known or [v.strip() for v in values]


def _selected(name: str, request: Request) -> list[str]:
    if name == "tags":
        return request.tags
    if name == "category":
        return request.categories
    if request.date_from and request.date_to:  # years wholly inside the range
        last = (request.date_to - timedelta(microseconds=1)).year
        return [str(y) for y in range(request.date_from.year, last + 1)
                if datetime(y, 1, 1) >= request.date_from and datetime(y + 1, 1, 1) <= request.date_to]
    return []


def _relax(searcher, positive, common, enough: int):
    """Drop the clauses that matter least until ``enough`` documents match:
    first those matching nothing, then the most frequent (lowest idf).
    Returns (kept, dropped, docs matching the kept clauses and filters)."""
    rest = set(searcher.docs_for_query(wq.And(common))) if common else None
    found = []
    for _, q in positive:
        docs = set(searcher.docs_for_query(q))
        found.append(docs & rest if rest is not None else docs)
    order = sorted(range(len(positive)), key=lambda i: (bool(found[i]), -len(found[i])))
    kept = list(range(len(positive)))
    dropped: list[int] = []
    current: set[int] = set()
    for index in order:
        if len(kept) == 1:
            break
        kept.remove(index)
        dropped.append(index)
        current = _intersect(found[kept[0]], (found[k] for k in kept[1:]))
        if len(current) >= enough and all(found[k] for k in kept):
            break
    return [positive[i] for i in kept], [positive[i] for i in dropped], current


def _rank(searcher, positive, required, optional, matched, request) -> list[tuple[int, float]]:
    boosts = [verbatim_boost(w, PHRASE_BOOST) for c, _ in positive for w in c.words]
    boosts = [b for b in boosts if b is not None] + [wq.Or([q], boost=RELAXED_BOOST) for q in optional]
    must = wq.And(required) if len(required) > 1 else (required[0] if required else wq.Every())
    scoring = wq.AndMaybe(must, wq.Or(boosts)) if boosts else must
    limit = request.page * request.per_page
    sort = request.sort
    if sort == "relevance" and not required:
        sort = "date"
    sortedby = sorting.FieldFacet(SORTS[sort], reverse=True) if SORTS[sort] else None
    results = searcher.search(scoring, filter=matched, limit=limit, sortedby=sortedby)
    start = (request.page - 1) * request.per_page
    scored = sortedby is None
    return [
        (results.docnum(i), (results.score(i) or 0.0) if scored else 0.0)
        for i in range(start, min(limit, results.scored_length()))
    ]
