"""The peers the relevance benchmark measures beside the library, on the same corpus.

Both index the title and the Markdown body (as plain_whoosh does) as jieba
tokens: ``jieba.cut_for_search``, lower-cased, without whitespace, single
non-CJK characters and punctuation runs: the set-up of
shared/research/peers, so their figures compare with its RESULTS.

- :class:`Bm25s`: bm25s, one field (title + body), BM25, OR of the query's
  tokens: any token scores.
- :class:`Tantivy`: tantivy-py over the tokens joined by spaces (whitespace
  tokenizer, lower case), each query token in the title or the body, AND
  of the tokens, BM25.

Each keeps its index in a folder and builds it there when absent::

    peer = Bm25s(folder)                 # or Tantivy(folder)
    peer.open(lambda: load_corpus(...))  # builds from the documents if needed
    peer.search("容器 编排")             # [relpath, ...], best first
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

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
    return list(dict.fromkeys(tokens(query)))


class Bm25s:
    name = "bm25s"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def open(self, documents: Callable[[], Documents]) -> None:
        import bm25s

        ids = self.folder / "ids.json"
        if ids.exists():
            self.retriever = bm25s.BM25.load(str(self.folder))
            self.ids = json.loads(ids.read_text(encoding="utf-8"))
            return
        docs = documents()
        self.retriever = bm25s.BM25()
        self.retriever.index([tokens(title) + tokens(body) for _, title, body in docs], show_progress=False)
        self.retriever.save(str(self.folder))
        self.ids = [path for path, _, _ in docs]
        ids.write_text(json.dumps(self.ids, ensure_ascii=False), encoding="utf-8")

    def search(self, query: str, k: int = 10) -> list[str]:
        known = [t for t in query_tokens(query) if t in self.retriever.vocab_dict]
        if not known:
            return []
        docs, scores = self.retriever.retrieve([known], k=min(k, len(self.ids)), show_progress=False, n_threads=0)
        return [self.ids[int(d)] for d, s in zip(docs[0], scores[0]) if s > 0]


class Tantivy:
    name = "tantivy"
    _TOKENIZER = "jieba_ws"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _analyzer(self):
        import tantivy

        return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.lowercase()).build()

    def open(self, documents: Callable[[], Documents]) -> None:
        import tantivy

        if not (self.folder / "meta.json").exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            builder = tantivy.SchemaBuilder()
            builder.add_text_field("id", stored=True, tokenizer_name="raw")
            builder.add_text_field("title", tokenizer_name=self._TOKENIZER)
            builder.add_text_field("body", tokenizer_name=self._TOKENIZER)
            index = tantivy.Index(builder.build(), path=str(self.folder))
            index.register_tokenizer(self._TOKENIZER, self._analyzer())
            writer = index.writer()
            for path, title, body in documents():
                writer.add_document(tantivy.Document(id=path, title=" ".join(tokens(title)),
                                                     body=" ".join(tokens(body))))
            writer.commit()
            writer.wait_merging_threads()
        self.index = tantivy.Index.open(str(self.folder))
        self.index.register_tokenizer(self._TOKENIZER, self._analyzer())  # analyzers are not stored
        self.searcher = self.index.searcher()

    def search(self, query: str, k: int = 10) -> list[str]:
        from tantivy import Occur, Query

        words = query_tokens(query)
        if not words:
            return []
        schema = self.index.schema
        each = [(Occur.Must, Query.boolean_query([(Occur.Should, Query.term_query(schema, name, word))
                                                  for name in ("title", "body")]))
                for word in words]
        hits = self.searcher.search(Query.boolean_query(each), k).hits
        return [self.searcher.doc(address).get_first("id") for _, address in hits]
