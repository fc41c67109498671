"""One reindex at a time per index folder.

A POSIX record lock (``fcntl.lockf``) on ``.reindex.lock`` in the index
folder, held from reading the index's state until the commit.  The kernel
drops it when the process ends, however it ends (even ``kill -9``), so it can
never go stale; and unlike ``flock`` it is not inherited by the processes the
build forks.  Record locks belong to a process, so builds in threads of one
process are kept apart by a thread lock per folder as well.  (Whoosh's own
write lock is a ``flock``, which forked worker processes do inherit: see
:mod:`indexer.worker_lifetime`.)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from indexer.errors import BuildError

logger = logging.getLogger(__name__)

LOCK_NAME = ".reindex.lock"

_thread_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


@contextlib.contextmanager
def reindex_lock(index_dir: Path, timeout: float = 60.0, delay: float = 0.2) -> Iterator[None]:
    """Hold the index folder's reindex lock, waiting up to ``timeout`` seconds."""
    path = index_dir / LOCK_NAME
    deadline = time.monotonic() + timeout
    thread_lock = _thread_lock(path)
    if not thread_lock.acquire(blocking=False):
        _waiting(index_dir, timeout)
        if not thread_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            _give_up(index_dir, timeout)
    try:
        with _file_lock(path, index_dir, deadline, timeout, delay):
            yield
    finally:
        thread_lock.release()


def _thread_lock(path: Path) -> threading.Lock:
    with _registry_lock:
        return _thread_locks.setdefault(os.path.realpath(path), threading.Lock())


@contextlib.contextmanager
def _file_lock(path: Path, index_dir: Path, deadline: float, timeout: float, delay: float):
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(f"cannot create the lock file {path}: {exc.strerror or exc}") from None
    try:
        waiting = False
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                _give_up(index_dir, timeout)
            if not waiting:
                _waiting(index_dir, timeout)
                waiting = True
            time.sleep(delay)
        try:
            yield
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _waiting(index_dir: Path, timeout: float) -> None:
    logger.warning("another reindex of %s is running; waiting up to %g s for it", index_dir, timeout)


def _give_up(index_dir: Path, timeout: float):
    raise BuildError(
        f"another reindex of {index_dir} is still running after {timeout:g} s "
        "of waiting; try again when it has finished"
    )
