"""The guards of a build: whose folder it writes into, which files it deletes,
and how many articles it may delete."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from whoosh import fields
from whoosh import index as whoosh_index

from indexer import BuildError, build_index
from search import pinyin
from search.storage import MARKER, is_index_file, open_whoosh_index, write_marker

#: Files a user may keep in a folder, named the way Whoosh names its own.
LOOKALIKES = {
    "MAIN_notes.txt": "我的笔记\n",
    "MAIN_2019.csv": "year,count\n2019,3\n",
    "_MAIN_backup.txt": "备份说明\n",
    "MAIN_WRITELOCK.txt": "不是锁\n",
}


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {path.stem}\n---\n\n{body}\n", encoding="utf-8")
    return path


def articles(folder: Path, count: int) -> Path:
    for n in range(count):
        write(folder, f"{n:03d}.md", f"第{n}篇文章讲述季风和降水。")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its contents and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def doc_count(index_dir: Path) -> int:
    ix = open_whoosh_index(index_dir)
    try:
        return ix.doc_count()
    finally:
        ix.close()


def generation(index_dir: Path) -> int:
    return whoosh_index.open_dir(str(index_dir)).latest_generation()


# Whose folder


def test_foreign_folder_is_refused_and_left_untouched(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    for name, text in LOOKALIKES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "photos").mkdir()
    (folder / "photos" / "MAIN_a.jpg").write_bytes(b"\xff\xd8")
    before = snapshot(folder)
    with pytest.raises(BuildError) as info:
        build_index(articles(tmp_path / "articles", 3), folder, jobs=1)
    message = str(info.value)
    assert message.startswith(f"index folder {folder} is not empty and holds no zhsearch index (")
    assert "MAIN_2019.csv, MAIN_WRITELOCK.txt, MAIN_notes.txt and 2 more" in message
    assert snapshot(folder) == before
    assert sorted(os.listdir(folder)) == sorted([*LOOKALIKES, "photos"])  # not even a lock file


def test_plain_whoosh_index_is_not_ours(tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    whoosh_index.create_in(str(folder), fields.Schema(title=fields.TEXT(stored=True)))
    before = snapshot(folder)
    with pytest.raises(BuildError, match="holds no zhsearch index"):
        build_index(articles(tmp_path / "articles", 3), folder, full=True, jobs=1)
    assert snapshot(folder) == before


@pytest.mark.parametrize("existing", [None, [], [".gitkeep"]])
def test_new_or_empty_folder_gets_an_index_and_the_marker(tmp_path, existing):
    folder = tmp_path / "ix"
    if existing is not None:
        folder.mkdir()
        for name in existing:
            (folder / name).write_text("")
    report = build_index(articles(tmp_path / "articles", 3), folder, jobs=1)
    assert report.documents == 3 and (folder / MARKER).is_file()
    assert all((folder / name).exists() for name in existing or [])


def test_index_from_before_the_marker_is_adopted(tmp_path):
    folder = tmp_path / "ix"
    source = articles(tmp_path / "articles", 3)
    build_index(source, folder, jobs=1)
    (folder / MARKER).unlink()  # as an index written before there was a marker
    write(source, "new.md", "新加的一篇讲述台风。")
    report = build_index(source, folder, jobs=1)
    assert report.added == ["new.md"] and report.documents == 4
    assert (folder / MARKER).is_file()


# Which files a commit deletes


def test_lookalike_files_in_an_index_folder_survive_every_kind_of_commit(tmp_path):
    folder = tmp_path / "ix"
    source = articles(tmp_path / "articles", 4)
    build_index(source, folder, jobs=1)
    for name, text in LOOKALIKES.items():
        (folder / name).write_text(text, encoding="utf-8")
    write(source, "000.md", "改写后的文章讲述冰雹。")
    os.utime(source / "000.md", ns=(0, 10**18))
    assert build_index(source, folder, jobs=1).updated == ["000.md"]  # incremental: merges segments
    assert build_index(source, folder, full=True, jobs=1).committed  # a rebuild clears the old segments
    for name, text in LOOKALIKES.items():
        assert (folder / name).read_text(encoding="utf-8") == text
    assert doc_count(folder) == 4


def test_a_rebuild_over_an_incompatible_index_keeps_lookalike_files(tmp_path):
    folder = tmp_path / "ix"
    folder.mkdir()
    schema = fields.Schema(title=fields.TEXT(stored=True), schema_v0=fields.STORED())
    whoosh_index.create_in(str(folder), schema)
    (folder / "_MAIN_backup.txt").write_text("备份说明\n", encoding="utf-8")
    report = build_index(articles(tmp_path / "articles", 2), folder, full=True, jobs=1)
    assert report.documents == 2
    assert (folder / "_MAIN_backup.txt").read_text(encoding="utf-8") == "备份说明\n"


def test_commits_still_delete_the_files_of_old_segments(tmp_path):
    """Whoosh's clean-up goes on, including files named after a segment by
    others (such as a per-segment cache file): they go with their segment."""
    folder = tmp_path / "ix"
    source = articles(tmp_path / "articles", 3)
    build_index(source, folder, jobs=1)
    first = {name for name in os.listdir(folder) if name.startswith("MAIN_") and "." in name}
    segment_id = next(iter(first)).split(".")[0]
    (folder / f"{segment_id}.lit").write_bytes(b"cache")
    build_index(source, folder, full=True, jobs=1)
    left = set(os.listdir(folder))
    assert not (first | {f"{segment_id}.lit"}) & left
    assert any(name.startswith("MAIN_") and "." in name for name in left)  # the new segment


def test_every_file_whoosh_writes_is_an_index_file(tmp_path):
    folder = tmp_path / "ix"
    source = articles(tmp_path / "articles", 3)
    build_index(source, folder, jobs=1)
    write(source, "more.md", "又一篇讲述霜冻。")
    build_index(source, folder, jobs=1)  # two segments, a second generation
    ours = {MARKER, ".reindex.lock", pinyin.FILE}
    names = set(os.listdir(folder)) - ours
    assert names and all(is_index_file(name) for name in names), sorted(names)
    assert not any(is_index_file(name) for name in [*LOOKALIKES, MARKER, "jieba_userdict.txt", "notes.md"])


# How many articles a build may delete


def test_empty_articles_folder_is_refused_and_the_index_kept(tmp_path):
    folder = tmp_path / "ix"
    build_index(articles(tmp_path / "articles", 4), folder, jobs=1)
    before, gen = snapshot(folder), generation(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    for full in (False, True):
        with pytest.raises(BuildError) as info:
            build_index(empty, folder, full=full, jobs=1)
        message = str(info.value)
        assert message.startswith("refusing to delete 4 of the 4 indexed articles (all of them: 000.md, 001.md, 002.md, ...)")
        assert f"their files are not in {empty}" in message and "--allow-delete" in message
    assert snapshot(folder) == before and generation(folder) == gen and doc_count(folder) == 4


def test_wrong_articles_folder_is_refused(tmp_path):
    folder = tmp_path / "ix"
    build_index(articles(tmp_path / "articles", 3), folder, jobs=1)
    other = tmp_path / "other"
    write(other, "unrelated.md", "另一个档案的文章。")
    with pytest.raises(BuildError, match=r"refusing to delete 3 of the 3 indexed articles \(all of them"):
        build_index(other, folder, jobs=1)
    assert doc_count(folder) == 3


@pytest.mark.parametrize("removed, refused", [(3, True), (2, False)])
def test_more_than_half_is_refused_half_is_not(tmp_path, removed, refused):
    folder, source = tmp_path / "ix", articles(tmp_path / "articles", 4)
    build_index(source, folder, jobs=1)
    for n in range(removed):
        (source / f"{n:03d}.md").unlink()
    if refused:
        with pytest.raises(BuildError, match=r"refusing to delete 3 of the 4 indexed articles \(more than half"):
            build_index(source, folder, jobs=1)
        assert doc_count(folder) == 4
    else:
        assert build_index(source, folder, jobs=1).deleted == ["000.md", "001.md"]


def test_allow_delete_empties_the_index(tmp_path):
    folder = tmp_path / "ix"
    build_index(articles(tmp_path / "articles", 4), folder, jobs=1)
    empty = tmp_path / "empty"
    empty.mkdir()
    report = build_index(empty, folder, jobs=1, allow_delete=True)
    assert len(report.deleted) == 4 and report.documents == 0 and report.committed
    assert doc_count(folder) == 0


def test_a_new_index_from_an_empty_folder_is_fine(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    report = build_index(empty, tmp_path / "ix", jobs=1)
    assert report.documents == 0 and report.deleted == []


def test_report_names_folders_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    articles(tmp_path / "articles", 1)
    report = build_index("articles", "ix", jobs=1)
    assert report.index_dir == str(tmp_path / "ix") and report.articles_dir == str(tmp_path / "articles")
    shutil.rmtree(tmp_path / "articles")
    with pytest.raises(BuildError, match=f"articles folder {tmp_path / 'articles'} does not exist"):
        build_index("articles", "ix", jobs=1)


def test_a_folder_marked_while_it_is_listed_is_ours(tmp_path, monkeypatch):
    """Another build creating an index writes the marker first; a check
    that lists the folder just after it is written still accepts it."""
    from indexer import folders

    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    listdir = os.listdir

    def marked_meanwhile(path):
        write_marker(index_dir)
        return listdir(path)

    monkeypatch.setattr(folders.os, "listdir", marked_meanwhile)
    folders.check_ours(index_dir)  # raised before: the marker was listed as a foreign file
