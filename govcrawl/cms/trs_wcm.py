"""TRS WCM (TRS 集约化平台): tj.gov.cn, the Tianjin districts and many provincial portals.

Columns are folders; a column page lists its articles (`./YYYYMM/tYYYYMMDD_id.html`) and links
to its sub-columns (a year, a unit). Further list pages are `index_1.html`, `index_2.html`, …,
announced by the pager script `createPageHTML(total, current, "index", "html")`.

Which columns to enter is decided by link text and structure, never by guessing URLs: a column
named like an annual report (年报, 2021年度, xxgknb2021), a column whose folder is named like one
(zfxxgknb42), or a column below the current one whose link names a unit or a group of units
(a disclosure hub's 区级机关 → 天津市河东区民政局). Everything else a page links to — the
portal's other columns, a unit's 指南 and 制度 — is left alone.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from govcrawl.cms.list_rules import REPORT_COLUMN_FOLDER, REPORT_COLUMN_TEXT, ListRules, last_folder, names_unit

ARTICLE_PATH = re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$")
# A column is a folder: `…/gknb/`, `…/gknb/index.html`, or `…/gknb` (the server adds the slash).
COLUMN_PATH = re.compile(r"(/|/index(_\d+)?\.s?html?|/[^/.]+)$")
PAGER_CALL = re.compile(r"""createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["'](\w+)["']\s*,\s*["'](\w+)["']""")


def column_dir(url: str) -> str:
    """The folder of a page: `…/gknb/` for `…/gknb/`, `…/gknb/index_1.html` and `…/gknb`."""
    path = urlsplit(url).path or "/"
    if path.endswith("/"):
        return path
    head, last = path.rsplit("/", 1)
    return f"{head}/" if "." in last else f"{path}/"


def pager_pages(html: str, page_url: str) -> list[str]:
    """Every further page of a list, as its pager script announces them (pages 1 … total-1)."""
    match = PAGER_CALL.search(html)
    if not match or int(match.group(2)) != 0:
        return []
    total, prefix, extension = int(match.group(1)), match.group(3), match.group(4)
    return [urljoin(page_url, f"{prefix}_{n}.{extension}") for n in range(1, total)]


def is_report_column(url: str, text: str, page_url: str) -> bool:
    """Whether a column link leads to annual reports. Links up the tree (breadcrumbs, 首页) never
    do: discovery goes down from the start columns, so one district never climbs into another."""
    same_site = urlsplit(url).netloc == urlsplit(page_url).netloc
    if same_site and column_dir(page_url).startswith(column_dir(url)):
        return False
    if REPORT_COLUMN_TEXT.search(text) or REPORT_COLUMN_FOLDER.search(last_folder(url)):
        return True
    return same_site and column_dir(url).startswith(column_dir(page_url)) and names_unit(text)


class TrsWcmRules(ListRules):
    def is_article(self, url: str) -> bool:
        return bool(ARTICLE_PATH.search(urlsplit(url).path))

    def is_list(self, url: str) -> bool:
        return bool(COLUMN_PATH.search(urlsplit(url).path))

    def leads_to_reports(self, url: str, text: str, page_url: str) -> bool:
        return is_report_column(url, text, page_url)

    def further_pages(self, response) -> list[str]:
        return pager_pages(response.text, response.url)
