"""Fit the weights of the second ranking stage (search.rank) on judged queries.

    .venv/bin/python scripts/fit_ranking.py --index index_data --queries judged.tsv[:WEIGHT] ... [--out ranking.json]

The shipped weights were fitted on the LCTT corpus as

    .venv/bin/python scripts/fit_ranking.py --index LCTT_INDEX \\
        --queries ../shared/eval/reader_dev.tsv bench/data/eval_dev.tsv:2

the reader-written queries, and the keyword queries drawn from the texts
(bench/make_queries.py) at twice their weight, so that the ranking serves
searches by words of the text nearly as well as BM25F with every word
required did, while it answers readers' sentences and questions
(bench/RESULTS.md gives the figures).

A judged file has one query a line, tab-separated: the query and the path of
the article that answers it (relative to the articles folder, as ``reindex``
stores it), the path last.  Without a header line the query is the first
column (the reader set: query, kind, style, path); with one (a first line
naming a ``query`` column, as in bench/data) the query is that column.  Rows
whose answer is not a path (``judge:`` rules) are left out.

For each query the index's candidates and their features are read once
(``Index.explain``); then coordinate ascent (Metzler and Croft, "Linear
feature-based models for information retrieval", 2007) moves one weight at
a time over a fixed grid of non-negative values, keeping the change that
most raises the objective, until no change does.  The objective is the mean
of each file's MRR@10, weighted by the file's ``:WEIGHT`` (default 1), so
that a kind of query (readers' sentences, keywords drawn from the text)
weighs what it is given however many queries it has.
Non-negative weights, since every feature is one where more means a better
match, and a coarse grid keep the fit from learning the judged queries by
heart.  The search is deterministic: the same index and queries give the
same file.

``--folds K`` also reports a K-fold cross-validation (queries of one
article in one fold): the objective of weights fitted without a fold on
that fold, an estimate of the figure on queries not used for fitting.

The written file (``--out``, by default the shipped search/data/ranking.json)
is passed to ``search.open_index(..., ranking=PATH)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import search
from search.rank import DEFAULT_FILE, FEATURES

#: The values a weight may take.
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0)
#: Where the ascent starts: every feature counts the same.
START = 1.0
K = 10


@dataclass
class Judged:
    query: str
    path: str  # the answer's
    source: int  # the judged file it comes from
    weight: float  # that file's weight in the objective
    features: np.ndarray | None = None  # candidates x features
    target: int | None = None  # the answer's row among the candidates


def read_judged(path: Path, source: int, weight: float = 1.0) -> list[Judged]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t") if lines and "query" in lines[0].split("\t") else None
    column = header.index("query") if header else 0
    rows = []
    for number, line in enumerate(lines[1:] if header else lines, start=2 if header else 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) <= max(column, 1) or not parts[column].strip() or not parts[-1].strip():
            raise SystemExit(f"{path}:{number}: expected a query and, last, the path of its answer")
        if not parts[-1].startswith("judge:"):
            rows.append(Judged(parts[column], parts[-1], source, weight))
    return rows


def collect(index, items: list[Judged]) -> None:
    for item in items:
        candidates = index.explain(item.query)
        item.features = np.array([[c.features[n] for n in FEATURES] for c in candidates]).reshape(-1, len(FEATURES))
        paths = [c.path for c in candidates]
        item.target = paths.index(item.path) if item.path in paths else None


def reciprocal_ranks(items: list[Judged], weights: np.ndarray) -> np.ndarray:
    """1 / rank of each answer by the weighted features, 0 past the tenth; a
    tie counts against the answer."""
    ranks = np.zeros(len(items))
    for i, item in enumerate(items):
        if item.target is None:
            continue
        scores = item.features @ weights
        rank = 1 + np.count_nonzero(np.delete(scores, item.target) >= scores[item.target])
        ranks[i] = 1 / rank if rank <= K else 0.0
    return ranks


def objective(items: list[Judged], weights: np.ndarray) -> float:
    """The weighted mean over the judged files of their MRR@10."""
    return _by_file(items, reciprocal_ranks(items, weights))


def _by_file(items: list[Judged], ranks: np.ndarray) -> float:
    sources = np.array([item.source for item in items])
    weight = {item.source: item.weight for item in items}
    means = {s: ranks[sources == s].mean() for s in weight}
    return float(sum(weight[s] * means[s] for s in weight) / sum(weight.values()))


def fit(items: list[Judged]) -> np.ndarray:
    weights = np.full(len(FEATURES), START)
    best = objective(items, weights)
    improved = True
    while improved:
        improved = False
        for feature in range(len(FEATURES)):
            for value in GRID:
                trial = weights.copy()
                trial[feature] = value
                if not trial.any():
                    continue
                score = objective(items, trial)
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
    return weights


def cross_validated(items: list[Judged], folds: int) -> float:
    """The objective over the folds, each under weights fitted on the others."""
    articles = sorted({item.path for item in items})
    fold_of = {path: n % folds for n, path in enumerate(articles)}
    ranks = np.zeros(len(items))
    for fold in range(folds):
        inside = [i for i, item in enumerate(items) if fold_of[item.path] == fold]
        weights = fit([item for item in items if fold_of[item.path] != fold])
        ranks[inside] = reciprocal_ranks([items[i] for i in inside], weights)
    return _by_file(items, ranks)


def report(items: list[Judged], files: list[Path], weights: np.ndarray) -> str:
    ranks = reciprocal_ranks(items, weights)
    sources = np.array([item.source for item in items])
    return ", ".join(f"{path.name} {ranks[sources == n].mean():.3f}" for n, path in enumerate(files))


def _weighted(spec: str) -> tuple[Path, float]:
    path, _, weight = spec.rpartition(":") if ":" in spec else (spec, "", "1")
    try:
        value = float(weight)
    except ValueError:
        raise SystemExit(f"--queries {spec}: the weight after ':' must be a number") from None
    if not value > 0:
        raise SystemExit(f"--queries {spec}: the weight must be positive")
    return Path(path), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path, help="an index of the judged articles")
    parser.add_argument("--queries", required=True, nargs="+", metavar="FILE[:WEIGHT]",
                        help="judged files (query ... path), each with its weight in the objective (default 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_FILE, help=f"weights file to write (default {DEFAULT_FILE})")
    parser.add_argument("--folds", type=int, default=0, help="also report a K-fold cross-validation")
    args = parser.parse_args(argv)
    files, weights_of = zip(*(_weighted(spec) for spec in args.queries))
    items = [item for n, path in enumerate(files) for item in read_judged(path, n, weights_of[n])]
    with search.open_index(args.index) as index:
        collect(index, items)
    equal = np.full(len(FEATURES), START)
    weights = fit(items)
    reachable = sum(item.target is not None for item in items)
    print(f"{len(items)} judged queries, answer among the candidates for {reachable}")
    print(f"MRR@10 with equal weights: {report(items, files, equal)}")
    print(f"MRR@10 with fitted weights: {report(items, files, weights)}")
    if args.folds > 1:
        print(f"objective (weighted mean MRR@10 of the files), {args.folds}-fold cross-validation: "
              f"{cross_validated(items, args.folds):.3f}, fitted on all: {objective(items, weights):.3f}")
    document = {
        "weights": {name: float(value) for name, value in zip(FEATURES, weights)},
        "fitted": {"queries": {path.name: weight for path, weight in zip(files, weights_of)}, "count": len(items),
                   "objective": round(objective(items, weights), 4)},
    }
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"weights written to {args.out}: " + ", ".join(f"{n} {v:g}" for n, v in zip(FEATURES, weights)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
