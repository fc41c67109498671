"""Block-at-a-time BM25F (search.postings, search.score) gives the scores
computed from Whoosh's matchers one posting at a time, on every posting
layout: inlined short lists, lists of several blocks, several segments, and
segments with deleted documents.  The reference applies the same formula to
the matchers' weights: it checks how postings are read and combined, and
tests/test_search.py checks what the formula does to a ranking."""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np
import pytest
from helpers import article, write_index
from whoosh import query as wq
from whoosh.reading import CorruptIndexError

from search import postings, score
from search.analysis import analyze
from search.match import matched_docs, phrase_query
from search.schema import TEXT_FIELDS
from search.score import K1, B
from search.storage import open_whoosh_index


def matcher_tf(searcher, term: str, docs, name: str) -> dict[int, float]:
    """Doc -> the BM25F term frequency of ``term`` in field ``name``, from
    Whoosh's term matcher and stored field lengths, for ``docs``."""
    found = {}
    if (name, term) not in searcher.reader():
        return found
    average = searcher.avg_field_length(name) or 1
    matcher = searcher.postings(name, term)  # live documents, global docnums
    while matcher.is_active():
        doc = matcher.id()
        if doc in docs:
            length = searcher.doc_field_length(doc, name)
            found[doc] = TEXT_FIELDS[name] * matcher.weight() / ((1 - B) + B * length / average)
        matcher.next()
    return found


def saturated(searcher, term: str, tf: float) -> float:
    frequency = max(searcher.doc_frequency(name, term) for name in TEXT_FIELDS)
    idf = math.log(searcher.doc_count_all() / (frequency + 1)) + 1
    return idf * tf * (K1 + 1) / (tf + K1)


def matcher_scores(searcher, term: str, ordered: set[int]) -> dict[int, float]:
    """The reference: BM25F from Whoosh's own term matchers, one posting at a time."""
    tf: dict[int, float] = defaultdict(float)
    for name in TEXT_FIELDS:
        for doc, value in matcher_tf(searcher, term, ordered, name).items():
            tf[doc] += value
    return {doc: saturated(searcher, term, value) for doc, value in tf.items()}


@pytest.fixture(scope="module")
def layered(tmp_path_factory):
    path = tmp_path_factory.mktemp("layered")
    first = [article(f"a{n}", "容器" if n % 7 == 0 else f"笔记{n}", "容器 " * (1 + n % 5) + "调度。" * (n % 3))
             for n in range(300)]  # 300 postings of 容器: several blocks
    write_index(path, first)
    write_index(path, [article(f"b{n}", "调度", "容器与调度。" * (1 + n % 4)) for n in range(40)],
                delete=[f"a{n}" for n in range(0, 300, 11)])
    write_index(path, [article("c0", "火星", "火星上的容器。")])  # a short, inlined list of 火星
    return path


@pytest.mark.parametrize("word", ["容器", "调度", "火星", "没有"])
@pytest.mark.parametrize("every", [1, 3, 50])
@pytest.mark.parametrize("matched_first", [False, True])
def test_block_scores_equal_the_matcher_scores(layered, word, every, matched_first, monkeypatch):
    """``matched_first``: the whole lists were decoded to find the matched
    documents (search.postings.searcher_ids) and kept, and the scores are
    read from the kept lists."""
    monkeypatch.setattr(postings, "_decoded_lists", postings.DecodedLists(postings.DECODED_BUDGET))
    ix = open_whoosh_index(layered)
    try:
        with ix.searcher() as searcher:
            assert len(searcher.subsearchers) == 3
            deleted = {d + offset for sub, offset in searcher.subsearchers for d in sub.reader().deleted_docs_set}
            assert deleted
            ordered = [d for d in range(0, searcher.doc_count_all(), every) if d not in deleted]
            (term,) = analyze(word)
            if matched_first:
                for name in TEXT_FIELDS:
                    postings.searcher_ids(searcher, name, term)
                assert len(postings._decoded_lists._lists) == len(TEXT_FIELDS)  # one list per field, all segments
            docs, values = score.term_scores(searcher, term, np.asarray(ordered, dtype=np.int64))
            fast = dict(zip(docs.tolist(), values.tolist()))
            expected = matcher_scores(searcher, term, set(ordered))
            assert fast.keys() == expected.keys()
            assert all(fast[d] == pytest.approx(expected[d], rel=1e-9) for d in expected)
            if word == "没有":  # in no document
                assert not expected
            elif every == 1:  # every live document: the word's own
                assert expected
    finally:
        ix.close()


def test_decoded_lists_keep_the_most_recent_within_the_budget():
    lists = postings.DecodedLists(budget=4 * (800 + 800 + 256))
    one = (np.arange(100, dtype=np.int64), np.ones(100))
    for n in range(5):
        lists.put(("segment", "body", str(n).encode()), *one)
    assert lists.get(("segment", "body", b"0")) is None  # the oldest made room
    assert lists.get(("segment", "body", b"1")) is not None  # now the most recent
    lists.put(("segment", "body", b"5"), *one)
    assert lists.get(("segment", "body", b"2")) is None and lists.get(("segment", "body", b"1")) is not None
    lists.put(("segment", "body", b"big"), np.arange(1000, dtype=np.int64), np.ones(1000))
    assert lists.get(("segment", "body", b"big")) is None  # over a quarter of the budget: not kept
    assert lists.get(None) is None  # no segment id: never kept


def phrase_reference(searcher, terms: tuple[str, ...], ordered: set[int]) -> dict[int, float]:
    """The reference: the documents of Whoosh's Phrase query (its span
    matcher), scored by their terms' BM25F over the fields having the phrase."""
    tf: dict[str, dict[int, float]] = {term: defaultdict(float) for term in terms}
    for name in TEXT_FIELDS:
        having = {hit.docnum for hit in searcher.search(wq.Phrase(name, list(terms)), limit=None)} & ordered
        for term in tf:
            for doc, value in matcher_tf(searcher, term, having, name).items():
                tf[term][doc] += value
    return {doc: sum(saturated(searcher, term, tf[term][doc]) for term in terms) for doc in tf[terms[0]]}


@pytest.mark.parametrize("terms", [("容器", "调度"), ("调度", "容器"), ("容器", "容器"), ("上", "的", "容器"), ("火星", "没有")])
@pytest.mark.parametrize("every", [1, 3])
@pytest.mark.parametrize("matched_first", [False, True])
def test_block_phrase_scores_equal_the_phrase_query_scores(layered, terms, every, matched_first, monkeypatch):
    """``matched_first``: the phrase was matched as a quoted phrase is
    (search.match), which keeps its documents, and is scored from them."""
    monkeypatch.setattr(postings, "_decoded_lists", postings.DecodedLists(postings.DECODED_BUDGET))
    ix = open_whoosh_index(layered)
    try:
        with ix.searcher() as searcher:
            deleted = {d + offset for sub, offset in searcher.subsearchers for d in sub.reader().deleted_docs_set}
            ordered = [d for d in range(0, searcher.doc_count_all(), every) if d not in deleted]
            if matched_first:
                matched_docs(searcher, phrase_query(terms))
                kept = any(key[0] == "phrase" for key in postings._decoded_lists._lists)
                assert kept == (terms != ("火星", "没有"))  # no document has both of those
            docs, values = score.phrase_scores(searcher, terms, np.asarray(ordered, dtype=np.int64))
            fast = dict(zip(docs.tolist(), values.tolist()))
            expected = phrase_reference(searcher, terms, set(ordered))
            assert fast.keys() == expected.keys()
            assert all(fast[d] == pytest.approx(expected[d], rel=1e-9) for d in expected)
            if every == 1:  # every phrase but the one of a missing term occurs (调度。容器 too: no token between)
                assert bool(expected) == (terms != ("火星", "没有"))
    finally:
        ix.close()


def test_scores_after_a_commit_use_the_new_field_lengths(tmp_path):
    """The field-length averages are kept per reader: a commit that changes
    them gives new readers, whose scores are computed afresh."""
    write_index(tmp_path, [article("a", "容器", "容器 调度。"), article("b", "调度", "调度。")])
    for step in range(2):
        ix = open_whoosh_index(tmp_path)
        try:
            with ix.searcher() as searcher:
                everything = np.arange(searcher.doc_count_all(), dtype=np.int64)
                docs, values = score.term_scores(searcher, "容器", everything)
                expected = matcher_scores(searcher, "容器", set(everything.tolist()))
                assert dict(zip(docs.tolist(), values.tolist())) == pytest.approx(expected, rel=1e-9)
                assert len(expected) == step + 1
        finally:
            ix.close()
        write_index(tmp_path, [article("c", "长文", "容器。" + "很长的正文，" * 80)])


@pytest.mark.parametrize("where, damage", [(0, b"XXXX"), (4, b"\x00\x00\x00\x09"), (12, b"\xff" * 8)])
def test_a_damaged_posting_list_is_reported_with_its_file(tmp_path, where, damage):
    """A posting list is read in one piece (search.postings): one whose
    header, a block's size or a block's contents are damaged is an error
    naming the file, not garbage scores or a bare unpickling error."""
    write_index(tmp_path, [article(f"a{n}", "笔记", "容器。" * (1 + n)) for n in range(10)])
    ix = open_whoosh_index(tmp_path)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()  # one segment
            offset, _ = reader._terms.term_info("body", "容器".encode()).extent()
            name = reader._terms._postfile._name
    finally:
        ix.close()
    with open(tmp_path / name, "r+b") as postings_file:
        postings_file.seek(offset + where)
        postings_file.write(damage)
    ix = open_whoosh_index(tmp_path)
    try:
        with ix.searcher() as searcher:
            with pytest.raises(CorruptIndexError, match=re.escape(name)):
                score.term_scores(searcher, "容器", np.arange(searcher.doc_count_all(), dtype=np.int64))
    finally:
        ix.close()


def test_positions_decoded_together_are_those_decoded_one_by_one():
    from search.schema import CompactPositions

    form = CompactPositions()
    lists = [[0], [3, 7, 250], [1, 300, 301], [5, 70_000, 70_001, 200_000], [2, 4], [9]]  # one byte, two, four
    values = [form.encode(positions) for positions in lists]
    assert {v[0] for v in values} == {ord("B"), ord("H"), ord("I")}
    rows, places = form.decode_many(values)
    found = defaultdict(list)
    for row, place in zip(rows.tolist(), places.tolist()):
        found[row].append(place)
    assert {row: sorted(p) for row, p in found.items()} == {i: form.decode_positions(v) for i, v in enumerate(values)}
    assert [len(p) for p in form.decode_many([])] == [0, 0]
