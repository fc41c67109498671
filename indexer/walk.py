"""Finding the article files under a folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    """A ``*.md`` file found by :func:`find_articles`."""

    relpath: str  # relative to the articles folder, with "/" separators
    path: Path
    size: int
    mtime_ns: int

    @property
    def fingerprint(self) -> str:
        """What tells a changed file from an unchanged one: size and mtime."""
        return f"{self.size}:{self.mtime_ns}"


def find_articles(root: str | Path) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """The ``*.md`` files under ``root``, sorted by relative path, and the
    entries that could not be examined as ``(relpath, reason)``.

    Hidden files and folders (name starting with ".") are skipped.  Symbolic
    links are followed, but a folder is never entered twice, so a link loop
    ends the walk instead of hanging it.
    """
    root = Path(root)
    files: list[SourceFile] = []
    problems: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(folder))
        except OSError as exc:
            problems.append((prefix or ".", f"cannot list folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relpath = prefix + entry.name
            try:
                if entry.is_dir():
                    stack.append((Path(entry.path), relpath + "/"))
                elif entry.name.lower().endswith(".md"):
                    stat = entry.stat()
                    if entry.is_file():
                        files.append(SourceFile(relpath, Path(entry.path), stat.st_size, stat.st_mtime_ns))
            except OSError as exc:
                if entry.name.lower().endswith(".md"):
                    problems.append((relpath, _broken_reason(entry, exc)))
    files.sort(key=lambda f: f.relpath)
    return files, problems


def _broken_reason(entry: os.DirEntry, exc: OSError) -> str:
    if entry.is_symlink():
        return "broken symbolic link"
    return f"cannot read file information: {exc.strerror or exc}"
