"""Markdown reduced to the plain text that is indexed and quoted in snippets.

It lives beside the analysis because writer and reader must agree on it: the
indexer indexes this text, and snippets are cut from the same text, derived
again from the stored Markdown.  A few regular expressions rather than a
Markdown parser: a CommonMark parse costs about 20 times as much, and only the
words matter here, not the document structure.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.M)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|!\[[^\]\n]*\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)|\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK_DEFINITION = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]\u3000-\u303f\uff00-\uffef]+|www\.[a-z0-9-]+\.[^\s<>()]+", re.I)
_HTML_TAG = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.S)
_LINE_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t>]*|[-*+][ \t]+|\d+[.)][ \t]+|\|)", re.M)
_INLINE_MARKUP = re.compile(r"\*\*|__|~~|`+|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_TABLE_RULE = re.compile(r"^[ \t|:\-]+$", re.M)
_BLANK_RUNS = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def markdown_to_text(markdown: str) -> str:
    """The words of a Markdown document: markup removed, link and code text
    kept, URLs and images dropped."""
    text = _FENCE.sub("", markdown)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _AUTOLINK.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _LINE_MARKUP.sub("", text)
    text = _INLINE_MARKUP.sub("", text)
    text = text.replace("|", " ")
    text = html.unescape(text)
    text = _BLANK_RUNS.sub(" ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()
