"""The codec of every index: whoosh3's, with its pickles (each block of
postings, each document's stored fields) in protocol 3 instead of 2, smaller
values in them, and the shortest posting lists in the term dictionary, in
a compact term info.

Protocol 2 has no opcode for bytes: each bytes value is pickled as a call of
``_codecs.encode`` on a latin-1 string, every byte above 0x7f of it taking
two.  A posting's value (a document's positions in a field, two or three
bytes) grows by about 15 bytes, so a word that occurs in one article (most
of the vocabulary) takes about 100 bytes of postings; and a document's
stored Markdown, zlib-compressed bytes, grows by half before the column
compresses it again.  Protocol 3 pickles bytes as themselves: markedly
smaller postings and stored fields (bench/RESULTS.md).
The pickles load to the same objects, so whoosh3's reader and
search.postings read them as before.

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
  posting (header, block length, block info and the term info's pointer);
- such a term info (:class:`_TermInfo`) holds its postings as varints and
  only the two statistics they do not give (the shortest and longest
  document, a byte each), not whoosh3's 22 bytes of statistics and a
  pickle: a term found once takes 9 bytes instead of 40.  whoosh3's terms
  reader cannot read it, so this codec reads its segments
  (:class:`_TermsReader`); whoosh3's own term infos read as before.
"""

from __future__ import annotations

import functools
import io
import pickle
import struct
import zlib
from array import array
from itertools import accumulate

from whoosh import columns
from whoosh.reading import TermNotFound
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldCursor,
    W3PerDocWriter,
    W3PostingsWriter,
    W3Segment,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.varints import read_varint, varint

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
        return W3Segment(self, indexname)

    def terms_reader(self, storage, segment):
        """whoosh3's (W3Codec.terms_reader), reading :class:`_TermInfo`."""
        name = segment.make_filename(self.TERMS_EXT)
        return _TermsReader(self, storage.open_file(name), storage.file_length(name),
                            segment.open_file(storage, self.POSTS_EXT))


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
    """whoosh3's term info; one with inlined postings of whole weights is
    written compact: a flag byte of :data:`COMPACT`, the shortest and
    longest length as bytes, then as varints the number of postings, each
    docnum (the first, then the gaps), each weight, and each value (its
    length, then it)."""

    COMPACT = 2  # whoosh3's flag byte is 0 (a posting list) or 1 (inlined postings, pickled)
    _compact = struct.Struct("!BBB")

    def to_bytes(self):
        if not self.is_inlined():
            return super().to_bytes()
        ids, weights, values = self._inlined
        whole = all(isinstance(n, int) and n >= 0 for n in (*ids, *weights))
        if not whole or (values and len(values) != len(ids)):
            return super().to_bytes()[:self._struct.size] + _dumps(self._inlined)
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        parts = [self._compact.pack(self.COMPACT, minlength, length_to_byte(self._maxlength))]
        parts += map(varint, (len(ids), ids[0], *(b - a for a, b in zip(ids, ids[1:])), *weights))
        for value in values:
            parts += (varint(len(value)), value)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, s):
        if s[0] != cls.COMPACT:
            terminfo = super().from_bytes(s)
            if isinstance(terminfo._length, tuple):  # whoosh3 reads a posting list's length as a 1-tuple
                (terminfo._length,) = terminfo._length
            return terminfo
        _, minlength, maxlength = cls._compact.unpack_from(s)
        data = io.BytesIO(s)
        data.seek(cls._compact.size)
        read = data.read
        count = read_varint(read)
        ids = tuple(accumulate(read_varint(read) for _ in range(count)))
        weights = tuple(read_varint(read) for _ in range(count))
        values = tuple(read(read_varint(read)) for _ in range(count)) if data.tell() < len(s) else ()
        terminfo = cls()
        terminfo._inlined = (ids, weights, values)
        terminfo._df, terminfo._weight, terminfo._maxweight = count, sum(weights), max(weights)
        terminfo._minid, terminfo._maxid = ids[0], ids[-1]
        terminfo._minlength, terminfo._maxlength = byte_to_length(minlength), byte_to_length(maxlength)
        return terminfo


class _TermsReader(W3TermsReader):
    """whoosh3's terms reader, reading term infos with :class:`_TermInfo`.

    The last :data:`TERM_INFOS_KEPT` term infos looked up (and terms found
    missing) are kept: a search asks a segment for the same term once to
    match, once to score each field, once more for its document frequency,
    so most lookups of a search, and of a related list, are repeats.  A
    term info is not changed once read, and a segment never changes.
    """

    #: Term infos kept per segment (about 300 bytes each, postings inlined).
    TERM_INFOS_KEPT = 1024

    def __init__(self, *args):
        super().__init__(*args)
        self._kept_info = functools.lru_cache(maxsize=self.TERM_INFOS_KEPT)(self._read_info)

    def _read_info(self, fieldname, tbytes) -> _TermInfo | None:
        """A term's info read from the term dictionary; None if the segment does not have it."""
        data = self._tindex.get(self._keycoder(fieldname, tbytes))
        return None if data is None else _TermInfo.from_bytes(data)

    def __contains__(self, term):
        return self._kept_info(*term) is not None

    def cursor(self, fieldname, fieldobj):
        return _FieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        return ((self._keydecoder(k), _TermInfo.from_bytes(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        prefixbytes = self._keycoder(fieldname, prefix)
        return ((self._keydecoder(k), _TermInfo.from_bytes(v)) for k, v in self._tindex.items_from(prefixbytes))

    def _info(self, fieldname, tbytes):
        """A term's info; KeyError if the segment does not have it (Whoosh's reader counts 0)."""
        info = self._kept_info(fieldname, tbytes)
        if info is None:
            raise KeyError((fieldname, tbytes))
        return info

    def term_info(self, fieldname, tbytes):
        try:
            return self._info(fieldname, tbytes)
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname, tbytes):
        return self._info(fieldname, tbytes).weight()

    def doc_frequency(self, fieldname, tbytes):
        return self._info(fieldname, tbytes).doc_frequency()


class _FieldCursor(W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return _TermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


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
