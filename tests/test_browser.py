"""The site in a real browser: Playwright driving Debian's Chromium against the
app served by gunicorn in a subprocess, over an index of our test articles.

Screenshots go to test-output/ (git-ignored) at the top of the checkout.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from gunicorn_server import ROOT, gunicorn
from helpers import article, write_index
from webdata import ARTICLES

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = ROOT / "test-output"
PHONE = {"width": 390, "height": 844}

# Beside the web tests' articles: one with what the article page renders specially.
NOTES = article(
    "401", "中文排版笔记：强调与脚注", "请注意：强调可以紧挨着中文标点。",
    markdown="*请注意：*强调可以紧挨着中文标点，**就像这样。**后面的文字照常显示[^1]。\n\n"
    "## 为什么需要脚注\n\n脚注把补充说明放在文末[^2]，正文读起来更连贯。\n\n"
    "[^1]: CommonMark 的强调规则原本要求标点外侧有空格。\n[^2]: 点击编号可以跳到注释，再点 ↩ 回来。\n",
    category="技巧", tags=["排版", "Markdown"], date="2023-04-01", views=4321, author="小张",
)

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of gunicorn serving the app over the test articles."""
    index_dir = write_index(tmp_path_factory.mktemp("browser") / "index", [*ARTICLES, NOTES])
    with gunicorn(index_dir) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def total(page) -> int:
    return int(page.locator("#total").inner_text())


def test_typed_chinese_query_marks_first_result(server, page):
    page.goto(server + "/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("容器编排")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?q=%E5"))
    first = page.locator(".hit").first
    assert first.locator("mark").count() >= 1
    assert "容器编排" in first.locator(".hit-title").inner_text()


def test_search_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/")
        page.fill("#q", "命令行")
        page.click("button.search-button")
        page.wait_for_url(re.compile(r"\?q=%E5"))
        assert "grep" in page.locator(".hit-title").first.inner_text()
        page.locator('a.chip[data-facet="category"]', has_text="技巧").click()
        page.wait_for_url(re.compile(r"category="))
        assert total(page) == 1
    finally:
        context.close()


def test_suggestions_appear_while_typing(server, page):
    page.goto(server + "/")
    page.locator("#q").press_sequentially("容器", delay=50)
    options = page.locator("#suggestions li")
    options.first.wait_for()
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    assert any("容器" in text for text in options.all_inner_texts())
    page.keyboard.press("Escape")
    assert page.locator("#suggestions").is_hidden()


def test_no_suggest_request_while_an_input_method_composes(server, page):
    suggests = []
    page.on("request", lambda request: suggests.append(request.url) if "/api/suggest" in request.url else None)
    page.goto(server + "/")
    page.focus("#q")
    cdp = page.context.new_cdp_session(page)
    for typed in ("r", "ro", "ron", "rong"):  # pinyin typed, no character chosen yet
        cdp.send("Input.imeSetComposition", {"text": typed, "selectionStart": len(typed), "selectionEnd": len(typed)})
        page.wait_for_timeout(60)
    page.wait_for_timeout(500)  # well past the suggestion delay
    assert page.input_value("#q") == "rong"
    assert suggests == []
    cdp.send("Input.insertText", {"text": "容器"})  # the reader picks 容器: the composition ends
    page.locator("#suggestions li").first.wait_for()
    page.wait_for_timeout(300)
    assert [unquote(url.split("q=", 1)[1]) for url in suggests] == ["容器"]
    assert any("容器" in text for text in page.locator("#suggestions li").all_inner_texts())


def test_phone_shows_results_first_and_filters_behind_a_button_without_javascript(server, browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/?q=容器")
        first = page.locator(".hit").first.bounding_box()
        assert first["y"] + first["height"] <= PHONE["height"], "the first result is below the fold"
        facets = page.locator(".facets")
        assert facets.is_hidden()
        page.locator(".filters-button").click()
        assert facets.is_visible()
        page.locator('a.chip[data-facet="tag"]', has_text="Docker").click()
        page.wait_for_url(re.compile(r"tag=Docker"))
        assert total(page) == 1
        assert page.locator(".filters-button .filters-count").inner_text() == "1"
    finally:
        context.close()


def test_wide_screen_shows_the_filters_without_a_click(server, page):
    page.goto(server + "/?q=容器")
    assert page.locator(".filters-button").is_hidden()
    assert page.locator('a.chip[data-facet="tag"]', has_text="Docker").is_visible()
    results, facets = page.locator(".results").bounding_box(), page.locator(".facets").bounding_box()
    assert facets["x"] > results["x"] + results["width"]  # beside the results, on the right


def test_view_counts_on_results(server, page):
    page.goto(server + "/?q=排版")
    assert page.locator(".hit").first.locator(".views").inner_text() == "阅读 4321"


def test_tag_facet_shrinks_the_total_and_changes_the_url(server, page):
    page.goto(server + "/?q=容器")
    before = total(page)
    page.locator('a.chip[data-facet="tag"]', has_text="Docker").click()
    page.wait_for_url(re.compile(r"tag=Docker"))
    assert total(page) < before
    assert page.locator('a.chip.selected[data-facet="tag"]', has_text="Docker").count() == 1


def test_page_two_and_back(server, page):
    page.goto(server + "/?q=容器")
    first_titles = page.locator(".hit-title").all_inner_texts()
    page.locator(".pagination a.next").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".pagination .current").inner_text() == "2"
    assert set(page.locator(".hit-title").all_inner_texts()).isdisjoint(first_titles)
    page.go_back()
    page.wait_for_url(re.compile(r"/\?q=[^&]+$"))
    assert page.locator(".hit-title").all_inner_texts() == first_titles


def test_open_article_from_a_result(server, page):
    page.goto(server + "/?q=容器编排")
    page.locator(".hit-title a").first.click()
    page.wait_for_url(re.compile(r"/article/101\?q="))
    body = page.locator("#article-body")
    assert "Kubernetes 如何调度容器" in body.inner_text()
    assert body.locator("mark").count() >= 1
    assert body.locator("table td", has_text="kubelet").count() == 1


def test_hostile_article_runs_no_script(server, page):
    dialogs, violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(server + "/?q=安全测试")
    assert '<script>alert("标题")</script>' in page.locator(".hit-title").first.inner_text()
    page.locator(".hit-title a").first.click()
    page.wait_for_url(re.compile(r"/article/106"))
    assert "<img src=x onerror=alert(1)>" in page.locator("h1.article-title").inner_text()
    assert "onerror=alert(2)" in page.locator("#article-body").inner_text()
    assert page.locator("#article-body script, #article-body [onerror]").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    assert violations == []


def test_article_page_renders_emphasis_and_footnotes(server, page):
    page.goto(server + "/article/401")
    body = page.locator("#article-body")
    assert body.locator("em").first.inner_text() == "请注意："
    assert body.locator("strong").first.inner_text() == "就像这样。"
    assert "*" not in body.inner_text() and "[^" not in body.inner_text()
    body.locator("sup.footnote-ref a").first.click()
    page.wait_for_url(re.compile(r"#fn1$"))
    assert "强调规则" in body.locator("li#fn1").inner_text()


SCREENSHOTS = {
    "results": "/?q=容器",
    "no-results": "/?q=火星殖民",
    "article": "/article/401?q=脚注",
}


@pytest.mark.parametrize("name", SCREENSHOTS)
def test_page_screenshots(server, page, name):
    OUTPUT.mkdir(exist_ok=True)
    page.goto(server + SCREENSHOTS[name])
    page.screenshot(path=OUTPUT / f"{name}.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=OUTPUT / f"{name}-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert (OUTPUT / f"{name}.png").stat().st_size > 10_000


def test_home_page_screenshot(server, page):
    OUTPUT.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.screenshot(path=OUTPUT / "home.png")
    assert (OUTPUT / "home.png").stat().st_size > 10_000
