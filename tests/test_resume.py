"""Resume with JOBDIR: a crawl killed (SIGKILL) and interrupted (SIGINT) at random points, then
resumed, records every report exactly once, with no line cut off and no cell lost or doubled.

The portal is generated (replica/large.py): 1,000 reports on 100 unit columns with pagers, one in
ten a real report page with its statutory tables. README "Resuming a crawl" has the figures of
the same scenario at 10,000 reports.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from replica.large import SPIDER, serve_large_portal

ROOT = Path(__file__).resolve().parents[1]
REPORTS = 1000


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1] if path.exists() else []


def recorded(run_dir: Path) -> int:
    return len(lines(run_dir / "reports.jsonl.part"))


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    work = tmp_path_factory.mktemp("large")
    with serve_large_portal(work, REPORTS) as (built, replica):
        yield work, built, replica


def start(work: Path, replica_url: str, output: Path, jobdir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", SPIDER, "-s", f"REPLICA_URL={replica_url}", "-s", f"OUTPUT_DIR={output}",
         "-s", f"JOBDIR={jobdir}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, GOVCRAWL_PORTAL_DIRS=str(work / "portals")),
    )


def stop_after(process: subprocess.Popen, run_dirs: Path, records: int, how: signal.Signals) -> str:
    """Send `how` once the run has recorded `records` reports; return the crawl's log."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        runs = list(run_dirs.glob("*")) if run_dirs.exists() else []
        if runs and recorded(runs[0]) >= records:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the crawl ended before it could be stopped"
    process.send_signal(how)
    _out, err = process.communicate(timeout=120)
    return err


def test_killed_and_interrupted_crawls_resume_to_exactly_every_report(portal):
    work, built, replica = portal
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    output, jobdir = work / f"output-{seed}", work / f"job-{seed}"
    run_dirs = output / "runs" / SPIDER
    first_stop, second_stop = rng.randrange(50, 400), rng.randrange(450, 850)
    stop_after(start(work, replica.url, output, jobdir), run_dirs, first_stop, signal.SIGKILL)
    (run_dir,) = run_dirs.iterdir()
    assert not (run_dir / "stats.json").exists() and not (run_dir / "reports.jsonl").exists()
    log = stop_after(start(work, replica.url, output, jobdir), run_dirs, second_stop, signal.SIGINT)
    assert "resumed" in log, log[-2000:]
    assert (run_dir / "interrupted.json").exists() and not (run_dir / "stats.json").exists()
    finishing = start(work, replica.url, output, jobdir)
    _out, log = finishing.communicate(timeout=300)
    assert finishing.returncode == 0, log[-3000:]

    context = f"(random seed {seed}: stopped at {first_stop} and {second_stop} reports)"
    assert list(run_dirs.iterdir()) == [run_dir], context  # one run, continued, not three
    records = [json.loads(line) for line in lines(run_dir / "reports.jsonl")]  # every line parses
    urls = Counter(r["url"] for r in records)
    assert [u for u, n in urls.items() if n > 1] == [], f"recorded twice {context}"
    assert sorted(urls) == sorted(built["reports"]), f"lost {sorted(set(built['reports']) - set(urls))[:5]} {context}"
    cells = [json.loads(line) for line in lines(run_dir / "cells.jsonl")]
    keys = Counter((c["report_id"], c["table"], c["row"], c["col"]) for c in cells)
    assert [k for k, n in keys.items() if n > 1] == [], f"a cell written twice {context}"
    per_report = Counter(c["report_id"] for c in cells)
    full = [r["id"] for r in records if r["tables"]["applications"]]
    assert len(full) == REPORTS // 10 and set(per_report) == set(full), context
    assert len(set(per_report.values())) == 1, f"a report with some of its cells lost {context}"  # the same template each time
    stats = json.loads((run_dir / "stats.json").read_text())
    assert stats["status"] == "ok" and stats["counts"] == {"reports": REPORTS, "cells": len(cells), "errors": 0}
    assert stats["stats"]["govcrawl/resume/reports_skipped"] >= second_stop
    assert (output / "latest" / SPIDER).resolve() == run_dir.resolve()
