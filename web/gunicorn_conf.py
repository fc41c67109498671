"""Gunicorn settings for serving the app; ``zhsearch-serve`` runs gunicorn with
them, and plain gunicorn does the same with:

    ZHSEARCH_INDEX_DIR=index_data gunicorn -c python:web.gunicorn_conf 'web:create_app()'

ZHSEARCH_BIND (default 127.0.0.1:8000), ZHSEARCH_WORKERS (default 2),
ZHSEARCH_ACCESS_LOG and ZHSEARCH_LOG_LEVEL set the server (SERVER_SETTINGS in
web/settings.py); the app reads the other ZHSEARCH_* variables.  All of them
are checked here, so a bad value stops the start with one line naming it.  Put
a reverse proxy (nginx) in front for the Internet: sync workers serve one
request at a time and should not wait on slow clients (docs/deploy.md).
"""

import os
import sys

from web.settings import SettingError, checked, from_environment, server_settings

try:
    _server = server_settings(os.environ)
    checked(from_environment(os.environ))
except SettingError as exc:
    sys.exit(f"Error: {exc}")

bind = _server["BIND"]
workers = _server["WORKERS"]
# One request at a time per process: a search is CPU-bound and holds the GIL,
# so threads would add no throughput, and Whoosh readers must not be shared
# between threads.
worker_class = "sync"
# Import Flask, Whoosh and jieba's dictionary once in the master (see
# when_ready); the workers share those pages until they write to them.
preload_app = True
# A worker opens the index and reads its facet columns before serving
# (post_worker_init): well under a second, but the arbiter must not kill it meanwhile.
timeout = 120
graceful_timeout = 10
accesslog = _server["ACCESS_LOG"] or None
errorlog = "-"
loglevel = _server["LOG_LEVEL"]
proc_name = "zhsearch"
# No gunicornc control socket (gunicorn >= 25): its default path is one per
# user, shared by every server that user runs, and a service user may have no
# home folder to put it in.
control_socket_disable = True


def when_ready(server):
    """In the master, before the workers fork: load jieba's dictionary; log
    the absolute paths the app uses."""
    import search

    search.preload()
    app = server.app.wsgi()  # preloaded
    holder = getattr(app, "extensions", {}).get("zhsearch")
    if holder is not None:
        missing = "" if os.path.isdir(holder.path) else " (not there yet: run reindex ARTICLES --index that folder)"
        server.log.info("Index: %s%s", holder.path, missing)
        search_log = app.config.get("SEARCH_LOG")
        server.log.info("Search log: %s", search_log or "off")


def post_worker_init(worker):
    """Open the index and read its facet columns before the first request,
    so that no search pays for it."""
    from search import SearchError

    holder = getattr(worker.wsgi, "extensions", {}).get("zhsearch")
    if holder is None:  # not our app (wrapped in middleware): open lazily
        return
    try:
        holder.get().warm()
    except SearchError as exc:
        worker.log.warning("index not opened yet: %s", exc)
