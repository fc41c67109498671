"""The article page: rendered and sanitised Markdown, metadata, query marking."""

from __future__ import annotations

import re

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
    assert '<img src="https://linux.cn/data/attachment/k8s.png" alt="示意图" loading="lazy">' in body


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
