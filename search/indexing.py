"""What a program that writes an index needs of the library, in one place.

The indexer (``indexer/``) uses these names and nothing else of ``search``;
so may a site's own importer.  A build:

1. loads the analysis (:func:`preload`, and the site's jieba words with
   :func:`load_user_dictionary`), so that articles are cut as queries
   will be;
2. opens the index folder (:func:`exists`, :func:`has_marker` and
   :func:`adopt_index` guard it; :func:`create_whoosh_index` or
   :func:`open_whoosh_index`) and writes :func:`to_document` of each
   :class:`Article` with a writer of the index (``ix.writer()``), which
   also writes each segment's article texts;
3. or has worker processes write whole segments (:func:`segment_writer`,
   :func:`finish_segment`) that one writer then commits
   (:func:`commit_segments`);
4. keeps the user dictionary it used beside the index
   (:data:`USER_DICTIONARY`, :func:`saved_user_dictionary`) and writes the
   pinyin table of the typo hints (:func:`write_pinyin_table`) unless it
   is current (:func:`pinyin_table_is_current`);
5. may copy a committed generation elsewhere: :func:`generation_files`
   names its files, :func:`is_index_file` tells an index file from others,
   :data:`PINYIN_TABLE` and :data:`USER_DICTIONARY` are read beside it, and
   :func:`write_marker` marks a folder as holding an index of ours.
"""

from __future__ import annotations

from search.analysis import load_user_dictionary, preload
from search.document import Article, to_document
from search.errors import IncompatibleIndexError, SearchError
from search.markdown_text import markdown_to_text
from search.pinyin import FILE as PINYIN_TABLE
from search.pinyin import is_current as pinyin_table_is_current
from search.pinyin import write_table as write_pinyin_table
from search.storage import (
    USER_DICTIONARY,
    adopt_index,
    create_whoosh_index,
    exists,
    generation_files,
    has_marker,
    is_index_file,
    open_whoosh_index,
    saved_user_dictionary,
    write_marker,
)
from search.whoosh_adapter import (
    commit_segments,
    finish_segment,
    segment_count,
    segment_writer,
)

__all__ = [
    "PINYIN_TABLE",
    "USER_DICTIONARY",
    "Article",
    "IncompatibleIndexError",
    "SearchError",
    "adopt_index",
    "commit_segments",
    "create_whoosh_index",
    "exists",
    "finish_segment",
    "generation_files",
    "has_marker",
    "is_index_file",
    "load_user_dictionary",
    "markdown_to_text",
    "open_whoosh_index",
    "pinyin_table_is_current",
    "preload",
    "saved_user_dictionary",
    "segment_count",
    "segment_writer",
    "to_document",
    "write_marker",
    "write_pinyin_table",
]
