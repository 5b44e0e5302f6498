"""Turn each fetched report page into its record, with the same engine as `govcrawl parse`.

A page that is not a report is dropped (counted); a page that cannot be read becomes an error
entry in errors.jsonl, the log and the stats, and the crawl goes on. So does a short page whose
report is in attachments none of which could be had — also when no pipeline fetched them.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from govcrawl.extract import Attachment, ExtractionError, extract
from govcrawl.items import CrawlError, Report, utc_now
from govcrawl.pipelines import report_page

logger = logging.getLogger(__name__)

NOT_FETCHED = "not fetched: no attachments pipeline is enabled"


class ExtractPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

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

    def process_item(self, item):
        page = report_page(item)
        if page is None:
            return item
        url = page.get("url")
        portal = page.get("portal") or self.crawler.spider.name
        readable, failed = self.attachments(page)
        try:
            extraction = extract(
                page["body"],
                media_type=page.get("media_type"),
                url=url,
                portal=portal,
                unit=page.get("unit"),
                fetched_at=page.get("fetched_at"),
                attachments=readable,
            )
        except Exception as error:  # noqa: BLE001 — any failure on one page must not stop the crawl
            self.stats.inc_value("govcrawl/errors/extract")
            kind = "unreadable" if isinstance(error, ExtractionError) else type(error).__name__
            logger.error("govcrawl error [extract] %s: %s: %s", url, kind, error, exc_info=not isinstance(error, ExtractionError))
            return CrawlError(url=url, portal=portal, stage="extract", error=kind, detail=str(error), at=utc_now())
        record = extraction.record
        record["attachments"].extend(failed)
        if "not_a_report" in record["flags"] and failed:
            # A short page whose report is its attachment, and the attachment could not be had.
            self.stats.inc_value("govcrawl/errors/extract")
            detail = "; ".join(f"{f['url']}: {f['error']}" for f in failed)
            logger.error("govcrawl error [extract] %s: its attachments could not be fetched: %s", url, detail)
            return CrawlError(url=url, portal=portal, stage="attachment",
                              error="no report on the page and its attachments could not be fetched", detail=detail, at=utc_now())
        if "not_a_report" in record["flags"]:
            self.stats.inc_value("govcrawl/not_a_report")
            raise DropItem(f"not a report: {url} ({record.get('title')!r})", log_level="INFO")
        self.stats.inc_value("govcrawl/reports")
        failing = [c for c in record["checks"] if c["status"] == "fail"]
        if failing:
            self.stats.inc_value("govcrawl/reports_with_failing_checks")
        return Report(record=record, cells=extraction.cells)
