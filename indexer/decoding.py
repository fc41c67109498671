"""Bytes of an article file to text: encodings, BOMs, line endings, binary data.

A BOM decides the encoding (UTF-8, UTF-16, UTF-32).  Without one, the bytes
are UTF-8 when they are valid UTF-8 (the fast path: nearly every file);
otherwise charset-normalizer picks among the legacy encodings such an archive
holds (:data:`LEGACY_ENCODINGS`: GB18030, Big5, Shift-JIS, ...).  A guess is
taken only when no other encoding reads the bytes about as well into a
different text; else the file is refused with the candidates named, never
indexed as mojibake.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: The encodings tried for a file that is not UTF-8: Chinese (GB18030, a
#: superset of GBK and GB2312; Big5), Japanese, Korean, UTF-16/32 without a
#: BOM, and Windows' Western code page.  Limiting the candidates to what an
#: archive of Chinese articles can hold keeps exotic code pages, which read
#: almost any bytes, from winning a guess.
LEGACY_ENCODINGS = ["gb18030", "big5", "cp932", "euc_jp", "cp949",
                    "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be", "cp1252"]
#: A rival reading whose mess (chaos) and coherence are both within this of
#: the best one's makes the guess unsure (charset-normalizer's ratios, 0 to 1).
SURE_MARGIN = 0.05
#: A guess needs at least this many non-ASCII characters to go on.
MIN_GUESS_CHARS = 8
# Control characters that never occur in a text file (tab, line feed, form
# feed and carriage return are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
#: More control characters than a few plus this share of the text (the first
#: 100,000 characters) makes it binary data: a stray escape in a code sample is
#: tolerated.
MAX_CONTROL_SHARE = 0.05
_SAMPLE = 100_000


class NotTextError(ValueError):
    """The bytes are not text in any of the supported encodings."""


def decode(data: bytes) -> str:
    """The text of ``data`` with ``\\n`` line endings and no BOM (see the module doc)."""
    text = _decode(data)
    controls = len(_CONTROL.findall(text, 0, _SAMPLE))
    if "\x00" in text or controls > 8 + MAX_CONTROL_SHARE * min(len(text), _SAMPLE):
        raise NotTextError("binary data, not text (control characters or NUL bytes)")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise NotTextError(f"not valid {encoding.upper()} after its byte order mark ({exc.reason} at byte {exc.start + len(bom)})") from None
    if b"\x00" in data:  # never in UTF-8 text, but in UTF-16 and UTF-32
        return _guess(data, "binary data, not text (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _guess(data, f"not UTF-8 ({exc.reason} at byte {exc.start})")


def _guess(data: bytes, problem: str) -> str:
    """The text of ``data`` in the legacy encoding charset-normalizer is sure
    of; ``problem`` says why the faster ways failed."""
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS))
    if not matches:
        raise NotTextError(problem if b"\x00" in data else f"{problem}, nor text in another known encoding")
    best, text = matches[0], str(matches[0])
    if sum(not char.isascii() for char in text) < MIN_GUESS_CHARS:
        raise NotTextError(problem if b"\x00" in data else f"{problem}, and too little text to tell its encoding")
    rivals = [m.encoding for m in matches[1:] if _close(m, best) and str(m) != text]
    if rivals:
        raise NotTextError(
            f"{problem}; its encoding is unclear ({best.encoding} or {', '.join(rivals[:2])}): save it as UTF-8"
        )
    return text


def _close(match, best) -> bool:
    return match.chaos - best.chaos < SURE_MARGIN and best.coherence - match.coherence < SURE_MARGIN
