"""Property: no query text makes search raise, and results stay consistent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest
from helpers import article

import search

ARTICLES = [
    article("1", "容器编排入门", "Kubernetes 是一个容器编排系统。", tags=["容器"], category="技术", date="2019-03-01"),
    article("2", "开源软件", "开源软件的许可证 GPL 与 MIT。", tags=["开源"], category="观点", date="2020-05-01"),
]

SYNTAX = st.sampled_from(['"', "-", " OR ", "OR", "tag:", "category:", "date:", "year:", "..", ":", "“", "”", " "])
WORDS = st.sampled_from(["容器", "编排", "开源", "linux", "Ｋｕｂｅ", "2019", "19-", "处理", "\x00", "\u200b", "<script>"])
QUERIES = st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=5)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERIES)
def test_any_text_is_searched_without_error(index, text):
    results = index.search(text)
    assert 0 <= len(results.hits) <= results.total <= len(ARTICLES)
    for hit in results:
        assert "<script>" not in hit.snippet_html and "<script>" not in hit.title_html


def test_an_over_long_query_is_refused_naming_q(index):
    with pytest.raises(search.QueryError) as raised:
        index.search("容器" + "x" * 10_000 + " 编排" * 3000)
    assert raised.value.parameter == "q" and "at most 256 characters" in str(raised.value)
    assert index.search("容器 " + "x" * 250).query == "容器 " + "x" * 250
