"""Article Markdown to safe HTML: markdown-it-py (CommonMark + tables,
footnotes, CJK-friendly emphasis), then nh3.

Articles are untrusted: raw HTML in the Markdown is parsed, then nh3 keeps
only harmless tags and attributes (no script, no event handlers, no
``javascript:`` URLs) while links, images, code, tables and footnotes survive.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from web.cjk_emphasis import cjk_friendly_emphasis

_markdown = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(cjk_friendly_emphasis)
)

_TAGS = (nh3.ALLOWED_TAGS - {"map", "area"}) | {"section"}  # <section class="footnotes">
_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "a": {"href", "hreflang", "title", "id", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "sup": {"class"},
    "ol": {"start", "class"},
    "li": {"id", "class"},
    "hr": {"class"},
    "section": {"class"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
# The ids and classes the footnote plugin writes (fn1, fnref1:2, footnote-ref…);
# others are dropped, so an article cannot take the ids of the page's own elements.
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?\d+(?::\d+)?")
_FOOTNOTE_CLASS = re.compile(r"footnotes?(?:-[a-z]+)?")


@functools.lru_cache(maxsize=64)
def render_markdown(markdown: str, base_url: str = "") -> str:
    """Sanitised HTML of ``markdown``; site-relative URLs (``/data/x.jpg``)
    are resolved against ``base_url`` when it is given, else kept relative."""
    html = _markdown.render(markdown)
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=functools.partial(_filter_attribute, base_url),
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


def _filter_attribute(base_url: str, tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    if attribute == "class":
        return value if _FOOTNOTE_CLASS.fullmatch(value) else None
    if base_url and attribute in ("src", "href") and value.startswith("/") and not value.startswith("//"):
        return urljoin(base_url, value)
    return value
