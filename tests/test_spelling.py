"""Typo hints: homophones and pinyin suggest the Chinese word; English words by edit distance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import article

import search
from indexer import build_index
from search import pinyin
from search.storage import USER_DICTIONARY

ARTICLES = [
    article("k1", "编译内核", "内核模块的加载和卸载，内核参数。"),
    article("k2", "内核调度", "调度器是内核的一部分。"),
    article("r1", "内河航运", "内河的船只。"),  # 内河 sounds like 内核 too, but is rarer here
    article("e1", "Kubernetes 集群", "kubernetes 管理容器。"),
]



def test_a_homophone_typo_suggests_the_word_of_the_index(index):
    assert index.search("内和").suggestion == "内核"
    assert index.search("内和 调度").suggestion == "内核 调度"


def test_typed_pinyin_and_initials_suggest_the_chinese_word(index):
    assert index.search("neihe").suggestion == "内核"
    assert index.search("nh").suggestion == "内核"
    assert [(s.text, s.kind) for s in index.suggest("neihe")][:1] == [("内核", "word")]


def test_correct_words_get_no_hint(index):
    for query in ("内核", "内河", "调度", "kubernetes"):
        assert index.search(query).suggestion is None, query


def test_english_typo_is_corrected_by_edit_distance(index):
    assert index.search("kubernets").suggestion == "kubernetes"


def test_the_hint_keeps_the_words_as_typed_around_a_fix(index):
    # 記憶體 is also searched as 内存 (search.regional): only the typed words are corrected
    assert index.search("記憶體 kubernets").suggestion == "記憶體 kubernetes"
    assert index.search("k8s 内和").suggestion == "k8s 内核"  # k8s is also searched as kubernetes (synonyms)


# The pinyin table: written by reindex into the index folder, read by searchers


def reindexed(tmp_path: Path) -> Path:
    """An index built by ``build_index`` from two articles about 内核; its folder."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in (("a.md", "内核模块的加载。"), ("b.md", "内核调度器。")):
        (folder / name).write_text(f"---\ntitle: {name}\n---\n\n{body}\n", encoding="utf-8")
    build_index(folder, tmp_path / "ix", jobs=1)
    return tmp_path / "ix"


def hint_without_building(index_dir: Path, monkeypatch) -> str | None:
    """The hint for 内和 from a new Index, failing if it builds the table."""
    def refuse(cls, key=""):
        raise AssertionError("the pinyin table was built, not read")

    with monkeypatch.context() as patched:
        patched.setattr(pinyin.PinyinTable, "build", classmethod(refuse))
        with search.open_index(index_dir) as ix:
            return ix.search("内和").suggestion


def test_reindex_writes_the_pinyin_table_and_searchers_read_it(tmp_path, monkeypatch):
    index_dir = reindexed(tmp_path)
    assert pinyin.is_current(index_dir)
    assert hint_without_building(index_dir, monkeypatch) == "内核"
    with search.open_index(index_dir) as ix:
        assert ix.suggest("neihe")[0].text == "内核"


def test_the_written_table_is_the_built_one(tmp_path):
    built = pinyin.PinyinTable.build("inputs")
    built.write(tmp_path)
    with np.load(tmp_path / pinyin.FILE) as stored:
        assert sorted(stored.files) == sorted(pinyin._ARRAYS)
        for name in pinyin._ARRAYS:
            assert np.array_equal(stored[name], getattr(built, name)), name
    assert built.syllables("内核") == ["nei", "he"] and built.syllables("内a") is None
    assert "内核" in built.words("neihe") and "内核" in built.words_by_initials("nh")
    assert built.words("nosuchpinyin") == []


@pytest.mark.parametrize("damage", ["other inputs", "unreadable"])
def test_a_table_not_made_for_this_index_is_built_again(tmp_path, monkeypatch, damage):
    index_dir = reindexed(tmp_path)
    if damage == "other inputs":  # the index's user dictionary changed after the table was written
        (index_dir / USER_DICTIONARY).write_text("甲乙丙丁戊 100 n\n", encoding="utf-8")
    else:
        (index_dir / pinyin.FILE).write_bytes(b"not a table")
    assert not pinyin.is_current(index_dir)
    with pytest.raises(AssertionError, match="built, not read"):
        hint_without_building(index_dir, monkeypatch)
    with search.open_index(index_dir) as ix:
        assert ix.search("内和").suggestion == "内核"  # built in memory
    build_index(tmp_path / "articles", index_dir, jobs=1)  # nothing to index, but the table is rewritten
    assert pinyin.is_current(index_dir)
    assert hint_without_building(index_dir, monkeypatch) == "内核"


def test_a_running_index_corrects_to_words_of_a_later_reindex(tmp_path):
    index_dir = reindexed(tmp_path)
    articles = tmp_path / "articles"
    (articles / "c.md").write_text("---\ntitle: c\n---\n\nkubernetes 集群。\n", encoding="utf-8")
    build_index(articles, index_dir, jobs=1)
    with search.open_index(index_dir) as ix:
        assert ix.search("kubernets").suggestion == "kubernetes"
        assert ix.search("prometeus").suggestion is None
        (articles / "d.md").write_text("---\ntitle: d\n---\n\nprometheus 监控。\n", encoding="utf-8")
        build_index(articles, index_dir, jobs=1)  # a segment more; the first ones' words are kept
        assert ix.search("prometeus").suggestion == "prometheus"
        assert ix.search("kubernets").suggestion == "kubernetes"
        (articles / "c.md").unlink()
        build_index(articles, index_dir, jobs=1, allow_delete=True, merge=True)  # one segment, c deleted
        assert ix.search("kubernets").suggestion is None
        assert ix.search("prometeus").suggestion == "prometheus"
