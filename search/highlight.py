"""Title and snippet HTML: escaped text with whole matched words in <mark>.

Matches are found in the normalised text (same length as the original, so
offsets carry over).  A CJK match is widened to the jieba words around it by
segmenting the runs of the fragment that a match touches, never the whole
article; an English match is a whole word whose stem is a query term.  The
same rule marks a query's words in the text nodes of article HTML
(:func:`mark_query_html`).
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

import numpy as np

from search.analysis import (
    LATIN_PART,
    LATIN_RUN,
    LATIN_WORD,
    has_cjk,
    main_word_spans,
    normalize,
    stem,
)
from search.query import Word, parse

SNIPPET_CHARS = 160  # the whole snippet
MIN_FRAGMENT = 40  # the least room worth a second fragment
MAX_MATCHES = 200
MIN_REPEAT = 8  # the shortest sentence left out of snippets for occurring again
MAX_RUNS = 64  # matched words looked for in this many runs of Latin text at most; beyond, in all of it
MAX_RUN_BEFORE = 64  # nor in a run longer than this before the find (its start is found a character at a time)
MAX_ROUNDS = 4  # snippet choices made before every sentence near a match is asked whether it repeats

_SENTENCE_END = "。！？；!?;\n"
# Whether a code point ends a sentence, for every code point up to the
# largest one that does (and one more, False, for all above it).
_IS_SENTENCE_END = np.zeros(max(map(ord, _SENTENCE_END)) + 2, dtype=bool)
_IS_SENTENCE_END[[ord(c) for c in _SENTENCE_END]] = True
_CLAUSE_END = "，、,：:。！？；!?;）)」』"
_ELLIPSIS = "…"
# A tag of sanitised HTML: nh3 escapes "<" and ">" in text and attribute
# values, so a tag never contains ">" before its end.
_HTML_TAG = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True)
class Terms:
    """What to mark: CJK strings (words and verbatim query words, found as
    substrings) and English terms (stemmed, matched against whole words)."""

    cjk: frozenset[str]
    latin: frozenset[str]

    @classmethod
    def of(cls, terms, literals=()) -> Terms:
        cjk, latin = set(), set()
        for term in [*terms, *literals]:
            if not term:
                continue
            if has_cjk(term):
                cjk.add(term)
            else:
                latin.add(term)
        return cls(frozenset(cjk), frozenset(latin))

    @classmethod
    def of_words(cls, words: list[Word]) -> Terms:
        """What to mark for these query words: their terms, and the CJK
        words themselves (they match verbatim too)."""
        return cls.of([t for w in words for t in w.terms], [w.text for w in words if w.cjk])


def find_matches(norm: str, terms: Terms) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of the terms in normalised text."""
    spans = []
    for needle in sorted(terms.cjk):  # a fixed order: the cap must cut the same matches in every process
        start = norm.find(needle)
        while start >= 0 and len(spans) < MAX_MATCHES:
            spans.append((start, start + len(needle)))
            start = norm.find(needle, start + len(needle))
    if terms.latin:
        spans += _latin_matches(norm, terms.latin)
    return _merge(sorted(spans))


def _latin_matches(norm: str, latin: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of the Latin words of normalised text that match a term.

    A matching word holds a part (a run of LATIN_PART characters) that is
    a term or stems to one, or is a term with other characters (``c++``).
    So the text's distinct parts are found at C speed (``findall``), and
    the words are read only in the runs of Latin characters around the
    finds of those parts and terms, rather than a Python step per word of
    the whole text, unless they are in more than MAX_RUNS runs or a find
    is more than MAX_RUN_BEFORE characters into its run (_runs_holding)."""
    needles = {p for p in set(LATIN_PART.findall(norm)) if _is_match(p, latin)}
    needles.update(t for t in latin if not t.isalnum())
    if not needles:
        return []
    runs = _runs_holding(norm, needles)
    if runs is None:
        words, found = set(LATIN_WORD.findall(norm)), LATIN_WORD.finditer(norm)
    else:
        found = [m for start, end in runs for m in LATIN_WORD.finditer(norm, start, end)]
        words = {m.group() for m in found}
    wanted = {w for w in words if _is_match(w, latin)}  # each distinct word asked once
    return [m.span() for m in found if m.group() in wanted]


def _runs_holding(norm: str, needles) -> list[tuple[int, int]] | None:
    """The sorted (start, end) of the runs of Latin characters (LATIN_RUN)
    that hold a needle; None if there are more than MAX_RUNS, or a needle
    is found more than MAX_RUN_BEFORE characters into its run."""
    runs = set()
    for needle in needles:
        at = norm.find(needle)
        while at >= 0:
            if len(runs) == MAX_RUNS:
                return None
            run = LATIN_RUN.match(norm, at)
            if run is None:  # a needle of other characters is in no Latin word
                break
            start = at
            while start > 0 and LATIN_RUN.match(norm, start - 1, start):  # one character each
                start -= 1
                if at - start > MAX_RUN_BEFORE:
                    return None
            runs.add((start, run.end()))
            at = norm.find(needle, run.end())
    return sorted(runs)


def _is_match(word: str, latin: frozenset[str]) -> bool:
    """Whether a Latin word of normalised text, or its stem, or the stem of
    one of its parts (``docker-compose``) is one of the terms."""
    if word in latin or stem(word) in latin:
        return True
    return not word.isalnum() and any(stem(p) in latin for p in LATIN_PART.findall(word))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _widen(norm: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans grown to the main jieba words they touch (for CJK matches)."""
    if not spans:
        return spans
    words = main_word_spans(norm, spans)
    widened = []
    for start, end in spans:
        for w_start, w_end in words:
            if w_start < end and start < w_end and w_end - w_start <= 8:
                start, end = min(start, w_start), max(end, w_end)
        widened.append((start, end))
    return _merge(widened)


def mark(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """``text`` HTML-escaped, with the spans (relative to ``offset``) in <mark>."""
    out, at = [], 0
    for start, end in spans:
        start, end = start - offset, end - offset
        out.append(html.escape(text[at:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def mark_query_text(text: str, query: str) -> str:
    """Plain ``text`` HTML-escaped, with the words of ``query`` (parsed by
    search.query: exclusions, filters and operators are not marked) in <mark>."""
    terms = Terms.of_words(parse(query).words())
    return mark(text, find_matches(normalize(text), terms))


def mark_query_html(fragment: str, query: str) -> str:
    """Sanitised HTML ``fragment`` with the words of ``query`` marked in its
    text nodes (unescaped, matched, escaped again); tags and attributes
    are left as they are."""
    terms = Terms.of_words(parse(query).words())
    if not terms.cjk and not terms.latin:
        return fragment
    pieces = _HTML_TAG.split(fragment)
    for i in range(0, len(pieces), 2):  # even indexes are text between tags
        if pieces[i]:
            text = html.unescape(pieces[i])
            pieces[i] = mark(text, find_matches(normalize(text), terms))
    return "".join(pieces)


def highlight_title(title: str, terms: Terms) -> str:
    norm = normalize(title)
    return mark(title, _widen(norm, find_matches(norm, terms)))


def snippet(text: str, terms: Terms, fallback: str = "", limit: int = SNIPPET_CHARS, norm: str | None = None,
            asides: frozenset[str] = frozenset()) -> str:
    """One or two fragments of ``text`` around its best matches, as HTML;
    without a match, the start of ``fallback`` (or of the text).  ``norm``:
    the normalised text, when the caller has it.  ``asides``: texts (image
    alt texts, titles: search.markdown_text.aside_texts) whose sentences are shown
    only when no other sentence matches."""
    norm = normalize(text) if norm is None else norm
    spans = find_matches(norm, terms)
    if not spans:
        lead = fallback or text
        return html.escape(_lead(lead, limit))
    fragments = _Fragments(norm, spans, frozenset(normalize(a) for a in asides))
    parts, spans = fragments.choose(limit)
    return _joined([_render(text, norm, start, end, spans) for start, end in parts])


def _joined(fragments: list[str]) -> str:
    """The fragments with one ellipsis between two, whether or not either
    was cut there."""
    joined = fragments[0]
    for fragment in fragments[1:]:
        joined = f"{joined.removesuffix(_ELLIPSIS).rstrip()} {_ELLIPSIS} {fragment.removeprefix(_ELLIPSIS).lstrip()}"
    return joined


def _sentences(norm: str) -> tuple[list[int], list[int]]:
    """The starts and the ends of the sentences of ``norm``: each is a run
    of other characters and the sentence ends after it (found with numpy,
    in half the time of a regular expression's loop over an article's
    sentences)."""
    if not norm:
        return [], []
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4")
    ends = _IS_SENTENCE_END[np.minimum(codes, len(_IS_SENTENCE_END) - 1)]
    starts = (np.flatnonzero(ends[:-1] & ~ends[1:]) + 1).tolist()
    return [0, *starts], [*starts, len(norm)]


class _Fragments:
    """The choice of a snippet's fragments among the sentences of ``norm``
    that hold the sorted ``spans`` (matches).

    No snippet says a thing twice: a sentence whose text occurs again later
    (an excerpt that opens the body as well, a copy cut short ("…") of a
    longer sentence) is left out, with its matches.  Whether a sentence
    repeats costs a search of the rest of the text, so only the sentences a
    choice rests on are asked: a choice is made, its repeated sentences are
    left out, and the choice is made again until it rests on none (after
    MAX_ROUNDS choices, every sentence a snippet could show is asked).  A best
    sentence is still the best once worse ones are left out, so this is the
    choice among all the sentences that do not repeat, at the cost of the
    few that were looked at.  If every match is in a repeated sentence,
    nothing is left out."""

    def __init__(self, norm: str, spans: list[tuple[int, int]], asides: frozenset[str] = frozenset()):
        self.norm = norm
        self.spans = spans
        self.starts, self.ends = _sentences(norm)
        self.asides = asides
        # the sentences of each match's first and last characters
        self.first = [bisect.bisect_right(self.starts, start) - 1 for start, _ in spans]
        self.last = [bisect.bisect_left(self.starts, end) - 1 for _, end in spans]
        self.words = [norm[start:end] for start, end in spans]
        self.crossing = [k for k in range(len(spans)) if self.first[k] != self.last[k]]  # rare: a match with a sentence end
        self.matches: dict[int, list[int]] = {}  # sentence -> the matches in it, in order
        for k in range(len(spans)):
            for i in range(self.first[k], self.last[k] + 1):
                self.matches.setdefault(i, []).append(k)
        self._repeats: dict[int, bool] = {}

    def choose(self, limit: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """The fragments, and the matches left to mark in them."""
        left_out: set[int] = set()
        for _ in range(MAX_ROUNDS):
            chosen = self._choose(left_out, limit)
            if chosen is None:
                break
            repeated = {i for i in chosen[1] if i not in left_out and self._repeats_later(i)}
            if not repeated:
                break
            left_out |= repeated
        else:  # choice after choice rests on repeats (a text copied twice): ask all at once, in linear time
            left_out = {i for i in self._near_matches(limit) if self._repeats_later(i)}
            chosen = self._choose(left_out, limit)
        if chosen is None:  # every match is in a repeated sentence
            left_out = set()
            chosen = self._choose(left_out, limit)
        kept = [span for k, span in enumerate(self.spans) if self.first[k] not in left_out and self.last[k] not in left_out]
        return chosen[0], kept

    def _near_matches(self, limit: int) -> list[int]:
        """The sentences a snippet could show: those holding the start of a
        match and those starting within ``limit`` characters after them."""
        near: list[int] = []
        for i in sorted(set(self.first)):
            reach = bisect.bisect_left(self.starts, self.ends[i] + limit)
            near += range(max(i, near[-1] + 1 if near else 0), reach)
        return near

    def _aside(self, i: int) -> bool:
        """Whether sentence ``i`` is an alt text or a title (``asides``)."""
        if not self.asides:
            return False
        return " ".join(self.norm[self.starts[i]:self.ends[i]].split()).rstrip(_SENTENCE_END) in self.asides

    def _repeats_later(self, i: int) -> bool:
        if i not in self._repeats:
            end = self.ends[i]
            key = self.norm[self.starts[i] : end].strip().rstrip(".…")  # spaces around and dots after do not count
            self._repeats[i] = len(key) >= MIN_REPEAT and self.norm.find(key, end) >= 0
        return self._repeats[i]

    def _choose(self, left_out: set[int], limit: int):
        """(fragments, the sentences they rest on) without the sentences
        ``left_out`` and their matches: one fragment around the sentence
        with the most distinct matched words; a second one if another
        sentence adds words; both then filled up to ``limit`` with the
        sentences that follow.  None if no match is left."""
        first, last = self.first, self.last
        dropped = {k for k in self.crossing if first[k] in left_out or last[k] in left_out}
        matches = {}  # sentence -> its matches left
        for i, ks in self.matches.items():
            if i not in left_out:
                ks = [k for k in ks if k not in dropped] if dropped else ks
                if ks:
                    matches[i] = ks
        if not matches:
            return None
        words = {i: {self.words[k] for k in ks} for i, ks in matches.items()}
        starts, ends = self.starts, self.ends
        body = {i for i in words if not self._aside(i)}
        if body:  # an alt text or title only when no sentence of the body matches
            words = {i: w for i, w in words.items() if i in body}
        best = max(words, key=lambda i: (len(words[i]), -starts[i]))
        parts = [self._trim(best, matches, limit)]
        first_start, first_end = parts[0]
        others = [i for i in words if (starts[i] >= first_end or ends[i] <= first_start) and words[i] - words[best]]
        room = limit - (first_end - first_start)
        chosen = {best}
        if others and room >= MIN_FRAGMENT:
            second = max(others, key=lambda i: (len(words[i] - words[best]), -starts[i]))
            parts.append(self._trim(second, matches, room))
            chosen.add(second)
            parts.sort()
        parts = self._fill(parts, left_out, limit)
        for start, end in parts:  # the sentences shown
            chosen.update(range(bisect.bisect_right(starts, start) - 1, bisect.bisect_left(starts, end)))
        rests_on = set(chosen)
        for k in self.crossing:  # and those of a match that runs into one of them
            if k not in dropped and any(i in chosen for i in range(first[k], last[k] + 1)):
                rests_on.update((first[k], last[k]))
        return parts, rests_on

    def _trim(self, i: int, matches, budget: int) -> tuple[int, int]:
        """Sentence ``i`` cut to ``budget`` characters: it starts at the
        clause of its first match when the match is far in."""
        norm, start, end = self.norm, self.starts[i], self.ends[i]
        first = self.spans[matches[i][0]][0]
        if end - start > budget and first - start > budget // 3:
            clause = max(norm.rfind(c, start, first) for c in _CLAUSE_END)
            start = clause + 1 if clause >= 0 and first - clause <= budget // 2 else max(start, first - budget // 4)
        while start < first and norm[start].isspace():
            start += 1
        return start, min(end, start + budget)

    def _fill(self, parts, left_out: set[int], limit: int) -> list[tuple[int, int]]:
        """Extend each fragment over the sentences right after it while
        within ``limit`` (a sentence left out ends a fragment)."""
        starts, ends = self.starts, self.ends
        filled = []
        room = limit - sum(e - s for s, e in parts)
        for index, (start, end) in enumerate(parts):
            stop = parts[index + 1][0] if index + 1 < len(parts) else len(self.norm)
            i = bisect.bisect_left(starts, end)
            while i < len(starts) and starts[i] == end and i not in left_out and not self._aside(i):
                if ends[i] > stop or ends[i] - end > room:
                    break
                room -= ends[i] - end
                end = ends[i]
                i += 1
            filled.append((start, end))
        return filled


def _render(text: str, norm: str, start: int, end: int, spans) -> str:
    while end > start and norm[end - 1].isspace():
        end -= 1
    fragment = norm[start:end]
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and start < e]
    marked = [(s + start, e + start) for s, e in _widen(fragment, inside)]
    prefix = _ELLIPSIS if start > 0 and norm[start - 1] not in _SENTENCE_END else ""
    cut_short = norm[end - 1] not in _SENTENCE_END and not norm.endswith(("...", _ELLIPSIS), start, end)
    suffix = _ELLIPSIS if end < len(norm) and cut_short else ""
    return prefix + mark(text[start:end], marked, start) + suffix


def _lead(text: str, limit: int) -> str:
    """The start of ``text``: whole sentences up to ``limit`` characters."""
    if len(text) <= limit:
        return text.strip()
    piece = text[:limit]
    stop = max(piece.rfind(c) for c in _SENTENCE_END)
    return piece[: stop + 1].strip() if stop > limit // 3 else piece.strip() + _ELLIPSIS
