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
        """``parsed`` (of ``text``, at most ``max_words`` words) with the
        mainland forms of each chunk typed (a word, or an unspaced run
        searched as its words) ORed in (not typed: no span).  The new words
        of a converted chunk (軟體 -> 软件, 記憶體 -> 内存) join the clauses of
        the chunk whose words the conversion changed: one each, in order,
        when there are as many; otherwise all of them each."""
        clauses = list(parsed.clauses)
        for chunk in parsed.typed_words():
            converted = self.mainland(text[chunk.span[0]:chunk.span[1]])
            if converted is None:
                continue
            theirs = [w for w in parse(converted, max_words).words() if w.span is not None]
            mine = [i for i, c in enumerate(clauses) if _within(c.words[0].span, chunk.span)]
            known = {w.text for i in mine for w in clauses[i].words}
            added = [replace(w, span=None) for w in theirs if w.text not in known]
            kept = {w.text for w in theirs}
            changed = [i for i in mine if clauses[i].words[0].text not in kept]
            # as many new words as changed ones: each takes the place of one, in order
            paired = [[w] for w in added] if len(added) == len(changed) else [added] * len(changed)
            for i, words in zip(changed, paired):
                if words:
                    clauses[i] = Clause([*clauses[i].words, *words], negated=clauses[i].negated)
        return replace(parsed, clauses=clauses)


def _within(span: tuple[int, int] | None, outer: tuple[int, int]) -> bool:
    return span is not None and outer[0] <= span[0] and span[1] <= outer[1]
