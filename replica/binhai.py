"""滨海新区 (www.tjbh.gov.cn) of the replica: the district portal that does not run TRS, recorded
as what the `binhai` spider must find.

Real (from the brief): the host and scheme, the region code 120116, and the shape of its report
pages, `/{dj|bsq|kfq}/contents/{category}/{id}.html`, in three areas that are the new district's
functional zones — `dj` 东疆 (天津东疆综合保税区管理委员会), `bsq` 保税区 (天津港保税区管理委员会),
`kfq` 开发区 (天津经济技术开发区管理委员会).

INVENTED in the style of that URL scheme, since nothing else about the site is known: the district
government's and the site's own pages in the same system without an area prefix (`/contents/…`,
`/channels/…`); list pages `/{area}/channels/{category}.html`, further pages `…_2.html`, `…_3.html`
behind a pager of ordinary links (no createPageHTML script); the 政府信息公开 hub listing the
government's columns and the three zones; each zone's disclosure page with its sub-columns; every
category and id, which years each unit has, dates, numbers, publishers, the 解读, and the chrome
(header, `发布时间：YYYY-MM-DD 来源：…` with no time, footer with 主办, 网站标识码 and 津ICP备 numbers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from html import escape

from replica import pages
from replica.district_sites import DISTRICTS, SCALES
from replica.districts import SIDE_COLUMNS
from replica.model import RenderedReport, Replica, Unit, interpretation, synthetic_report
from replica.pages import ListEntry
from replica.tianjin import SEED, WWW

SPIDER = "binhai"
HOST = "www.tjbh.gov.cn"
BASE = f"http://{HOST}"
CODE = "120116"
GOVERNMENT = "天津市滨海新区人民政府"
SITE_ID = f"{CODE}0001"
ICP = "津ICP备12005471号-1"
BEIAN = "津公网安备12011602000316号"
HUB = 10452  # the site's 政府信息公开 hub: /channels/10452.html, the spider's start URL
# Site navigation and footer columns (off limits; none of them names a report or a unit).
NAV = ((10001, "滨海要闻"), (10120, "政务服务"), (10230, "互动交流"), (10300, "走进滨海"))
FOOTER_LINKS = ((10901, "关于我们"), (10902, "网站地图"), (10903, "联系我们"), (10904, "网站声明"))
ZONES_GROUP = "功能区"


def channel_path(root: str, category: int, page: int = 1) -> str:
    return f"{root}/channels/{category}{f'_{page}' if page > 1 else ''}.html"


@dataclass(frozen=True)
class Area:
    """A unit of the site and the area its pages sit in: the district government at site level
    (prefix ""), each zone's management committee below /{prefix}/."""
    prefix: str
    unit: Unit
    publisher: str                # 来源 as its pages write it
    page: int | None              # the zone's disclosure page (the government's columns are on the hub)
    side: tuple[int, int, int]    # 政府信息公开指南, 政府信息公开制度, 法定主动公开内容: off limits
    column: int                   # 政府信息公开年报
    years: tuple[int, ...]
    per_page: int = 10
    interpretation: int | None = None  # the year whose report gets a 解读 in the column

    @property
    def root(self) -> str:
        return f"/{self.prefix}" if self.prefix else ""

    def channel(self, category: int, page: int = 1) -> str:
        return BASE + channel_path(self.root, category, page)

    def content(self, category: int, doc_id: int) -> str:
        return f"{BASE}{self.root}/contents/{category}/{doc_id}.html"

    @property
    def home(self) -> str:
        """The page that lists the unit's columns."""
        return self.channel(self.page) if self.page else BASE + channel_path("", HUB)


def unit(name: str, level: str, short: str) -> Unit:
    return Unit(name, CODE, level, short, name, SCALES[level])


AREAS = (
    Area("", unit(GOVERNMENT, "district", "滨海新区"), "区政府办公室", None, (10453, 10454, 10455), 10456,
         (2021, 2022, 2023), per_page=2, interpretation=2022),
    Area("dj", unit("天津东疆综合保税区管理委员会", "department", "东疆综合保税区管委会"), "东疆管委会", 3420,
         (3421, 3422, 3423), 3426, (2023,)),
    Area("bsq", unit("天津港保税区管理委员会", "department", "保税区管委会"), "保税区管委会", 5710,
         (5711, 5712, 5713), 5719, (2021, 2022)),
    Area("kfq", unit("天津经济技术开发区管理委员会", "department", "开发区管委会"), "开发区管委会", 3885,
         (3886, 3887, 3888), 3889, (2022, 2023)),
)
# 友情链接: the municipal portal and the two neighbouring districts (other hosts, off limits).
FRIENDS = ((f"{WWW}/", "天津市人民政府"),
           *((f"{d.base}/", d.government) for d in DISTRICTS if d.spider in ("dongli", "jinnan")))


def content_id(replica: Replica, day: date) -> int:
    """An article id of the site's CMS, growing with time (one sequence over all areas)."""
    return 480_000 + (day - date(2019, 1, 1)).days * 50 + replica.rng.randint(0, 49)


# -- chrome -------------------------------------------------------------------------------

def site_page(title: str, crumbs: list[tuple[str | None, str]], main: str) -> str:
    """Any page of the site: top bar, header navigation, breadcrumb, `main`, footer."""
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in
                  (("/", "首页"), *((channel_path("", c), t) for c, t in NAV[:1]), (channel_path("", HUB), "政务公开"),
                   *((channel_path("", c), t) for c, t in NAV[1:])))
    crumb = " &gt; ".join(f'<a href="{href}">{escape(text)}</a>' if href else f"<span>{escape(text)}</span>"
                          for href, text in [("/", "首页"), *crumbs])
    links = " | ".join(f'<a href="{channel_path("", c)}" target="_blank">{t}</a>' for c, t in FOOTER_LINKS)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="renderer" content="webkit">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}-{GOVERNMENT}</title>
<link rel="stylesheet" href="/static/css/bh_main.css">
</head>
<body>
<div class="bh-top"><div class="w1200">
<span class="bh-site">{GOVERNMENT}</span>
<span class="bh-tools"><a href="javascript:void(0);" id="wza">无障碍</a> <a href="javascript:void(0);" id="zzms">长者模式</a></span>
</div></div>
<div class="bh-header"><div class="w1200">
<a href="/" class="bh-logo"><img src="/static/images/bh_logo.png" alt="{GOVERNMENT}"></a>
<ul class="bh-nav">{nav}</ul>
</div></div>
<div class="bh-crumb w1200">当前位置：{crumb}</div>
{main}
<div class="bh-footer"><div class="w1200">
<p class="bh-footer-links">{links}</p>
<p>主办：{GOVERNMENT}办公室　承办：天津市滨海新区信息中心</p>
<p>网站标识码：{SITE_ID}　{ICP}　{BEIAN}</p>
</div></div>
</body>
</html>
"""


def column_page(title: str, crumbs: list[tuple[str | None, str]], content: str) -> str:
    friends = "".join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in FRIENDS)
    main = f"""<div class="bh-main w1200">
<div class="bh-column"><h2>{escape(title)}</h2></div>
{content}
</div>
<div class="bh-friends w1200"><span>友情链接：</span>{friends}</div>"""
    return site_page(title, crumbs, main)


def crumbs_of(area: Area, column: str | None = None) -> list[tuple[str | None, str]]:
    """首页 > 政府信息公开 > the unit (its disclosure page; the government has none) > the column."""
    hub = channel_path("", HUB)
    unit_crumb = (channel_path(area.root, area.page), area.unit.name) if area.page else (None, area.unit.name)
    return [(hub, "政府信息公开"), unit_crumb, *([(None, column)] if column else [])]


def render_article(area: Area, column: str, url: str, title: str, _column: str, publisher: str,
                   published: datetime, body: str) -> tuple[str, str]:
    """An article page (a model.Render with the area and column bound): the date without time."""
    main = f"""<div class="bh-article w1200">
<h1 class="bh-article-title">{escape(title)}</h1>
<div class="bh-article-info">发布时间：{published:%Y-%m-%d} 来源：{escape(publisher)}</div>
<div class="bh-article-tools">【字体：<a href="javascript:void(0);">大</a> <a href="javascript:void(0);">中</a> <a href="javascript:void(0);">小</a>】</div>
<div class="article-content" id="zoom">
{body}
</div>
<div class="bh-article-foot"><a href="javascript:window.print();">【打印本页】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
</div>"""
    return site_page(title, crumbs_of(area, column), main), published.date().isoformat()


def pager(area: Area, category: int, number: int, total: int) -> str:
    """首页 上一页 1 2 … 下一页 尾页: ordinary links; the current page and dead ends have no href."""
    return pages.link_pager(lambda page: channel_path(area.root, category, page), number, total, "pagination", "a")


def list_pages(replica: Replica, area: Area, category: int, column: str, items: list[RenderedReport],
               per_page: int, listed: bool) -> list[str]:
    """A column's list pages, newest first; returns their URLs."""
    items = sorted(items, key=lambda item: item.published, reverse=True)
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    urls = []
    for number, chunk in enumerate(chunks, 1):
        entries = [ListEntry(i.url.removeprefix(BASE), i.title, f"{i.published:%Y-%m-%d}") for i in chunk]
        rows = "\n".join(f'<li><a href="{e.href}" title="{escape(e.title)}">{escape(e.title)}</a>'
                         f'<span class="date">{e.date}</span></li>' for e in entries)
        content = f'<ul class="bh-list">\n{rows}\n</ul>\n{pager(area, category, number, len(chunks))}'
        url = area.channel(category, number)
        (replica.write_list if listed else replica.write)(url, column_page(column, crumbs_of(area, column), content))
        urls.append(url)
    return urls


# -- columns ------------------------------------------------------------------------------

def side_column(replica: Replica, area: Area, category: int, name: str, titles: tuple[str, ...]) -> str:
    """An off-limits sub-column of a unit and its articles; returns its URL."""
    rng, items = replica.rng, []
    render = partial(render_article, area, name)
    for title in titles:
        day = datetime(rng.choice((2020, 2021, 2022, 2023)), rng.randint(1, 12), rng.randint(1, 28), 10, rng.randint(0, 59))
        url, title = area.content(category, content_id(replica, day.date())), title.format(unit=area.unit.name, year=day.year)
        body = pages.paragraphs([f"{title}全文如下。", f"{area.unit.name}依照《中华人民共和国政府信息公开条例》有关规定，做好本项工作。"])
        replica.write(url, render(url, title, name, area.publisher, day, body)[0])
        items.append(RenderedReport(url, title, day, ""))
    replica.off_limits += list_pages(replica, area, category, name, items, 10, listed=False)
    replica.off_limits += [i.url for i in items]
    return area.channel(category)


def report_column(replica: Replica, area: Area) -> str:
    """政府信息公开年报: the unit's reports (and a 解读), `per_page` to a list page; returns its URL."""
    rng, column_url, column = replica.rng, area.channel(area.column), "政府信息公开年报"
    render = partial(render_article, area, column)

    def locate(published: datetime) -> str:
        return area.content(area.column, content_id(replica, published.date()))

    items = []
    for year in area.years:
        report = synthetic_report(replica, area.unit, year, column_url, render, area.publisher, locate=locate)
        items.append(report)
        if area.interpretation == year:
            items.append(interpretation(replica, render, column_url, area.publisher, report, f"《{report.title}》解读",
                                        timedelta(days=rng.randint(1, 4), hours=2), locate=locate))
    list_pages(replica, area, area.column, column, items, area.per_page, listed=True)
    return column_url


def unit_columns(replica: Replica, area: Area) -> list[tuple[str, str]]:
    """(URL, link text) of the unit's four sub-columns, the report column last."""
    links = [(side_column(replica, area, category, name, titles), name)
             for category, (_, name, titles) in zip(area.side, SIDE_COLUMNS)]
    return [*links, (report_column(replica, area), "政府信息公开年报")]


def link_items(links: list[tuple[str, str]], ul_class: str, titled: bool = False) -> str:
    items = "\n".join(f'<li><a href="{url.removeprefix(BASE)}"' + (f' title="{text}"' if titled else "")
                      + f">{text}</a></li>" for url, text in links)
    return f'<ul class="{ul_class}">\n{items}\n</ul>'


def zone_page(replica: Replica, area: Area) -> str:
    """A zone's 政府信息公开 page: its sub-columns; returns its URL."""
    content = f'<div class="bh-unit-name">{area.unit.name}</div>\n' + link_items(unit_columns(replica, area), "bh-xxgk-columns")
    replica.write_list(area.home, column_page(area.unit.name, crumbs_of(area), content))
    return area.home


def build_binhai(replica: Replica) -> None:
    replica.start(SPIDER, f"{SEED}-{SPIDER}")
    government, *zones = AREAS
    blocks = [f'<div class="bh-xxgk-unit">\n<h3>{government.unit.name}</h3>\n'
              f'{link_items(unit_columns(replica, government), "bh-xxgk-columns")}\n</div>']
    zone_links = [(zone_page(replica, zone), zone.unit.name) for zone in zones]
    blocks.append(f'<div class="bh-xxgk-group">\n<h3>{ZONES_GROUP}</h3>\n{link_items(zone_links, "bh-xxgk-units", True)}\n</div>')
    hub_url = BASE + channel_path("", HUB)
    replica.write(hub_url, column_page("政府信息公开", [(None, "政府信息公开")], "\n".join(blocks)))
    replica.lists.insert(0, hub_url)
    replica.off_limits += [BASE + channel_path("", category) for category, _ in (*NAV, *FOOTER_LINKS)]
    replica.off_limits += [url for url, _ in FRIENDS]
    replica.write(f"{BASE}/robots.txt", "User-agent: *\nDisallow: /search/\n")
    replica.write(f"{BASE}/_site.json", json.dumps({"charset": "utf-8"}))
