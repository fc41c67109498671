"""Scale: the same figures at 1× and N× the corpus, with plain Whoosh + jieba at 1× for the ratios.

    .venv/bin/python bench/scale.py --corpus /work/shared/corpus/lctt --times 10

The N× corpus is written to a temporary folder (removed at the end, never in
the repository): copy 0 links the original files, copy k (1 <= k < N) is each
file with " (k)" appended to its title and "-k" to its front-matter id, so no
title or id repeats.  For each size: a full ``reindex`` (wall time, peak RSS of
the process tree), the index size and its segments; then gunicorn
(``web.gunicorn_conf``, 2 workers) is started and timed to its first answered
literal search; one client times ``/api/search``, the HTML page and article
pages, and each distinct query of bench/first_time.py once, then again
(bench/web_latency.py); wrk loads it for ``--duration`` seconds, rotating
through the same mix and the distinct queries (bench/load.py); each worker's
RSS is read after the load.  Plain Whoosh is built at 1× only.  Before
serving, a fresh process times a results page's work in the library itself
for each distinct query, first time and repeated (bench/first_time.py), and
plain Whoosh's bare search of the same queries at 1×: the ratio says what
the machine's speed does not.  Prints one table, sizes side by side.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import build as build_bench
import first_time
import plain_whoosh
from load import mixed_paths, run_wrk
from measure import MB, anonymous_mb, children, folder_mb, summarize_ms
from plain_whoosh import read_queries
from web_latency import (QUERIES, first_time_paths, gunicorn_server, other_paths, search_paths, time_paths, warm,
                         worker_rss_mb)

#: The first search of a started server: a literal match (处理 inside longer words).
FIRST_QUERY = "/api/search?q=" + quote("处理")
_KEY_LINE = re.compile(r"^(title|id):")


def copy_article(text: str, copy: int) -> str:
    """The article with " (copy)" appended to its title and "-copy" to its id.

    The front matter's own ``title:`` and ``id:`` entries (with their
    continuation lines) are replaced by JSON-quoted ones (valid YAML)."""
    import yaml

    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None) if lines[0].rstrip() == "---" else None
    if end is None:
        return f'---\ntitle: "({copy})"\n---\n' + text
    meta = yaml.load("\n".join(lines[1:end]), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    kept, skipping = [], False
    for line in lines[1:end]:
        if _KEY_LINE.match(line):
            skipping = True
            continue
        if skipping and line[:1] in (" ", "\t"):
            continue
        skipping = False
        kept.append(line)
    kept.append("title: " + json.dumps(f"{meta.get('title') or ''} ({copy})", ensure_ascii=False))
    if meta.get("id") is not None:
        kept.append("id: " + json.dumps(f"{meta['id']}-{copy}"))
    return "\n".join(["---", *kept, *lines[end:]])


def make_corpus(corpus: Path, times: int, folder: Path) -> float:
    """Write the N× corpus into ``folder``; returns its size in MB."""
    size = 0
    for relpath in plain_whoosh.list_corpus(corpus):
        source = corpus / relpath
        data = source.read_bytes()
        for copy in range(times):
            target = folder / f"c{copy}" / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            if copy == 0:
                target.symlink_to(source.resolve())
                size += len(data)
            else:
                text = copy_article(data.decode("utf-8", errors="replace"), copy).encode("utf-8")
                target.write_bytes(text)
                size += len(text)
    return size / MB


def serve_and_measure(index: Path, duration: int) -> dict:
    started = time.perf_counter()
    with gunicorn_server.gunicorn(str(index), workers=2, timeout=600.0, log_level="warning") as (base, pid):
        while True:
            try:
                with urllib.request.urlopen(base + FIRST_QUERY, timeout=600) as response:
                    response.read()
                    break
            except OSError:
                time.sleep(0.05)
        figures = {"first_answer_s": time.perf_counter() - started}
        queries = read_queries(QUERIES)
        searches = search_paths(base, queries)
        others = other_paths(base, queries)
        warm(base, searches + [p for paths in others.values() for p in paths], 2)
        figures["api"] = summarize_ms(time_paths(base, searches, 3))
        distinct = first_time_paths(first_time.distinct_queries())
        figures["api_first"] = first_time.figures(time_paths(base, distinct, 1))
        figures["api_repeated"] = first_time.figures(time_paths(base, distinct, 1))
        figures["html"] = summarize_ms(time_paths(base, others["/ (HTML search)"], 3))
        figures["article"] = summarize_ms(time_paths(base, others["/article/<key>"], 3))
        if duration:
            result = run_wrk(base, mixed_paths(base) + distinct, 16, duration, 2)
            seconds = result["duration_us"] / 1e6
            figures["wrk_rps"] = result["requests"] / seconds
            figures["wrk_p99_ms"] = result["p99_us"] / 1000
            figures["wrk_errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout", "status"))
        workers = worker_rss_mb(pid).values()
        figures["rss_mb"] = max(rss for rss, _, _ in workers)
        figures["pss_mb"] = max(pss for _, _, pss in workers)
        figures["anonymous_mb"] = max(anonymous_mb(worker) or 0.0 for worker in children(pid))
    return figures


def measure(corpus_dir: Path, index: Path, duration: int) -> dict:
    built = build_bench.ours(corpus_dir, index, None)
    figures = {"build_s": built["wall_s"], "peak_mb": built["peak_mb"], "index_mb": folder_mb(index),
               "segments": len(list(index.glob("*.lit"))),
               "page": first_time.in_fresh_process("ours", index, first_time.distinct_queries())}
    figures.update(serve_and_measure(index, duration))
    return figures


def page_cells(columns: list[dict], plain: dict, part: str) -> list[str]:
    """The cells of a row of :func:`first_time.run`'s ``part``: each size,
    with its ratio to the ruler over the queries both ran, then the ruler."""
    cells = []
    for measured in (c["page"] for c in columns):
        common = [q for q in measured["first"] if q in plain["page"]["first"]]
        ours, ruler = first_time.summary(measured, common)[part], first_time.summary(plain["page"], common)[part]
        cells.append(f"{ours['p50']:.1f} / {ours['p95']:.1f} / {ours['max']:.0f} ms "
                     f"({ours['p50'] / ruler['p50']:.1f} / {ours['p95'] / ruler['p95']:.1f} / "
                     f"{ours['max'] / ruler['max']:.1f} × plain 1×)")
    ruler = first_time.summary(plain["page"])[part]
    return cells + [f"{ruler['p50']:.1f} / {ruler['p95']:.1f} / {ruler['max']:.0f} ms"]


def row(name: str, cells: list[str]) -> str:
    return f"| {name} | " + " | ".join(cells) + " |"


def report(times: int, sizes: dict[int, dict], corpus_mb: dict[int, float], plain: dict) -> None:
    one, many = sizes[1], sizes.get(times)
    columns = [one] + ([many] if many else [])
    print(row("", ["1×"] + ([f"{times}×"] if many else []) + ["plain Whoosh + jieba, 1×"]))
    print(row("---", ["---"] * (len(columns) + 1)))
    build = [f"{c['build_s']:.0f} s" for c in columns]
    if many:
        build[-1] += f" ({many['build_s'] / one['build_s']:.1f} × 1×)"
    build[0] += f" ({one['build_s'] / plain['build_s']:.2f} × plain)"
    print(row("full build", build + [f"{plain['build_s']:.0f} s"]))
    print(row("build peak RSS (tree)", [f"{c['peak_mb']:.0f} MB" for c in columns] + [f"{plain['peak_mb']:.0f} MB"]))
    print(row("index size", [f"{c['index_mb']:.0f} MB, {c['index_mb'] / corpus_mb[n]:.2f} × files, {c['segments']} segments"
                             for n, c in zip((1, times), columns)] + [f"{plain['index_mb']:.0f} MB"]))
    print(row("gunicorn start → first answer", [f"{c['first_answer_s']:.1f} s" for c in columns] + ["—"]))
    print(row("RSS per worker, after the load", [f"{c['rss_mb']:.0f} MB" for c in columns] + ["—"]))
    print(row("  its share of pages shared with the others (PSS)", [f"{c['pss_mb']:.0f} MB" for c in columns] + ["—"]))
    print(row("  of which not mapped files (anonymous)", [f"{c['anonymous_mb']:.0f} MB" for c in columns] + ["—"]))
    for part, name in (("first", "first time"), ("repeated", "repeated")):
        print(row(f"one process, {name}: search + 10 snippets + facets, p50 / p95 / max (ruler: bare search)",
                  page_cells(columns, plain, part)))
    print(row("/api/search one client, p50 / p95",
              [f"{c['api']['median_ms']:.1f} / {c['api']['p95_ms']:.1f} ms" for c in columns] + ["—"]))
    for part, name in (("api_first", "first time"), ("api_repeated", "repeated")):
        print(row(f"/api/search one client, each distinct query {name}, p50 / p95 / max",
                  [f"{c[part]['p50']:.1f} / {c[part]['p95']:.1f} / {c[part]['max']:.0f} ms" for c in columns] + ["—"]))
    print(row("HTML results page p50 / article page p50",
              [f"{c['html']['median_ms']:.1f} / {c['article']['median_ms']:.1f} ms" for c in columns] + ["—"]))
    if "wrk_rps" in one:
        print(row("wrk, 16 connections", [f"{c['wrk_rps']:.1f} req/s, p99 {c['wrk_p99_ms']:.0f} ms, {c['wrk_errors']} errors"
                                          if "wrk_rps" in c else "—" for c in columns] + ["—"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="/work/shared/corpus/lctt", type=Path)
    parser.add_argument("--times", type=int, default=10, help="N: copies of the corpus")
    parser.add_argument("--duration", type=int, default=60, help="seconds of wrk per size (0: none)")
    parser.add_argument("--wrk-at-n", action="store_true", help="also run wrk on the N× index")
    args = parser.parse_args(argv)
    if args.times < 2:
        raise SystemExit("--times must be at least 2")
    with tempfile.TemporaryDirectory(prefix="zhsearch-scale-") as temp:
        temp = Path(temp)
        sizes, corpus_mb = {}, {}
        plain = build_bench.baseline(args.corpus, temp / "plain")
        plain.update(index_mb=folder_mb(temp / "plain"),
                     page=first_time.in_fresh_process("plain", temp / "plain", first_time.distinct_queries()))
        for n in (1, args.times):
            corpus_mb[n] = make_corpus(args.corpus, n, temp / f"x{n}")
            print(f"{n}×: {corpus_mb[n]:.0f} MB of files", file=sys.stderr, flush=True)
            sizes[n] = measure(temp / f"x{n}", temp / f"index{n}", args.duration if n == 1 or args.wrk_at_n else 0)
            shown = {**sizes[n], "page": {k: first_time.summary(sizes[n]["page"])[k] for k in ("first", "repeated")}}
            print(json.dumps({n: shown}), file=sys.stderr, flush=True)
        report(args.times, sizes, corpus_mb, plain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
