"""Writing documents as new segments in worker processes.

Whoosh's ``MpWriter`` gives each of N processes one segment for its whole
share of the documents; on the full archive each one outgrows its posting
pool (``limitmb``) and spills sorted runs to disk, pickling every posting and
merging the runs back: a third of the build's CPU time, measured.  Here the
documents go in batches of about :data:`BATCH_CHARS` characters, and each
batch becomes a segment of its own, written by a pool of processes, whose
postings stay in memory (search.posting_pool).  The parent's writer holds the index lock and
commits the new segments (the same steps ``MpWriter`` takes).
"""

from __future__ import annotations

import multiprocessing
from collections import deque

from indexer.children import die_with_parent
from indexer.errors import BuildError
from indexer.progress import Progress

#: Characters of text (title, summary, body) per batch, so per segment.
#: Larger batches make fewer segments, which search faster and take less
#: space (a term dictionary each), but a worker holds its batch's documents,
#: postings (search.posting_pool) and literal texts: on the LCTT corpus (27
#: million characters), 8,000,000 gives 4 segments and a peak of 1.09 GB
#: resident in the build's processes, 0.9 GB of it their own (PSS; jieba's
#: dictionary is shared); 3,000,000 gave 9 segments, 15 MB more index, 0.8
#: GB; 10,000,000, 3 segments, 1.0 GB PSS (bench/RESULTS.md).  For one
#: segment, ``reindex --merge`` rewrites them afterwards.
BATCH_CHARS = 8_000_000
#: A batch takes well under a minute; a worker killed from outside (out of
#: memory) loses its batch without a word, so a build stops after this long.
BATCH_TIMEOUT_S = 900

_index = None  # the index, inherited by the forked workers


def _write_batch(documents: list[dict]):
    writer = _index.writer(_lk=False)  # with its literal file
    for document in documents:
        writer.add_document(**document)
    return writer._finalize_segment()


class ParallelSegments:
    """Collects documents into batches that ``jobs`` processes write as segments.

    Create it after everything the workers need is loaded (jieba, the user
    dictionary): they are forked here and inherit it.
    """

    def __init__(self, ix, jobs: int):
        global _index
        _index = ix
        die_with_parent()
        self.pool = multiprocessing.get_context("fork").Pool(jobs)
        self.jobs = jobs
        self.pending: deque = deque()
        self.segments: list = []
        self.batch: list[dict] = []
        self.batch_chars = 0

    def add_document(self, **document) -> None:
        self.batch.append(document)
        self.batch_chars += sum(len(document.get(name) or "") for name in ("title", "summary", "body"))
        if self.batch_chars >= BATCH_CHARS:
            self._submit()

    def _submit(self) -> None:
        if not self.batch:
            return
        while len(self.pending) > self.jobs:  # keep memory bounded: wait for the oldest
            self._collect()
        self.pending.append(self.pool.apply_async(_write_batch, (self.batch,)))
        self.batch, self.batch_chars = [], 0

    def _collect(self) -> None:
        try:
            self.segments.append(self.pending.popleft().get(timeout=BATCH_TIMEOUT_S))
        except multiprocessing.TimeoutError:
            raise BuildError(
                f"a worker process wrote no segment in {BATCH_TIMEOUT_S} s "
                "(killed for lack of memory?); try again with --jobs 1"
            ) from None

    def commit(self, writer, progress: Progress, mergetype=None) -> None:
        """Wait for every batch, then commit its segments with ``writer``;
        both are stages of ``progress``."""
        self._submit()
        progress.stage("writing segments", len(self.pending))
        while self.pending:
            self._collect()
            progress.step()
        self.pool.close()
        self.pool.join()
        progress.stage("committing")
        segments = writer._merge_segments(mergetype, None, None)
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(segments + self.segments)
        writer._finish()

    def close(self) -> None:
        """Stop the workers at once (to cancel the build)."""
        self.pool.terminate()
        self.pool.join()
