"""Every response of a crawl, one line each, in the run's `fetches.jsonl`: the Scrapy extension
`FetchLog`.

A line is `url, method, status, sha256 (of the body), etag, last_modified, at`: what a later
crawl needs to revalidate a page (If-None-Match / If-Modified-Since) and what the catalogue keeps
as the run's fetches. List pages, report pages, attachments and robots.txt alike. Requests that
got no response at all (a refused connection) are in errors.jsonl.

Enabled by the setting CORPUS_FETCH_LOG = True, with an order after govcrawl.runs.RunFiles in
EXTENSIONS (it writes into the run directory RunFiles made). Written as fetches.jsonl.part and
renamed when the spider closes, before RunFiles writes stats.json, like the other feeds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from govcrawl.items import utc_now

FETCHES_FILE = "fetches.jsonl"


class FetchLog:
    def __init__(self, crawler):
        self.crawler = crawler
        self.file = None
        self.path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CORPUS_FETCH_LOG"):
            raise NotConfigured("CORPUS_FETCH_LOG is off")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        run_dir = self.crawler.stats.get_value("govcrawl/run_dir")
        if not run_dir:
            raise NotConfigured("no run directory: govcrawl.runs.RunFiles must come before FetchLog in EXTENSIONS")
        self.path = Path(run_dir) / FETCHES_FILE
        self.file = self.path.with_name(FETCHES_FILE + ".part").open("w", encoding="utf-8")

    def response_received(self, response, request, spider):
        line = {
            "url": response.url,
            "method": request.method,
            "status": response.status,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "at": utc_now(),
        }
        self.file.write(json.dumps(line, ensure_ascii=False) + "\n")

    def spider_closed(self, spider, reason):
        self.file.close()
        self.path.with_name(FETCHES_FILE + ".part").replace(self.path)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None
