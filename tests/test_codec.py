"""The writer's codec (search.codec): the index it writes holds what whoosh3's
own codec writes, in less space, and is read by whoosh3's codec."""

from __future__ import annotations

from helpers import article, contents, write_index
from whoosh.codec.whoosh3 import W3Codec

from search.document import to_document
from search.storage import create_whoosh_index, open_whoosh_index

ARTICLES = [
    article(f"a{i}", f"第{i}篇 容器笔记", f"容器 Docker 镜像{i} 调度器。" * (1 + i % 3) + "内核" * (i % 2),
            tags=["容器", f"t{i % 4}"], date=f"2020-0{1 + i % 9}-11", views=i)
    for i in range(300)  # 300 postings of 容器: several blocks; 镜像{i} once each
]


def write_with_whoosh3(path):
    ix = create_whoosh_index(path)
    try:
        with ix.writer(codec=W3Codec()) as writer:
            for item in ARTICLES:
                writer.add_document(**to_document(item, fingerprint="test"))
    finally:
        ix.close()
    return path


def size(path, pattern: str) -> int:
    return sum(f.stat().st_size for f in path.glob(pattern))


def test_the_index_holds_what_whoosh3_writes_in_less_space(tmp_path):
    ours, theirs = write_index(tmp_path / "ours", ARTICLES), write_with_whoosh3(tmp_path / "whoosh3")
    assert contents(ours) == contents(theirs)
    assert size(ours, "*.pst") < 0.75 * size(theirs, "*.pst")  # postings
    assert size(ours, "*_stored.col") < 0.95 * size(theirs, "*_stored.col")  # stored fields


def test_segments_are_read_with_whoosh3s_codec(tmp_path):
    ix = open_whoosh_index(write_index(tmp_path / "ix", ARTICLES[:3]))
    try:
        assert [type(segment.codec()) for segment in ix._segments()] == [W3Codec]
    finally:
        ix.close()
