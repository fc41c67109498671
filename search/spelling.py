""""Did you mean": a query's unknown English words replaced by known ones."""

from __future__ import annotations

import re

from search.analysis import normalize
from search.query import ParsedQuery

_ENGLISH = re.compile(r"(?<![\w:.\-])[A-Za-z\uff21-\uff3a\uff41-\uff5a]{3,}(?![\w.\-])")


def did_you_mean(searcher, query: str, parsed: ParsedQuery) -> str | None:
    """The query with its unknown English words replaced by the closest word
    of the index vocabulary, or None when every word is known.  Only free
    text is corrected (``parsed`` is ``query`` parsed, and says where its
    words are): filters (``tag:Vim``) stay as typed."""
    reader = searcher.reader()
    changed = False
    corrector = None

    def fix(match: re.Match) -> str:
        nonlocal changed, corrector
        word = normalize(match.group())
        if reader.doc_frequency("vocabulary", word):
            return match.group()
        corrector = corrector or searcher.corrector("vocabulary")
        found = corrector.suggest(word, limit=1, maxdist=2)
        if not found or found[0] == word:
            return match.group()
        changed = True
        return found[0]

    text = str(query)
    pieces, at = [], 0
    for start, end in (w.span for w in parsed.typed_words()):
        pieces += [text[at:start], _ENGLISH.sub(fix, text[start:end])]
        at = end
    pieces.append(text[at:])
    return "".join(pieces) if changed else None
