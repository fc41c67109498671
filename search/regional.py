"""Taiwan and Hong Kong vocabulary in a query: 軟體 also searches 软件.

Character folding (search.analysis.normalize) makes 內核 match 内核, but
some words differ between the regions, not only their characters (軟體 /
软件, 記憶體 / 内存, 影片 / 视频).  A query with traditional characters is
converted with OpenCC ``tw2sp`` (Taiwan phrases to mainland simplified), and
each word that the conversion changes is also searched in its mainland form,
as an alternative of equal weight.  Query time only: nothing is reindexed.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import opencc

from search.analysis import TRADITIONAL_CHARS
from search.query import Clause, ParsedQuery, parse

_TRADITIONAL = frozenset(TRADITIONAL_CHARS)


class RegionalVocabulary:
    """The converter of one Index (OpenCC objects are not shared across threads)."""

    def __init__(self):
        self._converter = opencc.OpenCC("tw2sp")
        self._lock = threading.Lock()

    def mainland(self, text: str) -> str | None:
        """``text`` in mainland vocabulary, or None when it has no traditional
        character or the conversion changes no word."""
        if not _TRADITIONAL.intersection(text):
            return None
        with self._lock:
            converted = self._converter.convert(text)
        return converted if converted != text else None

    def expand(self, parsed: ParsedQuery, text: str, max_words: int) -> ParsedQuery:
        """``parsed`` (of ``text``, at most ``max_words`` words) with each
        word's mainland form ORed in (not typed: no span)."""
        converted = self.mainland(text)
        if converted is None:
            return parsed
        other = parse(converted, max_words)
        if len(other.clauses) != len(parsed.clauses):
            return parsed  # the conversion never changes the query's structure; be safe if it did
        clauses = []
        for mine, theirs in zip(parsed.clauses, other.clauses):
            known = {w.text for w in mine.words}
            added = [replace(w, span=None) for w in theirs.words if w.text not in known]
            clauses.append(Clause([*mine.words, *added], negated=mine.negated) if added else mine)
        return replace(parsed, clauses=clauses)
