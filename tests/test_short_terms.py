"""Short terms: one-letter and symbol language names are words (C 语言, R 语言,
C++, C#, F#, Go, .NET find their own articles), and a query of only stop
words gets a notice instead of every article."""

from __future__ import annotations

import pytest
from helpers import article

from search.analysis import analyze
from search.query import ONLY_STOP_WORDS, UNSEARCHABLE, parse

ARTICLES = [
    article("c", "指针入门", "C 语言的指针指向内存地址，C 程序员天天用它。", tags=["编程"]),
    article("r", "统计绘图", "R 语言适合统计分析，R 的绘图包很多。"),
    article("cpp", "模板入门", "C++ 语言的模板与 C# 的泛型不同。", tags=["编程"]),
    article("csharp", "委托与事件", "这篇 C# 教程讲委托和事件，适合刚学 C# 的读者。"),
    article("fsharp", "类型推导", "F# 的类型推导让代码写得很短。"),
    article("go", "并发编程", "Go 语言的 goroutine 让并发变得简单，Go 程序编译很快。"),
    article("dotnet", "跨平台开发", "微软的 .NET 框架如今也能在 Linux 上运行。"),
    article("nettools", "网络工具", "net-tools 包里有 ifconfig 和 netstat，文件 main.c 与 x.r 另说。"),
    article("python", "Python 教程", "这篇教程介绍 Python 语言的基础。"),
    article("lang", "自然语言", "人类的语言千差万别。"),
]


def keys(results) -> list[str]:
    return [h.key for h in results]


@pytest.mark.parametrize(
    "query, first",
    [("C 语言", "c"), ("R 语言", "r"), ("c", "c"), ("C++ 语言", "cpp"), ("C# 教程", "csharp"), ("Go 语言", "go"),
     ("F# 类型", "fsharp"), (".NET 框架", "dotnet"), ("ｃ＋＋ 语言", "cpp")],
)
def test_the_language_article_comes_first(index, query, first):
    assert keys(index.search(query))[0] == first


@pytest.mark.parametrize(
    "query, found",
    [("C", {"c"}), ("R", {"r"}), ("C++", {"cpp"}), ("C#", {"cpp", "csharp"}), ("F#", {"fsharp"}), ("Go", {"go"}),
     (".NET", {"dotnet"}), ("net", {"dotnet", "nettools"})],
)
def test_a_language_name_finds_its_articles_only(index, query, found):
    """The c of c++, c# and main.c is not the C language, .NET is not the net of net-tools."""
    assert set(keys(index.search(query))) == found


def test_a_language_letter_and_yuyan_are_the_name_of_the_language(make_index):
    """``R 语言`` finds the articles naming the R language, not one with the
    letter and the word apart (which the word alone ranks first)."""
    import search

    articles = [
        article("named", "统计", "R 语言适合统计分析。"),
        article("apart", "语言 语言 r", "文件名 x.r 和 R 无关，这里谈的是语言。"),
    ] + [article(f"other{n}", f"笔记{n}", "今天写了一些别的事情。") for n in range(8)]
    with search.open_index(make_index(articles), warm=False) as index:
        assert keys(index.search("R 语言")) == keys(index.search("r语言")) == ["named"]
        assert keys(index.search("语言"))[0] == "apart"
        assert keys(index.search("R 无关"))[0] == "apart"  # only 语言 makes a language name


@pytest.mark.parametrize(
    "query, words",
    [("C 语言 指针", [("c 语言", True), ("指针", False)]), ("学习 r语言", [("学习", False), ("r语言", True)]),
     ("C 指针", [("c", False), ("指针", False)]), ("-\"C\" 语言", [("c", True), ("语言", False)]),
     ('"C" 语言', [("c", True), ("语言", False)]), ("C OR 语言", [("c", False), ("语言", False)])],
)
def test_a_language_name_is_one_phrase_of_the_query(query, words):
    assert [(w.text, w.phrase) for c in parse(query).clauses for w in c.words] == words


def test_the_phrase_boosts_of_a_query():
    assert parse("学习 R 编程").phrase_boosts() == [("学习", "r"), ("r", "编程")]
    assert parse("学习 R 语言").phrase_boosts() == []  # the name is a phrase of its own
    assert parse("usr/bin 文件").phrase_boosts() == [("usr", "bin")]
    assert parse('"R" 语言').phrase_boosts() == [] and parse("Python 语言").phrase_boosts() == []


def test_a_language_name_is_highlighted_as_written(index):
    assert "<mark>.NET</mark>" in index.search(".NET").hits[0].snippet_html
    assert "<mark>C#</mark>" in index.search("C# 教程").hits[0].snippet_html


def test_a_dotted_name_is_one_term_with_its_part():
    assert analyze(".NET 框架") == (".net", "框架")
    assert analyze("ASP.NET") == ("asp.net",)
    assert analyze("~/.bashrc") == (".bashrc",)


@pytest.mark.parametrize(
    "query, ignored",
    [("的", ["的"]), ("的 了", ["的", "了"]), ("怎么 的 吗", ["怎么", "的", "吗"]), ("a", ["a"]), ("x y", ["x", "y"]),
     ("的了", ["的", "了"]), ("a 的 !!", ["a", "的"]), ("的 了 的 A", ["的", "了", "a"]), ("怎么 OR 如何", ["怎么", "如何"])],
)
def test_a_query_of_only_stop_words_gets_a_notice_not_every_article(index, query, ignored):
    results = index.search(query)
    assert (results.total, results.hits, results.notice, results.ignored) == (0, [], ONLY_STOP_WORDS, ignored)


@pytest.mark.parametrize("query, ignored", [("!!!", ["!!!"]), ("안녕하세요", ["안녕하세요"]), ("😀 ~~", ["😀", "~~"])])
def test_a_query_with_nothing_searchable_gets_a_notice_not_every_article(index, query, ignored):
    results = index.search(query)
    assert (results.total, results.hits, results.notice, results.ignored) == (0, [], UNSEARCHABLE, ignored)
    assert index.search(query + " 语言").notice is None and index.search(query + " 语言").total > 0
    assert index.search(query, tags=["编程"]).notice is None  # with a filter it is a query


@pytest.mark.parametrize("query", ["c", "r", "C 的", "语言 的", '"的"', "tag:编程", "的 tag:编程", "的 -语言", "x 语言"])
def test_other_queries_get_no_notice(index, query):
    results = index.search(query)
    assert results.notice is None and results.ignored == []
    assert results.total > 0


def test_filters_alone_are_a_query(index):
    assert set(keys(index.search("tag:编程"))) == {"c", "cpp"}
    assert set(keys(index.search("a", tags=["编程"]))) == {"c", "cpp"}
