"""Turn each fetched report page into its record, with the same engine as `govcrawl parse`.

Every document — the page, and each of its attachments on its own — is read in a worker process
with its own time and memory limits (govcrawl/workers.py); the pipeline awaits the results, so
downloads go on meanwhile. A page that is not a report is dropped (counted); a page that cannot be
read, or that a limit refuses, becomes an error entry in errors.jsonl, the log and the stats, and
the crawl goes on. An attachment that cannot be had or read is listed with its error in the page's
record; when the page's report could only have been in such an attachment (also when no pipeline
fetched them), the page is an error entry instead of a silent drop. When the worker processes
cannot start at all (the pool has given up, govcrawl/workers.py), every page would be an error
entry: the crawl stops instead, finish reason `extraction_workers_failed`, and its run fails.
Each page's bytes go to the raw store (RAW_STORE_DIR) first, written by the worker that reads
the page, or here when no worker took it (govcrawl/raw_store.py).
"""

from __future__ import annotations

import asyncio
import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from govcrawl.extract import Attachment, ExtractionError, LimitExceeded, is_image
from govcrawl.extract.limits import setting_name
from govcrawl.items import CrawlError, Report, utc_now
from govcrawl.pipelines import report_page
from govcrawl.raw_store import store
from govcrawl.runs import output_dir, raw_store_dir
from govcrawl.workers import OCR_CACHE_FOLDER, WorkersFailed, release, shared_pool

logger = logging.getLogger(__name__)

NOT_FETCHED = "not fetched: no attachments pipeline is enabled"
WORKERS_FAILED = "extraction_workers_failed"  # the finish reason of a crawl whose extraction workers cannot start


class ExtractPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.pool = shared_pool(crawler.settings, output_dir(crawler.settings) / OCR_CACHE_FOLDER)
        # Each page's bytes are kept in the raw store by the worker that reads it (govcrawl/raw_store.py).
        store_dir = raw_store_dir(crawler.settings)
        self.raw_store = str(store_dir) if store_dir else None
        self.closing = None  # the Deferred of closing the spider when the workers cannot start
        logger.info("govcrawl extraction: %d worker process(es); each document may take %g s and %d MB (EXTRACT_SECONDS, "
                    "EXTRACT_MAX_MEMORY_MB)", self.pool.workers, self.pool.limits.seconds, self.pool.memory_mb)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def close_spider(self):
        release(self.pool)

    @staticmethod
    def attachments(page: ItemAdapter) -> tuple[list[Attachment], list[dict]]:
        """The fetched attachments to read, and entries for those that could not be had."""
        names = page.get("file_names") or {}
        fetched = {file["url"]: file for file in page.get("files") or []}
        readable, failed = [], []
        for url in page.get("file_urls") or []:
            file = fetched.get(url, {"url": url, "error": NOT_FETCHED})
            if "body" in file:
                readable.append(Attachment(url=url, name=names.get(url, ""), body=file["body"], path=file["path"]))
            else:
                failed.append({"url": url, "name": names.get(url, ""), "media_type": None, "sha256": None, "path": None,
                               "error": file["error"]})
        return readable, failed

    async def process_item(self, item):
        page = report_page(item)
        if page is None:
            return item
        url = page.get("url")
        portal = page.get("portal") or self.crawler.spider.name
        readable, failed = self.attachments(page)
        # Each attachment read in a worker of its own; pictures go to the page's worker unread, which
        # reads them (OCR) only when no table was found in text.
        pictures = [a for a in readable if is_image(a)]
        read_ones = await asyncio.gather(*(asyncio.wrap_future(self.pool.read_attachment(a)) for a in readable if not is_image(a)))
        try:
            record, cells, cell_lines = await asyncio.wrap_future(self.pool.extract_report(
                page["body"],
                raw_store=self.raw_store,
                media_type=page.get("media_type"),
                url=url,
                portal=portal,
                unit=page.get("unit"),
                fetched_at=page.get("fetched_at"),
                attachments=[*read_ones, *pictures],
            ))
        except Exception as error:  # noqa: BLE001 — any failure on one page must not stop the crawl
            if self.raw_store:
                store(self.raw_store, page["body"])  # kept even when no worker took the page (stored once)
            if self.pool.failed is not None:
                self.stop_crawl()
            return self.error_entry(url, portal, error)
        record["attachments"].extend(failed)
        unread = [a for a in record["attachments"] if "error" in a]
        if "not_a_report" in record["flags"] and unread:
            # A short page whose report is its attachment, and the attachment could not be had or read.
            self.stats.inc_value("govcrawl/errors/extract")
            detail = "; ".join(f"{a['url']}: {a['error']}" for a in unread)
            logger.error("govcrawl error [extract] %s: its attachments could not be fetched or read: %s", url, detail)
            return CrawlError(url=url, portal=portal, stage="attachment",
                              error="no report on the page and its attachments could not be fetched or read",
                              detail=detail, at=utc_now())
        if "not_a_report" in record["flags"]:
            self.stats.inc_value("govcrawl/not_a_report")
            raise DropItem(f"not a report: {url} ({record.get('title')!r})", log_level="INFO")
        self.stats.inc_value("govcrawl/reports")
        failing = [c for c in record["checks"] if c["status"] == "fail"]
        if failing:
            self.stats.inc_value("govcrawl/reports_with_failing_checks")
        report = Report(record=record, cells=cells)
        report.cell_lines = cell_lines
        return report

    def stop_crawl(self) -> None:
        """No worker can start: stop the crawl once, loudly, rather than make every page an error entry."""
        if self.closing is None:
            logger.error("govcrawl extraction: stopping the crawl: %s", self.pool.failed)
            self.closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason=WORKERS_FAILED))

    def error_entry(self, url: str, portal: str, error: Exception) -> CrawlError:
        self.stats.inc_value("govcrawl/errors/extract")
        if isinstance(error, WorkersFailed):
            kind = "extraction workers failed"
        elif isinstance(error, LimitExceeded):
            kind = f"limit {setting_name(error.limit)}"
            self.stats.inc_value(f"govcrawl/limits/{error.limit}")
        else:
            kind = "unreadable" if isinstance(error, ExtractionError) else type(error).__name__
        logger.error("govcrawl error [extract] %s: %s: %s", url, kind, error, exc_info=not isinstance(error, ExtractionError))
        return CrawlError(url=url, portal=portal, stage="extract", error=kind, detail=str(error), at=utc_now())
