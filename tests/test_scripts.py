"""繁简通搜: traditional and simplified characters find each other, everywhere."""

from __future__ import annotations

import pytest
from helpers import article

import search
from search.analysis import normalize

ARTICLES = [
    article("simplified", "编译内核的步骤", "先下载内核源码，再配置编译选项。", tags=["内核"], category="技术"),
    article("traditional", "網絡設定入門", "這篇文章說明如何設定網絡介面與路由表。", tags=["網絡"], category="教學"),
    article("long-word", "系统调用", "操作系统会把请求交给内核态处理器执行。"),
    article("other", "无关的文章", "这里只讲做菜。"),
]



def keys(index, query, **params):
    return sorted(hit.key for hit in index.search(query, per_page=50, **params))


def test_normalize_folds_traditional_and_keeps_the_length():
    text = "內核驗證：Linux 鏡像"
    assert normalize(text) == "内核验证:linux 镜像"
    assert len(normalize(text)) == len(text)


def test_long_texts_are_folded_as_short_ones():
    # from 256 characters normalize() folds by an array lookup (search.analysis._fold)
    piece = "內核驗證：Linux 鏡像　ＡＢＣ 𠀀 "
    text = piece * 20
    assert len(text) >= 256 and normalize(text) == normalize(piece) * 20


def test_simplified_characters_are_not_changed():
    # Characters of the simplified standard stay, even where OpenCC would convert
    # them one by one (么 -> 幺, 著 -> 着): jieba segments the folded text.
    assert normalize("什么 著名 乾隆 怎么") == "什么 著名 乾隆 怎么"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("內核", ["long-word", "simplified"]),  # traditional query, simplified text
        ("网络 设定", ["traditional"]),  # simplified query, traditional text
        ('"设定网络介面"', ["traditional"]),  # a phrase across the scripts
    ],
)
def test_either_script_finds_the_other(index, query, expected):
    assert keys(index, query) == expected


def test_both_scripts_rank_alike(index):
    simplified = [(h.key, h.score) for h in index.search("编译 内核")]
    assert simplified[0][0] == "simplified"
    assert [(h.key, h.score) for h in index.search("編譯 內核")] == simplified


def test_literal_guarantee_holds_across_scripts(index):
    # 內核態處理 is inside the longer words of the simplified text.
    assert keys(index, "核態處") == ["long-word"]
    assert keys(index, "络介") == ["traditional"]


def test_filters_fold_too(index):
    assert keys(index, "tag:內核") == ["simplified"]
    assert keys(index, "", tags="网络") == ["traditional"]
    assert keys(index, "category:教学") == ["traditional"]


def test_highlighting_marks_the_text_as_written(index):
    hit = index.search("网络").hits[0]
    assert "<mark>網絡</mark>" in hit.title_html
    assert "<mark>網絡</mark>" in hit.snippet_html
    hit = index.search("內核").hits[0]
    assert "<mark>内核</mark>" in hit.snippet_html


def test_taiwan_vocabulary_finds_the_mainland_word(make_index):
    path = make_index([article("sw", "软件仓库", "在这里下载软件和查看内存占用。"), article("x", "别的", "没有那个词。")])
    with search.open_index(path, warm=False) as index:
        assert keys(index, "軟體") == ["sw"]
        assert keys(index, "記憶體") == ["sw"]
        hit = index.search("軟體").hits[0]
        assert "<mark>软件</mark>" in hit.snippet_html
    with search.open_index(path, warm=False, regional=False) as index:
        assert keys(index, "記憶體") == []  # the step is separate from character folding


def test_taiwan_vocabulary_in_an_unspaced_sentence(make_index):
    """The mainland words of a converted run join the clauses of the words
    the conversion changed; the others keep their own words."""
    path = make_index([article("sw", "视频笔记", "用命令行播放视频的软件。"), article("x", "播放", "播放别的东西。")])
    with search.open_index(path, warm=False) as index:
        assert keys(index, "影片播放軟體")[0] == "sw"
        clauses = index._parse(search.SearchRequest.of("影片播放軟體")).clauses
        assert [[w.text for w in c.words] for c in clauses] == [["影片", "视频"], ["播放"], ["软体", "软件"]]
