"""The query language: parsing, and the filters it gives on a small index."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers import article

from search.limits import LIMITS
from search.query import Filter, Word, date_range, parse


def test_words_phrases_exclusions_and_or():
    parsed = parse('容器 "开源 软件" -广告 -"付费 课程" Linux OR 内核')
    assert [c.words for c in parsed.positive] == [
        [Word("容器")],
        [Word("开源 软件", phrase=True)],
        [Word("linux"), Word("内核")],
    ]
    assert [c.words for c in parsed.negative] == [[Word("广告")], [Word("付费 课程", phrase=True)]]


def test_field_filters_with_chinese_values():
    parsed = parse("tag:容器 Category:技术 author:老王 year:2019 -tag:广告 编排")
    assert parsed.filters == [
        Filter("tag", "容器"),
        Filter("category", "技术"),
        Filter("author", "老王"),
        Filter("date", (datetime(2019, 1, 1), datetime(2020, 1, 1))),
        Filter("tag", "广告", negated=True),
    ]
    assert [c.words for c in parsed.positive] == [[Word("编排")]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019-01..2019-06", (datetime(2019, 1, 1), datetime(2019, 7, 1))),
        ("2019..2020", (datetime(2019, 1, 1), datetime(2021, 1, 1))),
        ("2019-03-01..", (datetime(2019, 3, 1), None)),
        ("..2018", (None, datetime(2019, 1, 1))),
        ("2019-12", (datetime(2019, 12, 1), datetime(2020, 1, 1))),
        ("2019-02-30", None),
        ("..", None),
        ("soon", None),
    ],
)
def test_date_ranges(text, expected):
    assert date_range(text) == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ('"容器 编排', ["容器", "编排"]),  # unbalanced quote: plain words
        ("OR 容器 OR", ["容器"]),  # a stray OR is dropped
        ("- 容器", ["-", "容器"]),  # a lone dash is kept as text (it analyses to nothing)
        ("year:abc", ["year:abc"]),  # a filter with a bad value is text
        ("容器\x00\x1b编排", ["容器", "编排"]),  # control characters separate words
        ("ＬＩＮＵＸ", ["linux"]),  # full-width letters are folded
    ],
)
def test_malformed_input_is_searched_as_text(text, words):
    assert [w.text for w in parse(text).words()] == words


def test_words_after_the_limit_are_ignored():
    parsed = parse("容器 " * 5000)
    assert len(parsed.words()) == LIMITS.max_words


ARTICLES = [
    article("a", "容器编排实践", "讲解容器编排与调度。", tags=["容器", "Kubernetes"], category="技术",
            author="老王", date="2019-03-05"),
    article("b", "开源软件的许可证", "开源软件有很多许可证，开源 软件社区很活跃。", tags=["开源"], category="观点",
            author="小李", date="2019-11-20"),
    article("c", "容器安全与广告", "容器镜像里不该有广告。", tags=["容器", "安全"], category="技术",
            author="小李", date="2020-06-01"),
    article("d", "内核调度器", "Linux 内核的调度器。", tags=["Linux"], category="技术", author="老王",
            date="2021-02-02"),
]


def found(index, text, **params):
    return sorted(hit.key for hit in index.search(text, per_page=50, **params))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("容器", ["a", "c"]),
        ("容器 -广告", ["a"]),
        ('容器 -"镜像里"', ["a"]),
        ('"开源软件"', ["b"]),
        ("调度 OR 许可证", ["a", "b", "d"]),
        ("tag:容器", ["a", "c"]),
        ("tag:kubernetes 容器", ["a"]),
        ("category:技术 -tag:容器", ["d"]),
        ("CATEGORY:技术 author:老王", ["a", "d"]),
        ("author:小李", ["b", "c"]),
        ("year:2019", ["a", "b"]),
        ("date:2019-06..2020-06", ["b", "c"]),
        ("date:2020..", ["c", "d"]),
        ("容器 date:..2019", ["a"]),
        ("category:技术 容器 year:2020", ["c"]),
    ],
)
def test_query_language_on_an_index(index, text, expected):
    assert found(index, text) == expected


def test_phrase_needs_consecutive_words(index):
    # 调度 and 容器 both occur in a, but not as the phrase 调度容器
    assert found(index, '"调度 容器"') == []


@pytest.mark.parametrize("text, searched, excluded", [
    ("rpm -ql dpkg -L", ["rpm", "ql", "dpkg", "l"], []),
    ("ls --all -广告", ["ls", "-all"], ["广告"]),
    ("docker -kubernetes -k8", ["docker", "k8"], ["kubernetes"]),
])
def test_a_dash_before_a_short_latin_word_is_an_option_not_an_exclusion(text, searched, excluded):
    parsed = parse(text)
    assert [w.text for w in parsed.words()] == searched
    assert [w.text for c in parsed.negative for w in c.words] == excluded


def test_typed_words_know_where_they_were_typed():
    text = 'tag:Vim 容器 -备份 "a phrase" year:2019 OR vimm'
    spans = [w.span for w in parse(text).typed_words()]
    assert [text[s:e] for s, e in spans] == ["容器", "备份", "a phrase", "vimm"]


def test_a_word_carries_its_terms():
    parsed = parse('容器编排 "Node.js 开发" -广告 -容器编排')
    assert [w.terms for w in parsed.words()] == [("容器",), ("编排",), ("node.js", "开发")]
    assert [w.terms for c in parsed.negative for w in c.words] == [("广告",), ("容器", "编排")]


def test_an_unspaced_run_is_searched_as_its_words_and_kept_for_spelling():
    text = "linux怎么查 容器编排 docker-compose"
    parsed = parse(text)
    assert [[w.text for w in c.words] for c in parsed.clauses] == [
        ["linux"], ["怎么"], ["查"], ["容器"], ["编排"], ["docker-compose"]]
    assert [text[slice(*w.span)] for w in parsed.words()] == ["linux", "怎么", "查", "容器", "编排", "docker-compose"]
    assert [r.text for r in parsed.runs] == ["linux怎么查", "容器编排"]
    assert [text[slice(*w.span)] for w in parsed.typed_words()] == ["linux怎么查", "容器编排", "docker-compose"]


def test_english_function_words_are_stop_words_like_chinese_ones():
    words = parse("fish or zsh which is better for beginners").words()
    assert [w.text for w in words if w.stop] == ["or", "which", "is", "for"]


def test_a_word_jieba_glues_of_function_words_is_split_into_them():
    words = parse("在终端里用谷歌搜索").words()
    assert [(w.text, w.stop) for w in words] == [("在", True), ("终端", False), ("里", True), ("用", True),
                                                ("谷歌", False), ("搜索", False)]
