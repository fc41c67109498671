"""Where an index lives on disk: opening it for reading or writing."""

from __future__ import annotations

import pickle
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from search.errors import IncompatibleIndexError, IndexNotFoundError
from search.schema import SCHEMA_VERSION, build_schema
from search.writer import ArchiveIndex

#: Options for every writer of an index.  Non-compound segments: whoosh3 reads
#: a compound segment by copying it into memory (a BytesIO over the mmap),
#: about 200 MB per searching process on a 8,000-article archive; separate
#: files are read through the page cache instead.
WRITER_OPTIONS = {"compound": False}

#: The jieba user dictionary an index was built with, kept in its folder so that
#: queries are segmented with the same words as the articles were.
USER_DICTIONARY = "jieba_userdict.txt"

#: A stored-only field whose name carries the schema version.
VERSION_FIELD = f"schema_v{SCHEMA_VERSION}"


def index_schema():
    """The schema written into new indexes (the article schema plus its version mark)."""
    from whoosh import fields

    schema = build_schema()
    schema.add(VERSION_FIELD, fields.STORED())
    return schema


def exists(path: str | Path) -> bool:
    """Whether ``path`` holds a committed index."""
    path = Path(path)
    return path.is_dir() and whoosh_index.exists_in(str(path))


def open_whoosh_index(path: str | Path):
    """The Whoosh index at ``path``, checked to be one this version can read."""
    path = Path(path)
    if not exists(path):
        raise IndexNotFoundError(path)
    try:
        ix = ArchiveIndex(FileStorage(str(path)))
    except EmptyIndexError as exc:
        raise IndexNotFoundError(path) from exc
    except (pickle.UnpicklingError, AttributeError, ModuleNotFoundError, ImportError) as exc:
        raise IncompatibleIndexError(path, str(exc)) from exc
    if VERSION_FIELD not in ix.schema.names():
        ix.close()
        raise IncompatibleIndexError(path, f"no {VERSION_FIELD} mark in its schema")
    return ix


def saved_user_dictionary(path: str | Path) -> Path | None:
    """The user dictionary kept in the index folder ``path``, if any."""
    saved = Path(path) / USER_DICTIONARY
    return saved if saved.is_file() else None


def create_whoosh_index(path: str | Path):
    """A new, empty index at ``path`` (the folder is created if needed).

    Only for a folder without an index: Whoosh's ``create_in`` deletes the
    files of an existing one. A full rebuild over an existing index commits
    with ``mergetype=CLEAR`` instead, so readers never see it empty.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return ArchiveIndex.create(FileStorage(str(path)), index_schema())
