"""Build the offline replica of the Tianjin portal: `python -m govcrawl.replica.build`.

Writes govcrawl/replica/sites/{www,fzgg,gk}.tj.gov.cn/ and govcrawl/replica/manifest.json,
deterministically (seeded RNG, dates from the model, no timestamps). The manifest records what
was rendered — every list page, every report with its tables as the numbers the tables were
drawn from, the pages that are not reports and the URLs a correct crawl never requests — so the
tests compare the crawl against the builder, never against a parser.

Real facts used (see /work/shared/spec/portals.md and the brief): URL layout of www.tj.gov.cn
(gknb/xxgknb{YEAR}/{unit}/YYYYMM/tYYYYMMDD_id.html), seed 000's page (text in source/),
fzgg.tj.gov.cn's column and one report URL, gk.tj.gov.cn's column and two report URLs with their
dates. Everything else — other units' reports, their numbers, ids and dates — is invented.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from govcrawl.replica import pages, prose
from govcrawl.replica import tables as t
from govcrawl.replica.pages import ListEntry

REPLICA_DIR = Path(__file__).resolve().parent
SITES_DIR = REPLICA_DIR / "sites"
MANIFEST_PATH = REPLICA_DIR / "manifest.json"
SEED_000 = REPLICA_DIR / "source" / "seed_000_tianjin_2020.txt"
SEED = 20240601

WWW = "https://www.tj.gov.cn"
GKNB = f"{WWW}/zwgk/zfxxgkzl/gknb/"
FZGG_COLUMN = "https://fzgg.tj.gov.cn/zwgk_47325/zfxxgk1/zfxxgknb1/"
GK_COLUMN = "http://gk.tj.gov.cn/xxgknb_530/"
YEARS = range(2019, 2025)

# The links of the gknb column page to its year columns, in the mixed forms real pages use; the
# 2024 one lacks the trailing slash (the server answers 301).
YEAR_LINKS = {
    2024: ("./xxgknb2024", "2024年政府信息公开工作年度报告"),
    2023: (f"{GKNB}xxgknb2023/", "2023年度"),
    2022: ("./xxgknb2022/", "xxgknb2022"),
    2021: ("./xxgknb2021/", "2021年"),
    2020: ("./xxgknb2020/", "2020年度政府信息公开工作年度报告"),
    2019: ("./xxgknb2019/index.html", "2019年"),
}
# Other domains the year columns link to; the tianjin crawl never enters them.
DISTRICT_PORTALS = (
    ("天津市和平区人民政府", "http://www.tjhp.gov.cn/zwgk/zfxxgk/fdzdgknr/zfxxgknb/"),
    ("天津市红桥区人民政府", "http://www.tjhq.gov.cn/zwgk/xxgknb/"),
)


@dataclass(frozen=True)
class Unit:
    name: str
    region_code: str
    level: str
    short: str         # how the unit names itself in prose
    title_prefix: str  # what precedes "{year}年政府信息公开工作年度报告" in its titles
    scale: int         # applications finished in a year, roughly

    def record(self) -> dict:
        return {"name": self.name, "region_code": self.region_code, "level": self.level}

    def title(self, year: int) -> str:
        return f"{self.title_prefix}{year}年政府信息公开工作年度报告"


def department(name: str, short: str, scale: int) -> Unit:
    return Unit(name, "120000", "department", short, name, scale)


TIANJIN = Unit("天津市人民政府", "120000", "province", "天津市", "天津市", 17000)
GENERAL_OFFICE = department("天津市人民政府办公厅", "市政府办公厅", 400)
FZGG = department("天津市发展和改革委员会", "市发展改革委", 150)
# 市级部门 whose 2021 reports www.tj.gov.cn hosts in xxgknb2021/sjbm/.
SJBM_UNITS = (
    department("天津市教育委员会", "市教委", 260),
    department("天津市科学技术局", "市科技局", 40),
    department("天津市工业和信息化局", "市工业和信息化局", 60),
    department("天津市民政局", "市民政局", 90),
    department("天津市财政局", "市财政局", 120),
    department("天津市人力资源和社会保障局", "市人社局", 310),
    department("天津市生态环境局", "市生态环境局", 180),
)
SJBM_DEAD = department("天津市商务局", "市商务局", 50)  # listed, but its page is gone (404)
SJBM_PER_PAGE = 5
FZGG_PER_PAGE = 4
GK_PER_PAGE = 8

# gk.tj.gov.cn units: folder, unit, publisher as the page writes it, years, and the real
# (date, id) of pages we know.
GK_UNITS = (
    ("tjsrmzf", Unit("天津市人民政府", "120000", "province", "天津市", "天津市人民政府", 60), "天津市人民政府",
     range(2008, 2018), {2017: (date(2018, 3, 29), 77507)}),
    ("qxzf/hxqrmzf", Unit("天津市河西区人民政府", "120103", "district", "河西区", "天津市河西区", 8), "河西区人民政府",
     range(2012, 2018), {2017: (date(2018, 3, 21), 77384)}),
    ("qxzf/hbqrmzf", Unit("天津市河北区人民政府", "120105", "district", "河北区", "天津市河北区", 6), "河北区人民政府",
     range(2014, 2018), {}),
)

WWW_PUBLISHER = "天津市人民政府办公厅"  # the 来源 of every report page on www.tj.gov.cn, as on seed 000
WWW_CRUMBS = [("/zwgk/zfxxgkzl/", "政府信息公开专栏"), ("/zwgk/zfxxgkzl/gknb/", "政府信息公开工作年度报告")]


@dataclass
class UnitHistory:
    """What one unit's next report continues from: carried-over applications, documents in force."""
    carried: dict[str, int] = field(default_factory=dict)
    in_force: dict[str, int] = field(default_factory=dict)


@dataclass
class Replica:
    """The files of the site trees and the manifest entries, as they are rendered."""
    rng: random.Random
    files: dict[str, bytes] = field(default_factory=dict)
    lists: list[str] = field(default_factory=list)
    reports: list[dict] = field(default_factory=list)
    not_reports: list[dict] = field(default_factory=list)
    off_limits: list[str] = field(default_factory=list)
    histories: dict[str, UnitHistory] = field(default_factory=dict)

    def write(self, url: str, content: str | bytes, encoding: str = "utf-8", index: str = "index.html") -> None:
        parts = urlsplit(url)
        path = parts.path + (index if parts.path.endswith("/") else "")
        data = content if isinstance(content, bytes) else content.encode(encoding)
        self.files[parts.hostname + path] = data

    def write_list(self, url: str, html: str, encoding: str = "utf-8", index: str = "index.html") -> None:
        self.write(url, html, encoding, index)
        self.lists.append(url)

    def add_report(self, url: str, title: str, unit: Unit, year: int, fmt: str, published: str, publisher: str,
                   tables: dict | None, stats: dict, flags: tuple[str, ...] = (),
                   failing_checks: tuple[str, ...] = ()) -> None:
        self.reports.append({
            "url": url, "title": title, "unit": unit.record(), "year": year, "format": fmt,
            "published": published, "publisher": publisher,
            "tables": tables or {"active_disclosure": None, "applications": None, "review_litigation": None},
            "failing_checks": list(failing_checks), "flags": list(flags), "stats": stats,
        })

    def manifest(self) -> dict:
        return {"lists": self.lists, "reports": self.reports, "not_reports": self.not_reports,
                "off_limits": self.off_limits}


# -- helpers ------------------------------------------------------------------------------

def iso_minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M}:00+08:00"


def publication_time(rng: random.Random, year: int) -> datetime:
    """When a report on `year` went online: by 31 March until the 2020 reports, by 31 January after."""
    last_day = date(year + 1, 3, 31) if year <= 2020 else date(year + 1, 1, 31)
    day = last_day - timedelta(days=rng.randint(0, 25))
    return datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.randint(0, 59))


def trs_doc_id(rng: random.Random, day: date) -> int:
    """A TRS document id growing with time, near the real ids (5402052 on 2021-03-30)."""
    return 4_090_000 + (day - date(2019, 1, 1)).days * 1600 + rng.randint(0, 1599)


def article_url(column_url: str, day: date, doc_id: int, ext: str = "html") -> str:
    return f"{column_url}{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.{ext}"


def relative(url: str, column_url: str) -> str:
    return "./" + url[len(column_url):]


def png(width: int, height: int) -> bytes:
    """A small valid grey PNG with a grid, standing in for a screenshot of a table."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(0 if x % 20 == 0 or y % 10 == 0 else 240 for x in range(width))
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


# -- reports ------------------------------------------------------------------------------

def report_tables(replica: Replica, unit: Unit, year: int, fmt: str) -> dict:
    """The three tables of one report, continuing the unit's previous year."""
    rng, history = replica.rng, replica.histories.setdefault(unit.name, UnitHistory())
    finished = max(3, round(unit.scale * replica.rng.uniform(0.7, 1.3)))
    applications = t.make_applications(rng, fmt, finished, history.carried)
    history.carried = {c: applications["carried_over_out"][c] for c in t.APPLICANT_COLUMNS}
    scale = max(1, unit.scale // 100)
    return {
        "active_disclosure": t.make_active_disclosure(rng, fmt, scale, history.in_force),
        "applications": applications,
        "review_litigation": t.make_review_litigation(rng, max(1, unit.scale // 200)),
    }


def break_balance(tables: dict) -> tuple[str, ...]:
    """A real kind of source error: last year's carry-over copied wrong (+2 natural persons).
    The row total follows the wrong cell, so only the stated check of 表三 fails."""
    row = tables["applications"]["carried_over_in"]
    row["natural_person"] += 2
    row["total"] += 2
    return ("applications_balance.natural_person", "applications_balance.total")


def render_article(site: str, url: str, title: str, column: str, publisher: str, published: datetime,
                   body: str) -> tuple[str, str]:
    """An article page of www or fzgg, and its publication time as the page gives it (ISO 8601)."""
    if site == "www":
        return pages.www_article(url, title, column, publisher, published, body), iso_minute(published)
    return pages.fzgg_article(url, title, publisher, published, body), published.date().isoformat()


def paginate(items: list, per_page: int, column_url: str, ext: str) -> list[tuple[str, int, int, list]]:
    """(page URL, page index, page count, items) of a TRS list: index.ext, index_1.ext, …"""
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    return [(column_url + (f"index_{n}.{ext}" if n else ""), n, len(chunks), chunk) for n, chunk in enumerate(chunks)]


@dataclass(frozen=True)
class RenderedReport:
    url: str
    title: str
    published: datetime
    html: str


def synthetic_report(replica: Replica, unit: Unit, year: int, column_url: str, site: str,
                     publisher: str, published: datetime | None = None, doc_id: int | None = None,
                     broken_identity: bool = False, in_manifest: bool = True) -> RenderedReport:
    """A gov2019/gov2021 report page of www or fzgg, recorded in the manifest when `in_manifest`."""
    rng = replica.rng
    fmt = "gov2019" if year <= 2020 else "gov2021"
    published = published or publication_time(rng, year)
    url = article_url(column_url, published.date(), doc_id or trs_doc_id(rng, published.date()))
    tables = report_tables(replica, unit, year, fmt)
    failing = break_balance(tables) if broken_identity else ()
    body, stats = prose.gov_report_body(unit.name, unit.short, year, fmt, tables, t.TableStyle.pick(rng), rng)
    title = unit.title(year)
    html, when = render_article(site, url, title, unit.name, publisher, published, body)
    replica.write(url, html)
    if in_manifest:
        replica.add_report(url, title, unit, year, fmt, when, publisher, tables, stats, failing_checks=failing)
    return RenderedReport(url, title, published, html)


def seed_000(replica: Replica, column_url: str) -> RenderedReport:
    """Seed 000 as its real page: chrome lines in the chrome, body paragraphs in TRS_Editor, and
    the three tables — absent from the page text — as images under their headings."""
    blocks = SEED_000.read_text(encoding="utf-8").split("\n\n")
    chrome, (title, info), body, footer = blocks[:4], blocks[4].split("\n"), blocks[5:-1], blocks[-1]
    assert chrome == ["中央政府门户网站 ----年--月-日 星期-", "无障碍 长者模式", "简体 繁體|", "个人中心 |"], chrome
    assert footer == "IE版本小于10,为了不影响您的浏览效果,请升级IE版本! x", footer
    source = re.fullmatch(r"来源:(\S+) 发布时间:(\d{4}-\d\d-\d\d \d\d:\d\d)", info)
    publisher, published = source.group(1), datetime.strptime(source.group(2), "%Y-%m-%d %H:%M")
    url = article_url(column_url, published.date(), 5402052)
    html_body = []
    for number, paragraph in enumerate(body):
        if re.match(r"[一二三四五六]、", paragraph):
            html_body.append(prose.heading(paragraph, word=False))
        else:
            html_body.append(pages.paragraphs([paragraph]))
        if paragraph[:2] in ("二、", "三、", "四、"):
            image = f"W0{published:%Y%m%d}{539514618650 + number}.png"
            replica.write(urljoin(url, image), png(600, 200))
            html_body.append(f'<p style="text-align:center;"><img src="./{image}" border="0" '
                             f'oldsrc="{image}" alt="" width="600"></p>')
    html = pages.www_article(url, title, TIANJIN.name, publisher, published, "\n".join(html_body))
    replica.write(url, html)
    replica.add_report(url, title, TIANJIN, 2020, "gov2019", iso_minute(published), publisher, None,
                       {"applications.new_received": 17127, "applications.carried_over_in": 367,
                        "applications.results_total": 17097, "applications.carried_over_out": 397},
                       flags=("tables_as_images",))
    return RenderedReport(url, title, published, html)


def write_www_article(replica: Replica, url: str, title: str, column: str, published: datetime, body: str) -> None:
    replica.write(url, pages.www_article(url, title, column, WWW_PUBLISHER, published, body))


# -- www.tj.gov.cn ------------------------------------------------------------------------

def unit_column(replica: Replica, year: int, folder: str, unit: Unit, year_url: str) -> str:
    """xxgknb{year}/{folder}/: the unit's report, and the extra pages some columns hold."""
    column_url = f"{year_url}{folder}/"
    items: list[RenderedReport] = []
    if (folder, year) == ("tjsrmzf", 2020):
        items.append(seed_000(replica, column_url))
    elif (folder, year) == ("szfbgt", 2023):
        broken = synthetic_report(replica, unit, year, column_url, "www", WWW_PUBLISHER, in_manifest=False)
        data = broken.html.encode("utf-8")
        # The transfer broke off in the middle of 表三, inside a character.
        replica.write(broken.url, data[:data.index("（四）无法提供".encode("utf-8")) + 5])
        replica.not_reports.append({"url": broken.url, "why": "broken"})
        items.append(broken)
    else:
        report = synthetic_report(replica, unit, year, column_url, "www", WWW_PUBLISHER,
                                  broken_identity=(folder, year) == ("szfbgt", 2022))
        items.append(report)
        if (folder, year) == ("tjsrmzf", 2021):
            items.append(interpretation(replica, "www", column_url, WWW_PUBLISHER, report,
                                        f"《{report.title}》解读", timedelta(hours=1)))
        if (folder, year) == ("szfbgt", 2022):
            items.append(notice(replica, column_url, year))
    items.sort(key=lambda item: item.published, reverse=True)
    entries = [ListEntry(relative(i.url, column_url), i.title, f"{i.published:%Y-%m-%d}") for i in items]
    content = pages.list_items(entries, "common-list") + f'\n<div class="page">{pages.pager_script(1, 0, "html")}</div>'
    crumbs = [*WWW_CRUMBS, (year_url, f"{year}年"), ("./", unit.name)]
    replica.write_list(column_url, pages.www_column(unit.name, crumbs, content))
    return column_url


def interpretation(replica: Replica, site: str, column_url: str, publisher: str, report: RenderedReport,
                   title: str, delay: timedelta) -> RenderedReport:
    """A 解读 of `report`, published `delay` after it in the same column: not a report."""
    published = report.published + delay
    url = article_url(column_url, published.date(), trs_doc_id(replica.rng, published.date()))
    body = prose.interpretation_body(f"《{report.title}》", replica.rng.randint(500, 9000), replica.rng.randint(50, 900))
    replica.write(url, render_article(site, url, title, "政府信息公开工作年度报告", publisher, published, body)[0])
    replica.not_reports.append({"url": url, "why": "interpretation"})
    replica.off_limits.append(url)
    return RenderedReport(url, title, published, "")


def notice(replica: Replica, column_url: str, year: int) -> RenderedReport:
    published = datetime(year, 12, 20, 10, 5)
    url = article_url(column_url, published.date(), trs_doc_id(replica.rng, published.date()))
    title = f"关于做好{year}年政府信息公开工作年度报告编制发布工作的通知"
    write_www_article(replica, url, title, GENERAL_OFFICE.name, published, prose.notice_body(year))
    replica.not_reports.append({"url": url, "why": "notice"})
    return RenderedReport(url, title, published, "")


def sjbm_column(replica: Replica, year_url: str, year: int) -> None:
    """市级部门: departments' reports on www, two list pages, absolute hrefs, one dead link."""
    column_url = f"{year_url}sjbm/"
    items = [synthetic_report(replica, unit, year, column_url, "www", WWW_PUBLISHER) for unit in SJBM_UNITS]
    dead_day = publication_time(replica.rng, year)
    dead_url = article_url(column_url, dead_day.date(), trs_doc_id(replica.rng, dead_day.date()))
    replica.not_reports.append({"url": dead_url, "why": "dead_link"})
    items.append(RenderedReport(dead_url, SJBM_DEAD.title(year), dead_day, ""))
    items.sort(key=lambda item: item.published, reverse=True)
    crumbs = [*WWW_CRUMBS, (year_url, f"{year}年"), ("./", "市级部门")]
    for page_url, number, total, chunk in paginate(items, SJBM_PER_PAGE, column_url, "html"):
        entries = [ListEntry(i.url, i.title, f"{i.published:%Y-%m-%d}") for i in chunk]
        content = (pages.list_items(entries, "common-list")
                   + f'\n<div class="page">{pages.pager_script(total, number, "html")}</div>')
        replica.write_list(page_url, pages.www_column("市级部门", crumbs, content))


def year_column(replica: Replica, year: int, href: str) -> None:
    year_url = f"{GKNB}xxgknb{year}/"
    listed_url = urljoin(GKNB, href) if href.endswith((".html", "/")) else year_url  # after the 301
    links = [(relative(unit_column(replica, year, folder, unit, year_url), year_url), unit.name, unit.name)
             for folder, unit in (("tjsrmzf", TIANJIN), ("szfbgt", GENERAL_OFFICE))]
    if year == 2021:
        sjbm_column(replica, year_url, year)
        links.append(("./sjbm/", "市级部门", "市级部门政府信息公开工作年度报告"))
    links.append((FZGG_COLUMN, FZGG.name, f"{FZGG.name}政府信息公开工作年度报告"))
    links += [(url, name, f"{name}政府信息公开工作年度报告") for name, url in DISTRICT_PORTALS]
    items = "\n".join(f'<li><a href="{href}" title="{title}" target="_blank">{text}</a></li>'
                      for href, text, title in links)
    content = f'<ul class="column-list">\n{items}\n</ul>'
    crumbs = [*WWW_CRUMBS, ("./", f"{year}年")]
    html = pages.www_column(f"{year}年政府信息公开工作年度报告", crumbs, content)
    replica.write(year_url, html)
    replica.lists.append(listed_url)


def other_column(replica: Replica, path: str, name: str, title: str, day: datetime) -> None:
    """A portal column that is not a report column (政策解读, 市政府文件): one list, one article."""
    column_url = f"{WWW}{path}"
    url = article_url(column_url, day.date(), trs_doc_id(replica.rng, day.date()))
    write_www_article(replica, url, title, name, day,
             pages.paragraphs([f"{title}全文如下。", "各区人民政府，市政府各委、局，各直属单位：现将有关事项通知如下。"]))
    entries = [ListEntry(relative(url, column_url), title, f"{day:%Y-%m-%d}")]
    content = pages.list_items(entries, "common-list") + f'\n<div class="page">{pages.pager_script(1, 0, "html")}</div>'
    replica.write(column_url, pages.www_column(name, [("./", name)], content))
    replica.off_limits += [column_url, url]


def build_www(replica: Replica) -> None:
    for year in YEARS:
        year_column(replica, year, YEAR_LINKS[year][0])
    links = "\n".join(f'<li><a href="{href}" target="_blank">{text}</a></li>'
                      for href, text in (YEAR_LINKS[y] for y in reversed(YEARS)))
    content = (f'<ul class="column-list">\n{links}\n</ul>\n'
               f'<div class="history"><a href="{GK_COLUMN}" target="_blank">2008-2018年政府信息公开工作年度报告</a></div>')
    replica.write(GKNB, pages.www_column("政府信息公开工作年度报告", WWW_CRUMBS, content))
    replica.lists.insert(0, GKNB)
    other_column(replica, "/zwgk/zcjd/", "政策解读", "《天津市优化营商环境条例》解读", datetime(2022, 3, 10, 9, 30))
    other_column(replica, "/zwgk/szfwj/", "市政府文件", "天津市人民政府关于印发天津市2022年20项民心工程的通知",
                 datetime(2022, 2, 18, 15, 0))
    replica.off_limits += [url for url in pages.WWW_NAV_COLUMNS if url not in replica.off_limits]
    replica.off_limits += [url for _, url in DISTRICT_PORTALS]
    replica.write(f"{WWW}/robots.txt", "User-agent: *\nDisallow: /search/\nDisallow: /member/\nAllow: /zwgk/\n")
    replica.write(f"{WWW}/_site.json", json.dumps({"charset": "utf-8"}))


# -- fzgg.tj.gov.cn -----------------------------------------------------------------------

def build_fzgg(replica: Replica) -> None:
    """天津市发展和改革委员会's own column: 2019–2024 reports and a 解读, four to a page."""
    items = []
    for year in YEARS:
        known = (datetime(2022, 1, 27, 9, 0), 5791381) if year == 2021 else (None, None)
        items.append(synthetic_report(replica, FZGG, year, FZGG_COLUMN, "fzgg", FZGG.name, *known))
    report = items[3]  # the 2022 report
    items.append(interpretation(replica, "fzgg", FZGG_COLUMN, FZGG.name, report, f"《{report.title}》政策解读", timedelta(days=1)))
    items.sort(key=lambda item: item.published, reverse=True)
    for page_url, number, total, chunk in paginate(items, FZGG_PER_PAGE, FZGG_COLUMN, "html"):
        entries = [ListEntry(relative(i.url, FZGG_COLUMN), i.title, f"{i.published:%Y-%m-%d}") for i in chunk]
        content = (f'<div class="list-title">政府信息公开年报</div>\n{pages.list_items(entries, "list-con")}\n'
                   f'<div class="fy">{pages.pager_script(total, number, "html")}</div>')
        replica.write_list(page_url, pages.fzgg_page("政府信息公开年报", "", content))
    replica.off_limits += list(pages.FZGG_NAV_COLUMNS)
    replica.write("https://fzgg.tj.gov.cn/robots.txt", "User-agent: *\nDisallow: /search/\n")
    replica.write("https://fzgg.tj.gov.cn/_site.json", json.dumps({"charset": "utf-8"}))


# -- gk.tj.gov.cn -------------------------------------------------------------------------

def gk_write(replica: Replica, url: str, html: str, listed: bool = False) -> None:
    """gk.tj.gov.cn pages are GB2312 bytes, as the old TRS site served them."""
    (replica.write_list if listed else replica.write)(url, html, encoding="gb2312", index="index.shtml")


def gk_unit_column(replica: Replica, folder: str, unit: Unit, publisher: str, years: range, known: dict) -> None:
    rng = replica.rng
    column_url = f"{GK_COLUMN}{folder}/"
    items = []
    for year in years:
        day, doc_id = known.get(year) or (publication_time(rng, year).date(),
                                         77000 + (date(year + 1, 3, 20) - date(2018, 3, 20)).days * 18 + rng.randint(0, 17))
        url = article_url(column_url, day, doc_id, "shtml")
        figures = prose.pre2019_figures(rng, unit.scale)
        title = unit.title(year)
        body = prose.pre2019_body(unit.name, unit.short, year, figures)
        gk_write(replica, url, pages.gk_article(title, publisher, datetime(day.year, day.month, day.day), body))
        replica.add_report(url, title, unit, year, "pre2019", day.isoformat(), publisher, None,
                           prose.pre2019_stats(figures))
        items.append(ListEntry(relative(url, column_url), title, day.isoformat()))
    items.reverse()
    for page_url, number, total, chunk in paginate(items, GK_PER_PAGE, column_url, "shtml"):
        content = (f'<div class="lmmc">{unit.name}</div>\n{pages.gk_list_rows(chunk)}\n'
                   f'<div class="fy">{pages.pager_script(total, number, "shtml")}</div>')
        gk_write(replica, page_url, pages.gk_page(f"{unit.name}_政府信息公开年度报告", pages.GK_CRUMB, content), listed=True)


def gk_navigation(replica: Replica, url: str, title: str, links: list[tuple[str, str]]) -> None:
    rows = "\n".join(f'<tr><td class="bt"><a href="{href}">{text}</a></td></tr>' for href, text in links)
    content = f'<div class="lmmc">{title}</div>\n<table width="100%" class="list">\n{rows}\n</table>'
    gk_write(replica, url, pages.gk_page(title, pages.GK_CRUMB, content), listed=True)


def build_gk(replica: Replica) -> None:
    for folder, unit, publisher, years, known in GK_UNITS:
        gk_unit_column(replica, folder, unit, publisher, years, known)
    gk_navigation(replica, GK_COLUMN, "政府信息公开年度报告专栏",
                  [("./tjsrmzf/", "天津市人民政府"), ("./qxzf/", "区人民政府")])
    gk_navigation(replica, f"{GK_COLUMN}qxzf/", "区人民政府",
                  [(f"./{folder.split('/')[1]}/", unit.name) for folder, unit, *_ in GK_UNITS if "/" in folder])
    replica.off_limits += list(pages.GK_NAV_COLUMNS)
    replica.write("http://gk.tj.gov.cn/robots.txt", "User-agent: *\nDisallow: /search/\nDisallow: /cgi-bin/\n")
    replica.write("http://gk.tj.gov.cn/_site.json", json.dumps({"charset": "gb2312"}))


def build(sites_dir: Path = SITES_DIR, manifest_path: Path = MANIFEST_PATH) -> dict:
    replica = Replica(random.Random(SEED))
    build_www(replica)
    build_fzgg(replica)
    build_gk(replica)
    if sites_dir.exists():
        shutil.rmtree(sites_dir)
    for relpath, data in sorted(replica.files.items()):
        target = sites_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    manifest = replica.manifest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    manifest = build()
    size = sum(f.stat().st_size for f in SITES_DIR.rglob("*") if f.is_file())
    print(f"{SITES_DIR}: {len(manifest['reports'])} reports, {len(manifest['lists'])} list pages, "
          f"{len(manifest['not_reports'])} non-reports, {size // 1024} KiB")


if __name__ == "__main__":
    main()
