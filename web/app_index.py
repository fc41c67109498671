"""The one search Index of a process, opened on first use and then reused.

The Index refreshes itself after a reindex, so it stays open for the life of
the process.  While no index exists, every request tries to open it again, so
running ``reindex`` later fixes the site without a restart.
"""

from __future__ import annotations

import threading

from flask import current_app

import search


class IndexHolder:
    """Opens the index at ``path`` lazily, once, from any thread, with the
    site's synonyms file if it has one."""

    def __init__(self, path: str, synonyms: str | None = None):
        self.path = path
        self.synonyms = synonyms
        self._index = None
        self._lock = threading.Lock()

    def get(self):
        """The open Index; raises IndexNotFoundError / IncompatibleIndexError."""
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    # gunicorn warms it before the first request (web/serving.py);
                    # elsewhere (tests, flask run) the first search loads what it needs.
                    self._index = search.open_index(self.path, warm=False, synonyms=self.synonyms)
                index = self._index
        return index

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None


def get_index():
    """The Index of the current app."""
    return current_app.extensions["zhsearch"].get()
