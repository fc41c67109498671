"""Progress of a build: a tqdm bar on stderr, a callback, or nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable


class Progress:
    """Counts the files done; the base class shows nothing."""

    @staticmethod
    def of(option: bool | Callable[[int, int], None]) -> Progress:
        """The progress for ``build_index``'s ``progress`` option."""
        if callable(option):
            return CallbackProgress(option)
        return BarProgress() if option else Progress()

    def start(self, total: int) -> None:
        self.total = total
        self.done = 0

    def advance(self) -> None:
        self.done += 1

    def finish(self, message: str) -> None:
        """All files are read; ``message`` says what is still being done."""

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
    """A tqdm bar on stderr, with the rate in files per second."""

    bar = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        super().start(total)
        tqdm.monitor_interval = 0  # no monitor thread: the writer forks processes after this
        if total:
            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True,
                            desc="indexing", mininterval=0.2)

    def advance(self) -> None:
        super().advance()
        if self.bar is not None:
            self.bar.update()

    def finish(self, message: str) -> None:
        if self.bar is not None and message:
            self.bar.set_description(message)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
