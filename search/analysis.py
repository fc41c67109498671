"""Chinese/English text analysis shared by the index writer and the searcher.

The import path of :class:`ChineseTokenizer` is part of the on-disk format:
Whoosh pickles the analyzers into the index's TOC file.

The words analysis (title, summary, tags, body): jieba's default segmentation of each run of
  CJK text, plus, at the same position, the shorter dictionary words inside a
  long word (jieba's "search engine" granularity).  Positions count words, so
  phrase queries work; English words, numbers and versions (``5.23``,
  ``node.js``, ``c++``, ``c#``, ``.net``) are kept whole, of single letters only ``c`` and ``r``
  (:data:`LANGUAGE_LETTERS`), their parts are added at the same
  position, and alphabetic words are stemmed.

Text is normalised first by :func:`normalize`, which keeps the length of the
text, so character offsets in normalised text are offsets in the original text.
Normalising folds traditional characters to simplified ones (繁简通搜), by the
character table search/data/traditional_chars.txt derived from OpenCC
(scripts/make_fold_table.py), so both scripts match each other everywhere.
"""

from __future__ import annotations

import functools
import logging
import marshal
import re
import threading
import types
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import jieba
import numpy as np
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem as porter_stem

from search.whoosh_adapter import cut_dag

jieba.setLogLevel(logging.WARNING)


def _load_whole(file):
    """``marshal.load`` of a file read at once.  jieba loads its dictionary
    cache with ``marshal.load(file)``, which on Python 3 reads the file object
    a few bytes at a time, several times slower than ``marshal.loads`` of its
    bytes (jieba issue #862).  Every start of a server and every build pays
    it once."""
    return marshal.loads(file.read())


# jieba 0.42.1 uses its module's ``marshal`` only to load and dump that cache.
jieba.marshal = types.SimpleNamespace(load=_load_whole, dump=marshal.dump)

#: What counts as CJK text, everywhere: the ideographs of the BMP (extension
#: A, unified, compatibility), as (first, last) code points.
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
#: The same, as the body of a regex character class.
CJK_CHARS = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in CJK_RANGES)
#: A run of CJK characters.
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
#: The part of a Latin word between its separators (letters and digits).
LATIN_PART = re.compile(r"[0-9a-z\u00c0-\u024f]+")
#: A Latin/digit word (of normalised text) that may carry a leading dot
#: (.net, .bashrc), inner dots, dashes, underscores and apostrophes, and a
#: trailing ++ or # (c++, c#).
LATIN_WORD = re.compile(rf"\.?{LATIN_PART.pattern}(?:[._\-']{LATIN_PART.pattern})*(?:\+\+|#)?")
#: A run of the characters Latin words are made of: no Latin word crosses its ends.
LATIN_RUN = re.compile(r"[0-9a-z\u00c0-\u024f._\-'+#]+")
# A token of the words analysis: a run of CJK text, or a Latin word.
_WORD = re.compile(f"(?P<cjk>{CJK_RUN.pattern})|(?P<latin>{LATIN_WORD.pattern})")

# Full-width ASCII variants and the ideographic space map to their ASCII forms.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20


def _traditional_table() -> dict[int, int]:
    """Traditional character -> simplified character, one to one."""
    path = Path(__file__).resolve().parent / "data" / "traditional_chars.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            table[ord(line[0])] = ord(line[1])
    return table


_TRADITIONAL = _traditional_table()
#: Every character :func:`normalize` folds from traditional to simplified.
TRADITIONAL_CHARS = "".join(map(chr, sorted(_TRADITIONAL)))
_FOLD_TABLE = {**_WIDTH_TABLE, **_TRADITIONAL}
# The same table as an array over the BMP (identity elsewhere), for long texts.
_FOLD_POINTS = np.arange(0x10000, dtype="<u4")
_FOLD_POINTS[list(_FOLD_TABLE)] = list(_FOLD_TABLE.values())


def normalize(text: str) -> str:
    """Fold full-width forms to half-width, traditional characters to
    simplified ones and case to lower case.

    The result always has the same length as ``text``, character for character,
    so offsets found in the normalised text apply to the original.
    """
    folded = text.translate(_FOLD_TABLE) if len(text) < 256 else _fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # A few characters lower-case to two (U+0130); keep those as they are.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def _fold(text: str) -> str:
    """``text.translate(_FOLD_TABLE)`` as an array lookup: str.translate
    looks up every non-ASCII character in the table one at a time, which
    dominates the folding of a long Chinese text."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    folded = np.where(points <= 0xFFFF, _FOLD_POINTS[np.minimum(points, 0xFFFF)], points)
    return folded.astype("<u4").tobytes().decode("utf-32-le")


#: Single letters that are words: the names of the C and R languages.
LANGUAGE_LETTERS = frozenset("cr")

_jieba_lock = threading.Lock()


def load_user_dictionary(path: str | Path) -> None:
    """Add the domain words of a jieba user dictionary (one word a line)."""
    with _jieba_lock:
        jieba.load_userdict(str(path))
    stem.cache_clear()
    _segment.cache_clear()


def keep_segmented_runs(runs: int) -> None:
    """Keep at most ``runs`` CJK runs segmented (:func:`_segment`), instead
    of :data:`SEGMENTED_RUNS`: a long-lived search process, whose snippets
    segment the runs of the articles it shows, trades a little speed for a
    smaller, stable memory (web.create_app)."""
    global _segment
    _segment = functools.lru_cache(maxsize=runs)(_segment.__wrapped__)


def preload() -> None:
    """Load jieba's dictionary now (once per process; a forking server or
    indexer calls it before the fork so that the children share it)."""
    if not jieba.dt.initialized:
        with _jieba_lock:
            if not jieba.dt.initialized:
                jieba.initialize()


def dictionary_frequency(word: str) -> int:
    """How often jieba's dictionary says ``word`` occurs (0 for a word it
    does not know, such as one its HMM made of unknown characters)."""
    preload()
    return jieba.dt.FREQ.get(word) or 0


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character (see :data:`CJK_RANGES`)."""
    return CJK_RUN.search(text) is not None


# The caches below memoise pure functions of the text and of jieba's
# dictionary, which is process-wide (as jieba is): the index writer's
# tokenizer uses them without any Index; a new user dictionary clears them.
@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Porter stem of an ASCII alphabetic word; any other word as it is."""
    return porter_stem(word) if word.isalpha() and word.isascii() else word


#: jieba's memory grows with the length of the text it is given: a CJK run
#: without punctuation (a pathological file) is cut in pieces of this size.
MAX_RUN = 1000


#: CJK runs kept segmented: an index build meets the same short runs again
#: and again (see :func:`_segment`).
SEGMENTED_RUNS = 20_000


@functools.lru_cache(maxsize=SEGMENTED_RUNS)
def _segment(run: str) -> tuple[tuple[tuple[str, int, int, int], ...], int]:
    """The words of a CJK run: ((term, index, start, end), ...), main-word count.

    Main words are jieba's default segmentation, numbered by ``index``; the
    dictionary words of two and three characters inside a longer main word
    follow it with the same index.  Cached: short runs recur a lot in an
    archive (about one CJK character in seven is in a run seen before).
    """
    freq = jieba.dt.FREQ
    terms = []
    offset = 0
    index = -1
    pieces = (run[i : i + MAX_RUN] for i in range(0, len(run), MAX_RUN))
    for word in (w for piece in pieces for w in _cut(piece)):
        width = len(word)
        index += 1
        terms.append((word, index, offset, offset + width))
        if width > 2:
            for n in (2, 3):
                for i in range(width - n + 1):
                    sub = word[i : i + n]
                    if sub != word and freq.get(sub):
                        terms.append((sub, index, offset + i, offset + i + n))
        offset += width
    return tuple(terms), index + 1


#: The characters jieba cuts by its dictionary (its ``re_han_default`` less
#: the Latin letters and digits, which never occur in a CJK run).
_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")


def _cut(run: str) -> Iterator[str]:
    """jieba's default segmentation (with its HMM) of a CJK run.  A run of
    :data:`_JIEBA_HAN` characters is given to the step that ``jieba.cut``
    gives it after splitting the text at other characters and decoding it
    (search.whoosh_adapter.cut_dag): the same words, without ``jieba.cut``'s
    splitting and decoding of every run again (bench/build.py measures the cut)."""
    if _JIEBA_HAN.fullmatch(run):
        return cut_dag(run)
    return jieba.dt.cut(run, HMM=True)


@functools.lru_cache(maxsize=100_000)
def _latin(word: str) -> tuple[tuple[str, int, int], ...]:
    """The terms of a Latin token: (term, start, end) of the whole, then of
    its parts but single letters (``c`` of ``c++`` is not the C language)."""
    terms = [(stem(word), 0, len(word))]
    if not word.isalnum():
        terms.extend(
            (stem(part.group()), part.start(), part.end())
            for part in LATIN_PART.finditer(word)
            if part.group() != word and not (len(part.group()) == 1 and part.group().isalpha())
        )
    return tuple(terms)


def _pieces(text: str):
    """(start, terms, count) for each CJK run and each Latin token of ``text``."""
    preload()
    for match in _WORD.finditer(text):
        run = match.group("cjk")
        if run is not None:
            if len(run) <= 64:
                terms, count = _segment(run)
            else:
                terms, count = _segment.__wrapped__(run)
            yield match.start(), terms, count
            continue
        word = match.group()
        if len(word) == 1 and not word.isdigit() and word not in LANGUAGE_LETTERS:
            continue  # single Latin letters are noise, as in jieba's own analyzer
        yield match.start(), tuple((t, 0, s, e) for t, s, e in _latin(word)), 1


def iter_words(text: str) -> Iterator[tuple[str, int, int, int]]:
    """Yield (term, position, startchar, endchar) for normalised ``text``.

    Positions number the main words 0, 1, 2, ...; a sub-word or a part of a
    compound Latin token shares the position of the word it is part of.
    """
    pos = 0
    for start, terms, count in _pieces(text):
        for term, index, s, e in terms:
            yield term, pos + index, start + s, start + e
        pos += count


def main_word_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of the main words (as :func:`iter_words` numbers them)
    of normalised ``text`` in the CJK runs and Latin tokens that overlap one
    of the sorted ``spans``; the other runs are not segmented."""
    words = []
    at = 0  # spans before this one end before the current token
    for match in _WORD.finditer(text):
        start, end = match.span()
        while at < len(spans) and spans[at][1] <= start:
            at += 1
        if at == len(spans):
            break
        if spans[at][0] >= end:
            continue
        for piece_start, terms, _ in _pieces(match.group()):
            last = None
            for _, index, s, e in terms:
                if index != last:
                    words.append((start + piece_start + s, start + piece_start + e))
                    last = index
    return words


def word_positions(text: str) -> dict[str, list[int]]:
    """The words analysis of normalised ``text`` as term -> sorted positions."""
    positions: dict[str, list[int]] = defaultdict(list)
    pos = 0
    for _, terms, count in _pieces(text):
        for term, index, _, _ in terms:
            plist = positions[term]
            p = pos + index
            if not plist or plist[-1] != p:
                plist.append(p)
        pos += count
    return positions


def analyze(text: str) -> tuple[str, ...]:
    """The index terms of a query word (or any text) in jieba's default mode:
    main words only, normalised, stemmed."""
    terms, last_pos = [], None
    for term, pos, _, _ in iter_words(normalize(text)):
        if pos != last_pos:
            terms.append(term)
        last_pos = pos
    return tuple(terms)


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer for the words analysis (see :func:`iter_words`).

    In ``mode="query"`` only main words are produced (jieba's default mode),
    so a query word is not also searched as its own sub-words.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = normalize(value)
        last_pos = None
        for term, pos, start, end in iter_words(text):
            if mode == "query" and pos == last_pos:
                continue
            last_pos = pos
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token
