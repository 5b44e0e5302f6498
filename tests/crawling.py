"""Running spiders the way a user does — `scrapy crawl NAME -s REPLICA_URL=…` in a subprocess,
the real Scrapy engine over real HTTP to the replica — and reading back what they wrote."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jsonlines

from replica.server import DEFAULT_SITES, ReplicaServer, load_manifest

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Crawl:
    records: list[dict]
    cells: list[dict]
    errors: list[dict]
    served: list[tuple[str, str, str, int]]  # (method, host, path, status) as the replica saw them
    user_agents: set[str]
    raw: Path
    log: str  # the crawl's log (stderr), stats dump included

    def stat(self, name: str) -> int:
        found = re.search(rf"'{re.escape(name)}': (\d+)", self.log)
        return int(found.group(1)) if found else 0

    def served_paths(self) -> set[tuple[str, str]]:
        return {(host, path) for _method, host, path, _status in self.served}


def host_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")


def run_scrapy(spider: str, replica_url: str, *args: str) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", spider,
            "-s", f"REPLICA_URL={replica_url}",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            # Never into the checkout, never beside another test's runs (a later -s wins).
            "-s", f"OUTPUT_DIR={tempfile.mkdtemp(prefix='govcrawl-test-')}",
            *args,
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    # A callback or pipeline that raises is logged and skipped by Scrapy; here it is a failure.
    for marker in ("Spider error processing", "Error processing"):
        assert marker not in completed.stderr, completed.stderr[completed.stderr.index(marker) :][:3000]
    return completed


def crawl(spider: str, out: Path, *args: str) -> Crawl:
    feeds = {str(out / f"{name}.jsonl"): {"format": name} for name in ("reports", "cells", "errors")}
    with ReplicaServer(DEFAULT_SITES) as replica:
        completed = run_scrapy(spider, replica.url, "-s", f"FEEDS={json.dumps(feeds)}", "-s", f"RAW_STORE_DIR={out / 'raw'}", *args)
        served, user_agents = replica.requests, replica.user_agents

    def read(name):
        with jsonlines.open(out / f"{name}.jsonl") as reader:
            return list(reader)

    return Crawl(read("reports"), read("cells"), read("errors"), served, user_agents, out / "raw", completed.stderr)


def expectations(spider: str) -> dict:
    """What the replica's builder says a complete crawl by `spider` must do."""
    data = load_manifest()["spiders"][spider]
    return {
        "reports": {r["url"]: r for r in data["reports"]},
        "lists": data["lists"],
        "not_reports": {r["url"]: r["why"] for r in data["not_reports"]},
        "off_limits": data["off_limits"],
    }
