"""Broken portals: every page lost to a fault is an error entry, and the crawl goes on.

A small TRS portal of our own (its definition file in a user directory, as a user adds one) whose
annual-report column lists one real report page and report links that fail the ways real web
servers fail: a redirect loop, a redirect off the portal, a gzip bomb, bodies over
DOWNLOAD_MAXSIZE with and without Content-Length, a server error, a server that hangs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import faults
from .crawling import shared_run
from .small_portal import HOST, REPORT_PAGE, crawl_small_portal, read_lines as read

MAXSIZE = 4_000_000
FAULTS = {
    "t20240101_2.html": (faults.redirect_loop, f"dropped: redirect loop: http://{HOST}/gknb/202401/t20240101_2.html → http://{HOST}/gknb/202401/t20240101_2.html"),
    "t20240101_3.html": (faults.redirect_off_the_portal, "dropped: redirected off the portal to www.elsewhere.example"),
    "t20240101_4.html": (faults.gzip_bomb(20 * MAXSIZE), "exceeded DOWNLOAD_MAXSIZE (4000000 B) during decompression"),
    "t20240101_5.html": (faults.huge_body(2 * MAXSIZE), "larger than download max size (4000000)"),
    "t20240101_6.html": (faults.huge_body_without_length(2 * MAXSIZE), "DownloadCancelledError: Indicates that a request download was cancelled"),
    "t20240101_7.html": (faults.server_error, "HTTP 500"),
    "t20240101_8.html": (faults.hang(6), "took longer than 2.0 seconds"),
}


FAULTY_SERVERS = "a small portal whose report links fail as broken servers fail"
pytestmark = pytest.mark.crawls(FAULTY_SERVERS)


@shared_run(FAULTY_SERVERS)
def crawl_of_faulty_servers(out: Path):
    """Run once for the session, in the background (tests/crawling.py)."""
    links = [("./202103/t20210308_1.html", "天津市红桥区人民政府2020年政府信息公开年度报告")]
    links += [(f"./202401/{name}", f"示例市2023年政府信息公开工作年度报告（{i}）") for i, name in enumerate(FAULTS)]
    return crawl_small_portal(
        out, links, {"gknb/202103/t20210308_1.html": REPORT_PAGE.read_bytes()},
        {f"/gknb/202401/{name}": handler for name, (handler, _error) in FAULTS.items()},
        "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}", "-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1",
        # Seven of eight pages fail here on purpose: the error-share check would (rightly) fail the run.
        "-s", "GOVCRAWL_MAX_ERROR_SHARE=1",
    )


@pytest.fixture(scope="module")
def crawl(crawls):
    return crawls[FAULTY_SERVERS]


def test_the_crawl_finishes_with_the_good_report(crawl):
    completed, run_dir = crawl
    assert completed.returncode == 0, completed.stderr[-3000:]
    (record,) = read(run_dir / "reports.jsonl")
    assert record["url"] == f"http://{HOST}/gknb/202103/t20210308_1.html" and record["year"] == 2020
    assert record["tables"]["applications"]["new_received"]["total"] == 300
    assert json.loads((run_dir / "stats.json").read_text())["status"] == "ok"


@pytest.mark.parametrize("name", FAULTS)
def test_every_fault_is_one_error_entry(crawl, name):
    _completed, run_dir = crawl
    entries = [e for e in read(run_dir / "errors.jsonl") if e["url"].endswith(name)]
    assert len(entries) == 1, entries
    (entry,) = entries
    assert entry["stage"] == "download" and entry["portal"] == "faulty"
    assert FAULTS[name][1] in entry["error"], entry


def test_nothing_else_is_an_error(crawl):
    _completed, run_dir = crawl
    assert len(read(run_dir / "errors.jsonl")) == len(FAULTS)
