"""The article page: rendered and sanitised Markdown, metadata, query marking."""

from __future__ import annotations

import re

import pytest
from helpers import article
from webdata import make_app

from search import mark_query_html
from web.render import render_markdown


def body_of(html: str) -> str:
    return html[html.index('<div class="article-body"') : html.index("</article>")]


def test_article_renders_markdown(client):
    html = client.get("/article/101").get_data(as_text=True)
    body = body_of(html)
    assert "<h2>什么是容器编排</h2>" in body
    assert "<strong>容器编排</strong>" in body
    assert "<td>kubelet</td>" in body
    assert "<code>kubectl get pods\n</code>" in body
    assert '<img src="/data/attachment/k8s.png" alt="示意图" loading="lazy">' in body  # no ASSET_BASE_URL: kept


def test_article_metadata_and_tag_links(client):
    html = client.get("/article/101").get_data(as_text=True)
    assert '<h1 class="article-title">容器编排入门：Kubernetes 基础</h1>' in html
    assert '<time datetime="2019-03-01">2019-03-01</time>' in html
    assert "作者：小王" in html and "译者：小李" in html and "阅读 500" in html
    assert '<a class="tag" href="/?tag=Kubernetes">#Kubernetes</a>' in html
    assert '<a class="category" href="/?category=%E6%8A%80%E6%9C%AF">技术</a>' in html


def test_related_articles_are_listed(client):
    html = client.get("/article/101").get_data(as_text=True)
    related = html[html.index('<aside class="related"') :]
    assert re.search(r'<a href="/article/(?!101")\d+">', related)


def test_query_words_are_marked_in_text_only(client):
    html = client.get("/article/101?q=容器编排").get_data(as_text=True)
    assert '<h1 class="article-title"><mark>容器编排</mark>入门' in html
    body = body_of(html)
    assert "<strong><mark>容器编排</mark></strong>" in body
    assert "调度<mark>容器</mark>" in body
    assert 'alt="示意图"' in body  # attributes untouched
    assert "返回“容器编排”的搜索结果" in html


def test_hostile_article_is_sanitised(client):
    html = client.get("/article/106").get_data(as_text=True)
    assert "<script>" not in html.replace('<script src="/static/app.js" defer></script>', "")
    tags = re.findall(r"<[^>]+>", html)
    assert not [tag for tag in tags if "onerror" in tag or "javascript:" in tag]
    assert "[点我](javascript:alert('链接'))" in html  # an unsafe link stays text
    assert "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;安全测试" in html
    body = body_of(html)
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in body
    assert "onerror=alert(2)" in body  # as text


def test_unknown_article_is_404(client):
    response = client.get("/article/nope")
    assert response.status_code == 404
    assert "找不到编号为 nope 的文章" in response.get_data(as_text=True)


def test_render_keeps_links_drops_javascript():
    html = render_markdown('[好](https://example.org/a) [坏](javascript:alert(1)) <a href="javascript:x()">坏2</a>')
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">好</a>' in html
    assert "href=\"javascript" not in html
    assert '<a rel="noopener noreferrer nofollow">坏2</a>' in html


def test_mark_html_keeps_escaping_and_attributes():
    html = mark_query_html('<p title="链接">链接 a&amp;b &lt;链接&gt; shell</p>', "链接 Shell")
    assert html == '<p title="链接"><mark>链接</mark> a&amp;b &lt;<mark>链接</mark>&gt; <mark>shell</mark></p>'


def test_marking_follows_the_query_grammar():
    html = mark_query_html("<p>开源 社区 内核 容器 Python and not</p>", '"开源 社区" -内核 OR tag:容器 Python and not')
    assert html == "<p><mark>开源 社区</mark> 内核 容器 <mark>Python</mark> <mark>and</mark> <mark>not</mark></p>"


def test_an_excluded_phrase_is_not_marked():
    assert mark_query_html("<p>付费课程与免费课程</p>", '课堂 -"付费 课程"') == "<p>付费课程与免费课程</p>"


def test_latin_terms_mark_whole_words_case_insensitively():
    html = mark_query_html("<p>Containers and xcontainer</p>", "container")
    assert html == "<p><mark>Containers</mark> and xcontainer</p>"


NOTES = article(
    "301", "脚注与强调", "请注意：本文的例子都在 Debian 上验证过。",
    markdown="*请注意：*本文的例子都在 Debian 上验证过[^1]。\n\n**为什么？**因为它稳定[^why]。\n\n"
    "![截图](/data/attachment/shot.png) [上一篇](/article-300-1.html) [外链](https://example.org/x)\n\n"
    "[^1]: 版本是 12，代号 *bookworm*。\n[^why]: 见发布说明。\n",
    url="/article-301-1.html", date="2023-06-10",
)


@pytest.fixture
def notes_index(make_index):
    return make_index([NOTES])


def article_html(index_dir, **config) -> str:
    app = make_app(index_dir, **config)
    try:
        response = app.test_client().get("/article/301")
        assert response.status_code == 200
        return response.get_data(as_text=True)
    finally:
        app.extensions["zhsearch"].close()


def test_emphasis_and_footnotes_on_the_article_page(notes_index):
    body = body_of(article_html(notes_index))
    assert "<em>请注意：</em>本文" in body and "*" not in body
    assert "<strong>为什么？</strong>因为" in body
    assert re.search(r'<sup class="footnote-ref"><a href="#fn1" id="fnref1"[^>]*>\[1\]</a></sup>', body)
    assert re.search(r'<li id="fn2" class="footnote-item"><p>见发布说明。 <a href="#fnref2" class="footnote-backref"', body)
    assert "[^" not in body
    assert "代号 <em>bookworm</em>" in body


def test_site_relative_urls_stay_relative_without_asset_base_url(notes_index):
    html = article_html(notes_index)
    body = body_of(html)
    assert '<img src="/data/attachment/shot.png"' in body
    assert '<a href="/article-300-1.html"' in body
    assert '<a href="https://example.org/x"' in body
    assert "原文链接" not in html  # a site-relative permalink would point into this site


def test_asset_base_url_makes_them_absolute(notes_index):
    html = article_html(notes_index, ASSET_BASE_URL="https://linux.cn")
    body = body_of(html)
    assert '<img src="https://linux.cn/data/attachment/shot.png"' in body
    assert '<a href="https://linux.cn/article-300-1.html"' in body
    assert '<a href="https://example.org/x"' in body
    assert '<a href="#fn1" id="fnref1"' in body  # fragments untouched
    assert '<a href="https://linux.cn/article-301-1.html" rel="noopener noreferrer">原文链接</a>' in html


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("*请注意：*本文", "<em>请注意：</em>本文"),
        ("**该星号不会被识别，而是直接显示。**这是因为", "<strong>该星号不会被识别，而是直接显示。</strong>这是因为"),
        ("这是**「重点」**内容", "这是<strong>「重点」</strong>内容"),
        ("价格是**100元（含税）**左右", "价格是<strong>100元（含税）</strong>左右"),
        ("~~旧说法。~~新说法", "<s>旧说法。</s>新说法"),
        # CommonMark as it is wherever no CJK character is involved
        ("a * b * c", "a * b * c"),
        ("snake_case_name and *em*", "snake_case_name and <em>em</em>"),
        ("**bold.**next", "**bold.**next"),
        ("中_文_字", "中_文_字"),  # intraword _ stays literal
        ("`*代码：*不变`", "<code>*代码：*不变</code>"),
    ],
)
def test_emphasis_next_to_cjk_punctuation(markdown, html):
    assert render_markdown(markdown) == f"<p>{html}</p>\n"


def test_article_html_cannot_take_the_page_ids_or_classes():
    html = render_markdown('<p id="q" class="hit">文字</p><a id="fn1" class="footnote-ref x" href="#a">链接</a>')
    assert html.startswith("<p>文字</p>")
    assert '<a id="fn1" ' in html  # a footnote-like id is harmless
    assert "class=" not in html
