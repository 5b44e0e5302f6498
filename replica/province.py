"""A TRS portal of another province, generated on demand and NOT part of the project's replica:
tests/test_new_portal.py builds it into a temporary folder, writes a portal definition for it and
crawls it, to prove that a portal of a known CMS needs one definition file and no Python.

INVENTED, all of it, to differ from the Tianjin sites wherever a TRS portal may: 福清市 (福建省,
350181) at https://www.fuqing.gov.cn; its 政府信息公开 hub at /xxgk/ listing units by group
(市政府 / 市直部门 / 镇街); a unit page per unit with its 指南 (off limits) and its annual-report
column, linked as `…/{folder}/nlist.htm` or as the folder; article pages `./YYYYMM/tYYYYMMDD_id.htm`
in the site's own chrome (闽ICP备…); one column in static pages `index.htm`, `index_1.htm` …
(createPageHTML(…, "index", "htm")), three 动静结合 whose list API is /was5/web/search: one
answers HTML fragments with links relative to the column, one XML (a shape the spider does not
read), one takes its record count from a script of its own (columninfo.js) — the last two are read
in the browser through the page's pager, run by a stand-in platform script; 图解 pages in two
columns.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

from replica import pages
from replica.model import (
    RenderedReport, Replica, Unit, article_url, interpretation, iso_minute, paginate, relative, synthetic_report,
    trs_doc_id,
)
from replica.pages import ListEntry
from replica.linhai import LinhaiExpectations as RenderedExpectations
from replica.trs_lists import dynamic_list, site_config, write_model_script

SPIDER = "fuqing"
HOST = "www.fuqing.gov.cn"
BASE = f"https://{HOST}"
HUB = f"{BASE}/xxgk/"
CODE = "350181"
GOVERNMENT = "福清市人民政府"
LIST_API = "/was5/web/search"
SEARCH_ID = 35018101


@dataclass(frozen=True)
class Column:
    unit: Unit
    group: str
    folder: str  # the unit page, below the hub
    column: str  # its report column's folder
    years: tuple[int, ...]
    shape: str  # "static" (createPageHTML pages) | "dynamic" (动静结合, list API)
    per_page: int
    link: str  # how the unit page links the column: "nlist.htm" or "" (the folder)
    interpretation: int | None = None
    channel: int = 0  # the TRS channel id of a dynamic column
    answer: str = "html"  # the list API's answers of a dynamic column: html | xml (read in the browser)
    count_elsewhere: bool = False  # a dynamic column whose record count another script sets (read in the browser)


def unit(name: str, level: str, short: str, scale: int) -> Unit:
    return Unit(name, CODE, level, short, name if level != "county" else "福清市", scale)


COLUMNS = (
    Column(unit(GOVERNMENT, "county", "福清市", 300), "市政府", "szf/", "zfxxgknb/", (2019, 2020, 2021, 2022, 2023),
           "static", 2, "", interpretation=2021),
    Column(unit("福清市教育局", "department", "市教育局", 40), "市直部门", "szbm/jyj/", "gknb_jyj/",
           (2019, 2020, 2021, 2022, 2023, 2024), "dynamic", 2, "nlist.htm", interpretation=2023, channel=31542),
    Column(unit("福清市玉屏街道办事处", "township", "玉屏街道", 8), "镇街", "zj/ypjd/", "xxgknb/", (2022, 2023),
           "static", 10, "nlist.htm"),
    Column(unit("福清市龙田镇人民政府", "township", "龙田镇", 8), "镇街", "zj/ltz/", "zfxxgknb_ltz/",
           (2020, 2021, 2022, 2023, 2024), "dynamic", 2, "nlist.htm", channel=31577, answer="xml"),
    Column(unit("福清市审计局", "department", "市审计局", 12), "市直部门", "szbm/sjj/", "gknb_sjj/",
           (2021, 2022, 2023, 2024), "dynamic", 1, "", channel=31561, count_elsewhere=True),
)


SITE_META = {"SiteName": GOVERNMENT, "SiteDomain": HOST, "SiteIDCode": "3501810001"}
HEADER = (f'<div class="fq-head"><a href="/">{GOVERNMENT}</a> <a href="/zwdt/">政务动态</a> '
          f'<a href="{HUB}">政府信息公开</a> <a href="/hdjl/">互动交流</a></div>')
FOOTER = f'<div class="fq-foot"><p>主办单位：{GOVERNMENT}办公室</p><p>网站标识码：3501810001　闽ICP备05003216号</p></div>'


def page(title: str, meta: dict[str, str], main: str) -> str:
    """Any page of the site: its meta tags (the site's and `meta`), header, `main`, footer."""
    tags = "\n".join(f'<meta name="{name}" content="{escape(value)}">' for name, value in {**SITE_META, **meta}.items())
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n{tags}\n<title>{escape(title)}_{GOVERNMENT}</title>\n'
            f"</head>\n<body>\n{HEADER}\n{main}\n{FOOTER}\n</body>\n</html>\n")


def article(url: str, title: str, column: str, publisher: str, published: datetime, body: str) -> tuple[str, str]:
    meta = {"ColumnName": column, "ArticleTitle": title, "PubDate": f"{published:%Y-%m-%d %H:%M}", "ContentSource": publisher}
    main = (f'<div class="fq-article">\n<h1>{escape(title)}</h1>\n'
            f'<div class="fq-info">发布时间：{published:%Y-%m-%d %H:%M}　来源：{escape(publisher)}</div>\n'
            f'<div class="TRS_Editor">\n{body}\n</div>\n</div>')
    return page(title, meta, main), iso_minute(published)


def column_page(name: str, content: str) -> str:
    crumb = f'<div class="fq-crumb">当前位置：<a href="/">首页</a> &gt; <a href="{HUB}">政府信息公开</a> &gt; {escape(name)}</div>'
    return page(name, {"ColumnName": name}, f'{crumb}\n<div class="fq-list">\n{content}\n</div>')


def dl_items(entries: list[ListEntry]) -> str:
    """List items as the TRS 集约化 template of the sample writes them: <dl><dd><a></dd><dd>date</dd></dl>."""
    return "\n".join(f'<dl><dd><a href="{e.href}" target="_blank" title="{escape(e.title)}">{escape(e.title)}</a></dd>'
                     f"<dd>{e.date}</dd></dl>" for e in entries)


def report_column(replica: Replica, spec: Column) -> str:
    """The unit's report column; returns the URL its unit page links to."""
    column_url = f"{HUB}{spec.folder}{spec.column}"

    def locate(published: datetime) -> str:  # the site's articles are .htm
        return article_url(column_url, published.date(), trs_doc_id(replica.rng, published.date()), "htm")

    items: list[RenderedReport] = []
    for year in spec.years:
        report = synthetic_report(replica, spec.unit, year, column_url, article, spec.unit.short, locate=locate)
        items.append(report)
        if spec.interpretation == year:
            items.append(interpretation(replica, article, column_url, spec.unit.short, report, f"图解：{report.title}",
                                        timedelta(days=2), locate=locate))
    items.sort(key=lambda item: item.published, reverse=True)
    entries = [ListEntry(relative(i.url, column_url), i.title, f"{i.published:%Y-%m-%d}") for i in items]
    first_page = column_url + spec.link
    if spec.shape == "dynamic":
        first, script = dynamic_list(replica, column_url, SEARCH_ID, spec.channel, entries, spec.per_page,
                                     answer=spec.answer, absolute=False, api=LIST_API, count_elsewhere=spec.count_elsewhere)
        content = f"<div data-trs-list>\n{dl_items(first)}\n</div>\n{script}"
        replica.write_list(first_page, column_page(spec.unit.name, content), index="index.htm")
        if spec.answer == "xml" or spec.count_elsewhere:
            replica.expect.rendered_lists.append(first_page)
    else:
        for page_url, number, total, chunk in paginate(entries, spec.per_page, column_url, "htm"):
            html = column_page(spec.unit.name, dl_items(chunk) + "\n" + pages.pager_script(total, number, "htm"))
            replica.write_list(first_page if number == 0 else page_url, html, index="index.htm")
    return first_page


def unit_page(replica: Replica, spec: Column) -> str:
    unit_url = f"{HUB}{spec.folder}"
    guide = f"{unit_url}zn/"
    replica.write(guide, column_page("政府信息公开指南", "<p>暂无信息</p>"), index="index.htm")
    replica.off_limits.append(guide)
    column = report_column(replica, spec)
    links = f'<ul>\n<li><a href="./zn/">政府信息公开指南</a></li>\n<li><a href="{column}">政府信息公开年报</a></li>\n</ul>'
    replica.write_list(unit_url, column_page(spec.unit.name, links), index="index.htm")
    return unit_url


def build_province(sites_dir: Path) -> dict:
    """Write the site into sites_dir/{host}/ and return what a complete crawl must find:
    {"lists": [...], "reports": [...], "not_reports": [...], "off_limits": [...], "rendered_lists":
    [the list pages only the browser reads in full]}."""
    replica = Replica(random.Random(f"{SPIDER}-350181"))
    replica.start(SPIDER, f"{SPIDER}-350181")
    replica.spiders[SPIDER] = expect = RenderedExpectations()
    groups: dict[str, list[str]] = {}
    for spec in COLUMNS:
        url = unit_page(replica, spec)
        groups.setdefault(spec.group, []).append(f'<li><a href="{relative(url, HUB)}">{spec.unit.name}</a></li>')
    hub = "\n".join(f"<h3>{group}</h3>\n<ul>\n" + "\n".join(links) + "\n</ul>" for group, links in groups.items())
    replica.write(HUB, column_page("政府信息公开", hub), index="index.htm")
    replica.lists.insert(0, HUB)
    replica.off_limits += [f"{BASE}/zwdt/", f"{BASE}/hdjl/"]
    replica.write(f"{BASE}/robots.txt", "User-agent: *\nDisallow: /search/\n")
    replica.write(f"{BASE}/_site.json", json.dumps({"charset": "utf-8", **site_config(LIST_API)}))
    write_model_script(replica, BASE, LIST_API)
    for relpath, data in replica.files.items():
        target = sites_dir / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return expect.manifest()
