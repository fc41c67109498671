"""Latency of the search library on a full index, first time and repeated, against plain Whoosh.

    .venv/bin/python bench/search_latency.py --index /tmp/lctt_index [--rounds 2] [--queries FILE ...]

A fresh process opens the index and is warmed by a few unrelated queries,
then searches each distinct query once (first time: what a reader who types
it waits for), then ``--rounds`` more times (repeated: warm caches); each
search is a first page of 10 hits with facets and snippets, as the web page
asks (bench/first_time.py).  Plain Whoosh + jieba's bare search of the same
queries is run the same way, in the same run, as the ruler; its index is
built in ``--baseline-index`` from ``--corpus`` when absent.  Prints one
table with the ratios, the slowest first-time queries, the time to open the
index and the RSS after the run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import first_time
import peers
import plain_whoosh
from plain_whoosh import read_queries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="folder of a full index (built by reindex)")
    parser.add_argument("--queries", type=Path, nargs="*",
                        help="one query a line (default: the distinct queries of bench/first_time.py)")
    parser.add_argument("--rounds", type=int, default=2, help="repeated passes after the first-time one")
    parser.add_argument("--corpus", default=os.environ.get("ZHSEARCH_CORPUS", "/work/shared/corpus/lctt"),
                        help="the corpus the baseline is built from when --baseline-index is absent")
    parser.add_argument("--baseline-index", type=Path, default=Path("/tmp/zhsearch_peers/plain_whoosh"),
                        help="plain Whoosh + jieba's index (built here when absent)")
    parser.add_argument("--no-baseline", action="store_true", help="the library alone")
    args = parser.parse_args(argv)
    queries = ([q for path in args.queries for q in read_queries(path)] if args.queries
               else first_time.distinct_queries())
    queries = list(dict.fromkeys(queries))
    ruler = None
    if not args.no_baseline:
        peers.build_once(args.baseline_index,
                         lambda path: plain_whoosh.build(plain_whoosh.load_corpus(args.corpus), path))
        ruler = first_time.in_fresh_process("plain", args.baseline_index, queries, args.rounds)
    ours = first_time.in_fresh_process("ours", args.index, queries, args.rounds)
    print(f"{len(queries)} distinct queries; each first page of 10 hits with facets and snippets "
          f"(the ruler: top 10, no snippets); first time, then {args.rounds} repeated passes")
    print(first_time.table(ours, ruler))
    print("slowest first-time searches (ms):")
    for ms, query in first_time.slowest(ours):
        print(f"  {ms:7.1f}  {query}")
    print(f"open the index {1000 * ours['open_s']:.0f} ms; RSS after the run {ours['rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
