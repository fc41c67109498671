"""The Flask front end: search page, article pages and the JSON API.

    ZHSEARCH_INDEX_DIR=index_data gunicorn -c python:web.gunicorn_conf 'web:create_app()'
    flask --app web run --without-threads     # development server

Routes: ``/`` (search), ``/article/<key>``, ``/api/search``, ``/api/suggest``,
``/api/article/<key>``, ``/healthz``.  Settings: web/settings.py.  One request
at a time per process: the open Index is not shared between threads.
"""

from __future__ import annotations

from flask import Flask

from web.settings import defaults
from web.state import IndexHolder

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

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict | None = None) -> Flask:
    """The app: defaults, then ZHSEARCH_* environment variables, then ``config``."""
    app = Flask(__name__)
    app.config.from_mapping(defaults())
    app.config.from_prefixed_env("ZHSEARCH")
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False
    app.extensions["zhsearch"] = IndexHolder(app.config["INDEX_DIR"])

    from web import api, views
    from web.errors import register_error_handlers

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_error_handlers(app)
    app.after_request(_add_security_headers)
    return app


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
