"""A search request: every search parameter parsed and checked in one place.

The library, the HTML page and the JSON API take the same parameters, with the
same rules and the same errors (:class:`search.QueryError`, naming the
parameter):

``q``
    The query text (see search.query).  Runs of white space count as one
    space.  Longer than :attr:`Limits.max_query_chars` characters: refused
    (never cut silently), everywhere.
``tag``, ``category``
    Several values each; empty ones are dropped, repeated ones kept once.
``author``
    One author name, compared in lower case.
``from``, ``to``
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or a ``date``/``datetime``);
    both inclusive on input: ``to=2017`` means through 31 December 2017.
    Kept as one half-open range: ``date_from`` is the first moment included,
    ``date_to`` the first moment after the range.
``sort``
    One of :data:`SORTS`.
``page``, ``per_page``
    Integers from 1 to :attr:`Limits.max_page` / :attr:`Limits.max_per_page`.

:meth:`SearchRequest.from_args` reads a query-string mapping (``tag``,
``from``, ``to``; a ``getlist`` method is used when there is one, as on a
Werkzeug MultiDict); :meth:`SearchRequest.of` takes the keyword arguments of
``Index.search`` (``tags``, ``category``, ``date_from``, ``date_to``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from search.errors import QueryError
from search.facets import FACETS
from search.limits import LIMITS, Limits
from search.query import date_range

#: The sort orders: by relevance, newest first, most read first.
SORTS = ("relevance", "date", "views")

# Each field of a request: (its query-string name, its keyword name).
_NAMES = {
    "q": ("q", "q"),
    "tags": ("tag", "tags"),
    "categories": ("category", "category"),
    "author": ("author", "author"),
    "date_from": ("from", "date_from"),
    "date_to": ("to", "date_to"),
    "sort": ("sort", "sort"),
    "page": ("page", "page"),
    "per_page": ("per_page", "per_page"),
}
_REPEATABLE = {"tags", "categories"}


@dataclass(frozen=True)
class SearchRequest:
    """The checked parameters of one search (build it with :meth:`from_args`
    or :meth:`of`; the constructor checks nothing)."""

    q: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    author: str | None = None
    date_from: datetime | None = None  # included
    date_to: datetime | None = None  # excluded: the first moment after the range
    sort: str = "relevance"
    page: int = 1
    per_page: int = LIMITS.per_page
    facets: tuple[str, ...] = FACETS
    limits: Limits = field(default=LIMITS, compare=False)

    @classmethod
    def from_args(cls, args: Any = None, limits: Limits = LIMITS, facets=FACETS) -> SearchRequest:
        """The request of a query-string mapping (``q, tag, category, author,
        from, to, sort, page, per_page``); errors name those parameters."""
        args = args or {}
        getlist = getattr(args, "getlist", None)
        raw = {}
        for name, (arg, _) in _NAMES.items():
            if getlist is None:
                value = args.get(arg)
            else:
                values = getlist(arg)
                value = values if name in _REPEATABLE else (values[0] if values else None)
            raw[name] = (arg, value)
        return cls._checked(limits, raw, facets)

    @classmethod
    def of(cls, q: str = "", *, facets=FACETS, limits: Limits = LIMITS, **params) -> SearchRequest:
        """The request of ``Index.search``'s keyword arguments (``tags,
        category, author, date_from, date_to, sort, page, per_page``);
        errors name them."""
        keywords = {keyword: name for name, (_, keyword) in _NAMES.items()}
        unknown = sorted(set(params) - set(keywords))
        if unknown:
            raise TypeError(f"unknown search parameter(s): {', '.join(unknown)}")
        raw = {name: (keyword, params.get(keyword)) for keyword, name in keywords.items()}
        raw["q"] = ("q", q)
        return cls._checked(limits, raw, facets)

    @classmethod
    def _checked(cls, limits: Limits, raw: dict[str, tuple[str, Any]], facets) -> SearchRequest:
        """``raw``: field -> (the parameter's name, its value as given)."""
        return cls(
            q=_query(raw["q"][1], limits),
            tags=_values(*raw["tags"]),
            categories=_values(*raw["categories"]),
            author=_author(raw["author"][1]),
            date_from=_date(*raw["date_from"], end=False),
            date_to=_date(*raw["date_to"], end=True),
            sort=_choice("sort", raw["sort"][1] or "relevance", SORTS),
            page=_integer("page", raw["page"][1], 1, limits.max_page),
            per_page=_integer("per_page", raw["per_page"][1], limits.per_page, limits.max_per_page),
            facets=_facets(facets),
            limits=limits,
        )

    @property
    def is_empty(self) -> bool:
        """No words and no filter: nothing was asked yet."""
        return not self.q and not self.filtered

    @property
    def filtered(self) -> bool:
        """Whether a facet or filter parameter is set (tags, categories,
        author, dates)."""
        return bool(self.tags or self.categories or self.author or self.date_from or self.date_to)

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values of ``facet`` this request selects: its tags, its
        categories, or the years wholly inside its date range."""
        if facet == "tags":
            return self.tags
        if facet == "category":
            return self.categories
        if facet == "year" and self.date_from and self.date_to:
            return tuple(
                str(year)
                for year in range(self.date_from.year, self.date_to.year + 1)
                if datetime(year, 1, 1) >= self.date_from and datetime(year + 1, 1, 1) <= self.date_to
            )
        return ()


def _query(value, limits: Limits) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise QueryError("q", value, "a string")
    text = " ".join(value.split())
    if len(text) > limits.max_query_chars:
        raise QueryError("q", text[:20] + "…", f"at most {limits.max_query_chars} characters long")
    return text


def _integer(name: str, value, default: int, high: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    number = value
    if not isinstance(value, int) or isinstance(value, bool):
        text = str(value).strip()
        number = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= number <= high:
        raise QueryError(name, value, f"an integer from 1 to {high}")
    return number


def _choice(name: str, value, choices) -> str:
    if value not in choices:
        raise QueryError(name, value, "one of " + ", ".join(choices))
    return value


def _values(name: str, value) -> tuple[str, ...]:
    """The distinct non-empty values of a repeatable parameter, in order."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
        raise QueryError(name, value, "a string or a list of strings")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _author(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise QueryError("author", value, "a string")
    return value.strip().lower() or None


def _date(name: str, value, end: bool) -> datetime | None:
    """The first moment of a date parameter's period, or (``end``) the first
    moment after it: ``to`` is inclusive of its whole day, month or year."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        value = value.isoformat()
    span = date_range(value.strip()) if isinstance(value, str) and ".." not in value else None
    if span is None:
        raise QueryError(name, value, "a date such as 2019, 2019-03 or 2019-03-01")
    return span[1] if end else span[0]


def _facets(value) -> tuple[str, ...]:
    names = _values("facets", value) if value is not None else ()
    for name in names:
        if name not in FACETS:
            raise QueryError("facets", name, "one of " + ", ".join(FACETS))
    return names
