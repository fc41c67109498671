"""HTTP validators and cache rules for pages, the API and static files, and
``noindex`` on answers that crawlers should not keep.

A page or API answer depends on its URL, on the committed generation of the
index and on the app (its code, templates and settings).  Its weak ETag is a
hash of the three, computed before the view runs, so a revalidation
(``If-None-Match``) is answered 304 without searching, and the commit of a
reindex changes every ETag.  ``Cache-Control`` lets browsers and proxies keep
an answer ``PAGE_MAX_AGE`` seconds (0: ask again each time).

Static URLs carry ``?v=`` and a hash of the file (added to every
``url_for('static', ...)``), so they may be kept for a year; a request without
the current ``v`` is revalidated with Werkzeug's ETag.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from pathlib import Path

from flask import current_app, g, request
from werkzeug.security import safe_join

from web.app_index import get_index
from web.settings import SETTINGS

#: Endpoints whose answer is a function of the URL, the index and the app.
INDEXED_ENDPOINTS = frozenset(
    {
        "views.index",
        "views.article",
        "api.api_search",
        "api.api_suggest",
        "api.api_article",
        "site.suggestions",
    }
)
STATIC_FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


def init_app(app) -> None:
    app.extensions["zhsearch_app_version"] = _app_version(app)
    app.extensions["zhsearch_static_versions"] = {}
    app.before_request(answer_revalidation)
    app.after_request(add_cache_headers)
    app.url_defaults(_version_static_url)


def _app_version(app) -> str:
    """A hash of what shapes an answer besides the index: the package version,
    the templates and the settings."""
    digest = hashlib.sha256()
    try:
        digest.update(importlib.metadata.version("zhsearch").encode())
    except importlib.metadata.PackageNotFoundError:
        pass  # run from a source tree that is not installed: the templates still count
    for path in sorted(Path(app.root_path, app.template_folder).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    for setting in SETTINGS:
        digest.update(f"{setting.name}={app.config[setting.name]!r}".encode())
    return digest.hexdigest()[:16]


def page_etag() -> str:
    """The validator of the current request's answer (opens the index)."""
    generation = get_index().generation
    url = request.path + "?" + request.query_string.decode("latin-1")
    key = f"{current_app.extensions['zhsearch_app_version']}|{generation}|{url}"
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def answer_revalidation():
    """Before a view: 304 when the client's copy is still current."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in INDEXED_ENDPOINTS:
        return None
    g.zhsearch_etag = page_etag()
    if request.if_none_match.contains_weak(g.zhsearch_etag):
        return current_app.response_class(status=304)
    return None


def add_cache_headers(response):
    etag = g.get("zhsearch_etag")
    if etag and response.status_code in (200, 304):
        response.set_etag(etag, weak=True)
        max_age = current_app.config["PAGE_MAX_AGE"]
        response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age else REVALIDATE
    elif request.endpoint == "static" and response.status_code in (200, 304):
        current = static_version(request.view_args.get("filename", ""))
        forever = current is not None and request.args.get("v") == current
        response.headers["Cache-Control"] = STATIC_FOREVER if forever else REVALIDATE
    if _not_for_search_engines():
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _not_for_search_engines() -> bool:
    """Result pages (any query string) and API answers; articles and the
    home page are to be indexed."""
    if request.path.startswith("/api/"):
        return True
    return bool(request.endpoint and request.endpoint.startswith("views.") and request.query_string)


def static_version(filename: str) -> str | None:
    """A short hash of a static file's content (None if there is none)."""
    path = safe_join(current_app.static_folder, filename)
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    if stat is None or not os.path.isfile(path):
        return None
    versions = current_app.extensions["zhsearch_static_versions"]
    key = (filename, stat.st_mtime_ns, stat.st_size)
    if key not in versions:
        versions[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return versions[key]


def _version_static_url(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version
