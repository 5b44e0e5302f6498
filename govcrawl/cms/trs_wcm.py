"""TRS WCM (TRS 集约化平台): tj.gov.cn, the Tianjin districts and many provincial portals.

Columns are folders; a column page lists its articles (`./YYYYMM/tYYYYMMDD_id.html`, `.htm`,
`.shtml`) and links to its sub-columns (a year, a unit). Lists come in two shapes:

1. static pages `index.html`, `index_1.html`, …, announced by the pager script
   `createPageHTML(total, current, "index", "html")`;
2. "动静结合" (static and dynamic): the first `maxStaticIndex` pages static, the later ones only
   through the platform's list API, which the page's script calls as
   `require(["list2.trsapi"], … listModel({maxStaticIndex, listArgs: {channelid, classsql,
   sortfield}, pagebar: {prepage, recordCount}}))` (../shared/samples/pingtan-list.html). The
   arguments are JavaScript expressions (`SiteInfo.searchId`, `"" || "chnlid=1813"`) and are
   resolved from the page the way the script would. The API is asked, page by page, with those
   arguments plus `prepage` and `page` (1-based). Its path is in the platform's script, not in the
   page: the default, LIST_API, is the one Fujian's TRS portals use (uncertain); a portal definition
   names its own as `lists.list_api`. The answer is read in the shapes TRS list APIs return —
   JSON (or JSONP) whose records carry a title and a URL (`doctitle`/`chnldocurl`/`docreltime`
   as the sample's template binds them, or `title`/`url`/`pubDate`…), or an HTML fragment of
   links — and its links resolve against the list page, as they do in the browser. An answer of
   any other shape is `unreadable`, and a call whose arguments the page does not give (a variable
   set by another script) cannot be made: the spider then reads the list page in the browser,
   every page of it through its own pager (browser.read_every_page).

Which columns to enter is decided by link text and structure, never by guessing URLs: a column
named like an annual report (年报, 2021年度, xxgknb2021), a column whose folder is named like one
(zfxxgknb42), or a column below the current one whose link names a unit or a group of units
(a disclosure hub's 区级机关 → 天津市河东区民政局). Everything else a page links to — the
portal's other columns, a unit's 指南 and 制度 — is left alone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.etree
import lxml.html
from parsel import Selector

from govcrawl.cms.list_rules import (
    LINKS_BASE, MAX_LIST_PAGES, REPORT_COLUMN_FOLDER, REPORT_COLUMN_TEXT, ListPage, ListRules, PagesCut, last_folder,
    names_unit, pages_within,
)
from govcrawl.definitions import DefinitionError

ARTICLE_PATH = re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$")
# A column is a folder: `…/gknb/`, `…/gknb/index.html`, `…/gknb/nlist.htm`, or `…/gknb` (the
# server adds the slash).
COLUMN_PATH = re.compile(r"(/|/(?:index|\w*list)(_\d+)?\.s?html?|/[^/.]+)$")
PAGER_CALL = re.compile(r"""createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["'](\w+)["']\s*,\s*["'](\w+)["']""")

# -- the 动静结合 list API ---------------------------------------------------------------------
LIST_API = "/fjdzapp/search"
LIST_API_CALL = re.compile(r"""require\(\s*\[\s*["']list2?\.trsapi["']""")
# JavaScript strings and comments: comments are dropped before reading the call's arguments.
JS_STRING_OR_COMMENT = re.compile(r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|//[^\n]*|/\*.*?\*/""", re.DOTALL)
JS_PROPERTY = re.compile(r"""(\w+)\s*:\s*((?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^,"'{}])+)""")
JS_STRING = re.compile(r"""^(["'])(.*)\1$""", re.DOTALL)
# The operands of `a || b || …` (a `||` inside a string is no operator).
JS_ALTERNATIVE = re.compile(r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|[^|"']|(?<!\|)\|(?!\|))+""")
JS_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
JS_REFERENCE = re.compile(r"^([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$")
JSONP = re.compile(r"^[\w$.]+\s*\((.*)\)\s*;?\s*$", re.DOTALL)
# Keys of the records of a JSON list answer (compared in lower case), in order of preference.
RECORD_URL_KEYS = ("chnldocurl", "docpuburl", "docurl", "url", "link", "href")
RECORD_TITLE_KEYS = ("doctitle", "title", "docname", "name", "subject")
RECORD_DATE_KEYS = ("docreltime", "docpubtime", "pubdate", "publishdate", "pubtime", "releasetime", "date", "time")


def column_dir(url: str) -> str:
    """The folder of a page: `…/gknb/` for `…/gknb/`, `…/gknb/index_1.html` and `…/gknb`."""
    path = urlsplit(url).path or "/"
    if path.endswith("/"):
        return path
    head, last = path.rsplit("/", 1)
    return f"{head}/" if "." in last else f"{path}/"


def pager_pages(html: str, page_url: str, max_pages: int = MAX_LIST_PAGES) -> list[str | PagesCut]:
    """Every further page of a list, as its pager script announces them (pages 1 … total-1), up
    to `max_pages` pages in all (then a PagesCut)."""
    match = PAGER_CALL.search(html)
    if not match or int(match.group(2)) != 0:
        return []
    prefix, extension = match.group(3), match.group(4)
    total, cut = pages_within(int(match.group(1)), max_pages, page_url)
    return [urljoin(page_url, f"{prefix}_{n}.{extension}") for n in range(1, total)] + cut


def is_report_column(url: str, text: str, page_url: str) -> bool:
    """Whether a column link leads to annual reports. Links up the tree (breadcrumbs, 首页) never
    do: discovery goes down from the start columns, so one district never climbs into another."""
    same_site = urlsplit(url).netloc == urlsplit(page_url).netloc
    if same_site and column_dir(page_url).startswith(column_dir(url)):
        return False
    if REPORT_COLUMN_TEXT.search(text) or REPORT_COLUMN_FOLDER.search(last_folder(url)):
        return True
    return same_site and column_dir(url).startswith(column_dir(page_url)) and names_unit(text)


@dataclass(frozen=True)
class ListApi:
    """A 动静结合 list's call of the list API, with its arguments as the page resolves them."""

    args: dict[str, str]  # listArgs, in the page's order
    per_page: int  # pagebar.prepage
    records: int  # pagebar.recordCount
    static_pages: int  # maxStaticIndex: the first pages, served as files
    unresolved: tuple[str, ...] = ()  # arguments the page gives no value for (set by another script)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.records / self.per_page)) if self.per_page > 0 else 1

    def static_urls(self, page_url: str) -> list[str]:
        """The static pages after the first (index_1.html …), when more than one is static."""
        name = urlsplit(page_url).path.rsplit("/", 1)[-1]
        stem, dot, extension = name.partition(".")
        if not dot:
            stem, extension = "index", "html"
        stem = re.sub(r"_\d+$", "", stem)
        return [urljoin(page_url, f"{stem}_{n}.{extension}") for n in range(1, min(self.static_pages, self.page_count))]

    def api_urls(self, endpoint: str, page_url: str, max_pages: int = MAX_LIST_PAGES) -> list[str | PagesCut]:
        """The API requests of pages static_pages+1 … page_count, as the script makes them, up to
        `max_pages` pages in all (then a PagesCut)."""
        count, cut = pages_within(self.page_count, max_pages, page_url)
        return [
            urljoin(page_url, endpoint) + "?" + urlencode([*self.args.items(), ("prepage", self.per_page), ("page", page)])
            for page in range(self.static_pages + 1, count + 1)
        ] + cut


def _strip_comments(script: str) -> str:
    return JS_STRING_OR_COMMENT.sub(lambda m: m.group(0) if m.group(0)[0] in "\"'" else "", script)


def _object_after(script: str, key: str, start: int = 0) -> dict[str, str] | None:
    """The properties (name → expression) of the flat object literal `key: {…}` after `start`."""
    match = re.compile(rf"\b{key}\s*:\s*\{{([^{{}}]*)\}}").search(script, start)
    return dict(JS_PROPERTY.findall(match.group(1))) if match else None


def _js_value(expression: str, script: str) -> str | None:
    """The value of a simple JavaScript expression as the page's script sees it: string and number
    literals, `Object.property` of an object literal assigned in the page, and `a || b` (the first
    that is not empty). None when the page does not say (a value set elsewhere)."""
    for alternative in JS_ALTERNATIVE.findall(expression):
        alternative = alternative.strip()
        string, reference = JS_STRING.match(alternative), JS_REFERENCE.match(alternative)
        if string:
            value = string.group(2)
        elif JS_NUMBER.match(alternative):
            value = alternative
        elif reference:
            owner = re.search(rf"\b{re.escape(reference.group(1))}\s*=\s*\{{", script)
            found = owner and re.compile(rf"\b{re.escape(reference.group(2))}\s*:\s*([^,\n}}]+)").search(script, owner.end())
            value = _js_value(found.group(1), "") if found else None
        else:
            value = None
        if value:
            return value
    return None


def list_api(html: str) -> ListApi | None:
    """The list API call of a 动静结合 list page, or None when the page makes none."""
    call = LIST_API_CALL.search(html)
    if not call:
        return None
    script = _strip_comments(html)
    call = LIST_API_CALL.search(script)
    if not call:
        return None
    list_args = _object_after(script, "listArgs", call.end()) or {}
    pagebar = _object_after(script, "pagebar", call.end()) or {}
    args, unresolved = {}, []
    for name, expression in list_args.items():
        value = _js_value(expression, script)
        if value is None:
            unresolved.append(name)
        else:
            args[name] = value
    static = re.compile(r"\bmaxStaticIndex\s*:\s*(\d+)").search(script, call.end())

    def number(key: str) -> int:
        value = _js_value(pagebar.get(key, ""), script)
        if not (value and value.isdigit()):
            unresolved.append(f"pagebar.{key}")
            return 0
        return int(value)

    per_page, records = number("prepage"), number("recordCount")
    return ListApi(args, per_page, records, int(static.group(1)) if static else 1, tuple(unresolved))


def _records(data: object) -> list[dict]:
    """Every object in a JSON answer that has a URL and a title: the list's records."""
    if isinstance(data, list):
        return [record for item in data for record in _records(item)]
    if not isinstance(data, dict):
        return []
    keys = {key.lower(): value for key, value in data.items() if isinstance(value, str | int)}
    if any(keys.get(k) for k in RECORD_URL_KEYS) and any(keys.get(k) for k in RECORD_TITLE_KEYS):
        return [keys]
    return [record for value in data.values() for record in _records(value)]


def _first(record: dict, keys: tuple[str, ...]) -> str:
    return next((str(record[k]) for k in keys if record.get(k)), "")


def json_answer(text: str) -> object | None:
    """The data of a JSON or JSONP answer; None when the text is neither."""
    text = text.strip()
    wrapped = JSONP.match(text) if not text.startswith(("{", "[")) else None
    try:
        return json.loads(wrapped.group(1) if wrapped else text)
    except ValueError:
        return None


def _has_entries(data: object) -> bool:
    """Whether JSON data holds a non-empty list anywhere (entries, whatever their shape)."""
    if isinstance(data, list):
        return bool(data)
    return isinstance(data, dict) and any(_has_entries(value) for value in data.values())


def answer_problem(text: str) -> str | None:
    """Why a list API's answer cannot be read, or None: entries of no known shape (JSON objects
    without a title and a URL, HTML without links), or neither JSON nor HTML."""
    data = json_answer(text)
    if data is not None:
        return None if _records(data) or not _has_entries(data) else "JSON entries without a title and a URL"
    if not text.strip() or "<a" in text.lower():
        return None
    return "neither JSON nor HTML links"


def answer_fragment(text: str, base: str) -> str:
    """A list API's answer as HTML list items whose links are absolute (resolved against `base`,
    the list page): from the records of a JSON answer, or the links of an HTML fragment."""
    data = json_answer(text)
    if data is not None:
        items = []
        for record in _records(data):
            title = lxml.html.fromstring(f"<p>{_first(record, RECORD_TITLE_KEYS)}</p>").text_content().strip()
            url = urljoin(base, _first(record, RECORD_URL_KEYS).strip())
            items.append(f'<li><a href="{escape(url)}" title="{escape(title)}">{escape(title)}</a>'
                         f"<span>{escape(_first(record, RECORD_DATE_KEYS))}</span></li>")
        return "<ul>" + "".join(items) + "</ul>"
    try:
        fragment = lxml.html.fragment_fromstring(text, create_parent="div")
    except (lxml.etree.ParserError, ValueError):  # nothing an HTML parser can read (answer_problem says why)
        return "<ul></ul>"
    fragment.make_links_absolute(base, resolve_base_href=False)
    return lxml.html.tostring(fragment, encoding="unicode")


def answer_of(response) -> str | None:
    """The list page a response is the list API's answer for; None for a page itself."""
    return response.meta.get(LINKS_BASE) if response.request is not None else None


class TrsWcmRules(ListRules):
    def __init__(self, definition):
        super().__init__(definition)
        self.list_api = definition.lists.get("list_api", LIST_API)
        if not isinstance(self.list_api, str) or not re.match(r"^(/|https?://)", self.list_api):
            raise DefinitionError(
                f"{definition.source}: portal {definition.name!r}: field 'lists.list_api': "
                f"{self.list_api!r} is not a path (/…) or an http(s) URL"
            )

    def is_article(self, url: str) -> bool:
        return bool(ARTICLE_PATH.search(urlsplit(url).path))

    def is_list(self, url: str) -> bool:
        return bool(COLUMN_PATH.search(urlsplit(url).path))

    def leads_to_reports(self, url: str, text: str, page_url: str) -> bool:
        return is_report_column(url, text, page_url)

    def anchors(self, response):
        base = answer_of(response)
        if base is None:
            return response.css("a[href]")
        return Selector(text=answer_fragment(response.text, base)).css("a[href]")

    def unreadable(self, response) -> str | None:
        if answer_of(response) is None:
            return None
        problem = answer_problem(response.text)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return problem and f"list API answer ({content_type or 'no Content-Type'}): {problem}: {response.text[:120]!r}"

    def further_pages(self, response) -> list[str | ListPage]:
        pages: list[str | ListPage | PagesCut] = pager_pages(response.text, response.url, self.max_pages)
        api = list_api(response.text) if answer_of(response) is None else None
        if api is not None and api.unresolved:
            if not response.meta.get("playwright"):
                pages.append(ListPage(response.url, in_browser=True))
        elif api is not None:
            pages += api.static_urls(response.url)
            pages += [
                ListPage(url, links_base=response.url) if isinstance(url, str) else url
                for url in api.api_urls(self.list_api, response.url, self.max_pages)
            ]
        return pages
