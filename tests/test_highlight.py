"""Snippets and titles: whole words marked, everything else escaped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search import highlight
from search.analysis import LATIN_WORD, analyze
from search.highlight import (
    MAX_MATCHES,
    MAX_ROUNDS,
    MAX_RUN_BEFORE,
    MAX_RUNS,
    Terms,
    _is_match,
    _merge,
    _runs_holding,
    find_matches,
    highlight_title,
    snippet,
)


def terms(*words: str) -> Terms:
    return Terms.of([t for w in words for t in analyze(w)], [w for w in words if not w.isascii()])


def test_english_match_is_widened_to_the_whole_word():
    html = snippet("We run containers on Kubernetes.", terms("container"))
    assert "<mark>containers</mark>" in html
    assert "<mark>container</mark>s" not in html


def test_chinese_match_is_widened_to_the_jieba_word():
    html = snippet("新的任务先进入待处理器，再分发。", terms("处理"))
    assert "<mark>" in html
    marked = html.split("<mark>")[1].split("</mark>")[0]
    assert "处理" in marked and len(marked) > 2


def test_markup_in_text_and_title_is_escaped():
    html = snippet('容器里有 <script>alert("x")</script> 代码。', terms("容器"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>容器</mark>" in html
    assert highlight_title("<b>容器</b> & 编排", terms("容器")) == "&lt;b&gt;<mark>容器</mark>&lt;/b&gt; &amp; 编排"


def test_snippet_is_cut_at_a_sentence_boundary_near_the_match():
    filler = "这是一段与主题无关的文字。" * 30
    text = filler + "这里讲到了容器编排的核心概念。" + filler
    html = snippet(text, terms("容器编排"))
    plain = html.replace("<mark>", "").replace("</mark>", "")
    assert plain.startswith("这里讲到了")
    assert len(plain) <= 170
    assert plain.rstrip("…").endswith("。")


def test_two_fragments_for_words_in_different_sentences():
    filler = "这是一段与主题无关的文字。" * 30
    text = "内核很重要。" + filler + "调度器也很重要。" + filler
    html = snippet(text, terms("内核", "调度器"))
    assert html.count("<mark>") == 2
    assert " … " in html


def test_no_match_gives_the_start_of_the_fallback():
    assert snippet("正文。", terms("火星"), fallback="摘要 <i>") == "摘要 &lt;i&gt;"


def test_full_width_text_is_matched_and_shown_as_written():
    html = snippet("我们用 ＤＯＣＫＥＲ 部署。", terms("docker"))
    assert "<mark>ＤＯＣＫＥＲ</mark>" in html


RUBY = "这就是<ruby>中间人攻击<rt>man-in-the-middle</rt></ruby>（MITM），当 a < b 时<ruby>栈中内联<..."


def test_summary_tags_are_stripped_and_the_rest_escaped(make_index):
    from helpers import article

    import search

    item = article("r", "网络安全", "正文讲加密。", summary=RUBY)
    with search.open_index(make_index([item]), warm=False) as index:
        for query in ("中间人攻击", "网络安全"):  # a match in the summary; in the title only (the summary leads)
            html = index.search(query).hits[0].snippet_html
            assert "ruby" not in html and "&lt;rt" not in html and "&lt;.." not in html
            assert "a &lt; b" in html
        assert "<mark>中间人攻击</mark> man-in-the-middle" in index.search("中间人攻击").hits[0].snippet_html


def plain(html: str) -> str:
    return html.replace("<mark>", "").replace("</mark>", "")


def test_an_excerpt_that_opens_the_body_is_not_quoted_twice():
    summary = "新版内核修复了四个安全漏洞。用户应当尽快升级。"
    body = summary + "升级之后需要重启才能使用新的内核。旧版本将不再维护。"
    html = snippet(f"{summary}\n{body}", terms("内核"), summary)
    text = plain(html)
    assert text.count("修复了四个安全漏洞") == 1
    assert text.count("用户应当尽快升级") == 1
    assert "升级之后需要重启" in text  # the body goes on after the excerpt


def test_an_excerpt_cut_short_gives_way_to_the_whole_sentence():
    summary = "内核开发者发布了补丁，修复了调度器在多核机器上的..."
    body = "内核开发者发布了补丁，修复了调度器在多核机器上的一个竞争条件。测试表明性能没有下降。"
    text = plain(snippet(f"{summary}\n{body}", terms("内核"), summary))
    assert text.count("内核开发者发布了补丁") == 1
    assert "竞争条件。" in text


def test_a_repeated_sentence_is_left_out_wherever_the_choice_falls():
    """The sentence with the most matched words gives way to its later copy
    (and the fill after it to the copy's); a fill stops before a sentence
    that occurs again; and when the matches kept (MAX_MATCHES) are all in
    repeated sentences, they are shown anyway."""
    best = "内核的调度器和容器编排都写在这一句里。"
    text = best + "只讲内核的一句话。" + "没有关键词的句子。" * 3 + best
    shown = plain(snippet(text, terms("内核", "调度器", "容器")))
    assert shown == best  # the last copy, not the first and what follows it
    repeat = "重复出现的一句话就是这一句。"
    shown = plain(snippet("内核在这里出现了。" + repeat + "后面还有别的句子。" + repeat, terms("内核")))
    assert shown == "内核在这里出现了。"
    html = snippet("内核出现在这一句话里。" * (MAX_MATCHES + 50), terms("内核"))
    assert plain(html).startswith("内核出现在这一句话里。") and "<mark>内核</mark>" in html


def test_a_text_copied_twice_takes_a_bounded_number_of_choices(monkeypatch):
    """When every matched sentence occurs again (an article pasted twice),
    the choice is not made again once per repeated sentence: after
    MAX_ROUNDS choices every sentence near a match is asked at once.  The
    snippet is the second copy's, as if the first were not there."""
    choices = []
    choose = highlight._Fragments._choose
    monkeypatch.setattr(highlight._Fragments, "_choose", lambda self, *args: choices.append(1) or choose(self, *args))
    copy = "".join(f"第{i}句讲 docker 容器的用法，编号{i}。" for i in range(500))
    latin = Terms(frozenset(), frozenset({"docker"}))
    html = snippet(copy * 2, latin)
    assert len(choices) <= MAX_ROUNDS + 2
    assert html == snippet(copy, latin)


def test_a_snippet_ends_in_one_ellipsis():
    summary = "这篇文章介绍内核的配置选项，以及如何在编译之前用菜单界面逐项选择它们，并保存为..."
    body = "完全不同的正文，讲的是别的事情。" * 20
    text = plain(snippet(f"{summary}\n{body}", terms("内核"), summary))
    assert text.endswith("保存为...")
    assert "...…" not in text and "……" not in text
    filler = "这是一段与主题无关的文字，" * 20
    cut = plain(snippet("内核" + filler + "。", terms("内核")))
    assert cut.endswith("…") and not cut.endswith("……")  # cut mid-sentence: one ellipsis is added


def test_sentences_are_runs_up_to_and_with_their_ends():
    """_sentences (numpy) cuts like the regular expression it replaced: a
    run of other characters, then the sentence ends after it."""
    import re

    from search.highlight import _SENTENCE_END, _sentences

    sentence = re.compile(f"[^{_SENTENCE_END}]*(?:[{_SENTENCE_END}]+|$)")
    for text in ["", "无标点", "。", "一。二！？三", "。开头\n\n中间；；结尾", "emoji 😀。后面 𠀀 字！", "a?b!c;d\n"]:
        expected = [m.span() for m in sentence.finditer(text) if m.end() > m.start()]
        assert list(zip(*_sentences(text))) == expected, text


def test_snippet_is_the_same_in_every_process(tmp_path):
    """More matches than MAX_MATCHES: which ones are kept must not depend on
    the set order of the query's terms, which changes with the hash seed
    between processes (two web workers gave two snippets)."""
    import os
    import subprocess
    import sys

    script = tmp_path / "snippet.py"
    script.write_text(
        "from search.highlight import Terms, snippet\n"
        "text = ''.join(f'第{i}段讲容器，也讲内核，还讲调度器和编排。' for i in range(150))\n"
        "print(snippet(text, Terms.of(['容器', '内核', '调度器', '编排', '调度'])))\n",
        encoding="utf-8",
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": root}
        outputs.add(subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(outputs) == 1


_PIECES = ["-".join(["ab"] * 40) + "-git", "git", "github", "gits", "git's", "co-git", "git-lfs", "x.git", ".git", "git.", "c++", "c#", "c", ".net",
           "docker-compose", "dockers", "dockerfile", "node.js", "abilities", "ability", "é", "_", "-", "'", ".", "+",
           "#", " ", "容器", "。", "\n", "1.2", "a1"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(1, 3 * MAX_RUNS),
       st.sets(st.sampled_from(["git", "docker", "c++", "c", "net", "abil", "node.j", "lf", "x", "gits", "dockers",
                                "git's", "docker-compose", "node.js"]), min_size=1))
def test_latin_matches_are_the_words_of_the_whole_text(pieces, repeat, latin):
    """Latin matches are found by searching for the parts that are or stem
    to a term, and the terms with other characters, and reading the runs
    around them (or all the text past MAX_RUNS runs): the same spans as
    reading every word of the text.  Terms that are words but not their
    own stems (gits) and terms with dots, dashes or an apostrophe are
    among those asked for."""
    norm = "".join(pieces) + " git 容器" * (repeat if repeat > MAX_RUNS else 0)
    expected = [m.span() for m in LATIN_WORD.finditer(norm) if _is_match(m.group(), frozenset(latin))]
    found = find_matches(norm, Terms(frozenset(), frozenset(latin)))
    assert found == _merge(expected)



def test_runs_are_looked_for_only_while_few_and_short():
    """The start of a run of Latin characters is found a character at a
    time: past MAX_RUN_BEFORE characters before a find, or past MAX_RUNS
    runs, all the text is read instead (linear time for any input)."""
    assert _runs_holding("用 docker-compose 和 docker", {"docker"}) == [(2, 16), (19, 25)]
    assert _runs_holding("a-" * MAX_RUN_BEFORE + "docker", {"docker"}) is None
    assert _runs_holding(" docker" * (MAX_RUNS + 1), {"docker"}) is None


# snippets a reader can use: body sentences before alt texts, nothing twice, one ellipsis between fragments

ARTICLE_MD = (
    "![在树莓派上部署 Kubernetes](/img/k8s-pi.png \"在树莓派上部署 Kubernetes\")\n\n"
    "这篇文章讲怎样把一个小集群搭起来。我们先准备三块板子，再装系统。\n\n"
    "接下来安装 Kubernetes 的组件，并把节点加入集群。\n"
)


def test_a_body_sentence_is_shown_before_an_alt_text(make_index):
    from helpers import article

    import search
    from search.markdown_text import markdown_to_text

    pi = article("pi", "在树莓派上部署 Kubernetes", markdown_to_text(ARTICLE_MD), markdown=ARTICLE_MD)
    alt_only = "![Kubernetes 集群示意图](/img/a.png)\n\n正文只讲别的事情，没有提到那个词。\n"
    other = article("alt", "示意图", markdown_to_text(alt_only), markdown=alt_only)
    with search.open_index(make_index([pi, other]), warm=False) as index:
        hits = {hit.key: hit.snippet_html for hit in index.search("Kubernetes")}
    assert "安装 <mark>Kubernetes</mark> 的组件" in hits["pi"]
    assert "树莓派上部署" not in hits["pi"]  # the alt text (and title) are not quoted
    assert hits["alt"].count("<mark>Kubernetes</mark> 集群示意图") == 1  # the only match: shown, once


def test_an_image_title_equal_to_its_alt_text_is_one_text():
    from search.markdown_text import markdown_to_text

    assert markdown_to_text('![树莓派集群](/a.png "树莓派集群")') == "树莓派集群"
    assert markdown_to_text('看[文档](https://x.org "文档")。') == "看文档。"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["容器", "镜像", "其他", "很长的一段说明文字", "，", "。", "\n"]), min_size=20, max_size=200),
       st.sampled_from(["容器", "镜像", "容器 镜像"]))
def test_fragments_are_joined_by_one_ellipsis(pieces, query):
    html = snippet("".join(pieces), terms(*query.split()))
    assert "… …" not in html and "……" not in html
    assert html.count("…") <= 3  # at most: before the first fragment, between, after the last
