"""The Tianjin district portals of the replica, built from the rows of district_sites.py.

Each district: a 政府信息公开 hub listing its units by full name in groups (区政府 / 区级机关 /
街道 / 镇); each unit page links to its 政府信息公开指南, 政府信息公开制度, 法定主动公开内容 (with a few
articles; off limits) and its annual-report column, whose folder cannot be predicted. The column
lists the unit's reports (and sometimes a 解读), paginated in some districts, or in {year}n/
folders (蓟州区), or as a 动静结合 list whose later pages only the list API gives (河西区 越秀路街道). Seed 002 is rebuilt as its real page. Every district spider's expectations are
recorded under its name, with its pre-2019 column on gk.tj.gov.cn where there is one.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from html import escape
from pathlib import Path

from replica import pages, trs_lists
from replica import tables as t
from replica.district_sites import DISTRICTS, GROUPS, SCALES, District, UnitRow
from replica.model import (
    RenderedReport, Replica, Unit, UnitHistory, article_url, interpretation, iso_minute, paginate, relative,
    synthetic_report, trs_doc_id,
)
from replica.pages import ListEntry
from replica.prose import heading
from replica.tianjin import GK_COLUMN, SEED, WWW
from replica.trs_lists import dynamic_list

SOURCE = Path(__file__).resolve().parent / "source"
# A unit's other sub-columns, all off limits: (folder kind, link text, article titles).
SIDE_COLUMNS = (
    ("zn", "政府信息公开指南", ("{unit}政府信息公开指南",)),
    ("zd", "政府信息公开制度", ()),
    ("fdzdgknr", "法定主动公开内容", ("{unit}机构职能", "{unit}关于印发{year}年政务公开工作要点的通知")),
)
SEED_SECTIONS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况")


def render_district(site: District, bare: bool, url: str, title: str, column: str, publisher: str,
                    published: datetime, body: str) -> tuple[str, str]:
    return pages.district_article(site, url, title, column, publisher, published, body, bare), iso_minute(published)


def friends(site: District) -> tuple[tuple[str, str], ...]:
    """友情链接: the municipal portal and the next two districts' home pages."""
    index = DISTRICTS.index(site)
    neighbours = [DISTRICTS[(index + n) % len(DISTRICTS)] for n in (1, 2)]
    return ((f"{WWW}/", "天津市人民政府"), *((f"{d.base}/", d.government) for d in neighbours))


def search_id(site: District) -> int:
    """The id of the district's document search channel, which its 动静结合 lists are read from."""
    return 200000 + int(site.code[-3:])


def side_folder(row: UnitRow, kind: str) -> str:
    if kind == "fdzdgknr":
        return kind + "".join(re.findall(r"\d+", row.column))
    return row.column.replace("nb", kind, 1)


def unit_of(site: District, row: UnitRow) -> Unit:
    return Unit(row.name, site.code, row.level, row.short, row.name, SCALES[row.level], site.title_format)


# -- seed pages ---------------------------------------------------------------------------

def seed_cell_texts(lines: list[str]) -> list[str]:
    """The cells of a table as the seed's text gives them: consecutive lines are one cell (a
    label broken by <br>), k blank lines between two cells hold k-1 blank cells."""
    cells: list[list[str]] = []
    current: list[str] | None = None
    blank = 0
    for line in lines:
        if not line.strip():
            blank += 1
            continue
        if current is not None and blank == 0:
            current.append(line)
        else:
            if current is not None:
                cells += [current] + [[]] * (blank - 1)
            current = [line]
        blank = 0
    cells.append(current or [])
    return ["<br>".join(escape(line) for line in cell) for cell in cells]


def seed_table(rows: list[list[t.Cell]], lines: list[str]) -> str:
    """The table's rowspan/colspan grid from tables.py, holding the seed's cell texts."""
    texts = seed_cell_texts(lines)
    assert len(texts) == sum(map(len, rows)), (len(texts), sum(map(len, rows)))
    texts.reverse()
    return t.render_table([[replace(cell, text=texts.pop()) for cell in row] for row in rows], t.TableStyle(word=True))


def seed_body(lines: list[str], tables: dict) -> str:
    """Seed 002's body: its paragraphs verbatim, its three tables as HTML grids."""
    grids = (t.active_disclosure_rows("gov2019", tables["active_disclosure"], t.TableStyle()),
             t.applications_rows("gov2019", tables["applications"], t.TableStyle()),
             t.review_litigation_rows(tables["review_litigation"], t.TableStyle()))
    marks = [lines.index(section) for section in SEED_SECTIONS]
    html = prose_blocks(lines[:marks[0]]) + [heading(SEED_SECTIONS[0], word=False)]
    for n, grid in enumerate(grids):
        if n:
            html.append(heading(SEED_SECTIONS[n], word=False))
        html.append(seed_table(grid, lines[marks[n] + 1:marks[n + 1]]))
    return "\n".join(html + prose_blocks(lines[marks[-1]:]))


def prose_blocks(lines: list[str]) -> list[str]:
    """Paragraphs of a seed's text as HTML: section headings bold, the subtitle centred."""
    html = []
    for block in filter(None, (b.strip("\n") for b in "\n".join(lines).split("\n\n"))):
        if re.match(r"[一二三四五六]、", block):
            html.append(heading(block, word=False))
        elif block.endswith("工作报告"):
            html.append(f'<p style="text-align:center;"><strong>{escape(block)}</strong></p>')
        else:
            html.append(pages.paragraphs([escape(block).replace("\n", "<br>")]))
    return html


def seed_page(replica: Replica, site: District, row: UnitRow, unit: Unit, column_url: str, stem: str,
              published: datetime, doc_id: int) -> RenderedReport:
    """A seed document rebuilt as its page: chrome and footer checked against the template, body
    paragraphs verbatim, tables as grids with the seed's cells; the manifest holds the gold."""
    lines = (SOURCE / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    data = json.loads((SOURCE / f"{stem}.json").read_text(encoding="utf-8"))
    assert lines[:3] == [f"{site.government} {pages.DISTRICT_TODAY}", "", "无障碍 简体| 繁体"], lines[:3]
    title, info = lines[4], lines[5]
    assert info == f"来源:{row.publisher} 发布时间:{published:%Y-%m-%d %H:%M}", info
    footer = lines.index("\u2003|\u2003 ".join(text for _, text in pages.DISTRICT_FOOTER_LINKS))
    assert lines[footer + 2:] == [f"主办:{site.government}办公室", "", f"网站标识码:{site.site_id}",
                                  f"ICP备案编号:津ICP备{site.icp_number}号", f"津公网安备:{site.beian_number}号"]
    url = article_url(column_url, published.date(), doc_id)
    body = seed_body(lines[7:footer], data["tables"])
    html, when = render_district(site, row.bare, url, title, unit.name, row.publisher, published, body)
    replica.write(url, html)
    replica.add_report(url, title, unit, 2020, "gov2019", when, row.publisher, data["tables"], data["stats"])
    carried = data["tables"]["applications"]["carried_over_out"]
    replica.histories[unit.name] = UnitHistory(carried={c: carried[c] for c in t.APPLICANT_COLUMNS})
    return RenderedReport(url, title, published, html)


# -- columns ------------------------------------------------------------------------------

def list_page(replica: Replica, site: District, url: str, column: str, crumbs: list, entries: list[ListEntry],
              total: int = 1, number: int = 0, listed: bool = True) -> None:
    content = (pages.list_items(entries, "xxgk-list")
               + f'\n<div class="page">{pages.pager_script(total, number, "html")}</div>')
    (replica.write_list if listed else replica.write)(url, pages.district_column(site, column, crumbs, content, friends(site)))


def entries_of(items: list[RenderedReport], column_url: str) -> list[ListEntry]:
    return [ListEntry(relative(i.url, column_url), i.title, f"{i.published:%Y-%m-%d}") for i in items]


def side_column(replica: Replica, site: District, row: UnitRow, unit_url: str, kind: str, name: str,
                titles: tuple[str, ...]) -> str:
    """An off-limits sub-column of a unit and its articles."""
    rng, column_url = replica.rng, f"{unit_url}{side_folder(row, kind)}/"
    items = []
    for title in titles:
        day = datetime(rng.choice((2020, 2021, 2022, 2023)), rng.randint(1, 12), rng.randint(1, 28), 10, rng.randint(0, 59))
        url = article_url(column_url, day.date(), trs_doc_id(rng, day.date()))
        title = title.format(unit=row.name, year=day.year)
        body = pages.paragraphs([f"{title}全文如下。", f"{row.name}依照《中华人民共和国政府信息公开条例》有关规定，做好本项工作。"])
        replica.write(url, render_district(site, row.bare, url, title, name, row.publisher, day, body)[0])
        items.append(RenderedReport(url, title, day, ""))
    list_page(replica, site, column_url, name, [(site.hub, "政府信息公开"), (unit_url, row.name), ("./", name)],
              entries_of(items, column_url), listed=False)
    replica.off_limits += [column_url, *(i.url for i in items)]
    return column_url


def report_column(replica: Replica, site: District, row: UnitRow, unit: Unit, unit_url: str) -> None:
    """The unit's annual-report column: its reports (and a 解读), in pages or year folders."""
    column_url, rng = f"{unit_url}{row.column}/", replica.rng
    render = partial(render_district, site, row.bare)
    known = {year: (published, doc_id) for year, published, doc_id in row.known}
    folders: dict[str, list[RenderedReport]] = {}
    for year in row.years:
        target = f"{column_url}{year}n/" if row.year_folders else column_url
        published, doc_id = known.get(year, (None, None))
        if type(published) is date:  # a real page whose time we do not know
            published = datetime(published.year, published.month, published.day, rng.randint(9, 17), rng.randint(0, 59))
        if row.seed and row.seed[0] == year:
            report = seed_page(replica, site, row, unit, target, row.seed[1], published, doc_id)
        else:
            report = synthetic_report(replica, unit, year, target, render, row.publisher, published, doc_id)
        items = folders.setdefault(target, [])
        items.append(report)
        if row.interpretation == year:
            items.append(interpretation(replica, render, target, row.publisher, report, f"《{report.title}》解读",
                                        timedelta(days=rng.randint(0, 3), hours=2)))
    crumbs = [(site.hub, "政府信息公开"), (unit_url, row.name), ("./", row.report_link)]
    if row.year_folders:
        years = sorted((url[-6:-2] for url in folders), reverse=True)
        content = ('<ul class="xxgk-years">\n' + "\n".join(f'<li><a href="./{y}n/">{y}年</a></li>' for y in years)
                   + "\n</ul>")
        replica.write_list(column_url, pages.district_column(site, row.report_link, crumbs, content, friends(site)))
    for target, items in folders.items():
        items.sort(key=lambda item: item.published, reverse=True)
        if row.list_api:
            first, script = dynamic_list(replica, target, search_id(site), row.list_api, entries_of(items, target),
                                         row.per_page, answer="json", absolute=True)
            content = pages.list_items(first, "xxgk-list") + "\n" + script
            replica.write_list(target, pages.district_column(site, row.report_link, crumbs, content, friends(site)))
            continue
        for page_url, number, total, chunk in paginate(items, row.per_page, target, "html"):
            list_page(replica, site, page_url, row.report_link, crumbs, entries_of(chunk, target), total, number)


def unit_page(replica: Replica, site: District, row: UnitRow) -> str:
    """The unit page with its four sub-columns; returns its URL."""
    unit_url = site.base + row.path
    assert row.path.startswith(site.hub) and row.path.endswith("/"), row.path
    links = [(side_column(replica, site, row, unit_url, kind, name, titles), name) for kind, name, titles in SIDE_COLUMNS]
    report_column(replica, site, row, unit_of(site, row), unit_url)
    links.append((f"{unit_url}{row.column}/", row.report_link))
    items = "\n".join(f'<li><a href="{relative(url, unit_url)}">{name}</a></li>' for url, name in links)
    content = f'<div class="unit-name">{row.name}</div>\n<ul class="unit-columns">\n{items}\n</ul>'
    crumbs = [(site.hub, "政府信息公开"), ("./", row.name)]
    replica.write_list(unit_url, pages.district_column(site, row.name, crumbs, content, friends(site)))
    return unit_url


def hub_page(replica: Replica, site: District, unit_urls: dict[str, str]) -> None:
    """The 政府信息公开 hub: the district government's guide and rules on top, units by group."""
    government = next(row for row in site.units if row.group == "区政府")
    gov_url = unit_urls[government.name]
    menu = " ".join(f'<a href="{relative(gov_url, site.hub_url)}{side_folder(government, kind)}/">{name}</a>'
                    for kind, name, _ in SIDE_COLUMNS)
    groups = []
    for group in GROUPS:
        rows = [row for row in site.units if row.group == group]
        if rows:
            items = "\n".join(f'<li><a href="{relative(unit_urls[row.name], site.hub_url)}" target="_blank" '
                              f'title="{row.name}">{row.name}</a></li>' for row in rows)
            groups.append(f'<div class="xxgk-group">\n<h3>{group}</h3>\n<ul>\n{items}\n</ul>\n</div>')
    content = f'<div class="xxgk-menu">{menu}</div>\n' + "\n".join(groups)
    html = pages.district_column(site, "政府信息公开", [("./", "政府信息公开")], content, friends(site))
    replica.write(site.hub_url, html)
    replica.lists.insert(0, site.hub_url)


def build_district(replica: Replica, site: District) -> None:
    replica.start(site.spider, f"{SEED}-{site.spider}")
    unit_urls = {row.name: unit_page(replica, site, row) for row in site.units}
    hub_page(replica, site, unit_urls)
    replica.off_limits += [site.base + href for href, _ in (*pages.DISTRICT_NAV, *pages.DISTRICT_FOOTER_LINKS)]
    replica.off_limits += [url for url, _ in friends(site)]
    if site.gk:
        replica.share("tianjin", f"{GK_COLUMN}qxzf/{site.gk}/")
    replica.write(f"{site.base}/robots.txt", "User-agent: *\nDisallow: /search/\n")
    dynamic = trs_lists.site_config() if any(row.list_api for row in site.units) else {}
    replica.write(f"{site.base}/_site.json", json.dumps({"charset": "utf-8", **dynamic}))


def build_districts(replica: Replica) -> None:
    for site in DISTRICTS:
        build_district(replica, site)
