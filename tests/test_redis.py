"""Several workers of one run through Redis (govcrawl/distributed.py), for real: a redis-server of
the test's own on a free loopback port, workers as `scrapy crawl large -s REDIS_URL=…` processes
over HTTP to a generated replica portal (replica/large.py), compared with a single-process crawl.

Every scenario runs on the same Redis and OUTPUT_DIR one after the other, so each one also checks
that a run that completed leaves nothing behind: the next run gets a new run id and crawls
everything again (scrapy-redis with SCHEDULER_PERSIST crawled nothing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from replica.large import SPIDER, serve_large_portal
from replica.local_redis import LocalRedis

ROOT = Path(__file__).resolve().parents[1]
REPORTS = 100
WORKER_TIMEOUT = 3  # seconds of silence after which a worker counts as dead
VOLATILE = ("fetched_at",)  # differs between any two crawls


@pytest.fixture(scope="module")
def redis_url():
    with LocalRedis() as server:
        yield server.url


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    work = tmp_path_factory.mktemp("redis")
    with serve_large_portal(work, REPORTS) as (built, replica):
        yield work, built, replica


def start(portal, output: Path, *args: str) -> subprocess.Popen:
    work, _built, replica = portal
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", SPIDER, "-s", f"REPLICA_URL={replica.url}", "-s", f"OUTPUT_DIR={output}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
         "-s", f"REDIS_WORKER_TIMEOUT={WORKER_TIMEOUT}", *args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, GOVCRAWL_PORTAL_DIRS=str(work / "portals")),
    )


def finish(process: subprocess.Popen) -> str:
    _out, log = process.communicate(timeout=120)
    assert process.returncode == 0, log[-3000:]
    return log


def records_of(run_dir: Path, suffix: str = ".jsonl") -> list[dict]:
    return [json.loads(line) for line in (run_dir / f"reports{suffix}").read_text(encoding="utf-8").splitlines()]


def comparable(run_dir: Path) -> tuple[dict, Counter]:
    """A run's records by id (less what differs between any two crawls) and its cells."""
    records = {}
    for record in records_of(run_dir):
        assert record["id"] not in records, f"{record['url']} recorded twice"
        records[record["id"]] = {k: v for k, v in record.items() if k not in VOLATILE}
    cells = Counter((line["report_id"], line["table"], line["row"], line["col"], line["value"])
                    for line in map(json.loads, (run_dir / "cells.jsonl").read_text(encoding="utf-8").splitlines()))
    return records, cells


@pytest.fixture(scope="module")
def single_process(portal, tmp_path_factory):
    output = tmp_path_factory.mktemp("single")
    _work, built, _replica = portal
    finish(start(portal, output))
    (run_dir,) = (output / "runs" / SPIDER).iterdir()
    records, cells = comparable(run_dir)
    assert sorted(r["url"] for r in records.values()) == sorted(built["reports"])
    return records, cells


def reports_written(output: Path, before: set[str]) -> int:
    """Reports the workers of the run started after `before` have written so far."""
    return sum(len(path.read_bytes().split(b"\n")) - 1 for run_id in runs(output) - before
               for path in (output / "runs" / SPIDER / run_id).glob("workers/*/reports.jsonl.part"))


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def new_run(output: Path, before: set[str]) -> Path:
    (run_id,) = {p.name for p in (output / "runs" / SPIDER).iterdir()} - before
    return output / "runs" / SPIDER / run_id


def runs(output: Path) -> set[str]:
    return {p.name for p in (output / "runs" / SPIDER).iterdir()} if (output / "runs" / SPIDER).exists() else set()


@contextmanager
def commands_sent(redis_url: str):
    """The commands Redis runs meanwhile (MONITOR), each as redis-py parses it."""
    commands, stop = [], threading.Event()
    client = redis.Redis.from_url(redis_url)

    def record():
        with client.monitor() as monitor:
            for command in monitor.listen():
                if stop.is_set():
                    return
                commands.append(command)

    recorder = threading.Thread(target=record)
    recorder.start()
    try:
        yield commands
    finally:
        stop.set()
        client.ping()  # wakes the recorder
        recorder.join(timeout=10)


def check_one_run(output: Path, before: set[str], single_process, redis_url: str, workers: int) -> dict:
    """The run the workers shared is one run, complete, equal to the single-process crawl's."""
    run_dir = new_run(output, before)
    stats = json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
    records, cells = comparable(run_dir)
    expected_records, expected_cells = single_process
    assert sorted(records) == sorted(expected_records), f"missing {sorted(set(expected_records) - set(records))[:3]}"
    assert records == expected_records and cells == expected_cells
    assert stats["status"] == "ok" and stats["counts"] == {"reports": REPORTS, "cells": sum(cells.values()), "errors": 0}
    assert len(stats["workers"]) == workers == len(list((run_dir / "workers").iterdir()))
    assert (output / "latest" / SPIDER).resolve() == run_dir.resolve()
    assert redis.Redis.from_url(redis_url).keys("govcrawl:*") == []  # the next run starts clean
    return stats


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return tmp_path_factory.mktemp("shared-output")


def test_a_worker_that_starts_late_joins_the_run(portal, output, redis_url, single_process):
    before = runs(output)
    first = start(portal, output, "-s", f"REDIS_URL={redis_url}", "-s", "DOWNLOAD_DELAY=0.1")  # still going when the other is up
    wait_until(lambda: reports_written(output, before) >= REPORTS // 4, "the first worker's reports")
    late = start(portal, output, "-s", f"REDIS_URL={redis_url}")
    log = finish(late)
    finish(first)
    assert "joined it" in log
    check_one_run(output, before, single_process, redis_url, workers=2)


def test_two_workers_one_slow_share_one_run(portal, output, redis_url, single_process):
    before = runs(output)
    slow = start(portal, output, "-s", f"REDIS_URL={redis_url}", "-s", "DOWNLOAD_DELAY=0.3", "-s", "CONCURRENT_REQUESTS=1")
    # The fast one joins once the slow one has begun: on a busy machine it could otherwise start
    # so late, or so early, that one worker did everything.
    wait_until(lambda: reports_written(output, before) >= 1, "the slow worker's first report")
    with commands_sent(redis_url) as commands:
        fast = start(portal, output, "-s", f"REDIS_URL={redis_url}")
        finish(fast), finish(slow)
    stats = check_one_run(output, before, single_process, redis_url, workers=2)
    counts = sorted(w["counts"]["reports"] for w in stats["workers"].values())
    assert 0 < counts[0] < counts[1], stats["workers"]  # both did work, the fast one more
    # A request is marked seen only in the script that queues it: a worker killed between a
    # separate SADD and ZADD would leave a request that every list page read again finds seen.
    marked_seen = [c for c in commands if c["command"].startswith("SADD") and ":seen " in c["command"]]
    assert marked_seen and all(c["client_type"] == "lua" for c in marked_seen), marked_seen[:3]


def test_the_requests_of_a_killed_worker_are_crawled_by_the_other(portal, output, redis_url, single_process):
    before = runs(output)
    doomed = start(portal, output, "-s", f"REDIS_URL={redis_url}")
    survivor = start(portal, output, "-s", f"REDIS_URL={redis_url}", "-s", "DOWNLOAD_DELAY=0.05")
    wait_until(lambda: reports_written(output, before) >= REPORTS // 3, "reports to be written")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    log = finish(survivor)
    stats = check_one_run(output, before, single_process, redis_url, workers=2)
    killed = [name for name, worker in stats["workers"].items() if worker["status"] == "killed"]
    assert len(killed) == 1, stats["workers"]
    reclaimed = re.search(rf"worker {killed[0]} of run \S+ silent for over {WORKER_TIMEOUT} s: (\d+) requests it had taken", log)
    assert reclaimed and int(reclaimed.group(1)) > 0, log[-3000:]
    # The killed worker's records count: they are in the run, not crawled again.
    assert records_of(new_run(output, before) / "workers" / killed[0], ".jsonl.part")


def test_a_worker_with_other_arguments_refuses_to_join(portal, output, redis_url, single_process):
    before = runs(output)
    first = start(portal, output, "-s", f"REDIS_URL={redis_url}", "-s", "DOWNLOAD_DELAY=0.1")
    wait_until(lambda: reports_written(output, before) >= 10, "the first worker's reports")
    other = start(portal, output, "-s", f"REDIS_URL={redis_url}", "-a", "scope=all")
    _out, log = other.communicate(timeout=60)
    assert other.returncode != 0
    assert "was started with the spider arguments {'scope': 'own'}, this worker has {'scope': 'all'}" in log, log[-3000:]
    first.send_signal(signal.SIGINT)  # the run is left in Redis, unfinished, for a worker to continue
    _out, first_log = first.communicate(timeout=60)
    continuing = start(portal, output, "-s", f"REDIS_URL={redis_url}")
    assert "joined it" in finish(continuing)
    stats = check_one_run(output, before, single_process, redis_url, workers=2)
    assert sorted(str(w["finish_reason"]) for w in stats["workers"].values()) == ["finished", "shutdown"], first_log[-3000:]


def test_workers_without_a_shared_output_dir_are_merged_by_hand(portal, tmp_path, redis_url, single_process):
    """Two machines with OUTPUT_DIRs of their own: the run completes in Redis, its last worker
    names the workers whose files are elsewhere, and `govcrawl merge-run` makes the one run once
    they are copied in."""
    here, there = tmp_path / "machine-a", tmp_path / "machine-b"
    first, second = start(portal, here, "-s", f"REDIS_URL={redis_url}"), start(portal, there, "-s", f"REDIS_URL={redis_url}")
    logs = finish(first) + finish(second)
    (last,) = [output for output in (here, there) if list((output / "runs" / SPIDER).glob("*/workers.json"))]
    other = there if last == here else here
    (run_dir,) = (last / "runs" / SPIDER).iterdir()
    assert "is complete, but the files of workers" in logs and not (run_dir / "stats.json").exists()
    merge = [sys.executable, "-m", "govcrawl.cli", "merge-run", str(run_dir)]
    assert subprocess.run(merge, cwd=ROOT, capture_output=True).returncode == 1  # still missing
    (elsewhere,) = (other / "runs" / SPIDER / run_dir.name / "workers").iterdir()
    shutil.copytree(elsewhere, run_dir / "workers" / elsewhere.name)
    merged = subprocess.run(merge, cwd=ROOT, capture_output=True, text=True)
    assert merged.returncode == 0, merged.stderr
    check_one_run(last, set(), single_process, redis_url, workers=2)


def test_jobdir_with_redis_url_is_refused_before_joining(portal, tmp_path, redis_url):
    worker = start(portal, tmp_path / "output", "-s", f"REDIS_URL={redis_url}", "-s", f"JOBDIR={tmp_path / 'job'}")
    _out, log = worker.communicate(timeout=60)
    assert worker.returncode != 0 and "JOBDIR and REDIS_URL" in log, log[-3000:]
    assert redis.Redis.from_url(redis_url).keys("govcrawl:*") == []
