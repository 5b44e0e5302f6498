"""`scrapy crawl`, exiting non-zero when the run failed its health checks (govcrawl/monitors.py),
so cron, scrapyd's job log and CI see a failed crawl as one."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from govcrawl.runs import FAILED_RUNS


class Command(ScrapyCrawlCommand):
    def run(self, args, opts) -> None:
        super().run(args, opts)
        if FAILED_RUNS:
            self.exitcode = 1
