"""Facet counts: exact, multi-valued tags, and the "other facets' filters" rule."""

from __future__ import annotations

from helpers import article

ARTICLES = [
    article("1", "容器入门", "容器的基础。", tags=["容器", "Docker"], category="技术", date="2019-01-05"),
    article("2", "容器编排", "容器编排的基础。", tags=["容器", "Kubernetes"], category="技术", date="2019-06-01"),
    article("3", "容器安全", "容器的安全。", tags=["安全", "docker"], category="观点", date="2020-02-02"),
    article("4", "容器网络", "容器的网络。", tags=["网络"], category="技术", date="2021-03-03"),
    article("5", "数据库", "数据库的基础。", tags=["数据库"], category="技术", date="2021-04-04"),
]


def counts(values):
    return {v.value: (v.count, v.selected) for v in values}


def test_counts_are_exact_with_multi_valued_tags(index):
    results = index.search("容器")
    assert results.total == 4
    assert counts(results.facets["tags"]) == {
        "容器": (2, False), "Docker": (2, False), "Kubernetes": (1, False), "安全": (1, False), "网络": (1, False),
    }
    assert counts(results.facets["category"]) == {"技术": (3, False), "观点": (1, False)}
    assert [(v.value, v.count) for v in results.facets["year"]] == [("2021", 1), ("2020", 1), ("2019", 2)]


def test_a_selected_tag_keeps_its_siblings_counted(index):
    results = index.search("容器", tags="容器")
    assert results.total == 2
    # the tags facet ignores the tags filter, other facets apply it
    assert counts(results.facets["tags"])["容器"] == (2, True)
    assert counts(results.facets["tags"])["网络"] == (1, False)
    assert counts(results.facets["category"]) == {"技术": (2, False)}


def test_several_tags_combine_with_or_and_facets_with_and(index):
    results = index.search("容器", tags=["Kubernetes", "安全"], category="技术")
    assert [hit.key for hit in results] == ["2"]
    assert counts(results.facets["category"]) == {"技术": (1, True), "观点": (1, False)}
    assert counts(results.facets["tags"])["网络"] == (1, False)  # category filter applies, tags filter not


def test_category_matches_up_to_case_and_selected_value_is_kept(index):
    results = index.search("", category="技术", date_from="2021", date_to="2021")
    assert sorted(hit.key for hit in results) == ["4", "5"]
    assert counts(results.facets["category"])["技术"] == (2, True)
    assert [(v.value, v.count, v.selected) for v in results.facets["year"]] == [
        ("2021", 2, True), ("2019", 2, False),
    ]


def test_unknown_selected_tag_is_listed_with_zero(index):
    results = index.search("容器", tags="火星")
    assert results.total == 0
    assert counts(results.facets["tags"])["火星"] == (0, True)


def test_only_requested_facets_are_counted(index):
    assert list(index.search("容器", facets=["year"]).facets) == ["year"]


def test_a_tag_is_shown_in_its_most_frequent_form(make_index):
    """Forms equal up to case count as one tag, shown as most articles write
    it; between forms as frequent, the smallest, whatever the result order."""
    import search

    made = [article(str(i), f"容器 {i}", "容器。", tags=[tag]) for i, tag in enumerate(["linux", "Linux", "linux", "Go", "go"])]
    with search.open_index(make_index(made), warm=False) as index:
        for page in (1, 2):
            values = counts(index.search("容器", per_page=2, page=page).facets["tags"])
            assert values == {"linux": (3, False), "Go": (2, False)}
