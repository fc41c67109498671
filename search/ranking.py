"""The ranking constants: BM25F's parameters (search.scoring), and the scores
that verbatim matches and phrases add to it."""

from __future__ import annotations

#: BM25F's term-frequency saturation and length normalisation (the usual
#: values, Whoosh's defaults): on the dev queries 1.6 or 2.0 and 0.6 or 0.9
#: moved MRR@10 by less than 0.01 (bench/RESULTS.md).
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
#: Exponent of the coordination factor of a relaxed search
#: (search.retrieval): a document matching m of the query's n words scores
#: BM25F times (m / n) ** COORDINATION.
COORDINATION = 3.0
#: Score factor of a synonym's matches (search.synonyms) against the exact
#: form's: a synonym ranks like the word typed, a little below it.
SYNONYM_BOOST = 0.9
#: Score factor of the dictionary words inside a long query word
#: (search.query, 音频视频: 音频, 视频) against the word's own.
SUB_WORD_BOOST = 0.5


def literal_score(terms: tuple[str, ...], boost: float = 1.0) -> float:
    """The score of a verbatim match of a CJK word analysed into ``terms``,
    scaled by the word's ``boost``; a synonym's (boost not 1) one-term
    verbatim match only matches (scores 0), so that the form typed ranks
    above its synonyms."""
    if boost != 1.0 and len(terms) < 2:
        return 0.0
    return (VERBATIM_BOOST if len(terms) > 1 else LITERAL_SCORE) * boost
