"""Turn each fetched report page into its record, with the same engine as `govcrawl parse`.

A page that is not a report is dropped (counted); a page that cannot be read becomes an error
entry in errors.jsonl, the log and the stats, and the crawl goes on.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.exceptions import DropItem

from govcrawl.extract import Attachment, ExtractionError, extract
from govcrawl.runs import raw_store_dir
from govcrawl.items import CrawlError, Report, ReportPage, utc_now

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, stats, store_dir: str):
        self.stats = stats
        self.store_dir = Path(store_dir) if store_dir else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, str(raw_store_dir(crawler.settings) or ""))

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

    def process_item(self, item):
        if not isinstance(item, ReportPage):
            return item
        readable, failed = self.attachments(item)
        try:
            extraction = extract(
                item.body,
                media_type=item.media_type,
                url=item.url,
                portal=item.portal,
                unit=item.unit,
                fetched_at=item.fetched_at,
                attachments=readable,
            )
        except Exception as error:  # noqa: BLE001 — any failure on one page must not stop the crawl
            self.stats.inc_value("govcrawl/errors/extract")
            kind = "unreadable" if isinstance(error, ExtractionError) else type(error).__name__
            logger.error("govcrawl error [extract] %s: %s: %s", item.url, kind, error, exc_info=not isinstance(error, ExtractionError))
            return CrawlError(url=item.url, portal=item.portal, stage="extract", error=kind, detail=str(error), at=utc_now())
        record = extraction.record
        record["attachments"].extend(failed)
        if "not_a_report" in record["flags"] and failed:
            # A short page whose report is its attachment, and the attachment could not be had.
            self.stats.inc_value("govcrawl/errors/extract")
            detail = "; ".join(f"{f['url']}: {f['error']}" for f in failed)
            logger.error("govcrawl error [extract] %s: its attachments could not be fetched: %s", item.url, detail)
            return CrawlError(url=item.url, portal=item.portal, stage="attachment",
                              error="no report on the page and its attachments could not be fetched", detail=detail, at=utc_now())
        if "not_a_report" in record["flags"]:
            self.stats.inc_value("govcrawl/not_a_report")
            raise DropItem(f"not a report: {item.url} ({record.get('title')!r})", log_level="INFO")
        self.stats.inc_value("govcrawl/reports")
        failing = [c for c in record["checks"] if c["status"] == "fail"]
        if failing:
            self.stats.inc_value("govcrawl/reports_with_failing_checks")
        return Report(record=record, cells=extraction.cells)
