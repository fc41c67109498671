"""Index.search end to end on small indexes of our own articles."""

from __future__ import annotations

import math

import pytest
from helpers import article, write_index
from whoosh import query as wq
from whoosh import sorting

import search
from search import score as scoring

ARTICLES = [
    article("1", "容器编排入门", "Kubernetes 是一个容器编排系统。它可以管理很多容器。",
            tags=["Kubernetes", "容器"], category="技术", date="2019-03-01", author="小王", views=50),
    article("2", "待处理器的设计", "待处理器负责排队。安装简单，使用方便。",
            tags=["设计"], category="观点", date="2020-05-01", views=500),
    article("3", "容器与编排", "这里讲容器，也讲一些编排的事情。",
            tags=["容器"], category="技术", date="2021-01-01", id="11131", views=5),
]


def keys(results):
    return [hit.key for hit in results]


def test_verbatim_word_ranks_above_scattered_words(index):
    results = index.search("容器编排")
    assert keys(results) == ["1", "3"]
    assert "<mark>容器编排</mark>" in results.hits[0].snippet_html


def test_get_by_key_and_by_front_matter_id(index):
    assert index.get("3").title == "容器与编排"
    assert index.get(11131).key == "3"
    assert index.get("404") is None


def test_hits_carry_the_view_count(index):
    assert {hit.key: hit.views for hit in index.search("容器")} == {"1": 50, "3": 5}


def test_doc_count(index):
    assert index.doc_count() == 3


@pytest.mark.parametrize("sort, expected", [("date", ["3", "1"]), ("views", ["1", "3"])])
def test_sort_orders(index, sort, expected):
    assert keys(index.search("容器", sort=sort)) == expected


def test_paging(index):
    first = index.search("容器 OR 设计", per_page=2)
    second = index.search("容器 OR 设计", per_page=2, page=2)
    assert (first.total, first.pages, len(first), len(second)) == (3, 2, 2, 1)
    assert set(keys(first)) | set(keys(second)) == {"1", "2", "3"}


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"page": 0}, "page"),
        ({"per_page": 10000}, "per_page"),
        ({"sort": "random"}, "sort"),
        ({"facets": ["colour"]}, "facets"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"tags": 3}, "tags"),
    ],
)
def test_bad_parameters_raise_query_error_naming_them(index, params, parameter):
    with pytest.raises(search.QueryError) as raised:
        index.search("容器", **params)
    assert raised.value.parameter == parameter
    assert parameter in str(raised.value)


def test_a_caller_may_raise_the_limits(index):
    with pytest.raises(search.QueryError):
        index.search("容器", per_page=100)
    raised = search.Limits(max_per_page=100)
    assert index.search("容器", per_page=100, limits=raised).per_page == 100
    request = search.SearchRequest.from_args({"q": "容器", "per_page": "100"}, limits=raised)
    assert index.search(request).per_page == 100


def test_an_inclusive_to_is_one_half_open_range():
    request = search.SearchRequest.from_args({"from": "2017", "to": "2017-02"})
    assert (request.date_from.isoformat(), request.date_to.isoformat()) == ("2017-01-01T00:00:00", "2017-03-01T00:00:00")
    assert search.SearchRequest.of(date_from="2017", date_to="2017").selected("year") == ("2017",)
    assert search.SearchRequest.of(date_from="2017", date_to="2017-11").selected("year") == ()


def test_missing_index_is_reported_with_its_path(tmp_path):
    with pytest.raises(search.IndexNotFoundError, match="reindex"):
        search.open_index(tmp_path / "nothing")


RELAX = [
    article("all", "备份脚本定时任务", "用脚本做备份，再用定时任务执行。"),
    article("two", "备份脚本", "写一个备份脚本。"),
    article("one", "备份的意义", "备份很重要。"),
    article("none", "网络配置", "配置网络接口。"),
]


def test_relaxation_ranks_documents_with_more_words_first(make_index):
    with search.open_index(make_index(RELAX), warm=False) as index:
        results = index.search("备份 脚本 定时")
        assert keys(results) == ["all", "two", "one"]
        assert results.relaxed == ["脚本", "定时"]
        strict = index.search("备份 脚本 定时", per_page=1)
        assert keys(strict) == ["all"] and strict.relaxed == []


def test_every_document_with_a_word_is_found_the_one_with_all_first(make_index):
    """The union of partial matches is one ranking: every document with any
    of the words is found, the one with all of them first."""
    filler = [article(f"f{n}", f"笔记{n}", "今天 系统 一些 事情。" if n % 2 else "今天 配置 一些 事情。") for n in range(12)]
    articles = filler + [
        article("all", "火星探测", "火星探测，系统配置。"),
        article("rare", "火星", "火星上的火星车，火星。"),
        article("common", "杂谈", "系统的配置很长很长的一段文字，写了很多别的内容和别的事情。" * 12),
    ]
    with search.open_index(make_index(articles), warm=False) as index:
        results = index.search("火星 系统 配置")
        assert keys(results)[0] == "all" and results.relaxed == ["火星", "系统", "配置"]
        assert results.total == len(articles)
        assert {"rare", "common"} <= set(keys(results))


def test_a_word_matching_nothing_is_dropped_and_reported(make_index):
    with search.open_index(make_index(RELAX), warm=False) as index:
        results = index.search("网络 火星人")
        assert keys(results) == ["none"]
        assert results.relaxed == ["火星人"]


def test_no_relaxation_for_a_single_word(make_index):
    with search.open_index(make_index(RELAX), warm=False) as index:
        results = index.search("火星人")
        assert (results.total, results.relaxed) == (0, [])


PHRASES = [
    article("a", "Kubernetes cluster 容器编排", "在 kubernetes cluster 上运行容器，谷歌开发。"),
    article("b", "集群", "cluster 的 kubernetes 节点，容器很多。Google 也用。"),
    article("c", "编排", "容器 编排 工具：kubernetes。"),
    article("d", "其他", "kubernetes cluster cluster 容器编排，编排容器。"),
]


@pytest.mark.parametrize("text", ["容器编排", "容器 设计", "容器 OR 排队", "kubernetes 容器", "处理 简单", "火星 容器",
                                  "\"容器 编排\"", "\"kubernetes cluster\"", "kubernetes-cluster 容器", "谷歌 容器"])
def test_scores_in_chunks_equal_scores_in_one_pass(index, make_index, monkeypatch, text):
    from search import score

    found = 0
    with search.open_index(make_index(PHRASES), warm=False) as phrases:
        for searched in (index, phrases):
            pages = [(page, per_page) for per_page in (1, 2, 10) for page in (1, 2, 9)]
            one_pass = {p: [(h.key, round(h.score, 9)) for h in searched.search(text, page=p[0], per_page=p[1])]
                        for p in pages}
            for visits in (1, 40):  # chunks of one document, then of a few
                monkeypatch.setattr(score, "MAX_VISITS", visits)
                for (page, per_page), expected in one_pass.items():
                    hits = searched.search(text, page=page, per_page=per_page)
                    assert [(h.key, round(h.score, 9)) for h in hits] == expected
            monkeypatch.undo()
            found += len(one_pass[(1, 10)])
    assert found


def test_a_word_saturates_once_over_the_fields(make_index):
    """BM25F: the summary (here, as linux.cn's excerpts) repeats the body's first paragraph, so an article
    that names a word there and once in its body ranks below one about it;
    with the fields saturated one by one (Whoosh's BM25F), it ranked first."""
    filler = "。".join(f"第{n}段说明" for n in range(20))
    about = article("about", "防火墙规则", f"iptables 规则。{filler}。" + "iptables 链。" * 7)
    named = article("named", "网络笔记", f"用 iptables 举例。{filler}。", summary="用 iptables 举例。")
    with search.open_index(make_index([named, about, article("other", "其他", filler)]), warm=False) as index:
        results = index.search("iptables")
        assert [hit.key for hit in results] == ["about", "named"]
        bound = math.log(3 / (2 + 1)) + 1  # idf of a word in 2 of 3 documents
        candidates = index.explain("iptables")
        assert len(candidates) == 2 and all(c.bm25 <= bound * (scoring.K1 + 1) for c in candidates)


def test_sorted_pages_are_whoosh_sort_orders_with_ties_and_segments(make_index):
    """sort=date / views come from the columns: the order equals Whoosh's
    sorted search (ties by docnum, undated last) over several segments, with
    a deletion, on every page."""
    dates = ["2020-01-01", "2020-01-01", None, "2019-05-05", "2020-01-01", None, "2021-03-03", "2019-05-05"]
    views = [5, 5, 0, 9, 5, 1, 0, 9]
    made = [
        article(f"a{i}", f"容器 {i}", "容器。" if i % 3 else "容器。编排。", date=d, views=v)
        for i, (d, v) in enumerate(zip(dates, views))
    ]
    path = make_index(made[:3])
    write_index(path, made[3:6])
    write_index(path, made[6:], delete=["a1"])
    undated = sorting.FunctionFacet(lambda searcher, doc: searcher.stored_fields(doc).get("date") is None)
    facets = {
        "date": sorting.MultiFacet([undated, sorting.FieldFacet("date", reverse=True)]),
        "views": sorting.FieldFacet("views", reverse=True),
    }
    with search.open_index(path, warm=False) as index:
        with index.snapshot() as snap:
            searcher = snap.searcher
            leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
            assert len(leaves) > 1 and any(reader.has_deletions() for reader in leaves)
            for sort, facet in facets.items():
                for text, query in (("容器", wq.Term("body", "容器")), ("编排", wq.Term("body", "编排"))):
                    results = searcher.search(query, limit=None, sortedby=facet)
                    expected = [searcher.stored_fields(hit.docnum)["key"] for hit in results]
                    pages = [keys(index.search(text, sort=sort, per_page=3, page=p)) for p in (1, 2, 3)]
                    assert [k for page in pages for k in page] == expected, (sort, text)


def test_date_sort_puts_undated_articles_last(make_index):
    articles = [
        article("old", "容器旧文", "容器。", date="2015-01-01"),
        article("undated", "容器无日期", "容器。"),
        article("new", "容器新文", "容器。", date="2023-06-01"),
    ]
    with search.open_index(make_index(articles), warm=False) as index:
        assert keys(index.search("容器", sort="date")) == ["new", "old", "undated"]
        assert keys(index.search("", sort="date")) == ["new", "old", "undated"]
        assert keys(index.search("容器", sort="date", per_page=1, page=3)) == ["undated"]
