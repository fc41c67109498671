"""Typo hints: homophones and pinyin suggest the Chinese word; English words by edit distance."""

from __future__ import annotations

from helpers import article


ARTICLES = [
    article("k1", "编译内核", "内核模块的加载和卸载，内核参数。"),
    article("k2", "内核调度", "调度器是内核的一部分。"),
    article("r1", "内河航运", "内河的船只。"),  # 内河 sounds like 内核 too, but is rarer here
    article("e1", "Kubernetes 集群", "kubernetes 管理容器。"),
]



def test_a_homophone_typo_suggests_the_word_of_the_index(index):
    assert index.search("内和").suggestion == "内核"
    assert index.search("内和 调度").suggestion == "内核 调度"


def test_typed_pinyin_and_initials_suggest_the_chinese_word(index):
    assert index.search("neihe").suggestion == "内核"
    assert index.search("nh").suggestion == "内核"
    assert [(s.text, s.kind) for s in index.suggest("neihe")][:1] == [("内核", "word")]


def test_correct_words_get_no_hint(index):
    for query in ("内核", "内河", "调度", "kubernetes"):
        assert index.search(query).suggestion is None, query


def test_english_typo_is_corrected_by_edit_distance(index):
    assert index.search("kubernets").suggestion == "kubernetes"


def test_the_hint_keeps_the_words_as_typed_around_a_fix(index):
    # 記憶體 is also searched as 内存 (search.regional): only the typed words are corrected
    assert index.search("記憶體 kubernets").suggestion == "記憶體 kubernetes"
    assert index.search("k8s 内和").suggestion == "k8s 内核"  # k8s is also searched as kubernetes (synonyms)
