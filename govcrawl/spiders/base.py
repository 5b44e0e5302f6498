"""What every portal spider shares, whatever the CMS: start, report pages, error entries.

A portal is data (govcrawl/portals/*.toml); its spider class is generated from it (loader.py).
How a portal's lists are read comes from its CMS family (govcrawl/cms/), chosen per portal, so one
crawl can span portals of different CMSs.

`-a scope=all` crawls, in the same run, every portal whose definition says `part_of = "<this
spider>"` (the Tianjin districts for `tianjin`). A record's `portal` is the portal whose columns
led to the page.
"""

from __future__ import annotations

import re
from typing import ClassVar

import scrapy
from parsel import Selector
from scrapy.http import HtmlResponse
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from govcrawl import distributed
from govcrawl.cms import list_rules
from govcrawl.cms.list_rules import (
    LINKS_BASE,
    REPORT_TEXT,
    SCRIPT_BUILT_LIST,
    UNIT_NAME_TEXT,
    ListPage,
    ListRules,
    PagesCut,
    attachment_links,
    last_folder,
    link_text,
    list_date,
    may_link_files,
    names_report,
    names_unit,
)
from govcrawl.definitions import PortalDefinition, Unit
from govcrawl.browser import browser_meta, browser_pages
from govcrawl.items import CrawlError, ReportPage, utc_now
from govcrawl.urls import canonical_url

SCOPES = ("own", "all")
# Pictures that may be a table: an <img> of these types whose nearest block holds the report's
# text (chrome icons sit in blocks with little text) and that links nowhere but to a picture
# (logos and banners link to the site's pages).
TABLE_PICTURE = re.compile(r"\.(png|jpe?g)(?:$|[?#])", re.IGNORECASE)
BODY_BLOCK_MIN_CHARS = 200
BODY_IMAGES = (
    "//img[@src][string-length(normalize-space(ancestor::*[self::div or self::td or self::article][1]))"
    f" >= {BODY_BLOCK_MIN_CHARS}]"
)
# What Scrapy's robots.txt middleware says when it drops a request (its IgnoreRequest message).
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"


def list_anchors(rules: ListRules, response):
    """The links of a list response: of every page the browser went through, or as the rules read it."""
    pages = browser_pages(response)
    return [a for html in pages for a in Selector(text=html).css("a[href]")] if pages else rules.anchors(response)


def body_images(response) -> list[str]:
    """The pictures in a report page's body, in page order (their tables are read by OCR)."""
    urls = []
    for image in response.xpath(BODY_IMAGES):
        link = image.xpath("ancestor::a[1]/@href").get()
        url = response.urljoin(image.attrib["src"].strip())
        if TABLE_PICTURE.search(url) and url != response.url and (link is None or TABLE_PICTURE.search(link)):
            urls.append(url)
    return list(dict.fromkeys(urls))


class PortalSpider(scrapy.Spider):
    definition: ClassVar[PortalDefinition]
    members: ClassVar[tuple[PortalDefinition, ...]] = ()  # the portals whose `part_of` names this one
    done_urls: set[str] = frozenset()  # set by the run files when a run is resumed
    shared_run: distributed.SharedRun | None = None  # the run in Redis this worker takes part in (REDIS_URL)

    def __init__(self, *args, scope: str = "own", **kwargs):
        super().__init__(*args, **kwargs)
        # The run's arguments, as its stats.json records them (runs of different arguments are not compared).
        self.arguments = {"scope": scope, **{k: v for k, v in kwargs.items() if isinstance(v, str)}}
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
        members = self.members if scope == "all" else ()
        self.portals = {d.name: d for d in [self.definition, *members]}
        self.rules = {d.name: list_rules(d) for d in self.portals.values()}
        self.allowed_domains = sorted({domain for d in self.portals.values() for domain in d.allowed_domains})
        self.read_page_by_page: set[str] = set()  # list pages sent to the browser to read all their pages

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        for rules in spider.rules.values():
            rules.max_pages = crawler.settings.getint("LIST_MAX_PAGES")
        if crawler.settings.get("REDIS_URL"):
            # Join the run in Redis now, with this spider's arguments: a worker whose arguments
            # differ from the run's stops here, before it takes any request.
            spider.shared_run = distributed.join(crawler.settings, spider.name, spider.arguments)
        return spider

    async def start(self):
        for portal in self.portals.values():
            for url in portal.start_urls:
                yield self.column_request(url, portal.name, None)
        # A shared column belongs to the portal that hosts it (gk.tj.gov.cn is the municipal
        # portal's): with scope=all that portal's own crawl reads all of it, so members' filtered
        # visits are only for a member crawled on its own.
        for url, words in self.definition.shared_columns:
            yield self.column_request(url, self.name, None, units_named=words)

    def column_request(
        self, url: str, portal: str, unit: dict | None, follow_from=None, units_named: str | None = None,
        formdata: dict | None = None, render: bool = False, links_base: str | None = None, every_page: bool = False,
    ):
        """A list page to read; `units_named` restricts which unit columns it may lead to;
        `formdata` makes it a POST; `render` reads it in the browser (declared by the portal's
        `render_lists`, or because the page turned out to build its list by script), `every_page`
        too the pages its pager shows; `links_base` marks a list API's answer for the page whose
        script asks for it."""
        url = follow_from.urljoin(url) if follow_from is not None else url
        render = render or every_page or any(re.search(pattern, url) for pattern in self.portals[portal].render_lists)
        meta = {"units_named": units_named} | (browser_meta(self.settings, every_page) if render else {})
        if links_base is not None:
            meta[LINKS_BASE] = links_base
        keywords = dict(callback=self.parse_column, errback=self.on_error, cb_kwargs={"portal": portal, "unit": unit}, meta=meta)
        if formdata is not None:
            return scrapy.FormRequest(url, formdata=formdata, **keywords)
        return scrapy.Request(url, dont_filter=render, **keywords)

    def parse_column(self, response, portal: str, unit: dict | None):
        """A list page: follow its report links, the columns that lead to reports, its pages."""
        self.crawler.stats.inc_value("govcrawl/list_pages")
        rules = self.rules[portal]
        units_named = response.meta.get("units_named")
        articles = 0
        for anchor in list_anchors(rules, response):
            href = anchor.attrib["href"].strip()
            if href.startswith(("javascript:", "#", "mailto:")):
                continue
            url = response.urljoin(href)
            text = link_text(anchor)
            if rules.is_article(url):
                articles += 1
                if names_report(text) and not self.recorded(url):
                    yield self.follow_report(response, url, text, list_date(anchor), portal, unit)
            elif rules.is_list(url) and self.enters(rules, url, text, response.url, units_named):
                yield self.column_request(url, portal, self.unit_of_column(portal, url, text, unit), follow_from=response)
        for page in rules.further_pages(response):
            if isinstance(page, PagesCut):
                self.crawler.stats.inc_value("govcrawl/errors/list")
                self.logger.error("govcrawl error [list] %s: %s", page.list_url, page.reason)
                yield CrawlError(url=page.list_url, portal=portal, stage="list", error="limit LIST_MAX_PAGES",
                                 detail=page.reason, at=utc_now())
            elif isinstance(page, ListPage) and page.in_browser:
                self.crawler.stats.inc_value("govcrawl/lists_rendered")
                self.logger.info("govcrawl: list paged by a script call the page does not spell out; "
                                 "reading %s in the browser, page by page", page.url)
                yield self.column_request(page.url, portal, unit, follow_from=response, every_page=True)
            elif isinstance(page, ListPage):
                yield self.column_request(page.url, portal, unit, follow_from=response, formdata=page.formdata,
                                          links_base=page.links_base)
            else:
                yield self.column_request(page, portal, unit, follow_from=response, units_named=units_named)
        problem = rules.unreadable(response) if not articles else None
        if problem:
            # A list API answer of a shape the rules cannot read: the browser reads the list page
            # itself, every page of it through its pager, as a user would (once per list page).
            list_page = response.meta[LINKS_BASE]
            if list_page not in self.read_page_by_page:
                self.read_page_by_page.add(list_page)
                self.crawler.stats.inc_value("govcrawl/lists_rendered")
                self.logger.warning("govcrawl: %s; reading %s in the browser, page by page", problem, list_page)
                yield self.column_request(list_page, portal, unit, every_page=True)
        elif not articles and "playwright" not in response.meta and SCRIPT_BUILT_LIST.search(response.text):
            # The list is written by the page's script: read this page again, in the browser.
            self.crawler.stats.inc_value("govcrawl/lists_rendered")
            self.logger.info("govcrawl: list built by script, reading it in the browser: %s", response.url)
            yield self.column_request(response.url, portal, unit, units_named=units_named, render=True)

    def recorded(self, url: str) -> bool:
        """Whether the run being resumed recorded this report already (govcrawl/resume.py)."""
        if url in self.done_urls or canonical_url(url) in self.done_urls:
            self.crawler.stats.inc_value("govcrawl/resume/reports_skipped")
            return True
        return False

    @staticmethod
    def enters(rules: ListRules, url: str, text: str, page_url: str, units_named: str | None) -> bool:
        if units_named is not None:  # a shared column: only the units named
            return names_unit(text) and units_named in text and url != page_url
        return rules.leads_to_reports(url, text, page_url)

    def unit_of_column(self, portal: str, url: str, text: str, current: dict | None) -> dict | None:
        """The unit a column belongs to: a known folder, a link text naming a unit, or the parent's."""
        known = self.portals[portal].units.get(last_folder(url))
        if known:
            return known.as_hint()
        if UNIT_NAME_TEXT.search(text) and not REPORT_TEXT.search(text):
            # The owner's region code is a fallback: the engine prefers the place the name holds.
            return Unit(name=text, region_code=self.portals[portal].owner.region_code).as_hint()
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
        attachments = {}
        # The page is parsed here only when it may link a file or show a picture; the engine, in
        # its worker, parses it anyway.
        if isinstance(response, HtmlResponse) and may_link_files(response.text):
            attachments = attachment_links(response, listing.get("link_text"))
            # Pictures are fetched like attachments; OCR'd only if no text tables.
            attachments |= {url: "" for url in body_images(response) if url not in attachments}
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        yield ReportPage(
            url=response.url,
            portal=portal,
            body=response.body,
            media_type=content_type.split(";")[0].strip().lower() or "text/html",
            fetched_at=utc_now(),
            unit=unit,
            listing=listing,
            file_urls=list(attachments),
            file_names=attachments,
        )

    def on_error(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and str(failure.value) == ROBOTS_FORBIDDEN:
            # The portal asked us not to: not an error of the portal.
            self.crawler.stats.inc_value("govcrawl/requests_ignored")
            return
        if failure.check(HttpError):
            error = f"HTTP {failure.value.response.status}"
        elif failure.check(IgnoreRequest):
            # Dropped on the way: a redirect loop, a redirect off the portal, a body that
            # decompresses past DOWNLOAD_MAXSIZE. Each loses a page, so each is an entry.
            error = f"dropped: {failure.value}"
        else:
            # Some failures carry no message (a body cut off at DOWNLOAD_MAXSIZE with no
            # Content-Length): their class's own description then says what happened.
            message = failure.getErrorMessage() or (failure.type.__doc__ or "").strip().split("\n")[0]
            error = f"{failure.type.__name__}: {message}"
        stage = "list" if request.callback == self.parse_column else "download"
        portal = request.cb_kwargs.get("portal", self.name)
        self.crawler.stats.inc_value(f"govcrawl/errors/{stage}")
        self.logger.error("govcrawl error [%s] %s: %s", stage, request.url, error)
        yield CrawlError(url=request.url, portal=portal, stage=stage, error=error, at=utc_now())
