"""The extraction pool when its workers die outside any document or cannot start at all: every
document it was given is refused with a message saying so, nothing waits for ever, a worker that
died waiting is replaced, workers that cannot start are given up (and a crawl stops); and in an
event loop the pool reads its workers' results in the loop's own thread.

Before this, pebble's broken pool left the documents queued behind the first unsettled for ever
(its scheduler blocked writing to a pipe no worker read) and refused every later one with
"Unexpected error within the Pool": a crawl never ended. Every wait here has a timeout, so that a
hang fails the test instead of the suite.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from govcrawl.extract import Attachment, LimitExceeded
from govcrawl.extract.limits import Limits
from govcrawl.workers import START_ATTEMPTS, ExtractionPool, WorkersFailed

from . import hostile
from .crawling import shared_run
from .small_portal import REPORT_PAGE, crawl_small_portal, read_lines

# A worker limited to 1 MB of address space cannot import the engine: it dies before it is ready.
CANNOT_START_MB = 1
# Larger than a pipe's buffer (64 KB) several times over: a document the pool must write in parts.
PAGE = b"<html><body>" + b"<p>x</p>" * 20_000 + b"</body></html>"


def closed_within(pool: ExtractionPool, seconds: float) -> bool:
    closing = threading.Thread(target=pool.close, daemon=True)
    closing.start()
    closing.join(seconds)
    return not closing.is_alive()


def test_a_pool_whose_workers_cannot_start_refuses_every_document_and_is_not_restarted():
    pool = ExtractionPool(workers=2, memory_mb=CANNOT_START_MB)
    try:
        futures = [pool.extract(PAGE, url=f"http://example.gov.cn/{i}") for i in range(12)]
        attachment = pool.read_attachment(Attachment(url="http://example.gov.cn/a.html", name="a.html", body=PAGE))
        for future in futures:
            with pytest.raises(WorkersFailed, match="the extraction workers could not start") as refused:
                future.result(timeout=30)
            assert "EXTRACT_MAX_MEMORY_MB=1" in str(refused.value)
        assert "could not start" in attachment.result(timeout=30).entry["error"]
        assert pool.failed is not None and "no worker is started again" in pool.failed
        started = pool.workers_started
        # START_ATTEMPTS failed in a row, and the pool's other worker, starting then, failed as well.
        assert START_ATTEMPTS <= started <= START_ATTEMPTS + pool.workers - 1
        with pytest.raises(WorkersFailed, match="could not start"):
            pool.extract(PAGE).result(timeout=1)  # refused at once: a new worker would fare the same
        assert pool.workers_started == started
    finally:
        assert closed_within(pool, 15)


def extraction_workers() -> set[int]:
    return {child.pid for child in multiprocessing.active_children() if child.name == "govcrawl-extraction-worker"}


def test_a_worker_that_died_while_waiting_is_replaced_and_the_pool_reads_on():
    before = extraction_workers()
    pool = ExtractionPool(workers=1)
    try:
        assert pool.extract(REPORT_PAGE.read_bytes()).result(timeout=60).record["year"] == 2020
        (worker,) = extraction_workers() - before
        os.kill(worker, signal.SIGKILL)  # as the kernel's OOM killer would, while it waits for a document
        started = time.monotonic()
        while worker in extraction_workers() and time.monotonic() - started < 30:
            time.sleep(0.1)
        assert pool.extract(REPORT_PAGE.read_bytes()).result(timeout=60).record["year"] == 2020
        assert pool.workers_started == 2 and pool.failed is None
    finally:
        assert closed_within(pool, 15)


def test_a_document_given_to_a_worker_whose_death_the_pool_has_not_heard_yet_is_read_by_another():
    """A worker killed while it waits, and a document handed to it before the pool's loop has
    heard of it: the document never reached the worker, and is no worker's death."""
    before = extraction_workers()

    async def hand_over_to_the_dead():
        pool = ExtractionPool(workers=1)
        try:
            await asyncio.wrap_future(pool.extract(REPORT_PAGE.read_bytes()))
            (worker,) = extraction_workers() - before
            os.kill(worker, signal.SIGKILL)
            while worker in extraction_workers():  # blocking the loop on purpose: it hears nothing meanwhile
                time.sleep(0.01)
            record = (await asyncio.wrap_future(pool.extract(REPORT_PAGE.read_bytes()))).record
            return record, pool.workers_started
        finally:
            pool.close()

    record, started = asyncio.run(asyncio.wait_for(hand_over_to_the_dead(), 60))
    assert record["year"] == 2020 and started == 2


def test_ctrl_c_leaves_the_workers_to_the_crawl():
    """Ctrl-C reaches every process of the terminal's group: Scrapy then finishes the documents
    under way, which a worker killed by the same signal would refuse."""
    before = extraction_workers()
    pool = ExtractionPool(workers=1)
    try:
        assert pool.extract(REPORT_PAGE.read_bytes()).result(timeout=60).record["year"] == 2020
        (worker,) = extraction_workers() - before
        reading = pool.extract(REPORT_PAGE.read_bytes())
        os.kill(worker, signal.SIGINT)
        assert reading.result(timeout=60).record["year"] == 2020
        assert pool.extract(REPORT_PAGE.read_bytes()).result(timeout=60).record["year"] == 2020
        assert pool.workers_started == 1 and extraction_workers() - before == {worker}
    finally:
        assert closed_within(pool, 15)


def test_in_an_event_loop_the_results_are_read_by_the_loops_own_thread():
    """In a crawl the pool adds no thread to the crawl's process: each would take the
    interpreter's lock from the crawl's thread for every document. Documents larger than a
    socket's buffer are written as the worker reads them, several given at once."""
    threads = []
    padded = REPORT_PAGE.read_bytes() + b"<!--" + b"x" * 3_000_000 + b"-->"  # 3 MB, under EXTRACT_MAX_HTML_BYTES

    async def read_all():
        pool = ExtractionPool(workers=1)
        before = set(threading.enumerate())
        try:
            done = await asyncio.gather(*(asyncio.wrap_future(pool.extract(body)) for body in (padded, PAGE, padded)))
            threads.extend(set(threading.enumerate()) - before)
            return [extraction.record for extraction in done]
        finally:
            pool.close()

    first, not_a_report, last = asyncio.run(asyncio.wait_for(read_all(), 60))
    assert first["year"] == last["year"] == 2020 and "not_a_report" in not_a_report["flags"]
    assert first["tables"] == last["tables"] and first["tables"]
    assert threads == []


def test_the_documents_given_to_a_worker_behind_one_it_cannot_finish_are_read_by_the_next():
    """A worker is given its next document while it reads one: when it is stopped, that one is
    not lost with it."""
    pool = ExtractionPool(workers=1, limits=Limits(seconds=1.0, max_pdf_graphics_per_page=10_000))
    try:
        slow = pool.extract(hostile.pdf_of_rectangles(7_000))  # its tables take 25 s
        behind = [pool.extract(REPORT_PAGE.read_bytes()) for _ in range(3)]
        with pytest.raises(LimitExceeded, match="EXTRACT_SECONDS"):
            slow.result(timeout=30)
        assert [future.result(timeout=60).record["year"] for future in behind] == [2020] * 3
        assert pool.workers_started == 2
    finally:
        assert closed_within(pool, 15)


def test_parse_with_workers_that_cannot_start_names_the_cause_for_each_file(tmp_path):
    (tmp_path / "a.html").write_bytes(REPORT_PAGE.read_bytes())
    (tmp_path / "b.html").write_bytes(REPORT_PAGE.read_bytes())
    completed = subprocess.run([sys.executable, "-m", "govcrawl.cli", "parse", "-s", f"EXTRACT_MAX_MEMORY_MB={CANNOT_START_MB}",
                                "a.html", "b.html"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1 and completed.stdout == ""
    lines = [line for line in completed.stderr.splitlines() if line.startswith("govcrawl parse: ")]
    assert [line.split(":")[1].strip() for line in lines] == ["a.html", "b.html"]
    assert all("the extraction workers could not start" in line for line in lines), lines


# -- a crawl whose workers cannot start stops, its run failed and every page an error entry ---

CANNOT_START = "a small portal whose extraction workers cannot start"
PAGES = {f"t20210308_{i}.html": REPORT_PAGE.read_bytes() for i in range(1, 4)}


@shared_run(CANNOT_START)
def crawl_whose_workers_cannot_start(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    completed, _latest = crawl_small_portal(
        out, [(f"./202103/{name}", "天津市红桥区人民政府2020年政府信息公开年度报告") for name in PAGES],
        {f"gknb/202103/{name}": raw for name, raw in PAGES.items()}, None,
        "-s", f"EXTRACT_MAX_MEMORY_MB={CANNOT_START_MB}",
    )
    (run_dir,) = (out / "output" / "runs" / "faulty").iterdir()  # a failed run is not `latest`
    return completed, run_dir


@pytest.mark.crawls(CANNOT_START)
def test_a_crawl_whose_workers_cannot_start_stops_and_fails(crawls):
    completed, run_dir = crawls[CANNOT_START]
    assert completed.returncode != 0
    stats = json.loads((run_dir / "stats.json").read_text())
    assert stats["status"] == "failed" and stats["finish_reason"] == "extraction_workers_failed", stats
    assert "Unexpected error within the Pool" not in completed.stderr
    entries = read_lines(run_dir / "errors.jsonl")
    assert entries and all(e["error"] == "extraction workers failed" and "could not start" in e["detail"] for e in entries), entries
    assert not read_lines(run_dir / "reports.jsonl")
    # No worker took the pages, so the crawl's process kept their bytes in the raw store itself.
    output = run_dir.parents[2]
    for body in PAGES.values():
        digest = hashlib.sha256(body).hexdigest()
        assert (output / "raw" / digest[:2] / digest).read_bytes() == body
