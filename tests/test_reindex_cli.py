"""The reindex command: exit codes, messages, the JSON report, environment."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import INDEXED_FILES
from helpers import ARTICLES_DIR as ARTICLES
from whoosh import fields
from whoosh import index as whoosh_index

from indexer.cli import EXIT_INTERRUPTED, EXIT_SKIPPED, main
from search.storage import open_whoosh_index

@pytest.fixture
def runner():
    # click < 8.2 mixes stderr into output unless told not to
    if "mix_stderr" in CliRunner.__init__.__code__.co_varnames:
        return CliRunner(mix_stderr=False)
    return CliRunner()


@pytest.fixture
def good_articles(tmp_path) -> Path:
    folder = tmp_path / "good"
    shutil.copytree(ARTICLES, folder)
    (folder / "broken-yaml.md").unlink()
    return folder


def invoke(runner, *args, env=None):
    result = runner.invoke(main, [str(a) for a in args], env=env)
    assert "Traceback" not in result.output + result.stderr
    return result


def test_build_prints_summary_and_skipped_files(runner, tmp_path):
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--jobs", "1")
    assert result.exit_code == 0
    count = len(INDEXED_FILES)
    assert f"{count} documents" in result.stdout
    assert f"added {count}, updated 0, deleted 0, unchanged 0, skipped 1, duplicate ids 0" in result.stdout
    assert "skipped broken-yaml.md: front matter is not valid YAML" in result.stderr


def test_strict_exits_3_but_commits(runner, tmp_path):
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--strict", "--jobs", "1")
    assert result.exit_code == EXIT_SKIPPED == 3
    assert "skipped broken-yaml.md" in result.stderr
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--jobs", "1")
    assert f"unchanged {len(INDEXED_FILES)}" in result.stdout  # the strict run did commit


def test_strict_without_skipped_files_exits_0(runner, tmp_path, good_articles):
    assert invoke(runner, good_articles, "--index", tmp_path / "ix", "--strict", "-j", "1").exit_code == 0


def test_quiet_prints_only_problems(runner, tmp_path):
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--quiet", "-j", "1")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith("skipped broken-yaml.md")


def test_report_file(runner, tmp_path):
    report_file = tmp_path / "report.json"
    invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--report", report_file, "-j", "1")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["documents"] == len(INDEXED_FILES) and report["added"] == INDEXED_FILES and report["committed"]
    assert report["skipped"][0]["path"] == "broken-yaml.md"
    assert report["duplicates"] == [] and report["elapsed_s"] >= 0


def test_environment_variables(runner, tmp_path, good_articles):
    env = {"ZHSEARCH_ARTICLES_DIR": str(good_articles), "ZHSEARCH_INDEX_DIR": str(tmp_path / "envix"),
           "ZHSEARCH_JOBS": "1"}
    result = invoke(runner, env=env)
    assert result.exit_code == 0 and f"{len(INDEXED_FILES)} documents" in result.stdout
    assert (tmp_path / "envix").is_dir()


@pytest.mark.parametrize(
    "args, message",
    [
        (["{tmp}/missing"], "Error: articles folder {tmp}/missing does not exist"),
        (["{articles}", "--index", "{tmp}/file.txt"], "Error: index folder {tmp}/file.txt is a file, not a folder"),
        (["{articles}", "--user-dict", "{tmp}/none.txt"], "Error: user dictionary {tmp}/none.txt does not exist"),
    ],
)
def test_user_mistakes_exit_1_with_one_error_line(runner, tmp_path, args, message):
    (tmp_path / "file.txt").write_text("x")
    fill = {"tmp": tmp_path, "articles": ARTICLES}
    result = invoke(runner, *[a.format(**fill) for a in args])
    assert result.exit_code == 1
    assert result.stderr.startswith(message.format(**fill))
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_jobs_value(runner, tmp_path):
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_missing_articles_argument(runner):
    result = invoke(runner)
    assert result.exit_code == 2 and "ARTICLES_DIR" in result.stderr


def test_incompatible_index_asks_for_full(runner, tmp_path, good_articles):
    index_dir = tmp_path / "old"
    index_dir.mkdir()
    schema = fields.Schema(title=fields.TEXT(stored=True), schema_v0=fields.STORED())  # an older version's mark
    whoosh_index.create_in(str(index_dir), schema)
    result = invoke(runner, good_articles, "--index", index_dir, "-j", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the index at {index_dir} was built by an incompatible version")
    assert "--full" in result.stderr
    assert invoke(runner, good_articles, "--index", index_dir, "--full", "-j", "1").exit_code == 0


def test_unwritable_index_folder(runner, tmp_path, good_articles):
    index_dir = tmp_path / "ro"
    index_dir.mkdir()
    index_dir.chmod(0o500)
    try:
        result = invoke(runner, good_articles, "--index", index_dir, "-j", "1")
    finally:
        index_dir.chmod(0o700)
    if result.exit_code == 0:
        pytest.skip("running as a user who can write anywhere")
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: index folder {index_dir} is not writable")


def test_version(runner):
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"reindex, version {importlib.metadata.version('zhsearch')}"


def test_unknown_option_exits_2(runner, tmp_path):
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--fulll")
    assert result.exit_code == 2 and "No such option" in result.stderr and "--fulll" in result.stderr


def test_summary_names_the_index_folder_absolute(runner, tmp_path, good_articles, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, "good", "--index", "ix", "-j", "1")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Index {tmp_path / 'ix'} rebuilt in ")


def test_merge_leaves_one_segment_that_finds_everything(runner, tmp_path, good_articles):
    import search

    invoke(runner, good_articles, "--index", tmp_path / "ix", "-j", "1")
    (good_articles / "later.md").write_text("---\ntitle: 后来\n---\n\n后来加上的待处理器文章。\n", encoding="utf-8")
    invoke(runner, good_articles, "--index", tmp_path / "ix", "-j", "1")
    assert len(list((tmp_path / "ix").glob("*.lit"))) == 2
    with search.open_index(tmp_path / "ix", warm=False) as index:
        before = {q: sorted(h.key for h in index.search(q, per_page=50)) for q in ("处理", "后来", "文章")}
    result = invoke(runner, good_articles, "--index", tmp_path / "ix", "-j", "1", "--merge")
    assert result.exit_code == 0 and ", merged in " in result.stdout and "documents, 1 segment." in result.stdout
    assert len(list((tmp_path / "ix").glob("*.lit"))) == 1  # the old segments' literal files went with them
    with search.open_index(tmp_path / "ix", warm=False) as index:
        assert {q: sorted(h.key for h in index.search(q, per_page=50)) for q in before} == before
        assert before["处理"]  # 待处理器: found by the literal files of the merged segment


def test_foreign_index_folder_exits_1_and_is_untouched(runner, tmp_path, good_articles):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "MAIN_notes.txt").write_text("笔记\n", encoding="utf-8")
    (folder / "_MAIN_backup.txt").write_text("备份\n", encoding="utf-8")
    result = invoke(runner, good_articles, "--index", folder, "-j", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: index folder {folder} is not empty and holds no zhsearch index (MAIN_notes.txt, _MAIN_backup.txt)"
    )
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(os.listdir(folder)) == ["MAIN_notes.txt", "_MAIN_backup.txt"]
    assert (folder / "MAIN_notes.txt").read_text(encoding="utf-8") == "笔记\n"


def test_empty_articles_folder_exits_1_unless_allow_delete(runner, tmp_path, good_articles):
    index_dir = tmp_path / "ix"
    assert invoke(runner, good_articles, "--index", index_dir, "-j", "1").exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke(runner, empty, "--index", index_dir, "-j", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: refusing to delete 9 of the 9 indexed articles (all of them: ")
    assert "--allow-delete" in result.stderr
    assert "unchanged 9" in invoke(runner, good_articles, "--index", index_dir, "-j", "1").stdout
    result = invoke(runner, empty, "--index", index_dir, "--allow-delete", "-j", "1")
    assert result.exit_code == 0 and "deleted 9" in result.stdout and "0 documents" in result.stdout


def test_identical_files_and_bad_dates_are_reported(runner, tmp_path, good_articles):
    shutil.copyfile(good_articles / "crlf.md", good_articles / "copy-of-crlf.md")
    (good_articles / "odd-date.md").write_text("---\ntitle: 日期\ndate: 上个月\n---\n\n正文\n", encoding="utf-8")
    report_file = tmp_path / "report.json"
    result = invoke(runner, good_articles, "--index", tmp_path / "ix", "--report", report_file, "-j", "1")
    assert result.exit_code == 0
    assert "identical files: copy-of-crlf.md, crlf.md (the same bytes; each is indexed)" in result.stderr
    assert "warning odd-date.md: date: not a date: '上个月'; ignored" in result.stderr
    assert "11 documents" in result.stdout and "identical files 2" in result.stdout
    assert json.loads(report_file.read_text(encoding="utf-8"))["identical"] == [["copy-of-crlf.md", "crlf.md"]]


def many_articles(folder: Path, count: int, word: str) -> None:
    for n in range(count):
        path = folder / f"{n % 7}" / f"{n:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = f"第{n}篇{word}文章。" + "数据库的索引和查询优化是本文的主题。" * 200
        path.write_text(f"---\nid: {n}\ntitle: 第{n}篇\n---\n\n{body}\n", encoding="utf-8")


def test_ctrl_c_exits_130_and_keeps_the_index(tmp_path):
    folder, index_dir = tmp_path / "articles", tmp_path / "ix"
    many_articles(folder, 40, "旧版")
    command = [sys.executable, "-m", "indexer", str(folder), "--index", str(index_dir), "--quiet", "--jobs", "2"]
    assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    many_articles(folder, 400, "新版")
    # Ctrl-C as at a terminal, even when the tests run with SIGINT ignored (started in the background)
    process = subprocess.Popen([*command, "--full"], stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not list(index_dir.glob("MAIN.tmp")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)  # Whoosh's scratch folder: the writer is open
    time.sleep(0.3)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED == 130
    assert stderr.strip() == "Interrupted: the index keeps its last committed state."
    ix = open_whoosh_index(index_dir)
    assert ix.doc_count() == 40
    ix.close()
