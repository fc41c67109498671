"""The literal-substring guarantee, without a character field in the index.

A document whose normalised title, summary or text contains a query word
verbatim is found even where jieba segmented it differently (``处理`` in
``待处理器``).  :class:`LiteralStore` keeps, per index segment, the normalised
text of each document as UTF-8 bytes, a CJK character -> docnums index and a
CJK character pair -> docnums index.  Candidates for a word are the documents
having all its pairs (or its lone characters); each is verified with a
substring test on the bytes, except for a word that is a single pair, whose
pair postings are the answer.  Recent answers are cached.

Segments are immutable in Whoosh, so an entry keyed by the segment id stays
valid for the segment's life: after an incremental reindex only the new
segments are loaded.  Deletions are checked at query time.
"""

from __future__ import annotations

import ctypes
import logging
import re
import threading
import time
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from search.analysis import CJK_CHARS, TRADITIONAL_CHARS, normalize
from search.document import from_stored
from search.highlight import strip_tags

logger = logging.getLogger(__name__)

_CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
# Characters normalize() may change: upper case letters (ASCII and beyond) and
# full-width forms, traditional characters; a superset, checked character by character.
_CHANGEABLE = re.compile(f"[A-Z\u00c0-\u2fff\u3000\uff01-\uff5e\U00010000-\U0010ffff{TRADITIONAL_CHARS}]")

#: The CJK ideographs of search.analysis.CJK_CHARS, as a set.
_CJK_SET = frozenset(
    chr(c)
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
    for c in range(lo, hi + 1)
)


def document_text(stored: dict) -> str:
    """The title, summary and plain text of a stored document, one a line:
    what the literal matcher searches (normalised) and snippets quote."""
    article = from_stored(stored)
    return f"{article.title}\n{strip_tags(article.summary)}\n{article.text}"


class SegmentTexts:
    """The normalised texts of one segment, with two indexes of their CJK
    text: character -> docnums, and character pair -> docnums (flat sorted
    arrays, searched with bisect: two bytes per posting in a segment of up to
    65,536 documents).  The texts are one UTF-8 blob with end offsets: no
    object per document."""

    def __init__(self, texts: Iterable[str]):
        chars: dict[str, array] = {}
        counts: Counter = Counter()  # pair code -> number of documents
        doc_pairs: list[array] = []  # per document, its pair codes
        blob = bytearray()  # the normalised texts, UTF-8
        self.ends = array("Q")  # text d is blob[ends[d - 1]:ends[d]]
        self.changes: list[tuple[array, str] | None] = []  # what normalising changed
        for docnum, original in enumerate(texts):
            text = normalize(original)
            self.changes.append(_changes(original, text))
            for char in _CJK_SET.intersection(text):
                docs = chars.get(char)
                if docs is None:
                    docs = chars[char] = array("I")
                docs.append(docnum)
            codes = array("I", {_code(run[i : i + 2]) for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)})
            counts.update(codes)
            doc_pairs.append(codes)
            blob += text.encode("utf-8")
            self.ends.append(len(blob))
        self.blob = bytes(blob)
        del blob
        docnums = "H" if len(self.ends) <= 1 << 16 else "I"
        self.chars = {char: array(docnums, docs) for char, docs in chars.items()}
        del chars
        # Two passes into flat arrays rather than an array per pair: a third
        # of the memory, and no small blocks left behind.
        self.pair_codes = array("I", sorted(counts))
        self.pair_starts = array("I", [0])  # pair i's docnums: postings[starts[i]:starts[i + 1]]
        for code in self.pair_codes:
            self.pair_starts.append(self.pair_starts[-1] + counts[code])
        del counts
        slot = {code: i for i, code in enumerate(self.pair_codes)}
        cursor = array("I", self.pair_starts[:-1])
        self.pair_postings = array(docnums, bytes(array(docnums).itemsize * self.pair_starts[-1]))
        for docnum, codes in enumerate(doc_pairs):
            for code in codes:
                i = slot[code]
                self.pair_postings[cursor[i]] = docnum
                cursor[i] += 1
            doc_pairs[docnum] = None

    @classmethod
    def load(cls, reader) -> SegmentTexts:
        return cls(
            "" if reader.is_deleted(docnum) else document_text(reader.stored_fields(docnum))
            for docnum in range(reader.doc_count_all())
        )

    def __len__(self) -> int:
        return len(self.ends)

    def _span(self, docnum: int) -> tuple[int, int]:
        return (self.ends[docnum - 1] if docnum else 0), self.ends[docnum]

    def text(self, docnum: int) -> bytes:
        """The normalised text of a document, UTF-8."""
        return self.blob[slice(*self._span(docnum))]

    def original(self, docnum: int) -> str:
        """The text of a document as written (see :func:`document_text`)."""
        text = self.text(docnum).decode("utf-8")
        changes = self.changes[docnum]
        if changes is None:
            return text
        chars = list(text)
        for position, char in zip(*changes):
            chars[position] = char
        return "".join(chars)

    def _pair(self, pair: str):
        code = _code(pair)
        i = bisect_left(self.pair_codes, code)
        if i == len(self.pair_codes) or self.pair_codes[i] != code:
            return ()
        return self.pair_postings[self.pair_starts[i] : self.pair_starts[i + 1]]

    def find(self, needle: str) -> list[int]:
        """Sorted docnums whose text contains ``needle`` (normalised, with CJK)."""
        postings = []
        for run in _CJK_RUN.findall(needle):
            if len(run) == 1:
                postings.append(self.chars.get(run, ()))
            else:
                postings.extend(self._pair(run[i : i + 2]) for i in range(len(run) - 1))
        if not postings:
            return []
        postings.sort(key=len)
        found = set(postings[0])
        for other in postings[1:]:
            if not found:
                break
            found.intersection_update(other)
        if len(needle) == 2 and len(postings) == 1:  # the needle is one CJK pair: exact
            return sorted(found)
        pattern = needle.encode("utf-8")
        blob, span = self.blob, self._span
        return sorted(d for d in found if blob.find(pattern, *span(d)) >= 0)


def _changes(original: str, normalised: str) -> tuple[array, str] | None:
    """The positions and original characters where normalising changed the
    text (upper case, full width: a few per cent of the characters)."""
    if original == normalised:
        return None
    positions, chars = array("I"), []
    for match in _CHANGEABLE.finditer(original):
        at = match.start()
        if normalised[at] != match.group():
            positions.append(at)
            chars.append(match.group())
    return positions, "".join(chars)


def _release_free_memory() -> None:
    """Give the free pages of the C heap back to the system (glibc): a load
    leaves tens of MB of freed temporaries that would otherwise stay in the
    process's resident memory."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def _code(pair: str) -> int:
    return ord(pair[0]) << 16 | ord(pair[1])


class LiteralStore:
    """Per-segment :class:`SegmentTexts`, loaded on first use, and a cache of
    recent answers; thread-safe."""

    CACHE_SIZE = 2048

    def __init__(self):
        self._segments: dict[str, SegmentTexts] = {}
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[str, str], list[int]] = OrderedDict()
        self._answers_lock = threading.Lock()

    def segment(self, reader) -> SegmentTexts | None:
        """The texts of a leaf (segment) reader, loading them if needed."""
        segment = reader.segment()
        if segment is None:
            return None
        key = segment.segment_id()
        texts = self._segments.get(key)
        if texts is None:
            with self._lock:
                texts = self._segments.get(key)
                if texts is None:
                    started = time.perf_counter()
                    texts = self._segments[key] = SegmentTexts.load(reader)
                    _release_free_memory()
                    logger.info(
                        "literal texts of segment %s: %d docs in %.2f s",
                        key, len(texts), time.perf_counter() - started,
                    )
        return texts

    def find(self, reader, needle: str) -> list[int]:
        """Docnums of a leaf reader whose text contains ``needle`` (deleted
        documents included: the caller filters them)."""
        segment = reader.segment()
        if segment is None:
            return []
        key = (segment.segment_id(), needle)
        with self._answers_lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                return found
        found = self.segment(reader).find(needle)
        with self._answers_lock:
            self._answers[key] = found
            if len(self._answers) > self.CACHE_SIZE:
                self._answers.popitem(last=False)
        return found

    def keep_only(self, segment_ids: set[str]) -> None:
        """Forget the segments that are no longer part of the index."""
        with self._lock:
            for key in set(self._segments) - segment_ids:
                del self._segments[key]

    def loaded(self) -> set[str]:
        return set(self._segments)

    def original(self, searcher, docnum: int) -> str | None:
        """The text (:func:`document_text`) of a global docnum, if its
        segment is loaded (None otherwise: this never waits for a load)."""
        for reader, offset in reversed(searcher.reader().leaf_readers()):
            if docnum >= offset:
                segment = reader.segment()
                texts = self._segments.get(segment.segment_id()) if segment is not None else None
                return texts.original(docnum - offset) if texts is not None else None
        return None


class LiteralQuery(wq.Query):
    """Matches the documents containing ``text`` verbatim (normalised);
    each match scores ``boost``."""

    def __init__(self, text: str, store: LiteralStore, boost: float = 1.0):
        self.text = normalize(text)
        self.store = store
        self.boost = boost

    def __repr__(self):
        return f"{self.__class__.__name__}({self.text!r}, boost={self.boost})"

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and other.text == self.text
            and other.store is self.store
            and other.boost == self.boost
        )

    def __hash__(self):
        return hash((type(self).__name__, self.text, self.boost))

    def estimate_size(self, ixreader) -> int:
        return ixreader.doc_count_all()

    def estimate_min_size(self, ixreader) -> int:
        return 0

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        docs = self.store.find(reader, self.text)
        if docs and reader.has_deletions():
            docs = [d for d in docs if not reader.is_deleted(d)]
        if not docs:
            return NullMatcher()
        return ListMatcher(docs, all_weights=self.boost)
