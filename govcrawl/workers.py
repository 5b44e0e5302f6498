"""Every document is read in a worker process with a time and a memory limit of its own.

The engine runs in pure Python and C libraries (lxml, pdfminer, openpyxl, mammoth) that cannot be
interrupted from inside, and in a crawl it used to run in the crawl's only thread: one hostile
attachment froze every download for minutes and grew the crawl to gigabytes until it was killed.
Here each document (a page, or one of its attachments) is a task of a small pool of worker
processes:

- memory: each worker limits its own address space (`RLIMIT_AS`, EXTRACT_MAX_MEMORY_MB). An
  allocation past it fails inside the worker (MemoryError), and the document is refused with the
  limit named; a worker that dies of it (it often cannot even send its error back) is replaced
  and the document refused the same way.
- time: the pool stops a worker whose task runs past EXTRACT_SECONDS and starts a new one; the
  document is refused with the limit named. (The engine also checks the same deadline itself
  inside its readers, so a slow document usually stops cleanly before that.)
- the crawl never waits: a task's result is a future (`asyncio.wrap_future` in the pipeline), so
  downloads go on while documents are read.

The pool runs in an asyncio event loop: in a crawl, the crawl's own (Scrapy's asyncio reactor),
where each worker's socket is read and written like a download's, without ever waiting — a result
is read by the crawl's thread as it arrives, and no thread of the pool's takes the interpreter's
lock from the crawl (a process pool with threads of its own, pebble's, cost the crawl's process a
sixth of its CPU time and 11,000 thread switches per 2,000 pages). Used from code without a
running loop (`govcrawl parse`, reparse), the pool runs its loop in a thread of its own. A worker
is given its next document while it reads one (TASKS_PER_WORKER), so that it does not wait for
a busy crawl's thread to hand it the next; its time limit starts when it starts reading it.

Workers are started with "spawn": a fresh interpreter, so a worker's address space is its own and
not a copy of the crawl's (a fork would count Scrapy's and Chromium's mappings against the limit).
A worker says it is ready once it has imported the engine; documents go only to ready workers.
The workers start on the first document; there are EXTRACT_WORKERS of them (default: the number
of cores). Their LibreOffice conversions take one of LIBREOFFICE_CONVERSIONS slots shared by the
pool (govcrawl/extract/conversion_slots.py). Ctrl-C is left to the crawl's process, which finishes
the documents under way. A worker that dies outside any document is replaced. Workers that exit
before they are ready, START_ATTEMPTS in a row, say that no worker can start (a script without
`if __name__ == "__main__":`, a module a worker cannot import, too little memory): the pool gives
up, every document waiting and every later one is refused at once with WorkersFailed
(`ExtractionPool.failed` says why), and a crawl stops (pipelines/extract.py).

API (used by govcrawl/pipelines/extract.py and `govcrawl parse`):

    pool = ExtractionPool(workers=2, limits=Limits(), memory_mb=1024)
    pool.extract(raw, url=…, attachments=[…already read…]) → Future[Extraction]   (raises ExtractionError)
    pool.extract_report(raw, raw_store=…, …)                 → Future[(record, cells, cells.jsonl lines)],
                                                               the page kept in the raw store first
    pool.extract_file(path)                                  → Future[Extraction]   (raises ExtractionError)
    pool.read_attachment(attachment)                         → Future[ReadAttachment] (never raises: the
                                                               entry carries the error)
    pool.close()                                             (prompt, whatever state the workers are in)

The futures are concurrent.futures.Future: `.result()` outside an event loop, `asyncio.wrap_future`
in one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import pickle
import resource
import shutil
import signal
import socket
import struct
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

# Only what the crawl's process needs to hand documents over and name refusals: the readers are
# imported by the workers (_start_worker), not by every crawl at its start.
from govcrawl.extract.errors import ExtractionError
from govcrawl.extract.files import Attachment, ReadAttachment, failed_attachment
from govcrawl.extract.limits import Limits, LimitExceeded, setting_name
from govcrawl.items import json_lines
from govcrawl.raw_store import store

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from govcrawl.extract.record import Extraction, Reading

WORKERS_SETTING = "EXTRACT_WORKERS"
MEMORY_SETTING = "EXTRACT_MAX_MEMORY_MB"
CONVERSIONS_SETTING = "LIBREOFFICE_CONVERSIONS"
OCR_CACHE_SETTING = "OCR_CACHE_DIR"
OCR_CACHE_FOLDER = "ocr-cache"  # the OCR cache's default place in an OUTPUT_DIR (crawls, reparse)
# Address space, not resident memory: OCR (onnxruntime's arenas, OpenCV's buffers) reserves about
# 1 GB of address space to read a report's three table pictures while using about 270 MB.
DEFAULT_MEMORY_MB = 2048
# A conversion takes a core and about 200 MB of its own, besides its worker's.
DEFAULT_CONVERSIONS = 1
# The document a worker reads and the next, waiting in its socket: a worker done with one starts
# the next at once instead of waiting for the crawl's thread, busy with downloads, to give it one.
TASKS_PER_WORKER = 2
# Workers in a row that exit before they are ready before the pool gives up: one may die of a
# passing shortage of memory, three in a row cannot start.
START_ATTEMPTS = 3
STOP_SECONDS = 10  # the longest `close` waits for the workers to stop

# What a worker sends back: ready (once, after importing the engine), a task's result, its error.
READY, DONE, FAILED = "ready", "done", "failed"
# A message on a worker's socket: its length, then its pickle.
LENGTH = struct.Struct("!Q")
RECEIVE_BYTES = 1 << 20

logger = logging.getLogger(__name__)


class WorkersFailed(ExtractionError):
    """No worker could start (or the pool was closed): the documents waiting are refused with this,
    naming what happened."""


class _Task:
    """A document's call, run in a worker, and the future its result or refusal goes to."""

    __slots__ = ("call", "outcome", "timer", "end")

    def __init__(self, call: Callable, outcome: concurrent.futures.Future):
        self.call = call
        self.outcome = outcome
        self.timer: asyncio.TimerHandle | None = None  # the time limit, while a worker reads it
        self.end = 0  # where its message ends in what its worker's socket is given (_Worker.sent)

    def settle(self, result=None, error: BaseException | None = None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        if self.outcome.done():
            return  # cancelled by whoever awaited it
        if error is None:
            self.outcome.set_result(result)
        else:
            self.outcome.set_exception(error)


class _Worker:
    """A worker process, the pool's end of its socket, what is yet to be written to it and read
    from it, and the documents given to it: the first is the one it reads."""

    __slots__ = ("process", "socket", "ready", "tasks", "outbox", "inbox", "queued", "sent")

    def __init__(self, process: BaseProcess, ours: socket.socket):
        self.process = process
        self.socket = ours
        self.ready = False
        self.tasks: deque[_Task] = deque()
        self.outbox = bytearray()
        self.inbox = bytearray()
        # Bytes ever given to its socket and ever taken by it: a document whose message was not
        # taken whole never reached the worker.
        self.queued = 0
        self.sent = 0


class ExtractionPool:
    def __init__(self, workers: int | None = None, limits: Limits = Limits(), memory_mb: int = DEFAULT_MEMORY_MB,
                 ocr_cache: Path | None = None, conversions: int = DEFAULT_CONVERSIONS):
        self.workers = workers or os.cpu_count() or 1
        self.limits = limits
        self.memory_mb = memory_mb
        self.ocr_cache = ocr_cache  # where the workers keep what OCR read (govcrawl/extract/ocr_cache.py); None: nowhere
        self.conversions = conversions  # LibreOffice conversions at once among the workers
        self.failed: str | None = None  # why no worker is started any more: they could not start
        self.workers_started = 0
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None  # where the pool runs: the crawl's loop, or its own
        self._loop_thread_id: int | None = None
        self._own_thread: threading.Thread | None = None
        self._binding = threading.Lock()
        self._running: list[_Worker] = []
        self._waiting: deque[_Task] = deque()  # documents no worker has been given yet
        self._start_failures = 0  # workers in a row that exited before they were ready
        self._slots: str | None = None  # the conversion slots' directory (conversion_slots.py), made at the first start
        # What a worker's socket gives at once, read into one buffer: a new megabyte for each read
        # was an mmap and a munmap and 256 page faults.
        self._received = memoryview(bytearray(RECEIVE_BYTES))

    # -- handing documents over (any thread) ---------------------------------------------------

    def extract(self, raw: bytes, **kwargs) -> concurrent.futures.Future:
        """The page's Extraction; `attachments` are best given already read (read_attachment)."""
        return self._submit(partial(_within_memory, partial(_extract, limits=self.limits), self.memory_mb, raw, **kwargs))

    def extract_report(self, raw: bytes, raw_store: str | None = None, **kwargs) -> concurrent.futures.Future:
        """As `extract`, for a crawl: (the page's record, its cells, the cells as the lines of
        cells.jsonl), the lines encoded in the worker rather than in the crawl's thread, and plain
        data, so that the crawl's process never imports the engine to unpickle them; with
        `raw_store`, the worker first keeps the page's bytes there (govcrawl/raw_store.py)."""
        return self._submit(partial(_within_memory, partial(_extract_report, limits=self.limits, raw_store=raw_store),
                                    self.memory_mb, raw, **kwargs))

    def extract_file(self, path: Path | str) -> concurrent.futures.Future:
        return self._submit(partial(_within_memory, partial(_extract_file, limits=self.limits), self.memory_mb, Path(path)))

    def read_attachment(self, attachment: Attachment) -> concurrent.futures.Future:
        """The attachment read in a worker of its own; a refusal is its entry's error."""
        task = self._submit(partial(_read_attachment, attachment, self.limits, self.memory_mb))
        outcome: concurrent.futures.Future = concurrent.futures.Future()

        def settle(done):
            error = done.exception()
            outcome.set_result(done.result() if error is None else failed_attachment(attachment, str(error)))

        task.add_done_callback(settle)
        return outcome

    def _submit(self, call: Callable) -> concurrent.futures.Future:
        task = _Task(call, concurrent.futures.Future())
        loop = self._bound_loop()
        if threading.get_ident() == self._loop_thread_id:
            self._take(task)
        else:
            loop.call_soon_threadsafe(self._take, task)
        return task.outcome

    def _bound_loop(self) -> asyncio.AbstractEventLoop:
        """The loop the pool runs in, chosen at its first document: the caller's running loop (a
        crawl's), else a loop in a thread of the pool's own."""
        with self._binding:
            if self._loop is None:
                try:
                    self._loop = asyncio.get_running_loop()
                    self._loop_thread_id = threading.get_ident()
                except RuntimeError:
                    self._loop = asyncio.new_event_loop()
                    self._own_thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                                        name="govcrawl-extraction")
                    self._own_thread.start()
                    self._loop_thread_id = self._own_thread.ident
            return self._loop

    # -- the pool, in its loop's thread --------------------------------------------------------

    def _take(self, task: _Task) -> None:
        if self.failed is not None or self._closed:
            task.settle(error=WorkersFailed(self.failed or "the extraction pool is closed"))
            return
        self._waiting.append(task)
        self._dispatch()

    def _dispatch(self) -> None:
        """Give the waiting documents to ready workers, those with none first; start workers while
        there are documents no worker will take. Refuse them when no worker can start."""
        if self.failed is not None:
            waiting, self._waiting = self._waiting, deque()
            for task in waiting:
                task.settle(error=WorkersFailed(self.failed))
            return
        # A second document only once every worker is there: not to one busy worker while another starts.
        all_ready = len(self._running) == self.workers and all(worker.ready for worker in self._running)
        for given in range(TASKS_PER_WORKER if all_ready else 1):
            for worker in self._running:
                if not self._waiting:
                    return
                if worker.ready and len(worker.tasks) == given:
                    self._give(worker, self._waiting.popleft())
        starting = sum(not worker.ready for worker in self._running)
        while len(self._running) < self.workers and len(self._waiting) > starting:
            self._start()
            starting += 1

    def _give(self, worker: _Worker, task: _Task) -> None:
        if task.outcome.cancelled() or not (task.outcome.running() or task.outcome.set_running_or_notify_cancel()):
            return  # cancelled while it waited
        try:
            message = _message(task.call)
        except Exception as error:  # noqa: BLE001 — a document that cannot be pickled is refused alone
            task.settle(error=ExtractionError(f"the document cannot be handed to a worker: {error!r}"))
            return
        worker.tasks.append(task)
        task.end = worker.queued + len(message)
        if len(worker.tasks) == 1:
            self._time(worker)
        self._write(worker, message)

    def _time(self, worker: _Worker) -> None:
        """The worker has started reading its first document: its time limit runs from now."""
        worker.tasks[0].timer = self._loop.call_later(self.limits.seconds, self._overtime, worker)

    def _write(self, worker: _Worker, message: bytes) -> None:
        """Write what the socket takes now, the rest as the worker reads (the loop says when)."""
        idle = not worker.outbox
        worker.outbox += message
        worker.queued += len(message)
        if idle:
            self._flush(worker)
            if worker.outbox:
                self._loop.add_writer(worker.socket.fileno(), self._flush, worker)

    def _flush(self, worker: _Worker) -> None:
        try:
            sent = worker.socket.send(worker.outbox)
        except BlockingIOError:
            return
        except OSError:  # the worker has died: its end reads as closed, and _hear takes it out
            worker.outbox.clear()
            sent = 0
        worker.sent += sent
        del worker.outbox[:sent]
        if not worker.outbox:
            self._loop.remove_writer(worker.socket.fileno())

    def _start(self) -> None:
        if self._slots is None:
            self._slots = tempfile.mkdtemp(prefix="govcrawl-conversion-slots-")
        context = multiprocessing.get_context("spawn")
        ours, theirs = socket.socketpair()
        process = context.Process(target=_work, args=(theirs, self.memory_mb, self.ocr_cache, self._slots, self.conversions),
                                  daemon=True, name="govcrawl-extraction-worker")
        process.start()
        theirs.close()  # the worker holds its end: when it dies, ours reads the end of the stream
        ours.setblocking(False)
        worker = _Worker(process, ours)
        self._running.append(worker)
        self.workers_started += 1
        self._loop.add_reader(ours.fileno(), self._hear, worker)

    def _hear(self, worker: _Worker) -> None:
        try:
            received = worker.socket.recv_into(self._received)
        except BlockingIOError:
            return
        except OSError:
            received = 0
        if not received:
            self._lost(worker)
            return
        inbox = worker.inbox
        inbox += self._received[:received]
        while len(inbox) >= LENGTH.size:
            (length,) = LENGTH.unpack_from(inbox)
            end = LENGTH.size + length
            if len(inbox) < end:
                break
            try:
                kind, *what = pickle.loads(memoryview(inbox)[LENGTH.size:end])
            except Exception as error:  # noqa: BLE001 — a result this process cannot unpickle: the document's refusal
                kind, what = FAILED, [ExtractionError(f"the worker's result cannot be read: {error!r}"), None]
            del inbox[:end]
            self._heard(worker, kind, what)
        self._dispatch()

    def _heard(self, worker: _Worker, kind: str, what: list) -> None:
        if kind == READY:
            worker.ready = True
            self._start_failures = 0
            return
        task = worker.tasks.popleft()
        if worker.tasks:
            self._time(worker)
        if kind == DONE:
            task.settle(what[0])
            return
        error, remote_traceback = what
        if remote_traceback:
            error.add_note(f"in the extraction worker:\n{remote_traceback}")
        task.settle(error=error)

    def _overtime(self, worker: _Worker) -> None:
        self._retire(worker, kill=True)
        worker.tasks.popleft().settle(
            error=LimitExceeded("seconds", f"reading took more than {self.limits.seconds:g} s; its worker was stopped"))
        self._dispatch()

    def _lost(self, worker: _Worker) -> None:
        """The worker died: past its memory limit while reading, killed while waiting, or at its start."""
        self._retire(worker)
        exit_code = worker.process.exitcode
        if worker.tasks and worker.sent < worker.tasks[0].end:
            # Dead before it had the whole document (killed while waiting, its death not heard yet):
            # the document waits for another worker.
            unread = worker.tasks.popleft()
            unread.timer.cancel()
            unread.timer = None
            self._waiting.appendleft(unread)
        if worker.tasks:
            # Past its memory limit a worker often cannot even report the MemoryError; a library
            # that crashes outright is the rarer cause, and the message says so.
            worker.tasks.popleft().settle(error=LimitExceeded(
                "max_memory_mb", f"the worker reading it died (exit code {exit_code}), most likely past its memory "
                                 f"limit of {self.memory_mb} MB (else a library crashed)"))
        elif not worker.ready:
            self._start_failures += 1
            if self._start_failures == START_ATTEMPTS:
                self._give_up(exit_code)
        else:
            logger.warning("govcrawl extraction: a worker process died while waiting for a document (exit code %s); "
                           "another is started when one is needed", exit_code)
        self._dispatch()

    def _give_up(self, exit_code: int | None) -> None:
        self.failed = (
            f"the extraction workers could not start: {START_ATTEMPTS} worker processes in a row exited before they were "
            f"ready (the last with exit code {exit_code}); their own error is in the log (stderr). Known causes: a script "
            f"starting the crawl without an `if __name__ == \"__main__\":` guard (each spawned worker runs it again), a "
            f"module a worker cannot import, EXTRACT_MAX_MEMORY_MB={self.memory_mb} too small to load the engine; no "
            f"worker is started again")
        logger.error("govcrawl extraction: %s; %d document(s) refused", self.failed, len(self._waiting))

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        """Take the worker out of the pool; the documents it was given and had not started reading
        wait for another."""
        self._running.remove(worker)
        self._unwatch(worker)
        unread = [worker.tasks.pop() for _ in range(len(worker.tasks) - 1)]
        self._waiting.extendleft(unread)  # popped last first: put back in their order
        if kill:
            worker.process.kill()
        worker.socket.close()
        worker.process.join(STOP_SECONDS)  # at once: it has exited, or has been killed
        if worker.process.exitcode is None:
            logger.warning("govcrawl extraction: worker process %s did not exit", worker.process.pid)

    def _unwatch(self, worker: _Worker) -> None:
        self._loop.remove_reader(worker.socket.fileno())
        if worker.outbox:
            self._loop.remove_writer(worker.socket.fileno())

    # -- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the workers; a document not read yet is refused (WorkersFailed). Returns within
        STOP_SECONDS or so whatever state the workers are in."""
        with self._binding:
            loop, self._closed = self._loop, True
        if loop is None:
            return
        if threading.get_ident() == self._loop_thread_id:
            self._stop_workers()
        else:
            stopped = concurrent.futures.Future()
            loop.call_soon_threadsafe(lambda: stopped.set_result(self._stop_workers()))
            stopped.result(STOP_SECONDS * 2)
        if self._own_thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            self._own_thread.join(STOP_SECONDS)
            if not self._own_thread.is_alive():
                loop.close()
        if self._slots is not None:
            shutil.rmtree(self._slots, ignore_errors=True)

    def _stop_workers(self) -> None:
        why = WorkersFailed("the extraction pool was closed before the document was read")
        waiting, self._waiting = self._waiting, deque()
        running, self._running = self._running, []
        for task in [*waiting, *(task for worker in running for task in worker.tasks)]:
            task.settle(error=why)
        for worker in running:
            self._unwatch(worker)
            try:
                if worker.ready and not worker.tasks and not worker.outbox:
                    worker.socket.send(_message(None))  # waiting for a document: it exits on its own
                    continue
            except OSError:
                pass  # it has died already, or its socket is full
            worker.process.kill()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in running:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.exitcode is None:
                logger.warning("govcrawl extraction: worker process %s did not stop within %d s; killed",
                               worker.process.pid, STOP_SECONDS)
                worker.process.kill()
            worker.socket.close()


def _message(content) -> bytes:
    payload = pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(payload)) + payload


def pool_from_settings(settings: Mapping, ocr_cache: Path | None = None) -> ExtractionPool:
    """The pool the settings describe (Scrapy's Settings, or a dict of the same names): the
    engine's limits EXTRACT_<FIELD> (govcrawl/extract/limits.py), EXTRACT_WORKERS,
    EXTRACT_MAX_MEMORY_MB, LIBREOFFICE_CONVERSIONS and OCR_CACHE_DIR ("" = none; not given =
    `ocr_cache`, the caller's default); a setting not given keeps its default."""
    limits = Limits(**{
        f.name: type(f.default)(settings.get(setting_name(f.name)))
        for f in fields(Limits) if settings.get(setting_name(f.name)) not in (None, "")
    })
    workers = settings.get(WORKERS_SETTING)
    configured_cache = settings.get(OCR_CACHE_SETTING)
    if configured_cache is not None:
        ocr_cache = Path(configured_cache) if configured_cache else None
    return ExtractionPool(int(workers) if workers else None, limits, int(settings.get(MEMORY_SETTING) or DEFAULT_MEMORY_MB),
                          ocr_cache, int(settings.get(CONVERSIONS_SETTING) or DEFAULT_CONVERSIONS))


# Pools shared by the crawls of one process: (workers, limits, memory, OCR cache, conversions) → [pool, crawls using it].
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
    return pool.workers, pool.limits, pool.memory_mb, pool.ocr_cache, pool.conversions


def _work(ours: socket.socket, memory_mb: int, ocr_cache: Path | None, slots: str, conversions: int) -> None:
    """A worker process: ready once the engine is imported, then each document in turn until the
    pool sends None or closes its end."""
    # Ctrl-C reaches the terminal's whole process group, the workers too: the crawl's process
    # decides what stops (Scrapy finishes what is under way), and closes the pool when done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start_worker(memory_mb, ocr_cache, slots, conversions)
    ours.sendall(_message((READY,)))
    while True:
        try:
            call = pickle.loads(_receive(ours))
        except EOFError:
            return
        except Exception as error:  # noqa: BLE001 — a document this worker cannot unpickle: its refusal
            ours.sendall(_message((FAILED, ExtractionError(f"the worker cannot read the document given: {error!r}"), None)))
            continue
        if call is None:
            return
        try:
            outcome = (DONE, call())
        except Exception as error:  # noqa: BLE001 — every failure of a task becomes its document's refusal
            outcome = (FAILED, error, None if isinstance(error, ExtractionError) else traceback.format_exc())
        try:
            message = _message(outcome)
        except Exception as error:  # noqa: BLE001 — a result or an error that cannot be pickled
            message = _message((FAILED, ExtractionError(f"the worker's result cannot be sent back: {error!r}"), None))
        ours.sendall(message)


def _receive(ours: socket.socket) -> memoryview:
    """The next message's pickle (the worker's socket blocks)."""
    (length,) = LENGTH.unpack(_exactly(ours, LENGTH.size))
    return _exactly(ours, length)


def _exactly(ours: socket.socket, size: int) -> memoryview:
    received = memoryview(bytearray(size))
    got = 0
    while got < size:
        count = ours.recv_into(received[got:])
        if count == 0:
            raise EOFError
        got += count
    return received


def _start_worker(memory_mb: int, ocr_cache: Path | None, slots: str, conversions: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The readers, imported at the worker's start: a worker that cannot import them breaks the pool
    # before it is ready, which says the workers cannot start (ExtractionPool._lost).
    import govcrawl.extract.engine  # noqa: F401
    # The worker's own: in the crawl's process nothing reads a picture or converts a file.
    from govcrawl.extract import conversion_slots, ocr_cache as pictures

    pictures.use(ocr_cache)
    conversion_slots.use(slots, conversions)


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


def _extract_report(raw: bytes, limits: Limits, raw_store: str | None, **kwargs) -> tuple[dict, list[dict], bytes]:
    if raw_store:
        store(raw_store, raw)  # before reading: a page the engine cannot read is kept all the same
    extraction = _extract(raw, limits, **kwargs)
    return extraction.record, extraction.cells, json_lines(extraction.cells)


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

