"""Posting lists read a block at a time into numpy arrays.

search.scoring scores the matched documents of a query word by word.  With
Whoosh's matcher interface that costs a Python call per posting for its id,
its weight, its field length and its score (about 15 µs per document and
field); here a whole block of postings (up to 128) is decoded once, and the
wanted documents are found in it with ``numpy.searchsorted``; the field
lengths are read from the segment's length column as one array
(:func:`field_lengths`), so that their scores are computed together.
:func:`positions` reads the encoded positions with the weights, for the
phrase scores of search.scoring.

This reads private attributes of whoosh3's posting matcher and column
reader (pinned in pyproject); any other posting list (an inlined short one,
another codec's) is read through the matcher interface.
"""

from __future__ import annotations

import weakref

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
#: (segment reader, field) -> the field length of each document, decoded.
_lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: searcher's reader -> field -> its average length (:func:`average_length`).
_averages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: segment reader -> its deleted docnums, sorted.
_deleted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def field_lengths(reader, name: str) -> np.ndarray:
    """The length of field ``name`` in every document of a segment reader."""
    per_reader = _lengths.setdefault(reader, {})
    if name not in per_reader:
        count = reader.doc_count_all()
        column = reader._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)
        raw = np.zeros(count, dtype=np.uint8)
        if column is not None:
            stored = min(column._count, count)
            raw[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        per_reader[name] = _LENGTH_OF_BYTE[raw]
    return per_reader[name]


def average_length(searcher, name: str) -> float:
    """The average length of field ``name`` over a searcher's documents (1
    when it is empty).  Whoosh sums the lengths of every segment at each
    call; the scorer asks once per segment and field of each term (2 s of
    the profile of 60 related lists at 82 segments).  Kept per reader, as
    :func:`field_lengths`: a new commit opens new readers."""
    per_reader = _averages.setdefault(searcher.reader(), {})
    if name not in per_reader:
        per_reader[name] = searcher.avg_field_length(name) or 1
    return per_reader[name]


def weights(reader, name: str, term: str, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(documents, weights) of the postings of ``term`` in field ``name`` for
    the ``wanted`` documents (sorted segment docnums) that have it."""
    return _read(reader, name, term, wanted, False)[:2]


def positions(reader, name: str, term: str, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """(documents, weights, encoded positions) of the postings of ``term`` in
    field ``name`` for the ``wanted`` documents that have it, as :func:`weights`."""
    return _read(reader, name, term, wanted, True)


def _read(reader, name: str, term: str, wanted: np.ndarray, with_values: bool):
    matcher = _postings(reader, name, reader.schema[name].to_bytes(term))
    if matcher is None:
        return wanted[:0], np.zeros(0), []
    if isinstance(matcher, FilterMatcher):  # deleted documents: never wanted
        matcher = matcher.child
    if type(matcher) is not W3LeafMatcher:  # through the matcher interface
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_values:
                values.append(matcher.value())
            matcher.next()
        return _select(np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64),
                       values if with_values else None, wanted)
    ids, weights, values = _decoded(matcher, wanted, with_values)
    return _select(ids, weights, values if with_values else None, wanted)


def ids(reader, name: str, text: str | bytes) -> np.ndarray:
    """The sorted docnums of a segment reader's live documents having the
    term ``text`` in field ``name``, a block of postings at a time."""
    if name not in reader.schema:
        return np.zeros(0, dtype=np.int64)
    text = reader.schema[name].to_bytes(text) if isinstance(text, str) else text
    matcher = _postings(reader, name, text)
    if matcher is None:
        return np.zeros(0, dtype=np.int64)
    deleted = isinstance(matcher, FilterMatcher)
    if deleted:
        matcher = matcher.child
    if type(matcher) is W3LeafMatcher:
        found = _decoded(matcher, None, False)[0]
    else:
        found = np.fromiter(matcher.all_ids(), dtype=np.int64)
    return live(reader, found) if deleted else found


def _postings(reader, name: str, text: bytes):
    """The matcher of a term's postings in a segment reader, None if the
    segment lacks it: one lookup in the term dictionary, where ``in`` and
    then ``postings`` make two (the dictionary's hash probing was a fifth of
    a search's time at 32 segments)."""
    try:
        return reader.postings(name, text)
    except TermNotFound:
        return None


def _decoded(matcher: W3LeafMatcher, wanted: np.ndarray | None, with_values: bool):
    """(docnums, weights, values) of the blocks of a whoosh3 posting list
    that may hold one of the ``wanted`` documents (sorted; None: every
    block), decoded together: whoosh3 decodes a block's docnums a Python
    step per posting, and numpy's cost is per call, so the blocks' lists
    are joined and converted once.  A block's docnums are delta-coded from
    0; the first is made relative to the last docnum of the block before,
    so that one cumulative sum decodes them all."""
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    start = previous = 0
    while not matcher._atend and (wanted is None or start < len(wanted)):
        last = matcher._maxid
        if wanted is None or last >= wanted[start]:
            if wanted is not None:
                start = int(np.searchsorted(wanted, last, side="right"))
            if matcher._data is None:
                matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            first = len(ids)
            ids.extend(block_ids)
            if not matcher._byteids:
                ids[first] -= previous
            if block_weights is None:  # whoosh3 writes None when all are 1, one float when all are equal
                weights.extend([1.0] * len(block_ids))
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * len(block_ids))
            else:
                weights.extend(block_weights)
            if with_values:
                matcher._read_values()
                values.extend(matcher._values)
            previous = last
        matcher._next_block()
    docnums = np.array(ids, dtype=np.int64)
    return docnums if matcher._byteids else np.cumsum(docnums), np.array(weights, dtype=np.float64), values


def blocks(matcher: W3LeafMatcher, values: bool = False):
    """(ids, weights, values or None) of each block of a whoosh3 posting
    list, in order, as Python values (for the writer, search.writer)."""
    while not matcher._atend:
        matcher._read_ids()
        matcher._read_weights()
        if values:
            matcher._read_values()
        yield matcher._ids, matcher._weights, matcher._values if values else None
        matcher._next_block()


def live(reader, docs: np.ndarray) -> np.ndarray:
    """``docs`` (distinct segment docnums) less the reader's deleted documents."""
    if not reader.has_deletions() or not len(docs):
        return docs
    deleted = _deleted.get(reader)
    if deleted is None:  # a reader's deletions never change: a new commit opens new readers
        deleted = _deleted[reader] = np.sort(np.fromiter(reader.deleted_docs_set, dtype=np.int64))
    return docs[~np.isin(docs, deleted, assume_unique=True)]


def _select(ids: np.ndarray, weights: np.ndarray, values, wanted: np.ndarray):
    """The wanted documents present in ``ids``, their weights and (if
    ``values`` is a sequence) their values."""
    if not len(ids):
        return wanted[:0], weights, []
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    present = ids[at] == wanted
    picked = at[present]
    return wanted[present], weights[picked], [values[i] for i in picked.tolist()] if values is not None else []
