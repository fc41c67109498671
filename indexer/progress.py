"""Progress of a build: a tqdm bar on stderr, a callback, or nothing.

A build has stages: the files are read (and, by one process, analysed and
written) one by one; then, for a parallel build, the worker processes finish
the last segments; then the index is committed (merged and saved), which can
take a large part of the run.  Each stage after the first gets its own bar,
counted when its size is known (segments), else timed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

#: Seconds between two redraws of a timed stage's elapsed time.
TICK_S = 0.5


class Progress:
    """Counts the files done; the base class shows nothing."""

    @staticmethod
    def of(option: bool | Callable[[int, int], None]) -> Progress:
        """The progress for ``build_index``'s ``progress`` option."""
        if callable(option):
            return CallbackProgress(option)
        return BarProgress() if option else Progress()

    def start(self, total: int) -> None:
        """``total`` files are to be indexed."""
        self.total = total
        self.done = 0

    def advance(self) -> None:
        """One more file is indexed."""
        self.done += 1

    def stage(self, name: str, total: int | None = None) -> None:
        """A stage after the files begins: ``total`` steps, or an unknown amount of work."""

    def step(self) -> None:
        """One more step of the current stage is done."""

    def close(self) -> None:
        pass


class CallbackProgress(Progress):
    """Calls ``callback(done, total)`` at the start and after each file."""

    def __init__(self, callback: Callable[[int, int], None]):
        self.callback = callback

    def start(self, total: int) -> None:
        super().start(total)
        self.callback(0, total)

    def advance(self) -> None:
        super().advance()
        self.callback(self.done, self.total)


class BarProgress(Progress):
    """tqdm bars on stderr: files with their rate, then one bar per stage."""

    bar = None
    _ticker: threading.Thread | None = None
    _stop: threading.Event | None = None

    def start(self, total: int) -> None:
        super().start(total)
        if total:
            self._open(desc="indexing", total=total, unit="file")

    def advance(self) -> None:
        super().advance()
        if self.bar is not None:
            self.bar.update()

    def stage(self, name: str, total: int | None = None) -> None:
        self.close()
        if total is not None:
            self._open(desc=name, total=total, unit="segment")
        else:
            self._open(desc=name, total=None, bar_format="{desc}: {elapsed}")
            self._tick()

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update()

    def close(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def _open(self, **options) -> None:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: the writer forks processes after this
        self.bar = tqdm(file=sys.stderr, dynamic_ncols=True, mininterval=0.2, **options)

    def _tick(self) -> None:
        """Redraw the elapsed time of a timed stage until it ends.

        Only timed stages run this thread; they come after the build has
        forked its worker processes.
        """
        stop = threading.Event()
        bar = self.bar

        def run() -> None:
            while not stop.wait(TICK_S):
                bar.refresh()

        self._stop = stop
        self._ticker = threading.Thread(target=run, name="progress", daemon=True)
        self._ticker.start()
