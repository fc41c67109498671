"""Writing segments on a Dask cluster (``reindex --scheduler tcp://HOST:8786``).

The design of indexer.parallel, with Dask workers instead of forked
processes.  The build reads the files here, since the keys (duplicate ids)
and the report's skipped files and warnings depend on every file in path
order, and sends batches of documents to the cluster.  A worker analyses its
batch with jieba and writes it as a whole segment, with its literal file,
into the index folder, which must therefore be on storage every worker
mounts at the same path; it returns the segment object (a name and counts).
The build's writer commits the segments with its own changes
(indexer.segments), so the lock, the guards, the report and the atomic
commit are those of any build, and a run that fails or is killed leaves the
last committed generation.

Workers return segments rather than tokens because a segment is what the
analysis is for: tokens, positions and literal texts are several times the
size of the text, all of which the local writer would have to receive and
sort into postings again, one process doing the work the cluster is for.

Workers must run the same zhsearch, jieba and Whoosh as the build (checked
when the build connects), one thread each (``dask worker --nthreads 1``):
jieba is pure Python, so threads of one worker share one core.

Imported only by a build given a scheduler: Dask is an optional extra
(``pip install 'zhsearch[dask]'``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import tempfile
from pathlib import Path

import dask
from distributed import Client, KilledWorker

from indexer.errors import BuildError
from indexer.parallel import BATCH_TIMEOUT_S, batch_limit
from indexer.segments import SegmentBatches, write_segment
from search.indexing import (
    SearchError,
    load_user_dictionary,
    open_whoosh_index,
    preload,
)

logger = logging.getLogger(__name__)

#: Seconds to reach the scheduler, and then for a first worker to join it.
CONNECT_TIMEOUT_S = 30
#: The packages whose versions decide the index's contents.
PACKAGES = ("zhsearch", "jieba", "whoosh3")
#: Files of a failed batch named in its error message; the others are counted.
NAMED_FILES = 5


def connect(address: str) -> Client:
    """A client of the scheduler at ``address`` whose workers can write
    this build's segments (at least one, with the same package versions)."""
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except ValueError as exc:
        raise BuildError(f"scheduler {address!r} is not a Dask scheduler address such as tcp://HOST:8786 ({exc})") from None
    except (OSError, TimeoutError) as exc:
        raise BuildError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        _check_versions(client, address)
    except TimeoutError:
        client.close()
        raise BuildError(f"the Dask scheduler at {address} has no worker after {CONNECT_TIMEOUT_S} s") from None
    except BaseException:
        client.close()
        raise
    return client


def _check_versions(client: Client, address: str) -> None:
    here = versions()
    try:
        found = client.run(versions)
    except Exception as exc:  # zhsearch is missing on a worker, or broken there
        raise BuildError(
            f"the Dask workers of {address} cannot run zhsearch ({type(exc).__name__}: {exc}): "
            "install 'zhsearch[dask]' on every worker"
        ) from None
    for worker, theirs in sorted(found.items()):
        if theirs != here:
            raise BuildError(
                f"Dask worker {worker} (scheduler {address}) runs {_shown(theirs)}, this build {_shown(here)}: "
                "install the same versions on every worker, as the index must not depend on where a file was analysed"
            )


def versions() -> dict[str, str]:
    """The versions of :data:`PACKAGES` in this process."""
    return {name: importlib.metadata.version(name) for name in PACKAGES}


def _shown(found: dict[str, str]) -> str:
    return ", ".join(f"{name} {version}" for name, version in found.items())


class DistributedSegments(SegmentBatches):
    """Collects documents into batches that the cluster's workers write as
    segments of ``ix``; the interface of :class:`indexer.parallel.ParallelSegments`.

    ``client``: from :func:`connect`.  ``total_bytes``: the size of the files to
    be added, which sets the size of the batches.  ``dictionary``: the jieba
    user dictionary of the build, sent to the workers.
    """

    def __init__(self, ix, client: Client, total_bytes: int, dictionary: Path | None):
        self.client = client
        self.address = client.scheduler.address
        self.index_dir = str(ix.storage.folder)
        jobs = max(1, sum(client.nthreads().values()))
        super().__init__(jobs, batch_limit(total_bytes, jobs))  # pending: (future, the batch's file paths)
        self.dictionary = None if dictionary is None else client.scatter(dictionary.read_bytes(), broadcast=True)

    def _send(self, batch: list[dict]):
        # The batch goes in the task, not scattered to a worker first: the
        # scheduler keeps it, so a task whose worker dies is run again on
        # another (up to Dask's allowed-failures), where a scattered batch
        # would be lost with its worker.  Hence Dask's warning about a large
        # task is raised to the size of a batch.
        with dask.config.set({"distributed.admin.large-graph-warning-threshold": f"{4 * self.limit + 2**20}B"}):
            future = self.client.submit(_write_batch, self.index_dir, self.dictionary, batch, pure=False)
        return future, [document["path"] for document in batch]

    def _collect(self) -> None:
        future, files = self.pending.popleft()
        try:
            self.segments.append(future.result(timeout=BATCH_TIMEOUT_S))
        except BuildError:
            raise  # names the file, or the index folder the worker cannot write
        except KilledWorker:
            raise BuildError(
                f"a Dask worker of {self.address} died writing the batch of {_named(files)} "
                "(killed, or out of memory?); the index is unchanged"
            ) from None
        except TimeoutError:
            raise BuildError(
                f"no Dask worker of {self.address} wrote the batch of {_named(files)} in {BATCH_TIMEOUT_S} s; "
                "the index is unchanged"
            ) from None
        except Exception as exc:
            raise BuildError(
                f"the batch of {_named(files)} failed on the Dask cluster {self.address} "
                f"({type(exc).__name__}: {exc}); the index is unchanged"
            ) from None

    def _stop(self) -> None:
        self.client.close()

    def close(self) -> None:
        """Cancel the batches still running (to cancel the build)."""
        self.client.cancel([future for future, _ in self.pending])
        self.pending.clear()
        self.client.close()


def _named(files: list[str]) -> str:
    shown = ", ".join(files[:NAMED_FILES])
    more = len(files) - NAMED_FILES
    return f"{len(files)} files ({shown}{f' and {more} more' if more > 0 else ''})"


# On the workers -----------------------------------------------------------

#: The digest of the user dictionary this worker process loaded, if any:
#: jieba adds a dictionary's words to its own and cannot take them back.
_loaded_dictionary: str | None = None


def _write_batch(index_dir: str, dictionary: bytes | None, documents: list[dict]):
    preload()  # once per worker process
    _load_dictionary(dictionary)
    try:
        ix = open_whoosh_index(index_dir)
    except SearchError as exc:
        raise BuildError(
            f"a Dask worker cannot open the index ({exc}): the index folder must be on storage that "
            "every worker mounts at the same path"
        ) from None
    try:
        return write_segment(ix, documents)
    finally:
        ix.close()


def _load_dictionary(dictionary: bytes | None) -> None:
    global _loaded_dictionary
    digest = None if dictionary is None else hashlib.sha256(dictionary).hexdigest()
    if digest == _loaded_dictionary:
        return
    if _loaded_dictionary is not None:
        raise BuildError(
            "a Dask worker analysed a build with another jieba user dictionary, whose words it keeps: "
            "restart the workers (dask worker processes) before a build with a new dictionary"
        )
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as file:
        file.write(dictionary)
    try:
        load_user_dictionary(file.name)
    finally:
        os.unlink(file.name)
    _loaded_dictionary = digest
