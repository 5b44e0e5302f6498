"""What every portal spider shares, whatever the CMS: start, report pages, error entries.

A CMS family subclasses `PortalSpider` and implements `parse_column` (a list page of that CMS);
the portal itself is data (seeds/*.toml) and the class is generated from it.

`-a scope=all` crawls, in the same run, every portal whose definition says `part_of = "<this
spider>"` (the Tianjin districts for `tianjin`). A record's `portal` is the portal whose columns
led to the page.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from govcrawl.items import CrawlError, ReportPage
from govcrawl.portals import PortalDefinition, Unit, load_definitions

# Link texts of a report, of an annual-report column, and of pages that only talk about a report.
REPORT_TEXT = re.compile(r"年报|年度报告|工作报告")
REPORT_COLUMN_TEXT = re.compile(r"年报|年度报告|xxgknb\s*\d{4}|^\s*\d{4}\s*年度?\s*$", re.IGNORECASE)
NOT_A_REPORT_TEXT = re.compile(r"解读|图解|问答|答记者问")
# Folder names of annual-report columns: gknb, xxgknb2020, zfxxgknb42, xxgknb_530, xxgk_zfxgknb_jxlj.
REPORT_COLUMN_FOLDER = re.compile(r"(?:gk|xx)\w*nb", re.IGNORECASE)
# A link text that names a government unit, or a group of units, on a disclosure hub.
UNIT_NAME_TEXT = re.compile(r"(人民政府|委员会|委|办公厅|办公室|局|中心|街道办事处|街道|镇|乡)$")
UNIT_GROUP_TEXT = re.compile(r"部门|机关|单位|街道|街镇|乡镇|区县|区政府|市政府")
LIST_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
SCOPES = ("own", "all")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def link_text(anchor) -> str:
    """The visible text of a link, or its title when the text is cut short with an ellipsis."""
    text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
    title = (anchor.attrib.get("title") or "").strip()
    if title and (not text or text.endswith(("...", "…")) or len(title) > len(text)):
        return title
    return text


def last_folder(url: str) -> str:
    folders = [f for f in url.split("?")[0].split("/")[3:] if f and "." not in f]
    return folders[-1] if folders else ""


class PortalSpider(scrapy.Spider):
    definition: ClassVar[PortalDefinition]

    def __init__(self, *args, scope: str = "own", **kwargs):
        super().__init__(*args, **kwargs)
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
        members = [d for d in load_definitions() if d.part_of == self.name] if scope == "all" else []
        self.portals = {d.name: d for d in [self.definition, *members]}
        self.allowed_domains = sorted({domain for d in self.portals.values() for domain in d.allowed_domains})

    async def start(self):
        for portal in self.portals.values():
            for url in portal.start_urls:
                yield self.column_request(url, portal.name, None)
        # A shared column belongs to the portal that hosts it (gk.tj.gov.cn is the municipal
        # portal's): with scope=all that portal's own crawl reads all of it, so members' filtered
        # visits are only for a member crawled on its own.
        for url, words in self.definition.shared_columns:
            yield self.column_request(url, self.name, None, units_named=words)

    def column_request(self, url: str, portal: str, unit: dict | None, follow_from=None, units_named: str | None = None):
        """A list page to read; `units_named` restricts which unit columns it may lead to."""
        make = follow_from.follow if follow_from is not None else scrapy.Request
        return make(
            url,
            callback=self.parse_column,
            errback=self.on_error,
            cb_kwargs={"portal": portal, "unit": unit},
            meta={"units_named": units_named},
        )

    def parse_column(self, response, portal: str, unit: dict | None):
        raise NotImplementedError

    def unit_of_column(self, portal: str, url: str, text: str, current: dict | None) -> dict | None:
        """The unit a column belongs to: a known folder, a link text naming a unit, or the parent's."""
        known = self.portals[portal].units.get(last_folder(url))
        if known:
            return known.as_hint()
        if UNIT_NAME_TEXT.search(text) and not REPORT_TEXT.search(text):
            return Unit(name=text).as_hint()
        return current

    def follow_report(self, response, url: str, text: str, list_date: str | None, portal: str, unit: dict | None):
        listing = {"list_url": response.url, "link_text": text, "list_date": list_date}
        return response.follow(
            url,
            callback=self.parse_report,
            errback=self.on_error,
            cb_kwargs={"portal": portal, "unit": unit, "listing": listing},
        )

    def parse_report(self, response, portal: str, unit: dict | None, listing: dict):
        self.crawler.stats.inc_value("govcrawl/report_pages")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        yield ReportPage(
            url=response.url,
            portal=portal,
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
        portal = request.cb_kwargs.get("portal", self.name)
        self.crawler.stats.inc_value(f"govcrawl/errors/{stage}")
        self.logger.error("govcrawl error [%s] %s: %s", stage, request.url, error)
        yield CrawlError(url=request.url, portal=portal, stage=stage, error=error, at=utc_now())
