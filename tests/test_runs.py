"""Run files under OUTPUT_DIR and crawl health: no run ever destroys data, and a failed crawl says so.

Real `scrapy crawl` processes against the replica, several into one OUTPUT_DIR, in a row and at
once; a dead portal; a record that breaks the schema; a portal that lost reports; a killed job.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonlines
import jsonschema
import pytest

from govcrawl.schema import record_schema
from govcrawl.settings import ITEM_PIPELINES
from replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

from .crawling import DASH_O_FILE, FEED_NAMES, TEST_SETTINGS, WITHOUT_RAW_STORE

ROOT = Path(__file__).resolve().parents[1]
# The suite's crawl settings (no delay, ample time, one worker, the session's OCR cache: tianqiao's
# scan is read once per session, not by every crawl here that starts from an empty OUTPUT_DIR).
FAST = [option for name, value in TEST_SETTINGS.items() for option in ("-s", f"{name}={value}")]


def scrapy_crawl(spider: str, replica_url: str, output: Path, *args: str, wait: bool = True):
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-s", f"REPLICA_URL={replica_url}",
               "-s", f"OUTPUT_DIR={output}", *FAST, *args]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return process
    _out, err = process.communicate(timeout=300)
    return process.returncode, err


def runs(output: Path, spider: str) -> list[Path]:
    return sorted((output / "runs" / spider).iterdir())


def read(path: Path) -> list[dict]:
    with jsonlines.open(path) as reader:
        return list(reader)


def snapshot(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


def assert_complete_run(run_dir: Path, spider: str) -> dict:
    """Every file there and parseable, the records exactly the manifest's, each valid."""
    assert sorted(p.name for p in run_dir.iterdir()) == ["cells.jsonl", "errors.jsonl", "fetches.jsonl", "reports.jsonl", "stats.json"]
    stats = json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
    records = read(run_dir / "reports.jsonl")
    expected = {r["url"] for r in load_manifest()["spiders"][spider]["reports"]}
    assert sorted(r["url"] for r in records) == sorted(expected)
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in records:
        assert not list(validator.iter_errors(record)), record["url"]
    cells = read(run_dir / "cells.jsonl")
    assert stats["counts"] == {"reports": len(records), "cells": len(cells), "errors": len(read(run_dir / "errors.jsonl"))}
    assert {c["report_id"] for c in cells} <= {r["id"] for r in records}
    assert stats["spider"] == spider and stats["run_id"] == run_dir.name
    return stats


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(DEFAULT_SITES) as server:
        yield server


@pytest.fixture
def after_a_good_run(crawls, tmp_path) -> Path:
    """A copy of an OUTPUT_DIR holding one good tianqiao run: the session's crawl of tianqiao
    (tests/crawling.py) with only the files a crawl writes into its OUTPUT_DIR."""
    crawled, output = crawls["tianqiao"].out, tmp_path / "output"
    feeds = shutil.ignore_patterns(*(f"{name}.jsonl" for name in FEED_NAMES))
    shutil.copytree(crawled, output, symlinks=True, ignore=lambda directory, names: feeds(directory, names) if Path(directory) == crawled else [])
    return output


@pytest.mark.crawls("tianqiao")
def test_two_runs_in_a_row_keep_both_and_latest_moves(replica, after_a_good_run):
    tmp_path = after_a_good_run
    (first,) = runs(tmp_path, "tianqiao")
    before = snapshot(first)
    code, err = scrapy_crawl("tianqiao", replica.url, tmp_path)
    assert code == 0, err[-2000:]
    first_again, second = runs(tmp_path, "tianqiao")
    assert first_again == first and snapshot(first) == before  # nothing of the first run rewritten
    for run_dir in (first, second):
        stats = assert_complete_run(run_dir, "tianqiao")
        assert stats["status"] == "ok" and stats["finish_reason"] == "finished"
        assert stats["arguments"] == {"scope": "own"} and stats["health"]["failed"] == []
    assert (tmp_path / "latest" / "tianqiao").resolve() == second.resolve()
    # Raw bytes are shared by the runs: every record's sha256 is in the store.
    for record in read(second / "reports.jsonl"):
        assert (tmp_path / "raw" / record["sha256"][:2] / record["sha256"]).is_file()


def test_two_spiders_at_once_into_one_output_dir(replica, tmp_path):
    processes = {spider: scrapy_crawl(spider, replica.url, tmp_path, wait=False) for spider in ("linhai", "hongqiao")}
    for spider, process in processes.items():
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
    for spider in processes:
        (run_dir,) = runs(tmp_path, spider)
        assert assert_complete_run(run_dir, spider)["status"] == "ok"


@pytest.mark.crawls("tianqiao")
def test_a_dead_portal_fails_loudly_and_keeps_the_earlier_run(after_a_good_run):
    tmp_path = after_a_good_run
    (good,) = runs(tmp_path, "tianqiao")
    kept = snapshot(good)
    # Nothing answers on port 9: the portal is dead.
    code, err = scrapy_crawl("tianqiao", "http://127.0.0.1:9", tmp_path, "-s", "RETRY_TIMES=0")
    assert code != 0
    (line,) = [line for line in err.splitlines() if "govcrawl run FAILED" in line]
    assert "tianqiao yielded no reports" in line and "is kept as it was" in line
    failed = next(r for r in runs(tmp_path, "tianqiao") if r != good)
    stats = json.loads((failed / "stats.json").read_text(encoding="utf-8"))
    assert stats["status"] == "failed" and stats["counts"]["reports"] == 0
    assert any("yielded no reports" in f for f in stats["health"]["failed"])
    assert (tmp_path / "latest" / "tianqiao").resolve() == good.resolve() and snapshot(good) == kept


def test_a_record_that_breaks_the_schema_fails_the_validation_monitor(replica, tmp_path):
    pipelines = json.dumps(ITEM_PIPELINES | {"tests.faults.BreakOneRecord": 350})
    code, err = scrapy_crawl("tianqiao", replica.url, tmp_path, "-s", f"ITEM_PIPELINES={pipelines}")
    assert code != 0
    (run_dir,) = runs(tmp_path, "tianqiao")
    stats = json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
    assert stats["status"] == "failed"
    assert [f for f in stats["health"]["failed"] if f.startswith("Item Validation Monitor")], stats["health"]
    assert stats["stats"]["spidermon/validation/fields/errors"] == 1
    assert not (tmp_path / "latest" / "tianqiao").exists()


@pytest.mark.crawls("tianqiao")
def test_a_portal_that_lost_reports_since_the_last_good_run_fails(after_a_good_run, tmp_path):
    output = after_a_good_run
    (good,) = runs(output, "tianqiao")
    # The same portal with three of its report pages gone (a list rule that half-broke looks alike).
    sites = tmp_path / "sites"
    shutil.copytree(DEFAULT_SITES, sites)
    reports = load_manifest()["spiders"]["tianqiao"]["reports"]
    assert len(reports) - 3 < 0.9 * len(reports)  # more than a tenth gone
    for report in sorted(reports, key=lambda r: r["url"])[:3]:
        page = sites / "www.tianqiao.gov.cn" / report["url"].split("www.tianqiao.gov.cn/", 1)[1]
        page.unlink()
    with ReplicaServer(sites) as shrunk:
        code, err = scrapy_crawl("tianqiao", shrunk.url, output)
    assert code != 0
    (line,) = [line for line in err.splitlines() if "govcrawl run FAILED" in line]
    assert f"reports dropped by more than 10%: tianqiao {len(reports) - 3} < {len(reports)} in run {good.name}" in line
    assert (output / "latest" / "tianqiao").resolve() == good.resolve()


def test_a_killed_job_leaves_no_feed_under_its_final_name(replica, tmp_path):
    # Slowed down so that it is surely killed in the middle.
    process = scrapy_crawl("tianjin", replica.url, tmp_path, "-s", "DOWNLOAD_DELAY=0.5", "-s", "CONCURRENT_REQUESTS=1", wait=False)
    deadline = time.monotonic() + 60
    while not list((tmp_path / "runs" / "tianjin").glob("*/reports.jsonl.part")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    (run_dir,) = runs(tmp_path, "tianjin")
    assert sorted(p.name for p in run_dir.iterdir()) == ["cells.jsonl.part", "errors.jsonl.part", "fetches.jsonl.part", "reports.jsonl.part"]
    assert not (tmp_path / "latest").exists()


@pytest.mark.crawls(WITHOUT_RAW_STORE)
def test_dash_O_is_an_extra_copy_and_the_run_files_are_still_written(crawls):
    out = crawls[WITHOUT_RAW_STORE].out  # `scrapy crawl tianqiao -O FILE`, run once for the session (tests/crawling.py)
    (run_dir,) = runs(out, "tianqiao")
    assert_complete_run(run_dir, "tianqiao")
    assert read(out / DASH_O_FILE) == read(run_dir / "reports.jsonl")
