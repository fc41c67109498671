"""Search parameters of a request's query string: the library's rules, the site's limits.

The HTML page and the JSON API take the same parameters, parsed by
:class:`search.SearchRequest` (see search.request): ``q, tag (repeatable),
category (repeatable), author, from, to, sort, page, per_page``.  A bad value
raises :class:`search.QueryError` naming the parameter; the handler in
web/errors.py turns it into the one 400 error body (JSON under /api/, the
error page elsewhere).
"""

from __future__ import annotations

from search import Limits, SearchRequest


def site_limits(config) -> Limits:
    """The request limits the site's settings give."""
    return Limits(
        max_query_chars=config["MAX_QUERY_LENGTH"],
        max_per_page=config["MAX_PER_PAGE"],
        max_page=config["MAX_PAGE"],
        per_page=config["PER_PAGE"],
    )


def search_request(args, config) -> SearchRequest:
    """The checked SearchRequest of a request's ``args`` (a MultiDict)."""
    return SearchRequest.from_args(args, limits=site_limits(config))
