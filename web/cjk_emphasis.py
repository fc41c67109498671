"""CJK-friendly emphasis for markdown-it-py: ``*请注意：*本文`` is emphasis.

CommonMark decides whether a run of ``*``, ``_`` or ``~`` can open or close
emphasis by its "flanking" neighbours, a rule written for languages with
spaces between words: a closing ``*`` after punctuation must be followed by a
space or punctuation, so ``*请注意：*本文`` stays literal asterisks
(commonmark-spec issue 650).  This plugin applies the CommonMark CJK-friendly
amendments (github.com/tats-u/markdown-cjk-friendly, specification.md, the
rule markdown-it-cjk-friendly, markdig and GitLab implement): next to a CJK
character, CJK punctuation no longer blocks emphasis.  Text without CJK
characters parses exactly as in CommonMark.

The one Python port on PyPI (mdit-py-cjk-friendly) requires markdown-it-py
< 4 and patches ``StateInline`` for every parser in the process; this one
replaces only the delimiter scan of the emphasis and strikethrough rules of
the parser it is used on.
"""

from __future__ import annotations

import functools
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline import emphasis, strikethrough
from markdown_it.rules_inline.state_inline import Scanned, StateInline

_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xFFA0, 0xFFDC))


def cjk_friendly_emphasis(md: MarkdownIt) -> None:
    """markdown-it-py plugin: ``MarkdownIt().use(cjk_friendly_emphasis)``."""
    for name, rule in (("emphasis", emphasis.tokenize), ("strikethrough", strikethrough.tokenize)):
        md.inline.ruler.at(name, functools.partial(_tokenize, rule))


def _tokenize(rule, state: StateInline, silent: bool) -> bool:
    # The rule asks the state for the flanking of the run at state.pos.
    state.scanDelims = functools.partial(scan_delims, state)
    return rule(state, silent)


def scan_delims(state: StateInline, start: int, can_split_word: bool) -> Scanned:
    """``StateInline.scanDelims`` with the CJK-friendly flanking rules."""
    src, end = state.src, start
    while end < state.posMax and src[end] == src[start]:
        end += 1
    before = src[start - 1] if start > 0 else " "  # the line's ends count as whitespace
    if _is_text_variation_selector(before) and start > 1:
        before = src[start - 2]  # a CJK or punctuation "sequence": the character before its selector
    after = src[end] if end < state.posMax else " "

    before_space, after_space = isWhiteSpace(ord(before)), isWhiteSpace(ord(after))
    before_punct, after_punct = _is_punct(before), _is_punct(after)
    before_cjk = is_cjk(before) or 0xE0100 <= ord(before) <= 0xE01EF  # or an ideographic variation selector
    after_cjk = is_cjk(after)

    left_flanking = not after_space and (
        not (after_punct and not after_cjk) or before_space or before_punct or before_cjk
    )
    right_flanking = not before_space and (
        not (before_punct and not before_cjk) or after_space or after_punct or after_cjk
    )
    can_open = left_flanking and (can_split_word or not right_flanking or before_punct)
    can_close = right_flanking and (can_split_word or not left_flanking or after_punct)
    return Scanned(can_open, can_close, end - start)


def is_cjk(char: str) -> bool:
    """A CJK character: East Asian Width W, F or H and not an emoji, or Hangul.

    Emoji are told apart by their blocks (the wide characters below U+2E80
    and in U+1F000..1FAFF outside the enclosed ideographs), as Python's
    unicodedata has no emoji property.
    """
    code = ord(char)
    if any(low <= code <= high for low, high in _HANGUL):
        return True
    if unicodedata.east_asian_width(char) not in ("W", "F", "H"):
        return False
    if 0x2000 <= code < 0x2E80:
        return code in (0x2329, 0x232A)  # the angle brackets; the rest are emoji (⌚, ☕, ⭐…)
    return not (0x1F000 <= code <= 0x1FAFF) or 0x1F200 <= code <= 0x1F2FF


def _is_punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _is_text_variation_selector(char: str) -> bool:
    return 0xFE00 <= ord(char) <= 0xFE0E
