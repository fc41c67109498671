"""Article Markdown to safe HTML: markdown-it-py (CommonMark + tables), then nh3.

Articles are untrusted: raw HTML in the Markdown is parsed, then nh3 keeps
only harmless tags and attributes (no script, no event handlers, no
``javascript:`` URLs) while links, images, code and tables survive.
"""

from __future__ import annotations

import functools
from urllib.parse import urljoin

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=64)
def render_markdown(markdown: str, base_url: str = "") -> str:
    """Sanitised HTML of ``markdown``; site-relative URLs (``/data/x.jpg``)
    are resolved against ``base_url`` when it is given."""
    html = _markdown.render(markdown)
    return nh3.clean(
        html,
        tags=nh3.ALLOWED_TAGS - {"map", "area"},
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=functools.partial(_resolve_url, base_url) if base_url else None,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def _resolve_url(base_url: str, tag: str, attribute: str, value: str) -> str:
    if attribute in ("src", "href") and value.startswith("/") and not value.startswith("//"):
        return urljoin(base_url, value)
    return value
