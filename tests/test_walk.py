"""Finding the article files under a folder."""

from __future__ import annotations

import os

from indexer.walk import find_articles


def write(path, text="正文"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def relpaths(root):
    files, problems = find_articles(root)
    return [f.relpath for f in files], problems


def test_recursive_sorted_and_only_markdown(tmp_path):
    for name in ["b.md", "a/c.md", "a/b/d.MD", "notes.txt", "image.png", "a/readme.markdown"]:
        write(tmp_path / name)
    found, problems = relpaths(tmp_path)
    assert found == ["a/b/d.MD", "a/c.md", "b.md"]
    assert problems == []


def test_hidden_files_and_folders_are_skipped(tmp_path):
    for name in [".draft.md", ".git/x.md", "a/.cache/y.md", "a/visible.md"]:
        write(tmp_path / name)
    assert relpaths(tmp_path) == (["a/visible.md"], [])


def test_symlink_loop_does_not_hang(tmp_path):
    write(tmp_path / "a/one.md")
    os.symlink(tmp_path, tmp_path / "a/loop")
    os.symlink(tmp_path / "a", tmp_path / "a/self")
    found, _ = relpaths(tmp_path)
    assert found == ["a/one.md"]


def test_symlinked_folder_outside_is_followed(tmp_path):
    outside = tmp_path / "outside"
    write(outside / "x.md")
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside, root / "linked")
    assert relpaths(root)[0] == ["linked/x.md"]


def test_broken_symlink_is_reported(tmp_path):
    write(tmp_path / "ok.md")
    os.symlink(tmp_path / "missing.md", tmp_path / "gone.md")
    found, problems = relpaths(tmp_path)
    assert found == ["ok.md"]
    assert problems == [("gone.md", "broken symbolic link")]


def test_fingerprint_follows_size_and_mtime(tmp_path):
    write(tmp_path / "a.md", "一")
    os.utime(tmp_path / "a.md", ns=(1_000_000_000, 2_000_000_000))
    (file,), _ = find_articles(tmp_path)
    assert file.fingerprint == f"{len('一'.encode())}:2000000000"
