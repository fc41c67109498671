"""The codec every writer of an index uses: whoosh3's, with its pickles
(each block of postings, each document's stored fields) in protocol 3
instead of 2, smaller values in them, and the shortest posting lists in the
term dictionary.

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

Within that format (measured on the LCTT corpus, bench/RESULTS.md):

- the pickles have no memo (``Pickler.fast``): each bytes value and tuple
  of a block was followed by a PUT opcode that nothing reads back, two bytes
  a posting;
- frequencies, which is what every weight here is, are pickled as ints (two
  bytes each) instead of floats (nine); whoosh3 reads a block's weights as
  any sequence of numbers;
- a term found in fewer than :data:`INLINE_LIMIT` documents of a segment,
  most of the vocabulary, has its postings in its term info (whoosh3's
  "inlined" postings, which its writer names but cannot write) instead of a
  posting list of its own: a list costs about 40 bytes before its first
  posting (header, block length, block info and the term info's pointer).
"""

from __future__ import annotations

import io
import pickle
import zlib
from array import array

from whoosh import columns
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3PerDocWriter,
    W3PostingsWriter,
    W3Segment,
    W3TermInfo,
)
from whoosh.util.numeric import length_to_byte

#: The pickle protocol written: 3 is the first with bytes, and 4 and 5 add
#: a 9-byte frame header to every pickle.
PROTOCOL = 3
#: Posting lists shorter than this are kept in their term's info.
INLINE_LIMIT = 4


def _dumps(value) -> bytes:
    """``value`` pickled with :data:`PROTOCOL` and no memo (it is flat: no
    object in it is referred to twice)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


def _number(value: float | int) -> float | int:
    """A weight as an int when it is whole (pickled in 2 bytes, not 9)."""
    return int(value) if float(value).is_integer() else value


class ArchiveCodec(W3Codec):
    def __init__(self):
        super().__init__(inlinelimit=INLINE_LIMIT)

    def per_document_writer(self, storage, segment):
        return PerDocumentWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return BlockWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                           compression=self._compression, inlinelimit=self._inlinelimit)

    def new_segment(self, storage, indexname):
        # Read with whoosh3's codec: only writing differs.
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


class BlockWriter(W3PostingsWriter):
    def start_postings(self, format_, terminfo):
        super().start_postings(format_, _TermInfo())

    def finish_postings(self):
        """whoosh3's, with postings inlined into the term info when there are few."""
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, map(_number, self._weights), self._values)
        return terminfo

    def add_block(self, ids, weights, values, minlength, maxlength):
        """Buffer a block of another segment's postings as it is (a merge,
        search.writer), after writing out the buffered postings: they are
        written with the next postings, or as the last block of the list."""
        if self._ids:
            self._write_block()
        self._ids = array("I", ids)
        self._weights = array("f", weights)
        self._values = [v for v in values if v]  # as add_posting keeps them
        self._maxweight = max(weights)
        self._minlength, self._maxlength = minlength, maxlength

    def _mini_weights(self):
        weights = super()._mini_weights()  # None, one float (whoosh3 reads only a float as that), or a tuple
        return tuple(map(_number, weights)) if isinstance(weights, tuple) else weights

    def _write_block(self, last=False):
        """whoosh3's block layout (W3PostingsWriter._write_block), pickled
        with :data:`PROTOCOL`."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)

        data = _dumps((self._mini_ids(), self._mini_weights(), self._mini_values()))
        compression = self._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if compression:
            data = zlib.compress(data, compression)
        info = _dumps((len(self._ids), self._ids[-1], _number(self._maxweight), compression,
                       length_to_byte(self._minlength), length_to_byte(self._maxlength)))

        length = len(info) + len(data)
        postfile.write_int(-length if last else length)  # a negative length marks the last block
        postfile.write(info)
        postfile.write(data)
        self._blockcount += 1
        self._new_block()


class _TermInfo(W3TermInfo):
    def to_bytes(self):
        """whoosh3's, with inlined postings pickled by :func:`_dumps`."""
        if not self.is_inlined():
            return super().to_bytes()
        return super().to_bytes()[:self._struct.size] + _dumps(self._inlined)


class _StoredFields(columns.PickleColumn):
    """whoosh3's column of stored fields (STORED_COLUMN), pickled with :data:`PROTOCOL`."""

    class Writer(columns.PickleColumn.Writer):
        def add(self, docnum, v):
            self._child.add(docnum, b"" if v is None else _dumps(v))


class PerDocumentWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        if column is STORED_COLUMN:
            column = _StoredFields(STORED_COLUMN._child)
        super()._create_column(fieldname, column)
