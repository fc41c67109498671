"""The second ranking stage: the best candidates of BM25F, re-scored.

BM25F (search.score) finds and orders every matched document; the best
:data:`DEPTH` of them are then scored again as a weighted sum of features
that readers' queries reward, each in [0, 1]:

- ``bm25``: the BM25F score against the best candidate's;
- ``coverage``: the share of the query's words the article has anywhere,
  each word weighted by its rarity (idf over the documents it matches, with
  its synonyms and verbatim matches), so that a common word counts little;
- ``complete``: 1 when the article has every word;
- ``title_coverage``, ``lead_coverage``: the same share, of the words found
  in the title, and in the lead (the first :data:`LEAD` characters of the
  title, summary and body as joined);
- ``title_recall``: the share of the query's character pairs (spaces and
  punctuation left out) that stand in the title: the title says nearly
  what was typed; ``lead_recall`` and ``text_recall``: in the lead, and in
  the first :data:`WINDOW_TEXT` characters of the text;
- ``title_precision``: the share of the title's character pairs that stand
  in the query: the query holds most of the title;
- ``proximity``: how close consecutive query words stand in the text (its
  first :data:`WINDOW_TEXT` characters), ``exp(-gap / PROXIMITY_SCALE)`` of
  the smallest gap in characters, in either order, averaged over the pairs
  of query words the article has;
- ``adjacency``: the share of those pairs that stand next to each other in
  the order typed (at most :data:`ADJACENT` characters between them, room
  for a 的);
- ``verbatim``: whether the text has one of the query's unspaced runs of
  several words verbatim (search.query.ParsedQuery.runs).

Characters rather than jieba's words measure the title and the proximity,
since jieba cuts a query and a text differently.  The weights are data
(search/data/ranking.json), fitted on judged queries by
scripts/fit_ranking.py; a site can fit its own and pass the file to
``open_index(..., ranking=PATH)``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.analysis import CJK_CHARS
from search.errors import SearchError

#: Candidates re-scored: the work of the stage is bounded by it whatever
#: the query (each one's text is read once).
DEPTH = 40
#: Characters of a text (title, summary and body, as joined) the features read.
WINDOW_TEXT = 4000
#: Gap in characters at which the proximity of two words falls to 1/e.
PROXIMITY_SCALE = 20.0
#: Most characters between two words that count as standing next to each other.
ADJACENT = 2
#: At most this many places of one word are considered in a text.
MAX_PLACES = 200

FEATURES = ("bm25", "coverage", "complete", "title_coverage", "lead_coverage", "title_recall", "title_precision",
            "lead_recall", "text_recall", "proximity", "adjacency", "verbatim")
#: Characters of the joined text (the title, then the summary or the body) that make its lead.
LEAD = 300
DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "ranking.json"

# What a character pair is made of: CJK characters, Latin letters and digits.
_KEPT = re.compile(f"[^{CJK_CHARS}0-9a-z]+")


class RankingError(SearchError, ValueError):
    """The ranking weights file cannot be read or is malformed; names the file."""


@dataclass(frozen=True)
class Weights:
    """One weight per feature (:data:`FEATURES`)."""

    values: tuple[float, ...]

    @classmethod
    def read(cls, path: str | Path = DEFAULT_FILE) -> Weights:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            weights = data["weights"]
            values = tuple(float(weights[name]) for name in FEATURES)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise RankingError(f"{path}: not a ranking weights file with a weight for each of "
                               f"{', '.join(FEATURES)} ({error.__class__.__name__}: {error})") from error
        if not all(math.isfinite(v) for v in values):
            raise RankingError(f"{path}: every weight must be a finite number")
        return cls(values)

    def scores(self, features: np.ndarray) -> np.ndarray:
        return features @ np.asarray(self.values)


@dataclass(frozen=True)
class QueryWord:
    """A query word as the second stage sees it: its forms (the word typed,
    its synonyms and regional forms, normalised), its weight, and which
    candidates match it."""

    forms: tuple[str, ...]
    weight: float
    matched: np.ndarray  # bool, per candidate


def pairs(text: str) -> set[str]:
    """The character pairs of ``text`` (normalised) once spaces and
    punctuation are left out."""
    kept = _KEPT.sub("", text)
    return {kept[i:i + 2] for i in range(len(kept) - 1)} or ({kept} if kept else set())


def features(words: list[QueryWord], query_pairs: set[str], runs: list[str], bm25: np.ndarray,
             texts: list[str]) -> np.ndarray:
    """The features (one row per candidate, :data:`FEATURES` order) of the
    candidates whose BM25F scores are ``bm25`` and whose normalised joined
    texts (title, summary and text, one a line) are ``texts``."""
    rows = np.zeros((len(texts), len(FEATURES)))
    if not len(texts):
        return rows
    best = bm25.max()
    rows[:, 0] = bm25 / best if best > 0 else 0.0
    weights = np.array([w.weight for w in words]) if words else np.zeros(0)
    total = weights.sum()
    if total > 0:
        matched = np.array([w.matched for w in words], dtype=float)  # words x candidates
        rows[:, 1] = weights @ matched / total
        rows[:, 2] = matched.all(axis=0)
    for row, text in enumerate(texts):
        title, _, _ = text.partition("\n")
        if total > 0:
            rows[row, 3] = weights @ _found(words, title) / total
            rows[row, 4] = weights @ _found(words, text[:LEAD]) / total
        title_pairs = pairs(title)
        if query_pairs and title_pairs:
            common = len(query_pairs & title_pairs)
            rows[row, 5] = common / len(query_pairs)
            rows[row, 6] = common / len(title_pairs)
        head = text[:WINDOW_TEXT]
        if query_pairs:
            rows[row, 7] = sum(map(text[:LEAD].__contains__, query_pairs)) / len(query_pairs)
            rows[row, 8] = sum(map(head.__contains__, query_pairs)) / len(query_pairs)
        present = [w for w, ok in zip(words, (w.matched[row] for w in words)) if ok]
        rows[row, 9], rows[row, 10] = _nearness(present, head)
        rows[row, 11] = float(any(run in head for run in runs))
    return rows


def _found(words: list[QueryWord], text: str) -> np.ndarray:
    """1.0 for each word one of whose forms ``text`` holds, else 0.0."""
    return np.fromiter((any(map(text.__contains__, w.forms)) for w in words), dtype=float, count=len(words))


def _nearness(words: list[QueryWord], text: str) -> tuple[float, float]:
    """(proximity, adjacency) of consecutive ``words`` in ``text``."""
    places = [p for p in (_places(w.forms, text) for w in words) if p]
    if len(places) < 2:
        return 0.0, 0.0
    closeness, adjacent = 0.0, 0
    for first, second in zip(places, places[1:]):
        forward = _gap(first, second)
        closeness += math.exp(-min(forward, _gap(second, first)) / PROXIMITY_SCALE)
        adjacent += forward <= ADJACENT
    return closeness / (len(places) - 1), adjacent / (len(places) - 1)


def _places(forms: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    """(start, end) of the places of any of ``forms`` in ``text``, by start."""
    found = []
    for form in forms:
        at = text.find(form)
        while at >= 0 and len(found) < MAX_PLACES:
            found.append((at, at + len(form)))
            at = text.find(form, at + 1)
    found.sort()
    return found


def _gap(before: list[tuple[int, int]], after: list[tuple[int, int]]) -> float:
    """The fewest characters from the end of a place of ``before`` to the
    start of a later place of ``after`` (both by start); infinity when none
    follows.  Places are few (at most MAX_PLACES), so a merge in Python
    beats numpy's call overhead."""
    best = math.inf
    j = 0
    for _, end in sorted(before, key=lambda place: place[1]):
        while j < len(after) and after[j][0] < end:
            j += 1
        if j == len(after):
            break
        best = min(best, after[j][0] - end)
    return best
