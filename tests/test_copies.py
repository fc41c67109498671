"""Finding article files with identical contents."""

from __future__ import annotations

from indexer.copies import HEAD_BYTES, identical_files
from indexer.walk import find_articles


def groups(root):
    files, _ = find_articles(root)
    return identical_files(files)


def test_same_bytes_are_grouped_same_size_is_not_enough(tmp_path):
    (tmp_path / "a.md").write_text("正文甲", encoding="utf-8")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.md").write_text("正文甲", encoding="utf-8")
    (tmp_path / "b.md").write_text("正文乙", encoding="utf-8")  # the same size
    (tmp_path / "c.md").write_text("正文甲。", encoding="utf-8")
    assert groups(tmp_path) == [["a.md", "x/a.md"]]


def test_long_files_differing_after_the_head_are_told_apart(tmp_path):
    head = "相同的开头。" * HEAD_BYTES
    for name, tail in [("1.md", "结尾一"), ("2.md", "结尾二"), ("3.md", "结尾一")]:
        (tmp_path / name).write_text(head + tail, encoding="utf-8")
    assert groups(tmp_path) == [["1.md", "3.md"]]


def test_several_groups_are_sorted(tmp_path):
    for name, text in [("d.md", "乙"), ("b.md", "甲"), ("c.md", "乙"), ("a.md", "甲"), ("e.md", "乙")]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert groups(tmp_path) == [["a.md", "b.md"], ["c.md", "d.md", "e.md"]]
