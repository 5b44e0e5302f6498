"""The offline replica: its server over real HTTP on loopback, and its site trees against the manifest."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from govcrawl.replica import tables as t
from govcrawl.replica.build import SEED_000, build
from govcrawl.replica.server import DEFAULT_MANIFEST, DEFAULT_SITES, ReplicaServer, load_manifest

PAGER = re.compile(r"""createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*"index"\s*,\s*"(\w+)"\s*\)""")
GKNB = "https://www.tj.gov.cn/zwgk/zfxxgkzl/gknb/"


@pytest.fixture(scope="module")
def replica():
    with ReplicaServer(DEFAULT_SITES) as server:
        yield server


@pytest.fixture(scope="module")
def manifest():
    return load_manifest()


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


def test_gbk_pages_are_served_byte_for_byte(replica, manifest):
    url = next(r["url"] for r in manifest["reports"] if r["url"].startswith("http://gk.tj.gov.cn/"))
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
    assert all(host in body.decode("utf-8") for host in ("www.tj.gov.cn", "fzgg.tj.gov.cn", "gk.tj.gov.cn"))
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
    for url in manifest["lists"] + [r["url"] for r in manifest["reports"]]:
        assert fetch(replica, url)[0].status == 200, url
    for entry in manifest["not_reports"]:
        expected = 404 if entry["why"] == "dead_link" else 200
        assert fetch(replica, entry["url"])[0].status == expected, entry


def test_the_broken_page_ends_inside_a_table(manifest):
    (broken,) = [e["url"] for e in manifest["not_reports"] if e["why"] == "broken"]
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
    assert paged >= 4  # sjbm, fzgg, gk tjsrmzf: both pages of each announce two


def test_off_limits_urls_are_not_lists_or_reports(manifest):
    wanted = set(manifest["lists"]) | {r["url"] for r in manifest["reports"]}
    assert not wanted & set(manifest["off_limits"])
    assert any(urlsplit(u).hostname == "www.tjhp.gov.cn" for u in manifest["off_limits"])


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
    for report in manifest["reports"]:
        tables = report["tables"]
        if tables["applications"] is None:
            assert not report["failing_checks"]
            continue
        assert set(tables["applications"]) == {"new_received", "carried_over_in", "carried_over_out", *t.result_rows(report["format"])}
        assert _failing_identities(report["format"], tables) == set(report["failing_checks"]), report["url"]
        broken += bool(report["failing_checks"])
    assert broken == 1


def test_seed_000_is_rebuilt_with_its_text_and_tables_as_images(replica, manifest):
    url = GKNB + "xxgknb2020/tjsrmzf/202103/t20210330_5402052.html"
    (entry,) = [r for r in manifest["reports"] if r["url"] == url]
    assert entry["flags"] == ["tables_as_images"] and set(entry["tables"].values()) == {None}
    assert entry["published"] == "2021-03-30T16:52:00+08:00" and entry["publisher"] == "天津市人民政府办公厅"
    page = lxml.html.fromstring(fetch(replica, url)[1])
    editor = page.xpath('//div[@class="TRS_Editor"]')[0]
    paragraphs = ["".join(p.itertext()) for p in editor.xpath("./p")]
    source_blocks = SEED_000.read_text(encoding="utf-8").split("\n\n")
    assert [p for p in paragraphs if p] == source_blocks[5:-1]
    images = editor.xpath(".//img/@src")
    assert len(images) == 3
    for src in images:
        response, body = fetch(replica, url.rsplit("/", 1)[0] + "/" + src.removeprefix("./"))
        assert response.getheader("Content-Type") == "image/png" and body.startswith(b"\x89PNG\r\n\x1a\n")


def test_committed_tree_is_what_the_builder_writes(tmp_path):
    rebuilt = build(tmp_path / "sites", tmp_path / "manifest.json")
    assert rebuilt == load_manifest(DEFAULT_MANIFEST)
    committed = {p.relative_to(DEFAULT_SITES): p.read_bytes() for p in DEFAULT_SITES.rglob("*") if p.is_file()}
    fresh = {p.relative_to(tmp_path / "sites"): p.read_bytes() for p in (tmp_path / "sites").rglob("*") if p.is_file()}
    assert committed == fresh
