"""Every document is read in a worker process with a time and a memory limit of its own.

The engine runs in pure Python and C libraries (lxml, pdfminer, openpyxl, mammoth) that cannot be
interrupted from inside, and in a crawl it used to run in the crawl's only thread: one hostile
attachment froze every download for minutes and grew the crawl to gigabytes until it was killed.
Here each document (a page, or one of its attachments) is a task of a small pool of worker
processes (pebble's ProcessPool):

- memory: each worker limits its own address space (`RLIMIT_AS`, EXTRACT_MAX_MEMORY_MB). An
  allocation past it fails inside the worker (MemoryError), and the document is refused with the
  limit named; a worker that dies of it (it often cannot even send its error back) is replaced
  and the document refused the same way.
- time: the parent stops a worker whose task runs past EXTRACT_SECONDS and starts a new one; the
  document is refused with the limit named. (The engine also checks the same deadline itself
  inside its readers, so a slow document usually stops cleanly before that.)
- the crawl never waits: a task's result is a future (`asyncio.wrap_future` in the pipeline), so
  downloads go on while documents are read.

Workers are started with "spawn": a fresh interpreter, so a worker's address space is its own and
not a copy of the crawl's (a fork would count Scrapy's and Chromium's mappings against the limit).
The pool starts on the first task and its size is EXTRACT_WORKERS (default: the number of cores).

When the pool itself breaks — every worker gone while none was reading (pebble: "All workers
expired"), as when a worker cannot even start — pebble leaves the documents behind the first
unsettled for ever (its scheduler blocks writing to a pipe no worker reads) and refuses every
later one ("Unexpected error within the Pool"): a crawl awaiting them never ends. So each pebble
pool is watched: when it breaks, every document given to it and not yet read is refused with
WorkersFailed (an ExtractionError saying why), the pool is stopped, and the next document starts
a fresh one — as a worker that dies reading one document is replaced. But a pool that breaks before
any of its workers has read a document says that the workers cannot start (the next would fare
the same, and so on for ever): no pool is started again, every later document is refused at once
(`ExtractionPool.failed` says why), and a crawl stops (pipelines/extract.py).

API (used by govcrawl/pipelines/extract.py and `govcrawl parse`):

    pool = ExtractionPool(workers=2, limits=Limits(), memory_mb=1024)
    pool.extract(raw, url=…, attachments=[…already read…]) → Future[Extraction]   (raises ExtractionError)
    pool.extract_report(raw, raw_store=…, …)                 → Future[(Extraction, cells.jsonl lines)], the
                                                               page kept in the raw store first
    pool.extract_file(path)                                  → Future[Extraction]   (raises ExtractionError)
    pool.read_attachment(attachment)                         → Future[ReadAttachment] (never raises: the
                                                               entry carries the error)
    pool.close()                                             (prompt, whatever state the workers are in)
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pebble import ProcessExpired, ProcessPool

# Only what the crawl's process needs to hand documents over and name refusals: the readers are
# imported by the workers (_start_worker), not by every crawl at its start.
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.files import Attachment, ReadAttachment, failed_attachment
from govcrawl.extract.limits import Limits, LimitExceeded, setting_name
from govcrawl.items import json_lines
from govcrawl.raw_store import store

if TYPE_CHECKING:
    from govcrawl.extract.record import Extraction, Reading

WORKERS_SETTING = "EXTRACT_WORKERS"
MEMORY_SETTING = "EXTRACT_MAX_MEMORY_MB"
OCR_CACHE_SETTING = "OCR_CACHE_DIR"
OCR_CACHE_FOLDER = "ocr-cache"  # the OCR cache's default place in an OUTPUT_DIR (crawls, reparse)
# Address space, not resident memory: OCR (onnxruntime's arenas, OpenCV's buffers) reserves about
# 1 GB of address space to read a report's three table pictures while using about 270 MB.
DEFAULT_MEMORY_MB = 2048
WATCH_SECONDS = 0.2  # how often a pool is checked for having broken
STOP_SECONDS = 10  # the longest `close` waits for a pool's workers and threads to stop

logger = logging.getLogger(__name__)


class WorkersFailed(ExtractionError):
    """The pool's worker processes died outside any document (or could not start at all): the
    documents they had not read are refused with this, naming what happened."""


class _Generation:
    """One pebble pool, and the outcomes of the documents given to it that are not settled yet."""

    def __init__(self, pool: ProcessPool):
        self.pool = pool
        self.pending: set[concurrent.futures.Future] = set()
        self.read_any = False  # a worker of it took a document: its workers could start
        self.broken = False
        self.stopped = threading.Event()
        self.watcher = threading.Thread(target=lambda: None)  # replaced by ExtractionPool._start


class ExtractionPool:
    def __init__(self, workers: int | None = None, limits: Limits = Limits(), memory_mb: int = DEFAULT_MEMORY_MB,
                 ocr_cache: Path | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.limits = limits
        self.memory_mb = memory_mb
        self.ocr_cache = ocr_cache  # where the workers keep what OCR read (govcrawl/extract/ocr_cache.py); None: nowhere
        self.failed: str | None = None  # why no pool is started any more: its workers could not start
        self.pools_started = 0
        self.pools_broken = 0
        self._current: _Generation | None = None
        self._stopping: list[threading.Thread] = []  # broken pools being stopped
        self._lock = threading.Lock()

    def _start(self) -> _Generation:
        generation = _Generation(ProcessPool(max_workers=self.workers, initializer=_start_worker,
                                             initargs=(self.memory_mb, self.ocr_cache),
                                             context=multiprocessing.get_context("spawn")))
        generation.watcher = threading.Thread(target=self._watch, args=(generation,), daemon=True,
                                              name="govcrawl-extraction-watch")
        generation.watcher.start()
        self.pools_started += 1
        return generation

    def _submit(self, function: Callable, *args, **kwargs) -> concurrent.futures.Future:
        outcome: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if self.failed is not None:
                outcome.set_exception(WorkersFailed(self.failed))
                return outcome
            if self._current is None:
                self._current = self._start()
            generation = self._current
            generation.pending.add(outcome)
        try:
            task = generation.pool.schedule(function, args=args, kwargs=kwargs, timeout=self.limits.seconds)
        except RuntimeError as error:  # pebble: the pool broke ("Unexpected error within the Pool")
            self._broke(generation, f"pebble: {error}")
            return outcome

        def settle(done):
            try:
                result = done.result()
            except BrokenProcessPool as error:
                cause = f" ({error.__cause__!r})" if error.__cause__ else ""
                self._broke(generation, f"pebble: {error}{cause}")
                return
            except Exception as error:  # noqa: BLE001 — every failure of a task becomes its document's refusal
                self._settle(generation, outcome, error=self._refusal(error))
                return
            self._settle(generation, outcome, result=result)

        task.add_done_callback(settle)
        return outcome

    def _settle(self, generation: _Generation, outcome: concurrent.futures.Future, *, result=None,
                error: Exception | None = None) -> None:
        with self._lock:
            if outcome not in generation.pending:
                return  # refused already, its pool having broken
            generation.pending.discard(outcome)
            generation.read_any = True  # a worker took it: a timeout, a worker's death or a result
        if error is None:
            outcome.set_result(result)
        else:
            outcome.set_exception(error)

    def _watch(self, generation: _Generation) -> None:
        """Pebble notices a broken pool only in tasks it has taken from its queue (and then not
        always): the rest would wait for ever. Its status says so at once."""
        while not generation.stopped.wait(WATCH_SECONDS):
            if not generation.pool.active:
                self._broke(generation, "pebble: the pool is in error")
                return

    def _broke(self, generation: _Generation, cause: str) -> None:
        """Refuse every document the broken pool had not read, and stop it (in a thread of its
        own: this runs in pebble's threads, which its stopping joins)."""
        with self._lock:
            if generation.broken or generation.stopped.is_set():
                return
            generation.broken = True
            self.pools_broken += 1
            if self._current is generation:
                self._current = None
            pending, generation.pending = generation.pending, set()
            if generation.read_any:
                why = (f"the extraction pool broke: its {self.workers} worker process(es) died while reading no document "
                       f"({cause}); a new pool reads the next documents")
            else:
                why = (f"the extraction workers could not start: every worker process exited before reading a document "
                       f"({cause}); their own error is in the log (stderr). Known causes: a script starting the crawl "
                       f"without an `if __name__ == \"__main__\":` guard (each spawned worker runs it again), a module "
                       f"a worker cannot import, EXTRACT_MAX_MEMORY_MB={self.memory_mb} too small to load the engine; "
                       f"no pool is started again")
                self.failed = why
            stopping = threading.Thread(target=self._stop, args=(generation,), daemon=True, name="govcrawl-extraction-stop")
            self._stopping.append(stopping)
            stopping.start()
        logger.error("govcrawl extraction: %s; %d document(s) refused", why, len(pending))
        for outcome in pending:
            outcome.set_exception(WorkersFailed(why))

    @staticmethod
    def _stop(generation: _Generation) -> None:
        generation.stopped.set()
        generation.pool.stop()
        generation.pool.join()  # closing its pipes unblocks a scheduler writing to one no worker reads

    def _refusal(self, error: Exception) -> Exception:
        if isinstance(error, concurrent.futures.TimeoutError):
            return LimitExceeded("seconds", f"reading took more than {self.limits.seconds:g} s; its worker was stopped")
        if isinstance(error, ProcessExpired):
            # Past its memory limit a worker often cannot even report the MemoryError; a library
            # that crashes outright is the rarer cause, and the message says so.
            return LimitExceeded("max_memory_mb", f"the worker reading it died (exit code {error.exitcode}), most likely "
                                                  f"past its memory limit of {self.memory_mb} MB (else a library crashed)")
        return error

    def extract(self, raw: bytes, **kwargs) -> concurrent.futures.Future:
        """The page's Extraction; `attachments` are best given already read (read_attachment)."""
        return self._submit(_within_memory, partial(_extract, limits=self.limits), self.memory_mb, raw, **kwargs)

    def extract_report(self, raw: bytes, raw_store: str | None = None, **kwargs) -> concurrent.futures.Future:
        """As `extract`, for a crawl: (the page's Extraction, its cells as the lines of cells.jsonl),
        the lines encoded in the worker rather than in the crawl's thread; with `raw_store`, the
        worker first keeps the page's bytes there (govcrawl/raw_store.py)."""
        return self._submit(_within_memory, partial(_extract_report, limits=self.limits, raw_store=raw_store),
                            self.memory_mb, raw, **kwargs)

    def extract_file(self, path: Path | str) -> concurrent.futures.Future:
        return self._submit(_within_memory, partial(_extract_file, limits=self.limits), self.memory_mb, Path(path))

    def read_attachment(self, attachment: Attachment) -> concurrent.futures.Future:
        """The attachment read in a worker of its own; a refusal is its entry's error."""
        task = self._submit(_read_attachment, attachment, self.limits, self.memory_mb)
        outcome: concurrent.futures.Future = concurrent.futures.Future()

        def settle(done):
            error = done.exception()
            outcome.set_result(done.result() if error is None else failed_attachment(attachment, str(error)))

        task.add_done_callback(settle)
        return outcome

    def close(self) -> None:
        """Stop the workers; a document not read yet is refused (WorkersFailed). Returns within
        STOP_SECONDS or so whatever state the pool is in."""
        with self._lock:
            generation, self._current = self._current, None
            stopping, self._stopping = self._stopping, []
            pending = generation.pending if generation is not None else set()
            if generation is not None:
                generation.pending = set()
                stopping.append(threading.Thread(target=self._stop, args=(generation,), daemon=True,
                                                 name="govcrawl-extraction-stop"))
                stopping[-1].start()
        for outcome in pending:
            outcome.set_exception(WorkersFailed("the extraction pool was closed before the document was read"))
        deadline = time.monotonic() + STOP_SECONDS
        for thread in stopping:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                logger.warning("govcrawl extraction: a pool's workers did not stop within %d s; left to stop at exit",
                               STOP_SECONDS)


def pool_from_settings(settings: Mapping, ocr_cache: Path | None = None) -> ExtractionPool:
    """The pool the settings describe (Scrapy's Settings, or a dict of the same names): the
    engine's limits EXTRACT_<FIELD> (govcrawl/extract/limits.py), EXTRACT_WORKERS,
    EXTRACT_MAX_MEMORY_MB and OCR_CACHE_DIR ("" = none; not given = `ocr_cache`, the caller's
    default); a setting not given keeps its default."""
    limits = Limits(**{
        f.name: type(f.default)(settings.get(setting_name(f.name)))
        for f in fields(Limits) if settings.get(setting_name(f.name)) not in (None, "")
    })
    workers = settings.get(WORKERS_SETTING)
    configured_cache = settings.get(OCR_CACHE_SETTING)
    if configured_cache is not None:
        ocr_cache = Path(configured_cache) if configured_cache else None
    return ExtractionPool(int(workers) if workers else None, limits, int(settings.get(MEMORY_SETTING) or DEFAULT_MEMORY_MB),
                          ocr_cache)


# Pools shared by the crawls of one process: (workers, limits, memory, OCR cache) → [pool, crawls using it].
_SHARED: dict[tuple, list] = {}


def shared_pool(settings: Mapping, ocr_cache: Path | None = None) -> ExtractionPool:
    """The pool the settings describe (pool_from_settings), shared with the other crawls of this
    process whose settings describe the same one: a process running several crawls at once
    (Scrapy's CrawlerProcess) would otherwise start EXTRACT_WORKERS processes for each of them,
    so that N crawls would read N documents per core. Give it back with `release`."""
    pool = pool_from_settings(settings, ocr_cache)
    entry = _SHARED.setdefault(_sharing_key(pool), [pool, 0])
    entry[1] += 1
    return entry[0]


def release(pool: ExtractionPool) -> None:
    """A crawl is done with its shared pool; the last one to finish closes it."""
    key = _sharing_key(pool)
    _SHARED[key][1] -= 1
    if _SHARED[key][1] == 0:
        del _SHARED[key]
        pool.close()


def _sharing_key(pool: ExtractionPool) -> tuple:
    return pool.workers, pool.limits, pool.memory_mb, pool.ocr_cache


def _start_worker(memory_mb: int, ocr_cache: Path | None) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The readers, imported at the worker's start: a worker that cannot import them breaks the pool
    # before reading anything, which says the workers cannot start (ExtractionPool._broke).
    import govcrawl.extract.engine  # noqa: F401
    from govcrawl.extract.ocr_cache import use  # the worker's own: in the crawl's process nothing reads a picture

    use(ocr_cache)


def _within_memory(function: Callable, memory_mb: int, *args, **kwargs):
    """`function` in a worker, a MemoryError anywhere in its failure (the readers wrap the errors
    of their libraries) reported as the memory limit."""
    try:
        return function(*args, **kwargs)
    except Exception as error:
        if _caused_by_memory(error):
            raise LimitExceeded("max_memory_mb", f"reading needed more than {memory_mb} MB of memory") from None
        raise


# The tasks, run in a worker: their imports of the engine find it imported by _start_worker.


def _extract(raw: bytes, limits: Limits, **kwargs) -> Extraction:
    from govcrawl.extract.engine import extract

    return extract(raw, limits=limits, **kwargs)


def _extract_report(raw: bytes, limits: Limits, raw_store: str | None, **kwargs) -> tuple[Extraction, bytes]:
    if raw_store:
        store(raw_store, raw)  # before reading: a page the engine cannot read is kept all the same
    extraction = _extract(raw, limits, **kwargs)
    return extraction, json_lines(extraction.cells)


def _extract_file(path: Path, limits: Limits) -> Extraction:
    from govcrawl.extract.engine import extract_file

    return extract_file(path, limits=limits)


def _read(raw: bytes, media_type: str, limits: Limits) -> Reading:
    from govcrawl.extract.engine import read

    return read(raw, media_type, limits)


def _read_attachment(attachment: Attachment, limits: Limits, memory_mb: int) -> ReadAttachment:
    from govcrawl.extract.attachments import read_attachment

    return read_attachment(attachment, partial(_within_memory, partial(_read, limits=limits), memory_mb))


def _caused_by_memory(error: BaseException | None) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, MemoryError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False

