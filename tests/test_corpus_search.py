"""The library on the real LCTT corpus (skipped unless ZHSEARCH_CORPUS is set).

Builds a full index once per session with the indexer (a few minutes), then
checks the guarantees that only a real archive exercises.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import search
from search import rank
from search.analysis import normalize

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="session")
def corpus_index(corpus_dir, tmp_path_factory):
    from indexer.build import build_index

    path = tmp_path_factory.mktemp("lctt_index")
    build_index(corpus_dir, path, jobs=1)
    with search.open_index(path) as index:
        yield index


@pytest.mark.parametrize("probe", ["待处理", "器编", "莓派", "Linux内核"])
def test_every_verbatim_occurrence_in_a_title_is_found(corpus_index, corpus_dir, probe):
    import frontmatter

    titled = set()
    for path in corpus_dir.rglob("*.md"):
        title = str(frontmatter.load(path).metadata.get("title") or "")
        if normalize(probe) in normalize(title):
            titled.add(path.relative_to(corpus_dir).as_posix())
    found, page = set(), 1
    while True:
        results = corpus_index.search(probe, per_page=50, page=page, facets=[])
        found.update(hit.path for hit in results)
        if page >= results.pages:
            break
        page += 1
    assert titled <= found


def test_a_query_with_one_absent_word_still_answers(corpus_index):
    results = corpus_index.search("容器 编排 火星文字")
    assert results.total > 0
    assert "火星" in results.relaxed and "容器" not in results.relaxed


def test_first_page_has_snippets_and_facets(corpus_index):
    results = corpus_index.search('"容器编排"')  # every article with the phrase is dated
    assert len(results.hits) == 10
    assert all("<mark>" in hit.snippet_html or "<mark>" in hit.title_html for hit in results)
    assert sum(v.count for v in results.facets["year"]) == results.total


READER_SET = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "reader_dev.tsv"


def test_the_fitting_script_reproduces_the_shipped_weights(corpus_index, tmp_path):
    """scripts/fit_ranking.py, run as its docstring says, gives search/data/ranking.json."""
    import importlib.util

    queries = READER_SET
    if not queries.is_file():
        pytest.skip(f"no reader-written queries at {queries}")
    spec = importlib.util.spec_from_file_location("fit_ranking", Path(__file__).parents[1] / "scripts" / "fit_ranking.py")
    fitting = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = fitting  # its dataclasses look their module up
    spec.loader.exec_module(fitting)
    out = tmp_path / "ranking.json"
    generated = Path(__file__).resolve().parents[1] / "bench" / "data" / "eval_dev.tsv"
    command = ["--index", str(corpus_index.path), "--queries", str(queries), f"{generated}:2", "--out", str(out)]
    assert fitting.main(command) == 0
    shipped = json.loads(rank.DEFAULT_FILE.read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8"))["weights"] == shipped["weights"]
