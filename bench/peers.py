"""The peers the relevance benchmark measures beside the library, on the same corpus.

Both index the title and the Markdown body (as plain_whoosh does) as jieba
tokens: ``jieba.cut_for_search``, lower-cased, without whitespace, single
non-CJK characters and tokens with no letter, digit or CJK character
(punctuation runs): the tokens of shared/research/peers/bench.py
(``jieba_tokens``), so their figures compare with its RESULTS.

- :class:`Bm25s`: bm25s, one field (title + body), BM25, OR of the query's
  tokens: any token scores.
- :class:`Tantivy`: tantivy-py over the tokens joined by spaces (whitespace
  tokenizer, lower case), each query token in the title or the body, AND
  of the tokens, BM25.

Each keeps its index in a folder; :func:`build_once` builds it there when
the folder is absent (delete the folder after changing this module)::

    build_once(folder, lambda path: Bm25s.build(load_corpus(...), path))
    peer = Bm25s(folder)                 # or Tantivy(folder)
    peer.search("容器 编排")             # [relpath, ...], best first
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

#: The CJK range of shared/research/peers/bench.py: its single characters are kept.
_CJK = re.compile("[\u4e00-\u9fd5]")

#: (relpath, title, body) of every document, as plain_whoosh.load_corpus gives them.
Documents = list[tuple[str, str, str]]


def tokens(text: str) -> list[str]:
    found = []
    for token in jieba.cut_for_search(text):
        token = token.strip().lower()
        if not token or (len(token) == 1 and not _CJK.match(token)) or not any(c.isalnum() for c in token):
            continue
        found.append(token)
    return found


def query_tokens(query: str) -> list[str]:
    """The query's tokens, each once, in order."""
    return list(dict.fromkeys(tokens(query)))


def build_once(folder: Path, build: Callable[[Path], object]) -> float | None:
    """Run ``build(path)`` unless ``folder`` exists; the seconds it took, or None.

    The index is built in a sibling folder and renamed to ``folder`` when
    complete, so an interrupted build is never taken for an index.
    """
    if folder.exists():
        return None
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    build(partial)
    partial.rename(folder)
    return time.perf_counter() - start


class Bm25s:
    name = "bm25s"
    _IDS = "ids.json"

    @classmethod
    def build(cls, documents: Documents, folder: Path) -> None:
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([tokens(title) + tokens(body) for _, title, body in documents], show_progress=False)
        retriever.save(str(folder))
        ids = [path for path, _, _ in documents]
        (folder / cls._IDS).write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")

    def __init__(self, folder: Path):
        import bm25s

        self.retriever = bm25s.BM25.load(str(folder))
        self.ids = json.loads((folder / self._IDS).read_text(encoding="utf-8"))

    def search(self, query: str, k: int = 10) -> list[str]:
        known = [t for t in query_tokens(query) if t in self.retriever.vocab_dict]
        if not known:
            return []
        docs, scores = self.retriever.retrieve([known], k=min(k, len(self.ids)), show_progress=False, n_threads=0)
        return [self.ids[int(d)] for d, s in zip(docs[0], scores[0]) if s > 0]


class Tantivy:
    name = "tantivy"
    _TOKENIZER = "jieba_ws"
    _FIELDS = ("title", "body")

    @classmethod
    def _analyzer(cls):
        import tantivy

        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.lowercase()).build()

    @classmethod
    def build(cls, documents: Documents, folder: Path) -> None:
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for field in cls._FIELDS:
            builder.add_text_field(field, tokenizer_name=cls._TOKENIZER)
        index = tantivy.Index(builder.build(), path=str(folder))
        index.register_tokenizer(cls._TOKENIZER, cls._analyzer())
        writer = index.writer()
        for path, title, body in documents:
            writer.add_document(tantivy.Document(id=path, title=" ".join(tokens(title)), body=" ".join(tokens(body))))
        writer.commit()
        writer.wait_merging_threads()

    def __init__(self, folder: Path):
        import tantivy

        self.index = tantivy.Index.open(str(folder))
        self.index.register_tokenizer(self._TOKENIZER, self._analyzer())  # analyzers are not stored
        self.searcher = self.index.searcher()

    def search(self, query: str, k: int = 10) -> list[str]:
        from tantivy import Occur, Query

        words = query_tokens(query)
        if not words:
            return []
        schema = self.index.schema
        each = [(Occur.Must, Query.boolean_query([(Occur.Should, Query.term_query(schema, field, word))
                                                  for field in self._FIELDS]))
                for word in words]
        hits = self.searcher.search(Query.boolean_query(each), k, count=False).hits
        return [self.searcher.doc(address).get_first("id") for _, address in hits]
