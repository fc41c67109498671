"""Completions of a typed prefix: tags, then article titles."""

from __future__ import annotations

import threading
from collections import Counter

from search.analysis import normalize
from search.facets import Columns
from search.results import Suggestion


class Titles:
    """(normalised title, title, key) of every document, and the tag counts,
    for one searcher's columns (built on first use)."""

    def __init__(self, searcher, columns: Columns):
        reader = searcher.reader()
        self.titles = [
            (normalize(f.get("title", "")), f.get("title", ""), f["key"])
            for docnum, f in reader.iter_docs()
        ]
        counts: Counter = Counter()
        shown: dict[str, str] = {}
        for docnum in reader.all_doc_ids():
            for tag in columns.tags[docnum]:
                key = normalize(tag)
                counts[key] += 1
                shown.setdefault(key, tag)
        self.tags = [(key, shown[key], n) for key, n in counts.most_common()]


class TitleCache:
    """The :class:`Titles` of the latest searcher's columns (an Index owns one)."""

    def __init__(self):
        self._last: tuple[Columns, Titles] | None = None
        self._lock = threading.Lock()

    def titles(self, searcher, columns: Columns) -> Titles:
        last = self._last
        if last is None or last[0] is not columns:
            with self._lock:
                last = self._last
                if last is None or last[0] is not columns:
                    last = self._last = (columns, Titles(searcher, columns))
        return last[1]


def complete(titles: Titles, prefix: str, limit: int) -> list[Suggestion]:
    """Tags starting with ``prefix`` (most used first), then titles starting
    with it, then titles containing it at a word start."""
    needle = normalize(" ".join(str(prefix).split()))[:64]
    if not needle:
        return []
    data = titles
    tags = [Suggestion(shown, "tag") for key, shown, _ in data.tags if key.startswith(needle)]
    starts, inside = [], []
    for norm, title, key in data.titles:
        at = norm.find(needle)
        if at == 0:
            starts.append((len(title), title, key))
        elif at > 0 and not (norm[at - 1].isascii() and norm[at - 1].isalnum()):
            inside.append((len(title), title, key))
    titles = [Suggestion(t, "title", k) for _, t, k in sorted(starts) + sorted(inside)]
    tag_part = tags[: max(limit // 2, limit - len(titles))]
    return (tag_part + titles)[:limit]
