"""The words analysis on mixed Chinese/English text: terms, positions, offsets."""

from __future__ import annotations

from search.analysis import ChineseTokenizer, normalize, word_positions

TEXT = "Ｌｉｎｕｘ 内核 5.6 支持 WireGuard，node.js 很流行；中华人民共和国"


def tokens(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    tokenizer = ChineseTokenizer()
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in tokenizer(text, positions=True, chars=True, mode=mode)]


def test_offsets_point_into_the_original_text():
    for term, _, start, end in tokens(TEXT):
        assert normalize(TEXT[start:end]) == term  # no stemmed word in TEXT
    assert ("linux", 0, 0, 5) in tokens(TEXT)  # full-width letters folded, offsets kept


def test_main_words_have_consecutive_positions():
    main = tokens(TEXT, mode="query")
    assert [t[0] for t in main] == ["linux", "内核", "5.6", "支持", "wireguard", "node.js", "很", "流行", "中华人民共和国"]
    assert [t[1] for t in main] == list(range(9))


def test_parts_and_sub_words_share_the_position_of_their_word():
    by_term = {term: (pos, start, end) for term, pos, start, end in tokens(TEXT)}
    assert by_term["node"][0] == by_term["js"][0] == by_term["node.js"][0] == 5
    assert by_term["5"][0] == by_term["6"][0] == by_term["5.6"][0] == 2
    assert by_term["人民"][0] == by_term["共和国"][0] == by_term["中华人民共和国"][0] == 8
    start, end = by_term["人民"][1:]
    assert TEXT[start:end] == "人民"


def test_english_words_are_lowercased_and_stemmed():
    assert set(word_positions(normalize("Kernels and Containers"))) >= {"kernel", "contain", "and"}


def test_word_positions_match_the_tokenizer():
    positions = word_positions(normalize(TEXT))
    assert positions["内核"] == [1] and positions["中华"] == [8]


def test_main_word_spans_are_those_of_iter_words_in_the_touched_pieces():
    from search.analysis import iter_words, main_word_spans

    text = normalize("新的任务先进入待处理器，再分发。Docker-Compose 和 C++ 编译器都在 Linux 内核之外")
    main, last = [], None
    for _, pos, start, end in iter_words(text):
        if pos != last:
            main.append((start, end))
        last = pos
    for spans in ([(9, 11)], [(0, 2), (19, 21)], [(len(text) - 2, len(text))], [(13, 30)], []):
        touched = [
            (s, e) for s, e in main
            if any(a < e2 and s2 < b for a, b in spans for s2, e2 in _pieces_of(text, s, e))
        ]
        assert main_word_spans(text, spans) == touched, spans


def _pieces_of(text, start, end):
    """The CJK run or Latin token of ``text`` holding the word at start..end."""
    from search.analysis import _WORD

    return [m.span() for m in _WORD.finditer(text) if m.start() <= start and end <= m.end()]


def test_main_words_of_a_cjk_run_are_jiebas_default_cut():
    # Runs of jieba's own CJK characters are cut by its inner step directly;
    # a run with characters outside them (extension A, compatibility
    # ideographs, the end of the unified block) by jieba.cut: both must give
    # jieba.cut's words, unknown names (its HMM) included.
    import jieba

    for run in ("我们在北京大学学习自然语言处理技术", "张小凡和李大壮昨天去了杭州西湖",
                "㐀㐁内核模块加载", "内核\uf900\uf901模块", "编译器\u9fe0\u9fd6优化"):
        main = [t[0] for t in tokens(run, mode="query")]
        assert main == list(jieba.cut(run, HMM=True)), run


def test_jiebas_dictionary_cache_is_loaded_in_one_read(tmp_path):
    # jieba loads its cache with its module's marshal.load: ours reads the file
    # once (marshal's own reads it piece by piece, 1.2 s for jieba's 9 MB).
    import io
    import marshal

    import jieba  # search.analysis, imported above, gave it the loader

    class CountedFile(io.BytesIO):
        reads = 0

        def read(self, *args):
            self.reads += 1
            return super().read(*args)

        def readinto(self, buffer):
            self.reads += 1
            return super().readinto(buffer)

    dictionary = ({"内核": 3, "内": 0, "模块": 2, "模": 0}, 5)
    cache = CountedFile(marshal.dumps(dictionary))
    assert jieba.marshal.load(cache) == dictionary
    assert cache.reads == 1

    # and jieba's own cache round trip, with a dictionary of its format
    words = tmp_path / "dict.txt"
    words.write_text("内核 3 n\n模块 2 n\n", encoding="utf-8")
    for built in (True, False):  # the first builds and dumps the cache, the second loads it
        tokenizer = jieba.Tokenizer(str(words))
        tokenizer.tmp_dir = str(tmp_path)
        if not built:  # jieba rebuilds from the dictionary when its cache fails to load
            tokenizer.gen_pfdict = None
        tokenizer.initialize()
        assert tokenizer.FREQ["内核"] == 3 and tokenizer.FREQ["内"] == 0 and tokenizer.total == 5
    assert list(tmp_path.glob("jieba.u*.cache"))


def test_a_search_process_keeps_fewer_segmented_runs_with_the_same_words(monkeypatch):
    from search import analysis

    monkeypatch.setattr(analysis, "_segment", analysis._segment)  # restored after the test
    runs = ["容器镜像瘦身", "内核模块加载", "分布式存储系统"]
    before = [list(analysis.iter_words(run)) for run in runs]
    analysis.keep_segmented_runs(2)
    assert [list(analysis.iter_words(run)) for run in runs] == before
    info = analysis._segment.cache_info()
    assert info.maxsize == 2 and info.currsize == 2


def test_the_web_app_keeps_its_number_of_segmented_runs(monkeypatch, tmp_path):
    from search import analysis
    from web import SEGMENTED_RUNS, create_app

    monkeypatch.setattr(analysis, "_segment", analysis._segment)
    analysis.keep_segmented_runs(analysis.SEGMENTED_RUNS)  # as an indexer has it
    create_app({"INDEX_DIR": str(tmp_path)})
    assert analysis._segment.cache_info().maxsize == SEGMENTED_RUNS < analysis.SEGMENTED_RUNS
