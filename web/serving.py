"""How gunicorn serves the app: its settings, the hooks that warm each worker,
and the application object ``zhsearch-serve`` runs.

Both ways to start share :func:`options`: ``zhsearch-serve`` hands them, with
the app's checked settings, to :class:`Server` (gunicorn's ``BaseApplication``),
and web/gunicorn_conf.py gives them to plain gunicorn from the environment.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication


def options(server: dict) -> dict:
    """gunicorn's settings for the checked server settings ``server``
    (web.settings.server_settings)."""
    return {
        "bind": server["BIND"],
        "workers": server["WORKERS"],
        # One request at a time per process: a search is CPU-bound and holds the
        # GIL, so threads would add no throughput, and Whoosh readers must not be
        # shared between threads.
        "worker_class": "sync",
        # Import Flask, Whoosh and jieba's dictionary once in the master (see
        # when_ready); the workers share those pages until they write to them.
        "preload_app": True,
        # A worker opens the index and reads its facet columns before serving
        # (post_worker_init): the arbiter must not kill it meanwhile.
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": server["ACCESS_LOG"] or None,
        "errorlog": "-",
        "loglevel": server["LOG_LEVEL"],
        "proc_name": "zhsearch",
        # No gunicornc control socket (gunicorn >= 25): its default path is one per
        # user, shared by every server that user runs, and a service user may have
        # no home folder to put it in.
        "control_socket_disable": True,
        "when_ready": when_ready,
        "post_worker_init": post_worker_init,
    }


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


class Server(BaseApplication):
    """gunicorn serving the app made from ``config`` (checked app settings),
    with the settings of ``server`` (checked server settings); it reads no
    command line and no configuration file."""

    def __init__(self, config: dict, server: dict):
        self._config = config
        self._options = options(server)
        super().__init__("%(prog)s")

    def load_config(self):
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self):
        from web import create_app

        return create_app(self._config)
