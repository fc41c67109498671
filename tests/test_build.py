"""build_index: full and incremental builds, keys, locking, a killed build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ARTICLE_FILES, INDEXED_FILES
from helpers import ARTICLES_DIR as ARTICLES
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.query import Term

from indexer import BuildError, build_index, parallel
from indexer import build as build_module
from indexer.identity import path_key
from indexer.lock import reindex_lock
from search.errors import IncompatibleIndexError
from search.schema import SCHEMA_VERSION
from search.storage import open_whoosh_index


def write(folder: Path, name: str, body: str, article_id=None, title: str | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = f"id: {article_id}\n" if article_id is not None else ""
    meta += f"title: {title or path.stem}\n"
    path.write_text(f"---\n{meta}---\n\n{body}\n", encoding="utf-8")
    return path


def touch_later(path: Path) -> None:
    """Make sure the file's mtime differs from the one indexed."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def keys_of(index_dir: Path, field: str, word: str) -> list[str]:
    """Keys of the documents whose ``field`` has ``word``, sorted."""
    ix = open_whoosh_index(index_dir)
    with ix.searcher() as searcher:
        keys = sorted(hit["key"] for hit in searcher.search(Term(field, word), limit=None))
    ix.close()
    return keys


def stored(index_dir: Path) -> dict[str, dict]:
    """Stored fields of every document, by path."""
    ix = open_whoosh_index(index_dir)
    with ix.searcher() as searcher:
        docs = {doc["path"]: doc for doc in searcher.all_stored_fields()}
    ix.close()
    return docs


@pytest.fixture
def articles(tmp_path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    return folder


def test_build_of_test_articles(articles, tmp_path):
    report = build_index(articles, tmp_path / "ix", jobs=1)
    assert report.skipped == [("broken-yaml.md", report.skipped[0][1])]
    assert "front matter is not valid YAML" in report.skipped[0][1]
    assert report.documents == len(INDEXED_FILES) and report.added == INDEXED_FILES and report.committed
    assert report.full  # a new index is a full build
    assert keys_of(tmp_path / "ix", "body", "防火墙") == ["9002"]
    assert keys_of(tmp_path / "ix", "title", "备份") == [path_key("随手笔记.md")]
    assert keys_of(tmp_path / "ix", "body", "奥运会") == ["9006"]  # the GB18030 file
    assert stored(tmp_path / "ix")["运维/firewall.md"]["category"] == "运维"


def test_rerun_without_changes_writes_nothing(articles, tmp_path):
    build_index(articles, tmp_path / "ix", jobs=1)
    generation = whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation()
    report = build_index(articles, tmp_path / "ix", jobs=1)
    assert (report.unchanged, report.added, report.updated, report.deleted) == (len(INDEXED_FILES), [], [], [])
    assert not report.committed and report.documents == len(INDEXED_FILES)
    assert len(report.skipped) == 1  # still reported
    assert whoosh_index.open_dir(str(tmp_path / "ix")).latest_generation() == generation


def test_incremental_add_change_delete(articles, tmp_path):
    index_dir = tmp_path / "ix"
    build_index(articles, index_dir, jobs=1)
    write(articles, "new/added.md", "新增的文章讲述天文望远镜。", article_id=9100)
    changed = write(articles, "kernel-release.md", "内容改成了数据库迁移。", article_id=9001, title="改过的标题")
    touch_later(changed)
    (articles / "utf16.md").unlink()

    report = build_index(articles, index_dir, jobs=1)
    assert report.added == ["new/added.md"]
    assert report.updated == ["kernel-release.md"]
    assert report.deleted == ["utf16.md"]
    assert report.unchanged == len(INDEXED_FILES) - 2 and report.documents == len(INDEXED_FILES) and report.committed
    assert keys_of(index_dir, "body", "望远镜") == ["9100"]
    assert keys_of(index_dir, "body", "迁移") == ["9001"]
    assert keys_of(index_dir, "body", "wireguard") == []
    assert "utf16.md" not in stored(index_dir)
    assert stored(index_dir)["kernel-release.md"]["title"] == "改过的标题"


def test_file_that_becomes_unreadable_leaves_the_index(articles, tmp_path):
    index_dir = tmp_path / "ix"
    build_index(articles, index_dir, jobs=1)
    bad = articles / "kernel-release.md"
    bad.write_bytes(b"\x00\x01binary")
    touch_later(bad)
    report = build_index(articles, index_dir, jobs=1)
    assert ("kernel-release.md", "binary data, not text (NUL bytes)") in report.skipped
    assert "kernel-release.md" not in stored(index_dir)
    assert report.documents == len(INDEXED_FILES) - 1


def test_legacy_encodings_are_indexed_or_reported(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    article = "---\ntitle: {}\n---\n\n{}\n"
    (folder / "big5.md").write_bytes(article.format("繁體中文的舊文章", "這篇文章介紹防火牆的設定方法與注意事項。").encode("big5"))
    (folder / "sjis.md").write_bytes(article.format("日本語の記事", "ファイアウォールの設定方法を説明します。").encode("shift_jis"))
    (folder / "short.md").write_bytes(article.format("網路", "繁體").encode("big5"))
    report = build_index(folder, tmp_path / "ix", jobs=1)
    assert report.skipped == [("short.md", "not UTF-8 (invalid start byte at byte 11), and too little text to tell its encoding")]
    docs = stored(tmp_path / "ix")
    assert (docs["big5.md"]["title"], docs["sjis.md"]["title"]) == ("繁體中文的舊文章", "日本語の記事")


def test_full_rebuild_replaces_everything(articles, tmp_path):
    index_dir = tmp_path / "ix"
    build_index(articles, index_dir, jobs=1)
    (articles / "crlf.md").unlink()
    report = build_index(articles, index_dir, full=True, jobs=1)
    assert report.full and report.deleted == ["crlf.md"]
    assert report.added == [f for f in INDEXED_FILES if f != "crlf.md"] and report.documents == len(INDEXED_FILES) - 1
    assert keys_of(index_dir, "body", "防火墙") == ["9002"]


def test_duplicate_ids_keep_both_files(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "a.md", "第一篇讲述火山。", article_id=7)
    write(folder, "b.md", "第二篇讲述冰川。", article_id=7)
    report = build_index(folder, tmp_path / "ix", jobs=1)
    assert report.duplicates == [("7", ["a.md", "b.md"])]
    assert keys_of(tmp_path / "ix", "body", "火山") == ["7"]
    assert keys_of(tmp_path / "ix", "body", "冰川") == [path_key("b.md")]


def test_keys_stay_consistent_incrementally(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    write(folder, "b.md", "这篇讲述沙漠。", article_id=7)
    write(folder, "c.md", "这篇讲述森林。", article_id=8)
    build_index(folder, index_dir, jobs=1)
    assert keys_of(index_dir, "body", "沙漠") == ["7"]

    write(folder, "a.md", "新来的讲述海洋。", article_id=7)  # sorts first: takes the id
    report = build_index(folder, index_dir, jobs=1)
    assert report.added == ["a.md"] and report.updated == ["b.md"] and report.unchanged == 1
    assert keys_of(index_dir, "body", "海洋") == ["7"]
    assert keys_of(index_dir, "body", "沙漠") == [path_key("b.md")]

    (folder / "a.md").unlink()  # b.md gets its id back
    report = build_index(folder, index_dir, jobs=1)
    assert report.deleted == ["a.md"] and report.updated == ["b.md"]
    assert keys_of(index_dir, "body", "沙漠") == ["7"]
    assert report.documents == 2


def test_id_shaped_like_a_path_key_is_not_used(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "b.md", "这篇讲述草原。", article_id=path_key("a.md"))
    write(folder, "a.md", "这篇讲述湖泊。")
    build_index(folder, tmp_path / "ix", jobs=1)
    assert keys_of(tmp_path / "ix", "body", "草原") == [path_key("b.md")]
    assert keys_of(tmp_path / "ix", "body", "湖泊") == [path_key("a.md")]


def test_parallel_build_indexes_every_file(tmp_path, capsys):
    folder = tmp_path / "articles"
    count = 320
    for n in range(count):
        write(folder, f"{n // 100}/{n:04d}.md", f"第{n}篇文章讲述编号{n}和分布式系统。", article_id=n)
    report = build_index(folder, tmp_path / "ix", jobs=2, progress=True)
    assert report.documents == count and len(report.added) == count
    bars = capsys.readouterr().err  # the stages after reading the files have bars of their own
    assert bars.index("indexing: 100%") < bars.index("writing segments") < bars.index("committing: ")
    assert len(keys_of(tmp_path / "ix", "body", "分布式")) == count
    write(folder, "0/0007.md", "改写后的第七篇讲述量子计算。", article_id=7)
    touch_later(folder / "0/0007.md")
    report = build_index(folder, tmp_path / "ix", jobs=2)
    assert report.updated == ["0/0007.md"] and report.documents == count
    assert keys_of(tmp_path / "ix", "body", "量子") == ["7"]


@pytest.mark.parametrize("total", [1_000, 17_999, 18_000, 36_001, 55_800, 558_000, 1_000_003])
@pytest.mark.parametrize("jobs", [2, 3])
def test_batches_are_even_and_every_process_has_one_to_the_end(monkeypatch, total, jobs):
    monkeypatch.setattr(parallel, "BATCH_BYTES", 18_000)
    limit = parallel.batch_limit(total, jobs)
    batches = -(-total // limit)
    assert limit <= parallel.BATCH_BYTES
    assert batches % jobs == 0, (limit, batches)  # no process idle while another writes a last batch
    assert batches == jobs * -(-total // (jobs * parallel.BATCH_BYTES))  # and no more segments than that needs


def test_parallel_build_writes_even_batches(tmp_path, monkeypatch):
    """12 files of one size with room for 5 a batch: 4 batches of 3 (two
    rounds of two processes), not 5 + 5 + 2, where the last round has one."""
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    folder = tmp_path / "articles"
    paths = [write(folder, f"{n:02d}.md", f"第{n:02d}篇文章讲述分布式系统。") for n in range(12)]
    assert len({path.stat().st_size for path in paths}) == 1
    monkeypatch.setattr(parallel, "BATCH_BYTES", 5 * paths[0].stat().st_size)
    report = build_index(folder, tmp_path / "ix", jobs=2, merge=False)
    assert report.documents == 12 and report.segments == 4
    ix = open_whoosh_index(tmp_path / "ix")
    assert sorted(segment.doc_count() for segment in ix._segments()) == [3, 3, 3, 3]
    ix.close()


def test_a_full_build_merges_its_batches_into_one_segment_and_an_update_does_not(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    folder = tmp_path / "articles"
    paths = [write(folder, f"{n:02d}.md", f"第{n:02d}篇文章讲述分布式系统。") for n in range(12)]
    monkeypatch.setattr(parallel, "BATCH_BYTES", 3 * paths[0].stat().st_size)
    report = build_index(folder, tmp_path / "ix", jobs=2)
    assert report.merged and report.segments == 1 and report.documents == 12
    write(folder, "later.md", "后来的文章讲述调度。")
    report = build_index(folder, tmp_path / "ix", jobs=1)
    assert not report.merged and report.segments == 2 and report.documents == 13
    report = build_index(folder, tmp_path / "ix", full=True, jobs=2, merge=False)
    assert not report.merged and report.segments > 1


def test_progress_bar_shows_the_commit_as_a_stage(articles, tmp_path, capsys):
    build_index(articles, tmp_path / "ix", jobs=1, progress=True)
    bars = capsys.readouterr().err
    assert "indexing: 100%" in bars and "10/10" in bars
    assert bars.rindex("10/10") < bars.index("committing: ")


def test_identical_files_are_reported_and_each_indexed(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "a.md", "这篇讲述火山的形成。", article_id=5)
    (folder / "copy").mkdir()
    shutil.copyfile(folder / "a.md", folder / "copy" / "a.md")
    write(folder, "b.md", "这篇讲述火山的形成。", article_id=6)  # the same size, other bytes
    write(folder, "c.md", "这篇讲述冰川的消融。", article_id=7)
    report = build_index(folder, tmp_path / "ix", jobs=1)
    assert report.identical == [["a.md", "copy/a.md"]]
    assert report.duplicates == [("5", ["a.md", "copy/a.md"])]  # so the first path keeps the id
    assert keys_of(tmp_path / "ix", "body", "火山") == sorted(["5", "6", path_key("copy/a.md")])
    again = build_index(folder, tmp_path / "ix", jobs=1)
    assert not again.committed and again.identical == [["a.md", "copy/a.md"]]  # reported on every run


def test_progress_callback(articles, tmp_path):
    calls = []
    build_index(articles, tmp_path / "ix", jobs=1, progress=lambda done, total: calls.append((done, total)))
    files = len(ARTICLE_FILES)  # the skipped file counts as done too
    assert calls[0] == (0, files) and calls[-1] == (files, files) and len(calls) == files + 1


def older_index(index_dir: Path) -> Path:
    """An index with the schema version mark of an older version, and no marker file."""
    index_dir.mkdir()
    older_mark = f"schema_v{SCHEMA_VERSION - 1}"
    whoosh_index.create_in(str(index_dir), fields.Schema(title=fields.TEXT(stored=True), **{older_mark: fields.STORED()}))
    return index_dir


def test_incompatible_index_needs_full(articles, tmp_path):
    index_dir = older_index(tmp_path / "ix")
    with pytest.raises(IncompatibleIndexError, match="--full"):
        build_index(articles, index_dir, jobs=1)
    report = build_index(articles, index_dir, full=True, jobs=1)
    assert report.documents == len(INDEXED_FILES)


def build_with_user_dictionary(tmp_path: Path) -> Path:
    """Index ``a.md`` under ``tmp_path/articles`` into ``tmp_path/ix`` with a user
    dictionary that has its word 甲乙丙丁戊; return the articles folder."""
    folder = tmp_path / "articles"
    write(folder, "a.md", "我们测试甲乙丙丁戊这个新词。")
    dictionary = tmp_path / "words.txt"
    dictionary.write_text("甲乙丙丁戊 100 n\n", encoding="utf-8")
    build_index(folder, tmp_path / "ix", jobs=1, user_dictionary=dictionary)
    return folder


def test_user_dictionary(tmp_path):
    build_with_user_dictionary(tmp_path)
    assert keys_of(tmp_path / "ix", "body", "甲乙丙丁戊") == [path_key("a.md")]


def test_searchers_segment_queries_with_the_index_user_dictionary(tmp_path):
    folder = build_with_user_dictionary(tmp_path)
    write(folder, "b.md", "另一篇也提到甲乙丙丁戊。")
    build_index(folder, tmp_path / "ix", jobs=1)  # incremental, no --user-dict: the kept one applies
    assert keys_of(tmp_path / "ix", "body", "甲乙丙丁戊") == sorted([path_key("a.md"), path_key("b.md")])
    # A fresh process that only opens the index segments the query the same way.
    script = (
        "import sys, search\n"
        "from search.analysis import iter_words\n"
        "search.open_index(sys.argv[1], warm=False).close()\n"
        "print([w for w, *_ in iter_words('甲乙丙丁戊')][0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "ix")], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "甲乙丙丁戊"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"articles_dir": "missing"}, "articles folder .*missing does not exist"),
        ({"index_dir": "afile"}, "index folder .*afile is a file"),
        ({"jobs": 0}, "jobs must be a positive integer, got 0"),
        ({"user_dictionary": "nope.txt"}, "user dictionary .*nope.txt does not exist"),
    ],
)
def test_user_mistakes(articles, tmp_path, kwargs, message):
    (tmp_path / "afile").write_text("x")
    options = {"articles_dir": articles, "index_dir": tmp_path / "ix", "jobs": 1}
    options.update({k: tmp_path / v if isinstance(v, str) and k != "jobs" else v for k, v in kwargs.items()})
    with pytest.raises(BuildError, match=message):
        build_index(**options)


def test_second_build_waits_then_gives_up(articles, tmp_path):
    index_dir = tmp_path / "ix"
    index_dir.mkdir()
    with reindex_lock(index_dir):
        with pytest.raises(BuildError, match="another reindex of .* is still running"):
            build_index(articles, index_dir, jobs=1, lock_timeout=0.3)
    assert build_index(articles, index_dir, jobs=1).documents == len(INDEXED_FILES)


def run_indexer(articles: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", str(articles), "--index", str(index_dir), "--quiet", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def many_articles(folder: Path, count: int, word: str) -> None:
    for n in range(count):
        body = f"第{n}篇{word}文章。" + "数据库的索引和查询优化是本文的主题。" * 200
        write(folder, f"{n % 7}/{n:04d}.md", body, article_id=n)


def test_concurrent_builds_do_not_corrupt(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    count = 150
    many_articles(folder, count, "并发")
    first = run_indexer(folder, index_dir, "--jobs", "1")
    second = run_indexer(folder, index_dir, "--jobs", "1")
    results = [p.communicate(timeout=120) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), results
    assert open_whoosh_index(index_dir).doc_count() == count
    assert len(keys_of(index_dir, "body", "并发")) == count


def wait_for_writing(index_dir: Path, process: subprocess.Popen, before: set[str]) -> None:
    """Wait until the build has written something new into the index folder."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if set(os.listdir(index_dir)) - before:
            return
        time.sleep(0.02)
    pytest.fail(f"the build did not start writing (exit status {process.poll()})")


def child_pids(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as file:
        return [int(child) for child in file.read().split()]


def wait_for_children(process: subprocess.Popen) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        children = child_pids(process.pid)
        if children:
            return children
        time.sleep(0.02)
    pytest.fail("the build started no worker process")


def wait_until_gone(pids: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_build_leaves_previous_index_usable(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    count = 400
    many_articles(folder, count, "旧版")
    assert run_indexer(folder, index_dir, "--jobs", "2").wait(timeout=180) == 0
    shutil.rmtree(folder)
    many_articles(folder, count, "新版")
    before = set(os.listdir(index_dir))

    process = run_indexer(folder, index_dir, "--full", "--jobs", "2")
    wait_for_writing(index_dir, process, before)
    children = wait_for_children(process)
    time.sleep(0.3)
    assert process.poll() is None, "the build ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert wait_until_gone(children), "worker processes outlived the build"

    assert open_whoosh_index(index_dir).doc_count() == count
    assert len(keys_of(index_dir, "body", "旧版")) == count
    report = build_index(folder, index_dir, full=True, jobs=2, lock_timeout=10)
    assert report.documents == count
    assert len(keys_of(index_dir, "body", "新版")) == count
    assert keys_of(index_dir, "body", "旧版") == []


def test_segments_without_ids_are_read_back(tmp_path):
    """Whoosh misreads a column missing from one segment; incremental runs must not."""
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    write(folder, "a.md", "有编号的文章讲述河流。", article_id=1)
    build_index(folder, index_dir, jobs=1)
    write(folder, "b.md", "没有编号的文章讲述山脉。")
    build_index(folder, index_dir, jobs=1)
    write(folder, "c.md", "又一篇讲述平原。", article_id=3)
    report = build_index(folder, index_dir, jobs=1)
    assert report.added == ["c.md"] and report.unchanged == 2
    report = build_index(folder, index_dir, jobs=1)
    assert report.unchanged == 3 and not report.committed
