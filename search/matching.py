"""Whoosh query objects for the parts of a parsed query (see search.query)."""

from __future__ import annotations

from datetime import datetime

from whoosh import query as wq

from search.literal import LiteralQuery, LiteralStore
from search.query import Clause, Filter, Word
from search.schema import TEXT_FIELDS


def term_query(term: str) -> wq.Query:
    """A term in any text field."""
    return wq.Or([wq.Term(name, term) for name in TEXT_FIELDS])


def words_query(terms: tuple[str, ...]) -> wq.Query:
    """Every term, each in any text field."""
    distinct = tuple(dict.fromkeys(terms))  # a repeated term (容器容器...) adds only matcher depth
    return wq.And([term_query(t) for t in distinct]) if len(distinct) > 1 else term_query(distinct[0])


def phrase_query(terms: tuple[str, ...]) -> wq.Query:
    """The terms at consecutive positions in one text field."""
    return wq.Or([wq.Phrase(name, list(terms)) for name in TEXT_FIELDS])


def word_query(word: Word, store: LiteralStore | None) -> wq.Query:
    """What a query word matches: its jieba terms (all but question and
    function words, anywhere; in a phrase, all of them, consecutively), or,
    for CJK text, the word verbatim.  Matching only: search.scoring ranks."""
    terms = word.terms
    jieba_query = None
    if terms:
        jieba_query = phrase_query(terms) if word.phrase and len(terms) > 1 else words_query(word.content_terms)
    if store is None or not word.cjk:
        return jieba_query or wq.NullQuery
    literal = LiteralQuery(word.text, store)
    return wq.Or([jieba_query, literal]) if jieba_query else literal


def clause_query(clause: Clause, store: LiteralStore | None) -> wq.Query:
    queries = [word_query(w, store) for w in clause.words]
    queries = [q for q in queries if q is not wq.NullQuery]
    if not queries:
        return wq.NullQuery
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def filter_query(item: Filter, categories) -> wq.Query:
    """The Whoosh query of a typed filter; ``categories`` maps typed
    category values to the index's own (see search.retrieval)."""
    if item.name == "date":
        query = date_query(*item.value)
    elif item.name == "category":
        query = wq.Or([wq.Term("category", c) for c in categories([item.value])])
    else:
        query = wq.Term(item.name, item.value)
    return wq.Not(query) if item.negated else query


def date_query(start: datetime | None, end: datetime | None) -> wq.Query:
    return wq.DateRange("date", start, end, endexcl=True)
