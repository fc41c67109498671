"""The index's codec (search.codec, its parts in search.whoosh_adapter): the
index it writes holds what whoosh3's own codec writes, in less space."""

from __future__ import annotations

import pytest
from helpers import article, contents, write_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import NUMERIC

from search.document import to_document
from search.storage import create_whoosh_index, open_whoosh_index
from search.whoosh_adapter import INLINE_LIMIT, _TermInfo

ARTICLES = [
    article(f"a{i}", f"第{i}篇 容器笔记", f"容器 Docker 镜像{i} 调度器。" * (1 + i % 3) + "内核" * (i % 2),
            tags=["容器", f"t{i % 4}"], date=f"2020-0{1 + i % 9}-11", views=i)
    for i in range(300)  # 300 postings of 容器: several blocks; 镜像{i} once each
]


def write_with_whoosh3(path):
    ix = create_whoosh_index(path)
    try:
        with ix.writer(codec=W3Codec()) as writer:
            for item in ARTICLES:
                writer.add_document(**to_document(item, fingerprint="test"))
    finally:
        ix.close()
    return path


def size(path, pattern: str) -> int:
    return sum(f.stat().st_size for f in path.glob(pattern))


def test_the_index_holds_what_whoosh3_writes_in_less_space(tmp_path):
    ours, theirs = write_index(tmp_path / "ours", ARTICLES), write_with_whoosh3(tmp_path / "whoosh3")
    assert contents(ours) == contents(theirs)
    assert size(ours, "*.pst") < 0.75 * size(theirs, "*.pst")  # postings
    assert size(ours, "*_stored.col") < 0.95 * size(theirs, "*_stored.col")  # stored fields


def _stats(info) -> tuple:
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(),
            info.min_id(), info.max_id(), info.is_inlined() and info.inlined_postings())


def _term_stats(path) -> dict:
    """Each term's statistics, the same read by term, by the terms reader's items and by a cursor."""
    ix = open_whoosh_index(path)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()  # one segment
            by_term = {term: _stats(reader.term_info(*term)) for term in reader.all_terms()}
            assert {term: _stats(info) for term, info in reader._terms.items()} == by_term
            assert {term: (reader.frequency(*term), reader.doc_frequency(*term)) for term in by_term} == {
                term: stats[:2] for term, stats in by_term.items()}
            assert reader.frequency("body", "没有的词") == reader.doc_frequency("body", "没有的词") == 0
            for name in {name for name, _ in by_term if not isinstance(reader.schema[name], NUMERIC)}:
                cursor, field = reader.cursor(name), reader.schema[name]  # (a numeric term's text is not its bytes)
                while cursor.is_valid():
                    assert _stats(cursor.term_info()) == by_term[name, field.to_bytes(cursor.text())]
                    cursor.next()
            return by_term
    finally:
        ix.close()


def test_term_statistics_are_whoosh3s_and_short_lists_take_a_few_bytes(tmp_path):
    ours, theirs = write_index(tmp_path / "ours", ARTICLES), write_with_whoosh3(tmp_path / "whoosh3")
    mine, whoosh3 = _term_stats(ours), _term_stats(theirs)
    assert {t: s[:7] for t, s in mine.items()} == {t: s[:7] for t, s in whoosh3.items()}
    inlined = {t: s[7] for t, s in mine.items() if s[7]}
    assert inlined and all(s[1] < INLINE_LIMIT for t, s in mine.items() if t in inlined)
    ix = open_whoosh_index(ours)
    try:
        with ix.searcher() as searcher:
            terms = searcher.reader()._terms
            for (name, text), (ids, weights, values) in inlined.items():
                raw = terms._tindex[terms._keycoder(name, text)]
                assert len(raw) <= 4 + 4 * len(ids) + sum(len(v) + 1 for v in values), (name, text)
    finally:
        ix.close()


@pytest.mark.parametrize("postings", [
    ((5,), (1,), (b"\x01\x02",)),
    ((3, 70000, 70001), (2, 1, 300), (b"a", b"", b"\xff" * 200)),
    ((9, 12), (1, 4), ()),  # a field without values (an ID field)
    ((5,), (1.5,), (b"x",)),  # a weight that is not whole: whoosh3's pickled layout
])
def test_inlined_term_info_reads_back_as_written(postings):
    ids, weights, values = postings
    info = _TermInfo(weight=sum(weights), df=len(ids), minlength=3, maxlength=40, maxweight=max(weights),
                     minid=ids[0], maxid=ids[-1])
    info.set_inlined(ids, weights, values)
    assert _stats(_TermInfo.from_bytes(info.to_bytes())) == _stats(info)


def test_a_segment_reads_each_term_info_once_however_often_it_is_asked(tmp_path):
    """A search asks a segment for a term to match, to score each field and
    for its frequency: the term dictionary is read once per term (present or
    missing), the answers are those of a first reading, and the kept infos
    are bounded."""
    from search.whoosh_adapter import _TermsReader

    write_index(tmp_path, ARTICLES)
    ix = open_whoosh_index(tmp_path)
    with ix.searcher() as searcher:
        (reader, _), = searcher.reader().leaf_readers()
        terms = reader._terms
        assert isinstance(terms, _TermsReader)
        table, reads = terms._tindex, []
        terms._tindex = type("Counted", (), {"get": lambda self, key: reads.append(key) or table.get(key)})()
        try:
            for _ in range(3):
                assert reader.doc_frequency("body", "容器") == 300
                assert reader.doc_frequency("body", "内核") == 150
                assert list(reader.postings("body", "内核").all_ids()) == list(range(1, 300, 2))
                assert reader.doc_frequency("body", "没有的词") == 0
            assert len(reads) == 3  # 容器, 内核, 没有的词

            for i in range(_TermsReader.TERM_INFOS_KEPT):  # as many other terms push the first ones out
                reader.doc_frequency("body", f"没有的词{i}")
            reads.clear()
            assert reader.doc_frequency("body", "容器") == 300
            assert len(reads) == 1
        finally:
            terms._tindex = table
    ix.close()


def test_the_toc_names_the_codec_by_the_path_existing_indexes_recorded(tmp_path):
    path = write_index(tmp_path / "ix", ARTICLES[:3])
    toc = next(path.glob("_MAIN_*.toc")).read_bytes()
    assert b"search.codec" in toc and b"ArchiveCodec" in toc  # moving the class breaks every index
