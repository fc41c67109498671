"""Segments written apart from the build's writer, in batches, and their commit.

A parallel build (indexer.parallel: forked processes; indexer.distributed:
a Dask cluster) writes each batch of documents as a segment of its own with
a writer that takes no lock, then the build's writer, which holds the
index's lock, commits them with its own changes: the steps Whoosh's
``MpWriter`` takes.  A batch's segment files are on disk before the commit
names them in a new TOC, so readers never see a segment without its files.
"""

from __future__ import annotations

from collections import deque

from indexer.errors import BuildError
from indexer.progress import Progress
from search.indexing import commit_segments, finish_segment, segment_writer


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


class SegmentBatches:
    """Collects documents into batches of about ``limit`` bytes of article
    files, each written as a segment elsewhere, at most ``jobs`` + 1 at a
    time (a batch's documents and postings are held until it is written);
    then commits the segments with the build's writer.

    A subclass sends a batch to be written (:meth:`_send`, returning what
    :meth:`_collect` waits on), collects the oldest (:meth:`_collect`,
    adding its segment to ``segments``) and stops its workers (:meth:`_stop`).
    """

    def __init__(self, jobs: int, limit: int):
        self.jobs = jobs
        self.limit = limit
        self.pending: deque = deque()
        self.segments: list = []
        self.batch: list[dict] = []
        self.batch_bytes = 0

    def add(self, document: dict, size: int) -> None:
        """Add ``document``, read from a file of ``size`` bytes."""
        self.batch.append(document)
        self.batch_bytes += size
        if self.batch_bytes >= self.limit:
            self._submit()

    def _submit(self) -> None:
        if not self.batch:
            return
        while len(self.pending) > self.jobs:  # keep the build's memory bounded: wait for the oldest
            self._collect()
        self.pending.append(self._send(self.batch))
        self.batch, self.batch_bytes = [], 0

    def commit(self, writer, progress: Progress, mergetype=None) -> None:
        """Wait for every batch, then commit its segments with ``writer``;
        both are stages of ``progress``."""
        self._submit()
        progress.stage("writing segments", len(self.pending))
        while self.pending:
            self._collect()
            progress.step()
        self._stop()
        progress.stage("committing")
        commit_segments(writer, self.segments, mergetype)

    def _send(self, batch: list[dict]):
        raise NotImplementedError

    def _collect(self) -> None:
        raise NotImplementedError

    def _stop(self) -> None:
        raise NotImplementedError
