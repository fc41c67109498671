"""The documents matching a query, as a mask over a searcher's docnums, cached.

Matching is done once per query part (a clause, a filter) and combined with
numpy's boolean operations: a Whoosh matcher tree costs microseconds per
document in Python, a set operation on masks a nanosecond.  The terms, the
literal words and the and/or of them that make up a clause are matched with
numpy arrays of posting ids read a block at a time (:func:`matched_docs`),
the terms' over all the segments at once; any other query (a phrase, a date
range, a negation) by Whoosh, per segment.  Recent masks are kept (keyed by
the index generation and the query, so a reindex never serves stale sets),
within a budget of bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh import query as wq

from search import postings
from search.literal import LiteralQuery

#: Bytes kept over all cached masks (one byte per document of the index).
BUDGET = 32 * 2**20


class DocSetCache:
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
    if kind is wq.Every and not query.fieldname:
        return postings.searcher_live(searcher, np.arange(searcher.doc_count_all(), dtype=np.int64))
    if query is wq.NullQuery:
        return np.zeros(0, dtype=np.int64)
    parts = [_leaf(sub, query) + offset for sub, offset in searcher.subsearchers or [(searcher, 0)]]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _leaf(sub, query: wq.Query) -> np.ndarray:
    """Sorted docnums of one segment's searcher ``sub`` matching ``query``
    (a literal word, or a query Whoosh matches)."""
    if type(query) is LiteralQuery:
        reader = sub.reader()
        return postings.live(reader, np.asarray(query.store.find(reader, query.text), dtype=np.int64))
    return np.fromiter(sub.docs_for_query(query), dtype=np.int64)
