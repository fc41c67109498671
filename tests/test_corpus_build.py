"""A build of a sample of the real LCTT corpus (skipped without ZHSEARCH_CORPUS)."""

from __future__ import annotations

import os

import pytest
from whoosh.query import Term

from indexer import build_index
from indexer.walk import find_articles
from search.storage import open_whoosh_index

pytestmark = pytest.mark.corpus

SAMPLE_EVERY = 20


@pytest.fixture(scope="module")
def sample(corpus_dir, tmp_path_factory):
    """Every 20th article of the corpus, linked into a folder of its own."""
    files, problems = find_articles(corpus_dir)
    assert problems == []
    folder = tmp_path_factory.mktemp("sample")
    chosen = files[::SAMPLE_EVERY]
    for file in chosen:
        link = folder / file.relpath
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(file.path.resolve(), link)
    return folder, [f.relpath for f in chosen]


def test_sample_builds_without_skipping(sample, tmp_path):
    folder, relpaths = sample
    report = build_index(folder, tmp_path / "ix", jobs=2)
    assert report.skipped == []
    assert report.documents == len(relpaths) == len(report.added)
    ix = open_whoosh_index(tmp_path / "ix")
    with ix.searcher() as searcher:
        stored = {doc["path"]: doc for doc in searcher.all_stored_fields()}
        assert sorted(stored) == relpaths
        assert all(doc["title"] for doc in stored.values())
        duplicated = {article_id for article_id, _ in report.duplicates}
        with_id = [doc for doc in stored.values() if doc.get("id") and doc["id"] not in duplicated]
        assert with_id and all(doc["key"] == doc["id"] for doc in with_id)
        assert len({doc["key"] for doc in stored.values()}) == len(relpaths)
        assert searcher.search(Term("body", "linux"), limit=None).scored_length() > len(relpaths) // 2
    ix.close()

    again = build_index(folder, tmp_path / "ix", jobs=2)
    assert again.unchanged == len(relpaths) and not again.committed
