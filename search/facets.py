"""Facet counts (tags, category, year) and sort keys (date, views) from
column values, not stored fields.

The columns of each segment are read once into lists and arrays (segments
never change); a searcher's view concatenates its segments' ones, so a
global docnum is an index.  Counting a result set is one ``numpy.bincount``
per facet over the values as codes (:class:`_Codes`, made once per set of
segments), and sorting it one numpy sort.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from whoosh.util.times import datetime_to_long

from search.analysis import normalize
from search.results import FacetValue
from search.schema import VALUE_SEPARATOR
from search.whoosh_adapter import numeric_values, variable_values

#: The facets a search can count.
FACETS = ("tags", "category", "year")

#: The date sort key of an undated document (a date column's value is a
#: count of microseconds since year 1, never negative).
UNDATED = -1

#: At most this many values of a facet are returned (selected ones always are).
FACET_LIMIT = 30


@dataclass(eq=False)  # numpy arrays do not compare as one bool
class Columns:
    """Per-document facet values and sort keys of a searcher, indexed by
    global docnum."""

    tags: list[tuple[str, ...]]
    category: list[str]
    year: list[int | None]
    date: np.ndarray  # int64 sort key of sort=date: newer is larger, undated lowest
    views: np.ndarray  # int64

    @classmethod
    def read(cls, reader) -> Columns:
        count = reader.doc_count_all()
        tags = _decoded(_bytes(reader, "tag_values", count), _split)
        category = _decoded(_bytes(reader, "category", count), _text)
        micros = _numbers(reader, "date", count)  # since 0001-01-01, as the date field stores them
        dated = micros <= _LAST_MICROSECOND  # an undated document holds the column's default
        years = (_YEAR_ONE + micros[dated].astype("timedelta64[us]")).astype("datetime64[Y]").astype(np.int64) + 1970
        year: list[int | None] = [None] * count
        for docnum, value in zip(np.flatnonzero(dated).tolist(), years.tolist()):
            year[docnum] = value
        date = np.full(count, UNDATED, dtype=np.int64)
        date[dated] = micros[dated]
        views = _signed(reader, "views", _numbers(reader, "views", count))
        return cls(tags, category, year, date, views)

    @classmethod
    def empty(cls) -> Columns:
        none = np.zeros(0, dtype=np.int64)
        return cls([], [], [], none, none)

    def __add__(self, other: Columns) -> Columns:
        return Columns(
            self.tags + other.tags,
            self.category + other.category,
            self.year + other.year,
            np.concatenate([self.date, other.date]),
            np.concatenate([self.views, other.views]),
        )

    @functools.cached_property
    def codes(self) -> _Codes:
        """The values as numpy codes, for counting (made on first use)."""
        return _Codes(self)

    def sorted_page(self, sort: str, groups: list[np.ndarray], skip: int, limit: int) -> list[int]:
        """Docnums ``skip`` to ``skip + limit`` of the documents of ``groups``
        (masks; each group wholly before the next) by ``sort`` ("date":
        newest first, undated last; "views": most first), ties by docnum."""
        keys = self.date if sort == "date" else self.views
        page: list[int] = []
        for group in groups:
            docs = np.flatnonzero(group)
            if skip >= len(docs):
                skip -= len(docs)
                continue
            order = np.lexsort((docs, -keys[docs]))  # the last key is the first
            page += docs[order[skip : skip + limit - len(page)]].tolist()
            skip = 0
            if len(page) >= limit:
                break
        return page


# A segment's column is read in one piece, not a value at a time as Whoosh's
# column readers do (a read per value and column, most of a worker's start
# at ten times the LCTT corpus).  The attributes read are those of the
# VarBytesColumn and NumericColumn readers of whoosh3 (pinned); a compressed
# or reference column type would need its own reading, and the test that
# compares these values with Whoosh's readers would fail.

#: The first day a date column counts from, and the last microsecond a
#: ``datetime`` can hold, in its units.
_YEAR_ONE = np.datetime64("0001-01-01", "us")
_LAST_MICROSECOND = np.uint64(datetime_to_long(datetime.max))


def dated_within(reader, start: int | None, end: int | None, startexcl: bool = False, endexcl: bool = False
                 ) -> np.ndarray:
    """Docnums of a segment's documents whose date (as the date field
    stores it) lies between ``start`` and ``end`` (None: open), as Whoosh's
    NumericRange of the field matches them; read from the date column in
    one piece, where Whoosh walks the trie terms of the range, a posting at
    a time (seconds for a range of years at ten times the LCTT corpus)."""
    micros = _numbers(reader, "date", reader.doc_count_all())
    within = micros <= _LAST_MICROSECOND  # an undated document holds the column's default
    if start is not None:
        within &= micros > start if startexcl else micros >= start
    if end is not None:
        within &= micros < end if endexcl else micros <= end
    return np.flatnonzero(within)


def _bytes(reader, name: str, count: int) -> list[bytes]:
    """The value of variable-length column ``name`` of each document of a
    segment (empty where it has none; the column stores a length for every
    document)."""
    if not reader.has_column(name):
        return [b""] * count
    return variable_values(reader.column_reader(name, translate=False))


def _numbers(reader, name: str, count: int) -> np.ndarray:
    """The value stored in numeric column ``name`` for each document of a
    segment, untranslated (uint64), as Whoosh's reader of the column gives
    it: the column's default for a document it holds no value for, and for
    every document of a segment without the column."""
    if not reader.has_column(name):
        return np.full(count, reader.schema[name].column_type.default_value(), dtype=np.uint64)
    return numeric_values(reader.column_reader(name, translate=False), count)


def _signed(reader, name: str, values: np.ndarray) -> np.ndarray:
    """The numbers of integer field ``name`` from its stored values (Whoosh
    stores a signed number plus 2 ** (bits - 1), so that they sort as unsigned)."""
    field = reader.schema[name]
    offset = np.uint64(1 << (field.bits - 1)) if field.signed else np.uint64(0)
    return (values - offset).view(np.int64)


def _decoded(values: list[bytes], decode) -> list:
    """``decode`` of each value, once per distinct value."""
    known = {value: decode(value) for value in set(values)}
    return [known[value] for value in values]


def _text(value: bytes) -> str:
    return value.decode("utf-8")


def _split(value: bytes) -> tuple[str, ...]:
    return tuple(value.decode("utf-8").split(VALUE_SEPARATOR)) if value else ()


class ColumnCache:
    """The :class:`Columns` of each segment, and of the latest searcher."""

    def __init__(self):
        self._segments: dict[str, Columns] = {}
        self._last: tuple[tuple, Columns] | None = None
        self._lock = threading.Lock()

    def columns(self, searcher) -> Columns:
        readers = [r for r, _ in searcher.reader().leaf_readers()]
        key = tuple(r.segment().segment_id() for r in readers)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        with self._lock:
            parts = []
            for reader, segment_id in zip(readers, key):
                if segment_id not in self._segments:
                    self._segments[segment_id] = Columns.read(reader)
                parts.append(self._segments[segment_id])
            for stale in set(self._segments) - set(key):
                del self._segments[stale]
            merged = sum(parts[1:], parts[0]) if parts else Columns.empty()
            merged.codes  # made here, under the lock, once per set of segments
            self._last = (key, merged)
        return merged


class _Codes:
    """A searcher's facet values as numpy codes, for counting a result set
    with ``numpy.bincount``: each value list, the code of each document's
    category and year, and its tags as one flat array of codes (a
    document's tags are ``tag_codes[tag_starts[d]:tag_starts[d + 1]]``)."""

    def __init__(self, columns: Columns):
        self.category, self.category_codes = _encode(columns.category)
        self.year, self.year_codes = _encode(columns.year)
        self.tag, self.tag_codes = _encode([t for tags in columns.tags for t in tags])
        self.tag_starts = np.zeros(len(columns.tags) + 1, dtype=np.int64)
        np.cumsum([len(tags) for tags in columns.tags], out=self.tag_starts[1:])
        self.tag_keys = [normalize(t) for t in self.tag]

    def tag_counts(self, docs: np.ndarray) -> np.ndarray:
        starts, ends = self.tag_starts[docs], self.tag_starts[docs + 1]
        sizes = ends - starts
        # the positions of every tag of docs: each document's start, then +1, +2 ...
        at = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        return np.bincount(self.tag_codes[at], minlength=len(self.tag))


def _encode(values: list) -> tuple[list, np.ndarray]:
    """The distinct values (in order of appearance) and each value's code."""
    known: dict = {}
    codes = np.fromiter((known.setdefault(v, len(known)) for v in values), dtype=np.int64, count=len(values))
    return list(known), codes


def count(columns: Columns, facet: str, docs: np.ndarray, selected: Iterable[str] = ()) -> list[FacetValue]:
    """The values of ``facet`` among ``docs`` (a mask over docnums) with
    their exact counts, most frequent first (years: newest first); selected
    values always included."""
    codes = columns.codes
    docs = np.flatnonzero(docs)
    if facet == "tags":
        return _count_tags(codes, codes.tag_counts(docs), selected)
    values, of_doc = (codes.category, codes.category_codes) if facet == "category" else (codes.year, codes.year_codes)
    numbers = np.bincount(of_doc[docs], minlength=len(values))
    counter = {values[i]: int(numbers[i]) for i in np.flatnonzero(numbers).tolist()}
    counter.pop("", None)
    counter.pop(None, None)
    chosen = {str(s) for s in selected}
    if facet == "year":
        items = sorted(counter.items(), reverse=True)
    else:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    found = [FacetValue(str(v), n, str(v) in chosen) for v, n in items]
    missing = [FacetValue(s, 0, True) for s in chosen - {f.value for f in found}]
    return _limit(found, FACET_LIMIT) + missing


def _count_tags(codes: _Codes, numbers: np.ndarray, selected: Iterable[str]) -> list[FacetValue]:
    """Tags equal up to case, width and script count as one, shown in their
    most frequent form (ties: the smallest)."""
    merged: dict[str, list] = {}  # normalised -> [count of the shown form, shown form, count]
    for i in np.flatnonzero(numbers).tolist():
        n, tag = int(numbers[i]), codes.tag[i]
        entry = merged.setdefault(codes.tag_keys[i], [n, tag, 0])
        if n > entry[0] or (n == entry[0] and tag < entry[1]):
            entry[0], entry[1] = n, tag
        entry[2] += n
    chosen = {normalize(s): s for s in selected}
    found = [
        FacetValue(shown, n, key in chosen)
        for key, (_, shown, n) in sorted(merged.items(), key=lambda kv: (-kv[1][2], kv[1][1]))
    ]
    missing = [FacetValue(s, 0, True) for key, s in chosen.items() if key not in merged]
    return _limit(found, FACET_LIMIT) + missing


def _limit(values: list[FacetValue], limit: int) -> list[FacetValue]:
    return values[:limit] + [v for v in values[limit:] if v.selected]
