"""HTML pages: the search page ``/`` and the article page ``/article/<key>``.

All search state lives in the query string, so a result page can be shared
and the back button works; facet links toggle one value each.
"""

from __future__ import annotations

from urllib.parse import urlencode, urljoin, urlsplit

from flask import Blueprint, abort, current_app, render_template, request, url_for
from markupsafe import Markup

from search import mark_query_html, mark_query_text
from web.app_index import get_index
from web.params import search_request
from web.render import render_markdown
from web.searching import recent_overview, run_search
from web.value_formats import ymd

bp = Blueprint("views", __name__)

SORT_LABELS = {"relevance": "相关度", "date": "最新", "views": "最多阅读"}


@bp.get("/")
def index():
    params = search_request(request.args, current_app.config)
    if params.is_empty:
        overview = recent_overview()
        return render_template("home.html", overview=overview, params=params)
    results = run_search(params)
    overview = None if results.total else recent_overview()  # popular tags, recent articles
    return render_template(
        "search.html", params=params, results=results, sort_labels=SORT_LABELS, page_links=page_links(results),
        overview=overview,
    )


@bp.get("/article/<key>")
def article(key: str):
    idx = get_index()
    found = idx.get(key)
    if found is None:
        abort(404, description=f"找不到编号为 {key} 的文章")
    params = search_request({"q": request.args.get("q")}, current_app.config)
    q = params.q
    body = render_markdown(found.markdown, current_app.config["ASSET_BASE_URL"])
    return render_template(
        "article.html",
        article=found,
        q=q,
        params=params,
        title_html=Markup(mark_query_text(found.title, q)),
        body_html=mark_query_html(body, q),
        related=idx.related(found.key, limit=current_app.config["RELATED_LIMIT"]),
    )


def page_links(results, width: int = 2) -> list[int | None]:
    """Page numbers to link: first, last and a window around the current page;
    None where numbers are skipped."""
    last = min(results.pages, current_app.config["MAX_PAGE"])
    shown = {1, last, *range(results.page - width, results.page + width + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= last)
    links: list[int | None] = []
    for n in numbers:
        if links and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links


@bp.app_template_global()
def search_url(**changes) -> str:
    """The current search URL with parameters replaced in place (None removes
    one); the page goes back to 1 unless given."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page" and v != ""]
    for name, value in changes.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        at = next((i for i, (k, _) in enumerate(pairs) if k == name), len(pairs))
        pairs = [(k, v) for k, v in pairs if k != name]
        pairs[at:at] = [(name, v) for v in values if v is not None and v != ""]
    return url_for("views.index") + ("?" + urlencode(pairs) if pairs else "")


@bp.app_template_global()
def toggle_url(name: str, value: str) -> str:
    """The current search URL with ``value`` added to or removed from ``name``."""
    values = request.args.getlist(name)
    values = [v for v in values if v != value] if value in values else [*values, value]
    return search_url(**{name: values})


@bp.app_template_global()
def year_url(year: str, selected: bool) -> str:
    """The current search limited to ``year``, or no longer limited if it was
    (``selected``: the year facet's flag)."""
    if selected:
        return search_url(**{"from": None, "to": None})
    return search_url(**{"from": year, "to": year})


@bp.app_template_filter("absolute")
def absolute(url: str) -> str:
    """A URL of the original site made absolute with ASSET_BASE_URL; '' for a
    site-relative one when that is not set (it would point into this site)."""
    url = urljoin(current_app.config["ASSET_BASE_URL"], url)
    return url if urlsplit(url).scheme in ("http", "https") else ""


bp.add_app_template_filter(ymd, "ymd")
