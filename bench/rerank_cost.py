"""What the second ranking stage (search.rank) adds to a first-time search.

    .venv/bin/python bench/rerank_cost.py --index /tmp/lctt_index [--queries FILE ...]

In one warm process (jieba loaded, ten unrelated queries run first), each
distinct query is searched once, as a reader's first search is: a page of 10
hits with snippets and facets.  The time spent in the second stage (reading
the candidates' texts and computing their features, then their scores) is
measured inside the same searches, so the two figures share every cache
state.  Prints p50, p95 and max of both over the distinct queries.

Default queries: ../shared/eval/reader_dev.tsv (first column), and
bench/data/latency_queries.txt, relevance_queries.tsv and eval_dev.tsv.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from measure import summarize_ms
from plain_whoosh import read_queries

import search
from search import pipeline

DATA = Path(__file__).resolve().parent / "data"
READER_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "reader_dev.tsv"
WARM_UP = ["内核", "网络 配置", "python", "桌面 环境", "文件系统", "数据库", "安全", "编辑器", "游戏", "服务器"]


def default_queries() -> list[str]:
    queries = read_queries(DATA / "latency_queries.txt")
    if READER_SET.exists():
        queries += [line.split("\t")[0] for line in READER_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    for name in ("relevance_queries.tsv", "eval_dev.tsv"):
        queries += [line.split("\t")[1] for line in (DATA / name).read_text(encoding="utf-8").splitlines()[1:]
                    if line.strip()]
    return list(dict.fromkeys(q for q in queries if q not in WARM_UP))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="folder of a full index (built by reindex)")
    parser.add_argument("--queries", type=Path, nargs="*", help="one query a line (default: see above)")
    args = parser.parse_args(argv)
    queries = [q for path in args.queries for q in read_queries(path)] if args.queries else default_queries()
    stage: list[float] = []
    features = pipeline._features

    def timed(*a, **k):
        started = time.perf_counter()
        found = features(*a, **k)
        stage[-1] += time.perf_counter() - started
        return found

    pipeline._features = timed
    totals = []
    with search.open_index(args.index, warm=True) as index:
        for query in WARM_UP:
            stage.append(0.0)
            index.search(query)
        stage.clear()
        for query in queries:
            stage.append(0.0)
            started = time.perf_counter()
            index.search(query)
            totals.append(time.perf_counter() - started)
    for name, samples in (("whole search", totals), ("second stage", stage)):
        figures = summarize_ms(samples)
        print(f"{name:13s} n={figures['n']}  p50 {figures['median_ms']:.1f} ms  p95 {figures['p95_ms']:.1f} ms  "
              f"max {max(samples) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
