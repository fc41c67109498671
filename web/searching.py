"""The one place where the web front end runs a search (page and API alike)."""

from __future__ import annotations

from search import SearchRequest, SearchResults
from web.state import get_index


def run_search(request: SearchRequest) -> SearchResults:
    """The results of ``request`` on the app's index."""
    return get_index().search(request)
