"""A 1,000-page crawl of a generated replica with browser rendering on: time and peak memory.

    .venv/bin/python bench/crawl.py [--units 100] [--rendered-share 0.1]

Writes a TRS-style site of UNITS unit columns into a temporary directory — each column three
list pages (createPageHTML) with nine reports, except a share of columns whose list is built by
script from a JSON endpoint (read in Chromium) — serves it with the replica server, crawls it
with a portal definition made for it (`scrapy crawl bench`, REPLICA_URL, GOVCRAWL_SEEDS), and
polls /proc for the memory (PSS) of the crawl's whole process tree (Scrapy, the Playwright
driver, Chromium and its renderers). Reports are copies of a replica report page with their
unit and year changed, so extraction runs on real table layouts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replica.server import DEFAULT_SITES, ReplicaServer  # noqa: E402

HOST = "www.bench.gov.cn"
TEMPLATE = DEFAULT_SITES / "www.tjhq.gov.cn/zwgk/zfxxgkqzf/qzf/zfxxgknb2/202103/t20210308_5378162.html"
TEMPLATE_UNIT = "天津市红桥区人民政府"
YEARS = range(2013, 2022)
PER_PAGE = 3
DEFINITION = f'''
name = "bench"
cms = "trs_wcm"
allowed_domains = ["bench.gov.cn"]
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


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_site(sites: Path, units: int, rendered_share: float) -> dict:
    site = sites / HOST
    template = TEMPLATE.read_text(encoding="utf-8")
    write(site / "robots.txt", "User-agent: *\nDisallow:\n")
    write(site / "_site.json", json.dumps({"dynamic": {"/api/list": "json_list"}}))
    rendered_every = round(1 / rendered_share) if rendered_share else 0
    unit_links, pages, rendered = [], 0, 0
    for u in range(units):
        name = f"示例市第{u + 1}局"
        unit_links.append(f'<li><a href="./u{u}/">{name}</a></li>')
        reports = []
        for year in YEARS:
            title = f"{name}{year}年政府信息公开工作年度报告"
            href = f"{year + 1}03/t{year + 1}0301_{u * 100 + year}.html"
            write(site / f"gknb/u{u}/{href}", template.replace(TEMPLATE_UNIT, name).replace("2020年", f"{year}年"))
            reports.append((title, href))
        if rendered_every and u % rendered_every == 0:
            write(site / f"gknb/u{u}/index.html", SCRIPT_LIST_PAGE.format(title=name, column=f"u{u}"))
            records = [{"title": t, "url": f"/gknb/u{u}/{h}", "date": "2021-03-01"} for t, h in reports]
            write(site / f"_data/json_list/u{u}.json", json.dumps({"pageSize": 20, "records": records}, ensure_ascii=False))
            pages, rendered = pages + 1, rendered + 1
            continue
        chunks = [reports[i : i + PER_PAGE] for i in range(0, len(reports), PER_PAGE)]
        for n, chunk in enumerate(chunks):
            items = "".join(f'<li><a href="./{h}">{t}</a><span>2021-03-01</span></li>' for t, h in chunk)
            page = "index.html" if n == 0 else f"index_{n}.html"
            write(site / f"gknb/u{u}/{page}", LIST_PAGE.format(title=name, items=items, total=len(chunks), current=n))
            pages += 1
    write(site / "gknb/index.html", LIST_PAGE.format(title="政府信息公开年报", items="".join(unit_links), total=1, current=0))
    return {"list_pages": pages + 1, "reports": units * len(YEARS), "rendered_lists": rendered}


def tree_pss_kib(root_pid: int) -> int:
    """Memory of a process and all its descendants, from /proc: the proportional set size, so
    the pages Chromium's processes share are counted once (summed RSS would count them in
    every process)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            rollup = Path(f"/proc/{entry}/smaps_rollup").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--rendered-share", type=float, default=0.1, help="share of unit lists built by script")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        built = build_site(work / "sites", args.units, args.rendered_share)
        write(work / "seeds/bench.toml", DEFINITION)
        env = dict(os.environ, GOVCRAWL_SEEDS=str(work / "seeds"), SCRAPY_SETTINGS_MODULE="govcrawl.settings")
        with ReplicaServer(work / "sites") as replica:
            started = time.perf_counter()
            crawl = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "bench", "-s", f"REPLICA_URL={replica.url}",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"RAW_STORE_DIR={work / 'raw'}",
                 "-s", f"FEEDS={json.dumps({str(work / 'reports.jsonl'): {'format': 'reports'}})}", "-s", "LOG_LEVEL=WARNING"],
                cwd=work, env=env,
            )
            peak = 0
            sampler_done = threading.Event()

            def sample():
                nonlocal peak
                while not sampler_done.is_set():
                    peak = max(peak, tree_pss_kib(crawl.pid))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample)
            sampler.start()
            crawl.wait()
            sampler_done.set()
            sampler.join()
            seconds = time.perf_counter() - started
            served = len(replica.requests)
        records = sum(1 for _ in (work / "reports.jsonl").open(encoding="utf-8"))
    pages = built["list_pages"] + built["reports"]
    print(f"site: {pages} pages ({built['list_pages']} list pages, {built['reports']} reports, "
          f"{built['rendered_lists']} lists built by script)")
    print(f"crawl: exit {crawl.returncode}, {served} requests served, {records} records, {seconds:.1f} s, "
          f"{pages / seconds:.1f} pages/s")
    print(f"peak memory (PSS) of the crawl's process tree: {peak / 1024:.0f} MiB")
    return crawl.returncode


if __name__ == "__main__":
    raise SystemExit(main())
