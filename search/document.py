"""The article record, and its conversion to and from an index document."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from search.analysis import normalize
from search.markdown_text import markdown_to_text, summary_to_text
from search.schema import VALUE_SEPARATOR


@dataclass
class Article:
    """One article: what the indexer reads from a file and ``Index.get`` returns."""

    key: str
    path: str
    title: str
    markdown: str = ""
    text: str = ""  # the body reduced to plain text: what is indexed and quoted
    id: str | None = None
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    category: str | None = None
    author: str | None = None
    translator: str | None = None
    reviewer: str | None = None
    selector: str | None = None
    date: datetime | None = None
    updated: datetime | None = None
    url: str | None = None
    fromurl: str | None = None
    islctt: bool = False
    editorchoice: bool = False
    views: int = 0
    comments: int = 0
    likes: int = 0
    favtimes: int = 0
    sharetimes: int = 0


# Stored as index fields of their own; every other attribute goes in ``meta``.
_OWN_FIELDS = {"key", "path", "id", "title", "summary", "category", "date", "views", "tags"}
_BLOB_FIELDS = {"text", "markdown"}  # the markdown is in the literal file; the text is derived from it
_META_FIELDS = [
    f.name for f in fields(Article) if f.name not in _OWN_FIELDS | _BLOB_FIELDS
]


def to_document(article: Article, fingerprint: str = "") -> dict:
    """The field values ``writer.add_document`` takes for ``article``, and its
    ``markdown``, which search.writer keeps in the segment's literal file."""
    tags = [t for t in article.tags if t]
    names = [n for n in (article.author, article.translator) if n]
    doc = {
        "key": article.key,
        "path": article.path,
        "fingerprint": fingerprint.encode("utf-8"),
        "title": article.title,
        "tags_text": " ".join(tags),
        "summary": summary_to_text(article.summary),  # excerpts may carry HTML (<ruby>)
        "body": article.text,
        "tag_values": VALUE_SEPARATOR.join(tags).encode("utf-8"),
        "views": int(article.views or 0),
        "tags": tags,
        "authors": names,
        "meta": {name: getattr(article, name) for name in _META_FIELDS},
        "markdown": article.markdown,
    }
    if article.id is not None:
        doc["id"] = str(article.id)
    if tags:
        doc["tag"] = ",".join(normalize(t).replace(",", " ") for t in tags)
    if article.category:
        doc["category"] = article.category
    if names:
        doc["author"] = ",".join(n.replace(",", " ") for n in names)
    if article.date is not None:
        doc["date"] = article.date
    return doc


def from_stored(stored: dict, markdown: str) -> Article:
    """The :class:`Article` of a document's stored fields and Markdown."""
    meta = stored.get("meta") or {}
    return Article(
        key=stored["key"],
        path=stored["path"],
        title=stored.get("title", ""),
        markdown=markdown,
        text=markdown_to_text(markdown),
        id=stored.get("id"),
        summary=stored.get("summary", ""),
        tags=list(stored.get("tags") or []),
        category=stored.get("category"),
        date=stored.get("date"),
        views=stored.get("views", 0),
        **{name: meta[name] for name in _META_FIELDS if name in meta},
    )


def joined_text(title: str, summary: str, text: str) -> str:
    """The title, summary and plain text of a document, one a line: what the
    literal matcher searches (normalised) and snippets quote (after the
    title's line).  ``summary`` is the stored one, stripped at write time."""
    return f"{title}\n{summary}\n{text}"
