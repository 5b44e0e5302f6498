"""济南市天桥区 (www.tianqiao.gov.cn) of the replica: the district's 政务公开 platform, where every
unit has a site of its own, recorded as what the `tianqiao` spider must find.

Real (from the brief and portals.md): the host and scheme, the region code 370105, the shape of
report pages `/gongkai/site_{unit}/channel_{24 hex}/doc_{24 hex}.html`, the unit sites
`site_tianqiaoquqzfbgsb` (区政府办公室) and `site_tianqiaoquqtzcjjy` (投资促进中心), 区政府办公室's
annual-report channel and the page of its 2022 report
(`channel_6389a0e8375991828263322c/doc_641a6f4f67b66485f27211cd.html`); recent reports inline,
older ones attached; 「文字解读」 pages in the same channels; a report page opening with its title
and `字号: 大 中 小`, contact lines (联系地址/联系电话) in the report itself; seed 004 (天桥区人民政府,
2020, converted from a Word file: its text and tables are what the replica's DOCX holds, source
errors included) and its page's date and source (2021-02-10, 天桥区政府办公室).

INVENTED in that style, since nothing else about the site is known: the platform home
`/gongkai/index.html` listing the units by full name in groups; the other unit sites and every
other channel and doc id (24 hex digits read as MongoDB ObjectIds: the first eight are the
creation time: channels set up on 2022-12-01/02, older content migrated on 2022-12-03 — the real ids fit);
each unit site's home `/gongkai/site_{unit}/index.html` with its channels 政府信息公开指南,
政府信息公开制度, 法定主动公开内容 (off limits) and 政府信息公开年报 (`channel_{hex}/index.html`,
further pages `index_2.html`, … behind a pager of ordinary links); attachments under
`/gongkai/attachment/{YYYYMMDD}/{hex}.{ext}`; the 2019 report as a PDF; 区卫生健康局 and its 2020
report as a scanned PDF (its printed pages as 200 dpi pictures, turned, blurred, speckled and saved
as JPEG, with no text layer, as scanners make them); which years each unit has,
dates, numbers, publishers, the 解读; the chrome (navigation and breadcrumb on list pages,
`发布时间：YYYY-MM-DD　来源：…` with no time, footer with 主办, 网站标识码, 鲁ICP备 numbers); and the
faults: one report page attaching a corrupt .pdf, one whose attachment link is dead (404).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from html import escape
from pathlib import Path

from replica import documents, pages, prose
from replica import tables as t
from replica.district_sites import SCALES
from replica.documents import Paragraph, Table
from replica.table_images import PAGE_NOISE, SCAN_DPI, printed_pages, scanned_pdf
from replica.model import (
    RenderedReport, Replica, Unit, UnitHistory, interpretation, publication_time, report_tables, synthetic_report,
)
from replica.tianjin import SEED

SPIDER = "tianqiao"
HOST = "www.tianqiao.gov.cn"
BASE = f"http://{HOST}"
CODE = "370105"
GOVERNMENT = "济南市天桥区人民政府"
HOME = f"{BASE}/gongkai/index.html"  # the spider's start URL
SITE_ID = "3701050001"
ICP = "鲁ICP备05001869号-1"
BEIAN = "鲁公网安备37010502000215号"
SEED_004 = Path(__file__).resolve().parent / "source" / "seed_004_tianqiao_2020"
MIGRATED = datetime(2022, 12, 3, 9, 0)  # when the older content got its ids, after the channels'
CHANNELS_CREATED = timedelta(days=2)    # the channels were set up in the days before
NAV = (("/", "首页"), ("/gongkai/index.html", "政务公开"), ("/zwfw/index.html", "政务服务"), ("/hdjl/index.html", "互动交流"))
GROUPS = ("区政府", "区政府部门", "街道办事处")
SIDE_CHANNELS = (
    ("政府信息公开指南", ("{unit}政府信息公开指南",)),
    ("政府信息公开制度", ("{unit}政府信息公开申请办理制度",)),
    ("法定主动公开内容", ("{unit}机构职能", "{unit}关于印发{year}年政务公开工作要点的通知")),
)
REPORT_CHANNEL = "政府信息公开年报"
LIST_TITLE_CHARS = 30  # longer titles are cut with "..." in lists (the link's title attribute has them whole)


@dataclass(frozen=True)
class Site:
    """A unit's site on the platform and its annual-report channel."""
    key: str                      # site_{key}
    unit: Unit
    group: str                    # where the platform home lists it
    publisher: str                # 来源 as its pages write it
    years: tuple[int, ...]
    channel: str | None = None    # its report channel's id, where known
    known: tuple[tuple[int, datetime, str], ...] = ()  # (year, published, doc id) of real pages
    attached: tuple[tuple[int, str], ...] = ()         # (year, "docx" | "pdf" | "scan"): the report only as an attachment
    faults: tuple[tuple[int, str], ...] = ()           # (year, "corrupt_pdf" | "dead_link") of inline reports
    per_page: int = 10
    interpretation: int | None = None  # the year whose report gets a 文字解读 in the channel
    address: str = "济南市天桥区堤口路53号"
    phone: str = "0531-81601723"

    @property
    def home(self) -> str:
        return f"{BASE}/gongkai/site_{self.key}/index.html"

    def channel_url(self, channel: str, page: int = 1) -> str:
        return f"{BASE}/gongkai/site_{self.key}/channel_{channel}/index{f'_{page}' if page > 1 else ''}.html"

    def doc_url(self, channel: str, doc: str) -> str:
        return f"{BASE}/gongkai/site_{self.key}/channel_{channel}/doc_{doc}.html"


def unit(name: str, level: str, short: str, prefix: str | None = None) -> Unit:
    return Unit(name, CODE, level, short, prefix or name, SCALES[level])


SITES = (
    Site("tianqiaoquqzf", unit(GOVERNMENT, "district", "天桥区"), "区政府", "天桥区政府办公室",
         (2019, 2020, 2021, 2022, 2023), attached=((2019, "pdf"), (2020, "docx")), per_page=2, interpretation=2022),
    Site("tianqiaoquqzfbgsb", unit("济南市天桥区人民政府办公室", "department", "区政府办公室"), "区政府部门",
         "天桥区政府办公室", (2021, 2022, 2023), channel="6389a0e8375991828263322c",
         known=((2022, datetime(2023, 3, 22, 11, 0), "641a6f4f67b66485f27211cd"),)),
    Site("tianqiaoqujyhtyj", unit("济南市天桥区教育和体育局", "department", "区教育和体育局"), "区政府部门",
         "区教育和体育局", (2021, 2022, 2023), faults=((2022, "corrupt_pdf"),), interpretation=2023,
         address="济南市天桥区北园大街1号", phone="0531-85967890"),
    Site("tianqiaoquqtzcjjy", unit("济南市天桥区投资促进中心", "department", "区投资促进中心"), "区政府部门",
         "区投资促进中心", (2022, 2023), faults=((2023, "dead_link"),),
         address="济南市天桥区济泺路117号", phone="0531-85901236"),
    Site("tianqiaoqubyjdbsc", unit("济南市天桥区北园街道办事处", "township", "北园街道"), "街道办事处",
         "北园街道办事处", (2022, 2023), address="济南市天桥区北园大街288号", phone="0531-85958201"),
    # Last, so that the sites above draw the same numbers and ids as before it was added.
    Site("tianqiaoquwsjkj", unit("济南市天桥区卫生健康局", "department", "区卫生健康局"), "区政府部门",
         "区卫生健康局", (2020, 2021), attached=((2020, "scan"),),
         address="济南市天桥区无影山中路46号", phone="0531-85903618"),
)


def object_id(replica: Replica, created: datetime) -> str:
    """A 24-hex id whose first eight digits are `created` (Beijing time) in Unix seconds."""
    seconds = int((created - datetime(1970, 1, 1, 8)).total_seconds())
    return f"{seconds:08x}{replica.rng.getrandbits(64):016x}"


def new_channel(replica: Replica) -> str:
    return object_id(replica, MIGRATED - timedelta(seconds=replica.rng.randint(1, int(CHANNELS_CREATED.total_seconds()))))


def doc_id(replica: Replica, published: datetime) -> str:
    """A doc's id: created shortly before publication, or at the migration for older content."""
    created = max(published - timedelta(minutes=replica.rng.randint(1, 90)),
                  MIGRATED + timedelta(seconds=replica.rng.randint(0, 86_400)))
    return object_id(replica, created)


# -- chrome -------------------------------------------------------------------------------

def site_page(title: str, main: str, nav: bool = True) -> str:
    """Any page of the platform: header (the navigation on list pages), `main`, footer."""
    links = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in NAV)
    menu = f'<ul class="gk-nav">{links}</ul>' if nav else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
<link rel="stylesheet" href="/gongkai/static/css/gk.css">
</head>
<body>
<div class="gk-header"><div class="w1200"><img src="/gongkai/static/images/gk_banner.png" alt="">{menu}</div></div>
{main}
<div class="gk-footer"><div class="w1200">
<p>主办：{GOVERNMENT}办公室　承办：济南市天桥区大数据局</p>
<p>网站标识码：{SITE_ID}　{ICP}　{BEIAN}</p>
</div></div>
</body>
</html>
"""


def crumbs_of(site: Site | None, column: str | None = None) -> str:
    crumbs = [("/", "首页"), ("/gongkai/index.html", "政务公开")]
    if site:
        crumbs.append((site.home.removeprefix(BASE), site.unit.name))
    links = [f'<a href="{href}">{escape(text)}</a>' for href, text in crumbs] + ([f"<span>{column}</span>"] if column else [])
    return f'<div class="gk-crumb w1200">当前位置：{" &gt; ".join(links)}</div>'


def attachment_block(links: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<p><a href="{url.removeprefix(BASE)}" target="_blank">{escape(name)}</a></p>' for url, name in links)
    return f'<div class="gk-attachments">\n<p>附件：</p>\n{items}\n</div>' if links else ""


def render_article(attachments: list[tuple[str, str]], contact: str, url: str, title: str, _column: str,
                   publisher: str, published: datetime, body: str) -> tuple[str, str]:
    """A doc page (a model.Render, attachments and contact lines bound): title, 字号, date and source."""
    if contact:  # the report's own contact lines follow its first paragraph
        first_end = body.index("</p>") + len("</p>")
        body = body[:first_end] + "\n" + contact + body[first_end:]
    main = f"""<div class="gk-article w1200">
<h1 class="gk-title">{escape(title)}</h1>
<div class="gk-zihao">字号: <a href="javascript:doZoom(18);">大</a> <a href="javascript:doZoom(16);">中</a> <a href="javascript:doZoom(14);">小</a></div>
<div class="gk-info"><span>发布时间：{published:%Y-%m-%d}</span>　<span>来源：{escape(publisher)}</span></div>
<div class="gk-content" id="zoom">
{body}
</div>
{attachment_block(attachments)}
<div class="gk-tools"><a href="javascript:window.print();">【打印本页】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
</div>"""
    return site_page(title, main, nav=False), published.date().isoformat()


def contact_lines(site: Site) -> str:
    return pages.paragraphs([f"联系地址：{site.address}", f"联系电话：{site.phone}"])


def pager(site: Site, channel: str, number: int, total: int) -> str:
    """共N页 首页 上一页 1 2 … 下一页 尾页: ordinary links; the current page and dead ends have none."""
    if total == 1:
        return '<div class="gk-pager">共1页</div>'

    def href(page: int) -> str:
        return site.channel_url(channel, page).removeprefix(BASE)
    return pages.link_pager(href, number, total, "gk-pager", "span", lead=f"共{total}页")


def channel_pages(replica: Replica, site: Site, channel: str, name: str, items: list[RenderedReport],
                  per_page: int, listed: bool) -> list[str]:
    """A channel's list pages, newest first; returns their URLs."""
    items = sorted(items, key=lambda item: item.published, reverse=True)
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]
    urls = []
    for number, chunk in enumerate(chunks, 1):
        rows = "\n".join(
            f'<li><a href="{i.url.removeprefix(BASE)}" title="{escape(i.title)}" target="_blank">'
            f'{escape(i.title if len(i.title) <= LIST_TITLE_CHARS else i.title[:LIST_TITLE_CHARS - 2] + "...")}</a>'
            f'<span class="date">{i.published:%Y-%m-%d}</span></li>' for i in chunk)
        main = (f'{crumbs_of(site, name)}\n<div class="gk-main w1200">\n<div class="gk-column"><h2>{name}</h2></div>\n'
                f'<ul class="gk-list">\n{rows}\n</ul>\n{pager(site, channel, number, len(chunks))}\n</div>')
        url = site.channel_url(channel, number)
        (replica.write_list if listed else replica.write)(url, site_page(f"{name}-{site.unit.name}", main))
        urls.append(url)
    return urls


# -- seed 004: the Word file behind the page --------------------------------------------------

IMAGE_MARK = re.compile(r"\[image: [^\]]*\]")
SECTION = re.compile(r"[一二三四五六]、")


def seed_rows(lines: list[str], start: int) -> tuple[list[list[str]], int]:
    """The rows of a table as the seed's text gives them — each cell a tab-led line, a line with no
    tab continuing the cell above, a blank line ending the row — and where the table ends."""
    rows, row, i = [], [], start
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            row.append(line[1:])
        elif not line:
            if row:
                rows.append(row)
                row = []
        elif lines[i - 1]:
            row[-1] += "\n" + line
        else:
            break
        i += 1
    return rows + ([row] if row else []), i


def seed_table(grid_rows: list[list[t.Cell]], rows: list[list[str]]) -> Table:
    """The table's merged-cell grid from tables.py, holding the seed's cell texts; the seed lists
    the continuation of a vertically merged cell as an empty cell, as Word keeps it."""
    _, slots = documents.grid(grid_rows)
    assert [len(r) for r in slots] == [len(r) for r in rows], ([len(r) for r in slots], [len(r) for r in rows])
    cells = []
    for slot_row, texts in zip(slots, rows):
        assert all(text == "" for slot, text in zip(slot_row, texts) if not slot.first), texts
        cells.append([replace(slot.cell, text=text) for slot, text in zip(slot_row, texts) if slot.first])
    return Table(cells)


def seed_blocks(text: str, tables: dict) -> list[documents.Block]:
    """Seed 004 as the Word file held it: the title over two lines, paragraphs verbatim (without
    the converter's image marks), the three tables, the signature right-aligned. The chart the
    converter appended (重点领域信息统计) is no text of the document."""
    lines = text.lstrip("\n").split("\n")  # the converter's text opens with a blank line
    lines = lines[:lines.index("重点领域信息统计")]
    grids = iter((t.active_disclosure_rows("gov2019", tables["active_disclosure"], t.TableStyle()),
                  t.applications_rows("gov2019", tables["applications"], t.TableStyle()),
                  t.review_litigation_rows(tables["review_litigation"], t.TableStyle())))
    blocks: list[documents.Block] = [Paragraph(lines[0], "center", True, False), Paragraph(lines[1], "center", True, False)]
    i = 2
    while i < len(lines):
        if lines[i].startswith("\t"):
            rows, i = seed_rows(lines, i)
            blocks.append(seed_table(next(grids), rows))
            continue
        paragraph = IMAGE_MARK.sub("", lines[i]).strip()
        if paragraph:
            right = lines[i].startswith("   ")
            blocks.append(Paragraph(paragraph, "right" if right else "both", bool(SECTION.match(paragraph)), not right))
        i += 1
    assert next(grids, None) is None
    return blocks


# -- reports ------------------------------------------------------------------------------

def attachment_url(replica: Replica, published: datetime, ext: str) -> str:
    return f"{BASE}/gongkai/attachment/{published:%Y%m%d}/{object_id(replica, max(published, MIGRATED))}.{ext}"


def attachment_entry(replica: Replica, url: str, name: str, data: bytes | None) -> dict:
    """A manifest attachment, its file written; `data` None is a dead link (sha256 None)."""
    if data is not None:
        replica.write(url, data)
    return {"url": url, "name": name, "sha256": hashlib.sha256(data).hexdigest() if data is not None else None}


def attached_report(replica: Replica, site: Site, channel: str, year: int, kind: str) -> RenderedReport:
    """A short page — title, 字号, date, source, 「详见附件」 — whose report is its attachment:
    seed 004 as a DOCX, or a synthetic report as a PDF with a text layer or as a scan of its
    printed pages (no text layer; its tables are read by OCR)."""
    rng, fmt = replica.rng, "gov2019"
    via, ext = {"scan": ("ocr", "pdf")}.get(kind, (kind, kind))
    flags: tuple[str, ...] = ("tables_from_ocr",) if via == "ocr" else ()
    if kind == "docx":
        data = json.loads(SEED_004.with_suffix(".json").read_text(encoding="utf-8"))
        text = SEED_004.with_suffix(".txt").read_text(encoding="utf-8")
        tables, stats, failing = data["tables"], data["stats"], data["failing_checks"]
        title = "".join(text.lstrip("\n").split("\n")[:2])
        published = datetime(2021, 2, 10, 15, 26)
        blocks = seed_blocks(text, tables)
        raw = documents.docx(blocks, title, "Administrator", datetime(2021, 2, 10, 9, 12))
        carried = tables["applications"]["carried_over_out"]
        replica.histories[site.unit.name] = UnitHistory(carried={c: carried[c] for c in t.APPLICANT_COLUMNS})
    else:
        title = f"天桥区人民政府{year}年政府信息公开工作年度报告" if kind == "pdf" else site.unit.title(year)
        published = publication_time(rng, year)
        tables, failing = report_tables(replica, site.unit, year, fmt), []
        body, stats = prose.gov_report_body(site.unit.name, site.unit.short, year, fmt, tables, t.TableStyle(), rng)
        signed = f"{published.year}年{published.month}月{published.day}日"
        # The title over two lines, broken after the unit's name as editors break it.
        heading = [title] if kind == "pdf" else [site.unit.title_prefix, title.removeprefix(site.unit.title_prefix)]
        blocks = [*(Paragraph(line, "center", True, False) for line in heading), *documents.html_blocks(body),
                  Paragraph(site.publisher, "right", indent=False), Paragraph(signed, "right", indent=False)]
        if kind == "pdf":
            raw = documents.pdf(blocks, published - timedelta(days=1))
        else:
            raw = scanned_pdf(printed_pages(blocks), rng, dpi=SCAN_DPI, noise=PAGE_NOISE, saved=published - timedelta(days=1))
    url = site.doc_url(channel, doc_id(replica, published))
    file_url = attachment_url(replica, published, ext)
    name = f"{title}.{ext}"
    body = pages.paragraphs(["详见附件。"])
    html, when = render_article([(file_url, name)], "", url, title, REPORT_CHANNEL, site.publisher, published, body)
    replica.write(url, html)
    replica.add_report(url, title, site.unit, year, fmt, when, site.publisher, tables, stats, flags=flags,
                       failing_checks=tuple(failing), attachments=[attachment_entry(replica, file_url, name, raw)],
                       via=via)
    return RenderedReport(url, title, published, html)


def inline_report(replica: Replica, site: Site, channel: str, year: int) -> RenderedReport:
    """A report inline in its page (gov2019/gov2021 tables), with a faulty attachment where the
    site has one: a .pdf of garbage bytes, or a link to a file that is not there."""
    rng = replica.rng
    known = {y: (published, doc) for y, published, doc in site.known}
    published, doc = known.get(year, (publication_time(rng, year), None))
    doc = doc or doc_id(replica, published)
    fault = dict(site.faults).get(year)
    links, entries = [], []
    if fault:
        ext = "pdf" if fault == "corrupt_pdf" else "docx"
        file_url, name = attachment_url(replica, published, ext), f"{site.unit.title(year)}.{ext}"
        garbage = rng.randbytes(3000) if fault == "corrupt_pdf" else None
        links.append((file_url, name))
        entries.append({**attachment_entry(replica, file_url, name, garbage), "error": True})
    render = partial(render_article, links, contact_lines(site))
    report = synthetic_report(replica, site.unit, year, "", render, site.publisher, published,
                              locate=lambda _: site.doc_url(channel, doc))
    replica.reports[-1].update(attachments=entries, via="html")
    return report


def report_channel(replica: Replica, site: Site) -> str:
    """政府信息公开年报: the unit's reports and 文字解读, `per_page` to a list page; returns its URL."""
    channel = site.channel or new_channel(replica)
    attached, items = dict(site.attached), []
    render = partial(render_article, [], "")
    for year in site.years:
        if year in attached:
            report = attached_report(replica, site, channel, year, attached[year])
        else:
            report = inline_report(replica, site, channel, year)
        items.append(report)
        if site.interpretation == year:
            delay = timedelta(days=replica.rng.randint(1, 5), hours=3)
            items.append(interpretation(replica, render, "", site.publisher, report, f"关于《{report.title}》的文字解读",
                                        delay, locate=lambda published: site.doc_url(channel, doc_id(replica, published))))
    channel_pages(replica, site, channel, REPORT_CHANNEL, items, site.per_page, listed=True)
    return site.channel_url(channel)


def side_channel(replica: Replica, site: Site, name: str, titles: tuple[str, ...]) -> str:
    """An off-limits channel of a unit and its docs; returns its URL."""
    rng, items = replica.rng, []
    channel = new_channel(replica)
    render = partial(render_article, [], "")
    for title in titles:
        day = datetime(rng.choice((2021, 2022, 2023)), rng.randint(1, 12), rng.randint(1, 28), 10, rng.randint(0, 59))
        url, title = site.doc_url(channel, doc_id(replica, day)), title.format(unit=site.unit.name, year=day.year)
        body = pages.paragraphs([f"{title}全文如下。", f"{site.unit.name}依照《中华人民共和国政府信息公开条例》有关规定，做好本项工作。"])
        replica.write(url, render(url, title, name, site.publisher, day, body)[0])
        items.append(RenderedReport(url, title, day, ""))
    replica.off_limits += channel_pages(replica, site, channel, name, items, 10, listed=False)
    replica.off_limits += [i.url for i in items]
    return site.channel_url(channel)


def site_home(replica: Replica, site: Site) -> None:
    """A unit's site home: its four channels, the annual-report channel last."""
    links = [(side_channel(replica, site, name, titles), name) for name, titles in SIDE_CHANNELS]
    links.append((report_channel(replica, site), REPORT_CHANNEL))
    items = "\n".join(f'<li><a href="{url.removeprefix(BASE)}">{name}</a></li>' for url, name in links)
    main = (f'{crumbs_of(site)}\n<div class="gk-main w1200">\n<div class="gk-site-name">{site.unit.name}</div>\n'
            f'<ul class="gk-channels">\n{items}\n</ul>\n</div>')
    replica.write_list(site.home, site_page(site.unit.name, main))


def build_tianqiao(replica: Replica) -> None:
    replica.start(SPIDER, f"{SEED}-{SPIDER}")
    for site in SITES:
        site_home(replica, site)
    groups = []
    for group in GROUPS:
        items = "\n".join(f'<li><a href="{s.home.removeprefix(BASE)}" title="{s.unit.name}" target="_blank">{s.unit.name}</a></li>'
                          for s in SITES if s.group == group)
        groups.append(f'<div class="gk-group">\n<h3>{group}</h3>\n<ul>\n{items}\n</ul>\n</div>')
    main = f'{crumbs_of(None)}\n<div class="gk-main w1200">\n<h2>政府信息公开</h2>\n' + "\n".join(groups) + "\n</div>"
    replica.write(HOME, site_page("政务公开-济南市天桥区人民政府", main))
    replica.lists.insert(0, HOME)
    replica.off_limits += [BASE + href for href, _ in NAV if BASE + href != HOME]
    replica.write(f"{BASE}/robots.txt", "User-agent: *\nDisallow: /search/\n")
    replica.write(f"{BASE}/_site.json", json.dumps({"charset": "utf-8"}))
