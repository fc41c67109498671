"""Markdown reduced to the plain text that is indexed and quoted in snippets.

It lives beside the analysis because writer and reader must agree on it: the
indexer indexes this text, and snippets are cut from the same text, derived
again from the stored Markdown.  A few regular expressions rather than a
Markdown parser: a CommonMark parse costs about 20 times as much, and only the
words matter here, not the document structure.

What is kept: the words of the text, of headings, of link texts and link
titles, of image alt texts and titles, of footnotes, of inline code and of
code blocks.  What is dropped: markup characters, URLs (link and image
targets, autolinks, bare URLs, link definitions but their titles), footnote
markers, HTML tags and comments.

Every pattern runs in linear time: the bracketed parts have bounded lengths,
so a hostile file (a line of 100,000 ``[``) costs milliseconds, not hours.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.M)
# Images and links: group 1 the alt or link text, group 2 the title of an
# inline target (``(url "title")``).
_TITLE = r"""(?:[ \t]+(?:"([^"\n]{0,500})"|'([^'\n]{0,500})'|\(([^()\n]{0,500})\)))?"""
_TARGET = rf"(?:\([ \t]*[^()\s]{{0,2000}}{_TITLE}[ \t]*\)|\([^()\n]{{0,2000}}\)|\[[^\[\]\n]{{0,200}}\])"
_IMAGE = re.compile(rf"!\[([^\[\]\n]{{0,500}})\]{_TARGET}")
_LINK = re.compile(rf"\[([^\[\]\n]{{0,500}})\]{_TARGET}")
_FOOTNOTE_DEFINITION = re.compile(r"^[ \t]*\[\^[^\]\n]{1,200}\]:[ \t]*", re.M)
_FOOTNOTE_MARK = re.compile(r"\[\^[^\[\]\n]{1,200}\]")
_LINK_DEFINITION = re.compile(rf"^[ \t]*\[[^\]\n]{{1,200}}\]:[ \t]*\S+{_TITLE}[ \t]*$|^[ \t]*\[[^\]\n]{{1,200}}\]:.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")
# The leading lookaheads (a character the match must start with) let most
# positions fail at once, several times faster than the bare alternations.
_URL = re.compile(
    r"(?=[hfw])(?:(?:https?|ftp)://[^\s<>()\[\]\u3000-\u303f\uff00-\uffef]+|www\.[a-z0-9-]+\.[^\s<>()]+)", re.I
)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# A tag cut off at the end of a truncated excerpt ("<ruby>栈中内联<...").
_CUT_TAG = re.compile(r"</?(?:[a-zA-Z][^<>]*)?(?=(?:\.\.\.|…)?$)")
_SETEXT_RULE = re.compile(r"^[ \t]*=+[ \t]*$", re.M)
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t][^\n]*", re.M)
_CLOSING_HASHES = re.compile(r"[ \t]#+$")
_LINE_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t>]*|[-*+][ \t]+|\d+[.)][ \t]+|\|)", re.M)
_INLINE_MARKUP = re.compile(r"(?=[*_~`])(?:\*\*|__|~~|`+|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_TABLE_RULE = re.compile(r"^[ \t|:\-]+$", re.M)
_BLANK_RUNS = re.compile(r"[ \t\xa0]+")
_BLANK_LINES = re.compile(r"\n[ \t\n]*\n")


def markdown_to_text(markdown: str) -> str:
    """The words of a Markdown document: markup removed, link, image, footnote
    and code text kept, URLs dropped."""
    text = _drop_comments(markdown)
    text = _FENCE.sub("", text)
    text = _FOOTNOTE_DEFINITION.sub("", text)
    text = _FOOTNOTE_MARK.sub("", text)
    text = _IMAGE.sub(_image_text, text)
    text = _LINK.sub(_titles, text)
    text = _LINK_DEFINITION.sub(_titles, text)
    text = _AUTOLINK.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _SETEXT_RULE.sub("", text)
    text = _HEADING.sub(_without_closing_hashes, text)
    text = _LINE_MARKUP.sub("", text)
    text = _INLINE_MARKUP.sub("", text)
    text = text.replace("|", " ")
    if "&" in text:
        text = html.unescape(text)
    text = _BLANK_RUNS.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def summary_to_text(summary: str) -> str:
    """The words of a front-matter summary or excerpt: as
    :func:`markdown_to_text`, and a tag cut off at its end (a truncated
    excerpt) dropped too."""
    return _CUT_TAG.sub("", markdown_to_text(summary)).rstrip()


def _titles(match: re.Match) -> str:
    """The texts of an image or link, each once (an image's title is often its alt text)."""
    return " ".join(dict.fromkeys(t for t in match.groups() if t))


def aside_texts(markdown: str) -> frozenset[str]:
    """The image alt texts and titles and the link titles of a Markdown
    document, each with its blanks collapsed: text that is searched but that
    a snippet shows only when no sentence of the body matches."""
    found = set()
    for match in _IMAGE.finditer(markdown):
        found.update(match.groups())
    for match in _LINK.finditer(markdown):
        found.update(match.groups()[1:])  # the titles; the link text is part of its sentence
    return frozenset(" ".join(t.split()) for t in found if t and t.strip())


def _image_text(match: re.Match) -> str:
    return f" {_titles(match)} "


def _without_closing_hashes(heading: re.Match) -> str:
    line = heading.group().rstrip(" \t")
    return _CLOSING_HASHES.sub("", line) if line.endswith("#") else line


def _drop_comments(text: str) -> str:
    """``text`` without its HTML comments (an unclosed one is kept as text)."""
    if "<!--" not in text:
        return text
    parts = []
    position = 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        parts.append(text[position:start])
        parts.append(" ")
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)
