"""BM25F scores of a known set of documents, posting list by posting list.

Once the matched set is known (search.pipeline), each query word's terms
are scored over it, a block of postings at a time (search.postings).  A
term's score is BM25F (Robertson and Zaragoza): its frequency in each text
field, times the field's weight (search.schema.TEXT_FIELDS) and normalised
by the field's length against its average, is summed over the fields, and
the sum is saturated once, ``idf * tf * (K1 + 1) / (tf + K1)``.  So a word in
the summary, which usually repeats the body's first paragraph (linux.cn's excerpt), or in the title and
the body, counts once with more weight, not twice; Whoosh's own BM25F
saturates each field on its own and adds them up, which let articles that
name a word in their summary outrank those about it.  The document
frequency in the idf is the term's largest over the fields.

Per query word: the scores of its terms when the document has all of them
(of a quoted phrase, its phrase scores), scaled by the word's boost, and
the word's literal (verbatim) score when it has the CJK word verbatim; then
the query's phrase boosts (search.query.ParsedQuery.phrase_boosts).
"""

from __future__ import annotations

import numpy as np

from search import postings
from search.query import Clause, Word
from search.schema import TEXT_FIELDS
from search.snapshot import Snapshot
from search.texts import LiteralQuery

#: BM25F's term-frequency saturation and length normalisation (the usual
#: values, Whoosh's defaults; others tried on the dev queries moved
#: MRR@10 by less than 0.01).
K1 = 1.2
B = 0.75

#: Score of a verbatim (literal) match of a CJK query word of several jieba
#: words, added to its BM25F score: documents with the word verbatim rank
#: above those where its words are scattered.
VERBATIM_BOOST = 25.0
#: Score of a verbatim match of a one-word query word: a small constant, so
#: that documents found only verbatim rank below the jieba matches.
LITERAL_SCORE = 0.5
#: Weight of the phrase boost of an unspaced multi-term Latin query word.
PHRASE_BOOST = 2.0

#: At most this many (document, posting list, field) visits are scored at
#: once: a larger matched set is scored in chunks (:func:`chunks`), which
#: keeps the memory of a query of dozens of words over the whole archive in
#: check.
MAX_VISITS = 4_000_000


def literal_score(terms: tuple[str, ...], boost: float = 1.0) -> float:
    """The score of a verbatim match of a CJK word analysed into ``terms``,
    scaled by the word's ``boost``; a synonym's (boost not 1) one-term
    verbatim match only matches (scores 0), so that the form typed ranks
    above its synonyms."""
    if boost != 1.0 and len(terms) < 2:
        return 0.0
    return (VERBATIM_BOOST if len(terms) > 1 else LITERAL_SCORE) * boost


#: Documents (sorted docnums) and their scores, as two arrays.
Scored = tuple[np.ndarray, np.ndarray]
_NONE: Scored = (np.zeros(0, dtype=np.int64), np.zeros(0))


def chunks(clauses: list[Clause], phrases: list[tuple[str, ...]], docs: np.ndarray) -> list[np.ndarray]:
    """``docs`` (sorted docnums) in consecutive parts small enough to score
    the clauses' words and phrase boosts over at once (:data:`MAX_VISITS`)."""
    lists = sum(len(w.terms) for c in clauses for w in c.words) + sum(len(p) for p in phrases)
    size = max(1, MAX_VISITS // max(1, lists * len(TEXT_FIELDS)))
    return [docs[start:start + size] for start in range(0, len(docs), size)] or [docs]


def bm25f(snap: Snapshot, clauses: list[Clause], phrases: list[tuple[str, ...]], docs: np.ndarray) -> np.ndarray:
    """The score of each of ``docs`` (sorted global docnums; documents
    matching nothing score 0): the clauses' words, plus the phrase boosts
    (ParsedQuery.phrase_boosts)."""
    scores = np.zeros(len(docs))
    for word in (w for c in clauses for w in c.words):
        found, values = word_scores(snap, word, docs)
        scores[np.searchsorted(docs, found)] += values
    for terms in phrases:
        found, values = phrase_scores(snap.searcher, terms, docs)
        scores[np.searchsorted(docs, found)] += values * PHRASE_BOOST
    return scores


def word_scores(snap: Snapshot, word: Word, ordered: np.ndarray) -> Scored:
    """The documents of ``ordered`` the word matches and their scores (see
    search.match.word_query)."""
    parts = []
    terms = word.terms
    if terms:
        if word.phrase and len(terms) > 1:
            docs, values = phrase_scores(snap.searcher, terms, ordered)
        else:
            docs, values = _all_of([term_scores(snap.searcher, t, ordered) for t in dict.fromkeys(word.content_terms)])
        parts.append((docs, values * word.boost))
    if word.cjk:
        boost = literal_score(terms, word.boost)
        docs = ordered[snap.docs(LiteralQuery(word.text, snap.texts))[ordered]]
        parts.append((docs, np.full(len(docs), boost)))
    return _summed(parts)


def _summed(parts: list[Scored]) -> Scored:
    """The documents of any part, with their scores summed (in part order)."""
    if not parts:
        return _NONE
    if len(parts) == 1:
        return parts[0]
    joined = np.concatenate([d for d, _ in parts])
    values = np.concatenate([v for _, v in parts])
    size = int(joined.max()) + 1 if len(joined) else 0
    if len(joined) * 16 < size:  # few documents: sorting them costs less than a pass over the docnums
        docs, at = np.unique(joined, return_inverse=True)
        return docs, np.bincount(at, weights=values, minlength=len(docs))
    present = np.zeros(size, dtype=bool)
    present[joined] = True
    docs = np.flatnonzero(present)
    return docs, np.bincount(joined, weights=values, minlength=size)[docs]


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
    """The documents of ``ordered`` (sorted global docnums) having the term
    in some text field, and its BM25F scores."""
    parts = []
    for name in TEXT_FIELDS:
        docs, weights = postings.weights(searcher, name, term, ordered)
        parts.append((docs, _field_tf(searcher, postings.searcher_field_lengths(searcher, name), name, docs, weights)))
    return _saturated(searcher, term, _summed(parts))


def phrase_scores(searcher, terms: tuple[str, ...], ordered: np.ndarray) -> Scored:
    """The documents of ``ordered`` (sorted global docnums) having the
    phrase of ``terms`` in some text field, and its score: the sum of its
    terms' BM25F scores over the fields where the phrase occurs (a repeated
    term counts each time)."""
    parts: dict[str, list[Scored]] = {term: [] for term in terms}
    for sub, offset, local in postings.per_segment(searcher, ordered):
        reader = sub.reader()
        for name in TEXT_FIELDS:
            docs, weights = postings.phrase(reader, name, terms, local)
            for term in parts:
                parts[term].append((docs + offset, _field_tf(searcher, postings.field_lengths(reader, name), name, docs,
                                                             weights[term])))
    scored = {term: _saturated(searcher, term, _summed(found)) for term, found in parts.items()}
    docs = scored[terms[0]][0]  # every term's: the documents having the phrase
    return docs, np.sum([scored[term][1] for term in terms], axis=0) if len(docs) else np.zeros(0)


def _field_tf(searcher, lengths: np.ndarray, name: str, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """A field's part of the BM25F term frequency of these documents (indexes
    of ``lengths``, the field's lengths in a segment or in the searcher):
    frequency times the field's weight, normalised by the field's length
    against its average."""
    if not len(docs):
        return np.zeros(0)
    return TEXT_FIELDS[name] * weights / ((1 - B) + B * lengths[docs] / postings.average_length(searcher, name))


def _saturated(searcher, term: str, found: Scored) -> Scored:
    """BM25F scores from the summed term frequencies of the documents having the term."""
    docs, tf = found
    # log(N / (df + 1)) + 1, cached by the searcher; the least of the fields' is the one of the largest df
    idf = min(searcher.idf(name, term) for name in TEXT_FIELDS)
    return docs, idf * tf * (K1 + 1) / (tf + K1)
