"""The library's entry point: an open index, searched from any thread.

A long-lived :class:`Index` follows reindexing: each call checks whether a
newer generation was committed and, if so, opens its snapshot
(search.snapshot) in place of the old one.  The check
is a stat of the folder, and a listing of it unless its mtime is one a
listing was read well after, less than a second ago
(search.storage.ListingCheck).

Whoosh readers are not thread-safe: they read their files with seek-then-read
on shared file objects, so two threads in one reader corrupt each other's
reads ("Damaged postings block", zlib errors).  An Index therefore runs one
call at a time on its snapshot (searches are CPU-bound Python: under the GIL
running them in parallel gains nothing).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from search.analysis import load_user_dictionary
from search.completion import TitleCache, complete
from search.document import Article, from_stored
from search.errors import IndexClosedError, QueryError
from search.facets import ColumnCache
from search.highlight import Terms, highlight_title, snippet
from search.limits import LIMITS
from search.match import MatchCache
from search.pipeline import run
from search.query import ParsedQuery, parse
from search.rank import DEFAULT_FILE as DEFAULT_WEIGHTS
from search.rank import FEATURES, Weights
from search.regional import RegionalVocabulary
from search.related import related
from search.request import SearchRequest
from search.results import Candidate, Hit, SearchResults, Suggestion
from search.snapshot import Snapshot
from search.spelling import SpellingHints
from search.storage import ListingCheck, open_whoosh_index, saved_user_dictionary
from search.synonyms import Synonyms
from search.texts import ArticleTexts

logger = logging.getLogger(__name__)


def open_index(path: str | Path, warm: bool = False, synonyms: str | Path | None = None,
               regional: bool = True, ranking: str | Path | None = None) -> Index:
    """Open the index at ``path`` for searching.

    Raises IndexNotFoundError or IncompatibleIndexError, SynonymsError.  With
    ``warm``, the facet columns and the pinyin table are read at once (see
    :meth:`Index.warm`).  ``synonyms``: a synonyms file (format:
    search.synonyms) used instead of the default list; it is read again
    whenever it changes.  ``regional``: search Taiwan/Hong Kong words also in
    mainland vocabulary (search.regional).  ``ranking``: a weights file of
    the second ranking stage (search.rank) used instead of the shipped one.
    """
    return Index(path, warm=warm, synonyms=synonyms, regional=regional, ranking=ranking)


class Index:
    def __init__(self, path: str | Path, warm: bool = False, synonyms: str | Path | None = None,
                 regional: bool = True, ranking: str | Path | None = None):
        self.path = Path(path)
        self._synonyms = Synonyms(synonyms)  # SynonymsError names a bad file before the index opens
        self._weights = Weights.read(ranking or DEFAULT_WEIGHTS)  # RankingError, likewise
        self._regional = RegionalVocabulary() if regional else None
        self._ix = open_whoosh_index(self.path)
        dictionary = saved_user_dictionary(self.path)
        if dictionary is not None:
            load_user_dictionary(dictionary)  # process-wide: jieba has one dictionary
        self._lock = threading.RLock()  # held by every use of the snapshot
        self._texts = ArticleTexts(self.path)
        self._columns = ColumnCache()
        self._matches = MatchCache()
        self._snapshot = self._open_snapshot()
        self._up_to_date = ListingCheck(self.path, lambda: self._snapshot.up_to_date())
        self._titles = TitleCache()
        self._spelling = SpellingHints(self.path, self._texts)
        self._closed = False
        if warm:
            self.warm()

    # lifecycle ---------------------------------------------------------

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._snapshot.close()
            self._ix.close()

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """The snapshot of the newest committed generation, for this thread
        alone during the block (other calls on this Index wait)."""
        with self._lock:
            if self._closed:
                raise IndexClosedError(f"the index at {self.path} is closed")
            if not self._up_to_date():
                self._swap()
            yield self._snapshot

    def _swap(self) -> None:
        """Replace the snapshot by one of the newest generation (the caller
        holds the lock, so no call is using the old one)."""
        self._snapshot.close()
        self._snapshot = self._open_snapshot()
        logger.info("index %s: now at generation %s", self.path, self._snapshot.generation)

    def _open_snapshot(self) -> Snapshot:
        return Snapshot.open(self._ix, self._texts, self._columns, self._matches)

    def warm(self) -> None:
        """Read the facet columns and the pinyin table of the typo hints now
        rather than at the first search (the literal files need no warming:
        a search reads what it needs of them)."""
        started = time.perf_counter()
        with self.snapshot() as snap:
            snap.columns  # noqa: B018 (read now)
        self._spelling.pinyin()
        logger.info("index %s warmed in %.2f s", self.path, time.perf_counter() - started)

    # queries -----------------------------------------------------------

    @property
    def generation(self) -> int:
        """The committed generation searched now (the newest: a reindex's
        commit moves it on), e.g. for an HTTP validator."""
        with self.snapshot() as snap:
            return snap.generation

    def doc_count(self) -> int:
        with self.snapshot() as snap:
            return snap.doc_count()

    def get(self, key: str | int) -> Article | None:
        """The article with this key or front-matter id, or None."""
        text = str(key).strip()
        with self.snapshot() as snap:
            for name in ("key", "id", "path"):
                docnum = snap.searcher.document_number(**{name: text})
                if docnum is not None:
                    return from_stored(snap.stored(docnum), snap.markdown(docnum))
        return None

    def search(self, request: SearchRequest | str | None = None, **params) -> SearchResults:
        """Search; ``request`` is a :class:`SearchRequest`, or the query text
        with the other parameters as keywords (``tags``, ``category``,
        ``author``, ``date_from``, ``date_to``, ``sort``, ``page``,
        ``per_page``, ``facets``, ``limits``; see search.request).  See the
        module docs of search.query (language) and search.pipeline
        (matching, relaxation and the facet rule)."""
        started = time.perf_counter()
        request = _request(request, params)
        query = request.q
        parsed = self._parse(request)
        terms = Terms.of_words(parsed.words())
        with self.snapshot() as snap:
            outcome = run(snap, parsed, request, self._weights)
            hits = [_hit(snap, docnum, score, terms) for docnum, score in outcome.hits]
            suggestion = self._spelling.did_you_mean(snap.searcher, query, parsed)  # its typed words only
        return SearchResults(
            query=query,
            hits=hits,
            total=outcome.total,
            page=request.page,
            per_page=request.per_page,
            sort=request.sort,
            took_ms=(time.perf_counter() - started) * 1000,
            facets=outcome.facets,
            relaxed=outcome.relaxed,
            suggestion=suggestion,
            notice=outcome.notice,
            ignored=outcome.ignored,
        )

    def explain(self, request: SearchRequest | str | None = None, **params) -> list[Candidate]:
        """The candidates the second ranking stage re-scores for this search
        (sorted by relevance), in the first stage's order, with their
        features (search.rank): what scripts/fit_ranking.py fits weights on."""
        request = _request(request, params)
        parsed = self._parse(request)
        with self.snapshot() as snap:
            outcome = run(snap, parsed, replace(request, sort="relevance"), self._weights)
            if outcome.candidates is None:
                return []
            docs, bm25, rows = outcome.candidates
            fields = [snap.stored(docnum) for docnum in docs.tolist()]
        return [Candidate(f["key"], f["path"], f.get("title", ""), score, dict(zip(FEATURES, row.tolist())))
                for f, score, row in zip(fields, bm25.tolist(), rows)]

    def _parse(self, request: SearchRequest) -> ParsedQuery:
        parsed = parse(request.q, request.limits.max_words)
        if self._regional is not None:  # hook: search.regional
            parsed = self._regional.expand(parsed, request.q, request.limits.max_words)
        return self._synonyms.expand(parsed)  # hook: search.synonyms

    def related(self, key: str | int, limit: int = 5) -> list[Hit]:
        """Articles like this one (by its key terms), best first."""
        limit = _limit(limit)
        with self.snapshot() as snap:
            found = related(snap.searcher, str(key).strip(), limit)
            return [_hit(snap, d, s, Terms.of(())) for d, s in found]

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles and tags completing ``prefix``; for pinyin (``neihe``,
        ``nh``), the Chinese word first (kind ``word``)."""
        limit = _limit(limit)
        with self.snapshot() as snap:
            found = complete(self._titles.titles(snap.searcher, snap.columns), prefix, limit)
            word = self._spelling.pinyin_word(snap.searcher, prefix)
            return ([Suggestion(word, "word")] + found)[:limit] if word else found


# hits ----------------------------------------------------------------------


def _hit(snap: Snapshot, docnum: int, score: float, terms: Terms) -> Hit:
    stored = snap.stored(docnum)
    title = stored.get("title", "")
    summary = stored.get("summary", "")
    text, norm = snap.text(docnum)  # joined_text: "title\nsummary\ntext"
    body = len(title) + 1
    return Hit(
        key=stored["key"],
        id=stored.get("id"),
        title=title,
        url=(stored.get("meta") or {}).get("url"),
        date=stored.get("date"),
        category=stored.get("category"),
        tags=list(stored.get("tags") or []),
        score=float(score),
        title_html=highlight_title(title, terms),
        snippet_html=snippet(text[body:], terms, summary, norm=norm[body:],
                             asides=snap.asides(docnum)),
        path=stored["path"],
        views=stored.get("views") or None,
    )


# parameter checks ---------------------------------------------------------


def _request(request: SearchRequest | str | None, params: dict) -> SearchRequest:
    """A :class:`SearchRequest`, or the query text with the other parameters as keywords."""
    if not isinstance(request, SearchRequest):
        return SearchRequest.of("" if request is None else request, **params)
    if params:
        raise TypeError("Index.search takes a SearchRequest or keyword parameters, not both")
    return request


def _limit(value, high: int = LIMITS.max_per_page) -> int:
    """A ``limit`` parameter: an integer from 1 to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise QueryError("limit", value, f"an integer from 1 to {high}")
    return value
