"""One search on one searcher: matching, relaxation, facets and ranking.

Matching is boolean and exact: each part of the query (a clause, a filter)
gives a mask over the docnums (search.docsets), combined with numpy's
boolean operations.  Ranking is BM25F over the query words plus the
verbatim and phrase boosts (search.scoring), restricted to the matched set.

Relaxation: when all words together match fewer documents than a page, the
documents matching all words but one are added, then all but two, ... (a
word matching nothing is dropped at once), and the union is ranked by BM25F
times a coordination factor, (words matched / words) ** COORDINATION
(search.ranking): more of the query's words rank higher, without fixed
tiers.  ``relaxed`` lists the words some returned document lacks.

Facet rule: the counts of a facet are taken over the documents matching the
query and every filter except that facet's own parameter (``tags`` for tags,
``category`` for category, ``date_from``/``date_to`` for year), so the other
values of a selected facet keep their counts.  Filters written in the query
text (``tag:x``) apply to every facet.  Several values of one facet parameter
combine with OR; different facets and filters with AND.

A query of only stop words (search.query.ParsedQuery.stop_words: 的 了, a
single letter), with no filter of any kind, is not searched: it would match
every article.  It returns nothing, with the notice ``only_stop_words`` and
the words ignored; so does a query none of whose words can be searched
(``!!!``, Hangul), with the notice ``unsearchable``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

import numpy as np
from whoosh import query as wq

from search import scoring
from search.analysis import normalize
from search.docsets import DocSetCache
from search.facets import Columns, count
from search.literal import LiteralStore
from search.matching import clause_query, date_query, filter_query
from search.query import ONLY_STOP_WORDS, UNSEARCHABLE, Clause, ParsedQuery
from search.ranking import COORDINATION
from search.request import SearchRequest



@dataclass
class Outcome:
    hits: list[tuple[int, float]]  # (global docnum, score) of the page
    total: int
    facets: dict
    relaxed: list[str]
    notice: str | None = None  # why nothing was searched (search.query.ONLY_STOP_WORDS)
    ignored: list[str] = field(default_factory=list)  # the words that were not searched


def run(searcher, parsed: ParsedQuery, request: SearchRequest, store: LiteralStore, columns: Columns,
        cache: DocSetCache) -> Outcome:
    def docs(q: wq.Query) -> np.ndarray:
        return cache.docs(searcher, q)

    for notice, ignored in ((ONLY_STOP_WORDS, parsed.stop_words()), (UNSEARCHABLE, parsed.unsearchable_words())):
        if ignored and not request.filtered:
            return Outcome([], 0, {name: [] for name in request.facets}, [], notice, ignored)
    positive = [(c, clause_query(c, store)) for c in parsed.positive]
    positive = [(c, q) for c, q in positive if q is not wq.NullQuery]
    positive = [(c, q) for c, q in positive if not c.optional] or positive  # 怎么 alone: optional
    clause_sets = [docs(q) for _, q in positive]
    rest = _filtered(searcher, cache, parsed, request, store, columns)
    facet_sets = {name: docs(q) for name, q in _facet_filters(request, columns).items()}
    base = _intersect(rest, clause_sets)
    matched = _intersect(base, facet_sets.values())
    relaxed: list[str] = []
    coverage: Coverage | None = None
    total = int(np.count_nonzero(matched))
    if total < request.per_page and len(positive) > 1:
        relaxed_coverage = _relax([s & rest for s in clause_sets], request.per_page)
        relaxed_base = relaxed_coverage.counts > 0
        relaxed_matched = _intersect(relaxed_base, facet_sets.values())
        relaxed_total = int(np.count_nonzero(relaxed_matched))
        if relaxed_total > total:
            base, matched, coverage, total = relaxed_base, relaxed_matched, relaxed_coverage, relaxed_total
            relaxed = [w.text for (c, _), s in zip(positive, clause_sets) if (matched & ~s).any() for w in c.words]
    facets = {
        name: count(
            columns,
            name,
            _intersect(base, [s for other, s in facet_sets.items() if other != name]),
            request.selected(name),
        )
        for name in request.facets
    }
    phrases = parsed.phrase_boosts()
    clauses = [c for c, _ in positive]
    hits = _rank(searcher, clauses, phrases, matched, coverage, request, store, cache, columns) if total else []
    return Outcome(hits, total, facets, relaxed)


def _intersect(base: np.ndarray, others) -> np.ndarray:
    """The documents of ``base`` and of every mask of ``others``."""
    result = base
    for other in others:
        result = result & other
    return result


def _filtered(searcher, cache: DocSetCache, parsed: ParsedQuery, request: SearchRequest, store, columns) -> np.ndarray:
    """The documents passing the filters that apply to every facet: those
    typed in the query, the exclusions, and the author."""
    categories = functools.partial(_categories, columns=columns)
    keep = [filter_query(f, categories) for f in parsed.filters if not f.negated]
    drop = [filter_query(replace(f, negated=False), categories) for f in parsed.filters if f.negated]
    drop += [clause_query(c, store) for c in parsed.negative]
    if request.author:
        keep.append(wq.Term("author", request.author))
    docs = _intersect(cache.all_docs(searcher), [cache.docs(searcher, q) for q in keep])
    for q in drop:
        if q is not wq.NullQuery:
            docs = docs & ~cache.docs(searcher, q)
    return docs


def _facet_filters(request: SearchRequest, columns: Columns) -> dict[str, wq.Query]:
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


@dataclass
class Coverage:
    """How many of the ``useful`` clauses (those matching anything) each
    document of a relaxed search matches."""

    counts: np.ndarray  # per global docnum; 0 for the documents not kept
    useful: int

    def factors(self, docs: np.ndarray) -> np.ndarray:
        """The coordination factor of each of ``docs`` (docnums)."""
        return (self.counts[docs] / self.useful) ** COORDINATION

    def tiers(self, docs: np.ndarray) -> list[np.ndarray]:
        """The mask ``docs`` split by the number of clauses matched, most first."""
        present = np.unique(self.counts[docs])
        return [docs & (self.counts == n) for n in present[::-1].tolist()]


def _relax(found: list[np.ndarray], enough: int) -> Coverage:
    """The documents matching as many of the clauses as needed for ``enough``
    of them: all but one, all but two, ... (at least one).  ``found``: each
    clause's documents (masks), filters applied."""
    hits = np.sum(found, axis=0, dtype=np.int16)
    useful = sum(1 for docs in found if docs.any())  # a clause matching nothing is dropped at once
    least = 1
    for n in np.unique(hits[hits > 0])[::-1].tolist():
        least = n
        if np.count_nonzero(hits >= n) >= enough and n < useful:
            break
    return Coverage(np.where(hits >= least, hits, 0), useful)


def _rank(searcher, clauses: list[Clause], phrases: list[tuple[str, ...]], matched: np.ndarray, coverage: Coverage | None,
          request: SearchRequest, store, cache, columns: Columns) -> list[tuple[int, float]]:
    """(docnum, score) of the requested page of the matched documents.
    Relevance is BM25F over the clauses (all required, or, relaxed, any) plus
    the phrase boosts (search.scoring), times the coordination factor when
    relaxed, scored a chunk of documents at a time.  Sorted by date or
    views, the page comes from the columns (Columns.sorted_page), tier by
    tier when relaxed, with scores 0."""
    sort = request.sort if clauses else ("date" if request.sort == "relevance" else request.sort)
    skip = (request.page - 1) * request.per_page
    if sort != "relevance":  # from the columns, without scoring
        tiers = [matched] if coverage is None else coverage.tiers(matched)
        return [(doc, 0.0) for doc in columns.sorted_page(sort, tiers, skip, request.per_page)]
    wanted = skip + request.per_page
    kept_docs, kept_scores = [], []
    for docs in scoring.chunks(clauses, phrases, np.flatnonzero(matched)):
        scores = scoring.score(searcher, clauses, phrases, docs, store, cache)
        if coverage is not None:
            scores *= coverage.factors(docs)
        best = _best(docs, scores, wanted)
        kept_docs.append(docs[best])
        kept_scores.append(scores[best])
    docs, scores = np.concatenate(kept_docs), np.concatenate(kept_scores)
    best = _best(docs, scores, wanted)[skip:]
    return list(zip(docs[best].tolist(), scores[best].tolist()))


def _best(docs: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """Indexes of the ``n`` best scores, highest first, ties by docnum."""
    if len(scores) > n:  # only the candidates at or above the n-th score are sorted
        kept = np.flatnonzero(scores >= np.partition(scores, len(scores) - n)[len(scores) - n])
    else:
        kept = np.arange(len(scores))
    return kept[np.lexsort((docs[kept], -scores[kept]))][:n]
