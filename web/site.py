"""The files a site serves at well-known addresses: ``/robots.txt``,
``/opensearch.xml`` (browsers add the site search from it, and ask
``/api/opensearch/suggest`` for completions) and ``/favicon.ico``."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, send_from_directory

from web.app_index import get_index

bp = Blueprint("site", __name__)

DAY = 86400

# Result pages and the API make endless URLs (every facet combination); the
# articles and the home page are what a search engine should list.
ROBOTS = """\
# zhsearch: result pages and the API are not for crawlers; articles are.
User-agent: *
Disallow: /?
Disallow: /api/
Allow: /article/
Allow: /
"""


@bp.get("/robots.txt")
def robots():
    return current_app.response_class(ROBOTS, mimetype="text/plain", headers={"Cache-Control": f"public, max-age={DAY}"})


@bp.get("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml")
    return current_app.response_class(
        xml, mimetype="application/opensearchdescription+xml", headers={"Cache-Control": f"public, max-age={DAY}"}
    )


@bp.get("/api/opensearch/suggest")
def suggestions():
    """OpenSearch suggestions: ``[query, [completion, ...]]``."""
    q = " ".join(request.args.get("q", "").split())[: current_app.config["MAX_QUERY_LENGTH"]]
    found = get_index().suggest(q, limit=current_app.config["SUGGEST_LIMIT"]) if q else []
    return current_app.response_class(
        current_app.json.dumps([q, [s.text for s in found]]), mimetype="application/x-suggestions+json"
    )


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=DAY)
