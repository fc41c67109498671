"""Completions of a typed prefix, "did you mean", and related articles."""

from __future__ import annotations

import re
import threading
from collections import Counter

from whoosh import query as wq

from search.analysis import normalize
from search.facets import Columns
from search.query import MAX_QUERY_CHARS, term_query, text_spans
from search.results import Suggestion
from search.retrieval import top_documents

_ENGLISH = re.compile(r"(?<![\w:.\-])[A-Za-z\uff21-\uff3a\uff41-\uff5a]{3,}(?![\w.\-])")
_KEY_TERMS = 12


def did_you_mean(searcher, query: str) -> str | None:
    """The query with its unknown English words replaced by the closest word
    of the index vocabulary, or None when every word is known.  Only free
    text is corrected: filters (``tag:Vim``) stay as typed."""
    reader = searcher.reader()
    changed = False
    corrector = None

    def fix(match: re.Match) -> str:
        nonlocal changed, corrector
        word = normalize(match.group())
        if reader.doc_frequency("vocabulary", word):
            return match.group()
        corrector = corrector or searcher.corrector("vocabulary")
        found = corrector.suggest(word, limit=1, maxdist=2)
        if not found or found[0] == word:
            return match.group()
        changed = True
        return found[0]

    text = str(query)[:MAX_QUERY_CHARS]
    pieces, at = [], 0
    for start, end in text_spans(text):
        pieces += [text[at:start], _ENGLISH.sub(fix, text[start:end])]
        at = end
    pieces.append(text[at:])
    return "".join(pieces) if changed else None


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
    """(docnum, score) of the articles sharing most key terms with ``key``'s."""
    docnum = None
    for name in ("key", "id"):
        docnum = searcher.document_number(**{name: key})
        if docnum is not None:
            break
    if docnum is None:
        return []
    stored = searcher.stored_fields(docnum)
    text = " ".join([stored.get("title", ""), *(stored.get("tags") or []), stored.get("summary", "")])
    terms = searcher.key_terms_from_text("body", text, numterms=_KEY_TERMS)
    if not terms:
        return []
    top = terms[0][1] or 1.0
    query = wq.Or([term_query(term, boost=weight / top) for term, weight in terms])
    results = top_documents(searcher, query, limit, mask={docnum})
    return [(hit.docnum, hit.score or 0.0) for hit in results]
