"""`govcrawl doctor` as a user runs it: the command in a subprocess, over real HTTP to the replica,
compared with what the replica's builder says a crawl must find."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

from .crawling import ROOT, expectations, shared_run

SPIDERS = sorted(load_manifest()["spiders"])
DYNAMIC_COLUMN = "http://www.tjhx.gov.cn/zwgk/zfxxgk/jd/yxljd/zfxxgknb31/"


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(DEFAULT_SITES) as server:
        yield server


def doctor(replica, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govcrawl.cli", "doctor", "--replica", replica.url, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


EVERY_PORTAL = "govcrawl doctor --portal NAME --json, for every portal"


@shared_run(EVERY_PORTAL)
def doctor_on_every_portal(_out: Path) -> dict[str, subprocess.CompletedProcess]:
    """Run once for the session, in the background (tests/crawling.py)."""
    with ReplicaServer(DEFAULT_SITES) as replica:
        return {spider: doctor(replica, "--portal", spider, "--json") for spider in SPIDERS}


@pytest.mark.crawls(EVERY_PORTAL)
@pytest.mark.parametrize("spider", SPIDERS)
def test_doctor_on_every_portal_lists_the_reports_a_crawl_finds(crawls, spider):
    completed = crawls[EVERY_PORTAL][spider]
    assert completed.returncode == 0, completed.stderr[-3000:]
    diagnosis = json.loads(completed.stdout)
    expected = set(expectations(spider)["reports"])
    assert {r["url"] for r in diagnosis["reports"]} == expected
    listed = {item["url"] for page in diagnosis["lists"] for item in page["items"] if item["report"]}
    assert expected <= listed
    # Its errors are the replica's dead links and broken pages, as in a crawl.
    broken = {url for url, why in expectations(spider)["not_reports"].items() if why in ("dead_link", "broken")}
    assert {e["url"] for e in diagnosis["errors"]} == broken
    assert all(page["cms"] == diagnosis["cms"] for page in diagnosis["lists"])


def test_doctor_on_a_dynamic_column_says_what_it_follows_and_what_the_reports_yield(replica):
    completed = doctor(replica, DYNAMIC_COLUMN)
    assert completed.returncode == 0, completed.stderr[-3000:]
    out = completed.stdout
    assert "portal: hexi (cms trs_wcm;" in out
    assert "trs_wcm: recognises it — 2 links of its article shape" in out and "list2.trsapi call" in out
    assert "hanweb: no — 0 links of its article shape" in out
    assert out.count("list API page: http://www.tjhx.gov.cn/fjdzapp/search?channelid=200103&classsql=chnlid%3D4713") == 3
    assert "7 records, 2 per page, 1 static page(s), 4 pages" in out and "browser: not needed" in out
    assert "[not a report] 2023-01-17  《天津市河西区人民政府越秀路街道办事处2022年政府信息公开工作年度报告》解读" in out
    assert ("天津市河西区人民政府越秀路街道办事处2019年政府信息公开工作年度报告 | unit: 天津市河西区人民政府越秀路街道办事处 "
            "(120103, township) | year: 2019 | format: gov2019 | tables: 表二 主动公开, 表三 依申请, 表四 复议诉讼 | via: html") in out
    assert out.rstrip().endswith("summary: 4 list pages, 6 report links, 6 reports read, 0 errors — OK")


def test_doctor_says_when_a_list_needs_the_browser(replica):
    rendered = load_manifest()["spiders"]["linhai"]["rendered_lists"]
    completed = doctor(replica, rendered[0], "--json")
    assert completed.returncode == 0, completed.stderr[-3000:]
    first, *later = json.loads(completed.stdout)["lists"]
    assert first["items"] == [] and first["browser"].startswith("needed: the list is built by the page's script")
    (again,) = [page for page in later if page["url"] == rendered[0]]
    assert again["browser"] == "read in the browser" and again["items"]


def test_a_report_page_is_not_a_list_says_so_and_exits_non_zero(replica):
    report = next(url for url in expectations("hexi")["reports"] if url.startswith(DYNAMIC_COLUMN))
    completed = doctor(replica, report)
    assert completed.returncode == 2, completed.stderr[-3000:]
    assert f"NOT A LIST: {report} has no article link, no column, no further page." in completed.stdout
    assert "it is a report page:" in completed.stdout and "summary: 1 list pages, 0 report links, 0 reports read" in completed.stdout


def test_a_page_that_is_neither_list_nor_report_is_said_to_be_neither(replica):
    guide = next(url for url in expectations("hexi")["off_limits"] if url.endswith(".html"))
    completed = doctor(replica, guide)
    assert completed.returncode == 2
    assert "NOT A LIST" in completed.stdout and "the engine reads no report in it" in completed.stdout


def test_a_list_without_reports_exits_non_zero(replica):
    side_list = next(url for url in expectations("hexi")["off_limits"] if "fdzdgknr" in url and url.endswith("/"))
    completed = doctor(replica, side_list)
    assert completed.returncode == 1, completed.stderr[-3000:]
    assert "[not a report]" in completed.stdout and completed.stdout.rstrip().endswith("— NO REPORT FOUND")


def test_an_unknown_portal_is_refused():
    completed = subprocess.run([sys.executable, "-m", "govcrawl.cli", "doctor", "--portal", "nowhere"],
                               cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert completed.returncode != 0 and "no portal named 'nowhere'" in completed.stderr


def test_max_lists_bounds_the_list_pages_read_and_names_the_rest(replica):
    completed = doctor(replica, "--portal", "hexi", "--max-lists", "2", "--json")
    diagnosis = json.loads(completed.stdout)
    assert len(diagnosis["lists"]) == 2
    left = [url for page in diagnosis["lists"] for url in page["not_read"]]
    assert left and set(left) <= set(expectations("hexi")["lists"])
