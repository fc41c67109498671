"""Completions of a typed prefix, and related articles ("did you mean" is in search.typos)."""

from __future__ import annotations

import heapq
import math
import threading
from collections import Counter

from search.analysis import normalize
from search.facets import Columns
from search.highlight import strip_tags
from search.query import analyze
from search.schema import TEXT_FIELDS
from search.results import Suggestion
from search.scoring import term_scores

_KEY_TERMS = 10
#: Related articles are ranked among this many candidates.
_CANDIDATES = 100
_CANDIDATE_FIELDS = ("title", "tags_text", "summary")
#: Key terms in more than this share of the documents are too common to tell
#: related articles apart (and their long posting lists cost the most).
_COMMON = 0.4
_SUMMARY_CHARS = 500


class _Titles:
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


_cache: dict[int, tuple[Columns, _Titles]] = {}
_cache_lock = threading.Lock()


def _titles(searcher, columns: Columns) -> _Titles:
    entry = _cache.get(id(columns))
    if entry is None or entry[0] is not columns:
        with _cache_lock:
            entry = (columns, _Titles(searcher, columns))
            _cache.clear()
            _cache[id(columns)] = entry
    return entry[1]


def complete(searcher, columns: Columns, prefix: str, limit: int) -> list[Suggestion]:
    """Tags starting with ``prefix`` (most used first), then titles starting
    with it, then titles containing it at a word start."""
    needle = normalize(" ".join(str(prefix).split()))[:64]
    if not needle:
        return []
    data = _titles(searcher, columns)
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


def related(searcher, key: str, limit: int) -> list[tuple[int, float]]:
    """(docnum, score) of the articles most like ``key``'s, best first.

    The key terms of its title, tags and summary (by weight there and
    rarity) pick the candidates: the documents with the most of them in their
    own title, tags or summary.  Those are ranked by the terms' BM25F scores
    in every field.
    """
    docnum = None
    for name in ("key", "id"):
        docnum = searcher.document_number(**{name: key})
        if docnum is not None:
            break
    if docnum is None:
        return []
    weights = _key_terms(searcher, searcher.stored_fields(docnum))
    candidates = sorted(_candidates(searcher, weights, exclude=docnum))
    scores: Counter = Counter()
    for term, weight in weights.items():
        for doc, value in term_scores(searcher, term, candidates).items():
            scores[doc] += weight * value
    return heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))


def _key_terms(searcher, stored: dict) -> dict[str, float]:
    """Term -> weight (relative to the first) of the :data:`_KEY_TERMS` best
    terms of an article's title, tags and summary: weight there times idf;
    terms of a single document are left out, and those of many documents
    unless there is no other."""
    reader = searcher.reader()
    total = reader.doc_count()
    counts: Counter = Counter()
    for text, weight in ((stored.get("title", ""), 3), (" ".join(stored.get("tags") or []), 3),
                         (strip_tags(stored.get("summary", "")), 1)):
        for term in analyze(text[:_SUMMARY_CHARS]):
            counts[term] += weight
    rare: dict[str, float] = {}
    common: dict[str, float] = {}  # used only when there is no rare term
    for term, count in counts.items():
        frequency = max(reader.doc_frequency(name, term) for name in TEXT_FIELDS)
        if len(term) > 1 and 1 < frequency < total:
            chosen = rare if frequency <= _COMMON * total else common
            chosen[term] = count * math.log(total / frequency)
    weights = rare or common
    best = heapq.nlargest(_KEY_TERMS, weights.items(), key=lambda item: (item[1], item[0]))
    return {term: weight / best[0][1] for term, weight in best}


def _candidates(searcher, weights: dict[str, float], exclude: int) -> list[int]:
    """The documents with the highest summed weight of the terms in their
    title, tags or summary (at most :data:`_CANDIDATES`)."""
    votes: Counter = Counter()
    for reader, offset in searcher.reader().leaf_readers():
        for term, weight in weights.items():
            for field in _CANDIDATE_FIELDS:
                if (field, term) in reader:
                    for doc in reader.postings(field, term).all_ids():
                        votes[doc + offset] += weight
    votes.pop(exclude, None)
    return [doc for doc, _ in votes.most_common(_CANDIDATES)]
