"""Matched document sets (search.match.matched_docs): numpy over posting
blocks for terms, literal words, and/or; Whoosh for the rest.  The same
documents as Whoosh's own matching, on several segments with deletions."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers import article, write_index
from whoosh import query as wq
from whoosh.writing import NO_MERGE

from search.match import matched_docs, term_query, words_query
from search.storage import open_whoosh_index
from search.texts import ArticleTexts, LiteralQuery


@pytest.fixture(scope="module")
def layered(tmp_path_factory):
    path = tmp_path_factory.mktemp("layered")
    write_index(path, [article(f"a{n}", "容器" if n % 7 == 0 else f"笔记{n}", "容器 " * (1 + n % 5) + "待处理器。" * (n % 3),
                               tags=["内核"] if n % 4 == 0 else [], date=f"20{10 + n % 9}-03-01")
                       for n in range(300)])  # several posting blocks
    write_index(path, [article(f"b{n}", "调度", "容器与调度。" * (1 + n % 4), category="新闻") for n in range(40)],
                delete=[f"a{n}" for n in range(0, 300, 11)], mergetype=NO_MERGE)
    write_index(path, [article("c0", "火星", "火星上的容器。")], delete=["b3"], mergetype=NO_MERGE)
    return path


def queries(store):
    return {
        "term": wq.Term("body", "容器"),
        "title term": wq.Term("title", "容器"),
        "inlined term": wq.Term("body", "火星"),
        "missing term": wq.Term("body", "没有"),
        "unknown field": wq.Term("nofield", "容器"),
        "tag": wq.Term("tag", "内核"),
        "category": wq.Term("category", "新闻"),
        "fields": term_query("调度"),
        "and": words_query(("容器", "调度")),
        "nested": wq.And([wq.Or([wq.Term("title", "容器"), wq.Term("title", "调度")]), term_query("容器")]),
        "literal": LiteralQuery("处理", store),
        "word or literal": wq.Or([term_query("处理"), LiteralQuery("处理", store)]),
        "phrase": wq.Phrase("body", ["容器", "容器"]),
        "phrase of two": wq.Phrase("body", ["容器", "待"]),
        "phrase in the title": wq.Phrase("title", ["容器", "容器"]),
        "phrase of three": wq.Phrase("body", ["容器", "容器", "容器"]),
        "phrases in fields": wq.Or([wq.Phrase(name, ["与", "调度"]) for name in ("title", "body")]),
        "phrase of a missing term": wq.Phrase("body", ["容器", "没有"]),
        "not": wq.Not(wq.Term("tag", "内核")),
        "and not": wq.And([term_query("容器"), wq.Not(wq.Term("tag", "内核"))]),
        "dates": wq.DateRange("date", datetime(2012, 1, 1), datetime(2015, 1, 1)),
        "dates from": wq.DateRange("date", datetime(2016, 1, 1), None),  # not the undated
        "dates before": wq.DateRange("date", None, datetime(2013, 3, 1), endexcl=True),
        "dates after a day": wq.DateRange("date", datetime(2013, 3, 1), datetime(2014, 3, 1), startexcl=True),
        "every": wq.Every(),
        "null": wq.NullQuery,
    }


@pytest.mark.parametrize("name", list(queries(None)))
def test_matched_docs_are_whooshs(layered, name):
    ix = open_whoosh_index(layered)
    try:
        with ix.searcher() as searcher:
            assert len(searcher.subsearchers) == 3 and searcher.reader().has_deletions()
            query = queries(ArticleTexts(layered))[name]
            expected = sorted(searcher.docs_for_query(query))
            found = matched_docs(searcher, query)
            assert found.tolist() == expected
            if name not in {"missing term", "unknown field", "null", "phrase in the title", "phrase of a missing term"}:
                assert expected
    finally:
        ix.close()
