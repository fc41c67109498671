"""reindex --publish: a replica folder gets a committed generation, TOC
last, so that its readers switch to it without a failed search."""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from gunicorn_server import gunicorn

import search
from indexer import BuildError, build_index
from indexer import publish as publish_module
from indexer.cli import main
from indexer.publish import publish
from search.storage import MARKER


def write_articles(folder: Path, word: str, count: int = 12) -> Path:
    for n in range(count):
        path = folder / f"{n:02d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: {n}\ntitle: 第{n}篇\n---\n\n第{n}篇文章讲述{word}的部署。\n", encoding="utf-8")
    return folder


def rebuild(tmp_path: Path, word: str, count: int = 12) -> Path:
    articles = write_articles(tmp_path / f"articles-{word}", word, count)
    build_index(articles, tmp_path / "ix", full=True, jobs=1, allow_delete=True)
    return tmp_path / "ix"


def test_publish_copies_the_generation_and_an_open_reader_switches(tmp_path):
    source = rebuild(tmp_path, "旧版")
    report = publish(source, tmp_path / "replica")
    assert (tmp_path / "replica" / MARKER).is_file()
    with search.open_index(tmp_path / "replica") as replica:
        assert replica.search("旧版").total == 12
        old_files = set(os.listdir(tmp_path / "replica"))
        rebuild(tmp_path, "新版", 5)
        report = publish(source, tmp_path / "replica")
        assert replica.search("新版").total == 5 and replica.search("旧版").total == 0
        assert replica.generation == report.generation == search.open_index(source).generation
    left = set(os.listdir(tmp_path / "replica"))
    assert left.isdisjoint(set(report.removed)) and set(report.removed) <= old_files
    assert {name for name in left if name.endswith(".toc")} == {f"_MAIN_{report.generation}.toc"}
    assert {name for name in left if name.startswith("MAIN_") and name != "MAIN_WRITELOCK"} == {
        name for name in os.listdir(source) if name.startswith("MAIN_") and name != "MAIN_WRITELOCK"}


def test_publishing_an_unchanged_index_copies_nothing(tmp_path):
    source = rebuild(tmp_path, "旧版")
    publish(source, tmp_path / "replica")
    again = publish(source, tmp_path / "replica")
    assert again.copied == [] and again.removed == []


def test_a_publish_stopped_midway_leaves_the_replica_as_it_was(tmp_path, monkeypatch):
    source = rebuild(tmp_path, "旧版")
    publish(source, tmp_path / "replica")
    rebuild(tmp_path, "新版", 5)
    copy, copied = publish_module._copy, []

    def copy_three(source, target, name, report):
        if len(copied) == 3:
            raise KeyboardInterrupt  # as Ctrl-C, or a kill, would stop it
        copied.append(name)
        copy(source, target, name, report)

    monkeypatch.setattr(publish_module, "_copy", copy_three)
    with pytest.raises(KeyboardInterrupt):
        publish(source, tmp_path / "replica")
    assert not any(name.endswith(".toc") for name in copied)  # segment files come first
    with search.open_index(tmp_path / "replica") as replica:
        assert replica.search("旧版").total == 12
    monkeypatch.undo()
    publish(source, tmp_path / "replica")
    with search.open_index(tmp_path / "replica") as replica:
        assert replica.search("新版").total == 5
    assert not [name for name in os.listdir(tmp_path / "replica") if name.startswith(".publish-")]


def test_another_index_of_the_same_generation_is_published_under_the_next(tmp_path):
    first = rebuild(tmp_path / "a", "旧版")
    second = rebuild(tmp_path / "b", "新版", 5)
    assert search.open_index(first).generation == search.open_index(second).generation
    publish(first, tmp_path / "replica")
    with search.open_index(tmp_path / "replica") as replica:
        generation = replica.generation
        report = publish(second, tmp_path / "replica")
        assert report.generation == generation + 1 == replica.generation
        assert replica.search("新版").total == 5


def test_an_index_of_a_lower_generation_replaces_the_replica_s(tmp_path):
    source = rebuild(tmp_path, "旧版")
    for _ in range(2):
        rebuild(tmp_path, "旧版")
    publish(source, tmp_path / "replica")
    fresh = rebuild(tmp_path / "fresh", "新版", 5)  # a new folder: generation 1
    with search.open_index(tmp_path / "replica") as replica:
        assert replica.generation == 3
        report = publish(fresh, tmp_path / "replica")
        assert report.generation == 1 == replica.generation
        assert replica.search("新版").total == 5


def test_files_of_others_in_a_replica_are_kept(tmp_path):
    source = rebuild(tmp_path, "旧版")
    publish(source, tmp_path / "replica")
    (tmp_path / "replica" / "MAIN_notes.txt").write_text("mine", encoding="utf-8")
    rebuild(tmp_path, "新版", 5)
    publish(source, tmp_path / "replica")
    assert (tmp_path / "replica" / "MAIN_notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing", "no committed index at"),
    (lambda tmp: tmp / "ix", "cannot publish the index at"),
])
def test_bad_sources_are_refused(tmp_path, make, message):
    source = rebuild(tmp_path, "旧版")
    with pytest.raises(BuildError, match=message):
        publish(make(tmp_path), source)


def test_reindex_publishes_to_every_replica(tmp_path):
    articles = write_articles(tmp_path / "articles", "旧版")
    result = CliRunner().invoke(main, [str(articles), "--index", str(tmp_path / "ix"), "--jobs", "1",
                                       "--publish", str(tmp_path / "r1"), "--publish", str(tmp_path / "r2")])
    assert result.exit_code == 0, result.output
    assert f"Published generation 1 to {tmp_path / 'r1'}:" in result.output
    for replica in ("r1", "r2"):
        with search.open_index(tmp_path / replica) as index:
            assert index.search("旧版").total == 12


def test_reindex_refuses_to_publish_to_a_foreign_folder(tmp_path):
    articles = write_articles(tmp_path / "articles", "旧版")
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "cat.jpg").write_bytes(b"jpeg")
    result = CliRunner().invoke(main, [str(articles), "--index", str(tmp_path / "ix"), "--jobs", "1",
                                       "--publish", str(foreign)])
    assert result.exit_code == 1
    assert f"Error: replica folder {foreign} is not empty and holds no zhsearch index (cat.jpg)" in result.output
    assert "publish writes and deletes files in it" in result.output and "Traceback" not in result.output
    assert os.listdir(foreign) == ["cat.jpg"]
    with search.open_index(tmp_path / "ix") as index:  # the build was committed all the same
        assert index.search("旧版").total == 12


def test_a_server_reading_a_replica_switches_without_a_failed_search(tmp_path):
    source = rebuild(tmp_path, "旧版")
    publish(source, tmp_path / "replica")
    outcomes, stop = [], threading.Event()
    with gunicorn(tmp_path / "replica", workers=2, log_level="warning") as (base, _):

        def hammer():
            while not stop.is_set():
                try:
                    with urllib.request.urlopen(base + "/api/search?q=%E9%83%A8%E7%BD%B2", timeout=30) as answer:
                        outcomes.append((answer.status, json.load(answer)["total"]))
                except OSError as exc:  # an HTTP error status too
                    outcomes.append((str(exc), None))

        threads = [threading.Thread(target=hammer) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            for round_number in range(4):
                count = 5 if round_number % 2 == 0 else 12
                rebuild(tmp_path, "新版" if count == 5 else "旧版", count)
                publish(source, tmp_path / "replica")
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        with urllib.request.urlopen(base + "/api/search?q=%E9%83%A8%E7%BD%B2", timeout=30) as answer:
            assert json.load(answer)["total"] == 12  # the last generation published
    assert outcomes and {status for status, _ in outcomes} == {200}
    assert {total for _, total in outcomes} == {5, 12}  # both generations were searched
