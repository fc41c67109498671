"""The exceptions of the search library: one family, rooted at SearchError."""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every error the search library raises on purpose."""


class IndexNotFoundError(SearchError):
    """There is no index at the given path."""

    def __init__(self, path):
        self.path = path
        super().__init__(f"no search index at {path}: run `reindex ARTICLES_DIR --index {path}` first")


class IncompatibleIndexError(SearchError):
    """The index was written by an incompatible version of this package."""

    def __init__(self, path, reason: str = ""):
        self.path = path
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"the index at {path} was built by an incompatible version{detail}; "
            f"run `reindex ARTICLES_DIR --index {path} --full`"
        )


class QueryError(SearchError, ValueError):
    """A search parameter is out of range or unknown; names the parameter."""

    def __init__(self, parameter: str, value, expected: str):
        self.parameter = parameter
        self.value = value
        super().__init__(f"{parameter} must be {expected}, got {value!r}")


class IndexClosedError(SearchError, ValueError):
    """The Index was used after close()."""
