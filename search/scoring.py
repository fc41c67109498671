"""Scores of a known set of documents, term by term.

Once the matched set is known (search.retrieval), ranking it with a Whoosh
query walks the whole matcher tree again: for a few words over four fields
that costs tens of microseconds per candidate.  Here each (field, term)
posting list only skips to the matched documents.  The scores are those the
Whoosh query would give: per query word, the BM25F scores of its terms in
every field when the document has all its terms, plus the word's literal
(verbatim) score when it has the word verbatim.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh import query as wq

from search.docsets import DocSetCache
from search.literal import LiteralQuery, LiteralStore
from search.query import Clause
from search.ranking import literal_score
from search.schema import TEXT_FIELDS

#: Above this many (document, posting list) visits the Whoosh query is cheaper.
MAX_VISITS = 40_000


def applicable(clauses: list[Clause], docs: int) -> bool:
    """Whether these clauses can be scored here (no phrases) at a fair cost."""
    words = [w for c in clauses for w in c.words]
    if any(w.phrase or (len(w.terms) > 1 and not w.cjk) for w in words):
        return False  # phrases and Latin multi-term words rank with Whoosh phrase queries
    postings = sum(len(w.terms) for w in words) * len(TEXT_FIELDS)
    return docs * postings <= MAX_VISITS


def score(searcher, clauses: list[Clause], docs, store: LiteralStore, cache: DocSetCache) -> dict[int, float]:
    """Global docnum -> score for ``docs`` (documents matching nothing score 0)."""
    ordered = sorted(docs)
    scores: dict[int, float] = dict.fromkeys(ordered, 0.0)
    for word in (w for c in clauses for w in c.words):
        terms = word.content_terms  # as word_query matches them
        if terms:
            sums: dict[int, float] = defaultdict(float)
            present: dict[int, int] = defaultdict(int)
            for term in terms:
                for doc, value in term_scores(searcher, term, ordered).items():
                    sums[doc] += value
                    present[doc] += 1
            for doc, count in present.items():
                if count == len(terms):
                    scores[doc] += sums[doc] * word.boost
        if word.cjk:
            boost = literal_score(word.terms, word.boost)
            for doc in cache.docs(searcher, LiteralQuery(word.text, store, boost=boost)) & scores.keys():
                scores[doc] += boost
    return scores


def term_scores(searcher, term: str, ordered: list[int]) -> dict[int, float]:
    """Doc -> the term's summed field scores, for the documents having it."""
    found: dict[int, float] = defaultdict(float)
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        end = offset + sub.reader().doc_count_all()
        local = [d - offset for d in ordered if offset <= d < end]
        if not local:
            continue
        context = sub.context()
        for field in TEXT_FIELDS:
            matcher = wq.Term(field, term).matcher(sub, context)
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
