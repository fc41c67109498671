"""Latency of the web front end under light load: one client, requests in turn.

Starts gunicorn (``web.gunicorn_conf``) over a full-corpus index, warms every
worker, then times each kind of request over HTTP with a keep-alive
connection and prints medians and p95:

    .venv/bin/python bench/web_latency.py --index /tmp/lctt_index [--rounds 5]
    .venv/bin/python bench/web_latency.py --url http://127.0.0.1:8000   # a running server

The request mix (shared with bench/load.py) is built from
bench/data/latency_queries.txt: each query as typed, and with a popular tag,
a category, sort=date / views and page 2 (see :func:`search_paths`).  Then
each distinct query of bench/first_time.py outside that mix is sent once
(its first-time figures), then ``--rounds`` times (repeated).
Targets (issue #4): /api/search p50 <= 20 ms, p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import first_time
from measure import children, peak_rss_mb, pss_mb, rss_mb, summarize_ms
from plain_whoosh import read_queries

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import gunicorn_server  # noqa: E402  (tests/gunicorn_server.py: the browser tests serve the app the same way)

QUERIES = Path(__file__).resolve().parent / "data" / "latency_queries.txt"


def server_arguments(parser: argparse.ArgumentParser) -> None:
    """--index, --url and --workers: the server a web bench measures (see :func:`server`)."""
    parser.add_argument("--index", default="/tmp/lctt_index", help="index folder to serve")
    parser.add_argument("--url", help="measure this running server instead of starting gunicorn")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")


@contextmanager
def server(args: argparse.Namespace):
    """Yields the base URL of the server to measure and gunicorn's master pid: the
    ``--url`` given (pid None), or gunicorn started over ``--index`` with ``--workers``
    (opening a full-corpus index in every worker may take minutes)."""
    if args.url:
        yield args.url.rstrip("/"), None
        return
    if not Path(args.index).is_dir():
        raise SystemExit(f"--index {args.index}: no such folder; build it with `reindex CORPUS --index {args.index}`")
    with gunicorn_server.gunicorn(args.index, workers=args.workers, timeout=600.0, log_level="warning") as served:
        yield served


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=120) as response:
        return json.load(response)


def search_paths(base: str, queries: list[str]) -> list[str]:
    """/api/search paths: each query alone and with a filter, a sort or a page."""
    facets = get_json(base, "/api/search?q=&per_page=1")["facets"]
    tags = [f["value"] for f in facets.get("tags", [])[:5]] or [""]
    categories = [f["value"] for f in facets.get("category", [])[:3]] or [""]
    paths = []
    for i, q in enumerate(queries):
        variants = [
            {"q": q},
            {"q": q, "tag": tags[i % len(tags)]},
            {"q": q, "category": categories[i % len(categories)]},
            {"q": q, "sort": "date" if i % 2 else "views"},
            {"q": q, "page": 2},
        ]
        paths += ["/api/search?" + urlencode({k: v for k, v in p.items() if v != ""}) for p in variants]
    return paths


def first_time_paths(queries: list[str]) -> list[str]:
    """/api/search of each of ``queries`` that is not in the warmed mix
    (latency_queries.txt): the first request of these is a first-time search."""
    warmed = set(read_queries(QUERIES))
    return ["/api/search?" + urlencode({"q": q}) for q in queries if q not in warmed]


def other_paths(base: str, queries: list[str]) -> dict[str, list[str]]:
    """The search page, suggestions and article pages, for the same queries."""
    keys = [h["id"] for h in get_json(base, "/api/search?" + urlencode({"q": queries[0], "per_page": 20}))["hits"]]
    return {
        "/ (HTML search)": ["/?" + urlencode({"q": q}) for q in queries],
        "/api/suggest": ["/api/suggest?" + urlencode({"q": q[:2]}) for q in queries],
        "/article/<key>": [f"/article/{key}?" + urlencode({"q": queries[0]}) for key in keys],
    }


def time_paths(base: str, paths: list[str], rounds: int) -> list[float]:
    """Durations (s) of ``rounds`` passes over ``paths`` on one keep-alive connection."""
    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    samples = []
    try:
        for _ in range(rounds):
            for path in paths:
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                samples.append(time.perf_counter() - started)
                if response.status != 200:
                    raise SystemExit(f"{path}: HTTP {response.status}")
    finally:
        connection.close()
    return samples


def warm(base: str, paths: list[str], workers: int) -> None:
    """Send every path from ``2 * workers`` connections at once, so each worker
    has opened the index and loaded its in-memory texts before timing."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2 * workers) as pool:
        list(pool.map(lambda chunk: time_paths(base, chunk, 1), [paths[i :: 2 * workers] for i in range(2 * workers)]))


def worker_rss_mb(master_pid: int) -> dict[int, tuple[float, float, float]]:
    """(current RSS, peak RSS, PSS) in MB of each child process of ``master_pid``;
    PSS counts pages shared with the master and the other workers pro rata."""
    nan = float("nan")
    return {pid: (rss_mb(pid) or nan, peak_rss_mb(pid) or nan, pss_mb(pid) or nan) for pid in children(master_pid)}


def report(name: str, samples: list[float]) -> str:
    s = summarize_ms(samples)
    return f"{name:<22} n={s['n']:<5} p50={s['median_ms']:7.2f} ms   p95={s['p95_ms']:7.2f} ms"


def run(base: str, rounds: int, workers: int, master_pid: int | None) -> None:
    queries = read_queries(QUERIES)
    searches = search_paths(base, queries)
    others = other_paths(base, queries)
    warm(base, searches + [p for paths in others.values() for p in paths], workers)
    print(f"{len(queries)} queries, {len(searches)} /api/search paths, {rounds} rounds, one client")
    print(report("/api/search", time_paths(base, searches, rounds)))
    distinct = first_time_paths(first_time.distinct_queries())
    print(report("/api/search first time", time_paths(base, distinct, 1)))
    print(report("  the same, repeated", time_paths(base, distinct, rounds)))
    for name, paths in others.items():
        print(report(name, time_paths(base, paths, rounds)))
    if master_pid:
        for pid, (rss, peak, pss) in sorted(worker_rss_mb(master_pid).items()):
            print(f"worker {pid}: RSS {rss:.0f} MB (peak {peak:.0f} MB), PSS {pss:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    server_arguments(parser)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with server(args) as (base, pid):
        run(base, args.rounds, args.workers, pid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
