"""The one place where the web front end runs a search (page and API alike)."""

from __future__ import annotations

from search import SearchRequest, SearchResults
from web.app_index import get_index
from web.search_log import record_search


def run_search(request: SearchRequest) -> SearchResults:
    """The results of ``request`` on the app's index, recorded in the search
    log when it is on."""
    results = get_index().search(request)
    record_search(results)
    return results


def recent_overview() -> SearchResults:
    """The newest articles and the facet counts of the whole index (the home
    page, and what a page without results offers); not a reader's search,
    so not logged."""
    return get_index().search(SearchRequest.of(sort="date", per_page=5))
