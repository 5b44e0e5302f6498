"""The offline replica: its server over real HTTP on loopback, and its site trees against the manifest."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
import pytest
from lxml import etree

from govcrawl.definitions import load_definitions
from replica import server
from replica import tables as t
from replica.build import SEED_000, SEED_002, build
from replica.district_sites import DISTRICTS
from replica.server import DEFAULT_MANIFEST, DEFAULT_SITES, INDEX_FILES, ReplicaServer, load_manifest
from replica.trs_lists import LIST_API

from .links import PAGER, shown_links, walk

GKNB = "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/"


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(DEFAULT_SITES) as server:
        yield server


@pytest.fixture(scope="module")
def manifest():
    return load_manifest()


@pytest.fixture(scope="module")
def tianjin(manifest):
    return manifest["spiders"]["tianjin"]


def every(manifest, key: str) -> list:
    """One key's entries over every spider, each once (gk.tj.gov.cn's district columns are
    expected of the tianjin spider and of the district's own)."""
    seen, entries = set(), []
    for expect in manifest["spiders"].values():
        for entry in expect[key]:
            ident = entry["url"] if isinstance(entry, dict) else entry
            if ident not in seen:
                seen.add(ident)
                entries.append(entry)
    return entries


def request(replica, host: str, path: str, method: str = "GET", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    connection.request(method, path, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def fetch(replica, url: str, method: str = "GET"):
    """A real portal URL, sent the way the crawler sends it."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return request(replica, parts.hostname, path, method, {"X-Forwarded-Proto": parts.scheme})


def site_file(url: str) -> Path:
    parts = urlsplit(url)
    return DEFAULT_SITES / parts.hostname / parts.path.lstrip("/")


# -- server -------------------------------------------------------------------------------

def test_host_header_chooses_the_site(replica):
    www, www_body = request(replica, "www.tj.gov.cn", "/robots.txt")
    gk, gk_body = request(replica, "gk.tj.gov.cn:80", "/robots.txt")
    assert www.status == gk.status == 200
    assert www_body == (DEFAULT_SITES / "www.tj.gov.cn/robots.txt").read_bytes()
    assert gk_body == (DEFAULT_SITES / "gk.tj.gov.cn/robots.txt").read_bytes()
    assert www_body != gk_body
    assert b"Disallow: /search/" in www_body


def test_directory_serves_its_index_page(replica):
    response, body = fetch(replica, GKNB)
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert body == (site_file(GKNB) / "index.html").read_bytes()
    response, body = fetch(replica, "http://gk.tj.gov.cn/xxgknb_530/")
    assert response.status == 200 and body == site_file("http://gk.tj.gov.cn/xxgknb_530/index.shtml").read_bytes()


def test_directory_without_slash_redirects_in_the_requested_scheme(replica):
    response, _ = fetch(replica, GKNB + "xxgknb2024")
    assert response.status == 301
    assert response.getheader("Location") == GKNB + "xxgknb2024/"
    response, _ = request(replica, "www.tj.gov.cn", "/zwgk/zfxxgkzl/gknb?x=1")
    assert response.getheader("Location") == "http://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/?x=1"


def test_unknown_paths_and_private_files_are_404(replica):
    for path in ("/no/such/page.html", "/_site.json", "/zwgk/../_site.json"):
        response, body = request(replica, "www.tj.gov.cn", path)
        assert response.status == 404, path
        assert "页面不存在" in body.decode("utf-8")


def test_gbk_pages_are_served_byte_for_byte(replica, tianjin):
    url = next(r["url"] for r in tianjin["reports"] if r["url"].startswith("http://gk.tj.gov.cn/"))
    response, body = fetch(replica, url)
    assert response.getheader("Content-Type") == "text/html; charset=gb2312"
    assert body == site_file(url).read_bytes()
    page = lxml.html.fromstring(body.decode("gb2312"))
    assert page.xpath('string(//td[@class="dqwz"])') == "首页 > 政府信息公开年度报告专栏"
    assert re.fullmatch(r"来源:\S+\xa0{3}发布时间:\d{4}年\d\d月\d\d日", page.xpath('string(//td[@class="ly"])'))


def test_head_has_no_body_and_post_is_not_allowed(replica):
    response, body = fetch(replica, GKNB, method="HEAD")
    assert response.status == 200 and body == b""
    assert int(response.getheader("Content-Length")) == len((site_file(GKNB) / "index.html").read_bytes())
    response, _ = fetch(replica, GKNB, method="POST")
    assert response.status == 405


def test_hand_browsing_lists_and_serves_sites(replica):
    response, body = request(replica, f"127.0.0.1:{replica.port}", "/")
    assert response.status == 200
    assert all(host in body.decode("utf-8") for host in ("www.tj.gov.cn", "fzgg.tj.gov.cn", "gk.tj.gov.cn",
                                                         *(d.host for d in DISTRICTS)))
    response, body = request(replica, "127.0.0.1", "/_site/www.tj.gov.cn/robots.txt")
    assert response.status == 200 and body.startswith(b"User-agent")
    response, _ = request(replica, "127.0.0.1", "/_site/www.tj.gov.cn/zwgk")
    assert response.getheader("Location") == "/_site/www.tj.gov.cn/zwgk/"


def test_every_request_is_recorded():
    with ReplicaServer(DEFAULT_SITES) as server:
        request(server, "www.tj.gov.cn", "/robots.txt?a=b")
        request(server, "www.tj.gov.cn", "/missing.html", method="HEAD")
        assert server.requests == [("GET", "www.tj.gov.cn", "/robots.txt?a=b", 200),
                                   ("HEAD", "www.tj.gov.cn", "/missing.html", 404)]


# -- site trees against the manifest ------------------------------------------------------

def test_every_list_and_report_is_served_and_dead_links_are_404(replica, manifest):
    for url in every(manifest, "lists") + [r["url"] for r in every(manifest, "reports")]:
        assert fetch(replica, url)[0].status == 200, url
    for entry in every(manifest, "not_reports"):
        expected = 404 if entry["why"] == "dead_link" else 200
        assert fetch(replica, entry["url"])[0].status == expected, entry


def test_the_broken_page_ends_inside_a_table(manifest):
    (broken,) = [e["url"] for e in every(manifest, "not_reports") if e["why"] == "broken"]
    html = site_file(broken).read_text(encoding="utf-8", errors="replace")
    assert html.count("<table") > html.count("</table>") and "</html>" not in html


def test_pager_totals_match_the_list_pages_present():
    pages = [p for p in DEFAULT_SITES.rglob("index*.*htm*")]
    paged = 0
    for page in pages:
        match = PAGER.search(page.read_bytes().decode("utf-8", errors="replace"))
        if not match:
            continue
        total, current, ext = int(match.group(1)), int(match.group(2)), match.group(3)
        name = "index" + (f"_{current}" if current else "") + f".{ext}"
        assert page.name == name, page
        present = {p.name for p in page.parent.glob(f"index*.{ext}")}
        assert present == {"index" + (f"_{n}" if n else "") + f".{ext}" for n in range(total)}, page
        paged += total > 1
    assert paged >= 8  # sjbm, fzgg, gk tjsrmzf, 河东区, 红桥区: both pages of each announce two


def test_off_limits_urls_are_not_lists_or_reports(manifest):
    for name, expect in manifest["spiders"].items():
        wanted = set(expect["lists"]) | {r["url"] for r in expect["reports"]}
        assert not wanted & set(expect["off_limits"]), name
    tianjin = manifest["spiders"]["tianjin"]["off_limits"]
    assert {d.hub_url for d in DISTRICTS if d.spider in ("heping", "hongqiao")} <= set(tianjin)


def _failing_identities(fmt: str, tables: dict) -> set[str]:
    """report-format.md §4 T3-A, T3-B, T3-C, T4-A, under the rule names of schema.md."""
    apps, review = tables["applications"], tables["review_litigation"]
    outcomes = t.result_rows(fmt)[:-1]
    failing = set()
    for col in t.APPLICATION_COLUMNS:
        if apps["new_received"][col] + apps["carried_over_in"][col] != apps["results_total"][col] + apps["carried_over_out"][col]:
            failing.add(f"applications_balance.{col}")
        if sum(apps[row][col] for row in outcomes) != apps["results_total"][col]:
            failing.add(f"applications_sum.{col}")
    for row, values in apps.items():
        if sum(values[c] for c in t.APPLICANT_COLUMNS) != values["total"]:
            failing.add(f"applications_row_total.{row}")
    for group, values in review.items():
        if sum(values[k] for k in ("upheld", "corrected", "other", "pending")) != values["total"]:
            failing.add(f"review_litigation_total.{group}")
    return failing


def test_manifest_tables_hold_the_identities_except_the_recorded_error(manifest):
    broken = 0
    for report in every(manifest, "reports"):
        tables = report["tables"]
        if tables["applications"] is None:
            assert not report["failing_checks"]
            continue
        assert set(tables["applications"]) == {"new_received", "carried_over_in", "carried_over_out", *t.result_rows(report["format"])}
        assert _failing_identities(report["format"], tables) == set(report["failing_checks"]), report["url"]
        broken += bool(report["failing_checks"])
    assert broken == 2  # a district's carry-over copied wrong; seed 004's own errors


def test_seed_000_is_rebuilt_with_its_text_and_tables_as_images(replica, tianjin):
    url = GKNB + "xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"
    (entry,) = [r for r in tianjin["reports"] if r["url"] == url]
    assert entry["flags"] == ["tables_from_ocr"] and entry["via"] == "ocr" and all(entry["tables"].values())
    # The tables drawn agree with what the report's prose states (表三's 总计 column) …
    applications = entry["tables"]["applications"]
    stated = {"new_received": 17127, "carried_over_in": 367, "results_total": 17097, "carried_over_out": 397}
    assert {row: applications[row]["total"] for row in stated} == stated == {
        key.removeprefix("applications."): value for key, value in entry["stats"].items()}
    # … and satisfy every identity of the format.
    columns = [*t.APPLICANT_COLUMNS, "total"]
    outcomes = t.result_rows("gov2019")[:-1]
    for col in columns:
        assert applications["new_received"][col] + applications["carried_over_in"][col] == \
            applications["results_total"][col] + applications["carried_over_out"][col]
        assert sum(applications[row][col] for row in outcomes) == applications["results_total"][col]
    for values in applications.values():
        assert sum(values[col] for col in t.APPLICANT_COLUMNS) == values["total"]
    for values in entry["tables"]["review_litigation"].values():
        assert values["upheld"] + values["corrected"] + values["other"] + values["pending"] == values["total"]
    assert entry["published"] == "2021-03-30T16:52:00+08:00" and entry["publisher"] == "天津市人民政府办公厅"
    page = lxml.html.fromstring(fetch(replica, url)[1])
    editor = page.xpath('//div[@class="TRS_Editor"]')[0]
    paragraphs = ["".join(p.itertext()) for p in editor.xpath("./p")]
    source_blocks = SEED_000.read_text(encoding="utf-8").split("\n\n")
    assert [p for p in paragraphs if p] == source_blocks[5:-1]
    images = editor.xpath(".//img/@src")
    assert len(images) == 3
    for src, listed in zip(images, entry["attachments"], strict=True):
        image_url = url.rsplit("/", 1)[0] + "/" + src.removeprefix("./")
        response, body = fetch(replica, image_url)
        assert response.getheader("Content-Type") == "image/png" and body.startswith(b"\x89PNG\r\n\x1a\n")
        assert listed == {"url": image_url, "sha256": hashlib.sha256(body).hexdigest()}


def test_the_build_is_deterministic(tmp_path):
    """The trees are built on demand, not committed: every build must give the same bytes. (How
    long a build takes depends on the machine's load; a timed assertion only made the suite flaky.)"""
    rebuilt = build(tmp_path / "sites", tmp_path / "manifest.json")
    assert rebuilt == load_manifest(DEFAULT_MANIFEST)
    served = {p.relative_to(DEFAULT_SITES): p.read_bytes() for p in DEFAULT_SITES.rglob("*") if p.is_file()}
    fresh = {p.relative_to(tmp_path / "sites"): p.read_bytes() for p in (tmp_path / "sites").rglob("*") if p.is_file()}
    assert served == fresh


def page_file(url: str) -> Path:
    path = site_file(url)
    if url.endswith("/"):
        return next((path / name for name in INDEX_FILES if (path / name).is_file()), path / "index.html")
    return path


def file_links(url: str) -> set[str]:
    """A page's links, a folder's without its slash as where the server redirects it (with it).

    A 动静结合 column (replica/trs_lists.py) shows its later pages only through the list API its
    script calls: by the replica's own declaration, its first page leads to the API pages of its
    channel that the manifest lists, and an API page to the records the site's data holds for it."""
    parts = urlsplit(url)
    if parts.path == LIST_API:
        query = dict(parse_qsl(parts.query))
        channel, page, per_page = query["classsql"].removeprefix("chnlid="), int(query["page"]), int(query["prepage"])
        data = json.loads((DEFAULT_SITES / parts.hostname / "_data" / "trs_list" / f"{channel}.json").read_text(encoding="utf-8"))
        return {record["chnldocurl"] for record in data["records"][(page - 1) * per_page : page * per_page]}
    text = page_file(url).read_bytes().decode("utf-8", errors="replace")
    links = shown_links(url, text)
    for channel in LIST_API_CHANNEL.findall(text):
        links |= {u for u in ALL_LISTS if urlsplit(u).path == LIST_API and dict(parse_qsl(urlsplit(u).query))["classsql"] == f"chnlid={channel}"}
    return {f"{link}/" if not link.endswith("/") and site_file(link).is_dir() else link for link in links}


# The list API call's channel in a 动静结合 page's script (replica/trs_lists.py writes it so).
LIST_API_CHANNEL = re.compile(r'classsql:\s*""\s*\|\|\s*"chnlid=(\d+)"')
ALL_LISTS = {u for spider in load_manifest()["spiders"].values() for u in spider["lists"]}


@pytest.mark.parametrize("spider", [name for name in load_manifest()["spiders"] if name != "linhai"])  # linhai: test_replica_linhai.py
def test_what_a_spider_must_find_is_linked_and_what_it_must_not_fetch_is_shown(manifest, spider):
    """From the portal definition's start URLs and shared columns, following only the links of
    list pages into the lists the manifest declares, every list page and report the spider must
    find is reached; every off-limits URL and every page that is not a report is a link some
    page of the portal shows (a trap a crawl meets and has to decline)."""
    expect = manifest["spiders"][spider]
    (definition,) = [d for d in load_definitions() if d.name == spider]
    starts = [*definition.start_urls, *(url for url, _words in definition.shared_columns)]
    reached, shown = walk(expect, starts, file_links)
    assert set(definition.start_urls) <= set(expect["lists"])
    assert reached == set(starts) | set(expect["lists"]) | {r["url"] for r in expect["reports"]}
    for url in [r["url"] for r in expect["reports"]] + expect["off_limits"]:
        if page_file(url).is_file():
            shown |= file_links(url)
    not_reports = {e["url"] for e in expect["not_reports"]}
    assert set(expect["off_limits"]) | not_reports <= shown and not not_reports & reached


# -- the district portals -----------------------------------------------------------------

DISTRICT_SPIDERS = {d.spider: d for d in DISTRICTS}
GK_QXZF = "http://gk.tj.gov.cn/xxgknb_530/qxzf/"
# Report URLs known from the real district sites, by spider.
REAL_REPORTS = {
    "hedong": ["https://www.tjhd.gov.cn/zwgk/zfxxgk/zfxxgkqzf/qzf/zfxxgknb42/202503/t20250304_6873286.html",
               "https://www.tjhd.gov.cn/zwgk/zfxxgk/zfxxgkqjjg/qmzj/zfxxgknb47/202012/t20201216_5030825.html"],
    "hongqiao": ["http://www.tjhq.gov.cn/zwgk/zfxxgkqzf/qzf/zfxxgknb2/202103/t20210308_5378162.html"],
    "heping": ["http://www.tjhp.gov.cn/zw/zfxxgk/zfgbm/qzfb/zfxxgknb/202401/t20240122_6515489.html"],
    "nankai": ["https://www.tjnk.gov.cn/NKQZF/ZWGK5712/zfxxgkqwbj/qzwfwbgs1/zfxxgknb30/202501/t20250121_6840839.html"],
    "hebei": ["http://www.tjhb.gov.cn/zwgk/zfxxgk/zfxxgkqzf/qzf1/zfxxgknb2/202403/t20240307_6554671.html"],
    "beichen": ["https://www.tjbc.gov.cn/zwgk/zfxxgk/xxgk_zjyq/zjyq_xxgk_jxlj/xxgk_zfxgknb_jxlj/202401/t20240110_6505421.html"],
    "wuqing": ["https://www.tjwq.gov.cn/zwgk/zfxxgk/wbj2/qzfb1/zfxxgknb3/202302/t20230202_6094089.html"],
    "jinghai": ["https://www.tjjh.gov.cn/jhqzf/zwgk_28985/zfxxgk_qzf1/qzf1/zfxxgknb2/202202/t20220214_5803915.html"],
    "ninghe": ["https://www.tjnh.gov.cn/zwgk/zfxxgkqzf1/qzf2/zfxxgknb51/202303/t20230301_6124724.html"],
    "jizhou": ["http://www.tjjz.gov.cn/zwgk/zfxxgk/zfxxgkqzf1/zfxxgknb2/2021n/202203/t20220301_5817391.html"],
}


def test_every_district_has_its_spider_with_the_hub_first(manifest):
    assert set(manifest["spiders"]) == {"tianjin", *DISTRICT_SPIDERS, "binhai", "tianqiao", "linhai"}
    assert len(DISTRICT_SPIDERS) == 15  # the TRS districts; 滨海新区 runs another system (binhai.py, below)
    for name, site in DISTRICT_SPIDERS.items():
        expect = manifest["spiders"][name]
        assert expect["lists"][0] == site.hub_url
        assert all(urlsplit(u).hostname in (site.host, "gk.tj.gov.cn") for u in expect["lists"]), name


def test_district_reports_name_their_units_in_full(manifest):
    levels = set()
    for name, site in DISTRICT_SPIDERS.items():
        for report in manifest["spiders"][name]["reports"]:
            unit = report["unit"]
            assert unit["region_code"] == site.code and unit["name"].startswith(f"天津市{site.name}"), report["url"]
            assert report["title"].startswith(f"天津市{site.name}") and str(report["year"]) in report["title"], report["url"]
            if report["url"].startswith(GK_QXZF):
                assert report["format"] == "pre2019" and unit["name"] == site.government
            else:
                assert report["format"] == ("gov2019" if report["year"] <= 2020 else "gov2021"), report["url"]
            levels.add(unit["level"])
    assert levels == {"district", "department", "township"}


def test_real_district_report_urls_are_expected_of_their_spiders(manifest):
    for name, urls in REAL_REPORTS.items():
        expected = {r["url"] for r in manifest["spiders"][name]["reports"]}
        assert set(urls) <= expected, name
    hexi = {r["url"] for r in manifest["spiders"]["hexi"]["reports"]}
    assert "http://gk.tj.gov.cn/xxgknb_530/qxzf/hxqrmzf/201803/t20180321_77384.shtml" in hexi


def test_district_pages_carry_the_district_chrome(replica, manifest):
    site = DISTRICT_SPIDERS["hedong"]
    report = manifest["spiders"]["hedong"]["reports"][0]
    page = lxml.html.fromstring(fetch(replica, report["url"])[1])
    text = " ".join(page.xpath("//body")[0].text_content().split())
    assert text.startswith(f"{site.government} 2019年12月3日星期二 无障碍 简体| 繁体 {report['title']} 来源:")
    assert f"主办:{site.government}办公室" in text and f"网站标识码:{site.site_id}" in text
    bare = manifest["spiders"]["beichen"]["reports"][-1]
    page = lxml.html.fromstring(fetch(replica, bare["url"])[1])
    assert " ".join(page.xpath("//body")[0].text_content().split()).startswith(bare["title"])


def test_district_layouts_the_spiders_must_handle(manifest):
    paged = [name for name in DISTRICT_SPIDERS
             if any(u.endswith("/index_1.html") for u in manifest["spiders"][name]["lists"])]
    assert len(paged) >= 2
    assert any(u.endswith("/zfxxgknb2/2021n/") for u in manifest["spiders"]["jizhou"]["lists"])
    interpreted = [name for name in DISTRICT_SPIDERS
                   if any(e["why"] == "interpretation" for e in manifest["spiders"][name]["not_reports"])]
    assert len(interpreted) >= 2


def test_seed_002_is_rebuilt_with_its_text_and_the_gold_tables(replica, manifest):
    url = REAL_REPORTS["hongqiao"][0]
    (entry,) = [r for r in manifest["spiders"]["hongqiao"]["reports"] if r["url"] == url]
    source = json.loads(SEED_002.with_suffix(".json").read_text(encoding="utf-8"))
    assert entry["tables"] == source["tables"] and entry["stats"] == source["stats"] and not entry["failing_checks"]
    assert (entry["title"], entry["published"], entry["publisher"]) == (
        "天津市红桥区人民政府2020年政府信息公开年度报告", "2021-03-08T16:47:00+08:00", "政府办")
    page = lxml.html.fromstring(fetch(replica, url)[1])
    for br in page.iter("br"):
        br.tail = "\n" + (br.tail or "")
    editor = page.xpath('//div[@class="TRS_Editor"]')[0]
    assert len(editor.xpath(".//table")) == 3 and editor.xpath(".//td[@rowspan]") and editor.xpath(".//td[@colspan]")
    blocks = [e.text_content().strip(" \n\xa0") for e in editor.xpath(".//p[not(ancestor::table)] | .//td")]
    lines = SEED_002.read_text(encoding="utf-8").split("\n\n")
    body = lines[lines.index("红桥区2020年政府信息公开工作报告"):lines.index("关于我们\u2003|\u2003 使用帮助\u2003|\u2003 网站声明\u2003|\u2003 网站地图")]
    assert [b for b in blocks if b] == [b.strip("\n") for b in body if b.strip("\n")]


# -- 滨海新区: the link-list CMS ---------------------------------------------------------------

BINHAI_ZONES = {"dj": "天津东疆综合保税区管理委员会", "bsq": "天津港保税区管理委员会", "kfq": "天津经济技术开发区管理委员会"}
BINHAI_GOVERNMENT = "天津市滨海新区人民政府"
def anchors(url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text — or its title where that is longer) of a page's links."""
    page = lxml.html.fromstring(page_file(url).read_bytes().decode("utf-8"))
    found = []
    for anchor in page.xpath("//a[@href]"):
        text, title = " ".join(anchor.text_content().split()), (anchor.get("title") or "").strip()
        found.append((urljoin(url, anchor.get("href").strip()), title if len(title) > len(text) else text))
    return found


def test_binhai_urls_units_and_years(manifest):
    expect = manifest["spiders"]["binhai"]
    shape = re.compile(r"http://www\.tjbh\.gov\.cn(?:/(dj|bsq|kfq))?/(contents/\d{4,5}/\d+|channels/\d{4,5}(_\d+)?)\.html")
    years: dict[str, list[int]] = {}
    for report in expect["reports"]:
        area = shape.fullmatch(report["url"]).group(1)
        assert "/contents/" in report["url"]
        name = BINHAI_ZONES[area] if area else BINHAI_GOVERNMENT
        assert report["unit"] == {"name": name, "region_code": "120116", "level": "department" if area else "district"}
        assert report["title"] == f"{name}{report['year']}年政府信息公开工作年度报告" and report["format"] == "gov2021"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", report["published"])
        years.setdefault(area or "", []).append(report["year"])
    assert sorted(years[""]) == [2021, 2022, 2023]
    assert set(years) == {"", *BINHAI_ZONES} and all(1 <= len(years[a]) <= 2 for a in BINHAI_ZONES)
    assert all(shape.fullmatch(u) and "/channels/" in u for u in expect["lists"])
    assert any(u.endswith("_2.html") for u in expect["lists"])
    assert [e["why"] for e in expect["not_reports"]] == ["interpretation"]
    for path in (DEFAULT_SITES / "www.tjbh.gov.cn").rglob("*.html"):
        assert "createPageHTML" not in path.read_text(encoding="utf-8"), path


def test_binhai_pages_carry_the_site_chrome(replica, manifest):
    report = next(r for r in manifest["spiders"]["binhai"]["reports"] if "/kfq/" in r["url"])
    page = lxml.html.fromstring(fetch(replica, report["url"])[1])
    text = " ".join(page.xpath("//body")[0].text_content().split())
    assert text.startswith(f"{BINHAI_GOVERNMENT} 无障碍 长者模式 首页滨海要闻政务公开")
    assert f"{report['title']} 发布时间：{report['published']} 来源：{report['publisher']} " in text
    assert report["publisher"] == "开发区管委会"
    assert f"主办：{BINHAI_GOVERNMENT}办公室" in text and "网站标识码：1201160001" in text and "津ICP备" in text
    body = page.xpath('//*[@id="zoom"]')[0].text_content()
    assert "无障碍" not in body and "网站标识码" not in body and len(page.xpath('//*[@id="zoom"]//table')) == 3


# -- 济南市天桥区: unit sites on the Jinan 政务公开 platform, reports in attachments --------------

# The platform's article URLs.
TIANQIAO_ARTICLE = re.compile(r"^/gongkai/site_\w+/channel_[0-9a-f]{24}/doc_[0-9a-f]{24}\.html$")
FILE_LINK = re.compile(r"\.(docx?|wps|pdf|xlsx?|et)$")
SEED_004 = Path(__file__).resolve().parents[1] / "replica" / "source" / "seed_004_tianqiao_2020"
SEED_004_URL_PREFIX = "http://www.tianqiao.gov.cn/gongkai/site_tianqiaoquqzf/"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def tianqiao(manifest):
    return manifest["spiders"]["tianqiao"]


def test_tianqiao_report_pages_link_exactly_their_attachments(tianqiao):
    for report in tianqiao["reports"]:
        files = [(url, text) for url, text in anchors(report["url"]) if FILE_LINK.search(urlsplit(url).path)]
        assert files == [(a["url"], a["name"]) for a in report["attachments"]], report["url"]
    assert [e["why"] for e in tianqiao["not_reports"]] == ["interpretation"] * 2


def test_tianqiao_units_urls_and_sources(tianqiao):
    units, vias = {}, []
    for report in tianqiao["reports"]:
        assert TIANQIAO_ARTICLE.search(urlsplit(report["url"]).path) and report["url"].startswith("http://")
        assert report["unit"]["region_code"] == "370105" and report["unit"]["name"].startswith("济南市天桥区")
        assert report["format"] == ("gov2019" if report["year"] <= 2020 else "gov2021")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", report["published"])
        units.setdefault(report["unit"]["name"], report["unit"]["level"])
        vias.append((report["year"], report["via"]))
    assert units["济南市天桥区人民政府"] == "district" and set(units.values()) == {"district", "department", "township"}
    assert "济南市天桥区投资促进中心" in units and "济南市天桥区人民政府办公室" in units
    assert sorted(v for v in vias if v[1] != "html") == [(2019, "pdf"), (2020, "docx"), (2020, "ocr")]
    assert all(year >= 2021 for year, via in vias if via == "html")
    real = ("http://www.tianqiao.gov.cn/gongkai/site_tianqiaoquqzfbgsb/channel_6389a0e8375991828263322c/"
            "doc_641a6f4f67b66485f27211cd.html")
    (entry,) = [r for r in tianqiao["reports"] if r["url"] == real]
    assert (entry["unit"]["name"], entry["year"]) == ("济南市天桥区人民政府办公室", 2022)
    assert any(u.endswith("/index_3.html") for u in tianqiao["lists"])


def test_tianqiao_attachments_are_served_as_recorded(replica, tianqiao):
    errors = []
    for report in tianqiao["reports"]:
        for attachment in report["attachments"]:
            response, body = fetch(replica, attachment["url"])
            if attachment["sha256"] is None:
                assert response.status == 404 and attachment["error"] is True
                errors.append("dead_link")
                continue
            assert response.status == 200 and hashlib.sha256(body).hexdigest() == attachment["sha256"]
            suffix = attachment["url"].rsplit(".", 1)[1]
            assert attachment["name"].endswith(f".{suffix}")
            if attachment.get("error"):
                assert report["via"] == "html" and not body.startswith((b"%PDF", b"PK"))
                errors.append("corrupt")
            else:
                # A scanned PDF's tables are read by OCR.
                assert report["via"] in {"pdf": ("pdf", "ocr"), "docx": ("docx",)}[suffix]
                assert body.startswith({"pdf": b"%PDF-", "docx": b"PK\x03\x04"}[suffix])
                assert response.getheader("Content-Type") == server.CONTENT_TYPES[f".{suffix}"]
    assert sorted(errors) == ["corrupt", "dead_link"]


def test_tianqiao_pages_open_with_the_title_and_carry_their_contact_lines(replica, tianqiao):
    for report in tianqiao["reports"]:
        page = lxml.html.fromstring(fetch(replica, report["url"])[1])
        text = " ".join(page.xpath("//body")[0].text_content().split())
        assert text.startswith(f"{report['title']} 字号: 大 中 小 发布时间：{report['published']} 来源：{report['publisher']} ")
        zoom = page.xpath('//*[@id="zoom"]')[0].text_content()
        if report["via"] == "html":
            assert "联系地址：" in zoom and "联系电话：" in zoom and len(page.xpath('//*[@id="zoom"]//table')) == 3
        else:
            assert zoom.strip() == "详见附件。"


def test_seed_004_is_a_docx_with_the_seed_text_and_the_gold_tables(replica, tianqiao):
    (entry,) = [r for r in tianqiao["reports"] if r["via"] == "docx"]
    source = json.loads(SEED_004.with_suffix(".json").read_text(encoding="utf-8"))
    assert (entry["tables"], entry["stats"], entry["failing_checks"]) == (source["tables"], source["stats"], source["failing_checks"])
    assert _failing_identities("gov2019", entry["tables"]) == {"applications_balance.natural_person",
                                                               "applications_balance.org_commercial"}
    assert (entry["url"].startswith(SEED_004_URL_PREFIX), entry["title"], entry["published"], entry["publisher"]) == (
        True, "天桥区人民政府2020年政府信息公开工作年度报告", "2021-02-10", "天桥区政府办公室")
    raw = fetch(replica, entry["attachments"][0]["url"])[1]
    archive = zipfile.ZipFile(io.BytesIO(raw))
    assert archive.namelist()[0] == "[Content_Types].xml" and {i.date_time for i in archive.infolist()} == {(2021, 2, 10, 9, 12, 0)}
    body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")

    def text(element) -> str:
        return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in element.iter(f"{W}p"))
    paragraphs = [text(p) for p in body.findall(f"{W}p") if text(p)]
    lines = SEED_004.with_suffix(".txt").read_text(encoding="utf-8").split("\n")
    prose, seed_cells = [], []
    for n, line in enumerate(lines[:lines.index("重点领域信息统计")]):
        if line.startswith("\t"):
            seed_cells.append(line[1:].replace("[bookmark: _GoBack]", ""))
        elif line and lines[n - 1].startswith("\t"):  # a cell's second line
            seed_cells[-1] += "\n" + line
        elif re.sub(r"\[image: [^\]]*\]", "", line).strip():
            prose.append(re.sub(r"\[image: [^\]]*\]", "", line).strip())
    assert paragraphs == prose
    tables = body.findall(f"{W}tbl")
    assert len(tables) == 3
    assert len(list(body.iter(f"{W}gridSpan"))) > 10 and len(list(body.iter(f"{W}vMerge"))) > 20
    assert [text(tc) for table in tables for tc in table.iter(f"{W}tc")] == seed_cells
    assert [b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")] == ["_GoBack"]


def test_the_tianqiao_pdf_is_readable(replica, tianqiao):
    import pdfplumber

    (entry,) = [r for r in tianqiao["reports"] if r["via"] == "pdf"]
    raw = fetch(replica, entry["attachments"][0]["url"])[1]
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
        assert len(pdf.pages) >= 2 and sum(len(page.rects) for page in pdf.pages) > 100
    assert text.startswith(entry["title"]) and "四、政府信息公开行政复议、行政诉讼情况" in text


def test_the_sites_stay_small():
    # 4.6 MB before tianqiao's scanned report, whose three 200 dpi JPEG pages weigh about 1 MB.
    assert sum(p.stat().st_size for p in DEFAULT_SITES.rglob("*") if p.is_file()) < 5_800_000
