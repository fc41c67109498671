"""One committed generation of an index, as a search reads it.

A search needs four things of the same generation: the Whoosh searcher (term
dictionaries, postings, stored fields), the article texts of its segments
(search.texts), its facet columns (search.facets) and the masks of the
documents that parts of queries match (search.match).  A :class:`Snapshot`
holds them together, is opened as one and closed as one, and is what the
steps of a search (search.pipeline, search.score) are handed.  An
:class:`~search.index.Index` holds the newest snapshot and swaps it when a
reindex commits a new generation.

The texts, columns and masks are caches that outlive a generation (a
segment's files, columns and masks do not change while it exists); the
snapshot binds them to its searcher.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from whoosh import query as wq

from search.facets import ColumnCache, Columns
from search.match import MatchCache
from search.storage import open_segment_files
from search.texts import ArticleTexts

#: Opening a snapshot retries this many times when a commit deletes the
#: files of the generation being opened (then the next one is opened).
OPEN_ATTEMPTS = 3


class Snapshot:
    def __init__(self, searcher, texts: ArticleTexts, columns: ColumnCache, matches: MatchCache):
        self.searcher = searcher
        self.texts = texts
        self._column_cache = columns
        self._matches = matches

    @classmethod
    def open(cls, ix, texts: ArticleTexts, columns: ColumnCache, matches: MatchCache) -> Snapshot:
        """The snapshot of the newest generation of the Whoosh index ``ix``,
        its files open (so a later commit deleting them cannot break it)."""
        for attempt in itertools.count(1):
            searcher = ix.searcher()
            try:
                open_segment_files(searcher)
                texts.open(searcher)
                return cls(searcher, texts, columns, matches)
            except OSError:  # a commit deleted the files meanwhile: the next generation's
                searcher.close()
                if attempt == OPEN_ATTEMPTS:
                    raise

    def close(self) -> None:
        self.searcher.close()

    def up_to_date(self) -> bool:
        """Whether no newer generation was committed since."""
        return self.searcher.up_to_date()

    @property
    def generation(self) -> int:
        return self.searcher.reader().generation()

    @functools.cached_property
    def columns(self) -> Columns:
        """The facet and sort columns of every document."""
        return self._column_cache.columns(self.searcher)

    # matching ------------------------------------------------------------

    def docs(self, query: wq.Query) -> np.ndarray:
        """The documents matching ``query``: a read-only boolean mask over
        the global docnums (search.match)."""
        return self._matches.docs(self.searcher, query)

    def all_docs(self) -> np.ndarray:
        return self._matches.all_docs(self.searcher)

    # documents -----------------------------------------------------------

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    def stored(self, docnum: int) -> dict:
        """The stored fields of a global docnum."""
        return self.searcher.stored_fields(docnum)

    def text(self, docnum: int) -> tuple[str, str]:
        """The text of a global docnum (search.document.joined_text), as
        written and normalised."""
        return self.texts.texts(self.searcher, docnum)

    def normalized_start(self, docnum: int, chars: int) -> str:
        """The first ``chars`` characters of the normalised text of a global docnum."""
        return self.texts.normalized_start(self.searcher, docnum, chars)

    def asides(self, docnum: int) -> frozenset[str]:
        """The aside texts of a global docnum's Markdown (for its snippet)."""
        return self.texts.asides(self.searcher, docnum)

    def markdown(self, docnum: int) -> str:
        """The Markdown of a global docnum."""
        return self.texts.markdown(self.searcher, docnum)
