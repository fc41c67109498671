"""What the tests share besides fixtures: the article files written for them,
Articles made in code, and the one writer of every test index.

Every test index is written by :func:`write_index`, with the production writer
(:meth:`search.writer.ArchiveIndex.writer`: its codec, non-compound segments),
so that the tests read the same kind of segments as a real index does.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from search.document import Article, to_document
from search.storage import create_whoosh_index, exists, open_whoosh_index

#: The Markdown files written for the indexer's tests, and their paths relative
#: to that folder (code-point order).
ARTICLES_DIR = Path(__file__).parent / "data" / "articles"
ARTICLE_FILES = sorted(path.relative_to(ARTICLES_DIR).as_posix() for path in ARTICLES_DIR.rglob("*.md"))
#: The one of them the indexer must skip (its front matter is not valid YAML)...
BROKEN_FILE = "broken-yaml.md"
#: ...and the files it makes a document of: all the others.
INDEXED_FILES = [relpath for relpath in ARTICLE_FILES if relpath != BROKEN_FILE]


def article(key: str, title: str, text: str = "", **fields) -> Article:
    """An Article for a test index; the Markdown defaults to the text."""
    fields.setdefault("markdown", text)
    fields.setdefault("path", f"{key}.md")
    if isinstance(fields.get("date"), str):
        fields["date"] = datetime.fromisoformat(fields["date"])
    return Article(key=key, title=title, text=text, **fields)


def write_index(path: Path, articles=(), *, delete=(), mergetype=None) -> Path:
    """Commit ``articles`` to the index at ``path`` and return ``path``.

    The index is created when ``path`` holds none. The documents whose keys are
    in ``delete`` are deleted first; ``mergetype`` is Whoosh's (``writing.CLEAR``
    replaces the whole index, as a full rebuild does).
    """
    ix = open_whoosh_index(path) if exists(path) else create_whoosh_index(path)
    try:
        writer = ix.writer()
        try:
            for key in delete:
                writer.delete_by_term("key", key)
            for item in articles:
                writer.add_document(**to_document(item, fingerprint="test"))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=mergetype)
    finally:
        ix.close()
    return path


def contents(path) -> dict:
    """Everything the index holds of its live documents, by key, whatever the segments."""
    ix = open_whoosh_index(path)
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            keys = {docnum: fields["key"] for docnum, fields in reader.iter_docs()}
            postings = {}
            for name, text in reader.all_terms():
                matcher = reader.postings(name, text)
                found = []
                while matcher.is_active():
                    # a field without values reads None from a posting block, "" from inlined postings
                    found.append((keys[matcher.id()], matcher.weight(), matcher.value() or None))
                    matcher.next()
                if found:
                    postings[name, text] = sorted(found)
            # Segment by segment (MultiReader.column_reader misnumbers a column one
            # segment lacks), the column's default and a column a segment lacks as None:
            # a segment without any value of a field has no column file for it.
            columns = {name: {} for name in reader.schema.names() if reader.schema[name].column_type}
            for segment, base in reader.leaf_readers():
                for name, values in columns.items():
                    column = segment.column_reader(name, translate=False) if segment.has_column(name) else None
                    default = segment.schema[name].column_type.default_value()
                    for d in segment.all_doc_ids():
                        value = None if column is None else column[d]
                        values[keys[base + d]] = None if value == default else value
            lengths = {name: {keys[d]: reader.doc_field_length(d, name) or 0 for d in keys}  # or None: no such field
                       for name in reader.schema.scorable_names()}
            stored = {keys[d]: fields for d, fields in reader.iter_docs()}
            return {"postings": postings, "columns": columns, "lengths": lengths, "stored": stored}
    finally:
        ix.close()
