"""Related articles: the articles most like one, by its key terms."""

from __future__ import annotations

import heapq
import math
from collections import Counter

import numpy as np

from search import postings
from search.analysis import analyze
from search.score import term_scores

_KEY_TERMS = 10
#: Related articles are ranked among this many candidates.
_CANDIDATES = 100
_CANDIDATE_FIELDS = ("title", "tags_text", "summary")
#: Key terms in more than this share of the documents are too common to tell
#: related articles apart (and their long posting lists cost the most).
_COMMON = 0.4
_SUMMARY_CHARS = 500


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
    candidates = np.sort(_candidates(searcher, weights, exclude=docnum))
    scores = np.zeros(len(candidates))
    for term, weight in weights.items():
        docs, values = term_scores(searcher, term, candidates)
        scores[np.searchsorted(candidates, docs)] += weight * values
    scored = np.flatnonzero(scores)
    best = scored[np.lexsort((candidates[scored], -scores[scored]))][:limit]
    return list(zip(candidates[best].tolist(), scores[best].tolist()))


def _key_terms(searcher, stored: dict) -> dict[str, float]:
    """Term -> weight (relative to the first) of the :data:`_KEY_TERMS` best
    terms of an article's title, tags and summary: weight there times idf;
    terms of a single document are left out, and those of many documents
    unless there is no other."""
    reader = searcher.reader()
    total = reader.doc_count()
    counts: Counter = Counter()
    for text, weight in ((stored.get("title", ""), 3), (" ".join(stored.get("tags") or []), 3),
                         (stored.get("summary", ""), 1)):
        for term in analyze(text[:_SUMMARY_CHARS]):
            counts[term] += weight
    rare: dict[str, float] = {}
    common: dict[str, float] = {}  # used only when there is no rare term
    for term, count in counts.items():
        if len(term) < 2:
            continue
        frequency = _document_frequency(reader, term)
        if 1 < frequency < total:
            chosen = rare if frequency <= _COMMON * total else common
            chosen[term] = count * math.log(total / frequency)
    weights = rare or common
    best = heapq.nlargest(_KEY_TERMS, weights.items(), key=lambda item: (item[1], item[0]))
    return {term: weight / best[0][1] for term, weight in best}


def _document_frequency(reader, term: str) -> int:
    """About how many documents have ``term``: those whose body has it (title
    words are nearly always in the body too, and the summary usually repeats
    its first paragraph), or, for a term of at most one body, the most of any
    text field.  One lookup a segment for most terms instead of one a field
    and segment: on an index of many segments the lookups were a large part
    of a related list."""
    frequency = reader.doc_frequency("body", term)
    if frequency > 1:
        return frequency
    return max(frequency, *(reader.doc_frequency(name, term) for name in ("title", "tags_text", "summary")))


def _candidates(searcher, weights: dict[str, float], exclude: int) -> np.ndarray:
    """The documents with the highest summed weight of the terms in their
    title, tags or summary (at most :data:`_CANDIDATES`; ties: the first
    document first)."""
    votes = np.zeros(searcher.doc_count_all())
    for reader, offset in searcher.reader().leaf_readers():
        for term, weight in weights.items():
            for field in _CANDIDATE_FIELDS:
                docs = postings.ids(reader, field, term)  # live ones
                votes[docs + offset] += weight  # a document has a term once per field
    votes[exclude] = 0
    voted = np.flatnonzero(votes)
    return voted[np.lexsort((voted, -votes[voted]))][:_CANDIDATES]
