"""The site in a real browser: Playwright driving Debian's Chromium against the
app served by gunicorn in a subprocess, over an index of our test articles.

Screenshots go to test-output/ (git-ignored) at the top of the checkout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gunicorn_server import ROOT, gunicorn
from webdata import build_web_index

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

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of gunicorn serving the app over the test articles."""
    with gunicorn(build_web_index(tmp_path_factory.mktemp("browser") / "index")) as (base, _):
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


def test_results_page_screenshots(server, page):
    OUTPUT.mkdir(exist_ok=True)
    page.goto(server + "/?q=容器")
    page.screenshot(path=OUTPUT / "results.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=OUTPUT / "results-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(server + "/")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=OUTPUT / "home.png")
    page.goto(server + "/article/101?q=容器")
    page.screenshot(path=OUTPUT / "article.png", full_page=True)
    assert (OUTPUT / "results.png").stat().st_size > 10_000
