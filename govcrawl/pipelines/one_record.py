"""One report, one record: a report met again under another URL in the same crawl is not a
second record but another of the first record's URLs.

Met again means the same bytes (sha256), or the same URL once scheme, tracking parameters and
trailing slash are set aside (govcrawl/urls.py). The later sighting is dropped (counted, logged
at INFO). A record leaves with `urls` = [its URL]; the reports met again are listed in the stats
under `govcrawl/report_urls_met_again`, and the run files (govcrawl/runs.py) write their full
`urls` into reports.jsonl when the crawl closes (a `-O` copy, written as the crawl goes, keeps
the first URL only).
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem

from govcrawl.items import Report
from govcrawl.urls import canonical_url

logger = logging.getLogger(__name__)


class OneRecordPerReport:
    def __init__(self, stats):
        self.stats = stats
        self.first_url: dict[str, str] = {}  # sha256 or canonical URL → the URL of the record kept
        self.urls: dict[str, list[str]] = {}  # the URL of a kept record → every URL it was met under

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.stats)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def spider_opened(self, spider):
        # A resumed run (govcrawl/resume.py): the reports it had recorded count as met.
        for sha256, url in getattr(spider, "resumed_records", ()):
            self.first_url.setdefault(sha256, url)
            self.first_url.setdefault(canonical_url(url), url)
            self.urls.setdefault(url, [url])

    def process_item(self, item):
        if not isinstance(item, Report):
            return item
        record = ItemAdapter(item)["record"]
        url = record["url"]
        keys = [record["sha256"], canonical_url(url)]
        kept = next((self.first_url[k] for k in keys if k in self.first_url), None)
        if kept is None:
            for key in keys:
                self.first_url[key] = url
            self.urls[url] = [url]
            record["urls"] = [url]
            return item
        if url not in self.urls[kept]:
            self.urls[kept].append(url)
            self.stats.set_value("govcrawl/report_urls_met_again", {k: v for k, v in self.urls.items() if len(v) > 1})
        for key in keys:
            self.first_url.setdefault(key, kept)
        self.stats.inc_value("govcrawl/reports_met_again")
        raise DropItem(f"the same report as {kept}: {url}", log_level="INFO")
