"""The folders the indexer writes an index into: a build's index folder
and a publish's replica folders, with the same guards."""

from __future__ import annotations

import os
from pathlib import Path

from indexer.errors import BuildError
from search.indexing import adopt_index, has_marker


def index_folder(path: Path, what: str = "index folder", command: str = "reindex") -> Path:
    """``path``, created if need be, checked to be a writable folder that
    :func:`check_ours` accepts; ``what`` and ``command`` name it and the
    writer in messages."""
    if path.exists() and not path.is_dir():
        raise BuildError(f"{what} {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot create the {what} {path}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise BuildError(f"{what} {path} is not writable")
    check_ours(path, what, command)
    return path


def check_ours(path: Path, what: str = "index folder", command: str = "reindex") -> None:
    """Refuse a folder that holds anything but an index of ours.

    A folder with an index made before the marker existed is marked and used.
    Hidden files (``.gitkeep``, the reindex lock) do not count: Whoosh never
    deletes them.
    """
    if has_marker(path):
        return
    try:
        others = sorted(name for name in os.listdir(path) if not name.startswith("."))
    except OSError as exc:
        raise BuildError(f"cannot list the {what} {path}: {exc.strerror or exc}") from None
    # marked meanwhile: another build creating an index here writes the marker first
    if not others or has_marker(path) or adopt_index(path):
        return
    shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    raise BuildError(
        f"{what} {path} is not empty and holds no zhsearch index ({shown}); "
        f"give a new or empty folder: {command} writes and deletes files in it"
    )
