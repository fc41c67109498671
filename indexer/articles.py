"""One article file to an :class:`~search.document.Article`.

Front-matter fields read (the archive's export format, see
``shared/corpus/seed``): id, title, date, updated, author, translator,
reviewer, selector, category, categories, tags, summary (else excerpt),
permalink (the article's URL), fromurl, islctt, editorchoice and the nested
count (viewnum, commentnum, likes, favtimes, sharetimes).  Other keys are
ignored.

Categories: ``category`` and ``categories`` may each be a string, a
comma-separated string or a list.  Their values, ``category`` first, make one
list: the first value is the article's category and the others are added to
its tags, so no value is lost.

Title: the front-matter title, else the first Markdown heading, else the file
name without ``.md``.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from indexer import front_matter_values as values
from indexer.decoding import NotTextError, decode
from indexer.errors import ArticleError
from indexer.frontmatter_yaml import FrontMatterError, split_front_matter
from search.indexing import Article, markdown_to_text

#: Larger files are skipped: no article is anywhere near this.
MAX_FILE_BYTES = 32 * 1024 * 1024

_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$|^[ ]{0,3}(\S.*?)[ \t]*\n[ ]{0,3}=+[ \t]*$", re.M)
_COUNTS = {"views": "viewnum", "comments": "commentnum", "likes": "likes",
           "favtimes": "favtimes", "sharetimes": "sharetimes"}
_NAMES = ("author", "translator", "reviewer", "selector")


def read_article(path: str | Path, relpath: str) -> tuple[Article, list[str]]:
    """The article in the file at ``path`` and the warnings about its fields.

    ``relpath`` is recorded as the article's path; its key is left empty for
    the caller to assign.  Raises :class:`ArticleError` naming ``relpath``.
    """
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ArticleError(relpath, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(relpath, f"file larger than {MAX_FILE_BYTES // 2**20} MB")
    return parse_article(data, relpath)


def parse_article(data: bytes, relpath: str) -> tuple[Article, list[str]]:
    """The article held in the bytes ``data`` of the file ``relpath``."""
    try:
        meta, body = split_front_matter(decode(data))
    except (NotTextError, FrontMatterError) as exc:
        raise ArticleError(relpath, str(exc)) from None
    warnings: list[str] = []
    fields = _fields(meta, warnings)
    body = body.strip("\n")
    title = values.text(meta.get("title")) or _first_heading(body) or PurePosixPath(relpath).stem
    article = Article(key="", path=relpath, title=title, markdown=body,
                      text=markdown_to_text(body), **fields)
    return article, warnings


def _fields(meta: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    def read(label: str, convert, value, default=None):
        try:
            return convert(value)
        except ValueError as exc:
            warnings.append(f"{label}: {exc}; ignored")
            return default

    categories = values.text_list([meta.get("category"), meta.get("categories")])
    tags = values.text_list([meta.get("tags"), categories[1:]])
    counts = meta.get("count") if isinstance(meta.get("count"), dict) else {}
    return {
        "id": read("id", values.identifier, meta.get("id")),
        "summary": values.text(meta.get("summary")) or values.text(meta.get("excerpt")),
        "tags": tags,
        "category": categories[0] if categories else None,
        **{name: ", ".join(values.text_list(meta.get(name))) or None for name in _NAMES},
        "date": read("date", values.timestamp, meta.get("date")),
        "updated": read("updated", values.timestamp, meta.get("updated")),
        "url": values.text(meta.get("permalink")) or None,
        "fromurl": values.text(meta.get("fromurl")) or None,
        "islctt": values.flag(meta.get("islctt")),
        "editorchoice": values.flag(meta.get("editorchoice")),
        **{attr: read(f"count.{key}", values.integer, counts.get(key), 0)
           for attr, key in _COUNTS.items()},
    }


def _first_heading(body: str) -> str:
    match = _HEADING.search(body[:20_000])
    if not match:
        return ""
    return markdown_to_text(match.group(1) or match.group(2)).strip()
