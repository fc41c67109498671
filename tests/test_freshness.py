"""A long-lived Index follows reindexing while threads search it."""

from __future__ import annotations

import os
import threading
import time

import pytest
from helpers import article, write_index
from whoosh import writing

import search
from search import storage
from search.storage import TIMESTAMP_TICK_NS, TRUST_S, PagedFile

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
                    assert all("<mark>" in hit.title_html or "<mark>" in hit.snippet_html for hit in results)
                except BaseException as exc:  # noqa: BLE001 - every failure is reported
                    errors.append(exc)
                    return

        threads = [threading.Thread(target=searching) for _ in range(4)]
        for thread in threads:
            thread.start()
        for round_ in range(3):  # incremental additions, then a full rebuild
            write_index(path, NEW[round_ * 5 : round_ * 5 + 5])
        write_index(path, NEW, mergetype=writing.CLEAR)
        final = index.search("编排")
        stop.set()
        for thread in threads:
            thread.join()
        assert errors == []
        assert totals and totals[0] >= len(OLD)
        assert final.total == len(NEW)
        assert index.search("容器").total == len(NEW)
        assert index.get("0") is None and index.get("n3").title == "新文章3"


def test_use_after_close_is_an_error(make_index):
    index = search.open_index(make_index(OLD))
    index.close()
    with pytest.raises(search.SearchError, match="closed"):
        index.search("容器")


TOPICS = ["容器", "编排", "内核", "备份", "数据库", "桌面", "防火墙", "脚本"]
MANY = [
    article(
        f"m{i}",
        f"{TOPICS[i % 8]}实践第{i}篇",
        "".join(f"第{j}段讲{TOPICS[(i + j) % 8]}和{TOPICS[(i * j) % 8]}的用法。Linux version {j}. " for j in range(40)),
        tags=[TOPICS[i % 8], f"标签{i % 5}"],
        category="技术" if i % 3 else "观点",
        date=f"{2015 + i % 9}-0{1 + i % 9}-01",
        views=i,
    )
    for i in range(400)
]
CALLS = [
    lambda ix: ix.search("容器 编排", facets=["tags", "category", "year"]),
    lambda ix: ix.search('"讲容器"', tags=["标签2"]),
    lambda ix: ix.search("内核 -备份 year:2019", sort="date"),
    lambda ix: ix.search("linux 数据库", category="观点", page=2),
    lambda ix: ix.search("实践 OR 脚本", sort="views", per_page=20),
    lambda ix: ix.search("第12段", date_from="2018", date_to="2021"),
    lambda ix: ix.search("versoin 桌面"),
    lambda ix: ix.get("m17"),
    lambda ix: ix.related("m42"),
    lambda ix: ix.suggest("容器"),
]


def _outcome(value):
    if isinstance(value, search.SearchResults):
        return value.total, [(h.key, round(h.score, 6), h.snippet_html) for h in value], value.facets
    if isinstance(value, list):
        return [getattr(v, "key", None) or v.text for v in value]
    return value


def test_many_threads_on_one_index_get_the_single_threaded_results(make_index):
    with search.open_index(make_index(MANY), warm=False) as index:
        expected = [_outcome(call(index)) for call in CALLS]
    errors: list[BaseException] = []
    mismatches: list[int] = []
    with search.open_index(make_index(MANY)) as index:

        def searching(seed: int):
            try:
                for n in range(50):
                    which = (seed * 7 + n) % len(CALLS)
                    if _outcome(CALLS[which](index)) != expected[which]:
                        mismatches.append(which)
            except BaseException as exc:  # noqa: BLE001 - every failure is reported
                errors.append(exc)

        threads = [threading.Thread(target=searching, args=(seed,)) for seed in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert mismatches == []


def test_a_searcher_in_use_outlives_the_files_a_commit_deletes(make_index):
    path = make_index(OLD)
    with search.open_index(path, warm=False) as index, index.snapshot() as snap:
        searcher = snap.searcher
        write_index(path, NEW, mergetype=writing.CLEAR)  # deletes the old segment's files
        assert searcher.stored_fields(0)["title"] == "旧文章0"
        assert list(searcher.reader().column_reader("key"))[:2] == ["0", "1"]
        terms = searcher.reader()._terms  # its term dictionary and postings are read with pread
        assert isinstance(terms._dbfile, PagedFile) and isinstance(terms._postfile, PagedFile)
        assert searcher.doc_frequency("body", "旧") == len(OLD)
        assert len(list(searcher.reader().postings("body", "旧").all_ids())) == len(OLD)


def test_generation_moves_with_each_commit(make_index):
    path = make_index(OLD[:3])
    with search.open_index(path, warm=False) as index:
        before = index.generation
        assert index.generation == before  # no commit, no change
        write_index(path, NEW[:1])
        assert index.generation > before
        assert index.search('"新文章"').total == 1


def _listings_of(path, monkeypatch) -> list[str]:
    """The folders listed from now on (Whoosh lists an index folder to find its newest generation)."""
    listed = []
    real = os.listdir

    def listdir(folder="."):
        listed.append(os.path.realpath(folder))
        return real(folder)

    monkeypatch.setattr(os, "listdir", listdir)
    return listed


class _Clock:
    """The clocks search.storage reads: the wall clock as given (or the real
    one), and a monotonic clock that moves only when told to."""

    def __init__(self, monkeypatch, wall_ns: int | None = None):
        self.wall_ns, self.seconds = wall_ns, 1000.0
        monkeypatch.setattr(storage, "time", self)

    def time_ns(self) -> int:
        return time.time_ns() if self.wall_ns is None else self.wall_ns

    def monotonic(self) -> float:
        return self.seconds


def test_a_folder_unchanged_for_a_tick_is_not_listed_again_until_a_commit(make_index, monkeypatch):
    path = make_index(OLD[:3])
    long_ago = time.time_ns() - 10 * TIMESTAMP_TICK_NS
    os.utime(path, ns=(long_ago, long_ago))
    _Clock(monkeypatch)
    with search.open_index(path, warm=False) as index:
        listed = _listings_of(path, monkeypatch)
        assert index.search('"旧文章"').total == 3  # lists once, and trusts the old mtime
        for _ in range(3):
            assert index.search('"旧文章"').total == 3
        assert listed.count(os.path.realpath(path)) == 1
        write_index(path, NEW[:1])  # moves the folder's mtime
        assert index.search('"新文章"').total == 1


def test_a_commit_in_the_tick_of_the_last_check_is_seen(make_index, monkeypatch):
    """On a file system with coarse timestamps a commit may leave the
    folder's mtime as it was: an mtime less than a tick old is never trusted."""
    path = make_index(OLD[:3])
    recent = time.time_ns() - TIMESTAMP_TICK_NS // 2
    os.utime(path, ns=(recent, recent))
    _Clock(monkeypatch, wall_ns=recent + TIMESTAMP_TICK_NS // 2)  # the check, a half tick after the mtime
    with search.open_index(path, warm=False) as index:
        assert index.search('"新文章"').total == 0
        write_index(path, NEW[:1])
        os.utime(path, ns=(recent, recent))  # the same tick: the mtime did not move
        assert index.search('"新文章"').total == 1


def test_a_commit_stamped_with_a_trusted_mtime_is_seen_within_a_second(make_index, monkeypatch):
    """A file server whose clock lags could stamp a commit with the mtime
    trusted before it: the listing is read again after TRUST_S all the same."""
    path = make_index(OLD[:3])
    long_ago = time.time_ns() - 10 * TIMESTAMP_TICK_NS
    os.utime(path, ns=(long_ago, long_ago))
    clock = _Clock(monkeypatch)
    with search.open_index(path, warm=False) as index:
        assert index.search('"新文章"').total == 0  # trusts the old mtime
        write_index(path, NEW[:1])
        os.utime(path, ns=(long_ago, long_ago))  # stamped as the trusted mtime
        assert index.search('"新文章"').total == 0  # within TRUST_S: not listed, the generation it had
        clock.seconds += TRUST_S
        assert index.search('"新文章"').total == 1
