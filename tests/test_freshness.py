"""A long-lived Index follows reindexing while threads search it."""

from __future__ import annotations

import threading

import pytest
from whoosh import writing

import search
from conftest import article
from search.document import to_document
from search.storage import open_whoosh_index

OLD = [article(str(i), f"旧文章{i}", "关于容器的旧内容。") for i in range(20)]
NEW = [article(f"n{i}", f"新文章{i}", "关于容器和编排的新内容。") for i in range(25)]


def test_new_generation_is_seen_without_errors_during_searches(make_index):
    path = make_index(OLD)
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()
    with search.open_index(path) as index:

        def searching():
            while not stop.is_set():
                try:
                    results = index.search("容器", per_page=5)
                    totals.append(results.total)
                    assert len(results.hits) == 5
                    assert all("<mark>" in hit.title_html or hit.snippet_html for hit in results)
                except BaseException as exc:  # noqa: BLE001 - every failure is reported
                    errors.append(exc)
                    return

        threads = [threading.Thread(target=searching) for _ in range(4)]
        for thread in threads:
            thread.start()
        ix = open_whoosh_index(path)
        for round_ in range(3):  # incremental additions, then a full rebuild
            with ix.writer() as writer:
                for item in NEW[round_ * 5 : round_ * 5 + 5]:
                    writer.add_document(**to_document(item))
        writer = ix.writer()
        for item in NEW:
            writer.add_document(**to_document(item))
        writer.commit(mergetype=writing.CLEAR)
        ix.close()
        final = index.search("编排")
        stop.set()
        for thread in threads:
            thread.join()
        assert errors == []
        assert totals and totals[0] >= 20
        assert final.total == 25
        assert index.search("容器").total == 25
        assert index.get("0") is None and index.get("n3").title == "新文章3"


def test_closing_while_warming_is_quiet_and_later_use_is_an_error(make_index):
    index = search.open_index(make_index(OLD))
    index.close()
    with pytest.raises(search.SearchError, match="closed"):
        index.search("容器")
