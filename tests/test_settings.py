"""Web settings are checked at start: a bad value names its variable and what it accepts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import article
from webdata import make_app

from web import create_app
from web.settings import SERVER_SETTINGS, SETTINGS, SettingError, checked, server_settings


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ZHSEARCH_PER_PAGE", "abc", "an integer ≥ 1"),
        ("ZHSEARCH_PER_PAGE", "0", "an integer ≥ 1"),
        ("ZHSEARCH_MAX_PAGE", "2.5", "an integer ≥ 1"),
        ("ZHSEARCH_PAGE_MAX_AGE", "-1", "an integer ≥ 0"),
        ("ZHSEARCH_SITE_NAME", " ", "a non-empty text"),
        ("ZHSEARCH_ASSET_BASE_URL", "linux.cn", "an http(s) URL"),
        ("ZHSEARCH_API_CORS_ORIGIN", "https://example.org/path", "an origin such as https://example.org"),
    ],
)
def test_a_bad_environment_value_fails_at_start_naming_it(monkeypatch, tmp_path, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingError) as caught:
        create_app({"INDEX_DIR": str(tmp_path)})
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r} is not valid")
    assert expected in message


def test_per_page_above_the_maximum_is_refused():
    with pytest.raises(SettingError, match="ZHSEARCH_PER_PAGE=60 is not valid: expected at most ZHSEARCH_MAX_PER_PAGE=50"):
        checked({"PER_PAGE": 60})


def test_a_search_log_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(SettingError, match=f"ZHSEARCH_SEARCH_LOG=.*{tmp_path / 'nope'} does not exist"):
        checked({"SEARCH_LOG": str(tmp_path / "nope" / "searches.jsonl")})


def test_an_index_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(SettingError, match="ZHSEARCH_INDEX_DIR=.*is a file"):
        checked({"INDEX_DIR": str(tmp_path / "file")})


def test_environment_values_are_typed_and_paths_made_absolute(monkeypatch, tmp_path):
    web_index_dir = tmp_path / "ix"  # need not exist yet: reindex may come later
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHSEARCH_INDEX_DIR", "ix")
    monkeypatch.setenv("ZHSEARCH_MAX_PER_PAGE", " 20 ")
    monkeypatch.setenv("ZHSEARCH_SITE_NAME", "2048")  # a text, though it looks like a number
    monkeypatch.setenv("ZHSEARCH_SEARCH_LOG", "searches.jsonl")
    app = create_app({"TESTING": True})
    assert app.config["INDEX_DIR"] == str(web_index_dir) and os.path.isabs(app.config["INDEX_DIR"])
    assert app.config["MAX_PER_PAGE"] == 20
    assert app.config["SITE_NAME"] == "2048"
    assert app.config["SEARCH_LOG"] == str(tmp_path / "searches.jsonl")
    assert app.extensions["zhsearch"].path == str(web_index_dir)


def test_the_config_dict_is_checked_too(tmp_path):
    with pytest.raises(SettingError, match="ZHSEARCH_RELATED_LIMIT='five'"):
        make_app(tmp_path, RELATED_LIMIT="five")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ZHSEARCH_WORKERS": "many"}, "ZHSEARCH_WORKERS='many' is not valid: expected an integer ≥ 1"),
        ({"ZHSEARCH_BIND": "8000"}, "ZHSEARCH_BIND='8000' is not valid: expected HOST:PORT"),
        ({"ZHSEARCH_BIND": "localhost:99999"}, "ZHSEARCH_BIND='localhost:99999'"),
        ({"ZHSEARCH_LOG_LEVEL": "loud"}, "expected one of debug, info, warning, error, critical"),
    ],
)
def test_bad_server_settings_are_named(environ, message):
    with pytest.raises(SettingError, match=message.replace("(", r"\(")):
        server_settings(environ)


def test_server_settings_have_defaults_and_take_the_environment():
    assert server_settings({}) == {"BIND": "127.0.0.1:8000", "WORKERS": 2, "ACCESS_LOG": "", "LOG_LEVEL": "info"}
    chosen = server_settings({"ZHSEARCH_BIND": "[::1]:9000", "ZHSEARCH_WORKERS": "4", "ZHSEARCH_LOG_LEVEL": "DEBUG"})
    assert (chosen["BIND"], chosen["WORKERS"], chosen["LOG_LEVEL"]) == ("[::1]:9000", 4, "debug")
    assert server_settings({"ZHSEARCH_BIND": "unix:/run/zhsearch.sock"})["BIND"] == "unix:/run/zhsearch.sock"


def test_the_readme_lists_every_setting():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [s.variable for s in SETTINGS + SERVER_SETTINGS if f"| `{s.variable}` |" not in readme]
    assert missing == []


def test_a_missing_synonyms_file_is_refused(tmp_path):
    with pytest.raises(SettingError, match="ZHSEARCH_SYNONYMS"):
        create_app({"INDEX_DIR": str(tmp_path), "SYNONYMS": str(tmp_path / "missing.txt")})


def test_the_site_synonyms_file_replaces_the_default_list(tmp_path, make_index):
    index_dir = make_index([article("pg", "数据库", "Postgres 的索引。"), article("zh", "菜谱", "番茄炒蛋。")])
    own = tmp_path / "synonyms.txt"
    own.write_text("# a site's own group\n番茄, 西红柿\n", encoding="utf-8")
    default_app, site_app = make_app(index_dir), make_app(index_dir, SYNONYMS=str(own))
    try:
        def keys(app, q):
            return [h["id"] for h in app.test_client().get("/api/search", query_string={"q": q}).get_json()["hits"]]

        assert keys(default_app, "西红柿") == [] and keys(site_app, "西红柿") == ["zh"]
        assert keys(default_app, "PostgreSQL") == ["pg"] and keys(site_app, "PostgreSQL") == []
    finally:
        default_app.extensions["zhsearch"].close()
        site_app.extensions["zhsearch"].close()
