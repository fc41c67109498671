"""Fit the weights of the second ranking stage (search.rerank) on judged queries.

    .venv/bin/python scripts/fit_ranking.py --index index_data --queries judged.tsv [--out ranking.json]

``judged.tsv``: one judged query a line, tab-separated, the query first and
the path of the article that answers it (relative to the articles folder,
as ``reindex`` stores it) last; columns between are ignored (the reader
set's kind and style).  For each query the index's candidates and their
features are read once (``Index.explain``); then coordinate ascent
(Metzler and Croft, "Linear feature-based models for information
retrieval", 2007) moves one weight at a time over a fixed grid of
non-negative values, keeping the change that most raises MRR@10, until no
change does.  Non-negative weights, since every feature is one where more
means a better match, and a coarse grid keep the fit from learning the
judged queries by heart.  The search is deterministic: the same index and
queries give the same file.

``--folds K`` also reports a K-fold cross-validation (queries of one
article in one fold): the MRR@10 of weights fitted without a fold on that
fold, an estimate of the figure on queries not used for fitting.

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
from search.rerank import DEFAULT_FILE, FEATURES

#: The values a weight may take.
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0)
#: Where the ascent starts: every feature counts the same.
START = 1.0
K = 10


@dataclass
class Judged:
    query: str
    features: np.ndarray  # candidates x features
    target: int | None  # the answer's row among the candidates


def read_judged(path: Path) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[-1].strip():
            raise SystemExit(f"{path}:{number}: expected query<TAB>...<TAB>path of the answer")
        rows.append((parts[0], parts[-1]))
    return rows


def collect(index, judged: list[tuple[str, str]]) -> list[Judged]:
    found = []
    for query, path in judged:
        candidates = index.explain(query)
        rows = np.array([[c.features[name] for name in FEATURES] for c in candidates]).reshape(-1, len(FEATURES))
        paths = [c.path for c in candidates]
        found.append(Judged(query, rows, paths.index(path) if path in paths else None))
    return found


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


def fit(items: list[Judged]) -> np.ndarray:
    weights = np.full(len(FEATURES), START)
    best = reciprocal_ranks(items, weights).mean()
    improved = True
    while improved:
        improved = False
        for feature in range(len(FEATURES)):
            for value in GRID:
                trial = weights.copy()
                trial[feature] = value
                if not trial.any():
                    continue
                score = reciprocal_ranks(items, trial).mean()
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
    return weights


def cross_validated(items: list[Judged], targets: list[str], folds: int) -> float:
    """MRR@10 of each fold under weights fitted on the other folds."""
    articles = sorted(set(targets))
    fold_of = {path: n % folds for n, path in enumerate(articles)}
    ranks = np.zeros(len(items))
    for fold in range(folds):
        inside = [i for i, t in enumerate(targets) if fold_of[t] == fold]
        weights = fit([item for i, item in enumerate(items) if fold_of[targets[i]] != fold])
        ranks[inside] = reciprocal_ranks([items[i] for i in inside], weights)
    return float(ranks.mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path, help="an index of the judged articles")
    parser.add_argument("--queries", required=True, type=Path, help="query<TAB>...<TAB>path, one a line")
    parser.add_argument("--out", type=Path, default=DEFAULT_FILE, help=f"weights file to write (default {DEFAULT_FILE})")
    parser.add_argument("--folds", type=int, default=0, help="also report a K-fold cross-validation")
    args = parser.parse_args(argv)
    judged = read_judged(args.queries)
    with search.open_index(args.index) as index:
        items = collect(index, judged)
    start = reciprocal_ranks(items, np.full(len(FEATURES), START)).mean()
    weights = fit(items)
    fitted = reciprocal_ranks(items, weights).mean()
    reachable = sum(item.target is not None for item in items)
    print(f"{len(items)} judged queries, answer among the candidates for {reachable}")
    print(f"MRR@10: equal weights {start:.3f}, fitted {fitted:.3f}")
    if args.folds > 1:
        print(f"MRR@10, {args.folds}-fold cross-validation: {cross_validated(items, [p for _, p in judged], args.folds):.3f}")
    document = {
        "weights": {name: float(value) for name, value in zip(FEATURES, weights)},
        "fitted": {"queries": args.queries.name, "count": len(items), "mrr_at_10": round(float(fitted), 4)},
    }
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"weights written to {args.out}: " + ", ".join(f"{n} {v:g}" for n, v in zip(FEATURES, weights)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
