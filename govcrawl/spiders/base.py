"""What every portal spider shares, whatever the CMS: start, report pages, error entries.

A CMS family subclasses `PortalSpider` and implements `parse_column` (a list page of that CMS);
the portal itself is data (seeds/*.toml) and the class is generated from it.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from govcrawl.items import CrawlError, ReportPage
from govcrawl.portals import PortalDefinition, Unit

# Link texts of a report, of an annual-report column, and of pages that only talk about a report.
REPORT_TEXT = re.compile(r"年报|年度报告|工作报告")
REPORT_COLUMN_TEXT = re.compile(r"年报|年度报告|xxgknb\s*\d{4}|^\s*\d{4}\s*年度?\s*$", re.IGNORECASE)
NOT_A_REPORT_TEXT = re.compile(r"解读|图解|问答|答记者问")
# A link text that names a government unit (the name of that unit's own report column).
UNIT_NAME_TEXT = re.compile(r"(人民政府|委员会|委|办公厅|办公室|局|中心|街道办事处|街道|镇|乡)$")
LIST_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def link_text(anchor) -> str:
    """The visible text of a link, or its title when the text is cut short with an ellipsis."""
    text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
    title = (anchor.attrib.get("title") or "").strip()
    if title and (not text or text.endswith(("...", "…")) or len(title) > len(text)):
        return title
    return text


class PortalSpider(scrapy.Spider):
    definition: ClassVar[PortalDefinition]

    async def start(self):
        for url in self.definition.start_urls:
            yield scrapy.Request(url, callback=self.parse_column, errback=self.on_error, cb_kwargs={"unit": None})

    def parse_column(self, response, unit: dict | None):
        raise NotImplementedError

    def unit_of_column(self, url: str, text: str, current: dict | None) -> dict | None:
        """The unit a column belongs to: a known folder, a link text naming a unit, or the parent's."""
        folders = [f for f in url.split("?")[0].split("/")[3:] if f and "." not in f]
        if folders and folders[-1] in self.definition.units:
            return self.definition.units[folders[-1]].as_hint()
        if UNIT_NAME_TEXT.search(text) and not REPORT_TEXT.search(text):
            return Unit(name=text).as_hint()
        return current

    def follow_report(self, response, url: str, text: str, list_date: str | None, unit: dict | None):
        listing = {"list_url": response.url, "link_text": text, "list_date": list_date}
        return response.follow(
            url,
            callback=self.parse_report,
            errback=self.on_error,
            cb_kwargs={"unit": unit, "listing": listing},
        )

    def parse_report(self, response, unit: dict | None, listing: dict):
        self.crawler.stats.inc_value("govcrawl/report_pages")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        yield ReportPage(
            url=response.url,
            portal=self.name,
            body=response.body,
            media_type=content_type.split(";")[0].strip().lower() or "text/html",
            fetched_at=utc_now(),
            unit=unit,
            listing=listing,
        )

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # Forbidden by robots.txt or filtered on purpose: not an error of the portal.
            self.crawler.stats.inc_value("govcrawl/requests_ignored")
            return
        if failure.check(HttpError):
            error = f"HTTP {failure.value.response.status}"
        else:
            error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        stage = "list" if request.callback == self.parse_column else "download"
        self.crawler.stats.inc_value(f"govcrawl/errors/{stage}")
        self.logger.error("govcrawl error [%s] %s: %s", stage, request.url, error)
        yield CrawlError(url=request.url, portal=self.name, stage=stage, error=error, at=utc_now())
