"""The owner's search log: one JSON line per search, nothing about the reader,
and the zhsearch-log command that sums it up."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from webdata import make_app

from web.cli import search_log as log_command

READER = {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "ReaderBrowser/7.1", "HTTP_REFERER": "https://ref.example/"}


@pytest.fixture
def logged(tmp_path, web_index_dir):
    """An app writing its search log to a file; yields (client, log path)."""
    path = tmp_path / "searches.jsonl"
    app = make_app(web_index_dir, SEARCH_LOG=str(path))
    yield app.test_client(), path
    app.extensions["zhsearch"].close()


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_line_per_search_from_the_page_and_the_api(logged):
    client, path = logged
    assert path.exists() and path.read_text() == ""  # created at start
    client.get("/?q=容器&tag=Docker&tag=容器&from=2019", environ_base=READER)
    client.get("/api/search?q=量子纠缠&sort=date", environ_base=READER)
    client.get("/?q=容器&page=2", environ_base=READER)
    first, second, third = lines(path)[:3]
    assert set(first) == {"time", "query", "filters", "sort", "page", "total", "took_ms"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["time"])
    assert first["query"] == "容器"
    assert first["filters"] == {"tag": ["Docker", "容器"], "from": "2019"}
    total = client.get("/api/search?q=容器&tag=Docker&tag=容器&from=2019").get_json()["total"]
    assert total > 0
    assert (first["sort"], first["page"], first["total"]) == ("relevance", 1, total)
    assert isinstance(first["took_ms"], float) and first["took_ms"] > 0
    assert (second["query"], second["filters"], second["sort"], second["total"]) == ("量子纠缠", {}, "date", 0)
    assert (third["query"], third["page"]) == ("容器", 2)


def test_nothing_about_the_reader_is_written(logged):
    client, path = logged
    client.get("/?q=容器", environ_base=READER)
    text = path.read_text(encoding="utf-8")
    for value in READER.values():
        assert value not in text
    assert "203.0.113" not in text


def test_only_searches_are_logged(logged):
    client, path = logged
    client.get("/")  # the home page
    client.get("/article/101")
    client.get("/api/suggest?q=容")
    client.get("/api/search?sort=bogus")  # refused: no search ran
    etag = client.get("/api/search?q=内核").headers["ETag"]
    client.get("/api/search?q=内核", headers={"If-None-Match": etag})  # 304: no search ran
    assert [entry["query"] for entry in lines(path)] == ["内核"]


def test_the_log_is_off_by_default(web_index_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(web_index_dir)
    app.test_client().get("/?q=容器")
    assert list(tmp_path.iterdir()) == []
    app.extensions["zhsearch"].close()


def rows(output: str, title: str) -> list[tuple[int, str]]:
    """The (count, query) rows of one table of the command's output."""
    block = output.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]
    return [(int(count), query) for count, query in re.findall(r"^ +(\d+)  (.+)$", block, re.M)]


def test_the_log_command_lists_frequent_and_fruitless_queries(logged):
    client, path = logged
    for url in ["/?q=Docker", "/api/search?q=docker", "/?q=Docker&page=2", "/?q=DOCKER", "/?q=内核",
                "/api/search?q=量子纠缠", "/?q=量子纠缠", "/?q=喵喵喵喵", "/?q=内核", "/?tag=Linux"]:
        assert client.get(url).status_code == 200
    with path.open("a", encoding="utf-8") as log:
        log.write("not json\n")
    result = CliRunner().invoke(log_command, [str(path), "--top", "3"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(rf"{re.escape(str(path))}: 9 searches from \S+ to \S+, 3 found nothing", out)
    assert rows(out, "Most frequent queries") == [(3, "Docker"), (2, "内核"), (2, "量子纠缠")]
    assert rows(out, "Most frequent queries that found nothing") == [(2, "量子纠缠"), (1, "喵喵喵喵")]
    assert "1 lines are not search lines (line 11)" in result.stderr


def test_the_log_command_reads_the_setting_and_names_a_missing_file(tmp_path):
    missing = tmp_path / "none.jsonl"
    result = CliRunner().invoke(log_command, [], env={"ZHSEARCH_SEARCH_LOG": str(missing)})
    assert result.exit_code == 2
    assert "none.jsonl" in result.output and "does not exist" in result.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = CliRunner().invoke(log_command, [], env={"ZHSEARCH_SEARCH_LOG": str(empty)})
    assert result.exit_code == 0 and "no searches logged" in result.output
