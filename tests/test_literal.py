"""The literal-substring guarantee: query text found verbatim, whatever jieba did."""

from __future__ import annotations

import pytest
from whoosh import writing

import search
from conftest import article
from search.document import to_document
from search.literal import LiteralStore, SegmentTexts, document_text
from search.storage import open_whoosh_index
from search.text import markdown_to_text

ARTICLES = [
    article("inside", "任务队列", "新的任务先进入待处理器，再分发。"),
    article("suffix", "部署说明", "这个工具安装简单，配置也不难。"),
    article("word", "消息处理", "消息处理的流程很清楚。"),
    article("title", "中华人民共和国成立", "正文没有那个词。"),
    article("summary", "无关标题", "正文也无关。", summary="摘要里说到了数据库迁移的细节。"),
]


@pytest.fixture
def index(make_index):
    with search.open_index(make_index(ARTICLES), warm=False) as opened:
        yield opened


def found(index, text):
    return sorted(hit.key for hit in index.search(text, per_page=50))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("处理", ["inside", "word"]),  # 处理 inside 待处理器
        ("简单", ["suffix"]),  # jieba keeps 安装简单 together
        ("人民共和", ["title"]),  # a word inside a longer jieba word, in a title
        ("据库迁", ["summary"]),  # crosses jieba words, in a summary
        ("处理器，再", ["inside"]),  # punctuation inside the verbatim text
    ],
)
def test_verbatim_text_is_found(index, text, expected):
    assert found(index, text) == expected


def test_jieba_matches_rank_above_literal_only_matches(index):
    assert [hit.key for hit in index.search("处理")][0] == "word"


def test_literal_matches_are_highlighted_as_whole_words(index):
    hit = index.search("简单").hits[0]
    assert "<mark>" in hit.snippet_html and "简单" in hit.snippet_html


def test_exclusion_also_removes_verbatim_matches(index):
    assert found(index, "消息 OR 任务 -处理") == []


def test_deleted_documents_are_not_found(make_index):
    path = make_index(ARTICLES)
    with search.open_index(path, warm=False) as index:
        assert found(index, "简单") == ["suffix"]
        ix = open_whoosh_index(path)
        with ix.writer() as writer:
            writer.delete_by_term("key", "suffix")
        ix.close()
        assert found(index, "简单") == []


def test_new_segments_are_loaded_and_old_ones_kept(make_index):
    path = make_index(ARTICLES)
    with search.open_index(path, warm=False) as index:
        assert found(index, "简单") == ["suffix"]
        loaded = index._literal.loaded()
        ix = open_whoosh_index(path)
        with ix.writer(mergetype=writing.NO_MERGE) as writer:
            writer.add_document(**to_document(article("new", "新文章", "升级也很简单。")))
        ix.close()
        assert found(index, "简单") == ["new", "suffix"]
        assert loaded < index._literal.loaded()


def test_store_finds_only_cjk_text_verbatim(make_index):
    path = make_index(ARTICLES)
    ix = open_whoosh_index(path)
    with ix.searcher() as searcher:
        texts = LiteralStore().segment(searcher.reader())
        assert texts.find("待处理") == [0]
        assert texts.find("处理") == [0, 2]  # a single pair: its postings
        assert texts.find("处理的流") == [2]
        assert texts.find("理器,再分") == [0]  # normalised text: the comma is half-width
        assert texts.find("理器再") == []  # every pair occurs, not the whole
        assert texts.find("queue") == []
        assert document_text(searcher.stored_fields(0)).startswith("任务队列\n")
    ix.close()


def test_original_text_is_restored_from_the_normalised_one():
    texts = SegmentTexts(["Linux 内核 ＡＢＣ Ärger", "", "全是中文"])
    assert texts.text(0) == "linux 内核 abc ärger".encode() and texts.text(1) == b""
    assert [texts.original(d) for d in range(3)] == ["Linux 内核 ＡＢＣ Ärger", "", "全是中文"]


def test_alt_text_link_titles_and_footnotes_are_found_verbatim(make_index):
    markdown = (
        "正文开头。\n\n![内核编译耗时统计](/img/a.png)\n\n见[这里](https://example.com \"发行说明页面\")。"
        "[^1]\n\n[^1]: 你可能不会惊讶于这个结果。"
    )
    path = make_index([article("md", "一篇文章", markdown_to_text(markdown), markdown=markdown)])
    with search.open_index(path, warm=False) as index:
        for probe in ("编译耗", "说明页", "不会惊讶"):
            assert [hit.key for hit in index.search(probe)] == ["md"], probe
        assert [hit.key for hit in index.search("example")] == []  # URLs stay out
