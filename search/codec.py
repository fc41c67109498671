"""The codec every writer of an index uses: whoosh3's, with its pickles
(each block of postings, each document's stored fields) in protocol 3
instead of 2.

Protocol 2 has no opcode for bytes: each bytes value is pickled as a call of
``_codecs.encode`` on a latin-1 string, every byte above 0x7f of it taking
two.  A posting's value (a document's positions in a field, two or three
bytes) grows by about 15 bytes, so a word that occurs in one article (most
of the vocabulary) takes about 100 bytes of postings; and a document's
stored Markdown, zlib-compressed bytes, grows by half before the column
compresses it again.  Protocol 3 pickles bytes as themselves: on the LCTT
corpus 39 % less postings and 16 % less stored fields (bench/RESULTS.md).
The pickles load to the same objects, so whoosh3's reader and
search.postings read them as before, and new segments name whoosh3's own
codec (:meth:`ArchiveCodec.new_segment`): the index stays a plain whoosh3
index, which any version of this package reads.
"""

from __future__ import annotations

import pickle
import zlib

from whoosh import columns
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3PerDocWriter,
    W3PostingsWriter,
    W3Segment,
)
from whoosh.util.numeric import length_to_byte

#: The pickle protocol written: 3 is the first with bytes, and 4 and 5 add
#: a 9-byte frame header to every pickle.
PROTOCOL = 3


class ArchiveCodec(W3Codec):
    def per_document_writer(self, storage, segment):
        return PerDocumentWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return BlockWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                           compression=self._compression, inlinelimit=self._inlinelimit)

    def new_segment(self, storage, indexname):
        # Read with whoosh3's codec: only writing differs.
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


class BlockWriter(W3PostingsWriter):
    def _write_block(self, last=False):
        """whoosh3's block layout (W3PostingsWriter._write_block), pickled
        with :data:`PROTOCOL`."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)

        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), PROTOCOL)
        compression = self._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if compression:
            data = zlib.compress(data, compression)
        info = pickle.dumps((len(self._ids), self._ids[-1], self._maxweight, compression,
                             length_to_byte(self._minlength), length_to_byte(self._maxlength)), PROTOCOL)

        length = len(info) + len(data)
        postfile.write_int(-length if last else length)  # a negative length marks the last block
        postfile.write(info)
        postfile.write(data)
        self._blockcount += 1
        self._new_block()


class _StoredFields(columns.PickleColumn):
    """whoosh3's column of stored fields (STORED_COLUMN), pickled with :data:`PROTOCOL`."""

    class Writer(columns.PickleColumn.Writer):
        def add(self, docnum, v):
            self._child.add(docnum, b"" if v is None else pickle.dumps(v, PROTOCOL))


class PerDocumentWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        if column is STORED_COLUMN:
            column = _StoredFields(STORED_COLUMN._child)
        super()._create_column(fieldname, column)
