"""Latency of the search library on a full index: search + facets + snippets.

    .venv/bin/python bench/search_latency.py --index /tmp/lctt_index [--rounds 5]

Opens the index, reads the facet columns (timed: the warm-up cost),
then runs every query of bench/data/latency_queries.txt once untimed and
``--rounds`` times timed, each a first page of 10 hits with facets and
snippets, as the web page asks.  Prints medians, p95 and the slowest queries,
the worker's resident memory, and the cost of one search with a cold
snippet-text cache.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from measure import elapsed, rss_mb, summarize_ms
from plain_whoosh import read_queries

import search

DEFAULT_QUERIES = Path(__file__).resolve().parent / "data" / "latency_queries.txt"


def median_ms(samples_s: list[float]) -> float:
    return summarize_ms(samples_s)["median_ms"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="folder of a full index (built by reindex)")
    parser.add_argument("--queries", default=str(DEFAULT_QUERIES))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    queries = read_queries(args.queries)
    before = rss_mb()
    started = time.perf_counter()
    index = search.open_index(args.index, warm=False)
    opened = time.perf_counter()
    index.warm()
    warmed = time.perf_counter()
    print(f"open {1000 * (opened - started):.0f} ms; warm (facet columns) "
          f"{warmed - opened:.2f} s; RSS {before:.0f} -> {rss_mb():.0f} MB; {index.doc_count()} docs")

    cold = []
    for query in queries[:10]:
        cold.append(elapsed(index.search, query))
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    for query in queries:
        index.search(query)
    for _ in range(args.rounds):
        for query in queries:
            per_query[query].append(elapsed(index.search, query))
    samples = [s for values in per_query.values() for s in values]
    figures = summarize_ms(samples)
    print(f"{len(queries)} queries x {args.rounds} rounds, page of 10 with facets and snippets "
          f"(snippet text cache cleared each round): p50 {figures['median_ms']:.1f} ms, "
          f"p95 {figures['p95_ms']:.1f} ms")
    print(f"cold first searches (10 queries, empty caches): p50 {median_ms(cold):.1f} ms")
    print("slowest (median ms, total hits):")
    slowest = sorted(per_query, key=lambda q: -median_ms(per_query[q]))[:6]
    for query in slowest:
        print(f"  {median_ms(per_query[query]):7.1f}  {index.search(query).total:5d}  {query}")
    print(f"RSS after the run: {rss_mb():.0f} MB")
    index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
