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
sorting them again in Whoosh's posting pool (:meth:`LiteralSegmentWriter.add_reader`):
the same files, byte for byte, in half the time (bench/RESULTS.md).
"""

from __future__ import annotations

import heapq

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from search.codec import ArchiveCodec
from search.document import joined_text
from search.postings import blocks
from search.literal import literal_path
from search.literal_file import LiteralFile, LiteralFileWriter


class ArchiveIndex(FileIndex):
    """A Whoosh file index whose writers keep the literal files."""

    def writer(self, procs: int = 1, **kwargs) -> LiteralSegmentWriter:
        if procs != 1:
            raise ValueError("one process per writer: indexer.parallel writes segments in parallel")
        # Non-compound segments: whoosh3 reads a compound segment by copying it
        # into memory (a BytesIO over the mmap), about 200 MB per searching
        # process on an 8,000-article archive; separate files are read through
        # the page cache instead.
        kwargs.setdefault("compound", False)
        kwargs.setdefault("codec", ArchiveCodec())
        return LiteralSegmentWriter(self, **kwargs)


class LiteralSegmentWriter(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.literal = LiteralFileWriter()
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
        self._check_state()
        source = LiteralFile(literal_path(self.storage.folder, reader.segment()))
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
        self._added = True
        self.literal.add_file(source, live)

    def _flush_segment(self):
        if not self._merged:
            return super()._flush_segment()
        self.perdocwriter.close()
        perdoc = self.per_document_reader()
        sources = [_postings(reader, self.schema, basedoc, docmap) for reader, basedoc, docmap in self._merged]
        try:
            self.fieldwriter.add_postings(self.schema, _Lengths(perdoc, self.docnum),
                                          heapq.merge(self.pool.iter_postings(), *sources))
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

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        if self.literal.count != segment.doc_count_all():
            raise RuntimeError(f"literal texts of {self.literal.count} documents for a segment of {segment.doc_count_all()}")
        self.literal.write(literal_path(self.storage.folder, segment))
        return segment


class _Lengths:
    """The new segment's field lengths, read into a list per field: the
    segment writer asks for a length once per posting."""

    def __init__(self, perdoc, count: int):
        self._perdoc = perdoc
        self._count = count

    def doc_field_length_reader(self, name: str, default: int = 0):
        get = self._perdoc.doc_field_length_reader(name, default)
        return [get(docnum) for docnum in range(self._count)].__getitem__


def _postings(reader, schema, basedoc: int, docmap: dict | None):
    """The postings of a segment's live documents as the writer's pool gives
    its own, (field, term, new docnum, weight, value), in that order: the
    fields by name, the terms by their bytes, each term's documents in
    order.  The term infos come from one pass over the term dictionary, the
    postings a block at a time (the reader's private parts, whoosh3 is pinned)."""
    terms, codec = reader._terms, reader._codec
    for name in sorted(n for n in reader.indexed_field_names() if n in schema):
        form = schema[name].format
        for (field, text), info in terms.items_from(name, b""):
            if field != name:
                break
            matcher = codec.postings_reader(terms._postfile, info, form, term=(name, text))
            if type(matcher) is W3LeafMatcher:
                for block in blocks(matcher, values=True):
                    for docnum, weight, value in zip(*block):
                        if docmap is None:
                            yield name, text, basedoc + docnum, weight, value
                        elif docnum in docmap:
                            yield name, text, docmap[docnum], weight, value
            else:  # inlined in the term info
                while matcher.is_active():
                    docnum = matcher.id()
                    if docmap is None or docnum in docmap:
                        yield (name, text, basedoc + docnum if docmap is None else docmap[docnum],
                               matcher.weight(), matcher.value())
                    matcher.next()
