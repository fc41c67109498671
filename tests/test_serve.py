"""The serve command: gunicorn with the project's settings, on a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import article, write_index

ROOT = Path(__file__).parent.parent
SERVE = Path(sys.executable).with_name("zhsearch-serve")

ARTICLES = [
    article("s1", "服务器上的全文检索", "在服务器上为文章建立全文检索。", tags=["检索"], date="2024-04-01"),
    article("s2", "反向代理与缓存", "反向代理放在应用前面，缓存静态文件。", tags=["代理"], date="2024-05-01"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHSEARCH_")}
    return {**env, **variables}


def get(url: str):
    with urllib.request.urlopen(urllib.parse.quote(url, safe=":/?=&"), timeout=30) as response:
        return response.status, response.read()


def test_serve_command_serves_the_index_on_the_given_port(tmp_path):
    write_index(tmp_path / "ix", ARTICLES)
    port = free_port()
    stderr = tmp_path / "stderr.txt"
    command = [str(SERVE), "--index", "ix", "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--search-log", "searches.jsonl"]
    with stderr.open("w") as err:
        process = subprocess.Popen(command, cwd=tmp_path, env=environment(), stderr=err)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, stderr.read_text()
            try:
                get(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, stderr.read_text()
                time.sleep(0.2)
        status, body = get(base + "/api/search?q=反向代理")
        assert status == 200
        data = json.loads(body)
        assert [hit["id"] for hit in data["hits"]] == ["s2"]
        status, html = get(base + "/?q=检索")
        assert status == 200 and "服务器上的" in html.decode()
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=30)
    log = stderr.read_text()
    assert returncode == 0, log
    assert f"Listening at: http://127.0.0.1:{port}" in log
    assert f"Index: {tmp_path / 'ix'}\n" in log  # logged absolute
    assert f"Search log: {tmp_path / 'searches.jsonl'}" in log
    queries = [json.loads(line)["query"] for line in (tmp_path / "searches.jsonl").read_text().splitlines()]
    assert queries == ["反向代理", "检索"]


@pytest.mark.parametrize(
    ("command", "variables", "message"),
    [
        ([str(SERVE)], {"ZHSEARCH_PER_PAGE": "abc"}, "Error: ZHSEARCH_PER_PAGE='abc' is not valid: expected an integer ≥ 1"),
        ([sys.executable, "-m", "web"], {"ZHSEARCH_WORKERS": "two"},
         "Error: ZHSEARCH_WORKERS='two' is not valid: expected an integer ≥ 1"),
        ([sys.executable, "-m", "gunicorn", "-c", "python:web.gunicorn_conf", "web:create_app()"],
         {"ZHSEARCH_PER_PAGE": "abc"}, "Error: ZHSEARCH_PER_PAGE='abc' is not valid: expected an integer ≥ 1"),
        ([sys.executable, "-m", "gunicorn", "-c", "python:web.gunicorn_conf", "web:create_app()"],
         {"ZHSEARCH_BIND": "localhost"}, "Error: ZHSEARCH_BIND='localhost' is not valid: expected HOST:PORT (127.0.0.1:8000) or unix:PATH"),
    ],
    ids=["serve", "python-m-web", "gunicorn-app-setting", "gunicorn-server-setting"],
)
def test_a_bad_setting_stops_the_start_naming_the_variable(tmp_path, command, variables, message):
    env = environment(**{"ZHSEARCH_INDEX_DIR": str(tmp_path), "ZHSEARCH_BIND": f"127.0.0.1:{free_port()}", **variables})
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == message, result.stderr
    assert "Traceback" not in result.stderr and "Listening" not in result.stderr


def test_a_bad_option_is_a_usage_error():
    result = subprocess.run([str(SERVE), "--workers", "0"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Invalid value for '--workers' / '-w': '0': expected an integer ≥ 1" in result.stderr


def test_plain_gunicorn_with_the_conf_takes_bind_and_workers_from_the_environment():
    code = "import web.gunicorn_conf as c; print(c.bind, c.workers, c.loglevel)"
    env = environment(ZHSEARCH_BIND="0.0.0.0:8123", ZHSEARCH_WORKERS="3", ZHSEARCH_LOG_LEVEL="warning")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.split() == ["0.0.0.0:8123", "3", "warning"]


def test_version_and_help():
    version = subprocess.run([str(SERVE), "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert version.stdout.startswith("zhsearch-serve 0.")
    usage = subprocess.run([str(SERVE), "--help"], capture_output=True, text=True, timeout=60, check=True)
    assert "environment ZHSEARCH_INDEX_DIR" in usage.stdout and "--bind HOST:PORT" in usage.stdout


def test_the_options_reach_gunicorn_and_the_app_without_the_environment(tmp_path, monkeypatch):
    """zhsearch-serve checks the settings once and hands them to gunicorn's
    application object; it writes no ZHSEARCH_* variable and no sys.argv."""
    from click.testing import CliRunner

    from web import cli, serving

    started = []
    monkeypatch.setattr(serving.Server, "run", lambda self: started.append((self._config, self._options)))
    monkeypatch.setenv("ZHSEARCH_BIND", "not an address")  # overridden by --bind
    monkeypatch.delenv("ZHSEARCH_INDEX_DIR", raising=False)
    argv = list(sys.argv)
    result = CliRunner().invoke(cli.serve, ["--index", str(tmp_path / "ix"), "--bind", "127.0.0.1:9", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (config, options), = started
    assert config["INDEX_DIR"] == str(tmp_path / "ix")
    assert (options["bind"], options["workers"], options["worker_class"]) == ("127.0.0.1:9", 3, "sync")
    assert "ZHSEARCH_INDEX_DIR" not in os.environ and os.environ["ZHSEARCH_BIND"] == "not an address"
    assert sys.argv == argv
