"""Processes forked by a build die with it.

A large build forks worker processes that write segments
(:mod:`indexer.parallel`).  If the reindex process is killed (``kill -9``),
Linux would leave them waiting on their queues forever, holding the
``flock`` write lock of Whoosh they inherited: the next reindex could not
write.  :func:`die_with_parent` asks the kernel to kill every process that
``multiprocessing`` forks from now on when its parent dies; they also
ignore Ctrl-C, which the parent handles by cancelling the writer.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from multiprocessing import util

_PR_SET_PDEATHSIG = 1


class _Parent:
    """Carries the parent's pid to the forked child (a weak-referenceable object)."""

    def __init__(self) -> None:
        self.pid = os.getpid()


_registered: _Parent | None = None


def die_with_parent() -> None:
    """Make the children ``multiprocessing`` forks from now on die with this process."""
    global _registered
    if not sys.platform.startswith("linux") or _registered is not None:
        return
    _registered = _Parent()
    util.register_after_fork(_registered, _set_death_signal)


def _set_death_signal(parent: _Parent) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent.pid:  # the parent died before prctl took effect
        os._exit(1)
    parent.pid = os.getpid()  # for the processes this child may fork in turn
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
