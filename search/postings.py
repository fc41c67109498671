"""Posting lists read into numpy arrays.

search.score scores the matched documents of a query word by word.  With
Whoosh's matcher interface that costs a Python call per posting for its id,
its weight, its field length and its score, for every document and field;
here a term's posting list is read in one piece and its blocks decoded
together, and the wanted documents are found in it with
``numpy.searchsorted``; the field lengths are read from the segments'
length columns as one array (:func:`searcher_field_lengths`), so that their
scores are computed together.  :func:`positions` reads the encoded positions
with the weights of the blocks that may hold a wanted document, for the
phrases (:func:`phrase`) that search.match matches and search.score scores.

A term's lists in every segment of a searcher are joined into one array of
global docnums (:func:`whole_list`): the matching (:func:`searcher_ids`, for
search.match) and the scoring (:func:`weights`) of an index of many
segments then cost a few numpy calls per term and field, not a few per
segment too.  A query reads each of its terms' lists twice, whole to find
the matched documents, then for their weights; the whole lists are kept
(:class:`DecodedLists`, within a budget of bytes), so a query typed for the
first time decodes each block once.

This reads whoosh3's posting file layout (blocks of pickled tuples, as
search.whoosh_adapter.BlockWriter writes them), through the adapter's reads
of term infos, posting bytes and columns; tests/test_postings.py
compares the scores with those from Whoosh's own matchers.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import weakref
import zlib
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import CorruptIndexError, TermNotFound
from whoosh.util.numeric import byte_to_length

from search.whoosh_adapter import (
    length_column,
    numeric_values,
    posting_bytes,
    postings_file_name,
    term_info,
)

_BLOCK_SIZE = struct.Struct("!i")  # a block's byte size, before it (whoosh3's write_int)
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
#: (segment reader, field) -> the field length of each document, decoded.
_lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: searcher's reader -> field -> its average length (:func:`average_length`).
_averages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: segment reader -> its deleted docnums, sorted.
_deleted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: searcher's reader -> its deleted global docnums, sorted.
_searcher_deleted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: searcher's reader -> field -> the field length of each global docnum.
_searcher_lengths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class DecodedLists:
    """Whole posting lists (:func:`whole_list`), (global docnums, weights)
    by (the searcher's segment ids, field, term), and the documents of a
    segment having a phrase (:func:`phrase_everywhere`), the most recently
    used within ``budget`` bytes.  A segment's posting lists never change
    (deletions are applied when they are read), a new segment has a new
    id, and a searcher's docnums follow from its segments."""

    def __init__(self, budget: int):
        self.budget = budget
        self._lists: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
            return found

    def put(self, key: tuple, ids: np.ndarray, weights: np.ndarray) -> None:
        size = _entry_bytes(ids, weights)
        if size > self.budget // 4:
            return
        with self._lock:
            if key in self._lists:
                return
            self._lists[key] = (ids, weights)
            self._size += size
            while self._size > self.budget:
                self._size -= _entry_bytes(*self._lists.popitem(last=False)[1])


def _entry_bytes(ids: np.ndarray, weights: np.ndarray) -> int:
    """What a cached list costs: its arrays and a fixed amount for the entry
    (all that the empty lists of an absent term cost)."""
    return ids.nbytes + weights.nbytes + 256


_ABSENT = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
#: Bytes of decoded posting lists kept for the process (16 per posting; see search.match.BUDGET).
DECODED_BUDGET = 8 * 2**20
_decoded_lists = DecodedLists(DECODED_BUDGET)


def field_lengths(reader, name: str) -> np.ndarray:
    """The length of field ``name`` in every document of a segment reader."""
    per_reader = _lengths.setdefault(reader, {})
    if name not in per_reader:
        count = reader.doc_count_all()
        column = length_column(reader, name)
        raw = numeric_values(column, count) if column is not None else np.zeros(count, dtype=np.uint64)
        per_reader[name] = _LENGTH_OF_BYTE[raw]
    return per_reader[name]


def searcher_field_lengths(searcher, name: str) -> np.ndarray:
    """The length of field ``name`` in every document of a searcher, by global docnum."""
    per_reader = _searcher_lengths.setdefault(searcher.reader(), {})
    if name not in per_reader:
        per_reader[name] = np.concatenate([field_lengths(reader, name) for reader, _ in leaves(searcher)])
    return per_reader[name]


def average_length(searcher, name: str) -> float:
    """The average length of field ``name`` over a searcher's documents (1
    when it is empty).  Whoosh sums the lengths of every segment at each
    call; the scorer asks once per segment and field of each term, which
    added up to seconds for the related lists of an index of many segments.
    Kept per reader, as
    :func:`field_lengths`: a new commit opens new readers."""
    per_reader = _averages.setdefault(searcher.reader(), {})
    if name not in per_reader:
        per_reader[name] = searcher.avg_field_length(name) or 1
    return per_reader[name]


def weights(searcher, name: str, term: str, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(documents, weights) of the postings of ``term`` in field ``name`` for
    the ``wanted`` documents (sorted global docnums, none deleted) that have it."""
    return _select(*whole_list(searcher, name, term), None, wanted)[:2]


def positions(reader, name: str, term: str, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """(documents, weights, encoded positions) of the postings of ``term`` in
    field ``name`` of a segment reader for the ``wanted`` documents (sorted
    segment docnums, none deleted) that have it."""
    info = _term_info(reader, name, reader.schema[name].to_bytes(term))
    if info is None:
        return wanted[:0], np.zeros(0), []
    return _select(*_decoded(reader, name, info, wanted, True), wanted)


def per_segment(searcher, ordered: np.ndarray):
    """(segment searcher, its first global docnum, its docnums of ``ordered``
    as segment docnums) for each segment holding some of them."""
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        start, end = np.searchsorted(ordered, [offset, offset + sub.reader().doc_count_all()])
        if end > start:
            yield sub, offset, ordered[start:end] - offset


def phrase(reader, name: str, terms: tuple[str, ...], local: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The documents (segment docnums, of ``local``) having the phrase in one
    field of a segment, and each term's frequency there.

    Where the terms occur at consecutive positions, as Whoosh's Phrase query
    of slop 1; here the positions are read a block at a time, and only for
    the documents having every term; or selected from the documents
    :func:`phrase_everywhere` found, when they are kept."""
    distinct = tuple(dict.fromkeys(terms))
    kept = _decoded_lists.get(_phrase_key(reader, name, terms))
    if kept is None:
        return _phrase(reader, name, terms, local)
    docs, weights = kept
    wanted = np.isin(docs, local, assume_unique=True)
    return docs[wanted], {term: weights[i][wanted] for i, term in enumerate(distinct)}


def phrase_everywhere(reader, name: str, terms: tuple[str, ...], having: np.ndarray) -> np.ndarray:
    """The documents of a segment having the phrase in one field, of
    ``having``, every live document with all its terms there (search.match
    matches a quoted phrase so); kept (:class:`DecodedLists`) with the
    terms' frequencies, for :func:`phrase` as the phrase is scored."""
    docs, weights = _phrase(reader, name, terms, having)
    rows = np.array([weights[term] for term in dict.fromkeys(terms)], dtype=np.float64)
    docs.flags.writeable = rows.flags.writeable = False
    _decoded_lists.put(_phrase_key(reader, name, terms), docs, rows)
    return docs


def _phrase_key(reader, name: str, terms: tuple[str, ...]) -> tuple:
    # a segment's postings never change; its deletions only grow, and the caller's documents are live
    return ("phrase", reader.segment().segment_id(), name, terms)


def _phrase(reader, name: str, terms: tuple[str, ...], local: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    read = {}
    docs = local
    for term in dict.fromkeys(terms):
        read[term] = positions(reader, name, term, docs)
        docs = read[term][0]
        if not len(docs):
            return docs, {term: np.zeros(0) for term in terms}
    columns = {}
    for term, (term_docs, weights, encoded) in read.items():
        at = np.searchsorted(term_docs, docs)
        columns[term] = (weights[at], [encoded[i] for i in at.tolist()])
    decode = reader.schema[name].format.decode_many
    rows, places = decode(columns[terms[0]][1])
    starts = rows << 32 | places  # the phrase's possible starts, as row and position
    for k, term in enumerate(terms[1:], 1):
        rows, places = decode(columns[term][1])
        starts = starts[np.isin(starts + k, rows << 32 | places)]
    hits = np.unique(starts >> 32)
    return docs[hits], {term: columns[term][0][hits] for term in columns}


def ids(reader, name: str, text: str | bytes) -> np.ndarray:
    """The sorted docnums of a segment reader's live documents having the
    term ``text`` in field ``name``."""
    if name not in reader.schema:
        return np.zeros(0, dtype=np.int64)
    text = reader.schema[name].to_bytes(text) if isinstance(text, str) else text
    info = _term_info(reader, name, text)
    if info is None:
        return np.zeros(0, dtype=np.int64)
    return live(reader, _decoded(reader, name, info, None, False)[0])


def searcher_ids(searcher, name: str, text: str | bytes) -> np.ndarray:
    """The sorted global docnums of a searcher's live documents having the
    term ``text`` in field ``name``."""
    return searcher_live(searcher, whole_list(searcher, name, text)[0])


def whole_list(searcher, name: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
    """(global docnums, weights) of every posting of a term in field
    ``name``, over the searcher's segments, deleted documents included;
    kept (:class:`DecodedLists`) and read-only."""
    if name not in searcher.schema:
        return _ABSENT
    text = searcher.schema[name].to_bytes(text) if isinstance(text, str) else text
    key = (_segment_ids(searcher), name, text)
    found = _decoded_lists.get(key)
    if found is None:
        parts = []
        for reader, offset in leaves(searcher):
            info = _term_info(reader, name, text)
            if info is not None:
                found_ids, found_weights, _ = _decoded(reader, name, info, None, False)
                parts.append((found_ids + offset, found_weights))
        found = tuple(np.concatenate(part) for part in zip(*parts)) if parts else _ABSENT
        for array in found:
            array.flags.writeable = False  # shared by the callers of the cache
        _decoded_lists.put(key, *found)
    return found


def leaves(searcher) -> list[tuple]:
    """(segment reader, its first global docnum) of each segment of a searcher."""
    return [(sub.reader(), offset) for sub, offset in searcher.subsearchers or [(searcher, 0)]]


def _segment_ids(searcher) -> tuple[str, ...]:
    return tuple(reader.segment().segment_id() for reader, _ in leaves(searcher))


def _term_info(reader, name: str, text: bytes):
    """A term's info in a segment reader, None if the segment lacks it: one
    lookup in the term dictionary (kept by the codec's terms reader, search.whoosh_adapter)."""
    try:
        return term_info(reader, name, text)
    except TermNotFound:
        return None


def _decoded(reader, name: str, info, wanted: np.ndarray | None, with_values: bool):
    """(docnums, weights, values) of a term's postings in a segment: those
    inlined in its term info, or the blocks of its posting list that may
    hold one of the ``wanted`` documents (sorted; None: every block).

    The list is read in one piece and its blocks parsed in memory (whoosh3's
    matcher makes a few reads and seeks per block, and its setup cost a
    third of a related list at 10x); whoosh3 decodes a block's docnums a
    Python step per posting, and numpy's cost is per call, so the blocks'
    lists are joined and converted once.  A block's docnums are
    delta-coded from 0; the first is made relative to the last docnum of
    the block before, so that one cumulative sum decodes them all."""
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        values = list(values) if values else [None] * len(ids)
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64), values
    offset, length = info.extent()
    data = posting_bytes(reader, offset, length)
    try:
        if data[:len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
            raise ValueError("no whoosh3 header")
        return _parsed(data, wanted, with_values, reader.schema[name].format.fixed_value_size())
    except (ValueError, TypeError, IndexError, EOFError, struct.error, zlib.error, pickle.UnpicklingError) as error:
        raise CorruptIndexError(f"{postings_file_name(reader)}: the posting list of a {name!r} term at offset {offset} is "
                                f"damaged ({error}); `reindex --full` rebuilds the index") from error


def _parsed(data: bytes, wanted: np.ndarray | None, with_values: bool, fixed: int | None):
    """:func:`_decoded` of a posting list's bytes (whoosh3's header, then
    each block: its signed size, negative for the last, its pickled info
    and its pickled, maybe compressed, data)."""
    stream = io.BytesIO(data)
    ids: list[int] = []
    weights: list[float] = []
    values: list = []
    start = previous = 0
    block = len(WHOOSH3_HEADER_MAGIC)
    while wanted is None or start < len(wanted):
        size = _BLOCK_SIZE.unpack_from(data, block)[0]
        stream.seek(block + _BLOCK_SIZE.size)
        count, last, _, compression, _, _ = pickle.load(stream)
        if wanted is None or last >= wanted[start]:
            if wanted is not None:
                start = int(np.searchsorted(wanted, last, side="right"))
            raw = data[stream.tell():block + _BLOCK_SIZE.size + abs(size)]
            block_ids, block_weights, block_values = pickle.loads(zlib.decompress(raw) if compression else raw)
            first = len(ids)
            ids.extend(block_ids)
            ids[first] -= previous
            if block_weights is None:  # whoosh3 writes None when all are 1, one float when all are equal
                weights.extend([1.0] * count)
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * count)
            else:
                weights.extend(block_weights)
            if with_values:
                values.extend(_values(block_values, fixed, count))
            previous = last
        if size < 0:
            break
        block += _BLOCK_SIZE.size + size
    return np.cumsum(np.array(ids, dtype=np.int64)), np.array(weights, dtype=np.float64), values


def _values(stored, fixed: int | None, count: int):
    """A block's values as whoosh3 reads them (W3LeafMatcher._read_values)."""
    if fixed is None or fixed < 0:
        return stored
    if fixed == 0:
        return (None,) * count
    return [stored[i:i + fixed] for i in range(0, len(stored), fixed)]


def live(reader, docs: np.ndarray) -> np.ndarray:
    """``docs`` (distinct segment docnums) less the reader's deleted documents."""
    if not reader.has_deletions() or not len(docs):
        return docs
    deleted = _deleted.get(reader)
    if deleted is None:  # a reader's deletions never change: a new commit opens new readers
        deleted = _deleted[reader] = np.sort(np.fromiter(reader.deleted_docs_set, dtype=np.int64))
    return docs[~np.isin(docs, deleted, assume_unique=True)]


def searcher_live(searcher, docs: np.ndarray) -> np.ndarray:
    """``docs`` (distinct global docnums) less the searcher's deleted documents."""
    if not len(docs):
        return docs
    deleted = _searcher_deleted.get(searcher.reader())
    if deleted is None:
        parts = [np.fromiter(reader.deleted_docs_set, dtype=np.int64) + offset
                 for reader, offset in leaves(searcher) if reader.has_deletions()]
        deleted = _searcher_deleted[searcher.reader()] = np.sort(np.concatenate(parts)) if parts else _ABSENT[0]
    return docs[~np.isin(docs, deleted, assume_unique=True)] if len(deleted) else docs


def _select(ids: np.ndarray, weights: np.ndarray, values, wanted: np.ndarray):
    """The wanted documents present in ``ids``, their weights and (if
    ``values`` is a sequence) their values."""
    if not len(ids) or not len(wanted):
        return wanted[:0], weights[:0], []
    size = int(max(ids[-1], wanted[-1])) + 1
    if len(wanted) * 32 >= size:  # many: a pass over a mask of the docnums costs less than a search for each
        is_wanted = np.zeros(size, dtype=bool)
        is_wanted[wanted] = True
        picked = np.flatnonzero(is_wanted[ids])
        found = ids[picked]
    else:
        at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        present = ids[at] == wanted
        picked = at[present]
        found = wanted[present]
    return found, weights[picked], [values[i] for i in picked.tolist()] if values is not None else []
