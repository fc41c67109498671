"""bench/relevance.py's reader-written part and the peers of bench/peers.py, on a few documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import peers  # noqa: E402
import relevance  # noqa: E402

DOCUMENTS = [
    ("a.md", "容器编排入门", "Kubernetes 把容器编排成服务。"),
    ("b.md", "数据库备份", "用 mysqldump 备份数据库，再压缩。"),
    ("c.md", "容器镜像", "Docker 镜像的分层存储。"),
]

ROWS = [
    ("容器 编排", "remember", "keywords", "a.md"),
    ("怎么备份数据库", "need", "question", "b.md"),
    ("镜像 编排", "need", "keywords", "c.md"),
]


def test_tokens_are_lower_case_without_punctuation_and_single_latin_letters():
    assert peers.tokens("Docker 镜像，a B 的 ...") == ["docker", "镜像", "的"]
    assert peers.query_tokens("容器 容器 编排") == ["容器", "编排"]


def test_reader_table_prints_one_column_per_engine_and_writes_the_ranks(tmp_path, capsys):
    engines = {
        "first": lambda q: {"容器 编排": ["a.md"], "怎么备份数据库": ["c.md", "b.md"]}.get(q, []),
        "second": lambda q: ["c.md"],
    }
    ranks_file = tmp_path / "ranks.tsv"
    relevance.reader_table(ROWS, engines, ranks_file)
    table = capsys.readouterr().out.splitlines()
    assert table[1:3] == ["| queries | first | second |", "|---|---|---|"]
    assert table[3] == "| all (3) | 0.500 / 0.33 / 0.67, 1 | 0.333 / 0.33 / 0.33, 0 |"
    assert "| need (2) | 0.250 / 0.00 / 0.50, 1 | 0.500 / 0.50 / 0.50, 0 |" in table
    assert [row.split("\t") for row in ranks_file.read_text(encoding="utf-8").splitlines()] == [
        ["query", "kind", "style", "first", "second"],
        ["容器 编排", "remember", "keywords", "1", ""],
        ["怎么备份数据库", "need", "question", "2", ""],
        ["镜像 编排", "need", "keywords", "", "1"],
    ]


def test_engines_must_name_the_library():
    assert relevance.engine_list("library, bm25s") == ["library", "bm25s"]
    for value in ("bm25s", "library,lucene"):
        with pytest.raises(argparse.ArgumentTypeError):
            relevance.engine_list(value)


def test_build_once_builds_an_absent_folder_only(tmp_path):
    calls = []

    def build(path: Path) -> None:
        calls.append(path.name)
        path.mkdir()

    folder = tmp_path / "peer"
    assert peers.build_once(folder, build) is not None
    assert peers.build_once(folder, build) is None
    assert calls == ["peer.partial"] and [p.name for p in tmp_path.iterdir()] == ["peer"]


def test_an_interrupted_build_leaves_no_index(tmp_path):
    def build(path: Path) -> None:
        path.mkdir()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        peers.build_once(tmp_path / "peer", build)
    assert not (tmp_path / "peer").exists()


@pytest.mark.parametrize("peer", [peers.Bm25s, peers.Tantivy], ids=["bm25s", "tantivy"])
def test_peer_searches_its_saved_index(tmp_path, peer):
    pytest.importorskip(peer.name)
    peers.build_once(tmp_path / peer.name, lambda path: peer.build(DOCUMENTS, path))
    engine = peer(tmp_path / peer.name)
    assert engine.search("容器 编排")[0] == "a.md"
    assert engine.search("。，") == []
    found = engine.search("编排 镜像")  # a.md has 编排 only, c.md 镜像 only: OR finds both, AND neither
    assert sorted(found) == (["a.md", "c.md"] if peer is peers.Bm25s else [])
