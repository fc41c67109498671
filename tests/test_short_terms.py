"""One-letter language names are words: C 语言 and R 语言 find different articles."""

from __future__ import annotations

import pytest
from helpers import article


ARTICLES = [
    article("c", "指针入门", "C 语言的指针指向内存地址，C 程序员天天用它。"),
    article("r", "统计绘图", "R 语言适合统计分析，R 的绘图包很多。"),
    article("cpp", "模板入门", "C++ 语言的模板与 C# 的泛型不同。"),
    article("lang", "自然语言", "人类的语言千差万别。"),
]



@pytest.mark.parametrize("query, first", [("C 语言", "c"), ("R 语言", "r"), ("c", "c"), ("C++ 语言", "cpp")])
def test_the_language_article_comes_first(index, query, first):
    assert index.search(query).hits[0].key == first


def test_a_letter_is_not_the_part_of_cpp(index):
    assert {h.key for h in index.search("C")} == {"c"}
    assert {h.key for h in index.search("R")} == {"r"}
