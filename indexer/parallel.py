"""Writing documents as new segments in worker processes.

Whoosh's ``MpWriter`` gives each of N processes one segment for its whole
share of the documents; on the full archive each one outgrows its posting
pool (``limitmb``) and spills sorted runs to disk, pickling every posting and
merging the runs back, a large part of the build's CPU time.  Here the
documents go in batches of at most :data:`BATCH_BYTES` bytes of article
files, and each batch becomes a segment of its own, written by a pool of
processes, whose postings stay in memory (search.posting_pool).  The parent's
writer holds the index lock and commits the new segments (indexer.segments).
"""

from __future__ import annotations

import multiprocessing

from indexer.errors import BuildError
from indexer.segments import SegmentBatches, write_segment
from indexer.worker_lifetime import die_with_parent

#: Bytes of article files per batch, at most, so per segment.  Larger
#: batches make fewer segments, which search faster and take less space (a
#: term dictionary each), but a worker holds its batch's documents, postings
#: (search.posting_pool) and literal texts: this size keeps the peak
#: memory of a build within a gigabyte or two at ten times the LCTT corpus
#: while that corpus makes a handful of segments.  A full build then merges
#: them into one (indexer.build), copying their posting blocks.
BATCH_BYTES = 18_000_000
#: A batch takes well under a minute; a worker killed from outside (out of
#: memory) loses its batch without a word, so a build stops after this long.
BATCH_TIMEOUT_S = 900

_index = None  # the index, inherited by the forked workers


def _write_batch(documents: list[dict]):
    return write_segment(_index, documents)


def batch_limit(total_bytes: int, jobs: int) -> int:
    """The bytes of files per batch for a build of ``total_bytes``: at most
    :data:`BATCH_BYTES`, and as many batches of equal size as make a multiple
    of ``jobs``, so that every process has work until the end (three full
    batches and a small one would leave one process idle for a whole batch)."""
    rounds = max(1, -(-total_bytes // (jobs * BATCH_BYTES)))  # ceiling
    return max(1, -(-total_bytes // (rounds * jobs)))


class ParallelSegments(SegmentBatches):
    """Collects documents into batches that ``jobs`` processes write as segments.

    ``total_bytes``: the size of the files to be added, which sets the size of
    the batches (:func:`batch_limit`).  Create it after everything the workers
    need is loaded (jieba, the user dictionary): they are forked here and
    inherit it.
    """

    def __init__(self, ix, jobs: int, total_bytes: int):
        global _index
        _index = ix
        die_with_parent()
        super().__init__(jobs, batch_limit(total_bytes, jobs))
        self.pool = multiprocessing.get_context("fork").Pool(jobs)

    def _send(self, batch: list[dict]):
        return self.pool.apply_async(_write_batch, (batch,))

    def _collect(self) -> None:
        try:
            self.segments.append(self.pending.popleft().get(timeout=BATCH_TIMEOUT_S))
        except multiprocessing.TimeoutError:
            raise BuildError(
                f"a worker process wrote no segment in {BATCH_TIMEOUT_S} s "
                "(killed for lack of memory?); try again with --jobs 1"
            ) from None

    def _stop(self) -> None:
        self.pool.close()
        self.pool.join()

    def close(self) -> None:
        """Stop the workers at once (to cancel the build)."""
        self.pool.terminate()
        self.pool.join()
