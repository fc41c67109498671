"""Two servers, each on its replica, behind nginx (docs/deploy.md): either answers."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import urllib.request

import pytest
from gunicorn_server import gunicorn
from nginx_proxy import NGINX, nginx

from indexer import build_index
from indexer.publish import publish

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (scripts/install.sh --test installs it with apt-get)")


def search_through(base: str) -> tuple[int, str]:
    """The total of a search and the upstream nginx says answered it."""
    with urllib.request.urlopen(base + "/api/search?q=%E5%89%AF%E6%9C%AC", timeout=30) as answer:
        return json.load(answer)["total"], answer.headers["X-Upstream"]


def test_nginx_answers_through_either_replica(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    for n in range(6):
        (articles / f"{n}.md").write_text(f"---\ntitle: 第{n}篇\n---\n\n副本{n}的部署。\n", encoding="utf-8")
    build_index(articles, tmp_path / "ix", jobs=1)
    for replica in ("r1", "r2"):
        publish(tmp_path / "ix", tmp_path / replica)
    with gunicorn(tmp_path / "r1", log_level="warning") as (one, first_pid), \
            gunicorn(tmp_path / "r2", log_level="warning") as (two, _):
        first, second = one.removeprefix("http://"), two.removeprefix("http://")
        with nginx([one, two]) as base:
            answers = [search_through(base) for _ in range(6)]
            assert {total for total, _ in answers} == {6}
            assert {upstream for _, upstream in answers} == {first, second}  # round robin
            os.kill(first_pid, signal.SIGTERM)
            wait_until_refused(first)
            answers = [search_through(base) for _ in range(4)]
            assert {total for total, _ in answers} == {6}
            assert all(upstream.endswith(second) for _, upstream in answers)  # "first, second" when it retried


def wait_until_refused(address: str, timeout: float = 15.0) -> None:
    host, port = address.split(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
        except OSError:
            return
        time.sleep(0.1)
    raise AssertionError(f"{address} still accepts connections")
