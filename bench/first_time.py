"""First-time searches: each distinct query once, as a reader types it for the first time.

A benchmark that repeats its queries times warm caches (the library's masks
of matched documents, its literal answers, Whoosh's term infos, the page
cache of the posting blocks it read).  Here a fresh process opens the index,
is warmed by :data:`WARM_UP` (jieba loaded, caches of unrelated queries
filled), then runs every distinct query once, timed: the **first-time**
figures; then ``rounds`` more passes over the same queries, timed: the
**repeated** figures.  Plain Whoosh + jieba's bare search (parse, top 10, no
highlights; bench/plain_whoosh.py) is run the same way on the queries its
schema can run, in the same run: the ruler.

    queries = distinct_queries()                      # >= 500 reader-like queries
    ours = in_fresh_process("ours", "/tmp/lctt_index", queries)
    ruler = in_fresh_process("plain", "/tmp/plain_index", queries)
    print(table(ours, ruler))

The queries: the query column of ../shared/eval/reader_dev.tsv (beside the
checkout) and of bench/data's generated and hand-written sets
(``latency_queries.txt``, ``relevance_queries.tsv``, ``eval_dev.tsv``), each
once, in that order, the warm-up queries left out.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from measure import rss_mb, summarize_ms
from plain_whoosh import read_queries, searchable

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
READER_SET = BENCH.parents[1] / "shared" / "eval" / "reader_dev.tsv"
#: Searched before the timed ones, so that what is timed is a query's own
#: cost, not the process's first search (jieba's dictionary, lazy imports).
WARM_UP = ["内核", "网络 配置", "python", "桌面 环境", "文件系统", "数据库", "安全", "编辑器", "游戏", "服务器"]
#: The engines :func:`run` knows: the library, and plain Whoosh's bare search.
KINDS = ("ours", "plain")
_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); import first_time; first_time.child(*sys.argv[2:])"


def distinct_queries(reader_set: Path = READER_SET) -> list[str]:
    """The benchmark's distinct queries (see the module doc); the reader set
    is skipped when it is absent."""
    queries = read_queries(DATA / "latency_queries.txt")
    if reader_set.exists():
        queries += _column(reader_set, 0, header=False)
    for name in ("relevance_queries.tsv", "eval_dev.tsv"):
        queries += _column(DATA / name, 1, header=True)
    return list(dict.fromkeys(q for q in queries if q not in WARM_UP))


def _column(path: Path, column: int, header: bool) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1 if header else 0:]
    return [line.split("\t")[column] for line in lines if line.strip()]


def run(kind: str, index: str, queries: list[str], rounds: int) -> dict:
    """In this process: open ``index`` with the engine ``kind``, search
    :data:`WARM_UP`, then time each query once (``first``) and ``rounds``
    more times (``repeated``).  Returns seconds per query (the queries the
    engine ran, in order), the time to open, and the RSS after the run."""
    started = time.perf_counter()
    if kind == "ours":
        import search

        page = search.open_index(index, warm=True).search
    elif kind == "plain":
        import plain_whoosh

        page = plain_whoosh.Baseline(index).search
        queries = searchable(queries)
    else:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    opened = time.perf_counter() - started
    for query in WARM_UP:
        page(query)
    first = {query: _timed(page, query) for query in queries}
    repeated = {query: [] for query in queries}
    for _ in range(rounds):
        for query in queries:
            repeated[query].append(_timed(page, query))
    return {"first": first, "repeated": repeated, "open_s": opened, "rss_mb": rss_mb()}


def _timed(call, query: str) -> float:
    started = time.perf_counter()
    call(query)
    return time.perf_counter() - started


def child(kind: str, index: str, rounds: str) -> None:
    """:func:`run` in a child process: queries on stdin, figures on stdout, as JSON."""
    queries = json.load(sys.stdin)
    json.dump(run(kind, index, queries, int(rounds)), sys.stdout)


def in_fresh_process(kind: str, index: str | Path, queries: list[str], rounds: int = 2) -> dict:
    """:func:`run` in a fresh interpreter (nothing cached from an earlier search)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(BENCH), kind, str(index), str(rounds)],
                          input=json.dumps(queries), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"first-time run of {kind} on {index} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def figures(samples_s: list[float]) -> dict:
    """p50, p95 and max (ms) of durations in seconds."""
    summary = summarize_ms(samples_s)
    return {"p50": summary["median_ms"], "p95": summary["p95_ms"], "max": max(samples_s) * 1000}


def summary(measured: dict, queries: list[str] | None = None) -> dict:
    """``first`` and ``repeated`` figures of a run, over ``queries`` (default: all it ran)."""
    queries = list(measured["first"]) if queries is None else queries
    return {"n": len(queries), "first": figures([measured["first"][q] for q in queries]),
            "repeated": figures([s for q in queries for s in measured["repeated"][q]])}


def _cells(part: dict) -> str:
    return f"{part['p50']:.1f} / {part['p95']:.1f} / {part['max']:.0f}"


def table(ours: dict, ruler: dict | None, name: str = "library") -> str:
    """Markdown rows: first-time and repeated p50 / p95 / max (ms) of the
    library, and of the ruler with the ratios over the queries both ran."""
    lines = ["| | queries | first time p50 / p95 / max ms | repeated p50 / p95 / max ms |", "|---|---|---|---|"]
    mine = summary(ours)
    lines.append(f"| {name} | {mine['n']} | {_cells(mine['first'])} | {_cells(mine['repeated'])} |")
    if ruler is not None:
        common = [q for q in ours["first"] if q in ruler["first"]]
        both, plain = summary(ours, common), summary(ruler, common)
        lines.append(f"| {name}, the queries plain Whoosh runs | {both['n']} | {_cells(both['first'])} | "
                     f"{_cells(both['repeated'])} |")
        lines.append(f"| plain Whoosh + jieba, bare search | {plain['n']} | {_cells(plain['first'])} | "
                     f"{_cells(plain['repeated'])} |")
        ratios = {part: " / ".join(f"{both[part][k] / plain[part][k]:.1f}" for k in ("p50", "p95", "max"))
                  for part in ("first", "repeated")}
        lines.append(f"| {name} / plain | | {ratios['first']} × | {ratios['repeated']} × |")
    return "\n".join(lines)


def slowest(measured: dict, n: int = 8) -> list[tuple[float, str]]:
    """The ``n`` slowest first-time queries, (ms, query), slowest first."""
    return sorted(((s * 1000, q) for q, s in measured["first"].items()), reverse=True)[:n]
