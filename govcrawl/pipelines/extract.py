"""Turn each fetched report page into its record, with the same engine as `govcrawl parse`.

Every document — the page, and each of its attachments on its own — is read in a worker process
with its own time and memory limits (govcrawl/workers.py); the pipeline awaits the results, so
downloads go on meanwhile. A page that is not a report is dropped (counted); a page that cannot be
read, or that a limit refuses, becomes an error entry in errors.jsonl, the log and the stats, and
the crawl goes on. An attachment that cannot be read is listed with its error in the page's
record; when the page's report could only have been in such an attachment, the page is an error
entry instead of a silent drop.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from scrapy.exceptions import DropItem

from govcrawl.extract import Attachment, ExtractionError, LimitExceeded
from govcrawl.extract.limits import setting_name
from govcrawl.items import CrawlError, Report, ReportPage, utc_now
from govcrawl.runs import raw_store_dir
from govcrawl.workers import ExtractionPool, pool_from_settings

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, stats, store_dir: str, pool: ExtractionPool):
        self.stats = stats
        self.store_dir = Path(store_dir) if store_dir else None
        self.pool = pool

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, str(raw_store_dir(crawler.settings) or ""), pool_from_settings(crawler.settings))

    def close_spider(self):
        self.pool.close()

    def attachments(self, item: ReportPage) -> tuple[list[Attachment], list[dict]]:
        """The downloaded attachments to read, and entries for those that could not be fetched."""
        readable, failed = [], []
        for file in item.files:
            name = item.file_names.get(file["url"], "")
            if "path" in file and self.store_dir is not None:
                path = self.store_dir / file["path"]
                readable.append(Attachment(url=file["url"], name=name, body=path.read_bytes(), path=file["path"]))
            else:
                failed.append({"url": file["url"], "name": name, "media_type": None, "sha256": None, "path": None,
                               "error": file.get("error", "not stored")})
        return readable, failed

    async def process_item(self, item):
        if not isinstance(item, ReportPage):
            return item
        readable, failed = self.attachments(item)
        read_ones = await asyncio.gather(*(asyncio.wrap_future(self.pool.read_attachment(a)) for a in readable))
        try:
            extraction = await asyncio.wrap_future(self.pool.extract(
                item.body,
                media_type=item.media_type,
                url=item.url,
                portal=item.portal,
                unit=item.unit,
                fetched_at=item.fetched_at,
                attachments=read_ones,
            ))
        except Exception as error:  # noqa: BLE001 — any failure on one page must not stop the crawl
            return self.error_entry(item, error)
        record = extraction.record
        record["attachments"].extend(failed)
        unread = [a for a in record["attachments"] if "error" in a]
        if "not_a_report" in record["flags"] and unread:
            # A short page whose report is its attachment, and the attachment could not be had.
            self.stats.inc_value("govcrawl/errors/extract")
            detail = "; ".join(f"{a['url']}: {a['error']}" for a in unread)
            logger.error("govcrawl error [extract] %s: its attachments could not be fetched or read: %s", item.url, detail)
            return CrawlError(url=item.url, portal=item.portal, stage="attachment",
                              error="no report on the page and its attachments could not be fetched or read",
                              detail=detail, at=utc_now())
        if "not_a_report" in record["flags"]:
            self.stats.inc_value("govcrawl/not_a_report")
            raise DropItem(f"not a report: {item.url} ({record.get('title')!r})", log_level="INFO")
        self.stats.inc_value("govcrawl/reports")
        failing = [c for c in record["checks"] if c["status"] == "fail"]
        if failing:
            self.stats.inc_value("govcrawl/reports_with_failing_checks")
        return Report(record=record, cells=extraction.cells)

    def error_entry(self, item: ReportPage, error: Exception) -> CrawlError:
        self.stats.inc_value("govcrawl/errors/extract")
        if isinstance(error, LimitExceeded):
            kind = f"limit {setting_name(error.limit)}"
            self.stats.inc_value(f"govcrawl/limits/{error.limit}")
        else:
            kind = "unreadable" if isinstance(error, ExtractionError) else type(error).__name__
        logger.error("govcrawl error [extract] %s: %s: %s", item.url, kind, error, exc_info=not isinstance(error, ExtractionError))
        return CrawlError(url=item.url, portal=item.portal, stage="extract", error=kind, detail=str(error), at=utc_now())
