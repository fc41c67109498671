"""Reads a folder of Markdown articles and builds or updates the search index.

    from indexer import build_index
    report = build_index("articles", "index_data")          # incremental
    report = build_index("articles", "index_data", full=True, jobs=2)
"""

from indexer.articles import read_article
from indexer.build import BuildReport, build_index
from indexer.errors import ArticleError, BuildError, IndexerError

__all__ = ["ArticleError", "BuildError", "BuildReport", "IndexerError", "build_index", "read_article"]
