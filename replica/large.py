"""A large generated TRS portal, for resume tests and crawl benchmarks: `build_large_portal`.

    www.large.gov.cn/gknb/                 the annual-report hub, one link per unit
    www.large.gov.cn/gknb/u{n}/index.html  a unit's column, PER_PAGE reports a page, createPageHTML pager
    www.large.gov.cn/gknb/u{n}/YYYYMM/tYYYYMMDD_{id}.html   the reports

Most report pages are short (title, source line, the six section headings, the application
figures in prose), so extraction costs little and a crawl of many thousands stays quick; every
`full_every`-th is a copy of a real replica report page with its unit and year changed, so the
statutory tables and their cells are read on real layouts too. With `script_lists_every` = n, every
n-th unit's column shows no link and builds its list by script from a JSON endpoint (/api/list),
so the crawl reads it in Chromium. Deterministic: the same arguments give the same bytes. Returns
what a complete crawl must find.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from replica.server import DEFAULT_SITES, ReplicaServer

HOST = "www.large.gov.cn"
SPIDER = "large"
FULL_TEMPLATE = DEFAULT_SITES / "www.tjhq.gov.cn/zwgk/zfxxgkqzf/qzf/zfxxgknb2/202103/t20210308_5378162.html"
FULL_TEMPLATE_UNIT = "天津市红桥区人民政府"
DEFINITION = f'''name = "{SPIDER}"
cms = "trs_wcm"
allowed_domains = ["large.gov.cn"]
start_urls = ["http://{HOST}/gknb/"]
owner = {{name = "示例市人民政府", region_code = "120106", level = "city"}}
'''
LIST_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h2>{title}</h2><ul>{items}</ul><script>createPageHTML({total}, {current}, "index", "html");</script></body></html>"""
SCRIPT_LIST_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h2>{title}</h2><ul id="list"></ul><script>
var xhr = new XMLHttpRequest(); xhr.open("GET", "/api/list?columnId={column}&page=1");
xhr.onload = function () {{ JSON.parse(xhr.responseText).data.list.forEach(function (item) {{
  var li = document.createElement("li"), a = document.createElement("a");
  a.href = item.url; a.textContent = item.title; li.appendChild(a); document.getElementById("list").appendChild(li); }}); }};
xhr.send();</script></body></html>"""
SHORT_REPORT = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><div>来源:{unit} 发布时间:{published}</div><div class="TRS_Editor">
<p>本报告依据《中华人民共和国政府信息公开条例》编制。</p>
<p>一、总体情况</p><p>{year}年，{unit}坚持以公开为常态、不公开为例外。</p>
<p>二、主动公开政府信息情况</p><p>详见统计表。</p>
<p>三、收到和处理政府信息公开申请情况</p><p>本年度共收到政府信息公开申请{received}件，上年结转{carried_in}件。</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>无。</p>
<p>五、存在的主要问题及改进情况</p><p>公开的及时性有待提高。</p>
<p>六、其他需要报告的事项</p><p>无。</p>
</div></body></html>"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_large_portal(sites: Path, reports: int, *, per_unit: int = 10, per_page: int = 5, full_every: int = 10,
                       script_lists_every: int = 0) -> dict:
    """Write the portal under sites/HOST; return {"definition", "reports": [url], "lists": [url],
    "script_lists": [url]} (`lists` are the list pages read without a browser)."""
    site = sites / HOST
    template = FULL_TEMPLATE.read_text(encoding="utf-8")
    _write(site / "robots.txt", "User-agent: *\nDisallow:\n")
    units = -(-reports // per_unit)
    if script_lists_every:
        _write(site / "_site.json", json.dumps({"dynamic": {"/api/list": "json_list"}}))
    report_urls, list_urls, unit_links, script_lists = [], [f"http://{HOST}/gknb/"], [], []
    for u in range(units):
        unit = f"示例市第{u + 1}局"
        unit_links.append(f'<li><a href="./u{u}/">{unit}</a></li>')
        entries = []
        for k in range(min(per_unit, reports - u * per_unit)):
            number = u * per_unit + k
            year = 2008 + k % 16
            title = f"{unit}{year}年政府信息公开工作年度报告"
            href = f"{year + 1}03/t{year + 1}0301_{number}.html"
            if number % full_every == 0:
                page = template.replace(FULL_TEMPLATE_UNIT, unit).replace("2020年", f"{year}年")
            else:
                page = SHORT_REPORT.format(title=title, unit=unit, year=year, published=f"{year + 1}-03-01",
                                           received=number % 97 + 3, carried_in=number % 5)
            _write(site / f"gknb/u{u}/{href}", page)
            entries.append((title, href))
            report_urls.append(f"http://{HOST}/gknb/u{u}/{href}")
        if script_lists_every and u % script_lists_every == 0:
            records = [{"title": t, "url": f"/gknb/u{u}/{h}", "date": "2021-03-01"} for t, h in entries]
            _write(site / f"_data/json_list/u{u}.json", json.dumps({"pageSize": per_unit, "records": records}, ensure_ascii=False))
            _write(site / f"gknb/u{u}/index.html", SCRIPT_LIST_PAGE.format(title=unit, column=f"u{u}"))
            script_lists.append(f"http://{HOST}/gknb/u{u}/")
            continue
        pages = [entries[i : i + per_page] for i in range(0, len(entries), per_page)]
        for n, chunk in enumerate(pages):
            items = "".join(f'<li><a href="./{h}">{t}</a><span>2021-03-01</span></li>' for t, h in chunk)
            name = "index.html" if n == 0 else f"index_{n}.html"
            _write(site / f"gknb/u{u}/{name}", LIST_PAGE.format(title=unit, items=items, total=len(pages), current=n))
            list_urls.append(f"http://{HOST}/gknb/u{u}/" + ("" if n == 0 else name))
    _write(site / "gknb/index.html", LIST_PAGE.format(title="政府信息公开年报", items="".join(unit_links), total=1, current=0))
    return {"definition": DEFINITION, "reports": report_urls, "lists": list_urls, "script_lists": script_lists}


@contextmanager
def serve_large_portal(work: Path, reports: int, **options):
    """build_large_portal into work/sites, its definition into work/portals, served by the replica
    server: `with serve_large_portal(work, n) as (built, replica)`; built["portal_dirs"] is for
    GOVCRAWL_PORTAL_DIRS."""
    built = build_large_portal(work / "sites", reports, **options)
    _write(work / "portals" / f"{SPIDER}.toml", built["definition"])
    with ReplicaServer(work / "sites") as replica:
        yield built | {"portal_dirs": str(work / "portals")}, replica
