"""Writing an index: Whoosh's segment writer, plus each segment's literal file.

:class:`ArchiveIndex` is the Whoosh index class of every index this package
opens or creates (search.storage), so every writer of it (a build, an
incremental run, the parallel batches of indexer.parallel, a test) is a
:class:`LiteralSegmentWriter`.  The writer collects the literal text of each
document it adds, and takes the texts and postings of the segments it merges
from their literal files; it writes the new segment's literal file when it
finalises the segment, before the commit publishes the segment in a new TOC.
So a searcher never sees a segment without its file, and Whoosh's clean-up
at a commit deletes the file with its segment (same name prefix), orphans of
a killed writer included.

Merging segments streams their postings into the new segment instead of
sorting them again in Whoosh's posting pool (:meth:`LiteralSegmentWriter.add_reader`),
and copies their long posting lists a block at a time.
"""

from __future__ import annotations

import heapq
from itertools import groupby
from operator import itemgetter

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader

from search.codec import ArchiveCodec
from search.document import joined_text
from search.posting_pool import PostingPool
from search.text_file import TextFileWriter, TextFile
from search.texts import text_file_path
from search.whoosh_adapter import (
    HookedSegmentWriter,
    blocks,
    postings_reader,
    segment_terms,
)

#: A merged segment's posting list of this many postings or more is copied a
#: block at a time (:func:`_write_postings`): a shorter one is most of the
#: lists but a quarter of the postings (LCTT corpus).
COPY_MIN_POSTINGS = 16


class ArchiveIndex(FileIndex):
    """A Whoosh file index whose writers keep the literal files."""

    def writer(self, procs: int = 1, **kwargs) -> LiteralSegmentWriter:
        if procs != 1:
            raise ValueError("one process per writer: indexer.parallel writes segments in parallel")
        # Non-compound segments: whoosh3 reads a compound segment by copying it
        # into memory (a BytesIO over the mmap), a copy of the index in every
        # searching process; separate files are read through the page cache
        # instead.
        kwargs.setdefault("compound", False)
        kwargs.setdefault("codec", ArchiveCodec())
        return LiteralSegmentWriter(self, **kwargs)


class LiteralSegmentWriter(HookedSegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = PostingPool()  # for Whoosh's, which holds a tuple per posting
        self.literal = TextFileWriter()
        self._merged: list[tuple[SegmentReader, int, dict | None]] = []  # (reader, first new docnum, docmap)

    def add_document(self, **fields) -> None:
        """Add a document; its ``markdown`` (no field of the schema) goes to the literal file only."""
        markdown = fields.pop("markdown", "")
        super().add_document(**fields)
        self.literal.add(joined_text(fields.get("title") or "", fields.get("summary") or "", fields.get("body") or ""),
                         markdown)

    def add_reader(self, reader) -> None:
        """Merge a segment (Whoosh's merge policies call this): its live
        documents' stored fields, lengths and columns are copied now, its
        postings when the new segment is written (:meth:`_flush_segment`).

        Whoosh's own add_reader puts every posting in the writer's sorting
        pool, which spills sorted runs to disk and reads them back; but a
        segment's postings are sorted already, so they are streamed straight
        into the new segment's, merged with the other segments' and the pool's.
        """
        source = TextFile(text_file_path(self.storage.folder, reader.segment()))
        live = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
        own = SegmentReader(self.storage, self.schema, reader.segment())  # the caller closes its reader
        try:
            basedoc = self.docnum
            names = set(self.schema.names()) | {n for n in own.indexed_field_names() if n in self.schema}
            docmap = self.write_per_doc(names, own)
        except BaseException:
            own.close()
            raise
        self._merged.append((own, basedoc, docmap))
        self.mark_added()
        self.literal.add_file(source, live)

    def flush_postings(self):
        """Write the postings of the pool and of any merged segments
        (:func:`_write_postings`); for a pool alone too, as it is faster than
        Whoosh's ``add_postings``, which asks its reader for each posting's length."""
        self.perdocwriter.close()
        perdoc = self.per_document_reader()
        try:
            _write_postings(self, _Lengths(perdoc, self.docnum))
            self.fieldwriter.close()
        finally:
            perdoc.close()
            self._close_merged()

    def _close_merged(self):
        for reader, _, _ in self._merged:
            reader.close()
        self._merged = []

    def cancel(self):
        self._close_merged()
        super().cancel()

    def segment_written(self, segment):
        if self.literal.count != segment.doc_count_all():
            raise RuntimeError(f"literal texts of {self.literal.count} documents for a segment of {segment.doc_count_all()}")
        self.literal.write(text_file_path(self.storage.folder, segment))


class _Lengths:
    """The new segment's field lengths, read into a list per field: the
    segment writer asks for a length once per posting."""

    def __init__(self, perdoc, count: int):
        self._per_document = perdoc
        self._count = count

    def doc_field_length_reader(self, name: str, default: int = 0):
        get = self._per_document.doc_field_length_reader(name, default)
        return [get(docnum) for docnum in range(self._count)].__getitem__


def _write_postings(writer: LiteralSegmentWriter, lengths: _Lengths) -> None:
    """Write the new segment's postings, term by term: the pool's (the
    documents this writer added) and the merged segments' (``merged``:
    (reader, first new docnum, docmap or None) each), in docnum order, as
    Whoosh's own writer does with them all in its pool.  A segment's posting
    list of :data:`COPY_MIN_POSTINGS` or more, when none of its documents
    was deleted, is copied a block at a time; the others posting by posting."""
    fieldwriter, schema, merged = writer.fieldwriter, writer.schema, writer._merged
    streams = [_pool_lists(writer.pool)] + [_segment_lists(reader, schema, k) for k, (reader, _, _) in enumerate(merged, 1)]
    field = None
    for (name, text), group in groupby(heapq.merge(*streams), key=itemgetter(0)):
        parts = [found if order == 0 else _segment_part(merged[order - 1], schema[name].format, found)
                 for _, order, found in group]
        parts = [part for part in parts if part]  # a segment's list whose documents were all deleted
        if not parts:
            continue
        if name != field:
            if field is not None:
                fieldwriter.finish_field()
            field = name
            fieldwriter.start_field(name, schema[name])
            length_of = lengths.doc_field_length_reader(name)
        fieldwriter.start_term(text)
        for part in parts:
            if isinstance(part, tuple):  # (matcher, first new docnum): copied
                matcher, basedoc = part
                add_block = writer.block_writer().add_block
                for ids, weights, values, shortest, longest in blocks(matcher, values=True):
                    add_block([basedoc + i for i in ids], weights, values, shortest, longest)
            else:
                for docnum, weight, value in part:
                    fieldwriter.add(docnum, weight, value or b"", length_of(docnum))  # no values: None or ""
        fieldwriter.finish_term()
    if field is not None:
        fieldwriter.finish_field()


def _segment_part(source: tuple, form, info):
    """A merged segment's part of a term's postings: (its matcher, first
    new docnum) when its blocks are copied, else its postings as (new
    docnum, weight, value)."""
    reader, basedoc, docmap = source
    matcher = postings_reader(reader, info, form)
    if type(matcher) is W3LeafMatcher and docmap is None and info.doc_frequency() >= COPY_MIN_POSTINGS:
        return matcher, basedoc
    return list(_renumbered(_all_postings(matcher), basedoc, docmap))


def _pool_lists(pool):
    """((field, term), 0, its postings as (docnum, weight, value)) of each
    term of the writer's pool, in order."""
    postings = (p for p in pool.iter_postings() if p[2] != -1)  # docnum -1: Whoosh's spelling words, unused
    for key, group in groupby(postings, key=itemgetter(0, 1)):
        yield key, 0, [p[2:] for p in group]


def _segment_lists(reader, schema, order: int):
    """((field, term), ``order``, its term info) of each term of a segment
    in a field of ``schema``, in order: one pass over the term dictionary."""
    for name in sorted(n for n in reader.indexed_field_names() if n in schema):
        for key, info in segment_terms(reader, name):
            yield key, order, info


def _all_postings(matcher):
    """(docnum, weight, value) of each posting of a whoosh3 matcher (a block
    at a time) or of postings inlined in the term info (search.whoosh_adapter)."""
    if type(matcher) is W3LeafMatcher:
        for ids, weights, values, _, _ in blocks(matcher, values=True):
            yield from zip(ids, weights, values)
    else:
        while matcher.is_active():
            yield matcher.id(), matcher.weight(), matcher.value()
            matcher.next()


def _renumbered(postings, basedoc: int, docmap: dict | None):
    """A merged segment's postings with their new docnums, its deleted documents' left out."""
    for docnum, weight, value in postings:
        if docmap is None:
            yield basedoc + docnum, weight, value
        elif docnum in docmap:
            yield docmap[docnum], weight, value
