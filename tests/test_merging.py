"""Merging segments (search.writer streams their postings): every posting,
stored field and column of the live documents comes through unchanged."""

from __future__ import annotations

import pytest
from helpers import article, contents, write_index
from whoosh.writing import NO_MERGE, OPTIMIZE

from search.storage import open_whoosh_index
from search.whoosh_adapter import blocks, segment_count

ARTICLES = [
    article(f"a{i}", f"第{i}篇 Linux 内核", f"内核模块 kernel module {i} 处理器。" * (i % 4 + 1),
            tags=["内核", f"t{i % 3}"], category=["新闻", "技术"][i % 2], date=f"20{10 + i % 9}-01-0{1 + i % 8}",
            views=i * 7)
    for i in range(24)
]
DELETED = {"a3", "a10", "a11", "a20"}
LATE = [article("late1", "后来的文章", "容器 Docker 镜像。", tags=["容器"], date="2024-05-01"),
        article("late2", "又一篇", "内核 kernel 调度。", date="2024-05-02")]


@pytest.mark.parametrize("how", ["optimize", "small ones with new documents"])
def test_merged_segments_hold_what_the_live_documents_held(tmp_path, how):
    path = tmp_path / "merged"
    for start in range(0, len(ARTICLES), 5):
        write_index(path, ARTICLES[start : start + 5], mergetype=NO_MERGE)
    write_index(path, delete=DELETED, mergetype=NO_MERGE)
    before = segments(path)
    expected = [a for a in ARTICLES if a.key not in DELETED]
    if how == "optimize":
        write_index(path, mergetype=OPTIMIZE)
    else:  # Whoosh's default policy merges the small segments with the new documents
        write_index(path, LATE)
        expected += LATE
    assert before == 5 and segments(path) < before
    merged, written = contents(path), contents(write_index(tmp_path / "reference", expected))
    assert merged["postings"] and merged["postings"] == written["postings"]
    assert merged["columns"] == written["columns"]
    assert merged["lengths"] == written["lengths"]
    assert merged["stored"] == written["stored"]


def segments(path) -> int:
    ix = open_whoosh_index(path)
    try:
        return segment_count(ix)
    finally:
        ix.close()


LONG = [article(f"b{i}", f"长文{i}", f"内核 调度器 kernel {i % 7} 模块{i % 40}。" * (1 + i % 3), date="2021-03-04")
        for i in range(300)]


def test_long_posting_lists_are_copied_a_block_at_a_time(tmp_path):
    path = tmp_path / "merged"
    for start in (0, 150):  # two segments: 150 postings of 内核 each, a full block and a short one
        write_index(path, LONG[start:start + 150], mergetype=NO_MERGE)
    write_index(path, mergetype=OPTIMIZE)
    assert segments(path) == 1
    merged, written = contents(path), contents(write_index(tmp_path / "reference", LONG))
    assert merged["postings"][("body", "内核".encode())] == written["postings"][("body", "内核".encode())]
    assert merged == written
    # each segment's blocks kept their sizes (written in one pass: 128, 128, 44)
    assert block_sizes(path, "body", "内核") == [128, 22, 128, 22]


def block_sizes(path, name: str, term: str) -> list[int]:
    ix = open_whoosh_index(path)
    try:
        with ix.searcher() as searcher:
            matcher = searcher.reader().postings(name, term)
            return [len(ids) for ids, *_ in blocks(matcher)]
    finally:
        ix.close()



def test_a_copied_list_of_a_field_without_lengths_then_a_block_of_postings_one_by_one(tmp_path):
    # category keeps no lengths: a copied block says length 0, a block of
    # postings added one by one says none, and the term info takes both
    news = [article(f"n{i}", f"新闻{i}", "内核 调度。", category="新闻") for i in range(220)]
    path = tmp_path / "merged"
    write_index(path, news[:20], mergetype=NO_MERGE)  # 20 postings of 新闻: copied
    write_index(path, news[20:], mergetype=NO_MERGE)
    write_index(path, delete={"n219"}, mergetype=NO_MERGE)  # so this segment's 200 go one by one
    write_index(path, mergetype=OPTIMIZE)
    assert segments(path) == 1
    assert contents(path) == contents(write_index(tmp_path / "reference", news[:-1]))
