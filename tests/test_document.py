"""The article record's round trip through an index document."""

from __future__ import annotations

from helpers import article

from search.document import from_stored, to_document


def stored_part(document: dict) -> dict:
    """What the index stores of a document: the fields the schema marks stored."""
    from search.storage import index_schema

    schema = index_schema()
    return {name: value for name, value in document.items() if name in schema and schema[name].stored}


def test_an_article_survives_the_round_trip():
    original = article(
        "42", "容器编排入门", "正文第一段。", markdown="# 容器编排入门\n\n正文**第一段**。",
        tags=["容器", "Kubernetes"], category="技术", date="2020-01-02", views=7, author="小王",
    )
    document = to_document(original)
    restored = from_stored(stored_part(document), document["markdown"])
    assert restored.markdown == original.markdown
    assert restored.text == "容器编排入门\n\n正文第一段。"
    assert (restored.key, restored.tags, restored.category, restored.views, restored.author) == (
        "42", ["容器", "Kubernetes"], "技术", 7, "小王",
    )
    assert restored.date == original.date


def test_html_in_a_summary_is_neither_indexed_nor_kept():
    document = to_document(article("1", "标题", "正文", summary="在<ruby>栈<rt>zhan</rt></ruby>中内联"))
    assert "<" not in document["summary"]
    assert "ruby" not in document["summary"]
