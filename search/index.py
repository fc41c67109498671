"""The library's entry point: an open index, searched from any thread.

A long-lived :class:`Index` follows reindexing: each call checks (cheaply)
whether a newer generation was committed and, if so, opens a new searcher.

Whoosh readers are not thread-safe: they read their files with seek-then-read
on shared file objects, so two threads in one reader corrupt each other's
reads ("Damaged postings block", zlib errors).  An Index therefore runs one
call at a time on its searcher (searches are CPU-bound Python: under the GIL
running them in parallel gains nothing).  The background warm-up reads
through a searcher of its own, so searches need not wait for it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from search.analysis import load_user_dictionary
from search.document import Article, decompress, from_stored
from search.docsets import DocSetCache
from search.errors import QueryError, SearchError
from search.facets import FACETS, ColumnCache
from search.highlight import Terms, highlight_title, snippet, strip_tags
from search.literal import LiteralStore
from search.query import analyze, date_range, has_cjk, parse
from search.results import Hit, SearchResults, Suggestion
from search.retrieval import SORTS, Request, run
from search.storage import open_whoosh_index, saved_user_dictionary
from search.suggest import complete, related
from search.regional import RegionalVocabulary
from search.synonyms import Synonyms
from search.typos import Typos
from search.text import markdown_to_text

logger = logging.getLogger(__name__)

MAX_PER_PAGE = 50
MAX_PAGE = 1000


def open_index(path: str | Path, warm: bool = True, synonyms: str | Path | None = None,
               regional: bool = True) -> Index:
    """Open the index at ``path`` for searching.

    Raises IndexNotFoundError or IncompatibleIndexError.  With ``warm``, the
    in-memory texts of the literal matcher are loaded in a background thread.
    ``synonyms``: a synonyms file (format: search.synonyms) used instead of
    the default list; it is read again whenever it changes.  ``regional``:
    search Taiwan/Hong Kong words also in mainland vocabulary (search.regional).
    """
    return Index(path, warm=warm, synonyms=synonyms, regional=regional)


class IndexClosedError(SearchError, ValueError):
    """The Index was used after close()."""


class Index:
    def __init__(self, path: str | Path, warm: bool = True, synonyms: str | Path | None = None,
                 regional: bool = True):
        self.path = Path(path)
        self._synonyms = Synonyms(synonyms)  # SynonymsError names a bad file before the index opens
        self._regional = RegionalVocabulary() if regional else None
        self._ix = open_whoosh_index(self.path)
        dictionary = saved_user_dictionary(self.path)
        if dictionary is not None:
            load_user_dictionary(dictionary)  # process-wide: jieba has one dictionary
        self._lock = threading.RLock()  # held by every use of the searcher
        self._searcher = self._open_searcher()
        self._literal = LiteralStore()
        self._columns = ColumnCache()
        self._docsets = DocSetCache()
        self._typos = Typos()
        self._closed = False
        self._warm_in_background = warm
        if warm:
            self._start_warming()

    # lifecycle ---------------------------------------------------------

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._searcher.close()
            self._ix.close()

    @contextmanager
    def searcher(self) -> Iterator:
        """The searcher of the newest committed generation, for this thread
        alone during the block (other calls on this Index wait)."""
        with self._lock:
            if self._closed:
                raise IndexClosedError(f"the index at {self.path} is closed")
            if not self._searcher.up_to_date():
                self._swap()
            yield self._searcher

    def _swap(self) -> None:
        """Replace the searcher by one of the newest generation (the caller
        holds the lock, so no call is using the old one)."""
        self._searcher.close()
        self._searcher = self._open_searcher()
        reader = self._searcher.reader()
        self._literal.keep_only({r.segment().segment_id() for r, _ in reader.leaf_readers()})
        logger.info("index %s: now at generation %s", self.path, reader.generation())
        if self._warm_in_background:
            self._start_warming()

    def _open_searcher(self):
        """A searcher of the newest generation with its files open (a commit
        deleting them meanwhile: the next generation's)."""
        for attempt in range(3):
            searcher = self._ix.searcher()
            try:
                _open_segment_files(searcher)
                return searcher
            except OSError:
                searcher.close()
                if attempt == 2:
                    raise

    def _start_warming(self) -> None:
        threading.Thread(target=self._warm_unless_closed, name="zhsearch-warm", daemon=True).start()

    def _warm_unless_closed(self) -> None:
        try:
            self.warm()
        except IndexClosedError:
            pass  # closed before or while warming: nothing to warm for

    def warm(self) -> None:
        """Load the literal matcher's texts and the facet columns now (of new
        segments only, after a reindex).  Reads through a searcher of its own
        (its own file objects), so searches go on meanwhile."""
        started = time.perf_counter()
        with self._lock:
            if self._closed:
                raise IndexClosedError(f"the index at {self.path} is closed")
            own = self._open_searcher()
        with own:
            for reader, _ in own.reader().leaf_readers():
                if self._closed:
                    raise IndexClosedError(f"the index at {self.path} was closed while warming")
                self._literal.segment(reader)
            self._columns.columns(own)
            self._typos.warm(own)
        logger.info("index %s warmed in %.2f s", self.path, time.perf_counter() - started)

    # queries -----------------------------------------------------------

    def doc_count(self) -> int:
        with self.searcher() as searcher:
            return searcher.doc_count()

    def get(self, key: str | int) -> Article | None:
        """The article with this key or front-matter id, or None."""
        text = str(key).strip()
        with self.searcher() as searcher:
            for name in ("key", "id", "path"):
                docnum = searcher.document_number(**{name: text})
                if docnum is not None:
                    return from_stored(searcher.stored_fields(docnum))
        return None

    def search(
        self,
        query: str = "",
        *,
        tags: str | list[str] | None = None,
        category: str | list[str] | None = None,
        author: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 10,
        facets=FACETS,
    ) -> SearchResults:
        """Search; see the module docs of search.query (language) and
        search.retrieval (matching, relaxation and the facet rule)."""
        started = time.perf_counter()
        request = Request(
            tags=_values("tags", tags),
            categories=_values("category", category),
            author=_author(author),
            date_from=_date("date_from", date_from),
            date_to=_date("date_to", date_to, end=True),
            sort=_choice("sort", sort, SORTS),
            page=_integer("page", page, 1, MAX_PAGE),
            per_page=_integer("per_page", per_page, 1, MAX_PER_PAGE),
            facets=_facets(facets),
        )
        text = query if isinstance(query, str) else ""
        parsed = parse(text)
        if self._regional is not None:  # hook: search.regional
            parsed = self._regional.expand(parsed, text)
        parsed = self._synonyms.expand(parsed)  # hook: search.synonyms
        words = parsed.words()
        terms = Terms.of(
            [t for w in words for t in analyze(w.text)],
            [w.text for w in words if has_cjk(w.text)],
        )
        with self.searcher() as searcher:
            outcome = run(searcher, parsed, request, self._literal, self._columns.columns(searcher), self._docsets)
            hits = [self._hit(searcher, docnum, score, terms) for docnum, score in outcome.hits]
            suggestion = self._typos.did_you_mean(searcher, query) if isinstance(query, str) else None
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
        )

    def _hit(self, searcher, docnum: int, score: float, terms: Terms) -> Hit:
        stored = searcher.stored_fields(docnum)
        title = stored.get("title", "")
        summary = strip_tags(stored.get("summary", ""))
        text = self._literal.original(searcher, docnum)  # "title\nsummary\ntext"
        if text is None:
            text = f"{title}\n{summary}\n{plain_text(stored.get('markdown') or b'')}"
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
            snippet_html=snippet(text[len(title) + 1 :], terms, summary),
            path=stored["path"],
        )

    def related(self, key: str | int, limit: int = 5) -> list[Hit]:
        """Articles like this one (by its key terms), best first."""
        limit = _integer("limit", limit, 1, MAX_PER_PAGE)
        with self.searcher() as searcher:
            found = related(searcher, str(key).strip(), limit)
            return [self._hit(searcher, d, s, Terms.of(())) for d, s in found]

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles and tags completing ``prefix``; for pinyin (``neihe``,
        ``nh``), the Chinese word first (kind ``word``)."""
        limit = _integer("limit", limit, 1, MAX_PER_PAGE)
        with self.searcher() as searcher:
            found = complete(searcher, self._columns.columns(searcher), prefix, limit)
            word = self._typos.pinyin_word(searcher, prefix)
            return ([Suggestion(word, "word")] + found)[:limit] if word else found


def _open_segment_files(searcher) -> None:
    """Open every column file (stored fields, lengths, sort and facet values)
    of the searcher's segments now.

    Whoosh opens a non-compound segment's column files on first use and asks
    the disk whether a column exists on every use.  But a commit deletes the
    files of the segments it replaces, so a searcher still in use would find
    its stored fields gone or its columns empty.  Open files stay readable
    after deletion (POSIX), so all are opened here and a column exists if its
    file was open.
    """
    for reader, _ in searcher.reader().leaf_readers():
        perdoc = getattr(reader, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_colfiles"):
            continue  # not a whoosh3 segment reader: nothing opened lazily
        schema = reader.schema
        names = ["_stored"]
        names += [f"_{name}_len" for name in schema.scorable_names()]
        names += [name for name in schema.names() if schema[name].column_type]
        for name in names:
            if name not in perdoc._colfiles and perdoc.has_column(name):
                perdoc._colfiles[name] = perdoc._get_column_file(name)
        perdoc.has_column = frozenset(perdoc._colfiles).__contains__


@functools.lru_cache(maxsize=256)
def plain_text(blob: bytes) -> str:
    """The plain text of a stored compressed Markdown (cached: snippets of
    repeated queries need no decompression or Markdown pass)."""
    return markdown_to_text(decompress(blob)) if blob else ""


# parameter checks ---------------------------------------------------------


def _integer(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise QueryError(name, value, f"an integer from {low} to {high}") from None
    if not low <= value <= high:
        raise QueryError(name, value, f"an integer from {low} to {high}")
    return value


def _choice(name: str, value, choices) -> str:
    if value not in choices:
        raise QueryError(name, value, "one of " + ", ".join(choices))
    return value


def _values(name: str, value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
        raise QueryError(name, value, "a string or a list of strings")
    return [v.strip() for v in value if v.strip()]


def _author(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise QueryError("author", value, "a string")
    return value.strip().lower() or None


def _date(name: str, value, end: bool = False) -> datetime | None:
    """A date parameter as a datetime; ``date_to`` is inclusive of its day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        value = value.isoformat()
    span = date_range(value.strip()) if isinstance(value, str) and ".." not in value else None
    if span is None:
        raise QueryError(name, value, "a date such as 2019, 2019-03 or 2019-03-01")
    return span[1] if end else span[0]


def _facets(value) -> tuple[str, ...]:
    names = _values("facets", value) if value is not None else []
    for name in names:
        if name not in FACETS:
            raise QueryError("facets", name, "one of " + ", ".join(FACETS))
    return tuple(names)

