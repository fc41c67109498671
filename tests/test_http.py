"""HTTP conventions: compression, validators and revalidation, cache rules,
robots.txt, noindex, OpenSearch and the favicon."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET

import brotli
from helpers import article
from webdata import make_app

from search.document import to_document
from search.storage import open_whoosh_index


def test_pages_and_the_api_are_gzipped_when_asked(client):
    for url in ("/?q=容器编排", "/api/search?q=容器编排", "/article/101"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in packed.headers["Vary"]
        body = gzip.decompress(packed.data)
        assert len(packed.data) < len(body) / 2
        assert "Kubernetes 基础".encode() in body


def test_brotli_is_preferred_over_gzip(client):
    response = client.get("/?q=容器编排", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Kubernetes 基础" in brotli.decompress(response.data).decode()


def test_a_revalidation_of_an_unchanged_answer_is_304(client):
    for url in ("/?q=容器&tag=Docker", "/api/search?q=容器", "/article/101", "/api/suggest?q=容", "/"):
        first = client.get(url)
        assert first.status_code == 200
        etag = first.headers["ETag"]
        assert etag.startswith('W/"')
        assert first.headers["Cache-Control"] == "public, no-cache"
        again = client.get(url, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
        assert again.status_code == 304, url
        assert again.data == b""
        assert again.headers["ETag"] == etag


def test_each_url_has_its_own_validator(client):
    etags = {client.get(url).headers["ETag"] for url in ("/?q=容器", "/?q=容器&page=2", "/?q=内核", "/api/search?q=容器")}
    assert len(etags) == 4
    other = client.get("/?q=内核", headers={"If-None-Match": client.get("/?q=容器").headers["ETag"]})
    assert other.status_code == 200


def test_a_reindex_commit_changes_the_validator(make_index):
    path = make_index([article("1", "容器入门", "容器的基础知识。")])
    app = make_app(path)
    client = app.test_client()
    etag = client.get("/?q=容器").headers["ETag"]
    assert client.get("/?q=容器", headers={"If-None-Match": etag}).status_code == 304
    ix = open_whoosh_index(path)
    with ix.writer() as writer:
        writer.add_document(**to_document(article("2", "容器进阶", "容器的进阶知识。"), fingerprint="test"))
    ix.close()
    after = client.get("/?q=容器", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert "进阶" in after.get_data(as_text=True)
    assert client.get("/?q=容器", headers={"If-None-Match": after.headers["ETag"]}).status_code == 304
    app.extensions["zhsearch"].close()


def test_page_max_age_lets_caches_keep_answers(web_index_dir):
    app = make_app(web_index_dir, PAGE_MAX_AGE=120)
    response = app.test_client().get("/api/search?q=容器")
    assert response.headers["Cache-Control"] == "public, max-age=120"
    app.extensions["zhsearch"].close()


def test_errors_and_health_get_no_validator(client):
    assert "ETag" not in client.get("/api/search?sort=nope").headers
    assert "ETag" not in client.get("/article/nope").headers
    assert "ETag" not in client.get("/healthz").headers


def test_static_files_are_versioned_kept_and_revalidated(client):
    html = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {link.split("?")[0] for link in links} == {"/static/style.css", "/static/app.js"}
    for link in links:
        assert re.search(r"\?v=[0-9a-f]{12}$", link), link
        response = client.get(link)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = client.get(link, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        response.close()
        again.close()
    unversioned = client.get("/static/style.css")
    assert unversioned.headers["Cache-Control"] == "public, no-cache"
    unversioned.close()
    stale = client.get("/static/style.css?v=000000000000")
    assert stale.headers["Cache-Control"] == "public, no-cache"
    stale.close()


def test_static_files_are_compressed(client):
    response = client.get("/static/style.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert b":root" in brotli.decompress(response.data)
    response.close()


def allowed(robots_txt: str, url: str) -> bool:
    """RFC 9309 for ``User-agent: *``: the longest matching rule wins, Allow on
    a tie (urllib.robotparser drops the "?" of "Disallow: /?", unlike crawlers)."""
    rules, applies = [], False
    for line in robots_txt.splitlines():
        name, _, value = line.split("#")[0].partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "user-agent":
            applies = value == "*"
        elif applies and name in ("allow", "disallow") and value:
            rules.append((name == "allow", value))
    matches = [(len(path), allow) for allow, path in rules if url.startswith(path)]
    return max(matches, default=(0, True))[1]


def test_robots_txt_keeps_crawlers_off_results_and_the_api_but_not_articles(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    robots = response.get_data(as_text=True)
    assert allowed(robots, "/article/101")
    assert allowed(robots, "/")
    assert not allowed(robots, "/?q=%E5%AE%B9%E5%99%A8&tag=Docker")
    assert not allowed(robots, "/?tag=Docker")
    assert not allowed(robots, "/api/search?q=linux")
    assert not allowed(robots, "/api/article/101")


def test_result_pages_and_the_api_say_noindex_articles_do_not(client):
    assert client.get("/?q=容器").headers["X-Robots-Tag"] == "noindex"
    assert client.get("/?tag=Docker").headers["X-Robots-Tag"] == "noindex"
    assert client.get("/api/search?q=容器").headers["X-Robots-Tag"] == "noindex"
    assert client.get("/article/101?q=容器").headers["X-Robots-Tag"] == "noindex"  # a copy of the article
    assert "X-Robots-Tag" not in client.get("/article/101").headers
    assert "X-Robots-Tag" not in client.get("/").headers


OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_opensearch_description_is_linked_and_points_at_the_search(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<link rel="search" type="application/opensearchdescription\+xml" title="文章搜索" '
                     r'href="/opensearch.xml">', html)
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    assert root.find(f"{OPENSEARCH}ShortName").text == "文章搜索"
    urls = {u.get("type"): u.get("template") for u in root.findall(f"{OPENSEARCH}Url")}
    assert urls["text/html"] == "http://localhost/?q={searchTerms}"
    suggest = urls["application/x-suggestions+json"]
    assert suggest == "http://localhost/api/opensearch/suggest?q={searchTerms}"
    answer = client.get(suggest.replace("http://localhost", "").replace("{searchTerms}", "容器"))
    query, completions = answer.get_json(force=True)
    assert query == "容器"
    assert 0 < len(completions) <= 8  # SUGGEST_LIMIT
    assert all("容器" in text for text in completions)


def test_site_name_in_the_opensearch_description_is_escaped(web_index_dir):
    app = make_app(web_index_dir, SITE_NAME="A&B <搜>")
    root = ET.fromstring(app.test_client().get("/opensearch.xml").data)
    assert root.find(f"{OPENSEARCH}ShortName").text == "A&B <搜>"
    app.extensions["zhsearch"].close()


def test_favicon_is_served(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in response.headers["Cache-Control"]
    response.close()
