"""Run directories from real crawls of the replica, laid out as OUTPUT_DIR/runs/<spider>/<run_id>/.

The crawl writes its feeds and raw store into OUTPUT_DIR with the real Scrapy engine over HTTP
to the replica; stats.json is written here after the crawl, with the fields of the per-run
layout (README "The corpus"), from the crawl's own stats dump.
"""

from __future__ import annotations

import ast
import json
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path

from govcrawl import __version__
from replica.server import DEFAULT_SITES, ReplicaServer

from .crawling import run_scrapy

FEED_NAMES = ("reports", "cells", "errors")


def crawl_run(output: Path, spider: str, *arguments: str, sites: Path = DEFAULT_SITES) -> Path:
    """`scrapy crawl SPIDER -a ARG…` against the replica into a new run directory of OUTPUT."""
    started = datetime.now(timezone.utc)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    run_dir = output / "runs" / spider / run_id
    run_dir.mkdir(parents=True)
    feeds = {str(run_dir / f"{name}.jsonl"): {"format": name} for name in FEED_NAMES}
    spider_arguments = [a for argument in arguments for a in ("-a", argument)]
    with ReplicaServer(sites) as replica:
        completed = run_scrapy(spider, replica.url, "-s", f"FEEDS={json.dumps(feeds)}", "-s", f"RAW_STORE_DIR={output / 'raw'}",
                               *spider_arguments)
    stats = _stats_dump(completed.stderr)
    counts = {name: sum(1 for _ in (run_dir / f"{name}.jsonl").open(encoding="utf-8")) for name in FEED_NAMES}
    (run_dir / "stats.json").write_text(json.dumps({
        "spider": spider,
        "run_id": run_id,
        "status": "ok",
        "finish_reason": stats.get("finish_reason"),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "arguments": dict(a.split("=", 1) for a in arguments),
        "project_version": __version__,
        "counts": counts,
        "health": {"failed": [], "passed": []},
        "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float, str))},
    }, ensure_ascii=False), encoding="utf-8")
    return run_dir


def _stats_dump(log: str) -> dict:
    """Scrapy's 'Dumping Scrapy stats:' block at the end of the crawl's log."""
    found = re.search(r"Dumping Scrapy stats:\n(\{.*?\})\n(?:\d{4}-\d\d-\d\d |\Z)", log, re.S)
    if not found:
        return {}
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", found.group(1))
    return ast.literal_eval(text)
