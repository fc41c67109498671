"""The settings of the web front end, each declared once with its default.

``create_app`` lays them down with ``from_mapping``, then environment variables
prefixed ``ZHSEARCH_`` (``ZHSEARCH_INDEX_DIR=/srv/index``; values are decoded
as JSON, so ``ZHSEARCH_PER_PAGE=20`` is an int), then the ``config`` dict.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Setting(NamedTuple):
    name: str
    default: Any
    help: str


SETTINGS = (
    Setting("INDEX_DIR", "index_data", "Folder of the search index written by `reindex`"),
    Setting("SITE_NAME", "文章搜索", "Site name shown in the page header and titles"),
    Setting("PER_PAGE", 10, "Results per page when the request does not say"),
    Setting("MAX_PER_PAGE", 50, "Largest per_page a request may ask for"),
    Setting("MAX_PAGE", 1000, "Largest page number a request may ask for"),
    Setting("MAX_QUERY_LENGTH", 256, "Longest q accepted, in characters; longer answers 400"),
    Setting("RELATED_LIMIT", 5, "Related articles listed under an article"),
    Setting("SUGGEST_LIMIT", 8, "Suggestions returned by /api/suggest"),
    Setting("FACET_LIMIT", 12, "Tag facet values shown in the sidebar before 'more'"),
    Setting("API_CORS_ORIGIN", "*", "Access-Control-Allow-Origin of /api/ answers ('' sends none)"),
    Setting(
        "ASSET_BASE_URL",
        "",
        "Prefix for site-relative image and link URLs in article Markdown, e.g. https://linux.cn ('' keeps them relative)",
    ),
)


def defaults() -> dict[str, Any]:
    """Every setting's default, by name."""
    return {setting.name: setting.default for setting in SETTINGS}
