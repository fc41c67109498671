"""Gunicorn settings for serving the app:

    ZHSEARCH_INDEX_DIR=index_data gunicorn -c python:web.gunicorn_conf 'web:create_app()'

ZHSEARCH_BIND (default 127.0.0.1:8000) and ZHSEARCH_WORKERS (default 2)
override the address and the number of worker processes; the app itself reads
ZHSEARCH_INDEX_DIR.  Put a reverse proxy (nginx) in front for the Internet:
sync workers serve one request at a time and should not wait on slow clients.
"""

import os

bind = os.environ.get("ZHSEARCH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ZHSEARCH_WORKERS", "2"))
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
accesslog = os.environ.get("ZHSEARCH_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("ZHSEARCH_LOG_LEVEL", "info")
proc_name = "zhsearch"


def when_ready(server):
    """In the master, before the workers fork: load jieba's dictionary."""
    from search.analysis import iter_words

    list(iter_words("预热"))


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
