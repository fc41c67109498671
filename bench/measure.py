"""How every bench script measures: memory read from /proc, durations summarised.

Memory is Linux only and read from ``/proc``: ``VmRSS`` (resident now) and
``VmHWM`` (peak resident) from ``status``, ``Pss`` from ``smaps_rollup`` (a page
shared by several processes counted pro rata). psutil is not used: it has no
peak RSS on Linux and cannot reset one. Sizes are in MB = 10^6 bytes, as the
peers reported them.

    reset_peak_rss(); ...; peak_rss_mb()            # this process, since the reset
    rss_mb(pid), peak_rss_mb(pid), pss_mb(pid)      # any process (None if unreadable)
    with TreeMemory(pid) as tree: ...               # peaks of a process and its descendants
    seconds = elapsed(call, *args)                  # one duration
    summarize_ms(durations)                         # n, median_ms, p95_ms
"""

from __future__ import annotations

import math
import os
import statistics
import threading
import time
from pathlib import Path

MB = 1e6


def _proc_kb(pid: int | str, name: str, field: str) -> int | None:
    """The kB figure of ``field`` in ``/proc/<pid>/<name>``; None when unreadable."""
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _mb(kb: int | None) -> float | None:
    return None if kb is None else kb * 1024 / MB


def rss_mb(pid: int | str = "self") -> float | None:
    """Resident memory of ``pid`` now, in MB."""
    return _mb(_proc_kb(pid, "status", "VmRSS"))


def anonymous_mb(pid: int | str = "self") -> float | None:
    """The part of ``pid``'s resident memory that is its own (heap, stacks):
    RSS less the pages of mapped files, which the page cache shares among
    the processes mapping them and may drop, in MB."""
    return _mb(_proc_kb(pid, "smaps_rollup", "Anonymous"))


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak resident memory of ``pid`` (since its start or :func:`reset_peak_rss`), in MB."""
    return _mb(_proc_kb(pid, "status", "VmHWM"))


def pss_mb(pid: int | str = "self") -> float | None:
    """Proportional set size of ``pid``: its share of the pages it shares, in MB."""
    return _mb(_proc_kb(pid, "smaps_rollup", "Pss"))


def reset_peak_rss() -> None:
    """Reset this process's peak RSS, so that :func:`peak_rss_mb` measures from now."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass  # peak_rss_mb then reports the peak since the process started


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (forked by its main thread)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo.extend(children(current))
    return pids


class TreeMemory:
    """Peaks of a process and its descendants, sampled every ``every`` seconds
    in a thread: of their summed RSS and PSS, and of each one's RSS.

    RSS counts a page shared by a parent and its forked children once per
    process; PSS divides it among them, so the PSS sum is what the tree really holds.
    """

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every = pid, every
        self.peak_rss_mb = self.peak_pss_mb = 0.0
        self.peak_rss_by_pid: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            rss = {pid: rss_mb(pid) or 0.0 for pid in process_tree(self.pid)}
            for pid, mb in rss.items():
                self.peak_rss_by_pid[pid] = max(mb, self.peak_rss_by_pid.get(pid, 0.0))
            self.peak_rss_mb = max(self.peak_rss_mb, sum(rss.values()))
            self.peak_pss_mb = max(self.peak_pss_mb, sum(pss_mb(pid) or 0.0 for pid in rss))
            if self._stop.wait(self.every):
                return


def folder_mb(path: str | os.PathLike) -> float:
    """Total size of the files under ``path``, in MB."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / MB


def elapsed(call, *args) -> float:
    """Seconds that ``call(*args)`` takes."""
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def summarize_ms(samples_s: list[float]) -> dict:
    """``n``, ``median_ms`` and nearest-rank ``p95_ms`` of durations given in seconds."""
    ms = sorted(s * 1000 for s in samples_s)
    if not ms:
        return {"n": 0, "median_ms": None, "p95_ms": None}
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return {"n": len(ms), "median_ms": statistics.median(ms), "p95_ms": p95}
