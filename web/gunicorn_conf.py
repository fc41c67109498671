"""Gunicorn settings for serving the app:

    gunicorn -c python:web.gunicorn_conf 'web:create_app()'

ZHSEARCH_BIND (default 127.0.0.1:8000) and ZHSEARCH_WORKERS (default 2)
override the address and the number of worker processes; the app itself reads
ZHSEARCH_INDEX_DIR.  Each worker opens the index on its first request.
"""

import os

bind = os.environ.get("ZHSEARCH_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ZHSEARCH_WORKERS", "2"))
# Synchronous workers with a few threads each: a search holds the GIL most of
# the time, so threads mostly hide slow clients rather than add throughput.
worker_class = "gthread"
threads = int(os.environ.get("ZHSEARCH_THREADS", "4"))
# Importing the app (Flask, jieba, Whoosh) once in the master shares that
# memory between workers; the index itself is opened after the fork.
preload_app = True
timeout = 30
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("ZHSEARCH_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("ZHSEARCH_LOG_LEVEL", "info")
proc_name = "zhsearch"
