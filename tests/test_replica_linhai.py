"""The replica of 临海市 (www.linhai.gov.cn, Hanweb jcms): built into a temporary tree, served over real
HTTP on loopback, its links followed the way the portal must be read (datastore records, POSTs to
dataproxy.jsp, the annual-report module, a list only a browser builds) and its pages read by the engine."""

from __future__ import annotations

import http.client
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from govcrawl.extract import extract
from govcrawl.evaluate import score_record
from replica import linhai
from replica.linhai import BASE, HOST, build_linhai, layout_text
from replica.model import Replica
from replica.server import ReplicaServer
from replica.tianjin import SEED

from .links import shown_links, walk

START = f"{BASE}/col/col1229317620/index.html"
REAL_REPORT = f"{BASE}/art/2023/1/4/art_1229709042_67998.html"
REAL_MODULE = f"{BASE}/module/xxgk/xxgkAnnualReport.jsp?area=LH331082-018&fbtime=2023&showType=2&artId=86132"
PROXY = f"{BASE}/module/web/jpage/dataproxy.jsp"
RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)


def build(root: Path) -> tuple[dict[str, bytes], dict]:
    replica = Replica(random.Random(SEED))
    build_linhai(replica)
    for relpath, data in replica.files.items():
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return replica.files, replica.manifest()["spiders"]["linhai"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("sites")
    files, expect = build(root)
    return root, files, expect


@pytest.fixture(scope="module")
def expect(built):
    return built[2]


@pytest.fixture()
def server(built):
    with ReplicaServer(built[0]) as server:
        yield server


def fetch(server, url: str, method: str = "GET", form: dict | None = None):
    """A portal URL sent as the crawler sends it (Host header, scheme in X-Forwarded-Proto)."""
    parts = urlsplit(url)
    body = urlencode(form).encode("utf-8") if form is not None else None
    headers = {"Host": parts.hostname, "X-Forwarded-Proto": parts.scheme}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def page_text(html: bytes) -> str:
    """The text a reader sees: scripts left out."""
    page = lxml.html.fromstring(html.decode("utf-8"))
    lxml.etree.strip_elements(page, "script", with_tail=False)
    return " ".join(page.xpath("//body")[0].text_content().split())


# -- the portal as a crawl meets it ---------------------------------------------------------

def jpage_config(page: str) -> dict | None:
    """What a Hanweb list page's script says: records per page, total, the proxy's fields."""
    per_page = re.search(r"perPage:\s*(\d+)", page)
    if not per_page:
        return None
    return {"perpage": int(per_page.group(1)), "total": int(re.search(r"totalRecord:\s*(\d+)", page).group(1)),
            "params": json.loads(re.search(r"ajaxParam:\s*(\{.*?\})", page).group(1))}


def page_links(server, scripted: list[str]) -> Callable[[str], set[str]]:
    """What a page of the portal shows, read as a browser reads it: its links (the records of its
    datastore too), the further pages its list script fetches from dataproxy.jsp (POSTing the
    script's parameters) and, for a list the script builds from JSON, the records the JSON holds
    (the page then goes into `scripted`)."""
    posted: dict[str, dict] = {}  # a dataproxy.jsp page → what its column's script posts

    def links(url: str) -> set[str]:
        if url in posted:
            return shown_links(url, fetch(server, url, "POST", posted[url])[1].decode("utf-8"))
        response, body = fetch(server, url)
        assert response.status == 200, url
        page = body.decode("utf-8")
        found = shown_links(url, page)
        config = jpage_config(page)
        if config:
            for start in range(config["perpage"] + 1, config["total"] + 1, config["perpage"]):
                proxy = f"{PROXY}?startrecord={start}&endrecord={start + config['perpage'] - 1}&perpage={config['perpage']}"
                posted[proxy] = config["params"]
                found.add(proxy)
        api = re.search(r'xhr\.open\("GET", "([^"]+)"\)', page)
        if api:
            scripted.append(url)
            found |= {urljoin(url, item["url"]) for item in json.loads(fetch(server, urljoin(url, api.group(1)))[1])["data"]["list"]}
        return found

    return links


def test_what_the_spider_must_find_is_linked_and_what_it_must_not_fetch_is_shown(server, expect):
    """From the start URL, entering only the lists the manifest declares (tests/links.py), every
    list page and report is reached; every off-limits URL and interpretation is a link a crawl meets."""
    scripted: list[str] = []
    links = page_links(server, scripted)
    reached, shown = walk(expect, [START], links)
    reports = {r["url"] for r in expect["reports"]}
    assert expect["lists"][0] == START
    assert reached == set(expect["lists"]) | reports
    assert scripted == expect["rendered_lists"]
    assert ("POST", HOST, "/module/web/jpage/dataproxy.jsp?startrecord=6&endrecord=10&perpage=5", 200) in server.requests
    for url in reports:
        shown |= links(url)
    assert set(expect["off_limits"]) | {e["url"] for e in expect["not_reports"]} <= shown


def test_manifest_section(expect):
    assert set(expect) == {"lists", "reports", "not_reports", "off_limits", "rendered_lists"}
    assert all(r["rendered"] is False for r in expect["reports"])
    assert set(expect["rendered_lists"]) <= set(expect["lists"])
    assert not (set(expect["lists"]) | {r["url"] for r in expect["reports"]}) & set(expect["off_limits"])
    units = {r["unit"]["name"]: r["unit"] for r in expect["reports"]}
    assert len(units) == 7 and all(u["region_code"] == "331082" for u in units.values())
    assert {u["level"] for u in units.values()} == {"county", "department", "township"}
    assert {r["year"] for r in expect["reports"] if r["unit"]["name"] == "临海市人民政府"} == {2019, 2020, 2021, 2022, 2023}
    assert all(r["format"] == ("gov2019" if r["year"] <= 2020 else "gov2021") for r in expect["reports"])
    assert [e["why"] for e in expect["not_reports"]] == ["interpretation"] * 3
    assert {e["url"] for e in expect["not_reports"]} <= set(expect["off_limits"])
    module = [r for r in expect["reports"] if "/module/xxgk/xxgkAnnualReport.jsp?" in r["url"]]
    assert len(module) == 3 and REAL_MODULE in {r["url"] for r in module}


def test_real_report_page_carries_the_hanweb_chrome(server, expect):
    (entry,) = [r for r in expect["reports"] if r["url"] == REAL_REPORT]
    assert (entry["published"], entry["publisher"], entry["year"]) == ("2023-01-04T15:28:00+08:00", "市经信局(市中小企业局)", 2022)
    response, body = fetch(server, REAL_REPORT)
    text = page_text(body)
    assert text.startswith("进入老年模式 退出老年模式 首页")
    assert ("当前位置:首页 > 政务公开 > 信息公开目录 > 信息公开年报 > 2022年度工作报告 "
            f"{entry['title']} • 日期: 2023-01-04 15:28 • 来源: 市经信局(市中小企业局) • 浏览次数: • 字体:[ ]") in text
    assert "年报解读链接 图解：" in text and "打印 关闭" in text


def test_dataproxy_pages_by_post(server, expect):
    column = f"{BASE}/col/col1229709042/index.html"
    page = fetch(server, column)[1].decode("utf-8")
    config = jpage_config(page)
    assert config["params"] == {"col": 1, "appid": 1, "webid": linhai.WEBID, "path": "/", "columnid": 1229709042,
                                "sourceContentType": 1, "unitid": linhai.LIST_UNIT, "webname": "临海市人民政府",
                                "permissiontype": 0}
    first = RECORD.findall(page)
    assert len(first) == config["perpage"] == 5 < config["total"] == 6
    assert '<script type="text/xml">\n<datastore>\n<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1' in page
    response, body = fetch(server, f"{PROXY}?startrecord=6&endrecord=10&perpage=5", "POST", config["params"])
    assert response.status == 200 and response.getheader("Content-Type") == "text/xml; charset=utf-8"
    answer = body.decode("utf-8")
    assert answer.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>6</totalrecord>')
    rest = RECORD.findall(answer)
    assert len(rest) == 1 and "art_1229709042_67998.html" in rest[0]  # the real report: on page 2 only
    everything = RECORD.findall(fetch(server, f"{PROXY}?startrecord=1&endrecord=15&perpage=15", "POST", config["params"])[1].decode())
    assert everything == first + rest
    posted = dict(p.split("=", 1) for p in server.bodies[0][2].decode().split("&"))
    assert posted["columnid"] == "1229709042" and server.bodies[0][:2] == (HOST, "/module/web/jpage/dataproxy.jsp?startrecord=6&endrecord=10&perpage=5")
    # Parameters in the query do as well as posted ones; without a known column the datastore is empty.
    query = urlencode({**config["params"], "startrecord": 6, "endrecord": 10, "perpage": 5})
    assert RECORD.findall(fetch(server, f"{PROXY}?{query}")[1].decode()) == rest
    for form in (None, {**config["params"], "columnid": "999"}, {"columnid": "../_site"}):
        response, body = fetch(server, f"{PROXY}?startrecord=1&endrecord=5&perpage=5", "POST", form)
        assert response.status == 200 and "<totalrecord>0</totalrecord>" in body.decode() and not RECORD.findall(body.decode())


def test_annual_report_module(server, expect):
    (entry,) = [r for r in expect["reports"] if r["url"] == REAL_MODULE]
    assert entry["title"] == "临海市杜桥镇人民政府2023年度政府信息公开工作年度报告" and entry["unit"]["level"] == "township"
    response, body = fetch(server, REAL_MODULE)
    assert response.status == 200 and response.getheader("Content-Type") == "text/html; charset=utf-8"
    page = lxml.html.fromstring(body)
    assert page.xpath("string(//title)") == entry["title"] and len(page.xpath('//*[@id="zoom"]//table')) == 3
    assert fetch(server, REAL_MODULE, "HEAD")[1] == b""
    for query in ("area=LH331082-018&fbtime=2019&showType=2", "area=LH331082-999&fbtime=2023", "area=..&fbtime=_site",
                  "fbtime=2023"):
        assert fetch(server, f"{BASE}/module/xxgk/xxgkAnnualReport.jsp?{query}")[0].status == 404, query
    # The towns' column names the year only; the module is the only way to these reports.
    page = fetch(server, f"{BASE}/col/col1229317658/index.html")[1].decode("utf-8")
    links = [a for r in RECORD.findall(page) for a in lxml.html.fromstring(r).xpath("//a")]
    assert [a.text for a in links] == ["2023年度政府信息公开工作年度报告", "2022年度政府信息公开工作年度报告"]
    assert all(a.get("href").startswith("/module/xxgk/xxgkAnnualReport.jsp?area=LH331082-018&fbtime=") for a in links)


def test_list_built_by_script_from_json(server, expect):
    (url,) = expect["rendered_lists"]
    page = fetch(server, url)[1].decode("utf-8")
    assert not re.search(r"/art/|<record>", page)
    response, body = fetch(server, f"{BASE}/api/list?columnId=1229317651&page=1&pageSize=15")
    assert response.getheader("Content-Type") == "application/json; charset=utf-8"
    data = json.loads(body)
    assert data["code"] == 200 and data["data"]["total"] == 2
    assert {urljoin(BASE, i["url"]) for i in data["data"]["list"]} == {
        r["url"] for r in expect["reports"] if r["unit"]["name"] == "临海市古城街道办事处"}
    assert json.loads(fetch(server, f"{BASE}/api/list?columnId=1&page=1")[1])["code"] == 404


def test_private_files_and_static_posts(server):
    for path in ("/_site.json", "/_data/dataproxy/1229709042.json", "/_data/json_list/1229317651.json"):
        assert fetch(server, BASE + path)[0].status == 404
    assert fetch(server, START, "POST", {"a": "b"})[0].status == 405


def test_seed_003_page_has_the_seed_text_and_reproduces_the_gold(server, expect, shared):
    stem = "003_813cce83a6a79fdd"
    (entry,) = [r for r in expect["reports"] if r["year"] == 2020 and r["unit"]["name"] == "临海市人民政府"]
    body = fetch(server, entry["url"])[1]
    assert layout_text(body.decode("utf-8")) == (shared / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((shared / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    record = extract(body, media_type="text/html", url=entry["url"]).record
    assert score_record(f"{stem}.txt", record, gold).differences == []
    assert (entry["title"], entry["published"], entry["publisher"], entry["stats"]) == (
        gold["title"], None, None, gold["stats"])
    images = lxml.html.fromstring(body).xpath('//*[@id="zoom"]//img/@src')
    assert len(images) == 3 and all(fetch(server, BASE + src)[1].startswith(b"\x89PNG") for src in images)


def test_every_report_reads_as_the_manifest_says(server, expect):
    for entry in expect["reports"]:
        body = fetch(server, entry["url"])[1]
        record = extract(body, media_type="text/html", url=entry["url"], unit=entry["unit"]).record
        got = {k: record[k] for k in ("title", "year", "published", "publisher", "format", "tables", "flags", "unit")}
        assert got == {k: entry[k] for k in got}, entry["url"]
        assert {k: record["stats"].get(k) for k in entry["stats"]} == entry["stats"], entry["url"]
        assert [c["rule"] for c in record["checks"] if c["status"] == "fail"] == entry["failing_checks"]


def test_build_is_deterministic_and_small(built, tmp_path):
    files, expect = build(tmp_path)
    assert files == built[1] and expect == built[2]
    assert sum(map(len, files.values())) < 300_000
    config = json.loads(files[f"{HOST}/_site.json"])
    assert config["dynamic"] == {"/module/web/jpage/dataproxy.jsp": "hanweb_dataproxy",
                                 "/module/xxgk/xxgkAnnualReport.jsp": "zj_annual_report", "/api/list": "json_list"}
