"""Replicas behind nginx: one server against two, and a rebuild published under load.

    .venv/bin/python bench/replicas.py --corpus /work/shared/corpus/lctt [--duration 30] [--workers 2]

1. Builds the index of the corpus in a temporary folder (``reindex --full``)
   and publishes it to two replica folders (``--publish``).
2. Throughput: wrk (16 connections, the URL mix of bench/load.py) through
   nginx (tests/nginx_proxy.py: the upstream of docs/deploy.md) to one
   gunicorn server on replica 1 whose processes are pinned to core 0
   (``sched_setaffinity``, as ``taskset -c 0``), then to two servers, on
   replica 1 pinned to core 0 and on replica 2 pinned to core 1: each server
   has one core's budget.  nginx and wrk are not pinned (the machine has 2
   cores): they take their share in both runs.  With ``--quota C``, the two
   runs again with each server limited to C cores of its core (a CFS quota),
   which leaves wrk and nginx the rest in both runs.
3. Under load: wrk through nginx to both servers, in runs of 10 s, while
   ``reindex --full --allow-delete --publish R1 --publish R2`` rebuilds the
   index without the last tenth of the files and publishes it; a poller asks
   each server directly for a fixed query every 50 ms.  Every answer must be a
   200 whose total is the old generation's or the new one's (a half-copied
   replica would fail or count otherwise); wrk must see no error.

The corpus is never modified: its files are linked into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

from build import link_corpus
from load import mixed_paths, run_wrk
from web_latency import warm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from gunicorn_server import gunicorn  # noqa: E402
from nginx_proxy import nginx  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
#: The poller's query: frequent enough that dropping a tenth of the files changes its total.
PROBE = "/api/search?q=" + quote("内核")
#: The cgroup v1 CPU controller, for --quota.
CGROUP_CPU = Path("/sys/fs/cgroup/cpu")


def reindex(articles: Path, index_dir: Path, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "indexer", str(articles), "--index", str(index_dir), "--full", "--quiet",
               "--jobs", "2", *options]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def server_pids(master_pid: int) -> list[int]:
    with open(f"/proc/{master_pid}/task/{master_pid}/children") as children:
        return [master_pid, *map(int, children.read().split())]


def pin(master_pid: int, core: int) -> None:
    """Pin a gunicorn master and its workers to ``core``."""
    for pid in server_pids(master_pid):
        os.sched_setaffinity(pid, {core})


@contextmanager
def cpu_quota(master_pid: int, cores: float, name: str):
    """Limit a gunicorn master and its workers to ``cores`` of CPU time
    (a cgroup v1 ``cpu`` group with a CFS quota; needs root), for the block."""
    group = CGROUP_CPU / name
    group.mkdir()
    try:
        (group / "cpu.cfs_period_us").write_text("100000")
        (group / "cpu.cfs_quota_us").write_text(str(int(cores * 100000)))
        for pid in server_pids(master_pid):
            (group / "cgroup.procs").write_text(str(pid))
        yield
    finally:
        for pid in (group / "cgroup.procs").read_text().split():
            (CGROUP_CPU / "cgroup.procs").write_text(pid)
        group.rmdir()


def total(base: str) -> int:
    with urllib.request.urlopen(base + PROBE, timeout=30) as answer:
        return json.load(answer)["total"]


def errors(result: dict) -> int:
    return sum(result[k] for k in ("connect", "read", "write", "timeout", "status"))


def rate(result: dict) -> float:
    return result["requests"] / (result["duration_us"] / 1e6)


def throughput(upstreams: list[str], args) -> dict:
    with nginx(upstreams) as base:
        paths = mixed_paths(base)
        warm(base, paths, args.workers * len(upstreams))
        return run_wrk(base, paths, args.connections, args.duration, 2)


class Poller(threading.Thread):
    """Asks each server for PROBE every 50 ms; keeps (status or error, total) of each answer."""

    def __init__(self, bases: list[str]):
        super().__init__(daemon=True)
        self.bases = bases
        self.answers: list[tuple[object, int | None]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            for base in self.bases:
                try:
                    self.answers.append((200, total(base)))
                except OSError as exc:  # an HTTP error status too
                    self.answers.append((str(exc), None))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("ZHSEARCH_CORPUS"), help="corpus folder (ZHSEARCH_CORPUS)")
    parser.add_argument("--limit", type=int, help="only the first N files (path order)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30, help="seconds of each throughput run")
    parser.add_argument("--quota", type=float,
                        help="also measure with each server limited to this many cores (e.g. 0.5), so that wrk and "
                             "nginx keep the rest in both runs (cgroup v1 CPU quota; needs root)")
    parser.add_argument("--tmpdir", help="where indexes are built (default: the system temp folder)")
    args = parser.parse_args(argv)
    if not args.corpus:
        parser.error("give --corpus or set ZHSEARCH_CORPUS")
    with tempfile.TemporaryDirectory(dir=args.tmpdir, prefix="zhsearch-replicas-") as tmp:
        tmp = Path(tmp)
        articles, source = tmp / "articles", tmp / "index"
        replicas = [tmp / "replica1", tmp / "replica2"]
        relpaths = link_corpus(Path(args.corpus), args.limit, articles)
        built = reindex(articles, source, *[f"--publish={r}" for r in replicas])
        if built.wait() != 0:
            raise SystemExit(built.stderr.read())
        print(f"{len(relpaths)} files indexed and published to 2 replicas; {os.cpu_count()} cores; "
              f"{args.workers} workers a server; wrk -c{args.connections}")
        with ExitStack() as servers:
            started = [servers.enter_context(gunicorn(r, workers=args.workers, timeout=120, log_level="warning"))
                       for r in replicas]
            for core, (_, pid) in enumerate(started):
                pin(pid, core)
            bases = [base for base, _ in started]
            one = throughput(bases[:1], args)
            two = throughput(bases, args)
            print(f"one server (core 0):            {rate(one):6.1f} requests/s, {errors(one)} errors")
            print(f"two servers (cores 0 and 1):    {rate(two):6.1f} requests/s, {errors(two)} errors")
            print(f"ratio two / one: {rate(two) / rate(one):.2f}")
            if args.quota:
                with ExitStack() as quotas:
                    for number, (_, pid) in enumerate(started):
                        quotas.enter_context(cpu_quota(pid, args.quota, f"zhsearch-bench-{os.getpid()}-{number}"))
                    one = throughput(bases[:1], args)
                    two = throughput(bases, args)
                print(f"one server, {args.quota:g} core of core 0:         {rate(one):6.1f} requests/s, {errors(one)} errors")
                print(f"two servers, {args.quota:g} core of cores 0 and 1: {rate(two):6.1f} requests/s, {errors(two)} errors")
                print(f"ratio two / one with quotas: {rate(two) / rate(one):.2f}")

            old = {total(base) for base in bases}
            for relpath in relpaths[-len(relpaths) // 10:]:
                (articles / relpath).unlink()
            poller = Poller(bases)
            poller.start()
            requests = failures = 0
            started_at = time.monotonic()
            with nginx(bases) as base:
                paths = mixed_paths(base)
                rebuild = reindex(articles, source, "--allow-delete", *[f"--publish={r}" for r in replicas])
                while rebuild.poll() is None:
                    result = run_wrk(base, paths, args.connections, 10, 2)
                    requests, failures = requests + result["requests"], failures + errors(result)
            poller.stop.set()
            poller.join()
            if rebuild.returncode != 0:
                raise SystemExit(rebuild.stderr.read())
            new = {total(base) for base in bases}
            statuses = {status for status, _ in poller.answers}
            seen = {found for _, found in poller.answers}
            print(f"rebuild and publish under load: {time.monotonic() - started_at:.0f} s, {requests} requests "
                  f"through nginx, {failures} errors")
            print(f"poller: {len(poller.answers)} answers, statuses {sorted(map(str, statuses))}, totals seen "
                  f"{sorted(seen, key=str)}; old {sorted(old)}, new {sorted(new)}; "
                  f"{'every answer is a whole generation' if seen <= old | new and statuses == {200} else 'MISMATCH'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
