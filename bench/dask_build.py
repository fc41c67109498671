"""A full build on a Dask LocalCluster against the local parallel build: time and identical results.

    .venv/bin/python bench/dask_build.py --corpus /work/shared/corpus/lctt [--workers 2] [--rounds 3]

Each build is a fresh ``python -m indexer ARTICLES --index DIR --full --quiet``
process, timed end to end: the local one with ``--jobs N``, the distributed
one with ``--scheduler`` of a LocalCluster of N worker processes of one
thread each, on 127.0.0.1, started before the builds and kept between them
(as a cluster outlives the builds it serves; its workers load jieba at their
first batch, so the first distributed round pays that).  The two kinds
alternate, local first.  Then every benchmark query (bench/data: the latency
queries and the queries of every relevance and evaluation set) is searched in
both indexes, on pages 1 and 2, and the hits (keys and order), totals and
facets compared; scores too.

The corpus is never modified: its files are linked into a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
from pathlib import Path

from build import link_corpus, run_measured
from plain_whoosh import read_queries

import search

DATA = Path(__file__).resolve().parent / "data"


def benchmark_queries() -> list[str]:
    """Every distinct query of bench/data, in file order."""
    queries = read_queries(DATA / "latency_queries.txt")
    for path in sorted(DATA.glob("*.tsv")):
        with path.open(encoding="utf-8") as rows:
            queries += [row["query"] for row in csv.DictReader(rows, delimiter="\t")]
    return list(dict.fromkeys(q for q in queries if q.strip()))


def build(articles: Path, index_dir: Path, option: list[str]) -> float:
    command = [sys.executable, "-m", "indexer", str(articles), "--index", str(index_dir), "--full", "--quiet"]
    return run_measured(command + option)["wall_s"]


def answers(index, query: str, page: int):
    results = index.search(query, page=page)
    return ([hit.key for hit in results], results.total, results.facets, [round(hit.score, 9) for hit in results])


def compare(local_dir: Path, dask_dir: Path, queries: list[str]) -> tuple[int, list[str], int]:
    """(searches compared, queries whose hits, totals or facets differ, searches whose scores differ)."""
    differing, scores, searches = [], 0, 0
    with search.open_index(local_dir) as local, search.open_index(dask_dir) as distributed:
        for query in queries:
            for page in (1, 2):
                *mine, my_scores = answers(local, query, page)
                *theirs, their_scores = answers(distributed, query, page)
                searches += 1
                if mine != theirs:
                    differing.append(query)
                scores += my_scores != their_scores
    return searches, sorted(set(differing)), scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("ZHSEARCH_CORPUS"), help="corpus folder (ZHSEARCH_CORPUS)")
    parser.add_argument("--limit", type=int, help="only the first N files (path order)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster workers, and --jobs of the local build")
    parser.add_argument("--rounds", type=int, default=3, help="builds of each kind; medians are printed")
    parser.add_argument("--tmpdir", help="where indexes are built (default: the system temp folder)")
    args = parser.parse_args(argv)
    if not args.corpus:
        parser.error("give --corpus or set ZHSEARCH_CORPUS")
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(dir=args.tmpdir, prefix="zhsearch-dask-") as tmp:
        tmp = Path(tmp)
        relpaths = link_corpus(Path(args.corpus), args.limit, tmp / "articles")
        print(f"{len(relpaths)} files; {os.cpu_count()} cores; {args.workers} workers/jobs; rounds={args.rounds}")
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=":0") as cluster:
            local, remote = [], []
            for round_number in range(args.rounds):
                local.append(build(tmp / "articles", tmp / f"local{round_number}", ["--jobs", str(args.workers)]))
                remote.append(build(tmp / "articles", tmp / f"dask{round_number}", ["--scheduler", cluster.scheduler_address]))
                print(f"round {round_number + 1}: local --jobs {args.workers} {local[-1]:.1f} s, "
                      f"LocalCluster {remote[-1]:.1f} s, ratio {remote[-1] / local[-1]:.2f}", flush=True)
        ratios = [theirs / mine for mine, theirs in zip(local, remote)]
        print(f"median: local {statistics.median(local):.1f} s, LocalCluster {statistics.median(remote):.1f} s; "
              f"median of the rounds' ratios {statistics.median(ratios):.2f} (a round's two builds are minutes apart: "
              "its ratio is the figure least moved by the machine's speed)")
        queries = benchmark_queries()
        searches, differing, scores = compare(tmp / "local0", tmp / "dask0", queries)
        print(f"{len(queries)} queries, {searches} searches (pages 1 and 2): {len(differing)} queries with other hits, "
              f"order, totals or facets; {scores} searches with other scores")
        for query in differing[:10]:
            print(f"  differs: {query}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
