"""Several spiders crawled at once in one Scrapy process, each with the settings and arguments
`scrapy crawl NAME -a NAME=VALUE… -s NAME=VALUE…` would give it alone.

    python -m govcrawl.crawl_together SPEC.json

SPEC: {"settings": {NAME: VALUE, …}, "crawls": [{"spider": NAME, "arguments": {…}, "settings": {…}}, …]};
"settings" at the top are the process's and every crawl's (LOG_FILE among them), a crawl's own
are added to them (its REPLICA_URL, FEEDS, OUTPUT_DIR…).

`govcrawl demo` crawls its portals this way, and so does the test suite: alone in a `scrapy crawl`
process of its own, a small portal's crawl spends most of its CPU starting Python, Scrapy,
Playwright's driver and its extraction workers. Here the crawls share one process, one reactor and
one extraction pool (govcrawl/workers.py `shared_pool`), as Scrapy's CrawlerProcess runs several
crawlers, with the project's settings and the same engine, downloaders, pipelines and extensions.
Exit status 1 when a run failed its health checks, as `scrapy crawl` (govcrawl/commands/crawl.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.utils.project import get_project_settings

from govcrawl.runs import FAILED_RUNS


def crawl_together(spec: dict) -> int:
    settings = get_project_settings()
    settings.setdict(spec.get("settings", {}), priority="cmdline")  # as `-s NAME=VALUE` sets them
    process = AsyncCrawlerProcess(settings)
    for crawl in spec["crawls"]:
        own = settings.copy()
        own.setdict(crawl.get("settings", {}), priority="cmdline")
        process.crawl(Crawler(process.spider_loader.load(crawl["spider"]), own), **crawl.get("arguments", {}))
    process.start()
    return 1 if FAILED_RUNS or process.bootstrap_failed else 0


if __name__ == "__main__":
    sys.exit(crawl_together(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
