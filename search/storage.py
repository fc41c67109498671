"""Where an index lives on disk: opening it for reading or writing."""

from __future__ import annotations

import logging
import os
import pickle
import re
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import EmptyIndexError

from search.errors import IncompatibleIndexError, IndexNotFoundError
from search.schema import SCHEMA_VERSION, build_schema
from search.whoosh_adapter import committed_segments, open_column_files
from search.writer import ArchiveIndex


def generation_files(ix) -> tuple[int, str, list[str]]:
    """The latest committed generation of the open index ``ix``: its number,
    the name of its TOC, and the names of its segments' files (those of the
    folder whose name starts with a segment's id), sorted.  A copy of the
    index is consistent if it has these files before the TOC."""
    generation = ix.latest_generation()
    prefixes = tuple(f"{segment.segment_id()}." for segment in committed_segments(ix))
    names = sorted(name for name in ix.storage.list() if prefixes and name.startswith(prefixes))
    return generation, f"_{ix.indexname}_{generation}.toc", names


def open_segment_files(searcher) -> None:
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
        open_column_files(reader)


#: The jieba user dictionary an index was built with, kept in its folder so that
#: queries are segmented with the same words as the articles were.
USER_DICTIONARY = "jieba_userdict.txt"

#: A stored-only field whose name carries the schema version.
VERSION_FIELD = f"schema_v{SCHEMA_VERSION}"


def index_schema():
    """The schema written into new indexes (the article schema plus its version mark)."""
    from whoosh import fields

    schema = build_schema()
    schema.add(VERSION_FIELD, fields.STORED())
    return schema


def exists(path: str | Path) -> bool:
    """Whether ``path`` holds a committed index."""
    path = Path(path)
    return path.is_dir() and whoosh_index.exists_in(str(path))


def open_whoosh_index(path: str | Path):
    """The Whoosh index at ``path``, checked to be one this version can read."""
    path = Path(path)
    if not exists(path):
        raise IndexNotFoundError(path)
    try:
        ix = ArchiveIndex(IndexStorage(str(path)))
    except EmptyIndexError as exc:
        raise IndexNotFoundError(path) from exc
    except (pickle.UnpicklingError, AttributeError, ModuleNotFoundError, ImportError) as exc:
        raise IncompatibleIndexError(path, str(exc)) from exc
    if VERSION_FIELD not in ix.schema.names():
        ix.close()
        raise IncompatibleIndexError(path, f"no {VERSION_FIELD} mark in its schema")
    return ix


def saved_user_dictionary(path: str | Path) -> Path | None:
    """The user dictionary kept in the index folder ``path``, if any."""
    saved = Path(path) / USER_DICTIONARY
    return saved if saved.is_file() else None


def create_whoosh_index(path: str | Path):
    """A new, empty index at ``path`` (the folder is created if needed), with
    the folder's :data:`MARKER`.

    Only for a folder without an index: Whoosh's ``create_in`` deletes the
    files of an existing one. A full rebuild over an existing index commits
    with ``mergetype=CLEAR`` instead, so readers never see it empty.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    write_marker(path)
    return ArchiveIndex.create(IndexStorage(str(path)), index_schema())


# The index folder: which files are the index's, and the marker of our folders.

logger = logging.getLogger(__name__)

#: Written into a folder when an index is created there: tells a folder that
#: holds a zhsearch index from any other, which the indexer will not write into.
MARKER = "zhsearch-index.txt"
_MARKER_TEXT = (
    "This folder holds a zhsearch search index. The reindex command writes and deletes\n"
    "the index's files here (MAIN_*, _MAIN_*.toc); it leaves every other file alone.\n"
)
#: The names of the files Whoosh writes for the index ``MAIN``: the TOC of each
#: generation (and its temporary file), the files of a segment (its id is
#: ``MAIN_`` and 16 characters of [0-9a-z], then any extension) and the locks.
_INDEX_FILE = re.compile(
    r"_MAIN_[0-9]+\.toc(\.[0-9.]+)?|MAIN_[0-9a-z]{16}\.[A-Za-z0-9_.]+|MAIN_(WRITELOCK|READLOCK)"
)
_VERSION_MARK = re.compile(r"schema_v[0-9]+")


def is_index_file(name: str) -> bool:
    """Whether the file ``name`` in an index folder is one the index writes (and may delete)."""
    return _INDEX_FILE.fullmatch(name) is not None


class IndexStorage(FileStorage):
    """A Whoosh ``FileStorage`` that deletes only the index's own files.

    Whoosh deletes every ``_MAIN_*`` file when it creates an index and every
    ``MAIN_<name>.<ext>`` that is not in the current segments at each commit;
    here a file that :func:`is_index_file` does not claim is kept.
    """

    def delete_file(self, name):
        if not is_index_file(name):
            logger.debug("kept %s in the index folder %s: not a file of the index", name, self.folder)
            return
        super().delete_file(name)

    def open_file(self, name, **kwargs):
        """A segment's term dictionary and postings as a :class:`PagedFile`;
        any other file as Whoosh opens it."""
        if name.endswith(PAGED_EXTENSIONS):
            return PagedFile(open(os.path.join(self.folder, name), "rb"), name=name, **kwargs)
        return super().open_file(name, **kwargs)


#: The files read at random by every search: a term lookup in the ``.trm``
#: hash table, a posting block of the ``.pst``.
PAGED_EXTENSIONS = (".trm", ".pst")


class PagedFile(StructFile):
    """A Whoosh file whose random reads (``get``: the hash table's lookups,
    a posting block's data) are one ``pread`` each, not a seek and a read
    through Python's file layers (a search makes thousands).  Not a memory
    map, for the reason search.text_file gives: the touched pages of a map
    count in the worker's RSS, read ones stay in the shared page cache.  An
    open file, like a map, stays readable after a commit deletes it (POSIX)."""

    def __init__(self, fileobj, name=None, **kwargs):
        super().__init__(fileobj, name=name, **kwargs)
        self._fd = fileobj.fileno()

    def get(self, position: int, length: int) -> bytes:
        return os.pread(self._fd, length, position)


#: The coarsest timestamps of a file system an index may be on (FAT's: 2 s).
TIMESTAMP_TICK_NS = 2_000_000_000
#: The longest an unchanged mtime spares the listing (seconds).
TRUST_S = 1.0


class ListingCheck:
    """``check()``, a reading of a folder's listing that is true while the
    listing shows what the caller holds (Whoosh's ``up_to_date``: about
    500 entries to list at 10×), skipped while the folder has not changed.

    Adding, removing or renaming an entry (a commit writes a new table of
    contents) sets a folder's mtime, in ticks of its file system's
    timestamps.  A change in the same tick as the mtime a check passed at
    would leave the mtime as it was, so that mtime is trusted (the check
    skipped while the folder's mtime stays equal to it) only when the
    listing was read more than TIMESTAMP_TICK_NS after it by this machine's
    clock: any later change then sets a later mtime.  That takes one clock;
    a file server whose clock lags the machine's could stamp a later change
    with the trusted mtime, so the listing is read again at least every
    TRUST_S seconds all the same: at worst, a commit is seen that late."""

    def __init__(self, path: str | Path, check: Callable[[], bool]):
        self.path = path
        self._check = check
        self._trusted: int | None = None  # an mtime at which the check passed, a tick after it
        self._trusted_until = 0.0  # time.monotonic() until which it is

    def __call__(self) -> bool:
        read_at = time.time_ns()  # the listing is read after this
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            return self._check()  # as without this: the check says what is wrong
        if mtime == self._trusted and time.monotonic() < self._trusted_until:
            return True
        if not self._check():
            return False
        if mtime < read_at - TIMESTAMP_TICK_NS:
            self._trusted, self._trusted_until = mtime, time.monotonic() + TRUST_S
        return True


def has_marker(path: str | Path) -> bool:
    """Whether the folder ``path`` holds the :data:`MARKER` of an index folder."""
    return (Path(path) / MARKER).is_file()


def write_marker(path: str | Path) -> None:
    """Mark the folder ``path`` as an index folder."""
    (Path(path) / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def adopt_index(path: str | Path) -> bool:
    """Mark a folder holding an index made before the marker existed.

    Such an index is a committed Whoosh index whose schema carries a schema
    version mark (``schema_v<N>``, of this version or an older one); returns
    whether ``path`` holds one (and is now marked).
    """
    if not exists(path):
        return False
    try:
        ix = IndexStorage(str(path)).open_index()
    except Exception:  # unreadable in any way: not an index we can vouch for
        logger.debug("no readable index in %s", path, exc_info=True)
        return False
    try:
        ours = any(_VERSION_MARK.fullmatch(name) for name in ix.schema.names())
    finally:
        ix.close()
    if ours:
        write_marker(path)
    return ours
