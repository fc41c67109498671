"""Segments written apart from the build's writer (committed by search.indexing.commit_segments).

A parallel build (indexer.parallel: forked processes; indexer.distributed:
a Dask cluster) writes each batch of documents as a segment of its own with
a writer that takes no lock, then the build's writer, which holds the
index's lock, commits them with its own changes: the steps Whoosh's
``MpWriter`` takes.  A batch's segment files are on disk before the commit
names them in a new TOC, so readers never see a segment without its files.
"""

from __future__ import annotations

from indexer.errors import BuildError
from search.indexing import finish_segment, segment_writer


def write_segment(ix, documents: list[dict]):
    """Write ``documents`` as a new segment of ``ix`` (with its literal
    file) and return the segment, not yet committed.

    A document that cannot be written stops the batch with a
    :class:`BuildError` naming its file (a plain exception: it crosses
    process boundaries as a pickle)."""
    writer = segment_writer(ix)
    for document in documents:
        try:
            writer.add_document(**document)
        except Exception as exc:
            raise BuildError(
                f"{document.get('path')}: cannot be indexed ({type(exc).__name__}: {exc}); the index is unchanged"
            ) from None
    return finish_segment(writer)

