"""Scores of a known set of documents, posting list by posting list.

Once the matched set is known (search.retrieval), ranking it with a Whoosh
query walks the whole matcher tree again: for a few words over four fields
that costs tens of microseconds per candidate.  Here each (field, term or
phrase) matcher only skips to the matched documents.  The scores are those
the Whoosh query (search.matching) would give: per query word, the BM25F
scores of its terms in every field when the document has all of them (of a
quoted phrase, its phrase scores), scaled by the word's boost, and the
word's literal (verbatim) score when it has the CJK word verbatim; then the
query's phrase boosts (search.query.ParsedQuery.phrase_boosts).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

import numpy as np
from whoosh import query as wq

from search import postings
from search.docsets import DocSetCache
from search.literal import LiteralQuery, LiteralStore
from search.query import Clause, Word
from search.ranking import PHRASE_BOOST, literal_score
from search.schema import TEXT_FIELDS

#: Above this many (document, posting list) visits the Whoosh query ranks
#: instead.  Since postings are read a block at a time (search.postings) this
#: path is the cheaper one at every size measured: at 80,000 articles the 43
#: latency queries took 9.2-9.9 s with this bound against 13.4-13.9 s with
#: 40,000, the same pages (bench/RESULTS.md); the bound keeps the memory of
#: a query of dozens of words over the whole archive in check.
MAX_VISITS = 4_000_000


#: Documents (sorted docnums) and their scores, as two arrays.
Scored = tuple[np.ndarray, np.ndarray]
_NONE: Scored = (np.zeros(0, dtype=np.int64), np.zeros(0))


def applicable(clauses: list[Clause], phrases: list[tuple[str, ...]], docs: int) -> bool:
    """Whether scoring these clauses' words and phrase boosts over ``docs``
    documents here is cheaper than with the Whoosh query."""
    postings = sum(len(w.terms) for c in clauses for w in c.words) + sum(len(p) for p in phrases)
    return docs * postings * len(TEXT_FIELDS) <= MAX_VISITS


def score(searcher, clauses: list[Clause], phrases: list[tuple[str, ...]], docs: np.ndarray, store: LiteralStore,
          cache: DocSetCache) -> np.ndarray:
    """The score of each of ``docs`` (sorted global docnums; documents
    matching nothing score 0): the clauses' words, plus the phrase boosts
    (ParsedQuery.phrase_boosts)."""
    scores = np.zeros(len(docs))
    for word in (w for c in clauses for w in c.words):
        found, values = word_scores(searcher, word, docs, store, cache)
        scores[np.searchsorted(docs, found)] += values
    for terms in phrases:
        found, values = phrase_scores(searcher, terms, docs)
        scores[np.searchsorted(docs, found)] += values * PHRASE_BOOST
    return scores


def word_scores(searcher, word: Word, ordered: np.ndarray, store: LiteralStore, cache: DocSetCache) -> Scored:
    """The documents of ``ordered`` the word matches and their scores (see
    search.matching.word_query)."""
    parts = []
    terms = word.terms
    if terms:
        if word.phrase and len(terms) > 1:
            docs, values = phrase_scores(searcher, terms, ordered)
        else:
            docs, values = _all_of([term_scores(searcher, t, ordered) for t in dict.fromkeys(word.content_terms)])
        parts.append((docs, values * word.boost))
    if word.cjk:
        boost = literal_score(terms, word.boost)
        docs = ordered[cache.docs(searcher, LiteralQuery(word.text, store, boost=boost))[ordered]]
        parts.append((docs, np.full(len(docs), boost)))
    return _summed(parts)


def _summed(parts: list[Scored]) -> Scored:
    """The documents of any part, with their scores summed (in part order)."""
    if not parts:
        return _NONE
    if len(parts) == 1:
        return parts[0]
    docs, at = np.unique(np.concatenate([d for d, _ in parts]), return_inverse=True)
    return docs, np.bincount(at, weights=np.concatenate([v for _, v in parts]), minlength=len(docs))


def _all_of(parts: list[Scored]) -> Scored:
    """The documents present in every part, with their scores summed."""
    if not parts:
        return _NONE
    common = parts[0][0]
    for docs, _ in parts[1:]:
        common = np.intersect1d(common, docs, assume_unique=True)
    values = np.zeros(len(common))
    for docs, part in parts:
        values += part[np.searchsorted(docs, common)]
    return common, values


def term_scores(searcher, term: str, ordered: np.ndarray) -> Scored:
    """The documents of ``ordered`` (sorted global docnums) having the term,
    and its summed field scores: a block of postings at a time
    (search.postings), or through Whoosh's matchers."""
    parts = []
    for sub, offset, local in _per_segment(searcher, ordered):
        reader = sub.reader()
        for name in TEXT_FIELDS:
            read = postings.weights(reader, name, term, local)
            scores = None if read is None else postings.bm25(searcher, sub, name, term, *read)
            if scores is None:
                parts.append(_from_dict(field_scores(sub, lambda field: wq.Term(field, term), local.tolist(),
                                                     only=name), offset))
            else:
                parts.append((read[0] + offset, scores))
    return _summed(parts)


def phrase_scores(searcher, terms: tuple[str, ...], ordered: np.ndarray) -> Scored:
    """The documents of ``ordered`` (sorted global docnums) having the
    phrase of ``terms``, and its summed field scores."""
    parts = []
    for sub, offset, local in _per_segment(searcher, ordered):
        for name in TEXT_FIELDS:
            found = _phrase_in_field(searcher, sub, name, terms, local)
            if found is None:
                parts.append(_from_dict(field_scores(sub, lambda field: wq.Phrase(field, list(terms)),
                                                     local.tolist(), only=name), offset))
            else:
                parts.append((found[0] + offset, found[1]))
    return _summed(parts)


def _per_segment(searcher, ordered: np.ndarray):
    """(segment searcher, its first global docnum, its docnums of ``ordered``
    as segment docnums) for each segment holding some of them."""
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        start, end = np.searchsorted(ordered, [offset, offset + sub.reader().doc_count_all()])
        if end > start:
            yield sub, offset, ordered[start:end] - offset


def _from_dict(scores: dict[int, float], offset: int) -> Scored:
    """Segment doc -> score as global (docs, scores) arrays."""
    docs = np.fromiter(scores, dtype=np.int64, count=len(scores))
    order = np.argsort(docs)
    return docs[order] + offset, np.fromiter(scores.values(), dtype=np.float64, count=len(scores))[order]


def _phrase_in_field(searcher, sub, name: str, terms: tuple[str, ...], local: np.ndarray) -> Scored | None:
    """The documents (segment docnums) having the phrase in one field of a
    segment and their scores, or None when its postings are not in a form
    search.postings reads.

    Whoosh's Phrase query matches where the terms occur at consecutive
    positions, and scores a document as the sum of its terms' scores in the
    field; here the positions are read a block at a time, and only for the
    documents having every term."""
    reader = sub.reader()
    read = {}
    docs = local
    for term in dict.fromkeys(terms):
        read[term] = postings.positions(reader, name, term, docs)
        if read[term] is None:
            return None
        docs = read[term][0]
        if not len(docs):
            return _NONE
    columns = {}
    for term, (term_docs, weights, encoded) in read.items():
        at = np.searchsorted(term_docs, docs)
        columns[term] = (weights[at], [encoded[i] for i in at.tolist()])
    decode = reader.schema[name].format.decode_positions
    hits = []
    for i in range(len(docs)):
        starts = set(decode(columns[terms[0]][1][i]))
        for k, term in enumerate(terms[1:], 1):
            following = set(decode(columns[term][1][i]))
            starts = {p for p in starts if p + k in following}
            if not starts:
                break
        if starts:
            hits.append(i)
    if not hits:
        return _NONE
    total = np.zeros(len(hits))
    for term in terms:  # a repeated term counts each time, as in the Whoosh query
        scores = postings.bm25(searcher, sub, name, term, docs[hits], columns[term][0][hits])
        if scores is None:
            return None
        total += scores
    return docs[hits], total


def field_scores(searcher, make: Callable[[str], wq.Query], ordered: list[int], only: str | None = None
                 ) -> dict[int, float]:
    """Doc -> the summed scores of ``make(field)`` over the text fields (or
    the field ``only``), for the documents of ``ordered`` (sorted global
    docnums) it matches."""
    found: dict[int, float] = defaultdict(float)
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        end = offset + sub.reader().doc_count_all()
        local = [d - offset for d in ordered if offset <= d < end]
        if not local:
            continue
        context = sub.context()
        for name in [only] if only else TEXT_FIELDS:
            matcher = make(name).matcher(sub, context)
            for doc in local:
                if not matcher.is_active():
                    break
                if matcher.id() < doc:
                    matcher.skip_to(doc)
                    if not matcher.is_active():
                        break
                if matcher.id() == doc:
                    found[doc + offset] += matcher.score()
    return found
