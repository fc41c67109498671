"""reindex --scheduler: a build on a Dask LocalCluster (loopback) equals a
local one, and a failure on a worker leaves the index as it was, named."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ARTICLES_DIR as ARTICLES
from helpers import contents

distributed = pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'zhsearch[dask]'")

import dask  # noqa: E402

from indexer import BuildError, build_index, parallel  # noqa: E402
from indexer import build as build_module  # noqa: E402
from indexer import distributed as dask_build  # noqa: E402
from search.storage import open_whoosh_index  # noqa: E402
from search.whoosh_adapter import segment_count  # noqa: E402

ROOT = Path(__file__).parent.parent


def cluster(workers: int, **options):
    return distributed.LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, host="127.0.0.1",
                                    dashboard_address=":0", **options)


@pytest.fixture(scope="module")
def scheduler():
    with cluster(2) as local:
        yield local.scheduler_address


@pytest.fixture
def articles(tmp_path, monkeypatch) -> Path:
    """The test articles and 60 more, in batches of about 10 files."""
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    for n in range(60):
        write(folder, f"many/{n:03d}.md", n, f"第{n}篇文章讲述分布式系统和编号{n}。")
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 10 * (folder / "many/000.md").stat().st_size)
    return folder


def write(folder: Path, name: str, article_id: int, body: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nid: {article_id + 1000}\ntitle: 文章{article_id}\ntags: [分布式]\n---\n\n{body}\n",
                    encoding="utf-8")


def test_dask_build_equals_a_serial_build(articles, tmp_path, scheduler):
    serial = build_index(articles, tmp_path / "serial", jobs=1)
    dask_built = build_index(articles, tmp_path / "dask", scheduler=scheduler, merge=False)
    assert dask_built.segments > 2  # the batches were written as segments of their own
    assert contents(tmp_path / "dask") == contents(tmp_path / "serial")
    for name in ("added", "skipped", "warnings", "duplicates", "documents"):
        assert getattr(dask_built, name) == getattr(serial, name), name


def test_dask_build_with_a_user_dictionary_segments_its_words(articles, tmp_path):
    dictionary = tmp_path / "words.txt"
    dictionary.write_text("系统和编号 100000 n\n", encoding="utf-8")
    with cluster(2) as local:  # its workers keep the words
        build_index(articles, tmp_path / "dask", scheduler=local.scheduler_address, user_dictionary=dictionary)
        other = tmp_path / "other.txt"
        other.write_text("编号 100 n\n", encoding="utf-8")
        with pytest.raises(BuildError, match="another jieba user dictionary, whose words it keeps: restart"):
            build_index(articles, tmp_path / "other", scheduler=local.scheduler_address, user_dictionary=other)
    build_index(articles, tmp_path / "serial", jobs=1, user_dictionary=dictionary)
    assert ("body", "系统和编号".encode()) in contents(tmp_path / "dask")["postings"]
    assert contents(tmp_path / "dask") == contents(tmp_path / "serial")


def test_incremental_dask_build_writes_only_the_changes(articles, tmp_path, scheduler):
    build_index(articles, tmp_path / "ix", scheduler=scheduler)
    write(articles, "many/007.md", 7, "改写后的第七篇讲述量子计算。")
    os.utime(articles / "many/007.md", (time.time() + 5, time.time() + 5))
    report = build_index(articles, tmp_path / "ix", scheduler=scheduler)
    assert report.updated == ["many/007.md"] and report.unchanged == report.documents - 1


def test_a_file_that_fails_on_a_worker_is_named_and_the_index_kept(articles, tmp_path, monkeypatch):
    """A worker thread of this process (processes=False) sees the patched writer."""
    build_index(articles, tmp_path / "ix", jobs=1)
    before = contents(tmp_path / "ix")
    original = build_module.to_document

    def poisoned(article, fingerprint):
        document = original(article, fingerprint)
        if article.path == "many/031.md":
            document["no_such_field"] = "x"  # the worker's writer refuses it
        return document

    monkeypatch.setattr(build_module, "to_document", poisoned)
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as local:
        with pytest.raises(BuildError, match=r"many/031\.md: cannot be indexed .*the index is unchanged"):
            build_index(articles, tmp_path / "ix", full=True, scheduler=local.scheduler_address)
    assert contents(tmp_path / "ix") == before


def test_a_killed_worker_is_reported_and_the_old_index_kept(articles, tmp_path, monkeypatch):
    for n in range(60, 400):
        write(articles, f"more/{n:03d}.md", n, f"第{n}篇文章讲述分布式系统和编号{n}。" * 40)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 200_000)
    documents = build_index(articles, tmp_path / "ix", jobs=1).documents
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), cluster(1) as local:
        client = distributed.Client(local, set_as_default=False)
        killer = threading.Thread(target=kill_a_busy_worker, args=(client,))
        killer.start()
        try:
            with pytest.raises(BuildError) as failed:
                build_index(articles, tmp_path / "ix", full=True, scheduler=local.scheduler_address)
        finally:
            killer.join()
            client.close()
    message = str(failed.value)
    assert "died writing the batch of" in message and "the index is unchanged" in message
    assert ".md" in message  # the batch's files are named
    ix = open_whoosh_index(tmp_path / "ix")
    assert ix.doc_count() == documents and segment_count(ix) == 1  # the old generation
    ix.close()
    report = build_index(articles, tmp_path / "ix", full=True, jobs=1)  # the lock was released
    assert report.documents == documents


def kill_a_busy_worker(client, timeout: float = 60.0) -> None:
    """SIGKILL the first worker seen running a task."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [worker for worker, tasks in client.processing().items() if tasks]
        if busy:
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.01)


def test_an_unreachable_scheduler_is_an_error_naming_it(articles, tmp_path, monkeypatch):
    monkeypatch.setattr(dask_build, "CONNECT_TIMEOUT_S", 2)
    with pytest.raises(BuildError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        build_index(articles, tmp_path / "ix", scheduler="tcp://127.0.0.1:9")
    assert build_index(articles, tmp_path / "ix", jobs=1).committed  # the writer's lock was released


def test_workers_with_other_versions_are_refused(articles, tmp_path, scheduler, monkeypatch):
    monkeypatch.setattr(dask_build, "PACKAGES", (*dask_build.PACKAGES, "numpy"))  # here, not on the workers
    with pytest.raises(BuildError, match=r"Dask worker tcp://127\.0\.0\.1:\d+ \(scheduler .*\) runs zhsearch .*, "
                                         r"this build .*numpy .*install the same versions on every worker"):
        build_index(articles, tmp_path / "ix", scheduler=scheduler)


def test_a_build_without_a_scheduler_does_not_import_dask(tmp_path):
    code = ("import sys, indexer; indexer.build_index(sys.argv[1], sys.argv[2], jobs=1); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    out = subprocess.run([sys.executable, "-c", code, str(ARTICLES), str(tmp_path / "ix")], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_reindex_takes_the_scheduler_from_the_environment(articles, tmp_path, scheduler, monkeypatch):
    from click.testing import CliRunner

    from indexer.cli import main

    result = CliRunner().invoke(main, [str(articles), "--index", str(tmp_path / "ix"), "--jobs", "1", "--no-merge"],
                                env={"ZHSEARCH_SCHEDULER": scheduler})
    assert result.exit_code == 0, result.output
    assert "69 documents, 9 segments" in result.output  # one process would write one segment
    monkeypatch.setattr(dask_build, "CONNECT_TIMEOUT_S", 2)
    result = CliRunner().invoke(main, [str(articles), "--index", str(tmp_path / "ix2"), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
