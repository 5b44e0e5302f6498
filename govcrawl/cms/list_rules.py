"""The words and shapes of links on disclosure portals, whatever the CMS: what names a report,
an annual-report column, a unit; the text and list date of a link."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Link texts of a report, of an annual-report column, and of pages that only talk about a report.
REPORT_TEXT = re.compile(r"年报|年度报告|工作报告")
REPORT_COLUMN_TEXT = re.compile(r"年报|年度报告|xxgknb\s*\d{4}|^\s*\d{4}\s*年度?\s*$", re.IGNORECASE)
NOT_A_REPORT_TEXT = re.compile(r"解读|图解|问答|答记者问")
# Folder names of annual-report columns: gknb, xxgknb2020, zfxxgknb42, xxgknb_530, xxgk_zfxgknb_jxlj.
REPORT_COLUMN_FOLDER = re.compile(r"(?:gk|xx)\w*nb", re.IGNORECASE)
# A link text that names a government unit, or a group of units, on a disclosure hub.
UNIT_NAME_TEXT = re.compile(r"(人民政府|委员会|委|办公厅|办公室|局|中心|街道办事处|街道|镇|乡)$")
UNIT_GROUP_TEXT = re.compile(r"部门|机关|单位|街道|街镇|乡镇|区县|区政府|市政府")
# Attachments: a file link, or a link named 附件 or named as the report, that is no web page.
ATTACHMENT_SUFFIX = re.compile(r"\.(docx?|wps|pdf|xlsx?|et)(?:$|[?&#])", re.IGNORECASE)
ATTACHMENT_TEXT = re.compile(r"附件")
WEB_PAGE_SUFFIX = re.compile(r"\.(s?html?|jsp|php|aspx?)$|/$", re.IGNORECASE)
# A page whose list is written by its own script from a data request: only a browser sees it.
SCRIPT_BUILT_LIST = re.compile(r"XMLHttpRequest|\bfetch\(|\$\.(?:ajax|get|getJSON)\(")
LIST_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# Request meta of a list API's answer: the URL of the list page it belongs to (ListPage.links_base).
LINKS_BASE = "govcrawl_links_base"


def link_text(anchor) -> str:
    """The visible text of a link, or its title when the text is cut short with an ellipsis."""
    # The element's own text walk (lxml), as anchor.css("::text") gives it without an XPath per link.
    text = " ".join(t.strip() for t in anchor.root.itertext() if t.strip())
    title = (anchor.attrib.get("title") or "").strip()
    if title and (not text or text.endswith(("...", "…")) or len(title) > len(text)):
        return title
    return text


def attachment_links(response, report_title: str | None) -> dict[str, str]:
    """The attachments a report page links to: URL → link text (the file's name as shown)."""
    found = {}
    for anchor in response.css("a[href]"):
        href = anchor.attrib["href"].strip()
        if href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = response.urljoin(href)
        text = link_text(anchor)
        path_and_query = url.split("//", 1)[-1].split("/", 1)[-1]
        is_file = ATTACHMENT_SUFFIX.search(path_and_query)
        named_as_file = (ATTACHMENT_TEXT.search(text) or (report_title and text == report_title)) and not (
            WEB_PAGE_SUFFIX.search(url.split("?")[0])
        )
        if (is_file or named_as_file) and url != response.url:
            found.setdefault(url, text)
    return found


# Start tags read without parsing the page, to tell whether it needs parsing at all (may_link_files).
A_START = re.compile(r"<a\b", re.IGNORECASE)
A_TAG = re.compile(r"""<a\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
HREF_ATTRIBUTE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
IMG_START = re.compile(r"<img\b", re.IGNORECASE)


def may_link_files(html: str) -> bool:
    """Whether a page may have an attachment or a table picture, read from its markup without
    parsing it: False only when it shows no picture and every link leads to a web page (by the
    same suffixes as attachment_links) or nowhere. Many report pages are only text: parsing them
    in the crawl's thread to find nothing cost as much as fetching them. Anything unclear (a link
    whose start tag or href is not plain, a character reference in a URL) counts as maybe."""
    if IMG_START.search(html):
        return True
    tags = A_TAG.findall(html)
    if len(tags) != len(A_START.findall(html)):
        return True
    for attributes in tags:
        hrefs = HREF_ATTRIBUTE.findall(attributes)
        if not hrefs and "href" in attributes.lower():
            return True
        for href in ("".join(groups).strip() for groups in hrefs):
            if href.startswith(("javascript:", "#", "mailto:")):
                continue
            if "&" in href or ATTACHMENT_SUFFIX.search(href) or not WEB_PAGE_SUFFIX.search(href.split("?")[0]):
                return True
    return False


def names_unit(text: str) -> bool:
    return bool(UNIT_NAME_TEXT.search(text) or UNIT_GROUP_TEXT.search(text))


LIST_ITEMS = ("li", "dl", "tr")  # the elements holding one entry of a list, its link and its date


def list_date(anchor) -> str | None:
    """The date a list shows beside a link (in the same <li>, <dl> or table row)."""
    item = next((element for element in anchor.root.iterancestors() if element.tag in LIST_ITEMS), None)
    item_text = " ".join(item.itertext()) if item is not None else ""
    date = LIST_DATE.search(item_text)
    return "-".join(f"{int(g):02d}" for g in date.groups()) if date else None


def last_folder(url: str) -> str:
    folders = [f for f in url.split("?")[0].split("/")[3:] if f and "." not in f]
    return folders[-1] if folders else ""


# A list is followed up to this many pages (the crawl's setting LIST_MAX_PAGES): a pager that
# announces 2,000,000 pages would otherwise cost gigabytes of requests.
MAX_LIST_PAGES = 1000


@dataclass(frozen=True)
class PagesCut:
    """A list announcing more pages than the limit: its first `limit` pages are followed, and
    the rest is an error entry of the list page."""

    list_url: str
    announced: int
    limit: int

    @property
    def reason(self) -> str:
        return f"the list announces {self.announced:,} pages, more than the limit of {self.limit:,}; the first {self.limit:,} are read"


def pages_within(count: int, limit: int, list_url: str) -> tuple[int, list[PagesCut]]:
    """How many of a list's `count` pages to follow, and the cut when there are more."""
    return (count, []) if count <= limit else (limit, [PagesCut(list_url, count, limit)])


class ListRules:
    """What a CMS family defines: which links are articles, which are list pages, which list pages
    lead to annual reports, and where a list's further pages are. One instance per portal."""

    max_pages: int = MAX_LIST_PAGES  # a spider sets the crawl's LIST_MAX_PAGES

    def __init__(self, definition):
        self.definition = definition

    def is_article(self, url: str) -> bool:
        raise NotImplementedError

    def is_list(self, url: str) -> bool:
        raise NotImplementedError

    def leads_to_reports(self, url: str, text: str, page_url: str) -> bool:
        raise NotImplementedError

    def further_pages(self, response) -> list[str | ListPage | PagesCut]:
        """A list's other pages: URLs, or ListPage for pages fetched by POST or from a list API;
        a PagesCut when the list announces more than max_pages."""
        raise NotImplementedError

    def anchors(self, response):
        """The links of a list page; families whose lists hide in scripts add those."""
        return response.css("a[href]")

    def unreadable(self, response) -> str | None:
        """Why a list API's answer (a ListPage with `links_base`) that gave no article could not
        be read — a shape the rules do not know — or None. The spider then reads its list page
        in the browser, page by page."""
        return None


@dataclass(frozen=True)
class ListPage:
    url: str
    formdata: dict[str, str] | None = None  # sent by POST when given
    # A list API's answer: the list page whose script asks for it, which its relative links
    # resolve against (as they do when the script writes them into that page).
    links_base: str | None = None
    # A list page to read in the browser, every page of it through its own pager: its script's
    # call cannot be made from what the page says.
    in_browser: bool = False


def names_report(text: str) -> bool:
    """Whether a list's link text names an annual report (and not a page about one, 解读)."""
    return bool(REPORT_TEXT.search(text)) and not NOT_A_REPORT_TEXT.search(text)
