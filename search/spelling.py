""""Did you mean": typo hints for English words, homophones and pinyin.

Three kinds of correction, each ranked by the candidates' document
frequency in the index:

- an unknown English word: the words of the index vocabulary within edit
  distance 2 (rapidfuzz over the vocabulary, a few milliseconds);
- a Chinese word that is no dictionary word, typed with the wrong characters
  of the right sound (内和 for 内核): the dictionary words of the same
  toneless pinyin;
- pinyin typed for a Chinese word (``neihe``, or its initials ``nh``): the
  dictionary words of that pinyin.

The pinyin of a word is that of its characters, and the dictionary words of
each pinyin come from :mod:`search.pinyin` (read from the index folder, or
built, once per :class:`SpellingHints`); a candidate must occur in the index.  The
English vocabulary is in each segment's literal file (search.text_file),
read once per set of segments.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from pathlib import Path

import jieba
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from search.analysis import normalize
from search.pinyin import CJK_WORD, PinyinTable
from search.query import ParsedQuery
from search.texts import ArticleTexts

#: A correction must occur in at least this many documents.
MIN_DOCS = 1

_LATIN = re.compile(r"(?<![\w:.\-])[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}(?![\w.\-])")
_FIELDS = ("title", "body")


class SpellingHints:
    """The corrector of the index in ``index_dir``, whose segments' literal
    files ``literal`` maps (thread-safe; tables read on first use)."""

    def __init__(self, index_dir: str | Path, literal: ArticleTexts):
        self._index_dir = index_dir
        self._literal = literal
        self._lock = threading.Lock()
        self._pinyin: PinyinTable | None = None
        self._vocabulary: tuple[tuple, list[str], Counter] | None = None  # (segment ids, words, document counts)

    def pinyin(self) -> PinyinTable:
        if self._pinyin is None:
            with self._lock:
                if self._pinyin is None:
                    self._pinyin = PinyinTable.load(self._index_dir)
        return self._pinyin

    def vocabulary(self, searcher) -> list[str]:
        """The English words of the index, sorted."""
        return self._english(searcher)[1]

    def _english(self, searcher) -> tuple[tuple, list[str], Counter]:
        """(segment ids, English words, their document counts) of the searcher.

        Read from the segments' literal files once per set of segments, when
        a hint for an unknown English word first needs them; only the totals are kept, not each segment's words."""
        leaves = [leaf for leaf, _ in searcher.reader().leaf_readers()]
        key = tuple(leaf.segment().segment_id() for leaf in leaves)
        entry = self._vocabulary
        if entry is None or entry[0] != key:
            counts = Counter()
            for leaf in leaves:
                counts.update(self._literal.file(leaf).word_counts())
            entry = self._vocabulary = (key, sorted(counts), counts)
        return entry

    def did_you_mean(self, searcher, query: str, parsed: ParsedQuery) -> str | None:
        """The query with its unknown words corrected, or None when there is
        nothing to correct.  Only free text is corrected (``parsed`` is
        ``query`` parsed, and says where its words are): filters
        (``tag:Vim``) stay as typed."""
        text = str(query)
        changed = False

        def fix(match: re.Match) -> str:
            nonlocal changed
            found = self.correct(searcher, match.group())
            if found is None:
                return match.group()
            changed = True
            return found

        pieces, at = [], 0
        for start, end in (w.span for w in parsed.typed_words()):
            span = _LATIN.sub(fix, text[start:end])
            span = CJK_WORD.sub(fix, span) if CJK_WORD.fullmatch(span) else span
            pieces += [text[at:start], span]
            at = end
        pieces.append(text[at:])
        return "".join(pieces) if changed else None

    def correct(self, searcher, word: str) -> str | None:
        """The correction of one word, or None."""
        norm = normalize(word)
        if norm.isascii():
            return self._latin(searcher, norm)
        return self._homophone(searcher, norm)

    def _latin(self, searcher, word: str) -> str | None:
        reader = searcher.reader()
        _, vocabulary, counts = self._english(searcher)
        if counts[word] or _docs(reader, word):
            return None
        chinese = self.pinyin_word(searcher, word)
        if chinese:
            return chinese
        if len(word) < 3:
            return None
        close = process.extract(word, vocabulary, scorer=Levenshtein.distance, score_cutoff=2, limit=20)
        ranked = sorted((distance, -counts[w], w) for w, distance, _ in close)
        return ranked[0][2] if ranked and -ranked[0][1] >= MIN_DOCS else None

    def pinyin_word(self, searcher, text: str) -> str | None:
        """The Chinese word typed as pinyin or its initials, or None."""
        word = normalize("".join(str(text).split()))
        if not (2 <= len(word) <= 24 and word.isascii() and word.isalpha()):
            return None
        table = self.pinyin()
        return _best(searcher.reader(), table.words(word) or table.words_by_initials(word))

    def _homophone(self, searcher, word: str) -> str | None:
        reader = searcher.reader()
        if jieba.dt.FREQ.get(word) or _docs(reader, word):
            return None  # a dictionary word or a word of the index: not a typo
        table = self.pinyin()
        syllables = table.syllables(word)
        if not syllables:
            return None
        return _best(reader, [w for w in table.words("".join(syllables)) if w != word])


def _docs(reader, term: str) -> int:
    return max(reader.doc_frequency(name, term) for name in _FIELDS)


def _best(reader, candidates: list[str]) -> str | None:
    """The candidate found in the most documents (at least MIN_DOCS)."""
    scored = [(_docs(reader, w), w) for w in candidates]
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= MIN_DOCS else None
