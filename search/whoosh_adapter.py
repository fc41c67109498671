"""Everything that depends on the private state of whoosh3 and jieba.

The rest of the project uses their documented interfaces and these
functions and classes; tests/test_layering.py checks that no other module
reads a private name of either.  Both are pinned in pyproject.toml, and
this module refuses, at import, a version other than the one it was
written against (:data:`PINNED`): a private name may change in any release.

What it holds:

- the parts of the codec of every index (search.codec) that write and
  read whoosh3's files their own way, described below;
- reads of Whoosh's segment files that its public API makes slow: column
  bytes as arrays, term infos and posting lists by extent, a whoosh3
  posting list's blocks;
- the steps of a segment writer that the project's writer
  (search.writer) hooks into and that a parallel build replays
  (indexer.parallel);
- jieba's segmentation of a run of text without its HMM and regex passes.

The codec (search.codec): whoosh3's, with its pickles (each block of
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
smaller postings and stored fields.
The pickles load to the same objects, so whoosh3's reader and
search.postings read them as before.

Within that format:

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
from importlib.metadata import version
from itertools import accumulate

import jieba
import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    LENGTHS_COLUMN,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldCursor,
    W3LeafMatcher,
    W3PerDocWriter,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.varints import read_varint, varint
from whoosh.writing import SegmentWriter

#: The distributions whose private state this module reads, at the versions
#: it was written against (pyproject.toml pins the same).
PINNED = {"whoosh3": "3.54.0", "jieba": "0.42.1"}


def check_versions(installed=version) -> None:
    """Raise ImportError naming the package unless each of :data:`PINNED` is
    installed at its pinned version."""
    for name, pinned in PINNED.items():
        found = installed(name)
        if found != pinned:
            raise ImportError(
                f"zhsearch reads private parts of {name} {pinned}, but {name} {found} is installed; "
                f"install {name}=={pinned} (pip install -e . does)"
            )


check_versions()

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


def postings_writer(codec: W3Codec, dbfile, byteids: bool = False) -> BlockWriter:
    """The postings writer of :class:`search.codec.ArchiveCodec`: whoosh3's
    settings, this module's :class:`BlockWriter`."""
    return BlockWriter(dbfile, blocklimit=codec._blocklimit, byteids=byteids,
                       compression=codec._compression, inlinelimit=codec._inlinelimit)


def terms_reader(codec: W3Codec, storage, segment) -> _TermsReader:
    """whoosh3's terms reader (W3Codec.terms_reader), reading :class:`_TermInfo`."""
    name = segment.make_filename(codec.TERMS_EXT)
    return _TermsReader(codec, storage.open_file(name), storage.file_length(name),
                        segment.open_file(storage, codec.POSTS_EXT))


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

    def add_block(self, block):
        """whoosh3's, also for a block without lengths (a field that keeps
        none) after one with: a merge can copy a block, which says length 0,
        before a block of postings added one by one, which says none; whoosh3
        would compare None with 0."""
        if block.min_length() is not None or self._minlength is None:
            return super().add_block(block)
        shortest, self._minlength = self._minlength, None
        super().add_block(block)
        self._minlength = shortest

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


# segment files --------------------------------------------------------------


def term_info(reader, name: str, text: bytes):
    """A term's info in a segment reader (its terms reader keeps recent ones,
    :class:`_TermsReader`); TermNotFound if the segment lacks it."""
    return reader._terms.term_info(name, text)


def posting_bytes(reader, offset: int, length: int) -> bytes:
    """``length`` bytes of a segment's postings file from ``offset`` (a
    posting list's extent, from its term info)."""
    return reader._terms._postfile.get(offset, length)


def postings_file_name(reader) -> str:
    """The name of a segment reader's postings file, for messages."""
    return reader._terms._postfile._name


def postings_reader(reader, info, form):
    """A matcher of a term's postings, from its term info, without the
    lookups of ``reader.postings``."""
    return reader._codec.postings_reader(reader._terms._postfile, info, form)


def segment_terms(reader, name: str):
    """((field, term bytes), term info) of each term of field ``name`` of a
    segment, in order: one pass over the term dictionary."""
    for key, info in reader._terms.items_from(name, b""):
        if key[0] != name:
            break
        yield key, info


def blocks(matcher: W3LeafMatcher, values: bool = False):
    """(ids, weights, values or None) of each block of a whoosh3 posting
    list, in order, as Python values, and the shortest and longest document
    of the block."""
    while not matcher._atend:
        matcher._read_ids()
        matcher._read_weights()
        if values:
            matcher._read_values()
        yield matcher._ids, matcher._weights, matcher._values if values else None, matcher._minlength, matcher._maxlength
        matcher._next_block()


def length_column(reader, name: str):
    """The column reader of the lengths of field ``name`` of a segment
    reader, or None (whoosh3 keeps them in a column it reads one value at a time)."""
    return reader._perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)


def numeric_values(column, count: int) -> np.ndarray:
    """The values of ``count`` documents of a numeric column reader,
    untranslated, as uint64, read in one piece: the column's default past
    the values it holds."""
    values = np.full(count, column._default, dtype=np.uint64)
    stored = min(column._count, count)
    data = column._dbfile.get(column._basepos, stored * column._fixedlen)
    values[:stored] = np.frombuffer(data, dtype=">" + column._typecode)
    return values


def variable_values(column) -> list[bytes]:
    """The value of each document of a variable-length column reader
    (untranslated bytes, empty where none), read in one piece."""
    offsets, lengths = column._offsets, column._lengths
    size = offsets[-1] + lengths[-1] if len(lengths) else 0
    data = column._dbfile.get(column._basepos, size)
    return [data[o : o + n] for o, n in zip(offsets, lengths)]


def open_column_files(reader) -> None:
    """Open every column file of a segment reader now, and answer whether a
    column exists from the files opened (see search.storage.open_segment_files)."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_colfiles"):
        return  # not a whoosh3 segment reader: nothing opened lazily
    schema = reader.schema
    names = ["_stored"]
    names += [_lenfield(name) for name in schema.scorable_names()]
    names += [name for name in schema.names() if schema[name].column_type]
    for name in names:
        if name not in perdoc._colfiles and perdoc.has_column(name):
            perdoc._colfiles[name] = perdoc._get_column_file(name)
    perdoc.has_column = frozenset(perdoc._colfiles).__contains__


def committed_segments(ix) -> list:
    """The segments of the index's latest generation."""
    return ix._segments()


def segment_count(ix) -> int:
    """The number of segments of the index's latest generation."""
    return len(committed_segments(ix))


# writing segments -----------------------------------------------------------


class HookedSegmentWriter(SegmentWriter):
    """whoosh3's segment writer with its private steps as named hooks:
    :meth:`flush_postings` writes the postings when the segment is flushed
    (whoosh3 writes its pool's), :meth:`segment_written` follows each
    segment it finishes."""

    def flush_postings(self) -> None:
        super()._flush_segment()

    def segment_written(self, segment) -> None:
        """Called with each segment the writer finishes."""

    def _flush_segment(self):
        self.flush_postings()

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        self.segment_written(segment)
        return segment

    def block_writer(self):
        """The postings writer of the field writer (search.whoosh_adapter.BlockWriter)."""
        return self.fieldwriter._postwriter

    def mark_added(self) -> None:
        """Record that documents were added other than by add_document (a merged segment's)."""
        self._check_state()
        self._added = True


def segment_writer(ix):
    """A writer of ``ix`` that writes one segment and does not take the
    index's lock: for a worker process of a build whose parent holds it."""
    return ix.writer(_lk=False)


def finish_segment(writer):
    """Write the segment of a writer made by :func:`segment_writer` and
    return it (to be committed by :func:`commit_segments`)."""
    return writer._finalize_segment()


def commit_segments(writer, segments: list, mergetype=None) -> None:
    """Commit ``writer`` with ``segments`` written by other writers added to
    the generation, the steps whoosh3's multiprocess writer takes."""
    merged = writer._merge_segments(mergetype, None, None)
    if writer._added:
        merged.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(merged + list(segments))
    writer._finish()


# jieba ------------------------------------------------------------------------


def cut_dag(run: str):
    """jieba's default segmentation (with its HMM) of a run of its CJK
    characters, without ``jieba.cut``'s splitting and decoding of the run:
    the step (``__cut_DAG``) that ``jieba.cut`` gives each run."""
    return jieba.dt._Tokenizer__cut_DAG(run)
