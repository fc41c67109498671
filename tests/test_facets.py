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


def test_columns_read_in_one_piece_are_whoosh_values_of_every_document(tmp_path):
    """Each segment's facet columns are read whole, not through Whoosh's
    readers: they must give those readers' value of every document, across
    segments, with undated and untagged documents and extreme dates (the
    last microsecond a datetime holds) and views."""
    from helpers import write_index
    from whoosh.util.times import long_to_datetime

    from search.facets import UNDATED, Columns
    from search.schema import VALUE_SEPARATOR
    from search.storage import open_whoosh_index

    first = [article("a", "一", tags=["容器", "Docker"], category="技术", date="0001-01-02", views=0),
             article("b", "二", date="9999-12-31T23:59:59.999999", views=2**62),
             article("c", "三", tags=["网络"], views=-5)]
    second = [article(str(i), f"第{i}", tags=[f"标签{i % 3}"] * (i % 2), category=["", "观点"][i % 2],
                      date=f"20{i % 25:02d}-0{1 + i % 9}-1{i % 9}" if i % 4 else None, views=i * 1000)
              for i in range(40)]
    write_index(tmp_path, first)
    write_index(tmp_path, second, delete=["b"])
    ix = open_whoosh_index(tmp_path)
    with ix.searcher() as searcher:
        readers = [reader for reader, _ in searcher.reader().leaf_readers()]
        assert len(readers) == 2
        for reader in readers:
            columns = Columns.read(reader)
            count = reader.doc_count_all()
            tags = list(reader.column_reader("tag_values"))
            assert columns.tags == [tuple(t.decode().split(VALUE_SEPARATOR)) if t else () for t in tags]
            assert columns.category == list(reader.column_reader("category"))
            assert columns.views.tolist() == list(reader.column_reader("views"))
            dates = [reader.stored_fields(d).get("date") for d in range(count)]
            assert columns.year == [d.year if d else None for d in dates]
            raw = list(reader.column_reader("date", translate=False))
            assert columns.date.tolist() == [r if d else UNDATED for r, d in zip(raw, dates)]
            assert all(long_to_datetime(r) == d for r, d in zip(raw, dates) if d)
    ix.close()
