"""Marking a query's words in the text nodes of sanitised article HTML.

Used on the article page when a reader arrives from a result (``?q=…``).
Only text between tags is touched: it is unescaped, searched (normalised, so
full-width and case differences still match), and escaped again around the
``<mark>`` elements, so the escaping of the sanitised HTML is preserved.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from search.analysis import iter_words, normalize

# nh3 escapes "<" and ">" in text and attribute values, so a tag never
# contains ">" before its end.
_TAG = re.compile(r"(<[^>]*>)")
_LATIN = re.compile(r"[0-9a-z][0-9a-z.+#_-]*")
_FILTER = re.compile(r"^[a-z_]+:")
_OPERATORS = {"or", "and", "not"}
_CJK_TERM = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def query_terms(q: str) -> list[str]:
    """The normalised words of a query worth marking: each chunk as typed,
    plus its jieba words; excluded chunks, operators and filters left out."""
    terms: set[str] = set()
    for chunk in normalize(q).split():
        if chunk.startswith("-") or chunk in _OPERATORS or _FILTER.match(chunk):
            continue
        chunk = chunk.strip("\"'")
        if not chunk:
            continue
        terms.add(chunk)
        terms.update(_LATIN.findall(chunk))
        terms.update(_main_cjk_words(chunk))
    return sorted(terms, key=lambda term: (-len(term), term))


def _main_cjk_words(chunk: str):
    """jieba's main words of two or more CJK characters (no sub-words)."""
    last_pos = None
    for word, pos, _, _ in iter_words(chunk):
        if pos != last_pos and len(word) > 1 and _CJK_TERM.match(word):
            yield word
        last_pos = pos


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """One regex for ``terms``; a Latin term also matches the rest of its word."""
    if not terms:
        return None
    parts = [
        rf"(?<![0-9a-z]){re.escape(t)}[0-9a-z]*" if t[0].isascii() and t[0].isalnum() else re.escape(t)
        for t in terms
    ]
    return re.compile("|".join(parts))


def mark_text(text: str, pattern: re.Pattern | None) -> Markup:
    """``text`` escaped, with the matches of ``pattern`` in ``<mark>``."""
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(normalize(text)):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>%s</mark>") % text[match.start() : match.end()])
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def mark_html(fragment: str, pattern: re.Pattern | None) -> str:
    """Sanitised HTML ``fragment`` with the matches in its text nodes marked."""
    if pattern is None:
        return fragment
    pieces = _TAG.split(fragment)
    for i in range(0, len(pieces), 2):  # even indexes are text between tags
        if pieces[i]:
            pieces[i] = mark_text(html.unescape(pieces[i]), pattern)
    return "".join(pieces)
