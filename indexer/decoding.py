"""Bytes of an article file to text: encodings, BOMs, line endings, binary data."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
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
    """The text of ``data`` with ``\\n`` line endings and no BOM.

    A BOM decides the encoding (UTF-8, UTF-16, UTF-32); without one the bytes
    are UTF-8, or else legacy GB18030 (a superset of GBK and GB2312).
    """
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
    if b"\x00" in data:
        raise NotTextError("binary data, not text (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise NotTextError(
                f"neither UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) nor GB18030"
            ) from None
