"""markdown_to_text: what is indexed and quoted from an article's Markdown."""

from __future__ import annotations

import pytest

from search.markdown_text import markdown_to_text


@pytest.mark.parametrize(
    "markdown, text",
    [
        ("# 一级标题 #\n\n## 二级标题", "一级标题\n\n二级标题"),
        ("标题\n===\n\n副标题\n---\n\n正文", "标题\n\n副标题\n\n正文"),
        ("**粗体**、*斜体*、_下划线_、~~删除线~~", "粗体、斜体、下划线、删除线"),
        ("> 引用的话\n> > 嵌套引用", "引用的话\n嵌套引用"),
        ("1. 第一步\n2) 第二步\n* 星号项\n- 减号项\n+ 加号项", "第一步\n第二步\n星号项\n减号项\n加号项"),
        ("参见[官方文档](https://example.com/doc \"标题\")。", "参见官方文档 标题。"),
        ("参见[文档](https://example.com/doc '另一个标题')。", "参见文档 另一个标题。"),
        ("见[资料][2]。\n\n[2]: https://example.com/ref \"定义的标题\"", "见资料。\n\n定义的标题"),
        ("正文[^1]继续。\n\n[^1]: 脚注的文字也要索引。", "正文继续。\n\n脚注的文字也要索引。"),
        ("![Linux 内核编译时间](/img/a.png \"图的标题\")后", "Linux 内核编译时间 图的标题 后"),
        ("![替代文字][4]后\n\n[4]: /img/b.png", "替代文字 后"),
        ("见[参考资料][1]。\n\n[1]: https://example.com/ref", "见参考资料。"),
        ("![架构图](/img/arch.png)之后的文字", "架构图 之后的文字"),
        ("[![徽章](badge.svg)](https://ci.example.com)构建状态", "徽章 构建状态"),
        ("访问 https://linux.cn/article-1.html 获取", "访问 获取"),
        ("地址<https://example.org/a>结束", "地址 结束"),
        ("网址 www.example.com/path 结束", "网址 结束"),
        ("链接（https://example.com/中文）后", "链接（ ）后"),
        ('<div class="note">提示内容</div><br/>', "提示内容"),
        ("前<!-- 注释\n跨行 -->后", "前 后"),
        ("&lt;tag&gt; &amp; a&nbsp;b", "<tag> & a b"),
        ("运行 `uname -r` 查看", "运行 uname -r 查看"),
        ("```bash\nls -la | grep md\n```", "ls -la grep md"),
        ("| 命令 | 说明 |\n|:---|---:|\n| ls | 列出 |", "命令 说明\n\nls 列出"),
        ("C++ 与 C# 以及 node.js 和 snake_case", "C++ 与 C# 以及 node.js 和 snake_case"),
        ("邮件 admin@example.com 联系", "邮件 admin@example.com 联系"),
        ("", ""),
    ],
)
def test_markup_removed_words_kept(markdown, text):
    assert _lines(markdown_to_text(markdown)) == _lines(text)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n")]


def test_unclosed_comment_is_kept_as_text():
    assert markdown_to_text("可见<!-- 未闭合") == "可见<!-- 未闭合"


def test_blank_lines_collapse():
    assert markdown_to_text("一\n\n\n\n二\n \n\t\n三") == "一\n\n二\n\n三"


@pytest.mark.parametrize(
    "hostile, expected",
    [
        ("[" * 200_000, "[" * 200_000),  # no link: kept as text
        ("![" * 100_000, "![" * 100_000),
        ("[a](" * 200_000, "[a](" * 200_000),
        ("<!--" * 100_000, "<!--" * 100_000),  # unclosed comments are text
        ("<a " * 200_000, ("<a " * 200_000).strip()),  # no tag end: text
        ("# a" + " " * 200_000 + "x", "a x"),
        ("*_" * 200_000, "*" * 199_999),
    ],
)
def test_hostile_input_is_linear(hostile, expected):
    # Every pattern's bracketed parts have bounded lengths, so these inputs
    # cost milliseconds (quadratic patterns would take minutes), and each
    # comes out as the text it is, markup removed where there is markup.
    assert markdown_to_text(hostile) == expected
