"""The query language: text -> :class:`ParsedQuery` -> Whoosh query objects.

Free text is a list of words (whitespace-separated chunks).  Also understood:
``"quoted phrase"``, ``-word`` and ``-"phrase"`` (exclusion; but a dash
before a Latin word of one or two characters, or before another dash, makes
a command-line option that is searched: ``rpm -ql``, ``ls --all``), ``a OR b``, and
the filters ``tag:``, ``category:``, ``author:``, ``year:2019`` and
``date:2019-01..2019-06`` (``date:2019..2020``, ``date:2019-03-01..``,
``date:..2018``).  A language letter and 语言 (``C 语言``, ``R语言``) are
one phrase, the language's name.  Anything else, malformed syntax
included, is searched as text: parsing never raises.  Words after the
first ``max_words`` (see search.limits) are ignored; the length of the text
is checked before, by search.request (a longer q is refused, not cut).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from search.analysis import (
    LANGUAGE_LETTERS,
    LATIN_PART,
    analyze,
    dictionary_frequency,
    has_cjk,
    iter_words,
    normalize,
)
from search.limits import LIMITS

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\uff02": '"'})
_TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>tag|category|author|year|date):)?'
    r'(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))'
)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")

#: Question and function words, Chinese and English (as their index terms):
#: a query word need not match them (they still count in phrases and in the
#: word's verbatim match), and a clause of only such words is not required
#: when the query has other words.
FUNCTION_WORDS = frozenset(
    "怎么 怎样 怎么样 如何 什么 为什么 为何 哪些 哪个 哪里 哪儿 是否 能否 能不能 可不可以 "
    "吗 呢 吧 啊 的 地 得 了 着 过 在 里 中 和 与 及 或 是 有 用 把 被 对 从 到 给 让 "
    "我 你 他 它 我们 你们 这 那 这个 那个 一个 什么样 怎么办 多少 几 可以 应该 要 会 "
    "什么时候 啥 到底 要不要 是不是 有没有 会不会 行不行 好不好 一下 一些 还是 就 都 也 很 不 不要 还 最 更 又 再 才 上 下 "
    "个 种 是什么 意思 什么意思 是什么意思 有什么 有哪些 为啥 咋 咋样 请问".split()
) | frozenset(
    term
    for word in ("the an is are was were be been of to in on for and or with how what which why when where who do does "
                 "did can could should would my me you your it its this that these those by from as at vs not no").split()
    for term in analyze(word)
)

#: Why a search returned nothing without searching (``SearchResults.notice``):
#: its words are only stop words (see :attr:`Word.stop`), or none of its
#: words has anything an article could be found by (``!!!``, Hangul).
ONLY_STOP_WORDS = "only_stop_words"
UNSEARCHABLE = "unsearchable"


@dataclass(frozen=True)
class Word:
    """One query word: a normalised chunk of text, or a quoted phrase, with
    its index terms (analysed once, here) and where it was typed.  ``boost``
    scales its scores (a synonym added by search.synonyms)."""

    text: str
    phrase: bool = False
    terms: tuple[str, ...] = field(default=None, compare=False, repr=False)  # analyze(text)
    span: tuple[int, int] | None = field(default=None, compare=False, repr=False)  # in the query text
    boost: float = 1.0

    def __post_init__(self):
        if self.terms is None:
            object.__setattr__(self, "terms", analyze(self.text))

    @property
    def cjk(self) -> bool:
        """Whether the word holds CJK text (it then also matches verbatim)."""
        return has_cjk(self.text)

    @property
    def stop(self) -> bool:
        """Whether the word is a stop word, too common or too short to search
        for on its own: unquoted, and only question and function words
        (:data:`FUNCTION_WORDS`) or single Latin letters (which have no index
        term, but ``c`` and ``r``: search.analysis.LANGUAGE_LETTERS)."""
        if self.phrase:
            return False
        if self.terms:
            return all(t in FUNCTION_WORDS for t in self.terms)
        letters = LATIN_PART.findall(self.text)
        return bool(letters) and all(len(p) == 1 and p.isalpha() for p in letters)

    @property
    def content_terms(self) -> tuple[str, ...]:
        """The terms that must match: all but question and function words
        (all of them if nothing else is left)."""
        return tuple(t for t in self.terms if t not in FUNCTION_WORDS) or self.terms


@dataclass
class Clause:
    """Words joined by OR; a negated clause excludes what it matches."""

    words: list[Word]
    negated: bool = False

    @property
    def required(self) -> bool:
        """Whether every hit must match the clause: a quoted phrase (or a
        language name, C 语言) typed in it; other clauses add to the hits."""
        return any(w.phrase and w.span is not None for w in self.words)

    @property
    def optional(self) -> bool:
        """Whether every word of the clause is a question or function word
        (such a clause need not match when the query has other clauses)."""
        return all(w.stop for w in self.words)


@dataclass(frozen=True)
class Filter:
    """A field filter typed in the query: ``tag`` (normalised value),
    ``category`` (as typed), ``author`` (lower case) or ``date`` (a half-open
    (start, end) range; ``year:`` gives one too).  ``-tag:x`` excludes."""

    name: str
    value: object
    negated: bool = False


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    #: The unspaced runs typed as one chunk and searched as their words
    #: (``容器镜像瘦身``): they match nothing themselves, but an article
    #: having one verbatim ranks higher (search.score).
    runs: list[Word] = field(default_factory=list)

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self) -> list[Clause]:
        return [c for c in self.clauses if c.negated]

    def words(self) -> list[Word]:
        """Every positive word, in query order."""
        return [w for c in self.positive for w in c.words]

    def stop_words(self) -> list[str]:
        """The stop words (:attr:`Word.stop`) of a query that has nothing
        else to search: no other word with an index term, no exclusion and no
        filter; otherwise [].  Such a query would match every article."""
        words = self.words()
        if self.filters or self.negative or not all(w.stop or not w.terms for w in words):
            return []
        return list(dict.fromkeys(w.text for w in words if w.stop))

    def phrase_boosts(self) -> list[tuple[str, ...]]:
        """Term sequences that rank a document higher where they stand
        consecutive in one of its fields; they match nothing on their own:
        each unquoted word of several Latin terms (``docker-compose``), and
        a one-letter language word (c, r: search.analysis.LANGUAGE_LETTERS)
        with the word typed next to it (in ``R 语言``, the articles naming
        the language rank above those with the letter elsewhere)."""
        words = self.words()
        found = [w.terms for w in words if not w.phrase and len(w.terms) > 1 and not w.cjk]
        typed = sorted((w for w in words if w.span is not None and not w.phrase and w.terms), key=lambda w: w.span)
        for first, second in zip(typed, typed[1:]):
            if _is_letter(first) or _is_letter(second):
                found.append((first.terms[-1], second.terms[0]))
        return list(dict.fromkeys(found))

    def unsearchable_words(self) -> list[str]:
        """The words of a query none of whose words has an index term or
        CJK text (``!!!``, ``안녕``), with no exclusion and no filter; otherwise
        [].  Such a query would match every article."""
        words = self.words()
        if self.filters or self.negative or any(w.terms or w.cjk or w.stop for w in words):
            return []
        return list(dict.fromkeys(w.text for w in words))

    def typed_words(self) -> list[Word]:
        """Every word typed as free text (excluded ones too, filters with a
        bad value not), an unspaced run as typed rather than its words, in
        query order: what a spelling fix may change."""
        inside = [run.span for run in self.runs]
        words = [w for c in self.clauses for w in c.words
                 if w.span is not None and not any(s <= w.span[0] and w.span[1] <= e for s, e in inside)]
        return sorted(words + self.runs, key=lambda w: w.span)


def _split_run(word: Word) -> list[Word]:
    """An unquoted chunk holding CJK text as its words, one per word jieba
    finds in it (``容器镜像瘦身`` -> 容器, 镜像, 瘦身): every word of a
    query counts the same, typed with spaces or not.  A chunk of one word,
    a quoted phrase and a chunk without CJK text stay as they are."""
    if word.phrase or word.span is None or len(word.terms) < 2 or not word.cjk:
        return [word]
    parts, last = [], None
    for term, position, start, end in iter_words(word.text):
        if position != last:  # a main word, not a sub-word of the one before
            pieces = _glued(term) or [(term, 0, len(term))]
            for piece, at, until in pieces:
                span = (word.span[0] + start + at, word.span[0] + start + until)
                parts.append(Word(word.text[start + at:start + until], terms=(piece,), span=span))
        last = position
    return parts


def _glued(term: str) -> list[tuple[str, int, int]]:
    """The characters of a word jieba made of function words it does not
    know as a word (里用 of 在终端里用谷歌), each a word of its own; else []."""
    if len(term) < 2 or dictionary_frequency(term) or not all(c in FUNCTION_WORDS for c in term):
        return []
    return [(c, i, i + 1) for i, c in enumerate(term)]


#: A CJK word of three or more characters that jieba's dictionary counts
#: fewer times than this is also searched as the words inside it.
RARE_WORD = 10
#: Score factor of the dictionary words inside a long query word
#: (音频视频: 音频, 视频) against the word's own.
SUB_WORD_BOOST = 0.5


def _sub_words(word: Word) -> list[Word]:
    """The widest dictionary words inside a rare CJK word of three or more
    characters (音频视频: 音频, 视频), or its character pairs when there is
    none (用谷歌: 用谷, 谷歌), as alternatives of it:
    jieba makes such words of a query (a verb glued to its object, two
    nouns) where a text has the parts apart (音频和视频, 用 Google).  Not
    typed (no span); scored by :data:`SUB_WORD_BOOST`."""
    if word.phrase or len(word.terms) != 1 or len(word.text) < 3 or not word.cjk:
        return []
    if dictionary_frequency(word.terms[0]) >= RARE_WORD:
        return []
    inside = {(start, end): term for term, _, start, end in iter_words(word.text)
              if term != word.terms[0] and end - start > 1}
    widest = [term for (start, end), term in inside.items()
              if not any(s <= start and end <= e and (s, e) != (start, end) for s, e in inside)]
    if not widest:  # no dictionary word inside (用谷歌: jieba's dictionary lacks 谷歌): its pairs
        widest = [word.text[i:i + 2] for i in range(len(word.text) - 1)]
    return [Word(term, terms=analyze(term), boost=SUB_WORD_BOOST) for term in dict.fromkeys(widest)]


def _is_letter(word: Word) -> bool:
    return len(word.terms) == 1 and word.terms[0] in LANGUAGE_LETTERS


def _prepared(text: str) -> tuple[str, str]:
    """The query cleaned, and normalised (both of the same length: offsets
    in one are offsets in the other)."""
    raw = _CONTROL.sub(" ", str(text)).translate(_QUOTES)
    return raw, normalize(raw)


def parse(text: str, max_words: int = LIMITS.max_words) -> ParsedQuery:
    """Parse free text; never raises."""
    raw, folded = _prepared(text)
    parsed = ParsedQuery()
    join_next = False
    count = 0
    for match in _TOKEN.finditer(folded):
        if count >= max_words:
            break
        count += 1
        group = "quoted" if match.group("quoted") is not None else "bare"
        value = match.group(group)
        original = raw[match.start(group) : match.end(group)]
        negated = bool(match.group("neg")) and not _is_option(match)
        if match.group("bare") == "or" and original == "OR" and not negated:
            join_next = bool(parsed.clauses) and not parsed.clauses[-1].negated
            continue  # joins its neighbours; a stray OR is dropped
        name = match.group("field")
        found = name and _filter(name, value, original, negated)
        if found:
            parsed.filters.append(found)
            join_next = False
            continue
        span = None if name else match.span(group)
        if name:  # a filter with a bad value is searched as text
            value = match.group()[len(match.group("neg") or "") :].strip('"')
        word = Word(" ".join(value.split()), phrase=match.group("quoted") is not None, span=span)
        if not word.text:
            continue
        if join_next and not negated:
            parsed.clauses[-1].words.append(word)
        else:
            parts = [word] if negated else _split_run(word)
            if len(parts) > 1:
                parsed.runs.append(word)
            parsed.clauses.extend(Clause([part, *([] if negated else _sub_words(part))], negated) for part in parts)
        join_next = False
    _join_language_names(parsed)
    return parsed


#: The longest Latin word that a dash before it makes a command-line option
#: (``rpm -ql``, ``ls -l``) rather than an exclusion.
OPTION_CHARS = 2


def _is_option(match: re.Match) -> bool:
    """Whether a dashed token is a command-line option, searched as a word:
    a short Latin word (``-ql``, ``-L``) or a long option (``--help``)."""
    bare = match.group("bare")
    if bare is None or match.group("field"):
        return False
    return bare.startswith("-") or (len(bare) <= OPTION_CHARS and bare.isascii() and bare.isalnum())


#: The word that makes a language name of a language letter typed before it.
LANGUAGE_WORD = "语言"
_LANGUAGE_NAMES = {(letter, LANGUAGE_WORD) for letter in LANGUAGE_LETTERS}


def _join_language_names(parsed: ParsedQuery) -> None:
    """A language letter and 语言 (``C 语言``, ``R语言``) are one phrase, the
    language's name: its articles are those that name it, not those with the
    letter anywhere and 语言 elsewhere."""
    for clause in parsed.clauses:
        for i, word in enumerate(clause.words):
            if not word.phrase and word.terms in _LANGUAGE_NAMES:
                clause.words[i] = replace(word, phrase=True)
    at = 0
    while at + 1 < len(parsed.clauses):
        first, second = parsed.clauses[at : at + 2]
        if _joinable(first, second):
            (letter,), (word,) = first.words, second.words
            space = " " if letter.span[1] < word.span[0] else ""  # R语言 stays as typed
            joined = Word(f"{letter.text}{space}{word.text}", phrase=True, span=(letter.span[0], word.span[1]))
            parsed.clauses[at : at + 2] = [Clause([joined])]
        at += 1


def _joinable(first: Clause, second: Clause) -> bool:
    if first.negated or second.negated or len(first.words) != 1 or len(second.words) != 1:
        return False
    letter, word = first.words[0], second.words[0]
    return (not letter.phrase and not word.phrase and letter.span is not None and word.span is not None
            and len(letter.terms) == 1 and letter.terms[0] in LANGUAGE_LETTERS and word.text == LANGUAGE_WORD)


def _filter(name: str, value: str, original: str, negated: bool) -> Filter | None:
    value = value.strip()
    if not value:
        return None
    if name == "category":
        return Filter(name, original.strip(), negated)
    if name in ("tag", "author"):
        return Filter(name, value, negated)
    span = year_range(value) if name == "year" else date_range(value)
    return Filter("date", span, negated) if span else None


def year_range(value: str) -> tuple[datetime, datetime] | None:
    """[1 January, next 1 January) of a year given as text, or None."""
    if not re.fullmatch(r"\d{4}", value) or not 1 <= int(value) <= 9998:
        return None
    return datetime(int(value), 1, 1), datetime(int(value) + 1, 1, 1)


def date_range(value: str) -> tuple[datetime | None, datetime | None] | None:
    """The half-open range of ``2019``, ``2019-03``, ``2019-03-01`` or ``A..B``
    (either side may be empty), or None when it is not a date."""
    start_text, sep, end_text = value.partition("..")
    start = _date_bounds(start_text) if start_text else (None, None)
    end = _date_bounds(end_text) if end_text else (None, None)
    if start is None or end is None or (not sep and not start_text):
        return None
    if not sep:
        return start
    if start[0] is None and end[1] is None:
        return None
    return start[0], end[1]


def _date_bounds(text: str) -> tuple[datetime, datetime] | None:
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            first = datetime(year, month, day)
            return first, datetime.fromordinal(first.toordinal() + 1)
        if month is not None:
            first = datetime(year, month, 1)
            return first, datetime(year + month // 12, month % 12 + 1, 1)
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    except (ValueError, OverflowError):
        return None
