"""The query language: text -> :class:`ParsedQuery` -> Whoosh query objects.

Free text is a list of words (whitespace-separated chunks).  Also understood:
``"quoted phrase"``, ``-word`` and ``-"phrase"`` (exclusion), ``a OR b``, and
the filters ``tag:``, ``category:``, ``author:``, ``year:2019`` and
``date:2019-01..2019-06`` (``date:2019..2020``, ``date:2019-03-01..``,
``date:..2018``).  Anything else, malformed syntax included, is searched as
text: parsing never raises.  Input is cut to :data:`MAX_QUERY_CHARS`
characters and :data:`MAX_WORDS` words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime

from whoosh import query as wq

from search.analysis import CJK_CHARS, ChineseTokenizer, normalize
from search.literal import LiteralQuery, LiteralStore
from search.schema import TEXT_FIELDS

MAX_QUERY_CHARS = 256
MAX_WORDS = 32

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\uff02": '"'})
_TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>tag|category|author|year|date):)?'
    r'(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))'
)
_HAS_CJK = re.compile(f"[{CJK_CHARS}]")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class Word:
    """One query word: a normalised chunk of text, or a quoted phrase.
    ``boost`` scales its scores (a synonym added by search.synonyms)."""

    text: str
    phrase: bool = False
    boost: float = 1.0


@dataclass
class Clause:
    """Words joined by OR; a negated clause excludes what it matches."""

    words: list[Word]
    negated: bool = False


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

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    @property
    def negative(self) -> list[Clause]:
        return [c for c in self.clauses if c.negated]

    def words(self) -> list[Word]:
        """Every positive word, in query order."""
        return [w for c in self.positive for w in c.words]


def _prepared(text: str) -> tuple[str, str]:
    """The query cut to size, cleaned, and normalised (all three of the same
    length: offsets in one are offsets in the others)."""
    raw = _CONTROL.sub(" ", str(text)[:MAX_QUERY_CHARS]).translate(_QUOTES)
    return raw, normalize(raw)


def parse(text: str) -> ParsedQuery:
    """Parse free text; never raises."""
    raw, folded = _prepared(text)
    parsed = ParsedQuery()
    join_next = False
    count = 0
    for match in _TOKEN.finditer(folded):
        if count >= MAX_WORDS:
            break
        count += 1
        group = "quoted" if match.group("quoted") is not None else "bare"
        value = match.group(group)
        original = raw[match.start(group) : match.end(group)]
        if match.group("bare") == "or" and original == "OR" and not match.group("neg"):
            join_next = bool(parsed.clauses) and not parsed.clauses[-1].negated
            continue  # joins its neighbours; a stray OR is dropped
        name = match.group("field")
        found = name and _filter(name, value, original, bool(match.group("neg")))
        if found:
            parsed.filters.append(found)
            join_next = False
            continue
        if name:  # a filter with a bad value is searched as text
            value = match.group()[len(match.group("neg") or "") :].strip('"')
        word = Word(" ".join(value.split()), phrase=match.group("quoted") is not None)
        if not word.text:
            continue
        if join_next and not match.group("neg"):
            parsed.clauses[-1].words.append(word)
        else:
            parsed.clauses.append(Clause([word], negated=bool(match.group("neg"))))
        join_next = False
    return parsed


def text_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of what is typed as free text: words and
    quoted phrases (quotes and a leading ``-`` excluded), not filters."""
    _, folded = _prepared(text)
    spans = []
    for match in _TOKEN.finditer(folded):
        if not match.group("field"):
            spans.append(match.span("quoted" if match.group("quoted") is not None else "bare"))
    return spans


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


_TOKENIZER = ChineseTokenizer()


@functools.lru_cache(maxsize=4096)
def analyze(text: str) -> tuple[str, ...]:
    """The index terms of a query word: jieba's default mode, normalised, stemmed."""
    return tuple(t.text for t in _TOKENIZER(text, mode="query"))


def has_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


#: Question and function words: a query word need not match them (they
#: still count in phrases and in the word's verbatim match), and a clause of
#: only such words is not required when the query has other words.
FUNCTION_WORDS = frozenset(
    "怎么 怎样 怎么样 如何 什么 为什么 为何 哪些 哪个 哪里 哪儿 是否 能否 能不能 可不可以 "
    "吗 呢 吧 啊 的 地 得 了 着 过 在 里 中 和 与 及 或 是 有 用 把 被 对 从 到 给 让 "
    "我 你 他 它 我们 你们 这 那 这个 那个 一个 什么样 怎么办 多少 几 可以 应该 要 会 "
    "什么时候 啥".split()
)


def content_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """``terms`` without question and function words (all of them if none is left)."""
    content = tuple(t for t in terms if t not in FUNCTION_WORDS)
    return content or terms


def is_function_clause(clause: Clause) -> bool:
    """Whether every word of the clause is a question or function word."""
    return all(not w.phrase and all(t in FUNCTION_WORDS for t in analyze(w.text)) for w in clause.words)


def term_query(term: str, boost: float = 1.0) -> wq.Query:
    """A term in any text field (BM25F: each field scored with its weight)."""
    return wq.Or([wq.Term(name, term) for name in TEXT_FIELDS], boost=boost)


def words_query(terms: tuple[str, ...]) -> wq.Query:
    """Every term, each in any text field."""
    return wq.And([term_query(t) for t in terms]) if len(terms) > 1 else term_query(terms[0])


def phrase_query(terms: tuple[str, ...], boost: float = 1.0) -> wq.Query:
    """The terms at consecutive positions in one text field."""
    return wq.Or([wq.Phrase(name, list(terms)) for name in TEXT_FIELDS], boost=boost)


#: Score of a verbatim (literal) match of a CJK query word of several jieba
#: words, added to its BM25F score: documents with the word verbatim rank
#: above those where its words are scattered.
VERBATIM_BOOST = 25.0
#: Score of a verbatim match of a one-word query word: a small constant, so
#: that documents found only verbatim rank below the jieba matches.
LITERAL_SCORE = 0.5


def literal_score(terms: tuple[str, ...]) -> float:
    """The score of a verbatim match of a CJK word analysed into ``terms``."""
    return VERBATIM_BOOST if len(terms) > 1 else LITERAL_SCORE


def word_literal_score(word: Word, terms: tuple[str, ...]) -> float:
    """The literal score of ``word``, its boost applied; a synonym's
    one-term literal match only matches (scores 0), so that the form typed
    ranks above its synonyms."""
    if word.boost != 1.0 and len(terms) < 2:
        return 0.0
    return literal_score(terms) * word.boost


def word_query(word: Word, store: LiteralStore | None) -> wq.Query:
    """What a query word matches: its jieba terms (all of them, anywhere; in a
    phrase, consecutively), or, for CJK text, the word verbatim."""
    terms = analyze(word.text)
    jieba_query = None
    if terms:
        jieba_query = phrase_query(terms) if word.phrase and len(terms) > 1 else words_query(content_terms(terms))
    if store is None or not has_cjk(word.text):
        if jieba_query is None:
            return wq.NullQuery
        return jieba_query if word.boost == 1.0 else wq.Or([jieba_query], boost=word.boost)
    literal = LiteralQuery(word.text, store, boost=word_literal_score(word, terms))
    if jieba_query is None:
        return literal
    if word.boost != 1.0:
        jieba_query = wq.Or([jieba_query], boost=word.boost)
    return wq.Or([jieba_query, literal])


def verbatim_boost(word: Word, boost: float) -> wq.Query | None:
    """For an unquoted word of several Latin terms (CJK words have their
    literal match), an optional phrase ranking documents with the terms
    consecutive above those where they are scattered."""
    terms = analyze(word.text)
    if word.phrase or len(terms) < 2 or has_cjk(word.text):
        return None
    return phrase_query(terms, boost=boost)


def clause_query(clause: Clause, store: LiteralStore | None) -> wq.Query:
    queries = [word_query(w, store) for w in clause.words]
    queries = [q for q in queries if q is not wq.NullQuery]
    if not queries:
        return wq.NullQuery
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def filter_query(item: Filter, categories) -> wq.Query:
    """The Whoosh query of a typed filter; ``categories`` maps typed
    category values to the index's own (see search.retrieval)."""
    if item.name == "date":
        query = date_query(*item.value)
    elif item.name == "category":
        query = wq.Or([wq.Term("category", c) for c in categories([item.value])])
    else:
        query = wq.Term(item.name, item.value)
    return wq.Not(query) if item.negated else query


def date_query(start: datetime | None, end: datetime | None) -> wq.Query:
    return wq.DateRange("date", start, end, endexcl=True)
