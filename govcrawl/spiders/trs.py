"""TRS WCM (TRS 集约化平台): tj.gov.cn, the Tianjin districts and many provincial portals.

Columns are folders; a column page lists its articles (`./YYYYMM/tYYYYMMDD_id.html`) and links
to its sub-columns (a year, a unit). Further list pages are `index_1.html`, `index_2.html`, …,
announced by the pager script `createPageHTML(total, current, "index", "html")`.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from govcrawl.spiders.base import (
    LIST_DATE,
    NOT_A_REPORT_TEXT,
    REPORT_COLUMN_TEXT,
    REPORT_TEXT,
    PortalSpider,
    link_text,
)

ARTICLE_PATH = re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$")
# A column is a folder: `…/gknb/`, `…/gknb/index.html`, or `…/gknb` (the server adds the slash).
COLUMN_PATH = re.compile(r"(/|/index(_\d+)?\.s?html?|/[^/.]+)$")
PAGER_CALL = re.compile(r"""createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["'](\w+)["']\s*,\s*["'](\w+)["']""")


def column_dir(url: str) -> str:
    path = urlsplit(url).path
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def pager_pages(html: str, page_url: str) -> list[str]:
    """Every further page of a list, as its pager script announces them (pages 1 … total-1)."""
    match = PAGER_CALL.search(html)
    if not match or int(match.group(2)) != 0:
        return []
    total, prefix, extension = int(match.group(1)), match.group(3), match.group(4)
    return [urljoin(page_url, f"{prefix}_{n}.{extension}") for n in range(1, total)]


class TrsWcmSpider(PortalSpider):
    def parse_column(self, response, unit: dict | None):
        self.crawler.stats.inc_value("govcrawl/list_pages")
        here = column_dir(response.url)
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            if href.startswith(("javascript:", "#", "mailto:")):
                continue
            url = response.urljoin(href)
            path = urlsplit(url).path
            text = link_text(anchor)
            if ARTICLE_PATH.search(path):
                if REPORT_TEXT.search(text) and not NOT_A_REPORT_TEXT.search(text):
                    item_text = " ".join(anchor.xpath("./ancestor::*[self::li or self::dl or self::tr][1]//text()").getall())
                    date = LIST_DATE.search(item_text)
                    list_date = "-".join(f"{int(g):02d}" for g in date.groups()) if date else None
                    yield self.follow_report(response, url, text, list_date, unit)
            elif COLUMN_PATH.search(path) and (
                REPORT_COLUMN_TEXT.search(text) or (path.startswith(here) and column_dir(url) != here)
            ):
                yield response.follow(
                    url,
                    callback=self.parse_column,
                    errback=self.on_error,
                    cb_kwargs={"unit": self.unit_of_column(url, text, unit)},
                )
        for page in pager_pages(response.text, response.url):
            yield response.follow(page, callback=self.parse_column, errback=self.on_error, cb_kwargs={"unit": unit})
