"""The search page: escaping, security headers, the no-JS form, facets, errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from webdata import ARTICLES, having, make_app


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def hit_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="hit-title"><a href="([^"]+)"', html)


def test_home_page_has_search_form(client):
    html = page(client, "/")
    assert '<form class="search-form" action="/" method="get" role="search">' in html
    assert 'name="q"' in html
    assert f"{len(ARTICLES)} 篇文章" in html
    tagged = sum("容器" in a.tags for a in ARTICLES)
    assert re.search(rf'<a class="chip" href="/\?tag=%E5%AE%B9%E5%99%A8"><span class="facet-value">容器</span><span class="count">{tagged}</span>', html)
    latest = html[html.index('id="latest"') :]
    assert latest.index("/article/106") < latest.index("/article/104")  # newest first


def test_plain_form_submission_searches(client):
    html = page(client, "/?q=容器编排")
    assert hit_titles(html)[0] == "/article/101?q=%E5%AE%B9%E5%99%A8%E7%BC%96%E6%8E%92"
    assert "<mark>" in html
    either = {a.key for a in having("容器") + having("编排")}  # the union of partial matches
    assert re.search(rf'<strong class="total" id="total">{len(either)}</strong>', html)


def test_security_headers(client):
    response = client.get("/?q=容器")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_or_handlers(client):
    for url in ("/", "/?q=容器", "/article/101", "/article/106", "/nothing"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
        tags = re.findall(r"<[^>]+>", html)
        assert not [tag for tag in tags if re.search(r"\son[a-z]+=", tag)], url


def test_hostile_title_and_tags_are_escaped(client):
    html = page(client, "/?q=安全测试")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;" in html
    assert "#&lt;b&gt;粗体&lt;/b&gt;" in html


def test_hostile_query_is_escaped(client):
    html = page(client, "/?q=%3Cscript%3Ealert(1)%3C/script%3E%22onmouseover=%22x")
    assert "<script>alert(1)" not in html
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=&#34;x"' in html


def test_tag_facet_links_toggle_the_value(client):
    html = page(client, "/?q=容器")
    link = re.search(r'<a class="chip" href="([^"]+)"\s+data-facet="tag">\s*<span class="facet-value">Docker<', html)
    assert link, "no Docker facet link"
    url = link.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(url).query) == {"q": ["容器"], "tag": ["Docker"]}
    filtered = page(client, url)
    assert hit_titles(filtered) == ["/article/102?q=%E5%AE%B9%E5%99%A8"]
    selected = re.search(r'<a class="chip selected" href="([^"]+)"\s+aria-pressed="true" data-facet="tag">', filtered)
    assert parse_qs(urlsplit(selected.group(1).replace("&amp;", "&")).query) == {"q": ["容器"]}


def test_filters_are_kept_by_the_search_form(client):
    html = page(client, "/?q=容器&tag=Docker&category=技术&sort=date")
    form = html[html.index('<form class="search-form"') : html.index("</form>")]
    assert '<input type="hidden" name="tag" value="Docker">' in form
    assert '<input type="hidden" name="category" value="技术">' in form
    assert '<input type="hidden" name="sort" value="date">' in form


def test_sort_links_and_active_sort(client):
    html = page(client, "/?q=容器&sort=views")
    assert re.search(r'<a href="/\?q=%E5%AE%B9%E5%99%A8&amp;sort=date"\s*>最新</a>', html)
    assert re.search(r'class="active" aria-current="true">最多阅读</a>', html)


def test_pagination_links(client):
    html = page(client, "/?q=容器&per_page=5&page=2")
    assert '<span class="current" aria-current="page">2</span>' in html
    assert 'rel="prev" href="/?q=%E5%AE%B9%E5%99%A8&amp;per_page=5&amp;page=1"' in html
    assert 'rel="next" href="/?q=%E5%AE%B9%E5%99%A8&amp;per_page=5&amp;page=3"' in html


def test_year_facet_selects_a_year(client):
    html = page(client, "/?q=容器&from=2017&to=2017")
    in_2017 = [a for a in having("容器") if a.date.year == 2017]
    assert re.search(rf'<strong class="total" id="total">{len(in_2017)}</strong>', html)
    assert re.search(r'<a class="chip selected" href="/\?q=%E5%AE%B9%E5%99%A8">\s*<span class="facet-value">2017', html)


def test_empty_state(client):
    html = page(client, "/?q=容器&category=观点")
    assert 'id="empty"' in html
    assert "没有找到与“容器”相关的文章" in html
    assert '<a href="/?q=%E5%AE%B9%E5%99%A8">去掉所有筛选条件再搜索</a>' in html


def test_no_result_page_offers_popular_tags_and_recent_articles(client):
    html = page(client, "/?q=火星殖民")
    empty = html[html.index('id="empty"') :]
    tags = re.findall(r'<a class="chip" href="/\?tag=[^"]+"><span class="facet-value">([^<]+)</span><span class="count">(\d+)<', empty)
    assert tags[:2] == [("容器", "14"), ("笔记", "12")]  # the most used first, across the whole archive
    latest = re.findall(r'<a href="/article/(\d+)">', empty[empty.index('id="latest"') :])
    assert latest == ["106", "104", "105", "102", "101"]  # newest first


def test_result_pages_do_not_offer_them(client):
    assert 'id="popular-tags"' not in page(client, "/?q=容器")


def test_view_counts_are_shown_on_results(client):
    html = page(client, "/?q=Docker")
    first = html[html.index('<li class="hit">') :]
    first = first[: first.index("</li>")]
    assert '<span class="views">阅读 1200</span>' in first


def test_filters_sit_behind_a_button_before_the_results(client):
    html = page(client, "/?q=容器&tag=Docker&category=技术")
    filters = html.index('<details class="filters" id="filters">')
    assert filters < html.index('<section class="results"')
    assert re.search(r'<summary class="filters-button">筛选<span class="filters-count">2</span></summary>', html)
    assert filters < html.index('<aside class="facets"') < html.index("</details>", html.index('<aside class="facets"'))
    assert '<summary class="filters-button">筛选</summary>' in page(client, "/?q=容器")
    assert 'class="filters"' not in page(client, "/?q=火星殖民")  # nothing found: nothing to narrow


def test_page_past_the_end_links_back_to_page_one(client):
    html = page(client, "/?q=容器&page=9")
    pages = -(-len(having("容器")) // client.application.config["PER_PAGE"])
    assert f"第 9 页没有结果，共 {pages} 页" in html
    assert '<a href="/?q=%E5%AE%B9%E5%99%A8">回到第 1 页</a>' in html


def test_did_you_mean_links_to_the_corrected_search(client):
    html = page(client, "/?q=kubernetse&sort=date")
    assert 'id="empty"' in html
    assert '您是不是要找：<a href="/?q=kubernetes&amp;sort=date">kubernetes</a>' in html


def test_relaxed_words_are_reported(client):
    html = page(client, "/?q=容器 量子计算机")
    assert "并非每条结果都包含这些词：<del>量子</del>、<del>计算机</del>" in html


def test_a_query_of_only_stop_words_is_explained_in_chinese(client):
    html = page(client, "/?q=的 了")
    assert '<h2 id="stop-words">这些词太常见，无法搜索：的 了。请换个更具体的词。</h2>' in html
    assert "没有找到" not in html and '<li class="hit">' not in html
    assert 'id="stop-words"' not in page(client, "/?q=容器 的")
    html = page(client, "/?q=!!!")
    assert '<h2 id="unsearchable">无法按这些字符搜索：!!!。请输入中文、英文单词或数字。</h2>' in html
    assert '<li class="hit">' not in html


def test_bad_parameter_renders_chinese_error_page(client):
    response = client.get("/?q=容器&page=0")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请求参数有误" in html and "参数 page 的值无效：&#39;0&#39;" in html


def test_unknown_page_is_404_in_chinese(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_missing_index_page_is_503(tmp_path):
    app = make_app(tmp_path / "none")
    response = app.test_client().get("/?q=容器")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "索引不存在，请先运行 reindex" in html
    assert "<title>服务暂不可用" in html


def test_settings_come_from_the_environment(monkeypatch, web_index_dir):
    monkeypatch.setenv("ZHSEARCH_INDEX_DIR", str(web_index_dir))
    monkeypatch.setenv("ZHSEARCH_PER_PAGE", "3")
    from web import create_app

    app = create_app({"TESTING": True})
    assert app.config["INDEX_DIR"] == str(web_index_dir)
    assert app.config["PER_PAGE"] == 3
    data = app.test_client().get("/api/search?q=容器").get_json()
    assert len(data["hits"]) == 3
    app.extensions["zhsearch"].close()
