"""Completions, "did you mean" and related articles."""

from __future__ import annotations

import pytest
from helpers import article

import search

ARTICLES = [
    article("k1", "Kubernetes 入门指南", "Kubernetes 管理容器。部署很方便。", tags=["Kubernetes", "容器"]),
    article("k2", "深入理解 kubectl 命令", "kubectl 是 Kubernetes 的命令行工具。", tags=["Kubernetes"]),
    article("c1", "容器镜像的构建", "用 Docker 构建容器镜像。", tags=["容器", "Docker"]),
    article("p1", "Python 编程技巧", "Python 的列表推导式和生成器。", tags=["Python"]),
]


def test_english_prefix_completes_tags_then_titles(index):
    found = [(s.kind, s.text) for s in index.suggest("kube")]
    assert found == [("tag", "Kubernetes"), ("title", "Kubernetes 入门指南"), ("title", "深入理解 kubectl 命令")]


def test_chinese_prefix_completes_tags_and_titles_containing_it(index):
    found = index.suggest("容器", limit=3)
    assert [(s.kind, s.text, s.key) for s in found] == [
        ("tag", "容器", None), ("title", "容器镜像的构建", "c1"),
    ]


def test_prefix_inside_a_title_at_a_word_start(index):
    assert [s.key for s in index.suggest("kubectl")] == ["k2"]


def test_empty_prefix_suggests_nothing(index):
    assert index.suggest("   ") == []


def test_misspelt_english_word_gets_a_did_you_mean(index):
    results = index.search("kubernetse 容器")
    assert results.suggestion == "kubernetes 容器"


def test_known_words_get_no_suggestion(index):
    assert index.search("Kubernetes").suggestion is None


def test_related_articles_share_words_and_exclude_the_article(index):
    related = index.related("k1", limit=3)
    assert related and related[0].key in {"k2", "c1"}
    assert "k1" not in [hit.key for hit in related]
    assert index.related("missing") == []


def test_bad_limit_raises(index):
    with pytest.raises(search.QueryError, match="limit"):
        index.suggest("k", limit=0)



FILTERED = [
    article("v1", "Vim 配置文件", "编辑 vimrc 和 txt 文件，设置 var 变量。作者 wong。", tags=["Vim"], date="2019-05-01"),
    article("d1", "Docker 入门", "docker 容器和 kubernetes。", category="Docker", author="Wang"),
]


@pytest.mark.parametrize("query", ["tag:Vim", "year:2019", "author:wang 容器", "category:Dockr", "-tag:Vimm"])
def test_filters_are_not_corrected(make_index, query):
    with search.open_index(make_index(FILTERED), warm=False) as filtered:
        assert filtered.search(query).suggestion is None


def test_correction_keeps_the_filters_as_typed(make_index):
    with search.open_index(make_index(FILTERED), warm=False) as filtered:
        results = filtered.search("tag:Vim kubernetse -category:Dockr year:2019 AUTHOR:Wang dockr")
        assert results.suggestion == "tag:Vim kubernetes -category:Dockr year:2019 AUTHOR:Wang docker"


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from pathlib import Path

    from indexer.build import build_index

    path = tmp_path_factory.mktemp("samples")
    build_index(Path(__file__).parent.parent / "samples" / "articles", path, jobs=1)
    with search.open_index(path, warm=False) as opened:
        yield opened


@pytest.mark.parametrize("first, second", [("10788", "vim-series-02"), ("vim-series-02", "10788")])
def test_the_two_vim_series_articles_are_related(samples, first, second):
    this, other = samples.get(first), samples.get(second)
    related = samples.related(this.key, limit=3)
    assert related[0].key == other.key
    assert this.key not in [hit.key for hit in related]
