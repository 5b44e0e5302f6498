"""The tianjin spider end to end: the real Scrapy engine over real HTTP to the replica.

One crawl (`scrapy crawl tianjin -s REPLICA_URL=…`, exactly as a user runs it) feeds every test
here; the expected reports, list pages and pages a correct crawl never touches come from the
replica's manifest, which the replica builder wrote from what it rendered.
"""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

import jsonlines
import pytest

from govcrawl.replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

from .conftest import ROOT

SPIDER = "tianjin"


def _in_portal(url: str) -> bool:
    return urlsplit(url).hostname.endswith("tj.gov.cn")


@pytest.fixture(scope="module")
def manifest():
    data = load_manifest()
    return {
        "reports": {r["url"]: r for r in data["reports"] if _in_portal(r["url"])},
        "lists": [u for u in data["lists"] if _in_portal(u)],
        "not_reports": {r["url"]: r["why"] for r in data["not_reports"] if _in_portal(r["url"])},
        "off_limits": data["off_limits"],
    }


def run_crawl(replica_url: str, *args: str) -> subprocess.CompletedProcess:
    """`scrapy crawl tianjin` against the replica, without politeness delays."""
    completed = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", SPIDER,
            "-s", f"REPLICA_URL={replica_url}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            *args,
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    out = tmp_path_factory.mktemp("crawl")
    feeds = {
        str(out / "reports.jsonl"): {"format": "reports"},
        str(out / "cells.jsonl"): {"format": "cells"},
        str(out / "errors.jsonl"): {"format": "errors"},
    }
    with ReplicaServer(DEFAULT_SITES) as replica:
        completed = run_crawl(replica.url, "-s", f"FEEDS={json.dumps(feeds)}", "-s", f"RAW_STORE_DIR={out / 'raw'}")
        served = list(replica.requests)
        user_agents = replica.user_agents

    def read(name):
        with jsonlines.open(out / name) as reader:
            return list(reader)

    return {
        "records": read("reports.jsonl"),
        "cells": read("cells.jsonl"),
        "errors": read("errors.jsonl"),
        "served": served,
        "user_agents": user_agents,
        "log": completed.stderr,
        "raw": out / "raw",
    }


def _served_urls(crawl):
    return {(host, path) for _method, host, path, _status in crawl["served"]}


def _host_path(url):
    parts = urlsplit(url)
    return parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")


def test_yields_exactly_the_reports_of_the_replica(crawl, manifest):
    urls = [r["url"] for r in crawl["records"]]
    assert len(urls) == len(set(urls)), "a report was yielded twice"
    assert set(urls) == set(manifest["reports"])


def test_requests_every_list_page(crawl, manifest):
    served = _served_urls(crawl)
    missed = [u for u in manifest["lists"] if _host_path(u) not in served]
    assert not missed


def test_never_requests_what_a_report_crawl_has_no_business_with(crawl, manifest):
    served = _served_urls(crawl)
    touched = [u for u in manifest["off_limits"] if _host_path(u) in served]
    assert not touched
    assert all(host.endswith("tj.gov.cn") for host, _path in served), "left the portal's domains"


def test_obeys_robots_txt(crawl):
    hosts = {host for host, _path in _served_urls(crawl)}
    robots = {host for host, path in _served_urls(crawl) if path == "/robots.txt"}
    assert robots == hosts


def test_identifies_itself_as_govcrawl(crawl):
    (user_agent,) = crawl["user_agents"]
    assert user_agent.startswith("govcrawl/")


def test_records_keep_the_real_portal_urls(crawl):
    for record in crawl["records"]:
        assert urlsplit(record["url"]).hostname.endswith("tj.gov.cn")
        assert record["portal"] == SPIDER
        assert record["source_file"] is None


def test_records_match_what_the_replica_rendered(crawl, manifest):
    for record in crawl["records"]:
        expected = manifest["reports"][record["url"]]
        got = {
            "title": record["title"],
            "unit": record["unit"],
            "year": record["year"],
            "format": record["format"],
            "published": record["published"],
            "publisher": record["publisher"],
            "tables": record["tables"],
            "failing_checks": sorted(c["rule"] for c in record["checks"] if c["status"] == "fail"),
        }
        want = {key: expected[key] for key in got if key != "failing_checks"}
        want["failing_checks"] = sorted(expected["failing_checks"])
        assert got == want, record["url"]
        assert set(expected["flags"]) <= set(record["flags"]), record["url"]


def test_seed_000_page_has_its_tables_as_images(crawl):
    url = "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"
    (record,) = [r for r in crawl["records"] if r["url"] == url]
    assert record["tables"] == {"active_disclosure": None, "applications": None, "review_litigation": None}
    assert "tables_as_images" in record["flags"]
    for chrome in ("中央政府门户网站", "无障碍", "长者模式", "繁體", "个人中心", "IE版本小于10"):
        assert chrome not in record["text"]


def test_pages_that_are_not_reports_give_no_record(crawl, manifest):
    produced = {r["url"] for r in crawl["records"]}
    assert not produced & set(manifest["not_reports"])


def test_dead_links_and_broken_pages_are_error_entries_and_the_crawl_goes_on(crawl, manifest):
    errors = {e["url"]: e for e in crawl["errors"]}
    expected = {"dead_link": ("download", "HTTP 404"), "broken": ("extract", "truncated")}
    for url, why in manifest["not_reports"].items():
        if why in expected:
            stage, says = expected[why]
            assert errors[url]["stage"] == stage
            assert says in errors[url]["error"] + errors[url]["detail"]
    assert len(errors) == sum(why in expected for why in manifest["not_reports"].values())
    assert crawl["records"], "nothing collected"


def test_cells_feed_lines_belong_to_records(crawl):
    ids = {r["id"]: r for r in crawl["records"]}
    assert crawl["cells"]
    for cell in crawl["cells"]:
        record = ids[cell["report_id"]]
        assert record["tables"][cell["table"]] is not None
        assert cell["year"] == record["year"] and cell["unit"] == record["unit"]["name"]


def test_raw_bytes_are_kept_by_sha256(crawl):
    for record in crawl["records"]:
        assert (crawl["raw"] / record["sha256"][:2] / record["sha256"]).is_file()


def test_dash_O_writes_schema_records_only(tmp_path, manifest):
    target = tmp_path / "reports.jsonl"
    with ReplicaServer(DEFAULT_SITES) as replica:
        run_crawl(replica.url, "-O", str(target), "-s", f"RAW_STORE_DIR={tmp_path / 'raw'}")
    with jsonlines.open(target) as reader:
        records = list(reader)
    assert {r["url"] for r in records} == set(manifest["reports"])
    assert all(list(r)[:4] == ["id", "portal", "url", "source_file"] for r in records)
