"""The literal-substring guarantee, without a character field in the index.

A document whose normalised title, summary or text contains a query word
verbatim is found even where jieba segmented it differently (``处理`` in
``待处理器``).  Each segment has a literal file written with it at index time
(:mod:`search.text_file`: the normalised texts, CJK character -> docnums
and CJK pair -> docnums); :class:`ArticleTexts` maps the files of the
searcher's segments, so opening an index reads nothing per document.
Candidates for a word are the documents having all its pairs (or its lone
characters; a letter or digit next to a CJK character makes a pair too);
each is verified with a substring test on its text, except for a word that
is a single CJK pair or character, whose postings are the answer.  Recent
answers are cached.  Deletions are checked at query time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from search import postings
from search.analysis import analyze, normalize
from search.errors import IncompatibleIndexError
from search.schema import LITERAL_FIELDS
from search.text_file import (
    EXTENSION,
    TextFile,
    Work,
    record_asides,
    record_text,
    record_texts,
)


def text_file_path(folder: Path, segment) -> Path:
    """Where the literal file of a Whoosh segment is."""
    return Path(folder) / segment.make_filename(EXTENSION)


class ArticleTexts:
    """The literal files of the current searcher's segments, open,
    and a cache of recent answers; used under the Index's lock.

    ``work`` counts what the matching did since the store was made (see
    :class:`search.text_file.Work`)."""

    CACHE_SIZE = 2048
    #: Bytes of literal answers kept (at ten times the LCTT corpus a common
    #: needle's documents take tens of kB; a worker's memory budget: search.match.BUDGET).
    CACHE_BYTES = 8 * 2**20
    #: Decompressed text parts kept: more than a search reads (rank.DEPTH candidates, then its page).
    PARTS = 64

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.work = Work()
        self._files: dict[str, TextFile] = {}
        self._lock = threading.Lock()
        self._answers = _Recent(self.CACHE_SIZE, self.CACHE_BYTES)  # (segment id, needle) -> docnums
        self._parts = _Recent(self.PARTS)  # (file path, docnum) -> text part

    def open(self, searcher) -> None:
        """Map the files of the searcher's segments (now: a later commit may
        delete them) and forget those of segments no longer searched.

        Raises FileNotFoundError when a file was deleted by a newer commit
        (open a newer searcher), IncompatibleIndexError when a segment of the
        newest generation has none."""
        files = {}
        for reader, _ in searcher.reader().leaf_readers():
            segment = reader.segment()
            key = segment.segment_id()
            found = self._files.get(key)
            if found is None:
                path = text_file_path(self.folder, segment)
                try:
                    found = TextFile(path)
                except FileNotFoundError:
                    if searcher.up_to_date():
                        raise IncompatibleIndexError(self.folder, f"segment {key} has no literal file {path.name}")
                    raise
            files[key] = found
        with self._lock:
            self._files = files
        self._answers.forget(lambda key: key[0] not in files)

    def segments(self) -> set[str]:
        """The ids of the segments whose files are open."""
        return set(self._files)

    def file(self, reader) -> TextFile:
        """The literal file of a leaf reader's segment."""
        segment = reader.segment()
        found = self._files.get(segment.segment_id())
        if found is None:  # a reader of a searcher not given to open()
            found = TextFile(text_file_path(self.folder, segment))
            with self._lock:
                self._files = {**self._files, segment.segment_id(): found}
        return found

    def find(self, reader, needle: str) -> np.ndarray:
        """Sorted docnums of a leaf reader whose text contains ``needle``
        (deleted documents included: the caller filters them); read-only,
        kept as arrays (a list of Python ints takes nine times the memory)."""
        key = (reader.segment().segment_id(), needle)
        found = self._answers.get(key)
        if found is None:
            found = self.file(reader).find(needle, self.work, _known(reader, needle))
            found.flags.writeable = False
            found = self._answers.put(key, found)
        return found

    def texts(self, searcher, docnum: int) -> tuple[str, str]:
        """The text (:func:`search.document.joined_text`) of a global docnum,
        as written and normalised."""
        return record_texts(self._part(searcher, docnum))

    def normalized_start(self, searcher, docnum: int, chars: int) -> str:
        """The first ``chars`` characters of the normalised text of a global
        docnum (search.rank's features read no further)."""
        return record_text(self._part(searcher, docnum))[: 4 * chars].decode("utf-8", "ignore")[:chars]

    def asides(self, searcher, docnum: int) -> frozenset[str]:
        """The aside texts of a global docnum's Markdown (search.markdown_text.aside_texts)."""
        return record_asides(self._part(searcher, docnum))

    def markdown(self, searcher, docnum: int) -> str:
        """The Markdown of a global docnum."""
        file, local = self._locate(searcher, docnum)
        return file.markdown(local, self._file_part(file, local))

    def _part(self, searcher, docnum: int) -> bytes:
        return self._file_part(*self._locate(searcher, docnum))

    def _file_part(self, file: TextFile, local: int) -> bytes:
        """The decompressed text part of a document of ``file``; the last
        :data:`PARTS` read are kept, since a page's hits are among the
        candidates of the second ranking stage, and each hit's Markdown is
        decompressed with its text part."""
        key = (file.path, local)
        found = self._parts.get(key)
        if found is None:
            found = self._parts.put(key, file.text_part(local))
        return found

    def _locate(self, searcher, docnum: int) -> tuple[TextFile, int]:
        for reader, offset in reversed(searcher.reader().leaf_readers()):
            if docnum >= offset:
                return self.file(reader), docnum - offset
        raise IndexError(docnum)


class _Recent:
    """The last ``size`` values put (bytes or numpy arrays), by key, for any
    thread, and within ``budget`` bytes of them if given."""

    def __init__(self, size: int, budget: int | None = None):
        self.size = size
        self.budget = budget
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        """The value of ``key``, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value):
        """Keep ``value`` for ``key`` (forgetting the least recent beyond
        ``size``) and return it."""
        with self._lock:
            if key in self._items:
                self._bytes -= _bytes_of(self._items.pop(key))
            self._items[key] = value
            self._bytes += _bytes_of(value)
            while len(self._items) > self.size or (self.budget is not None and self._bytes > self.budget):
                self._bytes -= _bytes_of(self._items.popitem(last=False)[1])
        return value

    def forget(self, drop) -> None:
        """Forget the keys for which ``drop(key)`` is true."""
        with self._lock:
            for key in [k for k in self._items if drop(k)]:
                self._bytes -= _bytes_of(self._items.pop(key))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


def _bytes_of(value) -> int:
    return value.nbytes if isinstance(value, np.ndarray) else len(value)


def _known(reader, needle: str) -> np.ndarray | None:
    """The documents of a leaf reader that surely contain ``needle`` (of
    three characters or more, which verification would read): those having
    it as a term of a field whose text the literal file holds, when it is a
    word of its own (a CJK term is its normalised text verbatim)."""
    if len(needle) < 3 or analyze(needle) != (needle,):
        return None
    return np.unique(np.concatenate([postings.ids(reader, name, needle) for name in LITERAL_FIELDS]))


class LiteralQuery(wq.Query):
    """Matches the documents containing ``text`` verbatim (normalised)."""

    boost = 1.0  # read by Whoosh's compound queries; the scores are search.score's

    def __init__(self, text: str, store: ArticleTexts):
        self.text = normalize(text)
        self.store = store

    def __repr__(self):
        return f"{self.__class__.__name__}({self.text!r})"

    def __eq__(self, other):
        return type(other) is type(self) and other.text == self.text and other.store is self.store

    def __hash__(self):
        return hash((type(self).__name__, self.text))

    def estimate_size(self, ixreader) -> int:
        return ixreader.doc_count_all()

    def estimate_min_size(self, ixreader) -> int:
        return 0

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        docs = self.store.find(reader, self.text).tolist()
        if docs and reader.has_deletions():
            docs = [d for d in docs if not reader.is_deleted(d)]
        if not docs:
            return NullMatcher()
        return ListMatcher(docs)
