"""The JSON API: /api/search, /api/suggest, /api/article/<key> and /healthz.

Every error, from any endpoint, has the body ``{"error": str, "status": int}``,
built by :func:`error_response` (the handlers in web/errors.py use it too).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from web.app_index import get_index
from web.params import search_request
from web.searching import run_search
from web.value_formats import ymd

bp = Blueprint("api", __name__)


@bp.after_app_request
def allow_cross_origin(response):
    """Other sites may call the read-only API from their pages."""
    origin = current_app.config["API_CORS_ORIGIN"]
    if origin and request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


def error_response(status: int, message: str):
    """The one JSON error body of the API, with its status code."""
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def hit_json(hit) -> dict:
    return {
        "id": hit.key,
        "title": hit.title,
        "title_html": hit.title_html,
        "snippet_html": hit.snippet_html,
        "url": url_for("views.article", key=hit.key),
        "date": ymd(hit.date) or None,
        "category": hit.category,
        "tags": list(hit.tags),
        "views": hit.views,
        "score": round(float(hit.score), 4),
    }


def facets_json(facets) -> dict:
    return {
        name: [{"value": f.value, "count": f.count, "selected": f.selected} for f in values]
        for name, values in facets.items()
    }


@bp.get("/api/search")
def api_search():
    params = search_request(request.args, current_app.config)
    results = run_search(params)
    return jsonify(
        {
            "query": params.q,
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "pages": results.pages,
            "took_ms": round(results.took_ms, 2),
            "relaxed": list(results.relaxed),
            "suggestion": results.suggestion,
            "notice": results.notice,
            "ignored": list(results.ignored),
            "hits": [hit_json(hit) for hit in results.hits],
            "facets": facets_json(results.facets),
        }
    )


@bp.get("/api/suggest")
def api_suggest():
    q = search_request({"q": request.args.get("q")}, current_app.config).q
    found = get_index().suggest(q, limit=current_app.config["SUGGEST_LIMIT"]) if q else []
    return jsonify({"query": q, "suggestions": [suggestion_json(s) for s in found]})


def suggestion_json(suggestion) -> dict:
    if suggestion.kind == "title" and suggestion.key:
        url = url_for("views.article", key=suggestion.key)
    elif suggestion.kind == "tag":
        url = url_for("views.index", tag=suggestion.text)
    else:
        url = url_for("views.index", q=suggestion.text)
    return {"text": suggestion.text, "kind": suggestion.kind, "url": url}


@bp.get("/api/article/<key>")
def api_article(key: str):
    article = get_index().get(key)
    if article is None:
        abort(404, description=f"no article with key {key!r}")
    return jsonify(
        {
            "id": article.key,
            "title": article.title,
            "url": url_for("views.article", key=article.key),
            "source_url": article.url,
            "date": ymd(article.date) or None,
            "updated": ymd(article.updated) or None,
            "category": article.category,
            "tags": list(article.tags),
            "author": article.author,
            "translator": article.translator,
            "reviewer": article.reviewer,
            "views": article.views,
            "comments": article.comments,
            "summary": article.summary,
            "markdown": article.markdown,
        }
    )


@bp.get("/healthz")
def healthz():
    """200 with the document count; without an index the 503 error body."""
    return jsonify({"status": "ok", "documents": get_index().doc_count()})
