"""临海市 (www.linhai.gov.cn) of the replica: a Hanweb jcms portal of Zhejiang, recorded as what the
`linhai` spider must find.

Real (the brief, ../shared/spec/portals.md, seed 003): the host and scheme, region code 331082; the
Hanweb URL shapes `/col/col{id}/index.html` and `/art/YYYY/M/D/art_{colid}_{id}.html`; the
政府信息公开年报 column col1229317620; the column col1229709042 「2022年度工作报告」 with 市经信局's 2022
report `art_1229709042_67998` (2023-01-04 15:28, 来源 市经信局(市中小企业局)); the article chrome
(进入老年模式 退出老年模式, `当前位置:首页 > 政务公开 > 信息公开目录 > 信息公开年报 > …`, `• 日期:`,
`• 来源:`, `• 浏览次数:`, `• 字体:[ ]`, `年报解读链接`, `打印 关闭`); lists as `<script type="text/xml">
<datastore>` records with later pages from `/module/web/jpage/dataproxy.jsp` (startrecord, endrecord,
perpage in the query; col, appid, webid, path, columnid, sourceContentType, unitid, webname,
permissiontype posted); the annual-report module `/module/xxgk/xxgkAnnualReport.jsp?area=…&fbtime=…
&showType=2&artId=…` (the URL with area=LH331082-018, fbtime=2023, artId=86132); lists some columns
build in the browser from a JSON endpoint; seed 003, the city's 2020 report in the older
table-layout template, rebuilt as its page (its text under `layout_text` is the seed's).

INVENTED: every other column id, article id and date; webid, unitid, the site code, ICP and 公网安备
numbers; which units publish which years where (the year columns hold the reports of the city
government, its office and three bureaus; 古城街道's column is the JSON-built one, 杜桥镇's links only
to the module, 市自然资源和规划局's reports too are module pages); the jpage script's options, the
`<totalrecord>`/`<totalpage>` of the proxy's answer, the proxy's empty answer without a columnid;
the module page's layout (`来源：`, `发布日期：` with no time); the JSON API (`/api/list?columnId=…
&page=1&pageSize=15`, `{"code": 200, "data": {"total", "page", "pageSize", "list"}}`); how the old
template's layout table is made (its `|` runs are rows of empty spacer cells) and its 2019 page; the
table images of seed 003; numbers and prose of all synthetic reports (their tables plain HTML, never
pasted from Word); the 解读 pages.

Dynamic endpoints (dynamic.py) read `_data/dataproxy/{columnid}.json`, `_data/xxgk_annual_report/
{area}/{year}.html` and `_data/json_list/{columnId}.json`, named in the site's `_site.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from html import escape
from pathlib import Path

import lxml.html

from replica import dynamic, prose
from replica.model import (
    NO_TABLES, Expectations, RenderedReport, Render, Replica, Unit, UnitHistory, interpretation, iso_minute, png,
    publication_time, report_tables,
)
from replica.tables import APPLICANT_COLUMNS, TableStyle
from replica.tianjin import SEED

SPIDER = "linhai"
HOST = "www.linhai.gov.cn"
BASE = f"https://{HOST}"
CODE = "331082"
GOVERNMENT = "临海市人民政府"
SOURCE = Path(__file__).resolve().parent / "source"
SEED_003 = SOURCE / "seed_003_linhai_2020.txt"

ROOT = 1229317620  # 政府信息公开年报: the spider's start URL
PROXY = "/module/web/jpage/dataproxy.jsp"
MODULE = "/module/xxgk/xxgkAnnualReport.jsp"
API = "/api/list"
WEBID = 3488
SITE_ID = "3310820001"
ICP = "浙ICP备05006589号"
BEIAN = "浙公网安备 33108202000125号"
KNOWN = (datetime(2023, 1, 4, 15, 28), 67998)  # 市经信局's 2022 report: published, article id
# Columns the chrome links to (off limits): the breadcrumb's 政务公开 and 信息公开目录, the navigation.
ZWGK, XXGKML = 1229317602, 1229317611
NAV = ((1229317601, "走进临海"), (ZWGK, "政务公开"), (1229317603, "政务服务"), (1229317604, "互动交流"))
FOOTER = ((1229317691, "网站地图"), (1229317692, "联系我们"), (1229317693, "网站声明"))
FRIENDS = (("https://www.zj.gov.cn/", "浙江省人民政府"), ("https://www.zjtz.gov.cn/", "台州市人民政府"))
SPACER_CELLS = 369  # the old template's spacer cells after a `&nbsp;` cell: seed 003's runs of 370 `|`


@dataclass(frozen=True)
class Member:
    """A unit of the portal and how its reports are published."""
    unit: Unit
    publisher: str                   # 来源 on its article pages
    years: tuple[int, ...]
    area: str | None = None          # its code in the annual-report module: its reports are module pages
    interpreted: tuple[tuple[int, str], ...] = ()  # (year, title format of its 解读 with {title})


def member_unit(name: str, level: str, short: str, scale: int) -> Unit:
    return Unit(name, CODE, level, short, name, scale, "{prefix}{year}年度政府信息公开工作年度报告")


CITY = Member(Unit(GOVERNMENT, CODE, "county", "临海市", "临海市", 300), "临海市人民政府办公室",
              (2019, 2020, 2021, 2022, 2023), interpreted=((2021, "《{title}》解读"), (2022, "《{title}》解读")))
OFFICE = Member(member_unit("临海市人民政府办公室", "department", "市政府办公室", 30), "市政府办公室", (2021, 2022))
JXJ = Member(member_unit("临海市经济和信息化局", "department", "市经信局", 12), "市经信局(市中小企业局)", (2022, 2023),
             interpreted=((2022, "图解：{title}"),))
JYJ = Member(member_unit("临海市教育局", "department", "市教育局", 40), "市教育局", (2020,))
ZRZY = Member(member_unit("临海市自然资源和规划局", "department", "市自然资源和规划局", 60), "市自然资源和规划局",
              (2022,), area="LH331082-033")
YEAR_MEMBERS = (CITY, OFFICE, JXJ, JYJ, ZRZY)
GUCHENG = Member(member_unit("临海市古城街道办事处", "township", "古城街道", 8), "古城街道", (2021, 2022))
DUQIAO = Member(member_unit("临海市杜桥镇人民政府", "township", "杜桥镇", 10), "杜桥镇", (2022, 2023), area="LH331082-018")
MODULE_ART_IDS = {("LH331082-018", 2023): 86132}

# Column ids: the city's year columns (2022 is real) and the towns' columns.
YEAR_COLUMNS = {2023: 1229735611, 2022: 1229709042, 2021: 1229598360, 2020: 1229408517, 2019: 1229317632}
TOWN_COLUMNS = {GUCHENG: 1229317651, DUQIAO: 1229317658}
LIST_UNIT = 5573289   # the jpage list unit of the year columns' template
TOWN_UNIT = 5573301   # … of the towns' column template
PER_PAGE = 5          # year columns; 2022 has more records and pages through dataproxy.jsp
TOWN_PER_PAGE = 15


class LinhaiExpectations(Expectations):
    """The manifest section of a portal with lists only a browser can read: `rendered_lists`."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered_lists: list[str] = []

    def manifest(self) -> dict:
        return {**super().manifest(), "rendered_lists": self.rendered_lists}


def col_url(column: int) -> str:
    return f"{BASE}/col/col{column}/index.html"


def col_path(column: int) -> str:
    return col_url(column).removeprefix(BASE)


def module_url(area: str, year: int, art_id: int) -> str:
    return f"{BASE}{MODULE}?area={area}&fbtime={year}&showType=2&artId={art_id}"


def proxy_url(start: int, end: int, per_page: int) -> str:
    return f"{BASE}{PROXY}?startrecord={start}&endrecord={end}&perpage={per_page}"


# -- chrome -------------------------------------------------------------------------------

def crumbs(column: int | None, name: str | None) -> str:
    links = [("/", "首页"), (col_path(ZWGK), "政务公开"), (col_path(XXGKML), "信息公开目录"), (col_path(ROOT), "信息公开年报")]
    if column and column != ROOT:
        links.append((col_path(column), name))
    return "当前位置:" + " &gt; ".join(f'<a href="{href}">{escape(text)}</a>' for href, text in links)


def site_page(title: str, head: str, crumb: str, main: str) -> str:
    """Any page of the portal's current template: elder-mode switch, header, breadcrumb, footer."""
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in
                  (("/", "首页"), *((col_path(c), t) for c, t in NAV)))
    footer = " | ".join(f'<a href="{col_path(c)}" target="_blank">{t}</a>' for c, t in FOOTER)
    friends = " ".join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in FRIENDS)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{GOVERNMENT}">
<meta name="SiteDomain" content="{HOST}">
<meta name="SiteIdCode" content="{SITE_ID}">
{head}
<title>{escape(title)} {GOVERNMENT}</title>
<link rel="stylesheet" type="text/css" href="/images/lh_style.css">
</head>
<body>
<div class="lh-top"><div class="w1200"><a href="javascript:void(0);" id="lnms_in">进入老年模式</a> <a href="javascript:void(0);" id="lnms_out">退出老年模式</a></div></div>
<div class="lh-header"><div class="w1200"><a href="/" class="lh-logo"><img src="/images/lh_logo.png" alt="{GOVERNMENT}"></a>
<ul class="lh-nav">{nav}</ul></div></div>
<div class="lh-crumb w1200">{crumb}</div>
{main}
<div class="lh-footer"><div class="w1200">
<p>{footer}</p>
<p>友情链接：{friends}</p>
<p>主办：{GOVERNMENT}办公室　承办：临海市大数据发展中心</p>
<p>网站标识码：{SITE_ID}　{ICP}　{BEIAN}</p>
</div></div>
</body>
</html>
"""


def render_article(column: int, column_name: str, url: str, title: str, _column: str, publisher: str,
                   published: datetime, body: str) -> tuple[str, str]:
    """An article page (a model.Render with its column bound); `<!--nbjd-->` marks where the
    report's 解读 link goes."""
    art_id = re.search(r"_(\d+)\.html$", url).group(1)
    when = f"{published:%Y-%m-%d %H:%M}"
    head = f"""<meta name="ColumnName" content="{escape(column_name)}">
<meta name="ColumnType" content="信息公开年报">
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{when}">
<meta name="ContentSource" content="{escape(publisher)}">
<meta name="Url" content="{url}">"""
    main = f"""<div class="lh-article w1200">
<div class="lh-art-title">{escape(title)}</div>
<div class="lh-art-info">
<span>• 日期: {when}</span>
<span>• 来源: {escape(publisher)}</span>
<span>• 浏览次数:<script language="javascript">_showDynClicks("wzes", {art_id});</script></span>
<span>• 字体:[<a href="javascript:doZoom(20)" class="zt-d"></a> <a href="javascript:doZoom(16)" class="zt-z"></a> <a href="javascript:doZoom(14)" class="zt-x"></a>]</span>
</div>
<div class="lh-art-content" id="zoom">
<!--<$[信息内容]>begin-->
{body}
<!--<$[信息内容]>end-->
</div>
<div class="lh-nbjd"><span>年报解读链接</span> <!--nbjd--></div>
<div class="lh-art-tools"><a href="javascript:window.print();">打印</a> <a href="javascript:window.close();">关闭</a></div>
</div>"""
    return site_page(title, head, crumbs(column, column_name), main), iso_minute(published)


def old_page(title: str, source: str, body: str) -> str:
    """The older article template (seed 003): the page is one layout table, with spacer rows and
    cells; no date or 来源 label is shown."""
    spacers = "<td>&nbsp;</td>" + "<td></td>" * SPACER_CELLS
    blank_row = "<tr>" + "<td></td>" * (SPACER_CELLS + 1) + "</tr>"
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(title)}</title>
<link href="/images/lh_old.css" rel="stylesheet" type="text/css">
</head>
<body leftmargin="0" topmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="lh-old">
<tr><td class="bt_link">当前位置 :<a href="/">首页</a> &gt; <script language="javascript">document.write(columnPath || "");</script></td></tr>
<tr><td height="10"></td></tr>
<tr><td class="title" align="center"><!--<$[标题名称]>begin-->{escape(title)}<!--<$[标题名称]>end--> </td>{spacers}</tr>
<tr><td class="ly" align="center"><!--<$[信息来源]>begin-->{escape(source)}<!--<$[信息来源]>end--> </td>{spacers}</tr>
<tr><td height="8"></td></tr>
{blank_row}
<tr><td class="bt_content" id="zoom">
{body}
</td></tr>
{blank_row}
<tr><td class="bt_link2"><a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a> </td>{spacers}</tr>
</table>
</body>
</html>
"""


def render_old(url: str, title: str, _column: str, _publisher: str, _published: datetime,
               body: str) -> tuple[str, None]:
    return old_page(title, "临海市", body), None


def render_module(url: str, title: str, _column: str, publisher: str, published: datetime,
                  body: str) -> tuple[str, str]:
    """A page of the annual-report module: the report alone, its unit as 来源, the date without time."""
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<link rel="stylesheet" type="text/css" href="/module/xxgk/css/annualReport.css">
</head>
<body>
<div class="nb-wrap">
<div class="title">{escape(title)}</div>
<div class="nb-info"><span>来源：{escape(publisher)}</span> <span>发布日期：{published:%Y-%m-%d}</span></div>
<div class="nb-content" id="zoom">
{body}
</div>
</div>
</body>
</html>
"""
    return page, published.date().isoformat()


def layout_text(page: str) -> str:
    """A page's text as seed 003 gives it: each cell ends with `|`, each table row, `<br>` and
    `<img>` end a line, a paragraph ends with a space; whitespace runs are one space, lines are
    stripped and empty ones dropped."""
    out: list[str] = []

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag in ("script", "style", "head"):
            return
        out.append(re.sub(r"\s+", " ", element.text or ""))
        for child in element:
            walk(child)
            out.append(re.sub(r"\s+", " ", child.tail or ""))
        out.append({"td": "|", "th": "|", "p": " "}.get(tag, ""))
        if tag in ("tr", "br", "img"):
            out.append("\n")

    walk(lxml.html.fromstring(page))
    lines = (re.sub(" +", " ", line).strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


# -- the site -----------------------------------------------------------------------------

@dataclass
class Site:
    replica: Replica
    used_ids: set[int] = field(default_factory=set)

    def art_id(self, day: date) -> int:
        """A Hanweb article id: one counter for the site, growing with time (67998 on 2023-01-04)."""
        number = KNOWN[1] + (day - KNOWN[0].date()).days * 19 + self.replica.rng.randint(0, 18)
        while number in self.used_ids:
            number += 1
        self.used_ids.add(number)
        return number

    def locate(self, column: int, published: datetime) -> str:
        if published == KNOWN[0]:
            self.used_ids.add(KNOWN[1])
            return f"{BASE}/art/2023/1/4/art_{column}_{KNOWN[1]}.html"
        number = self.art_id(published.date())
        return f"{BASE}/art/{published.year}/{published.month}/{published.day}/art_{column}_{number}.html"


@dataclass(frozen=True)
class Item:
    """One record of a list: where it leads, its text and title, its date."""
    href: str
    text: str
    title: str
    published: datetime

    def li(self) -> str:
        # Hanweb writes URLs into records as they are: `&` unescaped.
        return (f'<li><a href="{self.href}" title="{escape(self.title)}" target="_blank">{escape(self.text)}</a>'
                f"<span>{self.published:%Y-%m-%d}</span></li>")


def item_of(report: RenderedReport, text: str | None = None) -> Item:
    return Item(report.url.removeprefix(BASE), text or report.title, report.title, report.published)


def seed_003(site: Site, column: int) -> RenderedReport:
    """Seed 003 as its page: the old template around the seed's paragraphs, its three tables as
    images after the headings of sections 二 to 四; the manifest holds the gold's figures."""
    replica = site.replica
    text = SEED_003.read_text(encoding="utf-8")
    data = json.loads(SEED_003.with_suffix(".json").read_text(encoding="utf-8"))
    lines = text.split("\n")
    title = data["title"]
    assert lines[:6] == ["当前位置 :首页 > |", "|", f"{title} | " + "|" * 370, "临海市 | " + "|" * 370, "|", "|" * 370]
    assert lines[-2:] == ["|" * 370, "打印 关闭 | " + "|" * 370], lines[-2:]
    published = datetime(2021, 1, 27, 10, 12)
    url = site.locate(column, published)
    blocks = []
    for number, line in enumerate(lines[6:-2]):
        if number:
            image = f"/picture/0/{published:%y%m%d%H%M}{number:02d}.png"
            replica.write(BASE + image, png(600, 200))
            blocks.append(f'<p style="text-align:center;"><img src="{image}" border="0" width="600"></p>')
        for paragraph in line.removesuffix(" |").split(" "):
            if re.match(r"[一二三四五六]、", paragraph):
                blocks.append(prose.heading(escape(paragraph), word=False))
            else:
                blocks.append(f'<p style="text-indent:2em;">{escape(paragraph)}</p>')
    html = old_page(title, "临海市", "\n".join(blocks))
    assert layout_text(html) == text
    replica.write(url, html)
    replica.add_report(url, title, CITY.unit, 2020, "gov2019", None, None, dict(NO_TABLES), data["stats"],
                       flags=("tables_as_images", "period_inconsistent"))
    carried = {column: 0 for column in APPLICANT_COLUMNS}
    carried["natural_person"] = data["stats"]["applications.carried_over_out"]
    replica.histories[CITY.unit.name] = UnitHistory(carried=carried)
    return RenderedReport(url, title, published, html)


def report_page(site: Site, member: Member, year: int, place: Callable[[datetime], tuple[str, str]], render: Render,
                publisher: str | None, published: datetime | None = None) -> RenderedReport:
    """A synthetic gov2019/gov2021 report of a member, as model.synthetic_report makes them but
    with tables as Hanweb's editor and the module write them (never pasted from Word); `place`
    gives the file's URL and the URL a crawl reaches it at."""
    replica, unit = site.replica, member.unit
    fmt = "gov2019" if year <= 2020 else "gov2021"
    published = published or publication_time(replica.rng, year)
    file_url, url = place(published)
    tables = report_tables(replica, unit, year, fmt)
    style = replace(TableStyle.pick(replica.rng), word=False)
    body, stats = prose.gov_report_body(unit.name, unit.short, year, fmt, tables, style, replica.rng)
    html, when = render(file_url, unit.title(year), unit.name, publisher, published, body)
    replica.write(file_url, html)
    replica.add_report(url, unit.title(year), unit, year, fmt, when, publisher, tables, stats)
    return RenderedReport(url, unit.title(year), published, html)


def member_report(site: Site, member: Member, year: int, column: int, column_name: str) -> RenderedReport:
    """One report of a member as the page its site has for it: seed 003, a module page, an article
    in the old template (the city's 2019 report) or the current one."""
    if member is CITY and year == 2020:
        return seed_003(site, column)
    if member.area:
        def place(published: datetime) -> tuple[str, str]:
            art_id = MODULE_ART_IDS.get((member.area, year)) or site.art_id(published.date())
            return f"{BASE}/_data/xxgk_annual_report/{member.area}/{year}.html", module_url(member.area, year, art_id)
        return report_page(site, member, year, place, render_module, member.unit.name)

    def art(published: datetime) -> tuple[str, str]:
        url = site.locate(column, published)
        return url, url
    if member is CITY and year <= 2019:
        return report_page(site, member, year, art, render_old, None)
    known = KNOWN[0] if (member is JXJ and year == 2022) else None
    return report_page(site, member, year, art, partial(render_article, column, column_name), member.publisher, known)


def with_interpretation(site: Site, member: Member, year: int, report: RenderedReport, column: int,
                        column_name: str) -> Item | None:
    """The 解读 of a report, when it has one, linked from the report's 年报解读链接."""
    formats = dict(member.interpreted)
    if year not in formats:
        return None
    replica = site.replica
    render = partial(render_article, column, column_name)
    reading = interpretation(replica, render, col_url(column), member.publisher, report,
                             formats[year].format(title=report.title),
                             timedelta(days=replica.rng.randint(1, 5), hours=3), locate=partial(site.locate, column))
    key = HOST + report.url.removeprefix(BASE)
    link = f'<a href="{reading.url.removeprefix(BASE)}" target="_blank">{escape(reading.title)}</a>'
    replica.files[key] = report.html.replace("<!--nbjd-->", link).encode("utf-8")
    return item_of(reading)


ON = ' class="on"'


def column_nav(current: int) -> str:
    """The left column tree of the 信息公开年报 pages."""
    entries = [(c, f"{y}年度工作报告") for y, c in YEAR_COLUMNS.items()]
    entries += [(c, m.unit.short) for m, c in TOWN_COLUMNS.items()]
    items = "\n".join(f'<li{ON if c == current else ""}><a href="{col_path(c)}">{escape(t)}</a></li>' for c, t in entries)
    return f'<div class="lh-left"><div class="lh-left-title"><a href="{col_path(ROOT)}">信息公开年报</a></div>\n<ul>\n{items}\n</ul></div>'


def column_page(column: int, name: str, content: str) -> str:
    main = f"""<div class="lh-main w1200">
{column_nav(column)}
<div class="lh-right">
<div class="lh-col-title">{escape(name)}</div>
{content}
</div>
</div>"""
    return site_page(name, f'<meta name="ColumnName" content="{escape(name)}">', crumbs(column, name), main)


def datastore_column(site: Site, column: int, name: str, items: list[Item], unitid: int, per_page: int) -> None:
    """A jpage list: the first page's records in the page, all of them behind dataproxy.jsp."""
    replica = site.replica
    items = sorted(items, key=lambda item: item.published, reverse=True)
    data = {"columnid": column, "unitid": unitid, "webid": WEBID, "webname": GOVERNMENT, "perpage": per_page,
            "records": [item.li() for item in items]}
    replica.write(f"{BASE}/_data/dataproxy/{column}.json", json.dumps(data, ensure_ascii=False, indent=1))
    params = {"col": 1, "appid": 1, "webid": WEBID, "path": "/", "columnid": column, "sourceContentType": 1,
              "unitid": unitid, "webname": GOVERNMENT, "permissiontype": 0}
    content = f"""<div class="lh-list" id="{unitid}"><script type="text/xml">
{dynamic.datastore(data, data["records"][:per_page], totals=False)}
</script></div>
<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$("#{unitid}").jpage({{
  dataBefore: '<ul class="lh-list-ul">', dataAfter: '</ul>',
  perPage: {per_page}, totalRecord: {len(items)}, groupSize: 1, barPosition: "bottom", showMode: "full",
  proxyUrl: "{PROXY}",
  ajaxParam: {json.dumps(params, ensure_ascii=False)}
}});
</script>"""
    replica.write_list(col_url(column), column_page(column, name, content))
    pages = dynamic.page_count(data)
    replica.lists.extend(proxy_url(n * per_page + 1, (n + 1) * per_page, per_page) for n in range(1, pages))


def json_column(site: Site, column: int, name: str, items: list[Item]) -> None:
    """A list the browser builds from /api/list: no link in the HTML."""
    replica = site.replica
    items = sorted(items, key=lambda item: item.published, reverse=True)
    records = [{"title": i.title, "url": i.href, "date": f"{i.published:%Y-%m-%d}"} for i in items]
    data = {"columnId": column, "pageSize": TOWN_PER_PAGE, "records": records}
    replica.write(f"{BASE}/_data/json_list/{column}.json", json.dumps(data, ensure_ascii=False, indent=1))
    content = f"""<div class="lh-list"><ul class="lh-list-ul" id="lh-list"></ul></div>
<script type="text/javascript">
(function () {{
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "{API}?columnId={column}&page=1&pageSize={TOWN_PER_PAGE}");
  xhr.onload = function () {{
    var result = JSON.parse(xhr.responseText), list = document.getElementById("lh-list");
    if (result.code !== 200) {{ return; }}
    result.data.list.forEach(function (item) {{
      var li = document.createElement("li"), a = document.createElement("a"), span = document.createElement("span");
      a.href = item.url; a.title = item.title; a.target = "_blank"; a.textContent = item.title;
      span.textContent = item.date;
      li.appendChild(a); li.appendChild(span); list.appendChild(li);
    }});
  }};
  xhr.send();
}})();
</script>"""
    replica.write_list(col_url(column), column_page(column, name, content))
    replica.expect.rendered_lists.append(col_url(column))


def year_column(site: Site, year: int) -> None:
    """「{year}年度工作报告」: the reports of the city government, its office and the bureaus."""
    column, name, items = YEAR_COLUMNS[year], f"{year}年度工作报告", []
    for member in YEAR_MEMBERS:
        if year in member.years:
            report = member_report(site, member, year, column, name)
            items.append(item_of(report))
            reading = with_interpretation(site, member, year, report, column, name)
            items += [reading] if reading else []
    datastore_column(site, column, name, items, LIST_UNIT, PER_PAGE)


def town_column(site: Site, member: Member) -> None:
    column, name = TOWN_COLUMNS[member], member.unit.short
    items = []
    for year in member.years:
        report = member_report(site, member, year, column, name)
        # Module links name the year only: the unit is the column's.
        items.append(item_of(report, f"{year}年度政府信息公开工作年度报告" if member.area else None))
    if member.area:
        datastore_column(site, column, name, items, TOWN_UNIT, TOWN_PER_PAGE)
    else:
        json_column(site, column, name, items)


def root_column(site: Site) -> None:
    """政府信息公开年报: links to the year columns and the towns' columns."""
    years = "\n".join(f'<li><a href="{col_path(c)}" title="{y}年度工作报告">{y}年度工作报告</a></li>'
                      for y, c in YEAR_COLUMNS.items())
    towns = "\n".join(f'<li><a href="{col_path(c)}" title="{m.unit.name}">{m.unit.short}</a></li>'
                      for m, c in TOWN_COLUMNS.items())
    content = (f'<div class="lh-nb-group"><h3>{GOVERNMENT}</h3>\n<ul>\n{years}\n</ul></div>\n'
               f'<div class="lh-nb-group"><h3>镇（街道）</h3>\n<ul>\n{towns}\n</ul></div>')
    site.replica.write(col_url(ROOT), column_page(ROOT, "政府信息公开年报", content))
    site.replica.lists.insert(0, col_url(ROOT))


def build_linhai(replica: Replica) -> None:
    replica.spiders[SPIDER] = LinhaiExpectations()
    replica.start(SPIDER, f"{SEED}-{SPIDER}")
    site = Site(replica)
    for year in sorted(YEAR_COLUMNS):
        year_column(site, year)
    for member in TOWN_COLUMNS:
        town_column(site, member)
    root_column(site)
    for report in replica.reports:
        report["rendered"] = False
    replica.off_limits += [col_url(c) for c in (ZWGK, XXGKML, *(c for c, _ in NAV[:1] + NAV[2:]), *(c for c, _ in FOOTER))]
    replica.off_limits += [url for url, _ in FRIENDS]
    replica.write(f"{BASE}/robots.txt", "User-agent: *\nDisallow: /module/search/\n")
    replica.write(f"{BASE}/_site.json", json.dumps({"charset": "utf-8", "dynamic": {
        PROXY: "hanweb_dataproxy", MODULE: "zj_annual_report", API: "json_list"}}, indent=1))
