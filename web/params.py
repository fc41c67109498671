"""Search parameters read from a query string, checked, with clear errors.

The HTML page and the JSON API take the same parameters:
``q, tag (repeatable), category (repeatable), author, from, to, sort, page,
per_page``.  A bad value raises :class:`search.QueryError` naming the
parameter; the error handlers turn it into a 400.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import datetime

from search import QueryError

SORTS = ("relevance", "date", "views")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass
class SearchParams:
    q: str = ""
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    author: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @property
    def is_empty(self) -> bool:
        """No words and no filter: nothing was asked yet."""
        filters = (self.tags, self.categories, self.author, self.date_from, self.date_to)
        return not self.q and not any(filters)

    def search_kwargs(self) -> dict:
        """Keyword arguments for ``Index.search`` (after the query text)."""
        return {
            "tags": self.tags,
            "category": self.categories,
            "author": self.author,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
        }


def parse_search_args(args, config) -> SearchParams:
    """The SearchParams of a request's ``args`` (a MultiDict)."""
    q = " ".join(args.get("q", "").split())
    if len(q) > config["MAX_QUERY_LENGTH"]:
        raise QueryError("q", q[:20] + "…", f"at most {config['MAX_QUERY_LENGTH']} characters long")
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise QueryError("sort", sort, "one of " + ", ".join(SORTS))
    return SearchParams(
        q=q,
        tags=_values(args, "tag"),
        categories=_values(args, "category"),
        author=args.get("author", "").strip() or None,
        date_from=parse_date(args, "from", end=False),
        date_to=parse_date(args, "to", end=True),
        sort=sort,
        page=parse_int(args, "page", 1, config["MAX_PAGE"]),
        per_page=parse_int(args, "per_page", config["PER_PAGE"], config["MAX_PER_PAGE"]),
    )


def _values(args, name: str) -> list[str]:
    """The distinct non-empty values of a repeatable parameter, in order."""
    values = (v.strip() for v in args.getlist(name))
    return list(dict.fromkeys(v for v in values if v))


def parse_int(args, name: str, default: int, maximum: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise QueryError(name, raw, "a positive integer")
    if int(raw) > maximum:
        raise QueryError(name, raw, f"at most {maximum}")
    return int(raw)


def parse_date(args, name: str, end: bool) -> datetime | None:
    """A date given as YYYY, YYYY-MM or YYYY-MM-DD: the first moment of that
    period, or its last one when ``end`` (so ``to=2019`` includes December)."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    match = _DATE.match(raw)
    if not match:
        raise QueryError(name, raw, "a date as YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if not end:
            return datetime(year, month or 1, day or 1)
        month = month or 12
        day = day or monthrange(year, month)[1]
        return datetime(year, month, day, 23, 59, 59)
    except ValueError:
        raise QueryError(name, raw, "a valid calendar date") from None
