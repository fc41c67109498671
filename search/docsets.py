"""The documents matching a query, as a set of global docnums, cached.

Matching is done once per query part (a clause, a filter) and combined with
set operations: a Whoosh matcher tree costs microseconds per document in
Python, a set intersection a fraction of that.  Recent sets are kept (keyed by
the index generation and the query, so a reindex never serves stale sets),
within a budget of docnums.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from whoosh import query as wq

#: Most docnums kept over all cached sets (a docnum costs ~60 bytes in a set).
BUDGET = 300_000


class DocSetCache:
    def __init__(self, budget: int = BUDGET):
        self.budget = budget
        self._sets: OrderedDict[tuple, frozenset[int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def docs(self, searcher, query: wq.Query) -> frozenset[int]:
        key = (searcher.reader().generation(), _segments(searcher), query)
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
                return found
        found = frozenset(searcher.docs_for_query(query))
        with self._lock:
            if key not in self._sets and len(found) <= self.budget // 4:
                self._sets[key] = found
                self._size += len(found)
                while self._size > self.budget:
                    _, dropped = self._sets.popitem(last=False)
                    self._size -= len(dropped)
        return found

    def all_docs(self, searcher) -> frozenset[int]:
        return self.docs(searcher, wq.Every())


def _segments(searcher) -> tuple[str, ...]:
    return tuple(
        r.segment().segment_id() for r, _ in searcher.reader().leaf_readers() if r.segment() is not None
    )
