"""Segments written apart from the build's writer, and their commit.

A parallel build (indexer.parallel: forked processes; indexer.distributed:
a Dask cluster) writes each batch of documents as a segment of its own with
a writer that takes no lock, then the build's writer, which holds the
index's lock, commits them with its own changes: the steps Whoosh's
``MpWriter`` takes.  A batch's segment files are on disk before the commit
names them in a new TOC, so readers never see a segment without its files.
"""

from __future__ import annotations

from indexer.errors import BuildError


def write_segment(ix, documents: list[dict]):
    """Write ``documents`` as a new segment of ``ix`` (with its literal
    file) and return the segment, not yet committed.

    A document that cannot be written stops the batch with a
    :class:`BuildError` naming its file (a plain exception: it crosses
    process boundaries as a pickle)."""
    writer = ix.writer(_lk=False)
    for document in documents:
        try:
            writer.add_document(**document)
        except Exception as exc:
            raise BuildError(
                f"{document.get('path')}: cannot be indexed ({type(exc).__name__}: {exc}); the index is unchanged"
            ) from None
    return writer._finalize_segment()


def commit_segments(writer, segments: list, mergetype=None) -> None:
    """Commit ``writer``'s own changes (deletions, documents, ``mergetype``)
    together with ``segments`` written by :func:`write_segment`."""
    kept = writer._merge_segments(mergetype, None, None)
    if writer._added:
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(kept + segments)
    writer._finish()
