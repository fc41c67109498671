"""The reindex command: exit codes, messages, the JSON report, environment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import INDEXED_FILES
from helpers import ARTICLES_DIR as ARTICLES
from whoosh import fields
from whoosh import index as whoosh_index

from indexer.cli import main

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


def test_strict_exits_2_but_commits(runner, tmp_path):
    result = invoke(runner, ARTICLES, "--index", tmp_path / "ix", "--strict", "--jobs", "1")
    assert result.exit_code == 2
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
    whoosh_index.create_in(str(index_dir), fields.Schema(title=fields.TEXT(stored=True)))
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
