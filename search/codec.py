"""The codec of every index: whoosh3's, writing and reading its postings,
term infos and stored fields the smaller way that search.whoosh_adapter
describes and implements.

Each index's TOC records the codec of its segments by this class's import
path, ``search.codec.ArchiveCodec``: moving or renaming the class makes
every existing index unreadable (tests/test_whoosh_adapter.py checks the path).
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3Segment

from search.whoosh_adapter import (
    INLINE_LIMIT,
    PerDocumentWriter,
    postings_writer,
    terms_reader,
)


class ArchiveCodec(W3Codec):
    def __init__(self):
        super().__init__(inlinelimit=INLINE_LIMIT)

    def per_document_writer(self, storage, segment):
        return PerDocumentWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return postings_writer(self, dbfile, byteids)

    def new_segment(self, storage, indexname):
        return W3Segment(self, indexname)

    def terms_reader(self, storage, segment):
        return terms_reader(self, storage, segment)
