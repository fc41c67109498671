"""Matching: the Whoosh query of each part of a parsed query (search.query),
and the documents it matches, as a mask over a searcher's docnums, cached.

Matching is done once per query part (a clause, a filter) and combined with
numpy's boolean operations: a Whoosh matcher tree costs microseconds per
document in Python, a set operation on masks a nanosecond.  The terms, the
literal words and the and/or of them that make up a clause are matched with
numpy arrays of posting ids read a block at a time (:func:`matched_docs`),
the terms' over all the segments at once, and a phrase by the positions of
the documents having all its terms, a date range by the date column; any
other query (a negation, a range of another field) by Whoosh, per segment.  Recent masks are kept (keyed by
the index generation and the query, so a reindex never serves stale sets),
within a budget of bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

import numpy as np
from whoosh import query as wq

from search import postings
from search.facets import dated_within
from search.query import Clause, Filter, Word
from search.schema import TEXT_FIELDS
from search.texts import ArticleTexts, LiteralQuery

#: Bytes kept over all cached masks (one byte per document of the index).
#: With search.postings.DECODED_BUDGET, most of what a worker's own memory
#: grows by with the distinct queries it serves: both are sized so that a
#: worker at ten times the LCTT corpus stays within 250 MB (bench/RESULTS.md).
BUDGET = 8 * 2**20


class MatchCache:
    def __init__(self, budget: int = BUDGET):
        self.budget = budget
        self._sets: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def docs(self, searcher, query: wq.Query) -> np.ndarray:
        """The documents matching ``query``: a read-only boolean array, True
        at the global docnums of the live matching documents."""
        key = (searcher.reader().generation(), _segments(searcher), query)
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
                return found
        found = mask(searcher.doc_count_all(), matched_docs(searcher, query))
        with self._lock:
            if key not in self._sets and found.nbytes <= self.budget // 4:
                self._sets[key] = found
                self._size += found.nbytes
                while self._size > self.budget:
                    _, dropped = self._sets.popitem(last=False)
                    self._size -= dropped.nbytes
        return found

    def all_docs(self, searcher) -> np.ndarray:
        return self.docs(searcher, wq.Every())


def mask(size: int, docs: np.ndarray) -> np.ndarray:
    """A read-only boolean array of ``size``, True at ``docs``."""
    found = np.zeros(size, dtype=bool)
    found[docs] = True
    found.flags.writeable = False
    return found


def _segments(searcher) -> tuple[str, ...]:
    return tuple(
        r.segment().segment_id() for r, _ in searcher.reader().leaf_readers() if r.segment() is not None
    )


def matched_docs(searcher, query: wq.Query) -> np.ndarray:
    """The sorted global docnums of the live documents matching ``query``.

    Terms and their and/or are matched over the whole searcher: a term's
    posting lists in every segment as one array of global docnums
    (search.postings.whole_list), so an index of many segments costs one
    set operation per node, not one per node and segment."""
    kind = type(query)
    if kind is wq.Term:
        return postings.searcher_ids(searcher, query.fieldname, query.text)
    # union and intersection through a mask of the index: linear in the
    # lists, where sorting or hashing the joined lists is not
    if kind is wq.Or and query.subqueries:
        found = np.zeros(searcher.doc_count_all(), dtype=bool)
        for q in query.subqueries:
            found[matched_docs(searcher, q)] = True
        return np.flatnonzero(found)
    if kind is wq.And and query.subqueries:
        found = matched_docs(searcher, query.subqueries[0])
        for q in query.subqueries[1:]:
            if not len(found):
                break
            found = found[mask(searcher.doc_count_all(), matched_docs(searcher, q))[found]]
        return found
    if kind is wq.Phrase and query.slop == 1 and len(query.words) > 1:
        # positions are read only for the documents having every term
        having = matched_docs(searcher, wq.And([wq.Term(query.fieldname, w) for w in query.words]))
        terms = tuple(query.words)
        parts = [postings.phrase_everywhere(sub.reader(), query.fieldname, terms, local) + offset
                 for sub, offset, local in postings.per_segment(searcher, having)]
        return _joined(parts)
    if kind is wq.DateRange and query.fieldname == "date":
        parts = [postings.live(reader, dated_within(reader, query.start, query.end, query.startexcl, query.endexcl))
                 + offset for reader, offset in postings.leaves(searcher)]
        return _joined(parts)
    if kind is wq.Every and not query.fieldname:
        return postings.searcher_live(searcher, np.arange(searcher.doc_count_all(), dtype=np.int64))
    if query is wq.NullQuery:
        return np.zeros(0, dtype=np.int64)
    parts = [_leaf(sub, query) + offset for sub, offset in searcher.subsearchers or [(searcher, 0)]]
    return _joined(parts)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The segments' sorted global docnums, in segment order: sorted."""
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _leaf(sub, query: wq.Query) -> np.ndarray:
    """Sorted docnums of one segment's searcher ``sub`` matching ``query``
    (a literal word, or a query Whoosh matches)."""
    if type(query) is LiteralQuery:
        reader = sub.reader()
        return postings.live(reader, np.asarray(query.store.find(reader, query.text), dtype=np.int64))
    return np.fromiter(sub.docs_for_query(query), dtype=np.int64)


# the Whoosh query of each part of a parsed query ---------------------------


def term_query(term: str) -> wq.Query:
    """A term in any text field."""
    return wq.Or([wq.Term(name, term) for name in TEXT_FIELDS])


def words_query(terms: tuple[str, ...]) -> wq.Query:
    """Every term, each in any text field."""
    distinct = tuple(dict.fromkeys(terms))  # a repeated term (容器容器...) adds only matcher depth
    return wq.And([term_query(t) for t in distinct]) if len(distinct) > 1 else term_query(distinct[0])


def phrase_query(terms: tuple[str, ...]) -> wq.Query:
    """The terms at consecutive positions in one text field."""
    return wq.Or([wq.Phrase(name, list(terms)) for name in TEXT_FIELDS])


def word_query(word: Word, store: ArticleTexts | None) -> wq.Query:
    """What a query word matches: its jieba terms (all but question and
    function words, anywhere; in a phrase, all of them, consecutively), or,
    for CJK text, the word verbatim.  Matching only: search.score ranks."""
    terms = word.terms
    jieba_query = None
    if terms:
        jieba_query = phrase_query(terms) if word.phrase and len(terms) > 1 else words_query(word.content_terms)
    if store is None or not word.cjk:
        return jieba_query or wq.NullQuery
    literal = LiteralQuery(word.text, store)
    return wq.Or([jieba_query, literal]) if jieba_query else literal


def clause_query(clause: Clause, store: ArticleTexts | None) -> wq.Query:
    queries = [word_query(w, store) for w in clause.words]
    queries = [q for q in queries if q is not wq.NullQuery]
    if not queries:
        return wq.NullQuery
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def filter_query(item: Filter, categories) -> wq.Query:
    """The Whoosh query of a typed filter; ``categories`` maps typed
    category values to the index's own (see search.pipeline)."""
    if item.name == "date":
        query = date_query(*item.value)
    elif item.name == "category":
        query = wq.Or([wq.Term("category", c) for c in categories([item.value])])
    else:
        query = wq.Term(item.name, item.value)
    return wq.Not(query) if item.negated else query


def date_query(start: datetime | None, end: datetime | None) -> wq.Query:
    return wq.DateRange("date", start, end, endexcl=True)
