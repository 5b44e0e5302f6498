"""A small TRS portal made by a test: one annual-report column, its pages, a definition file in a
user directory (as a user adds a portal), crawled by the real `scrapy crawl` over the replica."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonlines

from replica import server as replica_server
from replica.server import DEFAULT_SITES, ReplicaServer

from .crawling import TEST_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
HOST = "www.faults.gov.cn"
# A real report page of the replica (红桥区 2020, seed 002's text with HTML tables).
REPORT_PAGE = DEFAULT_SITES / "www.tjhq.gov.cn/zwgk/zfxxgkqzf/qzf/zfxxgknb2/202103/t20210308_5378162.html"
DEFINITION = f"""
name = "faulty"
cms = "trs_wcm"
allowed_domains = ["faults.gov.cn"]
start_urls = ["http://{HOST}/gknb/"]
owner = {{ name = "示例市人民政府", region_code = "120000", level = "city" }}
"""


def crawl_small_portal(
    work: Path, links: list[tuple[str, str]], files: dict[str, bytes],
    endpoints: dict[str, Callable] | None = None, *settings: str, index_script: str = "",
) -> tuple[subprocess.CompletedProcess, Path]:
    """Serve `files` (path → bytes) and `endpoints` (path → replica handler) on HOST, with
    /gknb/index.html listing `links` (href, text) and ending with `index_script` (a pager);
    crawl it with the suite's settings and then `settings`; return the process and its run dir."""
    site = work / "sites" / HOST
    for path, body in files.items():
        (site / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (site / path.lstrip("/")).write_bytes(body)
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    (site / "gknb").mkdir(parents=True, exist_ok=True)
    (site / "gknb" / "index.html").write_text(f"<html><body><ul>{items}</ul>{index_script}</body></html>", encoding="utf-8")
    portals = work / "portals"
    portals.mkdir()
    (portals / "faulty.toml").write_text(DEFINITION, encoding="utf-8")
    endpoints = endpoints or {}
    # Registered for every replica server of the process: small portals crawled at once (in the
    # background, tests/crawling.py) must not serve each other's endpoints.
    assert not {(HOST, path) for path in endpoints} & replica_server.DYNAMIC_HANDLERS.keys(), "an endpoint served twice"
    replica_server.DYNAMIC_HANDLERS.update({(HOST, path): handler for path, handler in endpoints.items()})
    try:
        with ReplicaServer(work / "sites") as replica:
            completed = subprocess.run(
                [sys.executable, "-m", "scrapy", "crawl", "faulty",
                 *(option for name, value in TEST_SETTINGS.items() for option in ("-s", f"{name}={value}")),
                 "-s", f"REPLICA_URL={replica.url}", "-s", f"OUTPUT_DIR={work / 'output'}", *settings],
                cwd=ROOT, capture_output=True, text=True, timeout=120,
                env=dict(os.environ, GOVCRAWL_PORTAL_DIRS=str(portals)),
            )
    finally:
        for path in endpoints:
            replica_server.DYNAMIC_HANDLERS.pop((HOST, path))
    return completed, work / "output" / "latest" / "faulty"


def read_lines(path: Path) -> list[dict]:
    """The lines of a run's jsonl file."""
    with jsonlines.open(path) as reader:
        return list(reader)
