"""Queries as readers type them: unspaced sentences, the union of partial
matches, and the second ranking stage (search.rank)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import search
from search import rank
from tests.helpers import article


def keys(results) -> list[str]:
    return [hit.key for hit in results]


def filler(n: int) -> list:
    return [article(f"f{i}", f"杂记{i}", "今天记录一些日常的事情和想法。") for i in range(n)]


def test_an_article_whose_title_holds_every_word_outranks_one_repeating_a_word(make_index):
    """The rare word is repeated in a short text; the other words are common,
    and the titled article's body is long."""
    common = [article(f"c{i}", f"文件笔记{i}", "恢复删除的文件，文件要备份。") for i in range(8)]
    articles = common + [
        article("titled", "用 testdisk 恢复删除的文件", "这是一个分区工具的介绍。" * 40 + "testdisk 能用。"),
        article("repeats", "磁盘工具杂谈", "testdisk 的用法，testdisk 的选项。" * 6 + "删除的文件。"),
    ]
    with search.open_index(make_index(articles), warm=False) as index:
        found = keys(index.search("testdisk 恢复删除的文件"))
        assert found[0] == "titled" and "repeats" in found


def test_adjacent_query_words_outrank_scattered_ones(make_index):
    padding = "这里写了许多与主题无关的句子，用来拉开距离。" * 6
    articles = filler(6) + [
        article("scattered", "笔记一", f"镜像{padding}瘦身{padding}"),
        article("adjacent", "笔记二", f"{padding}镜像瘦身{padding}"),
    ]
    with search.open_index(make_index(articles), warm=False) as index:
        for query in ("镜像瘦身", "镜像 瘦身"):
            assert keys(index.search(query))[:2] == ["adjacent", "scattered"]


def test_an_unspaced_sentence_finds_articles_with_some_of_its_words(make_index):
    articles = filler(4) + [
        article("google", "命令行里的 Google", "在终端中用 Google 搜索网页。"),
        article("slim", "让容器镜像变小", "介绍几种让镜像瘦身的办法。"),
    ]
    with search.open_index(make_index(articles), warm=False) as index:
        results = index.search("在终端里用谷歌搜索")  # 谷歌 is a synonym of Google
        assert keys(results)[0] == "google"
        results = index.search("容器镜像瘦身的几种方法")
        assert keys(results)[0] == "slim" and results.total == 1
        assert results.relaxed == ["方法"]  # the word the hit lacks


def test_function_words_alone_match_nothing_and_a_phrase_keeps_its_meaning(make_index):
    articles = filler(4) + [article("a", "容器编排", "容器编排的工具。"), article("b", "容器", "容器与编排分开谈。")]
    with search.open_index(make_index(articles), warm=False) as index:
        assert keys(index.search('"容器编排"')) == ["a"]
        assert set(keys(index.search("容器编排"))) == {"a", "b"}
        assert keys(index.search("容器编排 -分开")) == ["a"]
        assert keys(index.search('"容器编排" 分开')) == ["a"]  # a quoted phrase is required, other words add hits


def test_the_second_stage_reads_at_most_depth_candidates(make_index, monkeypatch):
    articles = [article(f"d{i}", f"容器笔记{i}", "容器 " * (1 + i % 7) + "编排。") for i in range(30)]
    read = []
    features = rank.features

    def counted(words, query_pairs, runs, bm25, texts):
        read.append(len(texts))
        return features(words, query_pairs, runs, bm25, texts)

    monkeypatch.setattr(rank, "features", counted)
    monkeypatch.setattr(rank, "DEPTH", 8)
    with search.open_index(make_index(articles), warm=False) as index:
        results = index.search("容器 编排", per_page=5, page=3)
        assert len(results.hits) == 5 and results.total == 30
        assert len(index.explain("容器 编排")) == 8
    assert read and max(read) == 8


def test_pages_follow_one_order_past_the_re_scored_candidates(make_index, monkeypatch):
    monkeypatch.setattr(rank, "DEPTH", 4)
    articles = [article(f"d{i}", f"笔记{i}", "容器 " * (1 + i % 5) + "编排 " * (i % 3)) for i in range(14)]
    with search.open_index(make_index(articles), warm=False) as index:
        pages = [index.search("容器 编排", per_page=3, page=p) for p in range(1, 6)]
        found = [hit.key for page in pages for hit in page]
        scores = [hit.score for page in pages for hit in page]
    assert sorted(found) == sorted(f"d{i}" for i in range(14))
    assert scores == sorted(scores, reverse=True)


def test_weights_come_from_a_file_a_site_can_pass(make_index, tmp_path):
    articles = filler(4) + [
        article("titled", "镜像和瘦身", "一篇短文。"),
        article("verbatim", "其他", "镜像瘦身。"),
    ]
    path = make_index(articles)
    files = {}
    for name in ("title_coverage", "verbatim"):
        files[name] = tmp_path / f"{name}.json"
        weights = {feature: 0.0 for feature in rank.FEATURES} | {name: 1.0}
        files[name].write_text(json.dumps({"weights": weights}), encoding="utf-8")
    with search.open_index(path, ranking=files["title_coverage"]) as index:
        assert keys(index.search("镜像瘦身"))[0] == "titled"
    with search.open_index(path, ranking=files["verbatim"]) as index:
        assert keys(index.search("镜像瘦身"))[0] == "verbatim"


@pytest.mark.parametrize("content", ["{", '{"weights": {"bm25": 1}}', '{"weights": []}', "\xff\xfe"])
def test_a_bad_weights_file_is_named(make_index, tmp_path, content):
    path = tmp_path / "ranking.json"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(rank.RankingError, match="ranking.json"):
        search.open_index(make_index(filler(1)), ranking=path)


def test_features_measure_what_they_name():
    words = [rank.QueryWord(("镜像",), 2.0, np.array([True, True])),
             rank.QueryWord(("瘦身",), 1.0, np.array([True, False]))]
    texts = ["镜像瘦身指南\n\n正文", "镜像\n\n" + "无关。" * 30]
    rows = rank.features(words, rank.pairs("镜像瘦身"), ["镜像瘦身"], np.array([2.0, 4.0]), texts)
    named = [dict(zip(rank.FEATURES, row)) for row in rows]
    assert [n["bm25"] for n in named] == [0.5, 1.0]
    assert [n["coverage"] for n in named] == pytest.approx([1.0, 2 / 3])
    assert [n["complete"] for n in named] == [1.0, 0.0]
    assert [n["title_coverage"] for n in named] == pytest.approx([1.0, 2 / 3])
    assert named[0]["title_recall"] == 1.0 and named[1]["title_recall"] == pytest.approx(1 / 3)
    assert named[0]["title_precision"] == pytest.approx(3 / 5) and named[1]["title_precision"] == 1.0
    assert named[0]["adjacency"] == 1.0 and named[0]["proximity"] == 1.0 and named[1]["proximity"] == 0.0
    assert [n["verbatim"] for n in named] == [1.0, 0.0]
