"""The literal-substring guarantee, without a character field in the index.

A document whose normalised title, summary or text contains a query word
verbatim is found even where jieba segmented it differently (``处理`` in
``待处理器``).  :class:`LiteralStore` keeps, per index segment, the normalised
text of each document as UTF-8 bytes and a CJK character -> docnums index.
Candidates for a word are the documents of its rarest CJK character, minus
those its jieba query already matched; each is verified with a substring test.

Segments are immutable in Whoosh, so an entry keyed by the segment id stays
valid for the segment's life: after an incremental reindex only the new
segments are loaded.  Deletions are checked at query time.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from search.analysis import normalize
from search.document import from_stored

logger = logging.getLogger(__name__)

#: The CJK ideographs of search.analysis.CJK_CHARS, as a set.
_CJK_SET = frozenset(
    chr(c)
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
    for c in range(lo, hi + 1)
)


def searchable_text(stored: dict) -> str:
    """The normalised title, summary and plain text of a stored document."""
    article = from_stored(stored)
    return normalize(f"{article.title}\n{article.summary}\n{article.text}")


class SegmentTexts:
    """The normalised texts of one segment and its CJK character index."""

    def __init__(self, texts: list[str]):
        chars: dict[str, array] = {}
        for docnum, text in enumerate(texts):
            for char in _CJK_SET.intersection(text):
                docs = chars.get(char)
                if docs is None:
                    docs = chars[char] = array("I")
                docs.append(docnum)
        self.chars = chars
        self.texts = [text.encode("utf-8") for text in texts]

    @classmethod
    def load(cls, reader) -> SegmentTexts:
        texts = []
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                texts.append("")
            else:
                texts.append(searchable_text(reader.stored_fields(docnum)))
        return cls(texts)

    def find(self, needle: str, skip) -> list[int]:
        """Docnums whose text contains ``needle`` (normalised, with CJK)."""
        postings = [self.chars.get(c) for c in _CJK_SET.intersection(needle)]
        if not postings or not all(postings):
            return []
        rarest = min(postings, key=len)
        pattern = needle.encode("utf-8")
        texts = self.texts
        return [d for d in rarest if not skip(d) and pattern in texts[d]]


class LiteralStore:
    """Per-segment :class:`SegmentTexts`, loaded on first use; thread-safe."""

    def __init__(self):
        self._segments: dict[str, SegmentTexts] = {}
        self._lock = threading.Lock()

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
                    logger.info(
                        "literal texts of segment %s: %d docs in %.2f s",
                        key, len(texts.texts), time.perf_counter() - started,
                    )
        return texts

    def keep_only(self, segment_ids: set[str]) -> None:
        """Forget the segments that are no longer part of the index."""
        with self._lock:
            for key in set(self._segments) - segment_ids:
                del self._segments[key]

    def loaded(self) -> set[str]:
        return set(self._segments)


class LiteralQuery(wq.Query):
    """Matches the documents containing ``text`` verbatim (normalised), except
    those matched by ``exclude`` (its jieba query: they need no verifying).
    Each match scores ``boost``."""

    def __init__(self, text: str, store: LiteralStore, exclude: wq.Query | None = None, boost: float = 1.0):
        self.text = normalize(text)
        self.store = store
        self.exclude = exclude
        self.boost = boost

    def __repr__(self):
        return f"{self.__class__.__name__}({self.text!r})"

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and other.text == self.text
            and other.store is self.store
            and other.exclude == self.exclude
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
        texts = self.store.segment(reader)
        if texts is None:
            return NullMatcher()
        skip = set()
        if self.exclude is not None:
            skip = set(self.exclude.docs(searcher))
        deleted = reader.is_deleted if reader.has_deletions() else None
        docs = texts.find(self.text, lambda d: d in skip or (deleted is not None and deleted(d)))
        if not docs:
            return NullMatcher()
        return ListMatcher(docs, all_weights=self.boost)
