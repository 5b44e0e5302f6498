"""The limit on LibreOffice conversions running at once (govcrawl/extract/conversion_slots.py), seen
from outside: the conversions of real worker processes are watched in /proc, a holder is killed
with SIGKILL, a waiter runs out of time."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from govcrawl.extract import conversion_slots, legacy
from govcrawl.extract.formats import DOC
from govcrawl.extract.legacy import document_from_legacy
from govcrawl.extract.limits import Deadline, LimitExceeded
from govcrawl.workers import ExtractionPool

from .small_portal import REPORT_PAGE

SPAWN = multiprocessing.get_context("spawn")  # as the crawl's pool starts its workers: nothing inherited
# The longest any wait of these tests may take: past it the test fails instead of hanging.
WAIT = 60.0
# Set in the workers' environment, which LibreOffice inherits: tells this test's conversions from
# those other tests run meanwhile.
MARK = "GOVCRAWL_CONVERSION_SLOTS_TEST"


@pytest.fixture(autouse=True)
def no_limit_afterwards():
    yield
    conversion_slots.use(None, 0)  # the engine's default in this process, whatever a test set


def _convert(directory: Path, slots: int, doc: bytes, mark: str, barrier, results) -> None:
    """A worker: configured as the pool does, then one conversion, started with the other worker's."""
    conversion_slots.use(directory, slots)
    os.environ[MARK] = mark
    barrier.wait(WAIT)
    started = time.monotonic()
    document = document_from_legacy(doc, DOC, deadline=Deadline(WAIT))
    results.put((started, time.monotonic(), sum(block.kind == "table" for block in document.blocks)))


def _conversions(mark: str, slots_directory: Path) -> tuple[set[int], list[str]]:
    """(the sessions of the running soffice.bin processes carrying `mark` — one session per
    conversion, legacy.py starts each in its own —, the slot files any of their processes has open)."""
    sessions, slot_files = set(), []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            comm, fields = (proc / "stat").read_text().split(" (", 1)[1].rsplit(") ", 1)
            state, _ppid, _pgrp, session = fields.split()[:4]
            if f"{MARK}={mark}".encode() not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            if comm == "soffice.bin" and state != "Z":
                sessions.add(int(session))
            for fd in (proc / "fd").iterdir():
                target = Path(os.readlink(fd))
                if target.parent == slots_directory.resolve() and target.name.startswith("slot-"):
                    slot_files.append(f"{comm} {proc.name}: {target}")
        except (OSError, ValueError):
            continue  # gone meanwhile
    return sessions, slot_files


def _signal_conversions(mark: str, slots_directory: Path, signal_number: int) -> None:
    """The signal to every process group of the running conversions carrying `mark`."""
    for session in _conversions(mark, slots_directory)[0]:
        try:
            os.killpg(session, signal_number)  # legacy.py starts each conversion as its own group
        except ProcessLookupError:
            pass


def _watch_two_conversions(doc: bytes, directory: Path, slots: int) -> tuple[int, set[int], list[str], list[tuple]]:
    """Two workers converting `doc` at once with `slots` slots: (the most conversions seen running
    at once, every conversion seen, slot files LibreOffice had open, each worker's (start, end, tables))."""
    mark = uuid.uuid4().hex
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    workers = [SPAWN.Process(target=_convert, args=(directory, slots, doc, mark, barrier, results)) for _ in range(2)]
    most, seen, slot_files = 0, set(), []
    for worker in workers:
        worker.start()
    try:
        give_up = time.monotonic() + WAIT
        while any(worker.is_alive() for worker in workers):
            assert time.monotonic() < give_up, "the conversions did not end"
            running, open_slots = _conversions(mark, directory)
            most, seen = max(most, len(running)), seen | running
            slot_files += open_slots
            time.sleep(0.01)
        assert [worker.exitcode for worker in workers] == [0, 0]
        calls = [results.get(timeout=WAIT) for _ in workers]
    finally:
        for worker in workers:
            worker.kill()
            worker.join(WAIT)
        _signal_conversions(mark, directory, signal.SIGKILL)
    return most, seen, slot_files, calls


def test_with_one_slot_two_workers_never_convert_at_once(report_doc, tmp_path):
    most, seen, slot_files, calls = _watch_two_conversions(report_doc, tmp_path, slots=1)
    (start_a, end_a, tables_a), (start_b, end_b, tables_b) = calls
    assert max(start_a, start_b) < min(end_a, end_b)  # both asked at once: the slot kept them apart
    assert len(seen) == 2 and most == 1
    assert tables_a == tables_b > 0
    assert slot_files == []  # the slot stays with the worker: LibreOffice does not inherit it


def _hold_while_converting(directory: Path, doc: bytes, mark: str) -> None:
    conversion_slots.use(directory, 1)
    os.environ[MARK] = mark
    tempfile.tempdir = str(directory / "tmp")  # the conversion's directory, left behind when it is killed
    os.mkdir(tempfile.tempdir)
    document_from_legacy(doc, DOC)


def test_a_worker_killed_while_converting_leaves_its_slot_free(report_doc, tmp_path):
    mark = uuid.uuid4().hex
    holder = SPAWN.Process(target=_hold_while_converting, args=(tmp_path, report_doc, mark))
    holder.start()
    try:
        give_up, running = time.monotonic() + WAIT, set()
        while not running:  # LibreOffice runs: the holder has the slot
            assert holder.is_alive() and time.monotonic() < give_up, "the holder's conversion did not start"
            running, slot_files = _conversions(mark, tmp_path)
            time.sleep(0.01)
        # Paused, LibreOffice does not finish: the holder keeps its slot for as long as the test needs.
        _signal_conversions(mark, tmp_path, signal.SIGSTOP)
        assert slot_files == []
        conversion_slots.use(tmp_path, 1)
        with pytest.raises(LimitExceeded, match="LIBREOFFICE_CONVERSIONS=1"):
            with conversion_slots.held("DOC", Deadline(0.2)):
                pass
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(WAIT)
        assert holder.exitcode == -signal.SIGKILL
        # At once, while the killed worker's LibreOffice is still there: a deadline of 0 allows one try.
        with conversion_slots.held("DOC", Deadline(0)):
            pass
        (session,) = running
        os.killpg(session, 0)  # its process group is there still, paused: ProcessLookupError otherwise
    finally:
        holder.kill()
        holder.join(WAIT)
        _signal_conversions(mark, tmp_path, signal.SIGKILL)


def _convert_within(doc: bytes, mark: str, seconds: float) -> None:
    os.environ[MARK] = mark
    document_from_legacy(doc, DOC, timeout=seconds)


def _soffice_bins(mark: str) -> set[int]:
    """The pids of the running soffice.bin processes carrying `mark`."""
    found = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            comm, fields = (proc / "stat").read_text().split(" (", 1)[1].rsplit(") ", 1)
            if comm == "soffice.bin" and fields.split()[0] != "Z" and \
                    f"{MARK}={mark}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.add(int(proc.name))
        except (OSError, ValueError):
            continue  # gone meanwhile
    return found


def test_a_hung_conversion_outlives_its_killed_worker_by_its_timeout_at_most(report_doc, tmp_path):
    """A worker stopped at its time limit, or dead of its memory limit, cannot stop its
    conversion any more: the conversion's watchdog (legacy.py) does."""
    mark, seconds = uuid.uuid4().hex, 4.0
    worker = SPAWN.Process(target=_convert_within, args=(report_doc, mark, seconds))
    worker.start()
    try:
        give_up, running = time.monotonic() + WAIT, set()
        while not running:
            assert worker.is_alive() and time.monotonic() < give_up, "the conversion did not start"
            running = _soffice_bins(mark)
            time.sleep(0.01)
        started = time.monotonic()
        for pid in running:
            os.kill(pid, signal.SIGSTOP)  # hung: it would never finish on its own
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(WAIT)
        while _soffice_bins(mark):
            assert time.monotonic() - started < seconds + legacy.WATCHDOG_GRACE_SECONDS + 10, "the hung conversion lives on"
            time.sleep(0.05)
    finally:
        worker.kill()
        worker.join(WAIT)
        _signal_conversions(mark, tmp_path, signal.SIGKILL)


def test_waiting_past_the_deadline_is_refused_naming_the_setting(report_doc, tmp_path):
    conversion_slots.use(tmp_path, 1)
    with conversion_slots.held("DOC", None):  # the one slot, taken in this process
        started = time.monotonic()
        with pytest.raises(LimitExceeded) as refused:
            document_from_legacy(report_doc, DOC, deadline=Deadline(0.3))
        waited = time.monotonic() - started
    assert refused.value.limit == "seconds"
    assert re.search(r"^DOC: waited [\d.]+ s for one of the 1 LibreOffice conversion slots \(LIBREOFFICE_CONVERSIONS=1\)",
                     str(refused.value))
    assert 0.3 <= waited < WAIT


def test_the_conversion_gets_what_is_left_of_the_deadline_after_the_wait(report_doc, tmp_path, monkeypatch):
    timeouts = []
    convert = legacy.convert

    def recording(*args, timeout, **kwargs):
        timeouts.append(timeout)
        return convert(*args, timeout=timeout, **kwargs)

    monkeypatch.setattr(legacy, "convert", recording)
    conversion_slots.use(tmp_path, 1)
    deadline, taken = Deadline(WAIT), threading.Event()

    def hold_for_half_a_second():
        with conversion_slots.held("DOC", None):
            taken.set()
            time.sleep(max(deadline.started + 0.5 - time.monotonic(), 0))

    holder = threading.Thread(target=hold_for_half_a_second)
    holder.start()
    try:
        assert taken.wait(WAIT)
        document = document_from_legacy(report_doc, DOC, deadline=deadline)
    finally:
        holder.join(WAIT)
    assert any(block.kind == "table" for block in document.blocks)
    (timeout,) = timeouts
    assert WAIT - 5 < timeout <= WAIT - 0.5


def test_with_no_directory_no_slot_is_taken(tmp_path):
    with open(tmp_path / "slot-0.lock", "w") as slot:
        fcntl.flock(slot, fcntl.LOCK_EX)  # the only slot, held outside the code under test
        conversion_slots.use(tmp_path, 1)
        with pytest.raises(LimitExceeded):
            with conversion_slots.held("DOC", Deadline(0)):
                pass
        conversion_slots.use(None, 1)
        with conversion_slots.held("DOC", Deadline(0)):  # a deadline of 0 allows one try only
            pass
    assert os.listdir(tmp_path) == ["slot-0.lock"]


def test_a_limit_of_no_conversion_is_refused(tmp_path):
    with pytest.raises(ValueError, match="LIBREOFFICE_CONVERSIONS must be at least 1, not 0"):
        conversion_slots.use(tmp_path, 0)


def test_the_workers_of_a_pool_share_its_slots(report_doc, tmp_path, monkeypatch):
    """The pool gives its workers one directory of LIBREOFFICE_CONVERSIONS slots (govcrawl/workers.py)."""
    mark = uuid.uuid4().hex
    monkeypatch.setenv(MARK, mark)  # inherited by the pool's workers and their LibreOffice
    pool = ExtractionPool(workers=2, conversions=1)
    try:
        # Both workers ready first, so that each is given one of the two files.
        assert [f.result(WAIT).record["year"] for f in [pool.extract(REPORT_PAGE.read_bytes()) for _ in range(2)]] == [2020] * 2
        futures = [pool.extract(report_doc, source_file="report.doc") for _ in range(2)]
        most, seen = 0, set()
        give_up = time.monotonic() + WAIT
        while not all(future.done() for future in futures):
            assert time.monotonic() < give_up, "the conversions did not end"
            running, _ = _conversions(mark, tmp_path)
            most, seen = max(most, len(running)), seen | running
            time.sleep(0.01)
        records = [future.result().record for future in futures]
    finally:
        pool.close()
    assert len(seen) == 2 and most == 1
    assert records[0]["tables"] == records[1]["tables"] and records[0]["via"] == "doc"
