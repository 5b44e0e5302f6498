"""`govcrawl doctor`: what the spiders make of a portal's pages, shown at once — for a user whose
definition finds nothing, and as the text to paste into a bug report.

It runs the real thing rather than a model of it: a Scrapy crawl with the project's settings,
download handler (REPLICA_URL routing included), robots.txt, pipelines (attachments, the
extraction engine) and the portal's own spider class, subclassed only to record what it does.
Given a URL, the crawl starts there; given `--portal` alone, at the portal's start URLs. A URL
whose host no definition covers is read with an ad-hoc portal whose CMS family is the one whose
rules recognise its first page best.

For every list page read it says which CMS family's rules recognise it and why (links of the
family's article shape, its pager, its list data), the items it lists (title, date, URL, whether
the title names a report, the unit and year the crawl would give), the columns it enters and the
further pages it would follow (static pages, list-API pages, POSTed pages; whether the browser is
needed). For every report page read, what the engine made of it (title, unit, year, format, the
tables found, where they came from). At most `max_lists` list pages are read; the rest are named.

The first page that is no list (no article link, no column, no further page) is said to be none,
and read with the engine directly to say what it is. Exit status: 0 when a report was found, 1
when none was, 2 when the page asked about is not a list.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse
from scrapy.settings import Settings

import govcrawl
from govcrawl.cms import FAMILIES
from govcrawl.cms.hanweb import JPAGE_TOTAL, RECORD
from govcrawl.cms.list_rules import ListPage, PagesCut, link_text, list_date, names_report
from govcrawl.cms.trs_wcm import PAGER_CALL, list_api
from govcrawl.definitions import PortalDefinition, Unit, load_definitions, user_directories
from govcrawl.items import CrawlError, Report, ReportPage, utc_now
from govcrawl.browser import browser_pages, read_every_page
from govcrawl.spiders.base import list_anchors
from govcrawl.spiders.loader import spider_class

TABLE_NAMES = {"active_disclosure": "表二 主动公开", "applications": "表三 依申请", "review_litigation": "表四 复议诉讼"}
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class Recognition:
    family: str
    articles: int | None  # links of the family's article shape; None: not tried
    lists: int | None  # links of its list shape
    signs: list[str] = field(default_factory=list)  # its pager script, its list data

    @property
    def recognised(self) -> bool:
        return bool(self.articles or self.signs)

    @property
    def why(self) -> str:
        if self.articles is None:
            return "not tried: its URL shapes come from a definition's [lists]"
        return "; ".join([f"{self.articles} links of its article shape", f"{self.lists} of its list shape", *self.signs])


@dataclass
class Item:
    title: str
    date: str | None
    url: str
    report: bool  # whether the title names a report (the crawl follows only those)
    unit: str | None  # the unit the crawl passes on: the column's, or None (the engine reads the page)
    year: int | None  # the year the title names


@dataclass
class ListDiagnosis:
    url: str
    status: int
    content_type: str
    size: int
    cms: str  # the family whose rules read it
    recognitions: list[Recognition]
    items: list[Item] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    further: list[str] = field(default_factory=list)  # "kind: URL"
    list_api: dict | None = None
    browser: str = "not needed"
    problem: str | None = None  # an answer of a shape the rules cannot read
    not_read: list[str] = field(default_factory=list)  # lists left out, past max_lists

    @property
    def is_list(self) -> bool:
        return bool(self.items or self.columns or self.further or self.list_api or self.browser != "not needed")


@dataclass
class Diagnosis:
    start: list[str]
    portal: str
    cms: str
    definition: str  # where the definition comes from
    replica: str | None
    lists: list[ListDiagnosis] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)  # what the engine made of each report page
    not_reports: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    not_a_list: dict | None = None  # the first page, when it is no list: what the engine reads in it

    @property
    def exit_status(self) -> int:
        if self.not_a_list is not None:
            return 2
        return 0 if self.reports else 1


def family_signs(family: str, response) -> list[str]:
    """What marks a page as the family's besides its links: its pager script, its list data."""
    text = response.text
    if family == "trs_wcm":
        signs = []
        pager = PAGER_CALL.search(text)
        if pager:
            signs.append(f"createPageHTML pager ({pager.group(1)} pages)")
        if list_api(text) is not None:
            signs.append("list2.trsapi call (动静结合 list)")
        return signs
    if family == "hanweb":
        records = RECORD.findall(text)
        jpage = JPAGE_TOTAL.search(text)
        return ([f"<datastore> with {len(records)} records"] if records else []) + (
            [f"jpage call ({jpage.group(1)} records)"] if jpage else [])
    return []


def recognise(response, definition: PortalDefinition) -> list[Recognition]:
    """Each CMS family's reading of a page: how many of its links are articles and columns of the
    family's shapes, and the family's own marks. link_list needs the URL shapes of a definition."""
    found = []
    for family, rules_class in FAMILIES.items():
        if family == "link_list" and not definition.lists.get("article"):
            found.append(Recognition(family, None, None))
            continue
        rules = rules_class(replace(definition, cms=family))
        urls = [response.urljoin(a.attrib["href"].strip()) for a in rules.anchors(response)]
        found.append(Recognition(family, sum(map(rules.is_article, urls)), sum(map(rules.is_list, urls)),
                                 family_signs(family, response)))
    return found


def best_family(recognitions: list[Recognition]) -> str:
    """The family that recognises a page by the most marks, then article links (ad-hoc portals)."""
    return max(recognitions, key=lambda r: (len(r.signs), r.articles or 0)).family


def describe_further(page: str | ListPage | PagesCut, response) -> str:
    if isinstance(page, PagesCut):
        return f"not followed: {page.reason}"
    if isinstance(page, str):
        return f"static page: {response.urljoin(page)}"
    if page.in_browser:
        return f"in the browser, page by page through its pager: {response.urljoin(page.url)}"
    if page.links_base is not None:
        return f"list API page: {response.urljoin(page.url)}"
    return f"POST page ({json.dumps(page.formdata, ensure_ascii=False)}): {response.urljoin(page.url)}"


def record_summary(record: dict) -> dict:
    return {
        "url": record["url"], "title": record["title"], "unit": record["unit"], "year": record["year"],
        "format": record["format"], "tables": [TABLE_NAMES[k] for k, v in record["tables"].items() if v],
        "via": record.get("via"), "flags": record["flags"],
        "failing_checks": sorted(c["rule"] for c in record["checks"] if c["status"] == "fail"),
    }


def doctor_spider(base: type, diagnosis: Diagnosis, url: str | None, max_lists: int, adhoc: bool) -> type:
    """The portal's spider, recording each list page it reads and the requests it makes; it
    starts at `url`, or where the portal's spider starts."""

    class DoctorSpider(base):
        name = base.name

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.queued = set(diagnosis.start)  # list pages asked for, the start included

        async def start(self):
            if url is None:  # the portal's own start: its start URLs and its shared columns
                async for request in super().start():
                    yield request
            else:
                yield self.column_request(url, self.name, None)

        def parse_column(self, response, portal: str, unit: dict | None):
            if not isinstance(response, TextResponse):  # a PDF, a Word file: no list
                if url is not None and not diagnosis.lists:
                    diagnosis.not_a_list = read_directly(response, portal)
                return
            definition = self.portals[portal]
            recognitions = recognise(response, definition)
            if adhoc and not diagnosis.lists:
                diagnosis.cms = best_family(recognitions)
                self.rules[portal] = FAMILIES[diagnosis.cms](replace(definition, cms=diagnosis.cms))
            rules = self.rules[portal]
            entry = ListDiagnosis(
                url=response.url, status=response.status,
                content_type=response.headers.get("Content-Type", b"").decode("latin-1"), size=len(response.body),
                cms=diagnosis.cms, recognitions=recognitions, further=[describe_further(p, response) for p in rules.further_pages(response)],
            )
            api = list_api(response.text) if diagnosis.cms == "trs_wcm" else None
            if api is not None:
                entry.list_api = asdict(api) | {"endpoint": rules.list_api, "pages": api.page_count}
            for anchor in list_anchors(rules, response):
                link = response.urljoin(anchor.attrib["href"].strip())
                if rules.is_article(link):
                    title = link_text(anchor)
                    year = TITLE_YEAR.search(title)
                    entry.items.append(Item(title, list_date(anchor), link, names_report(title),
                                            (unit or {}).get("name"), int(year.group(1)) if year else None))
            if browser_pages(response):
                entry.browser = f"read in the browser, {len(browser_pages(response))} pages through its pager"
            elif response.meta.get("playwright"):
                entry.browser = "read in the browser"
            entry.problem = rules.unreadable(response) if not entry.items else None
            diagnosis.lists.append(entry)
            for output in super().parse_column(response, portal, unit):
                if isinstance(output, scrapy.Request) and output.callback == self.parse_column:
                    walks = any(m.method is read_every_page for m in output.meta.get("playwright_page_methods", []))
                    if output.meta.get("playwright") and not walks and output.url == response.url:
                        entry.browser = "needed: the list is built by the page's script (no article link in the HTML)"
                    elif walks and entry.problem:
                        entry.browser = f"needed: {output.url} is read in the browser, page by page"
                    elif walks:
                        entry.browser = "needed: the list API call is not all in the page; read page by page through its pager"
                    elif not any(f.endswith(" " + output.url) for f in entry.further) and output.url not in entry.columns:
                        entry.columns.append(output.url)
                    if output.url not in self.queued and len(self.queued) >= max_lists:
                        entry.not_read.append(output.url)
                        continue
                    self.queued.add(output.url)
                yield output
            if url is not None and entry is diagnosis.lists[0] and not entry.is_list:
                diagnosis.not_a_list = read_directly(response, portal)

    return DoctorSpider


def read_directly(response, portal: str) -> dict:
    """What the engine makes of a page that is no list (often a report page itself)."""
    from govcrawl.extract import ExtractionError, extract

    media_type = response.headers.get("Content-Type", b"").decode("latin-1").split(";")[0].strip() or None
    try:
        record = extract(response.body, media_type=media_type, url=response.url, portal=portal).record
    except ExtractionError as error:
        return {"url": response.url, "error": str(error)}
    if "not_a_report" in record["flags"]:
        return {"url": response.url, "report": False, "title": record["title"]}
    return {"report": True, **record_summary(record)}


def find_definition(url: str | None, portal: str | None, definitions: list[PortalDefinition]) -> PortalDefinition | None:
    """The definition asked for, or the one whose domains cover the URL's host (its start URLs'
    host first: gk.tj.gov.cn is in every district's domains but is the municipal portal's)."""
    if portal is not None:
        for definition in definitions:
            if definition.name == portal:
                return definition
        raise SystemExit(f"govcrawl doctor: no portal named {portal!r} (see `scrapy list`)")
    host = urlsplit(url).hostname or ""
    covering = [d for d in definitions if any(host == dom or host.endswith("." + dom) for dom in d.allowed_domains)]
    covering.sort(key=lambda d: not any(urlsplit(s).hostname == host for s in d.start_urls))
    return covering[0] if covering else None


def diagnose(url: str | None, portal: str | None = None, replica: str | None = None, max_lists: int = 100) -> Diagnosis:
    """Run the crawl and return what it saw."""
    if url is None and portal is None:
        raise SystemExit("govcrawl doctor: give a URL, --portal NAME, or both")
    settings = Settings()
    settings.setmodule("govcrawl.settings", priority="project")
    definitions = load_definitions(user_directories(settings.getlist("PORTAL_DIRS")))
    definition = find_definition(url, portal, definitions)
    adhoc = definition is None
    if adhoc:
        host = urlsplit(url).hostname or ""
        definition = PortalDefinition(name="doctor", cms="trs_wcm", allowed_domains=(host,), start_urls=(url,),
                                      owner=Unit(name=host), source="(no definition covers this host)")
    start = [url] if url else [*definition.start_urls, *(shared for shared, _ in definition.shared_columns)]
    diagnosis = Diagnosis(start, definition.name, definition.cms, definition.source or "", replica or None)
    with tempfile.TemporaryDirectory(prefix="govcrawl-doctor-") as store:
        overrides = {"FEEDS": {}, "RAW_STORE_DIR": store, "LOG_LEVEL": "ERROR", "REPLICA_URL": replica or ""}
        overrides["CORPUS_REVISIT"] = False  # the doctor reads what the pages it is given lead to, not the corpus's reports
        if replica:  # politeness is for the real portals
            overrides |= {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
        settings.setdict(overrides, priority="cmdline")
        process = CrawlerProcess(settings)
        base = spider_class(definition, definitions if not adhoc else [definition])
        crawler = process.create_crawler(doctor_spider(base, diagnosis, url, max_lists, adhoc))

        def scraped(item, response, spider):
            if isinstance(item, Report):
                diagnosis.reports.append(record_summary(item.record))
            elif isinstance(item, CrawlError):
                diagnosis.errors.append({"url": item.url, "stage": item.stage, "error": item.error, "detail": item.detail})

        def dropped(item, response, exception, spider):
            if isinstance(item, ReportPage):
                diagnosis.not_reports.append({"url": item.url, "why": str(exception)})

        crawler.signals.connect(scraped, signal=signals.item_scraped)
        crawler.signals.connect(dropped, signal=signals.item_dropped)
        process.crawl(crawler)
        process.start()
    return diagnosis


# -- the text a user reads (and pastes) ---------------------------------------------------

def format_diagnosis(d: Diagnosis) -> str:
    lines = [
        f"govcrawl doctor {govcrawl.__version__} — {utc_now()}",
        f"portal: {d.portal} (cms {d.cms}; definition: {d.definition})" + (f" — through the replica {d.replica}" if d.replica else ""),
        f"start: {' '.join(d.start)}",
    ]
    for n, page in enumerate(d.lists, 1):
        lines += ["", f"page {n}: {page.url}  ({page.status}, {page.content_type or '?'}, {page.size} bytes)",
                  f"  read with the {page.cms} rules"]
        for r in page.recognitions:
            lines.append(f"    {r.family}: {'recognises it' if r.recognised else 'no'} — {r.why}")
        lines.append(f"  items ({len(page.items)}):")
        for item in page.items:
            unit = item.unit or "(the engine reads it from the page)"
            lines.append(f"    [{'report' if item.report else 'not a report'}] {item.date or '----------'}  {item.title}")
            lines.append(f"        {item.url}  → unit: {unit}; year: {item.year or '?'}")
        lines.append(f"  columns it enters ({len(page.columns)}):" + "".join(f"\n    {c}" for c in page.columns))
        lines.append(f"  further pages ({len(page.further)}):" + "".join(f"\n    {f}" for f in page.further))
        if page.list_api:
            api = page.list_api
            args = ", ".join(f"{k}={v}" for k, v in api["args"].items())
            lines.append(f"  list API (动静结合): {api['endpoint']} with {args}; {api['records']} records, "
                         f"{api['per_page']} per page, {api['static_pages']} static page(s), {api['pages']} pages"
                         + (f"; NOT in the page: {', '.join(api['unresolved'])}" if api["unresolved"] else ""))
        lines.append(f"  browser: {page.browser}")
        if page.problem:
            lines.append(f"  PROBLEM: {page.problem}")
        if page.not_read:
            lines.append(f"  not read (over --max-lists): {len(page.not_read)}" + "".join(f"\n    {u}" for u in page.not_read))
    if d.not_a_list is not None:
        page = d.not_a_list
        lines += ["", f"NOT A LIST: {d.lists[0].url if d.lists else d.start[0]} has no article link, no column, no further page."]
        if page.get("report"):
            lines.append(f"  it is a report page: {_report_line(page)}")
        else:
            lines.append(f"  the engine reads no report in it: {page.get('error') or page.get('title')!r}")
    lines += ["", f"report pages read ({len(d.reports)}):"] + [f"  {_report_line(r)}" for r in d.reports]
    if d.not_reports:
        lines += ["", f"pages read that are no report ({len(d.not_reports)}):"] + [f"  {r['url']}" for r in d.not_reports]
    lines += ["", f"errors ({len(d.errors)}):"] + [
        f"  [{e['stage']}] {e['url']}: {e['error']}" + (f" ({e['detail']})" if e["detail"] else "") for e in d.errors]
    items = sum(item.report for page in d.lists for item in page.items)
    lines += ["", f"summary: {len(d.lists)} list pages, {items} report links, {len(d.reports)} reports read, "
                  f"{len(d.errors)} errors — " + ("OK" if d.exit_status == 0 else "NO REPORT FOUND" if d.exit_status == 1 else "NOT A LIST")]
    return "\n".join(lines)


def _report_line(r: dict) -> str:
    unit = r["unit"] or {}
    tables = ", ".join(r["tables"]) or "none"
    return (f"{r['url']}\n    {r['title']} | unit: {unit.get('name')} ({unit.get('region_code')}, {unit.get('level')}) | "
            f"year: {r['year']} | format: {r['format']} | tables: {tables} | via: {r['via']}"
            + (f" | flags: {', '.join(r['flags'])}" if r["flags"] else ""))


def as_json(d: Diagnosis) -> str:
    return json.dumps({**asdict(d), "exit_status": d.exit_status}, ensure_ascii=False, indent=1)
