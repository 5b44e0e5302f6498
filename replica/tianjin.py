"""The Tianjin municipal sites of the replica: www.tj.gov.cn, fzgg.tj.gov.cn, gk.tj.gov.cn,
recorded as what the `tianjin` spider must find.

Real facts used (see /work/shared/spec/portals.md and the brief): URL layout of www.tj.gov.cn
(gknb/xxgknb{YEAR}/{unit}/YYYYMM/tYYYYMMDD_id.html), seed 000's page (text in source/),
fzgg.tj.gov.cn's column and one report URL, gk.tj.gov.cn's column and two report URLs with their
dates, the district hubs the year columns link to. Everything else — other units' reports, their
numbers, ids and dates — is invented.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin

from replica import pages, prose
from replica import tables as t
from replica.table_images import render_png
from replica.district_sites import DISTRICTS
from replica.model import (
    RenderedReport, Replica, Unit, article_url, interpretation, iso_minute, paginate, publication_time,
    relative, synthetic_report, trs_doc_id,
)
from replica.pages import ListEntry

SEED_000 = Path(__file__).resolve().parent / "source" / "seed_000_tianjin_2020.txt"
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
# Other domains the year columns link to (the real hubs of two districts); the tianjin crawl never enters them.
DISTRICT_PORTALS = tuple((d.government, d.hub_url) for d in DISTRICTS if d.spider in ("heping", "hongqiao"))


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


def render_www(url: str, title: str, column: str, publisher: str, published: datetime, body: str) -> tuple[str, str]:
    return pages.www_article(url, title, column, publisher, published, body), iso_minute(published)


def render_fzgg(url: str, title: str, column: str, publisher: str, published: datetime, body: str) -> tuple[str, str]:
    return pages.fzgg_article(url, title, publisher, published, body), published.date().isoformat()


# What seed 000's prose states of 表三's 总计 column (the gov2019 tables the images show).
SEED_000_TOTALS = {"new_received": 17127, "carried_over_in": 367, "results_total": 17097, "carried_over_out": 397}


def apportion(total: int, shares: dict[str, float]) -> dict[str, int]:
    """`total` split in proportion to `shares`, in whole numbers that add up to it exactly."""
    weight = sum(shares.values())
    parts = {key: int(total * share / weight) for key, share in shares.items()}
    by_fraction = sorted(shares, key=lambda key: total * shares[key] / weight - parts[key], reverse=True)
    for key in by_fraction[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def seed_000_tables(rng: random.Random) -> dict:
    """Seed 000's three tables: 表三's 总计 column is what its prose states, split over the
    applicant columns and outcome rows so that every identity holds; 表二 and 表四 invented."""
    columns = {row: apportion(SEED_000_TOTALS[row], t.APPLICANT_SHARES)
               for row in ("carried_over_in", "results_total", "carried_over_out")}
    # Each column balances: new + carried in = results + carried out (its total then is the prose's 17127).
    columns["new_received"] = {col: columns["results_total"][col] + columns["carried_over_out"][col]
                               - columns["carried_over_in"][col] for col in t.APPLICANT_COLUMNS}
    outcome_rows = t.result_rows("gov2019")[:-1]
    applications: dict[str, dict[str, int]] = {row: {} for row in ["new_received", "carried_over_in", *outcome_rows,
                                                                     "results_total", "carried_over_out"]}
    for col in t.APPLICANT_COLUMNS:
        shares = {row: t.OUTCOME_SHARES.get(row, 0.45) * rng.uniform(0.6, 1.4) for row in outcome_rows}
        for row, value in apportion(columns["results_total"][col], shares).items():
            applications[row][col] = value
        for row in SEED_000_TOTALS:
            applications[row][col] = columns[row][col]
    for values in applications.values():
        values["total"] = sum(values[c] for c in t.APPLICANT_COLUMNS)
    return {
        "active_disclosure": t.make_active_disclosure(rng, "gov2019", TIANJIN.scale // 100, {}),
        "applications": applications,
        "review_litigation": t.make_review_litigation(rng, TIANJIN.scale // 200),
    }


def seed_000(replica: Replica, column_url: str) -> RenderedReport:
    """Seed 000 as its real page: chrome lines in the chrome, body paragraphs in TRS_Editor, and
    the three tables — absent from the page text — as PNG images under their headings, drawn
    from numbers that agree with its prose (the manifest holds them)."""
    blocks = SEED_000.read_text(encoding="utf-8").split("\n\n")
    chrome, (title, info), body, footer = blocks[:4], blocks[4].split("\n"), blocks[5:-1], blocks[-1]
    assert chrome == ["中央政府门户网站 ----年--月-日 星期-", "无障碍 长者模式", "简体 繁體|", "个人中心 |"], chrome
    assert footer == "IE版本小于10,为了不影响您的浏览效果,请升级IE版本! x", footer
    source = re.fullmatch(r"来源:(\S+) 发布时间:(\d{4}-\d\d-\d\d \d\d:\d\d)", info)
    publisher, published = source.group(1), datetime.strptime(source.group(2), "%Y-%m-%d %H:%M")
    url = article_url(column_url, published.date(), 5402052)
    tables = seed_000_tables(random.Random(SEED))
    style = t.TableStyle()
    pictures = {
        "二、": t.active_disclosure_rows("gov2019", tables["active_disclosure"], style),
        "三、": t.applications_rows("gov2019", tables["applications"], style),
        "四、": t.review_litigation_rows(tables["review_litigation"], style),
    }
    html_body, images = [], []
    for number, paragraph in enumerate(body):
        if re.match(r"[一二三四五六]、", paragraph):
            html_body.append(prose.heading(paragraph, word=False))
        else:
            html_body.append(pages.paragraphs([paragraph]))
        if paragraph[:2] in pictures:
            image = f"W0{published:%Y%m%d}{539514618650 + number}.png"
            picture = render_png(pictures[paragraph[:2]])
            replica.write(urljoin(url, image), picture)
            images.append({"url": urljoin(url, image), "sha256": hashlib.sha256(picture).hexdigest()})
            html_body.append(f'<p style="text-align:center;"><img src="./{image}" border="0" '
                             f'oldsrc="{image}" alt="" width="600"></p>')
    html = pages.www_article(url, title, TIANJIN.name, publisher, published, "\n".join(html_body))
    replica.write(url, html)
    replica.add_report(url, title, TIANJIN, 2020, "gov2019", iso_minute(published), publisher, tables,
                       {f"applications.{row}": total for row, total in SEED_000_TOTALS.items()},
                       flags=("tables_from_ocr",), attachments=images, via="ocr")
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
        broken = synthetic_report(replica, unit, year, column_url, render_www, WWW_PUBLISHER, in_manifest=False)
        data = broken.html.encode("utf-8")
        # The transfer broke off in the middle of 表三, inside a character.
        replica.write(broken.url, data[:data.index("（四）无法提供".encode("utf-8")) + 5])
        replica.not_reports.append({"url": broken.url, "why": "broken"})
        items.append(broken)
    else:
        report = synthetic_report(replica, unit, year, column_url, render_www, WWW_PUBLISHER,
                                  broken_identity=(folder, year) == ("szfbgt", 2022))
        items.append(report)
        if (folder, year) == ("tjsrmzf", 2021):
            items.append(interpretation(replica, render_www, column_url, WWW_PUBLISHER, report,
                                        f"《{report.title}》解读", timedelta(hours=1)))
        if (folder, year) == ("szfbgt", 2022):
            items.append(notice(replica, column_url, year))
    items.sort(key=lambda item: item.published, reverse=True)
    entries = [ListEntry(relative(i.url, column_url), i.title, f"{i.published:%Y-%m-%d}") for i in items]
    content = pages.list_items(entries, "common-list") + f'\n<div class="page">{pages.pager_script(1, 0, "html")}</div>'
    crumbs = [*WWW_CRUMBS, (year_url, f"{year}年"), ("./", unit.name)]
    replica.write_list(column_url, pages.www_column(unit.name, crumbs, content))
    return column_url


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
    items = [synthetic_report(replica, unit, year, column_url, render_www, WWW_PUBLISHER) for unit in SJBM_UNITS]
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
        items.append(synthetic_report(replica, FZGG, year, FZGG_COLUMN, render_fzgg, FZGG.name, *known))
    report = items[3]  # the 2022 report
    items.append(interpretation(replica, render_fzgg, FZGG_COLUMN, FZGG.name, report, f"《{report.title}》政策解读", timedelta(days=1)))
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


def build_tianjin(replica: Replica) -> None:
    replica.start("tianjin", SEED)
    build_www(replica)
    build_fzgg(replica)
    build_gk(replica)
