"""Hanweb jcms (大汉): linhai.gov.cn and most Zhejiang portals.

Columns are `/col/col{id}/index.html`; articles `/art/YYYY/M/D/art_{colid}_{id}.html`, and
Zhejiang's annual-report module renders reports at `/module/xxgk/xxgkAnnualReport.jsp?area=…`.
A column page carries the first page of its list inside `<script type="text/xml"><datastore>`
as CDATA records, not as links; the page script (jpage) fetches the rest from
`/module/web/jpage/dataproxy.jsp?startrecord=…&endrecord=…&perpage=…` by POST with the column's
parameters, answering the same datastore XML. Both are read here without a browser.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlsplit

from parsel import Selector

from govcrawl.cms.list_rules import REPORT_TEXT, ListPage, ListRules, PagesCut, names_unit, pages_within

ARTICLE_PATH = re.compile(r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$|^/module/xxgk/xxgkAnnualReport\.jsp$")
COLUMN_PATH = re.compile(r"^/col/col\d+/(?:index\.html)?$|^/module/web/jpage/dataproxy\.jsp$")
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
# The jpage call of a column page: records per page, how many there are, what to post.
JPAGE_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)")
JPAGE_TOTAL = re.compile(r"totalRecord\s*:\s*(\d+)")
JPAGE_GROUP = re.compile(r"groupSize\s*:\s*(\d+)")
JPAGE_PARAMS = re.compile(r"ajaxParam\s*:\s*(\{.*?\})", re.DOTALL)
JPAGE_PROXY = re.compile(r"""proxyUrl\s*:\s*["']([^"']+)["']""")


class HanwebRules(ListRules):
    def is_article(self, url: str) -> bool:
        return bool(ARTICLE_PATH.search(urlsplit(url).path))

    def is_list(self, url: str) -> bool:
        return bool(COLUMN_PATH.search(urlsplit(url).path))

    def leads_to_reports(self, url: str, text: str, page_url: str) -> bool:
        # Year columns are named 「2022年度工作报告」, unit columns by the unit (古城街道).
        return url != page_url and "dataproxy" not in url and bool(REPORT_TEXT.search(text) or names_unit(text))

    def anchors(self, response):
        records = RECORD.findall(response.text)
        found = response.css("a[href]") if "html" in response.headers.get("Content-Type", b"html").decode() else []
        return [*found, *Selector(text="".join(records) or "<p></p>").css("a[href]")]

    def further_pages(self, response) -> list[ListPage | PagesCut]:
        """The dataproxy requests after the first page, as the column page's jpage call makes them:
        `groupSize` pages of `perPage` records per request, the window never cut at the total; up
        to max_pages requests in all, a request counting as one page (then a PagesCut)."""
        per_page, total, params = (p.search(response.text) for p in (JPAGE_PER_PAGE, JPAGE_TOTAL, JPAGE_PARAMS))
        if not (per_page and total and params):
            return []
        group = JPAGE_GROUP.search(response.text)
        per_page, total = int(per_page.group(1)), int(total.group(1))
        window = per_page * (int(group.group(1)) if group else 1)
        proxy = JPAGE_PROXY.search(response.text)
        formdata = {key: str(value) for key, value in json.loads(params.group(1)).items()}
        requests, cut = pages_within(math.ceil(total / window) if window > 0 else 1, self.max_pages, response.url)
        return [
            ListPage(
                url=f"{proxy.group(1) if proxy else '/module/web/jpage/dataproxy.jsp'}"
                f"?startrecord={start}&endrecord={start + window - 1}&perpage={per_page}",
                formdata=formdata,
            )
            for start in range(window + 1, min(total, requests * window) + 1, window)
        ] + cut
