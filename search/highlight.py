"""Title and snippet HTML: escaped text with whole matched words in <mark>.

Matches are found in the normalised text (same length as the original, so
offsets carry over).  A CJK match is widened to the jieba words around it by
segmenting the fragment only, never the whole article; an English match is a
whole word whose stem is a query term.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from whoosh.lang.porter import stem

from search.analysis import iter_words, normalize

SNIPPET_CHARS = 160  # the whole snippet
MIN_FRAGMENT = 60  # a second fragment is added only when the first is shorter than this budget allows
MAX_MATCHES = 200

_LATIN_WORD = re.compile(r"[0-9a-z\u00c0-\u024f]+(?:[._\-'][0-9a-z\u00c0-\u024f]+)*(?:\+\+|#)?")
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;\n]+|$)")
_CLAUSE_END = "，、,：:。！？；!?;）)」』"
_ELLIPSIS = "…"


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
            if any(ord(c) > 0x2E7F for c in term):
                cjk.add(term)
            else:
                latin.add(term)
        return cls(frozenset(cjk), frozenset(latin))


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return stem(word) if word.isalpha() and word.isascii() else word


def find_matches(norm: str, terms: Terms) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of the terms in normalised text."""
    spans = []
    for needle in terms.cjk:
        start = norm.find(needle)
        while start >= 0 and len(spans) < MAX_MATCHES:
            spans.append((start, start + len(needle)))
            start = norm.find(needle, start + len(needle))
    if terms.latin:
        for match in _LATIN_WORD.finditer(norm):
            word = match.group()
            if word in terms.latin or _stem(word) in terms.latin or _has_part(word, terms.latin):
                spans.append(match.span())
    return _merge(sorted(spans))


def _has_part(word: str, latin: frozenset[str]) -> bool:
    if word.isalnum():
        return False
    return any(_stem(p) in latin for p in re.findall(r"[0-9a-z\u00c0-\u024f]+", word))


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
    words = []
    last_pos = None
    for _, pos, start, end in iter_words(norm):
        if pos != last_pos:
            words.append((start, end))
            last_pos = pos
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


def highlight_title(title: str, terms: Terms) -> str:
    norm = normalize(title)
    return mark(title, _widen(norm, find_matches(norm, terms)))


def snippet(text: str, terms: Terms, fallback: str = "", limit: int = SNIPPET_CHARS) -> str:
    """One or two fragments of ``text`` around its best matches, as HTML;
    without a match, the start of ``fallback`` (or of the text)."""
    norm = normalize(text)
    spans = find_matches(norm, terms)
    if not spans:
        lead = fallback or text
        return html.escape(_cut(lead, 0, len(lead), limit))
    sentences = [m.span() for m in _SENTENCE.finditer(norm) if m.end() > m.start()]
    parts, budget, used = [], limit, set()
    for start, end in _best_sentences(sentences, spans, norm):
        if budget < MIN_FRAGMENT and parts:
            break
        frag_start, frag_end = _fragment(norm, start, end, spans, budget)
        if any(frag_start < e and s < frag_end for s, e in used):
            continue
        used.add((frag_start, frag_end))
        parts.append((frag_start, frag_end))
        budget -= frag_end - frag_start
        if len(parts) == 2:
            break
    return " … ".join(_render(text, norm, s, e, spans, len(text)) for s, e in sorted(parts))


def _best_sentences(sentences, spans, norm):
    """Sentences with matches, best first: most distinct matched words."""
    scored = []
    for index, (start, end) in enumerate(sentences):
        inside = [(s, e) for s, e in spans if s < end and start < e]
        if inside:
            distinct = len({norm[s:e] for s, e in inside})
            scored.append((-distinct, -len(inside), index, (start, end)))
    return [span for *_, span in sorted(scored)]


def _fragment(norm: str, start: int, end: int, spans, budget: int) -> tuple[int, int]:
    """A fragment of at most ``budget`` characters from a sentence, moved to
    its first match and extended over the following sentences if short."""
    first = next(s for s, e in spans if s < end and start < e)
    if first - start > budget // 3:
        clause = max(norm.rfind(c, start, first - 2) for c in _CLAUSE_END)
        start = clause + 1 if clause >= 0 and first - clause <= budget // 2 else max(start, first - budget // 4)
    while start < first and norm[start].isspace():
        start += 1
    end = min(max(end, start + budget), len(norm), start + budget)
    stop = max(norm.rfind(c, start, end) for c in "。！？；!?;\n")
    if stop > first:
        end = stop + 1
    return start, end


def _render(text: str, norm: str, start: int, end: int, spans, length: int) -> str:
    inside = [(max(s, start), min(e, end)) for s, e in spans if s < end and start < e]
    widened = [(max(s + start, start), min(e + start, end)) for s, e in _widen(norm[start:end], [(s - start, e - start) for s, e in inside])]
    body = mark(text[start:end].rstrip(), [(s, min(e, start + len(text[start:end].rstrip()))) for s, e in widened], start)
    prefix = _ELLIPSIS if start > 0 and norm[start - 1] not in "。！？；!?;\n" else ""
    suffix = _ELLIPSIS if end < length and norm[end - 1] not in "。！？；!?;\n" else ""
    return prefix + body + suffix


def _cut(text: str, start: int, end: int, limit: int) -> str:
    piece = text[start:min(end, start + limit)]
    stop = max(piece.rfind(c) for c in "。！？；!?;\n")
    if len(text) - start > limit and stop > limit // 3:
        return piece[: stop + 1].strip()
    return piece.strip() + (_ELLIPSIS if len(text) - start > limit else "")
