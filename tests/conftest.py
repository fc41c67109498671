"""Fixtures shared by the whole suite (helpers that are not fixtures: helpers.py).

Tests of the library, the indexer and the web front end build small indexes of
articles written for the tests; tests on the real LCTT corpus read its folder
from ZHSEARCH_CORPUS and are skipped when it is unset.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import write_index

import search


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    """No ZHSEARCH_* setting of the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("ZHSEARCH_") and name != "ZHSEARCH_CORPUS":
            monkeypatch.delenv(name)


@pytest.fixture
def make_index(tmp_path):
    """Write the given Articles into a new index and return its folder."""
    counter = iter(range(1_000_000))

    def make(articles) -> Path:
        return write_index(tmp_path / f"index{next(counter)}", articles)

    return make


@pytest.fixture(scope="module")
def index(request, tmp_path_factory):
    """The test module's ``ARTICLES`` in an open Index, shared by its tests."""
    path = write_index(tmp_path_factory.mktemp("index"), request.module.ARTICLES)
    with search.open_index(path, warm=False) as opened:
        yield opened


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The LCTT corpus folder named by ZHSEARCH_CORPUS; skips the test without it."""
    value = os.environ.get("ZHSEARCH_CORPUS")
    if not value:
        pytest.skip("ZHSEARCH_CORPUS is not set: no real corpus to test on")
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"ZHSEARCH_CORPUS={value} is not a folder")
    return path


# The web tests' index and app: one per test module (a module may add a generation).


@pytest.fixture(scope="module")
def web_index_dir(tmp_path_factory):
    from webdata import build_web_index

    return build_web_index(tmp_path_factory.mktemp("web") / "index")


@pytest.fixture(scope="module")
def app(web_index_dir):
    from webdata import make_app

    app = make_app(web_index_dir)
    yield app
    app.extensions["zhsearch"].close()


@pytest.fixture
def client(app):
    return app.test_client()
