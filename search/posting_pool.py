"""The postings of a segment being written, held in flat arrays.

Whoosh's segment writer keeps each posting its documents produce as a
Python tuple in a sorting pool until the segment is written: hundreds of
bytes a posting, so that the size of a segment was bounded by the memory of
each worker of a build.  :class:`PostingPool` keeps the same postings in
arrays, a tenth of that (and the distinct terms in a dict), and gives them back in the order
Whoosh's pool does, by field, term and document.
"""

from __future__ import annotations

from array import array

import numpy as np

_CHUNK = 65536


class PostingPool:
    """The writer's pool (``SegmentWriter.pool``): ``add`` a posting,
    ``iter_postings`` once the documents are added."""

    def __init__(self):
        self._keys: dict[tuple[str, bytes], int] = {}  # (field, term) -> its number
        self._terms = array("I")  # each posting's term number...
        self._docs = array("I")  # ...its docnum, in the order added (docnums ascend)...
        self._weights = array("d")  # ...its weight...
        self._ends = array("Q")  # ...and the end of its value in _values
        self._values = bytearray()

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        number = self._keys.get(key)
        if number is None:
            number = self._keys[key] = len(self._keys)
        self._terms.append(number)
        self._docs.append(docnum)
        self._weights.append(weight)
        if value:
            self._values += value
        self._ends.append(len(self._values))

    def iter_postings(self):
        """(field, term, docnum, weight, value) of every posting, by field,
        term and docnum (Whoosh's order)."""
        keys = sorted(self._keys)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[[self._keys[key] for key in keys]] = np.arange(len(keys))
        ranks = rank[np.frombuffer(self._terms, dtype=np.uint32)]
        order = np.argsort(ranks, kind="stable")  # stable: each term's docnums stay ascending
        ends = np.frombuffer(self._ends, dtype=np.uint64)
        starts = np.concatenate((np.zeros(1, dtype=np.uint64), ends[:-1]))
        docs = np.frombuffer(self._docs, dtype=np.uint32)
        weights = np.frombuffer(self._weights, dtype=np.float64)
        values = bytes(self._values)
        for at in range(0, len(order), _CHUNK):  # as lists a chunk at a time: bounded memory
            part = order[at:at + _CHUNK]
            for r, docnum, weight, start, end in zip(ranks[part].tolist(), docs[part].tolist(),
                                                     weights[part].tolist(), starts[part].tolist(),
                                                     ends[part].tolist()):
                fieldname, text = keys[r]
                yield fieldname, text, docnum, weight, values[start:end]

    def cleanup(self) -> None:
        self.__init__()
