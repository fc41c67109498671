"""The baseline every benchmark compares against: the classic jieba + Whoosh recipe.

As the peers' ``whoosh-jieba`` adapter (shared/research/peers/bench.py):
``Schema(id=ID, title=TEXT(ChineseAnalyzer()), body=TEXT(ChineseAnalyzer()))``, the
default ``ix.writer()``, ``MultifieldParser(["title", "body"])``, ``search(limit=10)``
and ``hit.highlights("body")``. The indexed text is the title and the Markdown body
(python-frontmatter's ``content``); a document's id is its path relative to the corpus.

As a library (``bench/`` is on ``sys.path`` when a ``bench/*.py`` script runs)::

    docs = load_corpus(folder, limit=2000)          # [(relpath, title, body), ...]
    seconds = build(docs, index_dir)                # index_dir: absent or empty
    with Baseline(index_dir) as baseline:
        baseline.search("容器 编排")                 # [relpath, ...], best first
        baseline.snippets("容器 编排")               # highlights of those hits
        baseline.count("容器 编排")                  # number of matching documents
    read_queries(path)                              # the queries of a one-per-line file

It measures with bench/measure.py, as every bench script does.

As a script: ``python bench/plain_whoosh.py --corpus DIR [--limit N]`` builds the
baseline, runs ``bench/data/latency_queries.txt`` and prints medians (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import frontmatter
import jieba
from jieba.analyse import ChineseAnalyzer
from measure import MB, elapsed, folder_mb, peak_rss_mb, reset_peak_rss, summarize_ms
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

jieba.setLogLevel(logging.WARNING)

DATA_DIR = Path(__file__).resolve().parent / "data"

# ``tag:``, ``category:``, ``year:`` ...: filters the baseline's schema does not have
_FILTER_SYNTAX = re.compile(r"(?:^|\s)-?(?!title:|body:)\w+:")


# --- corpus -----------------------------------------------------------------


def list_corpus(folder: str | os.PathLike) -> list[str]:
    """Relative paths of the ``*.md`` files under ``folder``, in code-point order."""
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder {str(root)!r} does not exist or is not a folder")
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md") if p.is_file())


def load_corpus(folder: str | os.PathLike, limit: int | None = None) -> list[tuple[str, str, str]]:
    """``(relpath, title, body)`` for the first ``limit`` files of ``list_corpus``."""
    docs = []
    for relpath in list_corpus(folder)[:limit]:
        try:
            post = frontmatter.load(Path(folder, relpath))
        except Exception as error:  # any parse failure: name the file
            raise ValueError(f"{relpath}: cannot read front matter: {error}") from error
        title = post.metadata.get("title")
        docs.append((relpath, "" if title is None else str(title), post.content or ""))
    return docs


def text_mb(docs: list[tuple[str, str, str]]) -> float:
    """MB of UTF-8 title + body text: the denominator of the MB/s figures."""
    return sum(len(title.encode()) + len(body.encode()) for _, title, body in docs) / MB


# --- index ------------------------------------------------------------------


def schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=analyzer),
        body=TEXT(stored=True, analyzer=analyzer),
    )


def build(docs: list[tuple[str, str, str]], index_dir: str | os.PathLike) -> float:
    """Index ``docs`` in ``index_dir`` (absent or empty); return the seconds it took."""
    path = Path(index_dir)
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"index folder {str(path)!r} is not empty")
    path.mkdir(parents=True, exist_ok=True)
    jieba.initialize()  # the dictionary load is not part of the build time
    start = time.perf_counter()
    ix = whoosh_index.create_in(str(path), schema())
    writer = ix.writer()  # defaults: procs=1, limitmb=128
    for relpath, title, body in docs:
        writer.add_document(id=relpath, title=title, body=body)
    writer.commit()
    return time.perf_counter() - start


class Baseline:
    """An open baseline index: one searcher and one parser for many queries."""

    def __init__(self, index_dir: str | os.PathLike):
        if not whoosh_index.exists_in(str(index_dir)):
            raise FileNotFoundError(f"no baseline index in {str(index_dir)!r}; run build() first")
        self._ix = whoosh_index.open_dir(str(index_dir))
        self._searcher = self._ix.searcher()
        self._parser = MultifieldParser(["title", "body"], schema=self._ix.schema)
        self._last = (None, 0, None)  # (query, k, results) of the latest search

    def __enter__(self) -> Baseline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def _results(self, query: str, k: int):
        if self._last[:2] != (query, k):
            results = self._searcher.search(self._parser.parse(query), limit=k)
            self._last = (query, k, results)
        return self._last[2]

    def search(self, query: str, k: int = 10) -> list[str]:
        """Relative paths of the best ``k`` documents for ``query``."""
        self._last = (None, 0, None)  # a timed search never reuses the previous one
        return [hit["id"] for hit in self._results(query, k)]

    def snippets(self, query: str, k: int = 10) -> list[str]:
        """``hit.highlights("body")`` for the best ``k`` hits (reuses the latest search)."""
        return [hit.highlights("body") for hit in self._results(query, k)]

    def count(self, query: str) -> int:
        """How many documents match ``query``."""
        return len(self._searcher.search(self._parser.parse(query), limit=None, scored=False))


def searchable(queries: list[str]) -> list[str]:
    """The queries the baseline can run: those without a filter (``tag:x``), which its schema lacks."""
    return [q for q in queries if not _FILTER_SYNTAX.search(q)]


def read_queries(path: str | os.PathLike) -> list[str]:
    """Queries of a one-per-line file; blank lines and ``#`` comments are skipped."""
    with open(path, encoding="utf-8") as lines:
        return [q for q in (line.strip() for line in lines) if q and not q.startswith("#")]


# --- the script ---------------------------------------------------------------


def _time_queries(baseline: Baseline, queries: list[str], rounds: int) -> tuple[list, list]:
    """Search and snippet durations: one untimed warm-up pass, then ``rounds`` passes."""
    for query in queries:
        baseline.search(query)
        baseline.snippets(query)
    search_s, snippet_s = [], []
    for _ in range(rounds):
        for query in queries:
            search_s.append(elapsed(baseline.search, query))
            snippet_s.append(elapsed(baseline.snippets, query))  # reuses the search: only highlighting
    return search_s, snippet_s


def run(corpus: str, limit: int | None, queries: list[str], rounds: int, index_dir: str) -> dict:
    """Build the baseline in ``index_dir`` and measure it; the figures as a dict."""
    docs = load_corpus(corpus, limit)
    figures = {"docs": len(docs), "text_mb": text_mb(docs)}
    reset_peak_rss()
    figures["build_s"] = build(docs, index_dir)
    figures["build_peak_rss_mb"] = peak_rss_mb()
    figures["mb_per_s"] = figures["text_mb"] / figures["build_s"]
    figures["index_mb"] = folder_mb(index_dir)
    del docs
    with Baseline(index_dir) as baseline:
        search_s, snippet_s = _time_queries(baseline, queries, rounds)
        figures["median_hits"] = statistics.median(baseline.count(q) for q in queries)
    figures.update(queries=len(queries), rounds=rounds)
    figures["query"] = summarize_ms(search_s)
    figures["snippets"] = summarize_ms(snippet_s)
    return figures


def _report(figures: dict, skipped: int) -> str:
    query, snips = figures["query"], figures["snippets"]
    return "\n".join([
        f"plain Whoosh + jieba baseline: {figures['docs']} docs, {figures['text_mb']:.1f} MB of title+body text",
        f"build             {figures['build_s']:8.1f} s    ({figures['mb_per_s']:.2f} MB/s)",
        f"index size        {figures['index_mb']:8.1f} MB",
        f"build peak RSS    {figures['build_peak_rss_mb'] or float('nan'):8.0f} MB",
        f"query p50 / p95   {query['median_ms']:8.2f} / {query['p95_ms']:.2f} ms"
        f"  ({figures['queries']} queries x {figures['rounds']} rounds, "
        f"{skipped} filter queries skipped)",
        f"snippets p50/p95  {snips['median_ms']:8.1f} / {snips['p95_ms']:.1f} ms  (top 10 hits)",
        f"median hits       {figures['median_hits']:8g}",
    ])


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build and measure the plain Whoosh + jieba baseline.")
    parser.add_argument("--corpus", default=os.environ.get("ZHSEARCH_CORPUS"),
                        help="folder of Markdown articles (default: $ZHSEARCH_CORPUS)")
    parser.add_argument("--limit", type=int, help="index only the first N files by path")
    parser.add_argument("--queries", default=str(DATA_DIR / "latency_queries.txt"))
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the queries")
    parser.add_argument("--index-dir", help="build here and keep it (default: a temporary folder)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not args.corpus:
        parser.error("no corpus: pass --corpus DIR or set ZHSEARCH_CORPUS")
    if args.rounds < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--rounds and --limit must be positive integers")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    index_dir = args.index_dir or tempfile.mkdtemp(prefix="plain-whoosh-")
    try:
        all_queries = read_queries(args.queries)
        queries = searchable(all_queries)
        figures = run(args.corpus, args.limit, queries, args.rounds, index_dir)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if not args.index_dir:
            shutil.rmtree(index_dir, ignore_errors=True)
    print(_report(figures, len(all_queries) - len(queries)))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
