"""The search log for the site owner: what readers search for and do not find.

Off unless ``SEARCH_LOG`` names a file.  One JSON line per search:

    {"time": "2026-12-01T21:05:09Z", "query": "容器", "filters": {"tag": ["Docker"]},
     "sort": "relevance", "page": 1, "total": 3, "took_ms": 11.8}

Nothing about the reader is written: no IP address, user agent, referrer or
cookie.  Each line is appended with one ``write`` on a file opened in append
mode, so the workers of one server can share the file, and a log rotation
(move, then a new file) needs no restart.  :func:`summarize` reads it back for
the ``zhsearch-log`` command.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app, request

#: The query-string parameters that filter a search, as the log names them.
FILTERS = ("tag", "category", "author", "from", "to")


class SearchLog:
    """Appends search lines to ``path`` ('' writes nothing)."""

    def __init__(self, path: str):
        self.path = path
        if path:  # fail at start, not at the first search
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640))

    def write(self, entry: dict) -> None:
        if not self.path:
            return
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def record_search(results) -> None:
    """Log the search the current request ran (the filters from its query
    string, which the search has accepted)."""
    log = current_app.extensions["zhsearch_search_log"]
    if not log.path:
        return
    filters = {}
    for name in FILTERS:
        values = [v.strip() for v in request.args.getlist(name) if v.strip()]
        if values:
            filters[name] = values if name in ("tag", "category") else values[0]
    if not results.query and not filters:
        return  # nothing was asked: the home page's overview of recent articles
    try:
        log.write(
            {
                "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "query": results.query,
                "filters": filters,
                "sort": results.sort,
                "page": results.page,
                "total": results.total,
                "took_ms": round(results.took_ms, 1),
            }
        )
    except OSError as exc:  # a full disk must not break the search itself
        current_app.logger.error("search log %s: %s", log.path, exc.strerror or exc)


@dataclass
class Summary:
    searches: int = 0  # first pages only: turning a page is not a new search
    zero_results: int = 0
    first: str | None = None
    last: str | None = None
    queries: Counter = field(default_factory=Counter)
    zero_queries: Counter = field(default_factory=Counter)
    bad_lines: list[int] = field(default_factory=list)  # line numbers that are not a search line


def summarize(lines: Iterable[str]) -> Summary:
    """Count the searches of log ``lines``; a query is counted in its most
    frequent spelling, letter case aside."""
    summary = Summary()
    spellings: dict[str, Counter] = {}
    counts, zero = Counter(), Counter()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            query, total, page, time = entry["query"], entry["total"], entry.get("page", 1), entry["time"]
            if not isinstance(query, str) or not isinstance(total, int) or not isinstance(time, str):
                raise TypeError
        except (ValueError, TypeError, KeyError):
            summary.bad_lines.append(number)
            continue
        if page != 1:
            continue
        summary.searches += 1
        summary.first = min(summary.first or time, time)
        summary.last = max(summary.last or time, time)
        if total == 0:
            summary.zero_results += 1
        query = " ".join(query.split())
        if not query:
            continue  # browsing by filters only
        key = query.casefold()
        spellings.setdefault(key, Counter())[query] += 1
        counts[key] += 1
        if total == 0:
            zero[key] += 1
    shown = {key: spelling.most_common(1)[0][0] for key, spelling in spellings.items()}
    summary.queries = Counter({shown[k]: n for k, n in counts.items()})
    summary.zero_queries = Counter({shown[k]: n for k, n in zero.items()})
    return summary
