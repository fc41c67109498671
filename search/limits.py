"""The bounds of a search request, with the library's defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The bounds of a request; a site may set its own (``Limits(max_per_page=100)``)."""

    max_query_chars: int = 256  # a longer q is refused (QueryError naming q)
    max_words: int = 32  # query words after this many are ignored
    max_per_page: int = 50
    max_page: int = 1000
    per_page: int = 10  # when the request does not say


#: The library's default limits.
LIMITS = Limits()
