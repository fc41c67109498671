"""The exceptions of the indexer: one family, rooted at IndexerError."""

from __future__ import annotations


class IndexerError(Exception):
    """Base class of every error the indexer raises on purpose."""


class ArticleError(IndexerError):
    """A file cannot be read as an article; carries its path and the reason."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class BuildError(IndexerError):
    """A user mistake that stops a build (missing folder, busy index, ...)."""
