"""Recrawls that do not read again what has not changed: the spider middleware `UnchangedReports`.

A report page whose bytes are the ones the corpus last saw at its URL is "still there,
unchanged": instead of the page going through the pipelines (raw store, attachments, the
engine), its record is the corpus's record of those bytes by this engine version, with this
fetch's time. New and changed pages are read as always. The run's feeds are the same as a full
run's; only the work differs (stat `govcrawl/corpus/unchanged`).

Switched on by CORPUS_INCREMENTAL = True (in SPIDER_MIDDLEWARES); CORPUS_INCREMENTAL = False is a
full recrawl. It needs the corpus (OUTPUT_DIR/corpus.sqlite) to hold the earlier runs: a crawl
with no corpus yet reads everything.
"""

from __future__ import annotations

import hashlib
import logging

from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

import govcrawl
from govcrawl.corpus.catalogue import CATALOGUE_FILE, SQLiteCatalogue
from govcrawl.items import Report, ReportPage
from govcrawl.runs import output_dir

logger = logging.getLogger(__name__)


class UnchangedReports(BaseSpiderMiddleware):
    def __init__(self, crawler, catalogue: SQLiteCatalogue):
        super().__init__(crawler)
        self.catalogue = catalogue

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CORPUS_INCREMENTAL"):
            raise NotConfigured("CORPUS_INCREMENTAL is off")
        path = output_dir(crawler.settings) / CATALOGUE_FILE
        if not path.is_file():
            logger.info("govcrawl corpus: no %s yet, every page is read", path)
            # A first crawl is no cause for a warning: Scrapy logs "Disabled" only for a NotConfigured with a reason.
            raise NotConfigured
        return cls(crawler, SQLiteCatalogue(path))

    def get_processed_item(self, item, response):
        if not isinstance(item, ReportPage):
            return item
        sha = hashlib.sha256(item.body).hexdigest()
        known = self.catalogue.record(govcrawl.__version__, sha) if self.catalogue.last_sha(item.url) == sha else None
        if known is None:
            return item
        record, cells = known
        report_id = hashlib.sha1(item.url.encode()).hexdigest()
        self.crawler.stats.inc_value("govcrawl/corpus/unchanged")
        return Report(
            record=record | {"id": report_id, "url": item.url, "portal": item.portal, "fetched_at": item.fetched_at},
            cells=[cell | {"report_id": report_id} for cell in cells],
        )
