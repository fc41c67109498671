"""Throughput under load: wrk drives gunicorn with 16 connections for 60 s.

    .venv/bin/python bench/load.py --index /tmp/lctt_index [--duration 60] [--connections 16]
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000      # a running server

Starts gunicorn (2 workers, ``web.gunicorn_conf``) over the index, warms the
workers, then runs ``wrk`` (Debian package, /usr/bin/wrk) with a Lua script
that rotates over a mixed set of URLs: every /api/search path of
bench/web_latency.py (queries alone and with a tag, a category, a sort or
page 2), plus the HTML search page and /api/suggest for each query, all
warmed first, and /api/search of every distinct query of
bench/first_time.py, not warmed.  Prints
requests/s, latency percentiles, errors (socket errors and non-2xx answers)
and each worker's peak RSS.
Targets (issue #4): >= 150 requests/s, 0 errors, p99 <= 200 ms, RSS <= 300 MB per worker.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlencode

import first_time
from measure import TreeMemory
from plain_whoosh import read_queries
from web_latency import QUERIES, first_time_paths, search_paths, server, server_arguments, warm, worker_rss_mb

LUA = """
local paths = {%(paths)s}
local counter = 0
local i = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 37)
end

function init(args)
  i = offset or 0
end

function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def mixed_paths(base: str) -> list[str]:
    queries = read_queries(QUERIES)
    paths = search_paths(base, queries)
    paths += ["/?" + urlencode({"q": q}) for q in queries]
    paths += ["/api/suggest?" + urlencode({"q": q[:2]}) for q in queries]
    return paths


def lua_script(paths: list[str]) -> str:
    for path in paths:
        if '"' in path or "\\" in path:
            raise ValueError(f"path not safe in a Lua string: {path}")
    return LUA % {"paths": ", ".join(f'"{p}"' for p in paths)}


def run_wrk(base: str, paths: list[str], connections: int, duration: int, threads: int) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", encoding="ascii") as script:
        script.write(lua_script(paths))
        script.flush()
        command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
                   "-s", script.name, base + "/"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def report(result: dict, peaks: dict[int, float], master_pid: int | None) -> None:
    seconds = result["duration_us"] / 1e6
    errors = sum(result[k] for k in ("connect", "read", "write", "timeout", "status"))
    print(f"requests      {result['requests']} in {seconds:.1f} s = {result['requests'] / seconds:.1f} requests/s")
    print(f"errors        {errors} (socket connect/read/write/timeout "
          f"{result['connect']}/{result['read']}/{result['write']}/{result['timeout']}, non-2xx {result['status']})")
    print("latency       p50 {:.1f} ms, p90 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms".format(
        *(result[k] / 1000 for k in ("p50_us", "p90_us", "p99_us", "max_us"))))
    if master_pid:
        final = worker_rss_mb(master_pid)
        for pid, (rss, hwm, pss) in sorted(final.items()):
            print(f"worker {pid}  RSS now {rss:.0f} MB, sampled max {peaks.get(pid, rss):.0f} MB, "
                  f"peak (VmHWM) {hwm:.0f} MB, PSS {pss:.0f} MB")


def load(base: str, master_pid: int | None, args) -> None:
    paths = mixed_paths(base)
    warm(base, paths, args.workers)
    paths += first_time_paths(first_time.distinct_queries())  # not warmed: their first requests are first-time
    print(f"{len(paths)} URLs rotated; wrk -t{args.threads} -c{args.connections} -d{args.duration}s")
    # the workers' RSS, sampled every second while the load runs
    with TreeMemory(master_pid, every=1.0) if master_pid else contextlib.nullcontext() as memory:
        result = run_wrk(base, paths, args.connections, args.duration, args.threads)
    report(result, memory.peak_rss_by_pid if memory else {}, master_pid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    server_arguments(parser)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args(argv)
    with server(args) as (base, pid):
        load(base, pid, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
