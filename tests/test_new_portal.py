"""A new portal in one file: a generated TRS site of another province (福清市, 福建省: its own host,
units, URL shapes, both TRS list shapes) that the project knows nothing of, one definition file
written here, and `scrapy crawl` finding every report — as README's "Adding a portal" walks through."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import jsonlines
import pytest

from replica.province import build_province
from replica.server import ReplicaServer

from .crawling import ROOT, host_path, run_scrapy

DEFINITION = """\
# 福清市人民政府 (福建省): a TRS portal, added with this file and no Python.
name = "fuqing"
cms = "trs_wcm"
description = "福清市人民政府门户网站 — 政府信息公开工作年度报告"
allowed_domains = ["fuqing.gov.cn"]
start_urls = ["https://www.fuqing.gov.cn/xxgk/"]
owner = {name = "福清市人民政府", region_code = "350181", level = "county"}

[lists]
# Where its 动静结合 lists' script asks for the later pages (`govcrawl doctor` shows the call).
list_api = "/was5/web/search"
"""
COLUMN = "https://www.fuqing.gov.cn/xxgk/szf/zfxxgknb/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("province")
    expected = build_province(root / "sites")
    portals = root / "portals"
    portals.mkdir()
    (portals / "fuqing.toml").write_text(DEFINITION, encoding="utf-8")
    with ReplicaServer(root / "sites") as replica:
        yield root, portals, expected, replica


def test_the_portal_is_not_in_the_project():
    package = ROOT / "govcrawl"
    assert not [p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".toml") and
                ("fuqing" in p.read_text(encoding="utf-8") or "福清" in p.read_text(encoding="utf-8"))]


def test_doctor_recognises_the_cms_before_any_definition_exists(site):
    _root, _portals, _expected, replica = site
    completed = subprocess.run([sys.executable, "-m", "govcrawl.cli", "doctor", COLUMN, "--replica", replica.url],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "portal: doctor (cms trs_wcm; definition: (no definition covers this host))" in completed.stdout
    assert "trs_wcm: recognises it — 2 links of its article shape" in completed.stdout
    assert "createPageHTML pager (3 pages)" in completed.stdout
    assert "static page: https://www.fuqing.gov.cn/xxgk/szf/zfxxgknb/index_1.htm" in completed.stdout


def test_one_definition_file_makes_a_spider_that_finds_every_report(site):
    root, portals, expected, replica = site
    # The user's directory for these commands only: the session's crawls run in the background meanwhile.
    user = {"GOVCRAWL_PORTAL_DIRS": str(portals)}
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=os.environ | user)
    assert "fuqing" in listed.stdout.split()

    out, before = root / "out", len(replica.requests)
    feeds = {str(out / f"{name}.jsonl"): {"format": name} for name in ("reports", "errors")}
    out.mkdir()
    completed = run_scrapy("fuqing", replica.url, "-s", f"FEEDS={json.dumps(feeds)}", "-s", f"RAW_STORE_DIR={out / 'raw'}", cwd=out,
                           env=user)
    (out / "crawl.log").write_text(completed.stderr)
    with jsonlines.open(out / "reports.jsonl") as reader:
        records = {r["url"]: r for r in reader}
    want = {r["url"]: r for r in expected["reports"]}
    assert set(records) == set(want)
    for url, record in records.items():
        assert (record["title"], record["year"], record["format"], record["unit"]["name"], record["tables"]) == (
            want[url]["title"], want[url]["year"], want[url]["format"], want[url]["unit"]["name"], want[url]["tables"]), url
    with jsonlines.open(out / "errors.jsonl") as reader:
        assert list(reader) == []

    served = {(host, path) for _method, host, path, _status in replica.requests[before:]}
    assert [u for u in expected["lists"] if host_path(u) not in served] == []  # both list shapes, every page
    assert [u for u in expected["off_limits"] if host_path(u) in served] == []
    assert any(path.startswith("/was5/web/search?") for _host, path in served)
    # The columns whose API answers a shape the spider cannot read, or whose call the page does not
    # spell out: only those went to the browser, once each.
    rendered = re.findall(r"reading (\S+) in the browser, page by page", (out / "crawl.log").read_text())
    assert sorted(rendered) == sorted(expected["rendered_lists"])

    completed = subprocess.run([sys.executable, "-m", "govcrawl.cli", "doctor", "--portal", "fuqing", "--replica",
                                replica.url, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=os.environ | user)
    assert completed.returncode == 0, completed.stderr[-3000:]
    diagnosis = json.loads(completed.stdout)
    assert {r["url"] for r in diagnosis["reports"]} == set(want)
    rendered = next(url for url in expected["rendered_lists"] if url.endswith("nlist.htm"))  # the XML-answering one
    unreadable = [page for page in diagnosis["lists"] if page["problem"]]
    assert unreadable and all("neither JSON nor HTML links" in page["problem"] for page in unreadable)
    assert any(page["browser"] == f"needed: {rendered} is read in the browser, page by page" for page in unreadable)
    assert [page["browser"] for page in diagnosis["lists"] if page["url"] == rendered] == [
        "not needed", "read in the browser, 3 pages through its pager"]
