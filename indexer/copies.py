"""Article files with identical contents: the same bytes at two or more paths.

Each copy is still indexed as an article of its own (it has its own path and
key; among copies that share an id the first path keeps it, as for any
duplicate id), and the build reports the groups so that the owner can remove
the copies.  Every build reports them all, not only the files it rewrites:
only files of the same size can be identical, so only those are read and
compared, first by their first 4 KB (which tells nearly all of them apart),
then, if longer, by a hash of the whole file.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable

from indexer.walk import SourceFile

HEAD_BYTES = 4096
_CHUNK = 1 << 20


def identical_files(files: list[SourceFile]) -> list[list[str]]:
    """Groups of the relative paths of ``files`` with identical contents,
    each sorted, the groups sorted by their first path.  A file that cannot
    be read is left out (the build reports it when it reads the file)."""
    groups = _split([files], lambda file: file.size)
    groups = _split(groups, _head)
    groups = _split(groups, lambda file: _digest(file) if file.size > HEAD_BYTES else b"")
    return sorted(sorted(file.relpath for file in group) for group in groups)


def _split(groups: Iterable[list[SourceFile]], key: Callable[[SourceFile], Hashable | None]) -> list[list[SourceFile]]:
    """The groups of two or more files with the same key (None: unreadable, left out)."""
    split = []
    for group in groups:
        by_key: dict = defaultdict(list)
        for file in group:
            value = key(file)
            if value is not None:
                by_key[value].append(file)
        split.extend(same for same in by_key.values() if len(same) > 1)
    return split


def _head(file: SourceFile) -> bytes | None:
    try:
        with open(file.path, "rb") as stream:
            return stream.read(HEAD_BYTES)
    except OSError:
        return None


def _digest(file: SourceFile) -> bytes | None:
    digest = hashlib.blake2b()
    try:
        with open(file.path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.digest()
