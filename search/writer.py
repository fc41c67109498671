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
"""

from __future__ import annotations

import numpy as np
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from search.document import joined_text
from search.literal import literal_path
from search.literal_file import LiteralFile, LiteralFileWriter


class ArchiveIndex(FileIndex):
    """A Whoosh file index whose writers keep the literal files."""

    def writer(self, procs: int = 1, **kwargs) -> LiteralSegmentWriter:
        if procs != 1:
            raise ValueError("one process per writer: indexer.parallel writes segments in parallel")
        kwargs.setdefault("compound", False)  # see search.storage.WRITER_OPTIONS
        return LiteralSegmentWriter(self, **kwargs)


class LiteralSegmentWriter(SegmentWriter):
    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.literal = LiteralFileWriter()

    def add_document(self, **fields) -> None:
        super().add_document(**fields)
        self.literal.add(joined_text(fields.get("title") or "", fields.get("summary") or "", fields.get("body") or ""))

    def add_reader(self, reader) -> None:
        """Merge a segment (Whoosh copies its live documents, in order)."""
        source = LiteralFile(literal_path(self.storage.folder, reader.segment()))
        live = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
        super().add_reader(reader)
        self.literal.add_file(source, live)

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        if self.literal.count != segment.doc_count_all():
            raise RuntimeError(f"literal texts of {self.literal.count} documents for a segment of {segment.doc_count_all()}")
        self.literal.write(literal_path(self.storage.folder, segment))
        return segment
