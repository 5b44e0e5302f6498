"""TRS 动静结合 lists: the list API call read from the real sample page, the answers TRS list APIs
give, and the replica's 动静结合 column (河西区 越秀路街道) crawled completely without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from govcrawl.cms.list_rules import LINKS_BASE, ListPage, link_text, list_date
from govcrawl.cms.trs_wcm import LIST_API, TrsWcmRules, answer_problem, list_api
from govcrawl.definitions import DefinitionError, load_definitions, parse_definition
from replica.server import DEFAULT_SITES, load_manifest

from .crawling import expectations, host_path

PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"
HEXI = next(d for d in load_definitions() if d.name == "hexi")
DYNAMIC_COLUMN = "http://www.tjhx.gov.cn/zwgk/zfxxgk/jd/yxljd/zfxxgknb31/"


@pytest.fixture(scope="module")
def pingtan(shared) -> HtmlResponse:
    body = (shared / "samples" / "pingtan-list.html").read_bytes()
    return HtmlResponse(PINGTAN, body=body, encoding="utf-8", request=Request(PINGTAN))


def answer(body: str, content_type: str = "application/json") -> TextResponse:
    """A list API's answer as the spider receives it: the request marks the page it belongs to."""
    request = Request("https://www.pingtan.gov.cn/fjdzapp/search?page=2", meta={LINKS_BASE: PINGTAN})
    return TextResponse(request.url, body=body.encode("utf-8"), encoding="utf-8", request=request,
                        headers={"Content-Type": content_type})


def test_the_sample_pages_list_api_call_is_read_with_its_arguments_resolved(pingtan):
    api = list_api(pingtan.text)
    # channelid is `SiteInfo.searchId` (200210, not the commented-out was4doc), classsql `"" || "chnlid=1813"`.
    assert api.args == {"channelid": "200210", "classsql": "chnlid=1813", "sortfield": "-docorderpri,-docreltime"}
    assert (api.per_page, api.records, api.static_pages, api.unresolved) == (10, 20, 1, ())


def test_the_sample_page_lists_its_static_items_and_asks_the_api_for_page_two(pingtan):
    rules = TrsWcmRules(HEXI)
    articles = [a for a in rules.anchors(pingtan) if rules.is_article(pingtan.urljoin(a.attrib["href"]))]
    assert len(articles) == 10
    assert link_text(articles[0]) == "平潭综合实验区2025年度政府信息公开工作年度报告"
    assert list_date(articles[0]) == "2026-03-10"
    assert rules.further_pages(pingtan) == [ListPage(
        "https://www.pingtan.gov.cn/fjdzapp/search?channelid=200210&classsql=chnlid%3D1813"
        "&sortfield=-docorderpri%2C-docreltime&prepage=10&page=2", links_base=PINGTAN)]
    # The sample's navigation links the column as nlist.htm: a list page of TRS shape.
    assert rules.is_list("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm")


def test_static_pages_before_the_api_when_more_than_one_is_static(pingtan):
    html = pingtan.text.replace("maxStaticIndex: 1", "maxStaticIndex: 2").replace("recordCount: '20'", "recordCount: '35'")
    page = HtmlResponse(PINGTAN, body=html.encode("utf-8"), encoding="utf-8", request=Request(PINGTAN))
    urls = [p if isinstance(p, str) else p.url for p in TrsWcmRules(HEXI).further_pages(page)]
    assert urls[0] == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist_1.htm"
    assert [u[-6:] for u in urls[1:]] == ["page=3", "page=4"]


def test_a_call_the_page_does_not_spell_out_is_left_to_the_browser(pingtan):
    # The record count from a variable another script sets: the API pages cannot be counted.
    html = pingtan.text.replace("recordCount: '20'", "recordCount: pageInfo.total")
    page = HtmlResponse(PINGTAN, body=html.encode("utf-8"), encoding="utf-8", request=Request(PINGTAN))
    assert list_api(html).unresolved == ("pagebar.recordCount",)
    assert TrsWcmRules(HEXI).further_pages(page) == [ListPage(PINGTAN, in_browser=True)]


def test_a_portal_names_its_own_list_api(pingtan):
    data = {"name": "x", "cms": "trs_wcm", "allowed_domains": ["pingtan.gov.cn"], "start_urls": [PINGTAN],
            "owner": {"name": "平潭综合实验区管委会"}, "lists": {"list_api": "/was5/web/search"}}
    (page,) = TrsWcmRules(parse_definition(data, Path("x.toml"))).further_pages(pingtan)
    assert page.url.startswith("https://www.pingtan.gov.cn/was5/web/search?channelid=200210&")
    with pytest.raises(DefinitionError, match="lists.list_api"):
        TrsWcmRules(parse_definition({**data, "lists": {"list_api": "was5"}}, Path("x.toml")))
    assert TrsWcmRules(HEXI).list_api == LIST_API


@pytest.mark.parametrize("body", [
    # the fields the sample's template binds: el.doctitle, el.chnldocurl, el.docreltime
    '{"count": "20", "docs": [{"doctitle": "<em>平潭</em>2015年度政府信息公开工作年度报告",'
    ' "chnldocurl": "./201601/t20160118_80001.htm", "docreltime": "2016-01-18 09:00:00"}]}',
    # JSONP, upper-case keys, absolute URL
    'jQuery1124({"DOCS": [{"DOCTITLE": "平潭2015年度政府信息公开工作年度报告",'
    ' "DOCPUBURL": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201601/t20160118_80001.htm", "DOCRELTIME": "2016-01-18"}]});',
    # a nested data envelope with title/url/pubDate
    '{"code": 200, "data": {"total": 20, "list": [{"title": "平潭2015年度政府信息公开工作年度报告",'
    ' "url": "/zwgk/zfxxgk/zfxxgknb/201601/t20160118_80001.htm", "pubDate": "2016-01-18"}]}}',
])
def test_json_answers_give_their_records_as_links_of_the_list_page(body):
    (anchor,) = TrsWcmRules(HEXI).anchors(answer(body))
    assert anchor.attrib["href"] == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201601/t20160118_80001.htm"
    assert link_text(anchor).startswith("平潭") and link_text(anchor).endswith("2015年度政府信息公开工作年度报告")
    assert list_date(anchor) == "2016-01-18"


def test_an_html_fragment_answer_gives_its_links_resolved_against_the_list_page():
    body = ('<li><a href="./201601/t20160118_80001.htm" title="平潭2015年度政府信息公开工作年度报告">平潭2015年度…</a>'
            "<span>2016-01-18</span></li>")
    (anchor,) = TrsWcmRules(HEXI).anchors(answer(body, "text/html"))
    assert anchor.attrib["href"] == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201601/t20160118_80001.htm"
    assert link_text(anchor) == "平潭2015年度政府信息公开工作年度报告"


@pytest.mark.parametrize(("body", "readable"), [
    ('{"docs": []}', True),  # past the last record: empty, not unreadable
    ("", True),
    ('{"result": [{"bt": "平潭2015年度报告", "lj": "x.htm"}]}', False),
    ("<xml><doc>平潭2015年度报告</doc></xml>", False),
])
def test_answers_of_an_unknown_shape_are_reported(body, readable):
    assert (answer_problem(body) is None) is readable
    assert (TrsWcmRules(HEXI).unreadable(answer(body)) is None) is readable


def test_the_replica_column_is_dynamic_with_a_static_first_page():
    lists = load_manifest()["spiders"]["hexi"]["lists"]
    api_pages = [u for u in lists if u.startswith(f"http://www.tjhx.gov.cn{LIST_API}?")]
    assert DYNAMIC_COLUMN in lists and len(api_pages) >= 2
    reports = [url for url in expectations("hexi")["reports"] if url.startswith(DYNAMIC_COLUMN)]
    assert len(reports) == 6


@pytest.mark.crawls("hexi")
def test_the_spider_reads_every_report_of_the_dynamic_column_without_a_browser(crawls):
    hexi = crawls["hexi"]  # the session's crawl of hexi (tests/crawling.py)
    expected = expectations("hexi")
    column = {url for url in expected["reports"] if url.startswith(DYNAMIC_COLUMN)}
    assert column <= {r["url"] for r in hexi.records}
    served = hexi.served_paths()
    assert [u for u in expected["lists"] if host_path(u) not in served] == []
    assert hexi.stat("govcrawl/lists_rendered") == 0 and hexi.stat("playwright/page_count") == 0
    assert hexi.errors == []
    # Most of the column's reports are on no static page: only the API's answers list them.
    static = (DEFAULT_SITES / "www.tjhx.gov.cn" / "zwgk/zfxxgk/jd/yxljd/zfxxgknb31/index.html").read_text(encoding="utf-8")
    only_listed_by_the_api = {url for url in column if url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1] not in static}
    assert len(only_listed_by_the_api) == 4
