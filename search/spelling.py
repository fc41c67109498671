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

The pinyin of a word is that of its characters (pypinyin's table, the first
reading of each character, without tones).  The dictionary is jieba's (words
of 2 to 4 characters seen at least :data:`MIN_WORD_FREQ` times in its
corpus); a candidate must occur in the index.  The tables are built once per
:class:`Typos`, the Latin vocabulary once per searcher generation.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict

import jieba
from pypinyin.pinyin_dict import pinyin_dict
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from search.analysis import normalize, preload
from search.query import ParsedQuery

#: jieba dictionary words below this frequency are not offered as corrections.
MIN_WORD_FREQ = 20
#: Candidates of one pinyin key kept (most frequent in jieba's corpus first).
MAX_PER_KEY = 30
#: A correction must occur in at least this many documents.
MIN_DOCS = 1

_LATIN = re.compile(r"(?<![\w:.\-])[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}(?![\w.\-])")
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
_FIELDS = ("title", "body")


def _toneless(reading: str) -> str:
    plain = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in plain if c.isascii()).replace("u:", "v")


class PinyinTable:
    """Character -> toneless pinyin, and pinyin key -> dictionary words."""

    def __init__(self):
        self.char = {chr(code): _toneless(readings.split(",")[0]) for code, readings in pinyin_dict.items()}
        preload()
        full: dict[str, list[tuple[int, str]]] = defaultdict(list)
        initials: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for word, freq in jieba.dt.FREQ.items():
            if freq >= MIN_WORD_FREQ and 2 <= len(word) <= 4 and _CJK_WORD.fullmatch(word):
                syllables = self.syllables(word)
                if syllables:
                    full["".join(syllables)].append((freq, word))
                    initials["".join(s[0] for s in syllables)].append((freq, word))
        self.full = {k: [w for _, w in sorted(v, reverse=True)[:MAX_PER_KEY]] for k, v in full.items()}
        self.initials = {k: [w for _, w in sorted(v, reverse=True)[:MAX_PER_KEY]] for k, v in initials.items()}

    def syllables(self, word: str) -> list[str] | None:
        found = [self.char.get(c) for c in word]
        return None if not all(found) else found


class Typos:
    """The corrector of one Index (thread-safe; tables built on first use)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pinyin: PinyinTable | None = None
        self._vocabulary: tuple[object, list[str]] | None = None  # (reader key, words)

    def pinyin(self) -> PinyinTable:
        if self._pinyin is None:
            with self._lock:
                if self._pinyin is None:
                    self._pinyin = PinyinTable()
        return self._pinyin

    def vocabulary(self, searcher) -> list[str]:
        """The English words of the index (the ``vocabulary`` field)."""
        reader = searcher.reader()
        key = (reader.generation(), reader.doc_count_all())
        entry = self._vocabulary
        if entry is None or entry[0] != key:
            words = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("vocabulary")]
            entry = self._vocabulary = (key, words)
        return entry[1]

    def warm(self, searcher) -> None:
        self.pinyin()
        self.vocabulary(searcher)

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
            span = _CJK_WORD.sub(fix, span) if _CJK_WORD.fullmatch(span) else span
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
        if reader.doc_frequency("vocabulary", word) or _docs(reader, word):
            return None
        chinese = self.pinyin_word(searcher, word)
        if chinese:
            return chinese
        if len(word) < 3:
            return None
        close = process.extract(word, self.vocabulary(searcher), scorer=Levenshtein.distance,
                                score_cutoff=2, limit=20)
        ranked = sorted((distance, -reader.doc_frequency("vocabulary", w), w) for w, distance, _ in close)
        return ranked[0][2] if ranked and -ranked[0][1] >= MIN_DOCS else None

    def pinyin_word(self, searcher, text: str) -> str | None:
        """The Chinese word typed as pinyin or its initials, or None."""
        word = normalize("".join(str(text).split()))
        if not (2 <= len(word) <= 24 and word.isascii() and word.isalpha()):
            return None
        table = self.pinyin()
        return _best(searcher.reader(), table.full.get(word, []) or table.initials.get(word, []))

    def _homophone(self, searcher, word: str) -> str | None:
        reader = searcher.reader()
        if jieba.dt.FREQ.get(word) or _docs(reader, word):
            return None  # a dictionary word or a word of the index: not a typo
        table = self.pinyin()
        syllables = table.syllables(word)
        if not syllables:
            return None
        return _best(reader, [w for w in table.full.get("".join(syllables), []) if w != word])


def _docs(reader, term: str) -> int:
    return max(reader.doc_frequency(name, term) for name in _FIELDS)


def _best(reader, candidates: list[str]) -> str | None:
    """The candidate found in the most documents (at least MIN_DOCS)."""
    scored = [(_docs(reader, w), w) for w in candidates]
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= MIN_DOCS else None
