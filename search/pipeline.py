"""One search on one snapshot (search.snapshot): matching, relaxation, facets and ranking.

Matching is boolean and exact: each part of the query (a clause, a filter)
gives a mask over the docnums (search.match), combined with numpy's
boolean operations.  The matched documents are those of any clause (a
word and its alternatives: synonyms, regional forms, the words inside a
rare long word), of every required clause (a quoted phrase) and of every
filter, without the excluded ones: one ranking over the union of partial
matches, never an empty page while a word occurs.  ``relaxed`` lists the
words some hit of the page lacks.

Ranking (:func:`_rank`): BM25F over the query's words plus the phrase
boosts (search.score) times a coordination factor, (clauses matched /
clauses) ** :data:`COORDINATION`, orders every matched document;
the best rank.DEPTH of them are then ordered by the second stage
(search.rank), the others follow in the first order.

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
import math
from dataclasses import dataclass, field, replace

import numpy as np
from whoosh import query as wq

from search import rank, score
from search.analysis import has_cjk, normalize
from search.facets import Columns, count
from search.match import clause_query, date_query, filter_query
from search.query import ONLY_STOP_WORDS, UNSEARCHABLE, Clause, ParsedQuery
from search.request import SearchRequest
from search.snapshot import Snapshot

#: Exponent of the coordination factor: a document matching m of the query's
#: n clauses scores BM25F times (m / n) ** COORDINATION.
COORDINATION = 3.0


@dataclass
class Outcome:
    hits: list[tuple[int, float]]  # (global docnum, score) of the page
    total: int
    facets: dict
    relaxed: list[str]
    notice: str | None = None  # why nothing was searched (search.query.ONLY_STOP_WORDS)
    ignored: list[str] = field(default_factory=list)  # the words that were not searched
    #: The candidates of the second ranking stage (global docnums, in the
    #: first stage's order), their BM25F scores and their features
    #: (search.rank.FEATURES).
    candidates: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def run(snap: Snapshot, parsed: ParsedQuery, request: SearchRequest, weights: rank.Weights) -> Outcome:
    """One search of ``parsed`` on the generation ``snap``; ``weights``: the second stage's."""
    columns, texts = snap.columns, snap.texts
    for notice, ignored in ((ONLY_STOP_WORDS, parsed.stop_words()), (UNSEARCHABLE, parsed.unsearchable_words())):
        if ignored and not request.filtered:
            return Outcome([], 0, {name: [] for name in request.facets}, [], notice, ignored)
    positive = [(c, clause_query(c, texts)) for c in parsed.positive]
    positive = [(c, q) for c, q in positive if q is not wq.NullQuery]
    positive = [(c, q) for c, q in positive if not c.optional] or positive  # 怎么 alone: optional
    rest = _filtered(snap, parsed, request)
    clause_sets = [snap.docs(q) & rest for _, q in positive]
    facet_sets = {name: snap.docs(q) for name, q in _facet_filters(request, columns).items()}
    useful = sum(1 for s in clause_sets if s.any())  # a word matching nothing lowers no document's share
    coverage = Coverage(np.sum(clause_sets, axis=0, dtype=np.int16), max(1, useful)) if clause_sets else None
    base = coverage.counts > 0 if coverage is not None else rest
    base = _intersect(base, [s for (c, _), s in zip(positive, clause_sets) if c.required])
    matched = _intersect(base, facet_sets.values())
    total = int(np.count_nonzero(matched))
    facets = {
        name: count(
            columns,
            name,
            _intersect(base, [s for other, s in facet_sets.items() if other != name]),
            request.selected(name),
        )
        for name in request.facets
    }
    found = Found([c for c, _ in positive], clause_sets, parsed.phrase_boosts(), coverage)
    hits, candidates = _rank(snap, found, parsed, matched, request, weights) if total else ([], None)
    page = [d for d, _ in hits]
    relaxed = [w for c, s in zip(found.clauses, clause_sets) if not s[page].all() for w in _typed(c)]
    return Outcome(hits, total, facets, relaxed, candidates=candidates)


def _typed(clause: Clause) -> list[str]:
    """The words of a clause as typed (its first word when a synonym took
    the place of a form of several words)."""
    return [w.text for w in clause.words if w.span is not None] or [clause.words[0].text]


def _intersect(base: np.ndarray, others) -> np.ndarray:
    """The documents of ``base`` and of every mask of ``others``."""
    result = base
    for other in others:
        result = result & other
    return result


def _filtered(snap: Snapshot, parsed: ParsedQuery, request: SearchRequest) -> np.ndarray:
    """The documents passing the filters that apply to every facet: those
    typed in the query, the exclusions, and the author."""
    categories = functools.partial(_categories, columns=snap.columns)
    keep = [filter_query(f, categories) for f in parsed.filters if not f.negated]
    drop = [filter_query(replace(f, negated=False), categories) for f in parsed.filters if f.negated]
    drop += [clause_query(c, snap.texts) for c in parsed.negative]
    if request.author:
        keep.append(wq.Term("author", request.author))
    docs = _intersect(snap.all_docs(), [snap.docs(q) for q in keep])
    for q in drop:
        if q is not wq.NullQuery:
            docs = docs & ~snap.docs(q)
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
    """How many of the query's clauses each document matches, of the
    ``clauses`` that match anything."""

    counts: np.ndarray  # per global docnum
    clauses: int

    def factors(self, docs: np.ndarray) -> np.ndarray:
        """The coordination factor of each of ``docs`` (docnums)."""
        return (self.counts[docs] / self.clauses) ** COORDINATION

    def tiers(self, docs: np.ndarray) -> list[np.ndarray]:
        """The mask ``docs`` split by the number of clauses matched, most first."""
        present = np.unique(self.counts[docs])
        return [docs & (self.counts == n) for n in present[::-1].tolist()]


@dataclass
class Found:
    """What the query's clauses matched: each clause's documents, with the
    scoring's other parts."""

    clauses: list[Clause]
    sets: list[np.ndarray]  # per clause, a mask over the global docnums
    phrases: list[tuple[str, ...]]
    coverage: Coverage | None


def _rank(snap: Snapshot, found: Found, parsed: ParsedQuery, matched: np.ndarray, request: SearchRequest,
          weights: rank.Weights):
    """(docnum, score) of the requested page of the matched documents, and
    the candidates of the second stage with their features (None when
    sorted otherwise).
    Relevance: BM25F over the clauses' words plus the phrase and verbatim
    boosts (search.score) times the coordination factor orders every
    matched document, a chunk at a time; the best rank.DEPTH are then
    ordered by the second stage (search.rank), the others follow in the
    first order.  Sorted by date or views, the page comes from the columns
    (Columns.sorted_page), documents with more of the clauses first, with
    scores 0."""
    clauses, coverage = found.clauses, found.coverage
    sort = request.sort if clauses else ("date" if request.sort == "relevance" else request.sort)
    skip = (request.page - 1) * request.per_page
    if sort != "relevance":  # from the columns, without scoring
        tiers = [matched] if coverage is None else coverage.tiers(matched)
        return [(doc, 0.0) for doc in snap.columns.sorted_page(sort, tiers, skip, request.per_page)], None
    wanted = max(skip + request.per_page, rank.DEPTH)
    kept = []
    for docs in score.chunks(clauses, found.phrases, np.flatnonzero(matched)):
        bm25 = score.bm25f(snap, clauses, found.phrases, docs)
        first = bm25 * coverage.factors(docs) if coverage is not None else bm25
        best = _best(docs, first, wanted)
        kept.append((docs[best], first[best], bm25[best]))
    docs, first, bm25 = (np.concatenate(part) for part in zip(*kept))
    order = _best(docs, first, wanted)
    docs, first, bm25 = docs[order], first[order], bm25[order]
    head = min(rank.DEPTH, len(docs))
    features = _features(snap, found, parsed, docs[:head], bm25[:head])
    second = weights.scores(features)
    candidates = docs[:head]
    ranked = _best(candidates, second, head)
    tail = second.min() - (first[head - 1] - first[head:]) if len(second) else first[head:]
    page = np.concatenate([candidates[ranked], docs[head:]])[skip:skip + request.per_page]
    scores = np.concatenate([second[ranked], tail])[skip:skip + request.per_page]
    return list(zip(page.tolist(), scores.tolist())), (candidates, bm25[:head], features)


def _features(snap: Snapshot, found: Found, parsed: ParsedQuery, docs: np.ndarray, bm25: np.ndarray) -> np.ndarray:
    """The second stage's features (search.rank) of ``docs``, the best of the first stage."""
    size = snap.doc_count()
    words = [
        rank.QueryWord(_forms(clause), math.log(size / (1 + np.count_nonzero(docset))) + 1, docset[docs])
        for clause, docset in zip(found.clauses, found.sets)
        if not clause.optional and docset.any()
    ]
    excluded = {id(w) for c in parsed.negative for w in c.words}
    typed = [w.text for w in parsed.typed_words() if id(w) not in excluded]
    query_pairs = set().union(*(rank.pairs(text) for text in typed))
    starts = [c.words[0].span[0] for c in found.clauses if c.words[0].span is not None]
    runs = [run.text for run in parsed.runs if sum(run.span[0] <= s < run.span[1] for s in starts) > 1]
    texts = [snap.normalized_start(doc, rank.WINDOW_TEXT) for doc in docs.tolist()]
    return rank.features(words, query_pairs, runs, bm25, texts)


def _forms(clause: Clause) -> tuple[str, ...]:
    """How the words of a clause may stand in a normalised text."""
    forms = []
    for word in clause.words:
        forms.append(word.text)
        if " " in word.text and has_cjk(word.text):
            forms.append(word.text.replace(" ", ""))
    return tuple(dict.fromkeys(forms))


def _best(docs: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """Indexes of the ``n`` best scores, highest first, ties by docnum."""
    if len(scores) > n:  # only the candidates at or above the n-th score are sorted
        kept = np.flatnonzero(scores >= np.partition(scores, len(scores) - n)[len(scores) - n])
    else:
        kept = np.arange(len(scores))
    return kept[np.lexsort((docs[kept], -scores[kept]))][:n]
