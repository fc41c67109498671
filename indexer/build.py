"""Building and updating the index from a folder of articles.

Incremental by default: the index's ``path`` and ``fingerprint`` (size and
mtime of the file) columns are compared with the files, and only the added,
changed and deleted files are written.  ``full=True`` rebuilds everything in
one writer that commits with ``mergetype=CLEAR``, so readers keep the old
generation until the new one is committed; its segments (one per batch of
files, indexer.parallel) are then merged into one in a second commit.

One build at a time per index (:mod:`indexer.lock`).  A build killed at any
moment leaves the last committed generation in place; Whoosh deletes the
orphaned segment files at the next commit.

Guards: a build writes only into a new or empty folder or one that holds an
index of ours (:data:`search.storage.MARKER`), and refuses to delete all, or
more than half, of the indexed articles because their files are gone (an
empty or wrong articles folder, a share that is not mounted) unless told to
with ``allow_delete``.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh.index import LockError
from whoosh.writing import CLEAR

from indexer.articles import read_article
from indexer.copies import identical_files
from indexer.errors import ArticleError, BuildError
from indexer.folders import index_folder
from indexer.identity import KeyAssigner
from indexer.lock import reindex_lock
from indexer.parallel import ParallelSegments
from indexer.progress import Progress
from indexer.walk import SourceFile, find_articles
from search.indexing import (
    USER_DICTIONARY,
    IncompatibleIndexError,
    create_whoosh_index,
    exists,
    load_user_dictionary,
    open_whoosh_index,
    pinyin_table_is_current,
    preload,
    saved_user_dictionary,
    segment_count,
    to_document,
    write_pinyin_table,
)

logger = logging.getLogger(__name__)

#: Fewer files to (re)index than this are written by one process: starting
#: worker processes costs more than it saves.
PARALLEL_FROM = 300


@dataclass
class BuildReport:
    """What a build did.  The folders are absolute; the files' paths are
    relative to the articles folder."""

    articles_dir: str
    index_dir: str
    full: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # changed, or their key changed
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)  # (id, paths); the first keeps the id
    identical: list[list[str]] = field(default_factory=list)  # files with the same bytes; each is indexed
    documents: int = 0  # documents in the index after the build
    committed: bool = False  # False when there was nothing to write
    segments: int = 0  # segments of the index after the build
    merged: bool = False  # its segments were merged into one (merge=True)
    elapsed_s: float = 0.0

    def to_json(self) -> dict:
        """The report as plain JSON data (``reindex --report``)."""
        data = asdict(self)
        data["skipped"] = [{"path": p, "reason": r} for p, r in self.skipped]
        data["warnings"] = [{"path": p, "message": m} for p, m in self.warnings]
        data["duplicates"] = [{"id": i, "paths": paths} for i, paths in self.duplicates]
        data["elapsed_s"] = round(self.elapsed_s, 3)
        return data


ProgressOption = bool | Callable[[int, int], None]


def build_index(
    articles_dir: str | os.PathLike,
    index_dir: str | os.PathLike,
    *,
    full: bool = False,
    jobs: int | None = None,
    allow_delete: bool = False,
    user_dictionary: str | os.PathLike | None = None,
    progress: ProgressOption = False,
    lock_timeout: float = 60.0,
    merge: bool | None = None,
    scheduler: str | None = None,
) -> BuildReport:
    """Bring the index in ``index_dir`` up to date with the ``*.md`` files
    under ``articles_dir`` (see the module doc) and report what was done.

    ``jobs``: processes that analyse and write (default: all cores); a
    build of fewer than :data:`PARALLEL_FROM` files uses one.
    ``allow_delete``: let the build delete all, or more than half, of the
    indexed articles (else it stops with a :class:`BuildError`, index untouched).
    ``user_dictionary``: a jieba dictionary of extra words (after changing
    it, rebuild with ``full=True``: unchanged files are not analysed again).
    ``progress``: True for a progress bar on stderr, or a callback taking
    (files done, files to do).
    ``merge``: after the update is committed (and seen by searchers), merge
    the index's segments into one, in a second commit: searches get faster
    and the index smaller, at the cost of rewriting every posting.  By
    default (None), after a full build, which writes a segment per batch of
    files (:data:`indexer.parallel.BATCH_BYTES`), dozens for a large
    archive, each costing every search a term lookup and a posting list;
    an update is left to Whoosh's own policy, which merges the small
    segments that updates write.
    ``scheduler``: the address of a Dask scheduler (``tcp://HOST:8786``)
    whose workers analyse and write instead of ``jobs`` local processes
    (indexer.distributed; needs the ``dask`` extra, and the index folder on
    storage the workers share).
    Raises :class:`BuildError` for a user mistake and
    :class:`search.IncompatibleIndexError` for an index of another version
    (unless ``full``).
    """
    started = time.monotonic()
    source = _articles_folder(_absolute(articles_dir))
    target = index_folder(_absolute(index_dir))
    jobs = _jobs(jobs)
    dictionary = _dictionary(user_dictionary) or saved_user_dictionary(target)
    report = BuildReport(str(source), str(target), full=full)
    with reindex_lock(target, lock_timeout):
        files, problems = find_articles(source)
        report.skipped.extend(problems)
        report.identical = identical_files(files)
        ix, full = _open_index(target, full)
        report.full = full
        try:
            shown = Progress.of(progress)
            _Build(ix, report, jobs, dictionary, allow_delete, scheduler).run(files, shown)
            if (full if merge is None else merge) and segment_count(ix) > 1:
                _merge(ix, shown)
                report.merged = True
            report.documents = ix.doc_count()
            report.segments = segment_count(ix)
            if dictionary is not None:
                _keep_dictionary(dictionary, target)
            if not pinyin_table_is_current(target):
                _write_pinyin_table(target, dictionary, shown)
        finally:
            ix.close()
    report.elapsed_s = time.monotonic() - started
    return report


def _write_pinyin_table(target: Path, dictionary: Path | None, progress: Progress) -> None:
    """Write the typo hints' pinyin table (search.pinyin) into the index folder."""
    progress.stage("writing the pinyin table")
    try:
        preload()
        if dictionary is not None:
            load_user_dictionary(dictionary)  # again if the build loaded it: the same words
        write_pinyin_table(target)
    finally:
        progress.close()


def _merge(ix, progress: Progress) -> None:
    """Merge every segment into one, in a commit of its own (an interrupted
    merge leaves the index as the update committed it)."""
    progress.stage("merging segments")
    try:
        writer = ix.writer(timeout=5.0)
    except LockError:
        raise BuildError(f"the index at {ix.storage.folder} is locked by another writer") from None
    try:
        writer.commit(optimize=True)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        progress.close()


class _Build:
    """One pass over the files, in relative-path order, writing what changed."""

    def __init__(self, ix, report: BuildReport, jobs: int, dictionary: Path | None, allow_delete: bool,
                 scheduler: str | None = None):
        self.ix = ix
        self.scheduler = scheduler
        self.report = report
        self.jobs = jobs
        self.dictionary = dictionary
        self.allow_delete = allow_delete
        self.previous = _indexed_files(ix)
        self.indexed = {} if report.full else self.previous
        self.keys = KeyAssigner()
        self.writer = None
        self.segments = None  # the workers (ParallelSegments, DistributedSegments), for a large build

    def run(self, files: list[SourceFile], progress: Progress) -> None:
        current = {f.relpath for f in files}
        stale = sorted(set(self.previous) - current)
        if not self.allow_delete:
            _check_deletions(stale, len(self.previous), self.report.articles_dir)
        todo = [f for f in files if self._changed(f)]
        self.parallel = (self.jobs > 1 or self.scheduler is not None) and len(todo) >= PARALLEL_FROM
        self.todo_bytes = sum(f.size for f in todo)
        progress.start(len(todo))
        try:
            for path in stale if not self.report.full else ():  # a rebuild clears them all
                self._delete(path)
            self.report.deleted.extend(stale)
            for file in files:
                if self._changed(file):
                    self._index(file, self.report.updated if file.relpath in self.indexed else self.report.added)
                    progress.advance()
                else:
                    self._check_key(file)
            if self.report.full and self.writer is None:
                self._open_writer()  # a rebuild from no files still clears the index
            self._commit(progress)
        except BaseException:
            self._cancel()
            raise
        finally:
            progress.close()
        self.report.duplicates = sorted(self.keys.duplicates.items())

    def _changed(self, file: SourceFile) -> bool:
        old = self.indexed.get(file.relpath)
        return old is None or old.fingerprint != file.fingerprint

    def _check_key(self, file: SourceFile) -> None:
        """An unchanged file is rewritten only if its key must change."""
        old = self.indexed[file.relpath]
        if self.keys.key(file.relpath, old.id) == old.key:
            self.report.unchanged += 1
        else:
            self._index(file, self.report.updated, known_id=old.id)

    def _index(self, file: SourceFile, outcome: list[str], known_id: str | None = None) -> None:
        article = self._read(file)
        if article is None:
            if file.relpath in self.indexed:
                self._delete(file.relpath)
            return
        key_id = known_id if known_id is not None else article.id
        article.key = self.keys.key(file.relpath, key_id)
        if file.relpath in self.indexed:
            self._delete(file.relpath)
        self._open_writer()
        document = to_document(article, file.fingerprint)
        if self.segments is not None:
            self.segments.add(document, file.size)
        else:
            self.writer.add_document(**document)
        outcome.append(file.relpath)

    def _read(self, file: SourceFile):
        try:
            article, warnings = read_article(file.path, file.relpath)
        except ArticleError as exc:
            self.report.skipped.append((file.relpath, exc.reason))
            return None
        except Exception as exc:  # a bug must not stop the other files
            logger.debug("unexpected error reading %s", file.relpath, exc_info=True)
            self.report.skipped.append((file.relpath, f"internal error: {type(exc).__name__}: {exc}"))
            return None
        self.report.warnings.extend((file.relpath, message) for message in warnings)
        return article

    def _delete(self, relpath: str) -> None:
        self._open_writer().delete_by_term("path", relpath)

    def _open_writer(self):
        if self.writer is None:
            preload()  # before the workers fork: they inherit it
            if self.dictionary is not None:
                load_user_dictionary(self.dictionary)
            try:
                self.writer = self.ix.writer(timeout=5.0)
            except LockError:
                raise BuildError(
                    f"the index at {self.ix.storage.folder} is locked by another writer"
                ) from None
            if self.parallel:
                self.segments = self._workers()
        return self.writer

    def _workers(self):
        if self.scheduler is None:
            return ParallelSegments(self.ix, self.jobs, self.todo_bytes)
        try:
            from indexer import distributed  # only here: Dask is an optional extra
        except ImportError as exc:
            raise BuildError(
                f"a build on the Dask scheduler {self.scheduler} needs Dask ({exc}): pip install 'zhsearch[dask]'"
            ) from None
        client = distributed.connect(self.scheduler)
        return distributed.DistributedSegments(self.ix, client, self.todo_bytes, self.dictionary)

    def _commit(self, progress: Progress) -> None:
        if self.writer is None:
            return
        mergetype = CLEAR if self.report.full else None
        if self.segments is not None:
            self.segments.commit(self.writer, progress, mergetype)
        else:
            progress.stage("committing")
            self.writer.commit(mergetype=mergetype)
        self.report.committed = True

    def _cancel(self) -> None:
        if self.segments is not None:
            self.segments.close()
        if self.writer is not None and not self.writer.is_closed:
            self.writer.cancel()


@dataclass(frozen=True)
class _Indexed:
    key: str
    id: str | None
    fingerprint: str


def _indexed_files(ix) -> dict[str, _Indexed]:
    """The indexed files, by path, from the index's columns.

    Read segment by segment: Whoosh's MultiReader.column_reader misnumbers
    documents when a segment has no value at all in the column (``id``).
    """
    indexed = {}
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return indexed
        for segment, _ in reader.leaf_readers():
            names = ("path", "key", "id", "fingerprint")
            columns = [segment.column_reader(name, translate=True) for name in names]
            paths, keys, ids, prints = columns
            for doc in segment.all_doc_ids():
                indexed[paths[doc]] = _Indexed(keys[doc], ids[doc] or None, prints[doc].decode("utf-8"))
    return indexed


def _open_index(path: Path, full: bool):
    """The index at ``path`` and whether the build must be full."""
    if not exists(path):
        return create_whoosh_index(path), True
    try:
        return open_whoosh_index(path), full
    except IncompatibleIndexError:
        if not full:
            raise
        logger.warning("replacing the index at %s, built by an incompatible version", path)
        return create_whoosh_index(path), True


def _check_deletions(stale: list[str], indexed: int, articles_dir: str) -> None:
    """Refuse to delete all, or more than half, of the ``indexed`` articles."""
    if not stale or (len(stale) < indexed and 2 * len(stale) <= indexed):
        return
    share = "all" if len(stale) == indexed else "more than half"
    examples = ", ".join(stale[:3]) + (", ..." if len(stale) > 3 else "")
    raise BuildError(
        f"refusing to delete {len(stale)} of the {indexed} indexed articles ({share} of them: {examples}): "
        f"their files are not in {articles_dir}. Is it the wrong folder, or a share that is not mounted? "
        "The index is unchanged; if the files were removed on purpose, run again with --allow-delete"
    )


def _absolute(path: str | os.PathLike) -> Path:
    """``path`` made absolute, so that messages and reports name it unmistakably."""
    return Path(os.path.abspath(path))


def _articles_folder(path: Path) -> Path:
    if not path.exists():
        raise BuildError(f"articles folder {path} does not exist")
    if not path.is_dir():
        raise BuildError(f"articles folder {path} is not a folder")
    return path


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise BuildError(f"jobs must be a positive integer, got {jobs!r}")
    return jobs


def _keep_dictionary(dictionary: Path, index_dir: Path) -> None:
    """Copy the user dictionary into the index folder, for the searchers."""
    kept = index_dir / USER_DICTIONARY
    if dictionary.resolve() == kept.resolve():
        return
    temporary = kept.with_suffix(".tmp")
    shutil.copyfile(dictionary, temporary)
    os.replace(temporary, kept)


def _dictionary(path: str | os.PathLike | None) -> Path | None:
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        raise BuildError(f"user dictionary {path} does not exist or is not a file")
    return path
