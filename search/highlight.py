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

from search.analysis import LATIN_PART, LATIN_WORD, has_cjk, main_word_spans, normalize, stem
from search.query import Word, parse

SNIPPET_CHARS = 160  # the whole snippet
MIN_FRAGMENT = 40  # the least room worth a second fragment
MAX_MATCHES = 200
MIN_REPEAT = 8  # the shortest sentence left out of snippets for occurring again

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
        wanted = {w for w in set(LATIN_WORD.findall(norm)) if _is_match(w, terms.latin)}  # each word once
        if wanted:
            spans += [m.span() for m in LATIN_WORD.finditer(norm) if m.group() in wanted]
    return _merge(sorted(spans))


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


def snippet(text: str, terms: Terms, fallback: str = "", limit: int = SNIPPET_CHARS, norm: str | None = None) -> str:
    """One or two fragments of ``text`` around its best matches, as HTML;
    without a match, the start of ``fallback`` (or of the text).  ``norm``:
    the normalised text, when the caller has it."""
    norm = normalize(text) if norm is None else norm
    spans = find_matches(norm, terms)
    if not spans:
        lead = fallback or text
        return html.escape(_lead(lead, limit))
    sentences = _sentences(norm)
    sentences, spans = _without_repeats(norm, sentences, spans, limit)
    parts = _choose(norm, sentences, spans, limit)
    return " … ".join(_render(text, norm, start, end, spans) for start, end in parts)


def _sentences(norm: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of ``norm``: each is a run of other
    characters and the sentence ends after it (found with numpy, in half
    the time of a regular expression's loop over an article's sentences)."""
    if not norm:
        return []
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4")
    ends = _IS_SENTENCE_END[np.minimum(codes, len(_IS_SENTENCE_END) - 1)]
    starts = (np.flatnonzero(ends[:-1] & ~ends[1:]) + 1).tolist()
    return list(zip([0, *starts], [*starts, len(norm)]))


def _without_repeats(norm: str, sentences, spans, limit: int):
    """The sentences and matches less the sentences whose text occurs again
    later, so that no snippet says a thing twice: an excerpt that opens the
    body as well, a copy cut short ("…") of a longer sentence.  Only the
    sentences a snippet could show are looked at: those with a match and
    the ones within ``limit`` characters after them."""
    starts = [start for start, _ in sentences]
    repeated = set()
    looked = 0  # the sentences before this one have been looked at (spans are sorted)
    for span_start, _ in spans:
        first = bisect.bisect_right(starts, span_start) - 1  # the sentence of the match
        reach = sentences[first][1] + limit
        for i in range(max(first, looked), bisect.bisect_left(starts, reach)):
            start, end = sentences[i]
            key = norm[start:end].strip().rstrip(".…")  # spaces around and dots after do not count
            if len(key) >= MIN_REPEAT and norm.find(key, end) >= 0:
                repeated.add(i)
            looked = i + 1
    if not repeated:
        return sentences, spans
    kept = [  # the matches whose first and last characters are in sentences kept
        span
        for span in spans
        if bisect.bisect_right(starts, span[0]) - 1 not in repeated
        and bisect.bisect_left(starts, span[1]) - 1 not in repeated
    ]
    if not kept:
        return sentences, spans
    return [sentence for i, sentence in enumerate(sentences) if i not in repeated], kept


def _choose(norm: str, sentences, spans, limit: int) -> list[tuple[int, int]]:
    """One fragment around the sentence with the most distinct matched words;
    a second one if another sentence adds words; both then filled up to
    ``limit`` with the sentences that follow."""
    matched = []  # (sentence span, set of matched words); spans and sentences are sorted
    first = 0
    for start, end in sentences:
        while first < len(spans) and spans[first][1] <= start:
            first += 1
        words = set()
        for s, e in spans[first:]:
            if s >= end:
                break
            words.add(norm[s:e])
        if words:
            matched.append(((start, end), words))
    best = max(matched, key=lambda m: (len(m[1]), -m[0][0]))
    parts = [_trim(norm, *best[0], spans, limit)]
    first_start, first_end = parts[0]
    others = [
        m for m in matched if (m[0][0] >= first_end or m[0][1] <= first_start) and m[1] - best[1]
    ]
    room = limit - (parts[0][1] - parts[0][0])
    if others and room >= MIN_FRAGMENT:
        second = max(others, key=lambda m: (len(m[1] - best[1]), -m[0][0]))
        parts.append(_trim(norm, *second[0], spans, room))
    parts.sort()
    return _fill(norm, sentences, parts, limit)


def _trim(norm: str, start: int, end: int, spans, budget: int) -> tuple[int, int]:
    """A sentence cut to ``budget`` characters: it starts at the clause of
    its first match when the match is far in."""
    first = next(s for s, e in spans if s < end and start < e)
    if end - start > budget and first - start > budget // 3:
        clause = max(norm.rfind(c, start, first) for c in _CLAUSE_END)
        start = clause + 1 if clause >= 0 and first - clause <= budget // 2 else max(start, first - budget // 4)
    while start < first and norm[start].isspace():
        start += 1
    return start, min(end, start + budget)


def _fill(norm: str, sentences, parts, limit: int) -> list[tuple[int, int]]:
    """Extend each fragment over the sentences after it while within ``limit``."""
    filled = []
    room = limit - sum(e - s for s, e in parts)
    for index, (start, end) in enumerate(parts):
        stop = parts[index + 1][0] if index + 1 < len(parts) else len(norm)
        for s_start, s_end in sentences:
            if s_start < end:
                continue
            if s_start > end or s_end > stop or s_end - end > room:  # a sentence left out, the next fragment
                break
            room -= s_end - end
            end = s_end
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
