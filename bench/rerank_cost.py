"""What the second ranking stage (search.rank) adds to a first-time search.

    .venv/bin/python bench/rerank_cost.py --index /tmp/lctt_index [--queries FILE ...]

In one warm process (jieba loaded, ten unrelated queries run first), each
distinct query is searched once, as a reader's first search is: a page of 10
hits with snippets and facets.  The time spent in the second stage (reading
the candidates' texts and computing their features, then their scores) is
measured inside the same searches, so the two figures share every cache
state.  Prints p50, p95 and max of both over the distinct queries.

Default queries: those of bench/first_time.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from first_time import WARM_UP, distinct_queries
from measure import summarize_ms
from plain_whoosh import read_queries

import search
from search import pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="folder of a full index (built by reindex)")
    parser.add_argument("--queries", type=Path, nargs="*", help="one query a line (default: see above)")
    args = parser.parse_args(argv)
    queries = [q for path in args.queries for q in read_queries(path)] if args.queries else distinct_queries()
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
