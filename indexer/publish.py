"""Publishing a committed index to a replica folder (``reindex --publish DEST``).

A committed generation is a set of immutable segment files plus a TOC that
names them, and a reader takes the newest TOC of the folder.  So a replica is
made in this order: the segment files the replica lacks (each written under
a hidden temporary name, synced, then renamed), the files searchers read
beside the index (the user dictionary, the pinyin table), then the TOC, last
and atomically, and only then the files no longer used (older TOCs first,
then their segments' files).  A server reading the replica searches the old
generation until the new TOC is in place and then switches to it
(search.index reopens on a new TOC); one that opened the old generation
keeps its segment files open, which stay readable after deletion, as after
any commit.  A publish that is stopped at any moment leaves the replica on
the generation it had.

The source is held under its reindex lock meanwhile (no build commits while
its files are copied), the replica under its own (no second publish, no
reindex into it).  A replica folder takes the guards of an index folder: new,
empty, or holding a zhsearch index (search.storage.MARKER).
"""

from __future__ import annotations

import filecmp
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from indexer.errors import BuildError
from indexer.folders import index_folder
from indexer.lock import reindex_lock
from search.indexing import (
    PINYIN_TABLE,
    USER_DICTIONARY,
    exists,
    generation_files,
    is_index_file,
    open_whoosh_index,
    write_marker,
)

logger = logging.getLogger(__name__)

#: The name of the index in its folder (Whoosh's default) and of its TOC files.
INDEX_NAME = "MAIN"
_TOC = re.compile(rf"_{INDEX_NAME}_([0-9]+)\.toc")
#: Files beside the index that searchers read, copied before the TOC.
COMPANIONS = (USER_DICTIONARY, PINYIN_TABLE)
#: The prefix of the temporary names a publish writes files under: hidden,
#: so no reader, guard or Whoosh clean-up takes them for the index's.
TEMPORARY_PREFIX = ".publish-"


@dataclass
class PublishReport:
    """What a publish did."""

    source: str
    destination: str
    generation: int = 0  # the replica's: the source's, unless renumbered (see _write_toc)
    copied: list[str] = field(default_factory=list)  # files written into the replica
    copied_bytes: int = 0
    removed: list[str] = field(default_factory=list)  # files of older generations deleted from it


def publish(index_dir: str | os.PathLike, destination: str | os.PathLike, lock_timeout: float = 60.0) -> PublishReport:
    """Copy the latest committed generation of the index at ``index_dir``
    into the folder ``destination`` (see the module doc) and report it.
    Raises :class:`BuildError`."""
    source = Path(os.path.abspath(index_dir))
    target = Path(os.path.abspath(destination))
    if not exists(source):
        raise BuildError(f"no committed index at {source} to publish: run reindex first")
    if target.exists() and target.resolve() == source.resolve():
        raise BuildError(f"cannot publish the index at {source} to itself")
    index_folder(target, "replica folder", "publish")
    report = PublishReport(str(source), str(target))
    with reindex_lock(source, lock_timeout), reindex_lock(target, lock_timeout):
        _remove_temporaries(target)
        ix = open_whoosh_index(source)
        try:
            generation, toc, segment_files = generation_files(ix)
        finally:
            ix.close()
        write_marker(target)
        present = set(os.listdir(target))
        for name in segment_files:
            if name not in present or _size(target / name) != _size(source / name):
                _copy(source, target, name, report)
        companions = [name for name in COMPANIONS if (source / name).is_file()]
        for name in companions:
            if not (target / name).is_file() or not filecmp.cmp(source / name, target / name, shallow=False):
                _copy(source, target, name, report)
        _sync_folder(target)  # the segments' names are on disk before the TOC's
        toc = _write_toc(source, target, generation, toc, report)
        _sync_folder(target)
        _remove_unused(target, {toc, *segment_files, *companions}, report)
        report.generation = _latest_generation(target)
    return report


def _latest_generation(target: Path) -> int:
    numbers = [int(m.group(1)) for m in map(_TOC.fullmatch, os.listdir(target)) if m]
    return max(numbers, default=-1)


def _write_toc(source: Path, target: Path, generation: int, toc: str, report: PublishReport) -> str:
    """Write the source's TOC of ``generation`` into the replica, and return its name there.

    Readers switch when the number of the newest TOC changes, so a replica
    that holds a different generation of the same number (from an index
    rebuilt in a new folder) gets this one under the next number instead."""
    theirs = target / toc
    if not theirs.is_file():
        _copy(source, target, toc, report)
        return toc
    if filecmp.cmp(source / toc, theirs, shallow=False):
        return toc
    renumbered = TOC.read(FileStorage(str(source)), INDEX_NAME, generation)
    renumbered.generation = _latest_generation(target) + 1
    renumbered.write(FileStorage(str(target)), INDEX_NAME)  # under a temporary name, then renamed
    name = f"_{INDEX_NAME}_{renumbered.generation}.toc"
    with open(target / name, "rb") as written:
        os.fsync(written.fileno())
    report.copied.append(name)
    report.copied_bytes += _size(target / name)
    return name


def _copy(source: Path, target: Path, name: str, report: PublishReport) -> None:
    temporary = target / f"{TEMPORARY_PREFIX}{name}"
    try:
        with open(source / name, "rb") as reading, open(temporary, "wb") as writing:
            shutil.copyfileobj(reading, writing, 1 << 20)
            writing.flush()
            os.fsync(writing.fileno())  # on disk before a TOC names it
        os.replace(temporary, target / name)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise BuildError(f"cannot copy {source / name} to {target}: {exc.strerror or exc}; "
                         "the replica keeps the generation it had") from None
    report.copied.append(name)
    report.copied_bytes += _size(target / name)


def _remove_unused(target: Path, used: set[str], report: PublishReport) -> None:
    """Delete the index files no longer used, older TOCs first (a reader
    listing the folder meanwhile finds the new TOC and no other), then the
    older segments' files and the companions the source no longer has."""
    unused = [name for name in os.listdir(target)
              if name not in used and (is_index_file(name) or name in COMPANIONS)
              and not name.endswith(("WRITELOCK", "READLOCK"))]
    for name in sorted(unused, key=lambda n: not n.endswith(".toc")):
        try:
            os.unlink(target / name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            logger.warning("cannot remove %s from the replica %s: %s", name, target, exc.strerror or exc)
            continue
        report.removed.append(name)


def _remove_temporaries(target: Path) -> None:
    """The temporary files of a publish that was stopped."""
    for name in os.listdir(target):
        if name.startswith(TEMPORARY_PREFIX):
            (target / name).unlink(missing_ok=True)


def _sync_folder(target: Path) -> None:
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1
