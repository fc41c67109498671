"""Results pages of the benchmark queries, written to a file and compared, to check a change leaves them identical.

    .venv/bin/python bench/pages.py --index /tmp/lctt_index --out before.jsonl     # on the old code
    .venv/bin/python bench/pages.py --index /tmp/lctt_index --out after.jsonl      # on the new code
    .venv/bin/python bench/pages.py --compare before.jsonl after.jsonl

For each distinct query of bench/first_time.py, pages 1 and 3 of 10 hits:
the hits (key, score, title and snippet HTML) in order, the total, the
facets, the relaxed words, the hint and the notice, one JSON line per page.
``--compare`` prints the pages that differ and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import first_time

import search

PAGES = (1, 3)


def page(index, query: str, number: int) -> dict:
    results = index.search(query, page=number)
    return {
        "query": query, "page": number, "total": results.total,
        "hits": [[h.key, round(h.score, 9), h.title_html, h.snippet_html] for h in results.hits],
        "facets": {name: [[f.value, f.count, f.selected] for f in values] for name, values in results.facets.items()},
        "relaxed": results.relaxed, "suggestion": results.suggestion, "notice": results.notice,
    }


def write(index_dir: str, out: Path) -> None:
    with search.open_index(index_dir) as index, open(out, "w", encoding="utf-8") as lines:
        for query in first_time.distinct_queries():
            for number in PAGES:
                lines.write(json.dumps(page(index, query, number), ensure_ascii=False) + "\n")


def compare(before: Path, after: Path) -> int:
    """The number of pages that differ (a page missing from one side counts)."""
    def read(path: Path) -> dict:
        rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
        return {(row["query"], row["page"]): row for row in rows}

    old, new = read(before), read(after)
    differ = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
    for query, number in sorted(differ):
        print(f"differs: page {number} of {query!r}")
    print(f"{len(old.keys() & new.keys())} pages on both sides, {len(differ)} differ")
    return len(differ)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", help="the index to search")
    parser.add_argument("--out", type=Path, help="write the pages here (JSON lines)")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if not (args.index and args.out):
        parser.error("give --index and --out, or --compare BEFORE AFTER")
    write(args.index, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
