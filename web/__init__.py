"""The Flask front end: search page, article pages and the JSON API.

    zhsearch-serve --index index_data           # gunicorn with web/serving.py
    python -m web --index index_data            # the same
    flask --app web run --without-threads       # development server

Routes: ``/`` (search), ``/article/<key>``, ``/api/search``, ``/api/suggest``,
``/api/article/<key>``, ``/healthz``, and the site files ``/robots.txt``,
``/opensearch.xml``, ``/favicon.ico`` (web/site.py).  Settings: web/settings.py.
HTTP caching and compression: web/caching.py.  One request at a time per
process: the open Index is not shared between threads.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_compress import Compress

from search import keep_segmented_runs
from web.app_index import IndexHolder
from web.settings import checked, defaults, from_environment

# All script comes from static files: no inline script, handlers or eval.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

#: CJK runs of shown articles a worker keeps segmented for their snippets:
#: the indexer's number (search.analysis.SEGMENTED_RUNS), filled by the
#: snippets of the articles a worker shows, costs tens of MB of its own
#: memory, and snippets meet a run again far less often than a build does.
SEGMENTED_RUNS = 4096

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict | None = None) -> Flask:
    """The app: defaults, then ZHSEARCH_* environment variables, then ``config``;
    raises SettingError for a bad value."""
    app = Flask(__name__)
    app.config.from_mapping(defaults())
    app.config.from_mapping(from_environment(os.environ))
    if config:
        app.config.from_mapping(config)
    app.config.from_mapping(checked(app.config))
    app.json.ensure_ascii = False
    # First: Flask runs after_request hooks last-registered first, so the
    # compression runs after every other hook (gzip, br, zstd; web/caching.py).
    Compress(app)
    app.extensions["zhsearch"] = IndexHolder(app.config["INDEX_DIR"], synonyms=app.config["SYNONYMS"] or None)
    keep_segmented_runs(SEGMENTED_RUNS)

    from web import api, caching, site, views
    from web.errors import register_error_handlers
    from web.search_log import SearchLog

    app.extensions["zhsearch_search_log"] = SearchLog(app.config["SEARCH_LOG"])
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(site.bp)
    register_error_handlers(app)
    caching.init_app(app)
    app.after_request(_add_security_headers)
    return app


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
