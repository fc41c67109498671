"""Synonyms at query time: one form finds the others, edits apply without a reindex."""

from __future__ import annotations

import os

import pytest
from helpers import article

import search
from search.synonyms import SynonymsError, parse_groups

ARTICLES = [
    article("zh", "邮件服务", "谷歌推出了新的邮件服务。"),
    article("en", "邮件服务", "Google推出了新的邮件服务。"),
    article("both", "两家公司", "谷歌（Google）和别家一样提供邮件服务。"),
    article("redhat", "企业发行版", "红帽发布了新的企业版本，支持更多硬件。"),
    article("kube", "容器编排", "Kubernetes 管理着成百上千的容器。"),
    article("plain", "无关的文章", "这里只讲做菜和邮件。"),
]


@pytest.fixture
def index_dir(make_index):
    return make_index(ARTICLES)


def keys(index, query):
    return [hit.key for hit in index.search(query, per_page=50)]


def test_default_list_matches_both_scripts(index_dir):
    with search.open_index(index_dir, warm=False) as index:
        assert sorted(keys(index, "谷歌")) == ["both", "en", "zh"]
        assert sorted(keys(index, "Google")) == ["both", "en", "zh"]
        assert keys(index, "k8s") == ["kube"]
        assert keys(index, "Red Hat") == ["redhat"]  # a form of two words, typed as two words


def test_a_synonym_ranks_a_little_below_the_exact_form(index_dir):
    with search.open_index(index_dir, warm=False) as index:
        results = index.search("谷歌").hits
        scores = {hit.key: hit.score for hit in results}
        assert results[0].key == "both"  # both forms
        assert scores["zh"] > 0 and scores["en"] > 0
        exact = {hit.key: hit.score for hit in index.search("Google").hits}
        assert exact["en"] > exact["zh"]  # typed Google: the English article first
        assert scores["zh"] > scores["en"]  # typed 谷歌: the Chinese article first


def test_a_form_typed_in_an_unspaced_sentence_finds_its_synonyms(make_index):
    """树莓派 (cut by jieba into 树莓 and 派) and 谷歌 (cut into 用谷歌) inside
    a sentence are forms of their groups as if typed alone."""
    articles = ARTICLES + [article("pi", "单板电脑", "Raspberry Pi 的板子很小。")]
    with search.open_index(make_index(articles), warm=False) as index:
        assert keys(index, "树莓派的板子")[0] == "pi"
        # jieba cuts 用谷歌 and 发邮件: their parts 谷歌 (a form) and 邮件 are searched
        assert set(keys(index, "怎么用谷歌发邮件")[:3]) == {"both", "en", "zh"}


def test_a_synonym_is_highlighted(index_dir):
    with search.open_index(index_dir, warm=False) as index:
        hit = next(h for h in index.search("谷歌").hits if h.key == "en")
        assert "<mark>Google</mark>" in hit.snippet_html


def test_quoted_words_are_searched_as_written(index_dir):
    with search.open_index(index_dir, warm=False) as index:
        assert sorted(keys(index, '"谷歌"')) == ["both", "zh"]


def test_a_site_file_edited_while_open_takes_effect(index_dir, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# ours\n菜谱, 做菜\n", encoding="utf-8")
    with search.open_index(index_dir, warm=False, synonyms=path) as index:
        assert keys(index, "菜谱") == ["plain"]
        assert sorted(keys(index, "谷歌")) == ["both", "zh"]  # the default list is not used
        path.write_text("菜谱, 做菜\n谷歌, google\n", encoding="utf-8")
        os.utime(path, ns=(1, 1))  # a new modification time even within one clock tick
        assert sorted(keys(index, "谷歌")) == ["both", "en", "zh"]
        path.write_text("谷歌\n", encoding="utf-8")  # a bad edit keeps the groups in use
        os.utime(path, ns=(2, 2))
        assert sorted(keys(index, "谷歌")) == ["both", "en", "zh"]


def test_bad_files_are_named(index_dir, tmp_path):
    with pytest.raises(SynonymsError, match="nothing.txt"):
        search.open_index(index_dir, synonyms=tmp_path / "nothing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("谷歌, Google\n\n谷歌\n", encoding="utf-8")
    with pytest.raises(SynonymsError, match=r"bad.txt:3: expected two or more forms"):
        search.open_index(index_dir, synonyms=bad)


def test_parse_groups_folds_forms_and_rejects_a_form_in_two_groups():
    groups = parse_groups("# c\nＧｏｏｇｌｅ， 穀歌\n", "x")
    assert groups["google"] == ("google", "谷歌")
    with pytest.raises(SynonymsError, match="x:2: 'a' is already"):
        parse_groups("a, b\na, c\n", "x")
