"""Several spiders crawled at once in one Scrapy process, each with the settings `scrapy crawl
NAME -s NAME=VALUE…` would give it alone (its own REPLICA_URL, FEEDS, OUTPUT_DIR…).

    python tests/several_crawls.py SPEC.json    # SPEC: [{"spider": NAME, "settings": {NAME: VALUE}}, …]

The suite crawls many small portals; each alone in a `scrapy crawl` process spends most of its
CPU starting Python, Scrapy and Playwright's driver. Here they share one process and one reactor,
as Scrapy's CrawlerProcess runs several crawlers, with the project's settings and the same engine,
downloaders, pipelines and extensions. Exit status 1 when a run failed its health checks, as
`scrapy crawl` (govcrawl/commands/crawl.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.utils.project import get_project_settings

from govcrawl.runs import FAILED_RUNS


def main(spec: Path) -> int:
    settings = get_project_settings()
    process = AsyncCrawlerProcess(settings)
    for crawl in json.loads(spec.read_text(encoding="utf-8")):
        own = settings.copy()
        own.setdict(crawl["settings"], priority="cmdline")  # as `-s NAME=VALUE` sets them
        process.crawl(Crawler(process.spider_loader.load(crawl["spider"]), own))
    process.start()
    return 1 if FAILED_RUNS or process.bootstrap_failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
