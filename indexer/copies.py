"""Article files with identical contents: the same bytes at two or more paths.

Each copy is still indexed as an article of its own (it has its own path and
key; among copies that share an id the first path keeps it, as for any
duplicate id), and the build reports the groups so that the owner can remove
the copies.  Every build reports them all, not only the files it rewrites:
only files of the same size can be identical, so only those are read and
hashed, which is a small share of an archive.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from indexer.walk import SourceFile

_CHUNK = 1 << 20


def identical_files(files: list[SourceFile]) -> list[list[str]]:
    """Groups of the relative paths of ``files`` with identical contents,
    each sorted, the groups sorted by their first path.  A file that cannot
    be read is left out (the build reports it when it reads the file)."""
    by_size: dict[int, list[SourceFile]] = defaultdict(list)
    for file in files:
        by_size[file.size].append(file)
    by_digest: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    for size, same_size in by_size.items():
        if len(same_size) < 2:
            continue
        for file in same_size:
            digest = _digest(file)
            if digest is not None:
                by_digest[(size, digest)].append(file.relpath)
    return sorted(sorted(paths) for paths in by_digest.values() if len(paths) > 1)


def _digest(file: SourceFile) -> bytes | None:
    digest = hashlib.blake2b()
    try:
        with open(file.path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.digest()
