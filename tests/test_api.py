"""The JSON API: response shapes, the one error body, filters, sort and paging."""

from __future__ import annotations

import pytest
from helpers import article, write_index
from webdata import ARTICLES, build_web_index, having, make_app

ERROR_KEYS = {"error", "status"}


def search(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_search_shape(client):
    data = search(client, q="容器编排")
    assert set(data) == {
        "query", "total", "page", "per_page", "pages", "took_ms", "relaxed", "suggestion", "notice", "ignored", "hits",
        "facets",
    }
    assert (data["notice"], data["ignored"]) == (None, [])
    assert data["query"] == "容器编排"
    assert data["page"] == 1 and data["per_page"] == 10
    first = data["hits"][0]
    assert set(first) == {"id", "title", "title_html", "snippet_html", "url", "date", "category", "tags", "views", "score"}
    assert first["id"] == "101"
    assert first["url"] == "/article/101"
    assert first["date"] == "2019-03-01"
    assert first["category"] == "技术"
    assert first["tags"] == ["容器", "Kubernetes"]
    assert "<mark>" in first["title_html"]
    assert isinstance(first["score"], float)
    assert set(data["facets"]) >= {"tags", "category"}
    either = [a for a in ARTICLES if any(w in a.title + a.text for w in ("容器", "编排"))]  # partial matches too
    assert data["total"] == len(either)
    assert {"value": "技术", "count": sum(a.category == "技术" for a in either), "selected": False} in data["facets"]["category"]


def test_json_is_utf8_and_escapes_nothing_unsafely(client):
    response = client.get("/api/search", query_string={"q": "安全测试"})
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    hit = response.get_json()["hits"][0]
    assert hit["title"].startswith("<script>")
    assert "<script>" not in hit["title_html"]
    assert "&lt;script&gt;" in hit["title_html"]


def test_paging(client):
    first = search(client, q="容器", per_page=5)
    assert first["total"] == len(having("容器"))
    assert first["pages"] == -(-first["total"] // 5)
    second = search(client, q="容器", per_page=5, page=2)
    assert second["page"] == 2
    first_ids = {h["id"] for h in first["hits"]}
    second_ids = {h["id"] for h in second["hits"]}
    assert len(second_ids) == 5 and not first_ids & second_ids


def test_tag_filter_and_facet_selected(client):
    data = search(client, q="容器", tag="Docker")
    assert [h["id"] for h in data["hits"]] == ["102"]
    docker = next(f for f in data["facets"]["tags"] if f["value"] == "Docker")
    assert docker["selected"] is True


def test_two_tags_of_one_facet_combine_with_or(client):
    data = search(client, q="", tag=["Docker", "Kubernetes"])
    assert {h["id"] for h in data["hits"]} == {"101", "102"}


def test_category_filter(client):
    data = search(client, q="容器", category="笔记")
    assert data["total"] == len([a for a in having("容器") if a.category == "笔记"])
    assert all(h["category"] == "笔记" for h in data["hits"])


def test_date_range_filter(client):
    data = search(client, q="容器", **{"from": "2019", "to": "2020-06"})
    assert {h["id"] for h in data["hits"]} == {"101", "102"}


def test_sort_by_date_and_views(client):
    by_date = search(client, q="容器", sort="date")
    dates = [h["date"] for h in by_date["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert by_date["hits"][0]["id"] == "102"
    by_views = search(client, q="Linux", sort="views")
    assert [h["id"] for h in by_views["hits"]][:2] == ["105", "104"]
    views = [h["views"] for h in by_views["hits"]]
    known = {a.key: a.views or None for a in ARTICLES}
    assert views == [known[h["id"]] for h in by_views["hits"]]
    assert [v for v in views if v] == sorted((v for v in views if v), reverse=True)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": "容器", "page": "0"}, "page"),
        ({"q": "容器", "page": "abc"}, "page"),
        ({"q": "容器", "page": "1001"}, "page"),
        ({"q": "容器", "per_page": "51"}, "per_page"),
        ({"q": "容器", "sort": "random"}, "sort"),
        ({"q": "容器", "from": "2019-13-01"}, "from"),
        ({"q": "容器", "to": "yesterday"}, "to"),
        ({"q": "长" * 257}, "q"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client, params, parameter):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["status"] == 400
    assert body["error"].startswith(f"{parameter} must be")


def test_suggestion_for_a_misspelt_word(client):
    data = search(client, q="dockr")
    assert data["total"] == 0 and data["hits"] == []
    assert data["suggestion"] == "docker"


def test_relaxed_words_are_listed(client):
    data = search(client, q="容器 量子计算机")
    assert data["relaxed"] == ["量子", "计算机"]  # the words a hit of the page lacks
    assert data["total"] == len(having("容器"))


def test_a_query_of_only_stop_words_gets_a_notice(client):
    data = search(client, q="的 了 A")
    assert (data["total"], data["hits"]) == (0, [])
    assert (data["notice"], data["ignored"]) == ("only_stop_words", ["的", "了", "a"])
    filtered = search(client, q="的", tag="容器")  # with a filter it is a query
    assert filtered["notice"] is None and filtered["total"] > 0
    data = search(client, q="!!! 😀")
    assert (data["total"], data["notice"], data["ignored"]) == (0, "unsearchable", ["!!!", "😀"])


def test_malformed_free_text_is_searched_not_rejected(client):
    data = search(client, q='"容器 OR -')
    assert data["query"] == '"容器 OR -'
    assert data["total"] == len(having("容器")) and data["relaxed"] == []  # the quote, OR and dash are dropped


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/nothing-here", 404),
        ("get", "/api/article/999999", 404),
        ("post", "/api/search", 405),
        ("delete", "/api/suggest", 405),
    ],
)
def test_error_shape(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == status and body["error"]


def test_missing_index_answers_503_then_recovers(tmp_path):
    app = make_app(tmp_path / "not-yet")
    client = app.test_client()
    for path in ("/api/search?q=容器", "/api/suggest?q=容", "/api/article/101", "/healthz"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.get_json() == {"error": "索引不存在，请先运行 reindex", "status": 503}
    build_web_index(tmp_path / "not-yet")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "documents": len(ARTICLES)}
    app.extensions["zhsearch"].close()


def test_a_reindex_is_seen_without_restart(tmp_path):
    web_index_dir = build_web_index(tmp_path / "index")
    app = make_app(web_index_dir)
    client = app.test_client()
    assert search(client, q="量子计算机")["total"] == 0
    write_index(web_index_dir, [article("301", "量子计算机简史", "量子计算机的发展。")])
    assert [h["id"] for h in search(client, q="量子计算机")["hits"]] == ["301"]
    app.extensions["zhsearch"].close()


def test_suggest(client):
    data = client.get("/api/suggest", query_string={"q": "容器"}).get_json()
    assert data["query"] == "容器"
    assert data["suggestions"]
    for suggestion in data["suggestions"]:
        assert set(suggestion) == {"text", "kind", "url"}
        assert suggestion["kind"] in ("title", "tag")
    tag = next(s for s in data["suggestions"] if s["kind"] == "tag")
    assert tag == {"text": "容器", "kind": "tag", "url": "/?tag=%E5%AE%B9%E5%99%A8"}
    title = next(s for s in data["suggestions"] if s["kind"] == "title")
    assert title["url"].startswith("/article/")


def test_suggest_empty_query(client):
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}


def test_article(client):
    data = client.get("/api/article/101").get_json()
    assert data["id"] == "101"
    assert data["title"] == "容器编排入门：Kubernetes 基础"
    assert data["url"] == "/article/101"
    assert data["date"] == "2019-03-01"
    assert data["author"] == "小王" and data["translator"] == "小李"
    assert data["tags"] == ["容器", "Kubernetes"]
    assert data["markdown"].startswith("## 什么是容器编排")


def test_api_allows_cross_origin_reads(client):
    assert client.get("/api/search?q=容器").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/?q=容器").headers


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "documents": len(ARTICLES)}


def test_a_year_range_selects_its_year_in_the_facet(client):
    data = search(client, q="容器", **{"from": "2017", "to": "2017"})
    years = {f["value"]: f["selected"] for f in data["facets"]["year"]}
    assert years["2017"] is True
    assert not any(selected for year, selected in years.items() if year != "2017")


def test_per_page_up_to_the_configured_limit(web_index_dir):
    app = make_app(web_index_dir, MAX_PER_PAGE=100)
    try:
        client = app.test_client()
        data = search(client, q="容器", per_page="100")
        assert data["per_page"] == 100 and len(data["hits"]) == data["total"]
        assert client.get("/api/search", query_string={"q": "容器", "per_page": "101"}).status_code == 400
    finally:
        app.extensions["zhsearch"].close()


def test_an_over_long_query_is_refused_by_the_api_and_the_page(client):
    long_q = "长" * 257
    body = client.get("/api/search", query_string={"q": long_q}).get_json()
    assert body["status"] == 400 and body["error"].startswith("q must be at most 256 characters")
    suggest = client.get("/api/suggest", query_string={"q": long_q}).get_json()
    assert suggest == body
    for url in ("/", "/article/101"):
        response = client.get(url, query_string={"q": long_q})
        assert response.status_code == 400
        assert "参数 q 的值无效" in response.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": "长" * 256}).status_code == 200
