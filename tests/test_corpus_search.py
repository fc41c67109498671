"""The library on the real LCTT corpus (skipped unless ZHSEARCH_CORPUS is set).

Builds a full index once per session with the indexer (a few minutes), then
checks the guarantees that only a real archive exercises.
"""

from __future__ import annotations

import pytest

import search
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
    assert results.relaxed == ["火星文字"]


def test_first_page_has_snippets_and_facets(corpus_index):
    results = corpus_index.search("容器编排")
    assert len(results.hits) == 10
    assert all("<mark>" in hit.snippet_html or "<mark>" in hit.title_html for hit in results)
    assert sum(v.count for v in results.facets["year"]) == results.total
