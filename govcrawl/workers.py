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

API (used by govcrawl/pipelines/extract.py and `govcrawl parse`):

    pool = ExtractionPool(workers=2, limits=Limits(), memory_mb=1024)
    pool.extract(raw, url=…, attachments=[…already read…]) → Future[Extraction]   (raises ExtractionError)
    pool.extract_report(raw, …)                              → Future[(Extraction, cells.jsonl lines)]
    pool.extract_file(path)                                  → Future[Extraction]   (raises ExtractionError)
    pool.read_attachment(attachment)                         → Future[ReadAttachment] (never raises: the
                                                               entry carries the error)
    pool.close()
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import resource
from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import partial
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from govcrawl.extract import Attachment, Extraction, extract, extract_file, read
from govcrawl.extract.attachments import read_attachment
from govcrawl.extract.files import ReadAttachment, failed_attachment
from govcrawl.extract.limits import Limits, LimitExceeded, setting_name
from govcrawl.items import json_lines

WORKERS_SETTING = "EXTRACT_WORKERS"
MEMORY_SETTING = "EXTRACT_MAX_MEMORY_MB"
OCR_CACHE_SETTING = "OCR_CACHE_DIR"
OCR_CACHE_FOLDER = "ocr-cache"  # the OCR cache's default place in an OUTPUT_DIR (crawls, reparse)
# Address space, not resident memory: OCR (onnxruntime's arenas, OpenCV's buffers) reserves about
# 1 GB of address space to read a report's three table pictures while using about 270 MB.
DEFAULT_MEMORY_MB = 2048


class ExtractionPool:
    def __init__(self, workers: int | None = None, limits: Limits = Limits(), memory_mb: int = DEFAULT_MEMORY_MB,
                 ocr_cache: Path | None = None):
        self.workers = workers or os.cpu_count() or 1
        self.limits = limits
        self.memory_mb = memory_mb
        self.ocr_cache = ocr_cache  # where the workers keep what OCR read (govcrawl/extract/ocr_cache.py); None: nowhere
        self._pool: ProcessPool | None = None

    def _submit(self, function: Callable, *args, **kwargs) -> concurrent.futures.Future:
        if self._pool is None:
            self._pool = ProcessPool(max_workers=self.workers, initializer=_start_worker, initargs=(self.memory_mb, self.ocr_cache),
                                     context=multiprocessing.get_context("spawn"))
        task = self._pool.schedule(function, args=args, kwargs=kwargs, timeout=self.limits.seconds)
        outcome: concurrent.futures.Future = concurrent.futures.Future()

        def settle(done):
            try:
                outcome.set_result(done.result())
            except Exception as error:  # noqa: BLE001 — every failure of a task becomes its document's refusal
                outcome.set_exception(self._refusal(error))

        task.add_done_callback(settle)
        return outcome

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
        return self._submit(_within_memory, partial(extract, limits=self.limits), self.memory_mb, raw, **kwargs)

    def extract_report(self, raw: bytes, **kwargs) -> concurrent.futures.Future:
        """As `extract`, for a crawl: (the page's Extraction, its cells as the lines of cells.jsonl),
        the lines encoded in the worker rather than in the crawl's thread."""
        return self._submit(_within_memory, partial(_extract_report, limits=self.limits), self.memory_mb, raw, **kwargs)

    def extract_file(self, path: Path | str) -> concurrent.futures.Future:
        return self._submit(_within_memory, partial(extract_file, limits=self.limits), self.memory_mb, Path(path))

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
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None


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


def _extract_report(raw: bytes, limits: Limits, **kwargs) -> tuple[Extraction, bytes]:
    extraction = extract(raw, limits=limits, **kwargs)
    return extraction, json_lines(extraction.cells)


def _read_attachment(attachment: Attachment, limits: Limits, memory_mb: int) -> ReadAttachment:
    return read_attachment(attachment, partial(_within_memory, partial(read, limits=limits), memory_mb))


def _caused_by_memory(error: BaseException | None) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, MemoryError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False

