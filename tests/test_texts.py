"""The literal-substring guarantee: query text found verbatim, whatever jieba did."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from helpers import article, write_index
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import search
from search.analysis import has_cjk, normalize
from search.document import joined_text, to_document
from search.limits import LIMITS
from search.markdown_text import markdown_to_text
from search.query import parse
from search.storage import open_whoosh_index
from search.text_file import (
    ENGLISH_WORD,
    EXTENSION,
    MAX_LISTS,
    TextFileWriter,
    TextFile,
    Work,
    needle_keys,
)
from search.texts import LiteralQuery, text_file_path

ARTICLES = [
    article("inside", "任务队列", "新的任务先进入待处理器，再分发。"),
    article("suffix", "部署说明", "这个工具安装简单，配置也不难。"),
    article("word", "消息处理", "消息处理的流程很清楚。"),
    article("title", "中华人民共和国成立", "正文没有那个词。"),
    article("summary", "无关标题", "正文也无关。", summary="摘要里说到了数据库迁移的细节。"),
]


def found(index, text):
    return sorted(hit.key for hit in index.search(text, per_page=50))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("处理", ["inside", "word"]),  # 处理 inside 待处理器
        ("简单", ["suffix"]),  # jieba keeps 安装简单 together
        ("人民共和", ["title"]),  # a word inside a longer jieba word, in a title
        ("据库迁", ["summary"]),  # crosses jieba words, in a summary
        ("处理器，再", ["inside"]),  # punctuation inside the verbatim text
    ],
)
def test_verbatim_text_is_found(index, text, expected):
    assert found(index, text) == expected


def test_jieba_matches_rank_above_literal_only_matches(index):
    assert [hit.key for hit in index.search("处理")][0] == "word"


def test_literal_matches_are_highlighted_as_whole_words(index):
    hit = index.search("简单").hits[0]
    assert "<mark>" in hit.snippet_html and "简单" in hit.snippet_html


def test_exclusion_also_removes_verbatim_matches(index):
    assert found(index, "消息 OR 任务 -处理") == []


def test_deleted_documents_are_not_found(make_index):
    path = make_index(ARTICLES)
    with search.open_index(path) as index:
        assert found(index, "简单") == ["suffix"]
        ix = open_whoosh_index(path)
        with ix.writer() as writer:
            writer.delete_by_term("key", "suffix")
        ix.close()
        assert found(index, "简单") == []


def literal_files(path: Path) -> set[str]:
    return {name for name in os.listdir(path) if name.endswith(EXTENSION)}


def segment_files(path: Path) -> set[str]:
    """The literal files the index's current segments should have."""
    ix = open_whoosh_index(path)
    names = {text_file_path(path, segment).name for segment in ix._segments()}
    ix.close()
    return names


def test_new_segments_files_are_found_and_old_ones_removed_with_their_segments(make_index):
    path = make_index(ARTICLES)
    with search.open_index(path) as index:
        assert found(index, "简单") == ["suffix"]
        first = index._texts.segments()
        ix = open_whoosh_index(path)
        writer = ix.writer()
        writer.add_document(**to_document(article("new", "新文章", "升级也很简单。")))
        writer.commit(merge=False)
        assert literal_files(path) == segment_files(path) and len(literal_files(path)) == 2
        assert found(index, "简单") == ["new", "suffix"]
        assert first < index._texts.segments()
        writer = ix.writer()
        writer.add_document(**to_document(article("newer", "又一篇", "卸载同样简单。")))
        writer.commit(optimize=True)  # every segment merged into one
        ix.close()
        assert found(index, "简单") == ["new", "newer", "suffix"]
        assert literal_files(path) == segment_files(path) and len(literal_files(path)) == 1
        assert index._texts.segments() == {name.removesuffix(EXTENSION) for name in literal_files(path)}


def test_a_fresh_process_answers_a_literal_query_without_warming(make_index):
    path = make_index(ARTICLES)
    script = (
        "import sys, threading, search\n"
        "index = search.open_index(sys.argv[1])\n"
        "threads = threading.active_count()\n"
        "print(sorted(hit.key for hit in index.search('\"据库迁\"')), threads, index._texts.work.verified)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["['summary']", "1", "1"]  # no warm-up thread; one candidate verified


def test_a_killed_writer_leaves_files_the_next_commit_removes(make_index, tmp_path):
    path = make_index(ARTICLES)
    script = (
        "import os, sys\n"
        "from helpers import article\n"
        "from search.document import to_document\n"
        "from search.storage import open_whoosh_index\n"
        "writer = open_whoosh_index(sys.argv[1]).writer(compound=False)\n"
        "writer.add_document(**to_document(article('lost', '丢失', '写到一半被杀掉的进程。')))\n"
        "writer._finalize_segment()  # the segment's files, its literal file included, but no TOC\n"
        "os._exit(9)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    subprocess.run([sys.executable, "-c", script, str(path)], env=env, check=False)
    orphans = literal_files(path) - segment_files(path)
    assert len(orphans) == 1
    ix = open_whoosh_index(path)
    with ix.writer() as writer:
        writer.add_document(**to_document(article("later", "后来", "后来的一次索引。")))
    ix.close()
    assert literal_files(path) == segment_files(path) and not orphans & literal_files(path)
    with search.open_index(path) as index:
        assert found(index, "被杀掉") == [] and found(index, "来的一") == ["later"]


def test_an_index_whose_segment_lacks_its_file_is_refused(make_index):
    path = make_index(ARTICLES)
    for name in literal_files(path):
        os.remove(path / name)
    with pytest.raises(search.IncompatibleIndexError, match="no literal file.*--full"):
        search.open_index(path)


# Every segment layout: the literal matches are exactly the documents with the text.

TOPICS = ["待处理器", "处理器", "数据库迁移", "人民共和国", "容器编排", "ＡＢＣ处理", "处理"]
WORDS = ["docker", "Kernel", "python", "rust", "go"]  # "go": too short for a spelling word
MANY = [
    article(f"d{i}", f"第{i}篇{TOPICS[i % 7]}",
            f"正文{i}讲到{TOPICS[(i * 3) % 7]}与{TOPICS[(i * 5) % 7]}，用{WORDS[i % 5]}{' ' * (i % 2)}和{WORDS[i % 3]}{i}。",
            markdown=f"正文{i}讲到**{TOPICS[(i * 3) % 7]}**与{TOPICS[(i * 5) % 7]}，用`{WORDS[i % 5]}`和{WORDS[i % 3]}{i}。")
    for i in range(60)
]
NEEDLES = ["处理", "理器", "待处理", "据库迁", "人民", "abc处理", "器编", "器与", "第1", "讲到处理器与",
           # a Latin letter or digit next to a CJK character, spaces between or not
           "c处理", "用docker", "docker和", "r 和", "r 和p", "n和", "用rust 和", "和go1"]


def literal_keys(index, needle: str) -> list[str]:
    with index.snapshot() as snap:
        docs = snap.searcher.docs_for_query(LiteralQuery(needle, snap.texts))
        return sorted(snap.stored(d)["key"] for d in docs)


def expected_keys(articles, needle: str) -> list[str]:
    return sorted(a.key for a in articles if normalize(needle) in normalize(f"{a.title}\n\n{a.text}"))


def write_in_segments(path: Path, articles, size: int) -> None:
    """Each ``size`` articles committed as a segment of their own."""
    write_index(path, articles[:size])
    ix = open_whoosh_index(path)
    for start in range(size, len(articles), size):
        writer = ix.writer()
        for item in articles[start : start + size]:
            writer.add_document(**to_document(item))
        writer.commit(merge=False)
    ix.close()


def delete(path: Path, keys, **commit) -> None:
    ix = open_whoosh_index(path)
    writer = ix.writer()
    for key in keys:
        writer.delete_by_term("key", key)
    writer.commit(**commit)
    ix.close()


DELETED = [f"d{i}" for i in range(0, 60, 4)]

#: name -> (how to write the index, segments it has, keys deleted)
LAYOUTS = {
    "one segment": (lambda path: write_in_segments(path, MANY, 60), 1, []),
    "many segments": (lambda path: write_in_segments(path, MANY, 7), 9, []),
    "all merged": (lambda path: (write_in_segments(path, MANY, 7), delete(path, [], optimize=True)), 1, []),
    # Whoosh's default policy merges the small segments at the next commit
    "small ones merged": (lambda path: (write_in_segments(path, MANY, 3), delete(path, ["d1"])), 16, ["d1"]),  # 20 -> 16
    "with deletions": (lambda path: (write_in_segments(path, MANY, 7), delete(path, DELETED, merge=False)), 9, DELETED),
    "deletions merged": (lambda path: (write_in_segments(path, MANY, 7), delete(path, DELETED, optimize=True)), 1,
                         DELETED),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_literal_matches_are_exact_on_every_segment_layout(tmp_path, layout):
    path = tmp_path / "index"
    write, segments, deleted = LAYOUTS[layout]
    write(path)
    live = [a for a in MANY if a.key not in deleted]
    ix = open_whoosh_index(path)
    assert len(ix._segments()) == segments
    ix.close()
    assert literal_files(path) == segment_files(path)
    with search.open_index(path) as index:
        for needle in NEEDLES:
            assert literal_keys(index, needle) == expected_keys(live, needle), needle
        assert set(expected_keys(live, "待处理")) <= set(found(index, "待处理"))  # and those with some of its words
        assert found(index, '"待处理"') == expected_keys(live, "待处理")
        assert all(index.get(a.key).markdown == a.markdown for a in live)  # the Markdown is in the literal record
    for name in literal_files(path):  # each segment's English words are those of its documents
        texts = TextFile(path / name)
        words = Counter(w for d in range(len(texts)) for w in set(ENGLISH_WORD.findall(texts.text(d).decode())))
        assert texts.word_counts() == words and texts.words() == sorted(words)
    if segments == 1:  # merged: the live documents' words only
        assert words == Counter(w for a in live for w in set(ENGLISH_WORD.findall(normalize(f"{a.title} {a.text}"))))
        assert words["kernel"] and not words["go"]


def test_file_finds_only_cjk_text_verbatim(tmp_path):
    writer = TextFileWriter()
    for item in ARTICLES:
        writer.add(joined_text(item.title, item.summary, item.text))
    writer.write(tmp_path / "x.lit")
    texts, work = TextFile(tmp_path / "x.lit"), Work()
    assert texts.find("待处理", work).tolist() == [0]
    assert texts.find("处理", work).tolist() == [0, 2]  # a single pair: its postings
    assert texts.find("处理的流", work).tolist() == [2]
    assert texts.find("理器,再分", work).tolist() == [0]  # normalised text: the comma is half-width
    assert texts.find("理器再", work).tolist() == []  # every pair occurs, not the whole
    assert texts.find("queue", work).tolist() == []
    assert work.verified == 3  # none for a single pair, for a pair found nowhere, for no CJK


def test_each_character_and_pair_has_exactly_its_documents_as_list_or_bitmap(tmp_path):
    texts = [f"第{i}篇{'处理器' if i % 3 else '数据库'}{'迁移' * (i % 5 == 0)}{'独有' * (i % 50 == 0)}"
             for i in range(200)]
    writer = TextFileWriter()
    for text in texts:
        writer.add(text)
    writer.write(tmp_path / "all.lit")
    merged = TextFileWriter()
    live = np.array([d for d in range(200) if d % 4], dtype=np.int64)
    merged.add_file(TextFile(tmp_path / "all.lit"), live)
    merged.write(tmp_path / "merged.lit")
    for name, kept in (("all.lit", list(range(200))), ("merged.lit", live.tolist())):
        file = TextFile(tmp_path / name)
        assert len(file.pair_codes) and len(file.pair_dense_codes)  # rare pairs listed, common ones bitmaps
        chars = {c for t in texts for c in t if has_cjk(c)}
        pairs = {t[i : i + 2] for t in texts for i in range(len(t) - 1) if t[i] in chars and t[i + 1] in chars}
        for kind, keys in (("char", chars), ("pair", pairs)):
            for key in keys:
                code = ord(key) if kind == "char" else ord(key[0]) << 16 | ord(key[1])
                expected = [n for n, d in enumerate(kept) if key in texts[d]]
                assert file.postings(kind, code).tolist() == expected, (name, key)


def _varied_text(n: int) -> str:
    words = ["内核", "调度器", "容器", "网络", "文件系统", "补丁", "发行版", "驱动", "终端", "脚本"]
    return f"第{n}篇：" + "，".join(words[(n * 7 + i * i) % 10] + str(n * i % 97) for i in range(60))


def test_records_of_new_documents_share_a_trained_dictionary_and_merges_keep_theirs(tmp_path, monkeypatch):
    import search.text_file as literal_file

    monkeypatch.setattr(literal_file, "DICTIONARY_MIN_BYTES", 20_000)
    parts = {"a": range(0, 150), "b": range(150, 300), "small": range(300, 303)}
    for name, numbers in parts.items():
        writer = TextFileWriter()
        for n in numbers:
            writer.add(_varied_text(n), f"# 第{n}篇\n\n{_varied_text(n)}")
        writer.write(tmp_path / f"{name}.lit")
    a, b, small = (TextFile(tmp_path / f"{name}.lit") for name in parts)
    assert len(a.dict_ends) == len(b.dict_ends) == 1 and a.dictionary(1) != b.dictionary(1)
    assert set(a.record_dicts.tolist()) == {1} and not len(small.dict_ends) and not small.record_dicts.any()
    monkeypatch.setattr(literal_file, "DICTIONARY_MIN_BYTES", 1 << 40)  # the same documents, no dictionary
    plain = TextFileWriter()
    for n in parts["a"]:
        plain.add(_varied_text(n), f"# 第{n}篇\n\n{_varied_text(n)}")
    plain.write(tmp_path / "plain.lit")
    assert len(a.records) + len(a.dicts) < 0.8 * len(TextFile(tmp_path / "plain.lit").records)

    merged = TextFileWriter()
    merged.add(_varied_text(999))  # a merge with new documents: they come first
    merged.add_file(a, np.array([3, 70], dtype=np.int64))
    merged.add_file(small, np.arange(3, dtype=np.int64))
    merged.add_file(b, np.arange(150, dtype=np.int64)[::2])
    merged.add_file(a, np.array([], dtype=np.int64))  # no live document: its dictionary is not copied
    merged.write(tmp_path / "merged.lit")
    out = TextFile(tmp_path / "merged.lit")
    kept = [999, 3, 70, 300, 301, 302, *range(150, 300, 2)]
    assert [out.texts(d)[0] for d in range(len(out))] == [_varied_text(n) for n in kept]
    assert out.markdown(1) == f"# 第3篇\n\n{_varied_text(3)}"
    assert [out.dictionary(n) for n in range(1, len(out.dict_ends) + 1)] == [a.dictionary(1), b.dictionary(1)]
    assert out.record_dicts[:6].tolist() == [0, 1, 1, 0, 0, 0] and set(out.record_dicts[6:].tolist()) == {2}
    assert out.find("调度器", Work()).tolist() == [d for d, n in enumerate(kept) if "调度器" in _varied_text(n)]


def test_repeated_text_in_a_needle_reads_each_posting_list_once(tmp_path):
    writer = TextFileWriter()
    writer.add("容器" * 200)
    writer.write(tmp_path / "x.lit")
    work = Work()
    assert TextFile(tmp_path / "x.lit").find("容器" * 128, work).tolist() == [0]
    assert work.postings == 2 and work.verified == 1  # pairs 容器 and 器容


def test_original_text_is_restored_from_the_normalised_one(tmp_path):
    writer = TextFileWriter()
    for text in ["Linux 内核 ＡＢＣ Ärger 𠀀", "", "全是中文"]:
        writer.add(text)
    writer.write(tmp_path / "x.lit")
    texts = TextFile(tmp_path / "x.lit")
    assert texts.text(0) == "linux 内核 abc ärger 𠀀".encode() and texts.text(1) == b""
    assert [texts.texts(d) for d in range(3)] == [
        ("Linux 内核 ＡＢＣ Ärger 𠀀", "linux 内核 abc ärger 𠀀"),
        ("", ""),
        ("全是中文", "全是中文"),
    ]


def test_a_record_keeps_the_markdown_and_its_aside_texts_beside_the_text(tmp_path):
    from search.markdown_text import aside_texts
    from search.text_file import record_asides

    markdowns = ["![集群 示意图](/a.png \"图一\")\n\n正文，见[文档](/d \"官方 文档\")。", "", "只有正文。\n"]
    writer = TextFileWriter()
    for markdown in markdowns:
        writer.add(markdown.replace("!", ""), markdown)
    writer.write(tmp_path / "x.lit")
    texts = TextFile(tmp_path / "x.lit")
    assert [texts.markdown(d) for d in range(3)] == markdowns
    assert [record_asides(texts.text_part(d)) for d in range(3)] == [aside_texts(m) for m in markdowns]
    assert record_asides(texts.text_part(0)) == {"集群 示意图", "图一", "官方 文档"}
    assert texts.markdown(0, texts.text_part(0)) == markdowns[0]  # its dictionary: the text part


# Bounded work: whatever the query, literal matching reads at most MAX_LISTS
# posting lists and verifies at most every document, per query word.

PASSAGE = "容器编排系统把应用程序的部署扩展和管理自动化处理器调度数据库迁移人民共和国"
COMMON = [article(f"c{i}", f"共同{i}", f"第{i}篇：{PASSAGE}。{PASSAGE[i:]}{PASSAGE[:i]}") for i in range(30)]
JUNK = st.one_of(
    st.builds(lambda a, n: PASSAGE[a : a + n], st.integers(0, len(PASSAGE)), st.integers(1, len(PASSAGE))),
    st.sampled_from(['"', "-", " OR ", "tag:", "category:", "date:", "year:2019", " ", "😀", "𠀀", "ＡＢＣ", "\x00"]),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20), max_size=8),
)
JUNK_QUERIES = st.lists(JUNK, max_size=40).map("".join)


@pytest.fixture(scope="module")
def common_index(tmp_path_factory):
    path = write_index(tmp_path_factory.mktemp("common"), COMMON)
    with search.open_index(path) as opened:
        yield opened


def literal_words(text: str) -> int:
    """How many literal matches a query needs at most (its CJK words, positive or not)."""
    return sum(1 for clause in parse(text).clauses for word in clause.words if has_cjk(word.text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=JUNK_QUERIES)
def test_literal_work_is_bounded_for_any_query(common_index, text):
    work = common_index._texts.work
    before = (work.postings, work.verified)
    try:
        common_index.search(text)
    except search.QueryError as refused:  # over the length limit: refused before any work
        assert refused.parameter == "q" and len(text) > LIMITS.max_query_chars
        assert (work.postings, work.verified) == before
        return
    words = literal_words(text)
    assert work.postings - before[0] <= words * MAX_LISTS * len(COMMON)
    assert work.verified - before[1] <= words * len(COMMON)


LONGEST = LIMITS.max_query_chars


@pytest.mark.parametrize(
    "text", ["容器" * (LONGEST // 2), (PASSAGE * 20)[:LONGEST], ("处" + "x" * 100 + " 编排" * 100)[:LONGEST]]
)
def test_long_queries_are_answered_with_bounded_work(common_index, text):
    assert len(text) == LONGEST
    work = common_index._texts.work
    before = (work.postings, work.verified)
    results = common_index.search(text)
    assert results.total <= len(COMMON)
    assert work.postings - before[0] <= LIMITS.max_words * MAX_LISTS * len(COMMON)
    assert work.verified - before[1] <= LIMITS.max_words * len(COMMON)


def test_reindex_writes_the_files_of_parallel_batches_and_merges(tmp_path, monkeypatch):
    from indexer import build as build_module
    from indexer import build_index, parallel

    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 200)  # a segment per few articles
    folder = tmp_path / "articles"
    folder.mkdir()
    for item in MANY[:40]:
        (folder / f"{item.key}.md").write_text(f"---\ntitle: {item.title}\n---\n\n{item.text}\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(folder, index_dir, jobs=2, merge=False)
    batches = segment_files(index_dir)
    assert len(batches) > 2 and literal_files(index_dir) == batches
    (folder / "d3.md").unlink()
    (folder / "new.md").write_text("---\ntitle: 新的\n---\n\n讲到待处理器与人民。\n", encoding="utf-8")
    build_index(folder, index_dir, jobs=1)  # incremental: merges the small segments
    assert literal_files(index_dir) == segment_files(index_dir) and len(segment_files(index_dir)) < len(batches)
    live = [a for a in MANY[:40] if a.key != "d3"] + [article("new", "新的", "讲到待处理器与人民。")]
    with search.open_index(index_dir) as index:
        for needle in NEEDLES:
            assert literal_keys_by_title(index, needle) == sorted(a.title for a in live if normalize(needle) in
                                                                  normalize(f"{a.title}\n\n{a.text}")), needle


def literal_keys_by_title(index, needle: str) -> list[str]:
    with index.snapshot() as snap:
        docs = snap.searcher.docs_for_query(LiteralQuery(needle, snap.texts))
        return sorted(snap.stored(d)["title"] for d in docs)


def test_a_word_repeating_its_terms_matches_each_term_once():
    from search.analysis import analyze
    from search.match import term_query, words_query

    assert words_query(analyze("容器" * 128)) == term_query("容器")
    assert words_query(analyze("容器编排" * 64)) == words_query(analyze("容器编排"))


def test_alt_text_link_titles_and_footnotes_are_found_verbatim(make_index):
    markdown = (
        "正文开头。\n\n![内核编译耗时统计](/img/a.png)\n\n见[这里](https://example.com \"发行说明页面\")。"
        "[^1]\n\n[^1]: 你可能不会惊讶于这个结果。"
    )
    path = make_index([article("md", "一篇文章", markdown_to_text(markdown), markdown=markdown)])
    with search.open_index(path, warm=False) as index:
        for probe in ("编译耗", "说明页", "不会惊讶"):
            assert [hit.key for hit in index.search(probe)] == ["md"], probe
        assert [hit.key for hit in index.search("example")] == []  # URLs stay out


def _mapped_kb(path: Path) -> int:
    """Resident kB of this process's maps of the file ``path`` (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if "-" in head[0] and len(head) >= 5 and ":" in head[3]:  # a map's first line: range perms offset dev inode [path]
            inside = len(head) > 5 and head[5] == str(path)
        elif inside and head[0] == "Rss:":
            total += int(head[1])
    return total


def _random_file(path: Path, rng) -> tuple[TextFile, list[str]]:
    """A literal file of 200 texts of 2,000 random CJK characters (of 3,000), and the texts."""
    texts = ["".join(map(chr, rng.integers(0x4E00, 0x4E00 + 3000, 2000).tolist())) for _ in range(200)]
    writer = TextFileWriter()
    for text in texts:
        writer.add(text)
    writer.write(path)
    return TextFile(path), texts


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc/self/smaps")
def test_records_are_read_without_mapping_their_pages_and_after_the_file_is_deleted(tmp_path):
    path = tmp_path / "x.lit"
    literal, texts = _random_file(path, np.random.default_rng(7))
    assert len(literal.records) > 500_000  # poorly compressible: most of the file
    path.unlink()  # as a commit deletes a replaced segment's files while a searcher reads them
    assert [literal.texts(d)[0] for d in range(len(literal))] == texts
    assert _mapped_kb(path) * 1024 < len(literal.records) / 4


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc/self/smaps")
def test_posting_lists_are_found_by_code_without_mapping_the_codes(tmp_path):
    # About 400,000 distinct pairs: their codes are many parts of the
    # in-memory sample, and a binary search through the map would leave most
    # of their pages resident.
    rng = np.random.default_rng(11)
    path = tmp_path / "x.lit"
    literal, texts = _random_file(path, rng)
    assert len(literal.pair_codes) > 300_000
    texts = [normalize(text) for text in texts]  # as the file holds them: traditional characters folded
    probes = [texts[d][i : i + 2] for d, i in zip(rng.integers(0, 200, 2000).tolist(),
                                                   rng.integers(0, 1999, 2000).tolist())]
    probes += ["一一", "\u4e00\u4e01", "\u9fa5\u9fa5", "丁" + chr(0x4E00 + 2999)]  # smallest, largest codes and absent ones
    codes = {probe: needle_keys(probe)[1] for probe in probes}  # none for a character folded out of the BMP
    found = {probe: literal.postings("pair", code[0]).tolist() for probe, code in codes.items() if code}
    assert len(found) > 1900
    chars = {c: literal.postings("char", ord(c)).tolist() for c in ("\u4e00", chr(0x4E00 + 2999), "\u9fa5")}
    assert _mapped_kb(path) * 1024 < (literal.pair_codes.nbytes + literal.pair_starts.nbytes) / 4
    for probe, docs in found.items():
        assert docs == [d for d, text in enumerate(texts) if probe in text], probe
    for char, docs in chars.items():
        assert docs == [d for d, text in enumerate(texts) if char in text], char


def test_a_character_or_a_word_the_index_has_is_found_without_reading_texts(make_index):
    """One CJK character's postings are its answer, and a document having a
    word as a term of its title, summary or body has it verbatim: neither is
    verified (decompressed); a candidate without the term still is."""
    articles = [article("term", "服务器", "服务器很稳定。"), article("apart", "别的", "网络服务器件很多。"),
                article("none", "无关", "服务和器材。")]
    with search.open_index(make_index(articles)) as index:
        work = index._texts.work
        assert literal_keys(index, "稳") == ["term"] and work.verified == 0
        assert literal_keys(index, "服务器") == ["apart", "term"]
        assert work.verified == 1  # "apart": jieba cuts 服务器件 otherwise


def test_a_hit_decompresses_its_text_once_for_the_ranking_its_snippet_and_its_markdown(make_index, monkeypatch):
    """The second ranking stage decompresses its candidates' text parts, and
    the page's hits are among them: their snippets and Markdown reuse them."""
    articles = [article(f"a{n}", f"容器笔记{n}", f"容器调度的第{n}种做法。") for n in range(5)]
    with search.open_index(make_index(articles)) as index:
        before = index.search("容器 调度")
        assert len(before.hits) == 5
        reads = []
        text_part = TextFile.text_part
        monkeypatch.setattr(TextFile, "text_part", lambda self, docnum: reads.append(docnum) or text_part(self, docnum))
        index._texts._parts.clear()
        after = index.search("容器 调度")
        assert sorted(reads) == sorted(set(reads)) and len(reads) == 5  # each text part once
        assert [(h.key, h.snippet_html) for h in after.hits] == [(h.key, h.snippet_html) for h in before.hits]
        assert index.get(after.hits[0].key) is not None and len(reads) == 5  # its Markdown: the text part kept


def test_a_latin_word_next_to_a_cjk_word_is_verified_in_the_documents_where_they_meet(tmp_path):
    """``c语言``, ``linux 内核``: the pair of the letter and the CJK
    character they meet at (spaces between or not) selects the candidates,
    not every document having the CJK word."""
    texts = [f"第{i}篇讲语言{'，c语言' if i % 10 == 0 else ''}{'，c 语言' if i % 10 == 1 else ''}。abc" for i in range(100)]
    texts += ["语言 c", "abc语言", "c\u3000语言"]  # after it; inside a longer word; an ideographic space (folded)
    writer = TextFileWriter()
    for text in texts:
        writer.add(text)
    writer.write(tmp_path / "x.lit")
    file = TextFile(tmp_path / "x.lit")
    for needle in ("c语言", "c 语言", "语言 c", "言c"):
        work = Work()
        found = file.find(normalize(needle), work).tolist()
        assert found == [d for d, text in enumerate(texts) if normalize(needle) in normalize(text)], needle
        assert work.verified <= 2 * len(found) + 2, needle  # not the 103 documents with 语言


@pytest.mark.parametrize("older", [10, 11])
def test_an_index_of_an_older_literal_layout_is_refused(tmp_path, older):
    """Version 10's literal files lack the pairs of a letter and a CJK
    character (c语言 would find nothing); 11's records hold text and Markdown
    in one frame: either must be rebuilt."""
    from whoosh import fields
    from whoosh import index as whoosh_index

    from search.schema import SCHEMA_VERSION

    assert older < SCHEMA_VERSION
    whoosh_index.create_in(str(tmp_path), fields.Schema(title=fields.TEXT(stored=True), **{f"schema_v{older}": fields.STORED()}))
    with pytest.raises(search.IncompatibleIndexError, match=r"reindex .*--full"):
        search.open_index(tmp_path)


def test_recent_answers_are_kept_within_their_bytes():
    from search.texts import _Recent

    recent = _Recent(10, budget=100)
    for n in range(5):
        recent.put(n, np.zeros(10, dtype=np.int32))  # 40 bytes each: the last two fit
    assert [n for n in range(5) if recent.get(n) is not None] == [3, 4]
    recent.put(3, np.zeros(5, dtype=np.int32))  # replaced: 20 + 40 bytes
    recent.put(5, np.zeros(10, dtype=np.int32))
    assert [n for n in range(6) if recent.get(n) is not None] == [3, 4, 5]
    assert recent.put("big", np.zeros(30, dtype=np.int32)) is not None  # more than the budget alone: not kept
    assert recent.get("big") is None
    recent.clear()
    recent.put(6, b"x" * 100)  # bytes count by their length
    assert recent.get(6) == b"x" * 100
